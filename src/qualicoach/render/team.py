"""The team review as a table, JSON, CSV and a standalone HTML page.

Money is shown per currency, as the review adds it up: never one sum of two currencies.
Names, reasons and file paths come from reps' files, so they are shown as text: control
characters visible in the terminal and CSV, escaped in HTML, never run as formulas.
"""

from __future__ import annotations

import csv
import html
import textwrap
from collections.abc import Mapping, Sequence
from typing import IO, Any

from qualicoach.coaching.team import NO_CURRENCY, OwnerFigures, Review
from qualicoach.domain.vocabulary import OPEN_STAGES
from qualicoach.render.console import visible

# The sign shown for amounts of deals with no currency (and no team default).
NO_CURRENCY_SIGN = "¤"
# Verdicts of open deals, in the order the charts stack them, with their colours.
VERDICT_ORDER = ("stalled", "at_risk", "poor_fit", "early", "on_track")
VERDICT_LABELS = {"stalled": "stalled", "at_risk": "at risk", "poor_fit": "poor fit",
                  "early": "early", "on_track": "on track"}
_COLOURS = {"stalled": "#7a1f1f", "at_risk": "#d9534f", "poor_fit": "#b8860b",
            "early": "#9aa5b1", "on_track": "#3c8d5a"}


def _round(money: Mapping[str, float]) -> dict[str, float]:
    return {currency: round(amount, 2) for currency, amount in sorted(money.items())}


def owner_data(f: OwnerFigures) -> dict[str, Any]:
    """One owner's figures as plain data."""
    return {"owner": f.owner, "open_deals": f.open_deals,
            "open_amount": _round(f.open_amount), "at_risk_amount": _round(f.at_risk_amount),
            "at_risk": f.at_risk, "stalled": f.stalled, "poor_fit": f.poor_fit,
            "never_interviewed": f.never_interviewed, "stale": f.stale, "quota": f.quota,
            "coverage": None if f.coverage is None else round(f.coverage, 3)}


def review_data(result: Review) -> dict[str, Any]:
    """The review as plain data (the JSON output; docs/team.md describes each key)."""
    collected = result.collected
    return {
        "today": result.today.isoformat(),
        "period": result.period,
        "default_currency": result.currency or None,
        "stale_after_days": result.stale_after_days,
        "files": list(collected.files),
        "owners": [owner_data(f) for f in result.owners],
        "total": owner_data(result.total),
        "discuss_first": [{
            "id": item.deal.id, "name": item.deal.row.fields.get("name"),
            "account": item.deal.row.fields.get("account"), "owner": item.deal.owner,
            "stage": item.deal.stage, "amount": item.deal.amount,
            "currency": item.deal.currency, "close_date": item.deal.row.fields.get("close_date"),
            "risk": item.deal.row.risk, "verdict_kind": item.deal.row.verdict,
            "verdict": item.verdict, "reason": item.reason, "question": item.question,
            "stake": round(item.stake, 2), "file": item.deal.source,
        } for item in result.discuss_first],
        "by_stage": result.by_stage,
        "duplicates": [{"id": d.id, "account": d.account, "crm_id": d.crm_id or None,
                        "counted_from": d.kept, "also_in": list(d.also_in)}
                       for d in collected.duplicates],
        "framework_differences": [{"file": d.path, "framework": d.framework,
                                   "theirs": d.theirs or None, "team": d.team,
                                   "difference": d.text} for d in collected.differences],
        "skipped": [{"file": s.path, "why": s.why} for s in collected.skipped],
    }


# --- money in few characters -----------------------------------------------------------------

def short_money(amount: float, currency: str) -> str:
    """'5.31M EUR', '987k USD', '12.5k EUR', '950 EUR': three significant figures."""
    sign = NO_CURRENCY_SIGN if currency == NO_CURRENCY else currency
    value = abs(amount)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            scaled = amount / limit
            digits = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
            return f"{scaled:.{digits}f}{suffix} {sign}"
    return f"{amount:.0f} {sign}"


def money_lines(money: Mapping[str, float]) -> list[str]:
    """One line per currency, largest first; '-' when there is none."""
    if not money:
        return ["-"]
    return [short_money(amount, currency)
            for currency, amount in sorted(money.items(), key=lambda i: (-i[1], i[0]))]


# --- the table -------------------------------------------------------------------------------

_HEADERS = ("owner", "open", "amount", "at risk", "stall", "poor", "never", "stale", "cover")


def _owner_rows(f: OwnerFigures) -> list[list[str]]:
    amounts, at_risk = money_lines(f.open_amount), money_lines(f.at_risk_amount)
    cover = "-" if f.coverage is None else f"{f.coverage:.1f}x"
    first = [visible(f.owner), str(f.open_deals), amounts[0], at_risk[0], str(f.stalled),
             str(f.poor_fit), str(f.never_interviewed), str(f.stale), cover]
    rows = [first]
    for n in range(1, max(len(amounts), len(at_risk))):
        rows.append(["", "", amounts[n] if n < len(amounts) else "",
                     at_risk[n] if n < len(at_risk) else "", "", "", "", "", ""])
    return rows


def review_text(result: Review, width: int | None = None) -> str:
    """The review for a terminal or a pipe: the owners' table, the deals to discuss first,
    and what was counted once, scored with other frameworks or skipped.

    It fits 80 columns; ``width`` (a terminal's) only changes where long lines wrap, and
    nothing is ever cut.
    """
    wrap_at = max(40, min(width or 80, 100))
    out: list[str] = []
    collected = result.collected
    files = len(collected.files)
    out += textwrap.wrap(f"Team review, {result.today.isoformat()}: "
                         f"{result.total.open_deals:,} open deal"
                         f"{'s' if result.total.open_deals != 1 else ''} from {files} "
                         f"file{'s' if files != 1 else ''}", wrap_at)
    table = [list(_HEADERS)]
    for f in result.owners:
        table += _owner_rows(f)
    if len(result.owners) > 1:
        table += _owner_rows(result.total)
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADERS))]
    columns = list(range(len(_HEADERS)))
    if all(f.coverage is None for f in result.owners):
        columns.remove(_HEADERS.index("cover"))  # no quota given: nothing to show
    # In a terminal too narrow for every column, the counts a manager needs least step
    # aside (the JSON and CSV have them all); piped, every column is there.
    for optional in ("poor", "stale", "never", "stall", "open"):
        if width is None or sum(widths[i] + 2 for i in columns) - 2 <= width:
            break
        if _HEADERS.index(optional) in columns:
            columns.remove(_HEADERS.index(optional))
    total_at = len(table) - len(_owner_rows(result.total)) if len(result.owners) > 1 else -1
    out.append("")
    for number, line in enumerate(table):
        if number == total_at:
            out.append("-" * (sum(widths[i] for i in columns) + 2 * (len(columns) - 1)))
        out.append("  ".join(line[i].ljust(widths[i]) if i == 0 else line[i].rjust(widths[i])
                             for i in columns).rstrip())
    meaning = {"open": "open deals", "amount": "open amount",
               "at risk": "open amount at risk of no decision", "stall": "stalled",
               "poor": "poor fit", "never": "never interviewed",
               "stale": f"not interviewed for {result.stale_after_days} days",
               "cover": f"amount closing in {result.period} over quota"}
    legend = "; ".join(f"{_HEADERS[i]}: {meaning[_HEADERS[i]]}" for i in columns[1:]) + "."
    if len(columns) < len(_HEADERS) - (_HEADERS.index("cover") not in columns):
        legend += " A wider terminal, --format json or csv show every column."
    if any(NO_CURRENCY in f.open_amount for f in result.owners):
        legend += (f" {NO_CURRENCY_SIGN}: deals with no currency (give default_currency in "
                   "the team config).")
    out.append("")
    out += textwrap.wrap(legend, wrap_at)
    out.append("")
    if result.discuss_first:
        out += textwrap.wrap("Discuss first (most at stake: risk, amount and time to close)",
                             wrap_at)
        for number, item in enumerate(result.discuss_first, 1):
            fields = item.deal.row.fields
            amount = item.deal.amount
            money = "no amount" if amount is None else (
                f"{amount:,.0f} " + (NO_CURRENCY_SIGN if item.deal.currency == NO_CURRENCY
                                     else item.deal.currency))
            close = fields.get("close_date")
            when = f"closes {close}" if close else "no close date"
            head = (f"{number}. {visible(str(fields.get('name', item.deal.id)))} "
                    f"({visible(item.deal.id)}), {visible(item.deal.owner)}: {money}, {when}")
            out += textwrap.wrap(head, wrap_at, subsequent_indent="   ")
            verdict = f"{item.verdict.capitalize()} (risk {item.deal.row.risk}): " \
                      f"{visible(item.reason)}"
            out += textwrap.wrap(verdict, wrap_at, initial_indent="   ",
                                 subsequent_indent="   ")
            out += textwrap.wrap(f"Ask {visible(item.deal.owner)}: {visible(item.question)}",
                                 wrap_at, initial_indent="   ", subsequent_indent="   ")
    else:
        out.append("Nothing to discuss first: no open deal carries a risk.")
    def notes(title: str, items: list[tuple[str, str]]) -> None:
        # A titled list of "- what: why" items, each wrapped on its own.
        if items:
            out.extend(["", title])
            for what, why in items:
                out.extend(textwrap.wrap(f"- {visible(what)}: {visible(why)}", wrap_at,
                                         subsequent_indent="  "))

    notes("Counted once (the same deal in more than one file)", [
        (f"CRM id {d.crm_id}" if d.crm_id else f"{d.id}, {d.account or 'no account'}",
         f"counted from {d.kept}; also in {', '.join(d.also_in)}")
        for d in collected.duplicates])
    notes("Frameworks that differ from the team's",
          [(diff.path, diff.text) for diff in collected.differences])
    notes("Skipped (not reviewed)", [(s.path, s.why) for s in collected.skipped])
    return "\n".join(out) + "\n"


# --- CSV -------------------------------------------------------------------------------------

def review_csv(result: Review, out: IO[str]) -> None:
    """One row per owner (and one for the team): counts, then each currency's open and
    at-risk amounts in columns of their own, so no cell adds two currencies."""
    # Here, not at the top: the table and JSON do not need what it brings (Rich).
    from qualicoach.render.pipeline import safe_cell

    rows = [*result.owners, result.total]
    currencies = sorted({c for f in rows for c in (*f.open_amount, *f.at_risk_amount)})
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["owner", "open_deals", "at_risk", "stalled", "poor_fit",
                     "never_interviewed", "stale", "quota", "coverage",
                     *(f"open_amount_{c}" for c in currencies),
                     *(f"at_risk_amount_{c}" for c in currencies)])
    for f in rows:
        writer.writerow([safe_cell(f.owner), f.open_deals, f.at_risk, f.stalled, f.poor_fit,
                         f.never_interviewed, f.stale, safe_cell(f.quota),
                         safe_cell(None if f.coverage is None else round(f.coverage, 3)),
                         *(round(f.open_amount.get(c, 0.0), 2) for c in currencies),
                         *(round(f.at_risk_amount.get(c, 0.0), 2) for c in currencies)])


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2530;
margin:0 auto;padding:16px;max-width:980px;line-height:1.4}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:24px 0 8px;
border-bottom:1px solid #d5dbe1;padding-bottom:4px}
.meta{color:#5b6774;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:4px 6px;border-bottom:1px solid #e4e8ec;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f3f5f7}
tr.total td{font-weight:600;border-top:2px solid #9aa5b1}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{flex:1 1 420px;break-inside:avoid}
svg text{font-size:11px;fill:#1d2530}
ol.discuss{padding-left:1.4em}ol.discuss li{margin:0 0 10px;break-inside:avoid}
.verdict{font-weight:600}.at_risk,.stalled{color:#b52b27}.poor_fit{color:#8a6500}
.ask{background:#f3f5f7;border-left:3px solid #3b6ea5;padding:2px 8px;margin-top:2px}
ul.notes li{margin-bottom:4px}.none{color:#5b6774}
@page{margin:12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.charts{display:block}
.chart{margin-bottom:8px}h2{break-after:avoid}a{color:inherit}}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _owner_cells(f: OwnerFigures, css: str = "") -> str:
    def money(m: Mapping[str, float]) -> str:
        return "<br>".join(_e(line) for line in money_lines(m))
    cover = "-" if f.coverage is None else f"{f.coverage:.1f}x"
    quota = "-" if f.quota is None else f"{f.quota:,.0f}"
    cells = [_e(f.owner), str(f.open_deals), money(f.open_amount), money(f.at_risk_amount),
             str(f.stalled), str(f.poor_fit), str(f.never_interviewed), str(f.stale), quota,
             cover]
    return f"<tr class=\"{css}\">" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _amount_chart(result: Review, currency: str) -> str:
    """Horizontal bars: each owner's open amount, with the part at risk over it."""
    owners = [f for f in result.owners if f.open_amount.get(currency)]
    if not owners:
        return ""
    top = max(f.open_amount.get(currency, 0.0) for f in owners) or 1.0
    label_w, bar_w, row_h = 120, 300, 22
    height = row_h * len(owners) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
             f'viewBox="0 0 {label_w + bar_w + 90} {height}" aria-label="Open and at-risk '
             f'amount by owner in {_e(currency)}">']
    for n, f in enumerate(owners):
        y = n * row_h + 4
        total = f.open_amount.get(currency, 0.0)
        risk = f.at_risk_amount.get(currency, 0.0)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
                     f'{_e(f.owner[:18])}</text>')
        parts.append(f'<rect class="open" x="{label_w}" y="{y}" width="{bar_w * total / top:.1f}"'
                     f' height="16" fill="#9fb7cf"><title>{_e(f.owner)}: open '
                     f'{total:,.0f} {_e(currency)}</title></rect>')
        parts.append(f'<rect class="risk" x="{label_w}" y="{y}" width="{bar_w * risk / top:.1f}" '
                     f'height="16" fill="#d9534f"><title>{_e(f.owner)}: at risk {risk:,.0f} '
                     f'{_e(currency)}</title></rect>')
        parts.append(f'<text x="{label_w + bar_w * total / top + 4:.1f}" y="{y + 13}">'
                     f'{_e(short_money(total, currency))}</text>')
    y = len(owners) * row_h + 14
    parts.append(f'<rect x="{label_w}" y="{y}" width="10" height="10" fill="#9fb7cf"/>'
                 f'<text x="{label_w + 14}" y="{y + 9}">open</text>'
                 f'<rect x="{label_w + 60}" y="{y}" width="10" height="10" fill="#d9534f"/>'
                 f'<text x="{label_w + 74}" y="{y + 9}">at risk of no decision</text>')
    parts.append("</svg>")
    sign = NO_CURRENCY_SIGN + " (no currency)" if currency == NO_CURRENCY else currency
    return (f'<figure class="chart amounts"><figcaption>Open and at-risk amount by owner, '
            f'{_e(sign)}</figcaption>{"".join(parts)}</figure>')


def _stage_chart(result: Review) -> str:
    """Stacked bars: open deals in each stage, by verdict."""
    stages = [s for s in OPEN_STAGES if s in result.by_stage] + [
        s for s in result.by_stage if s not in OPEN_STAGES]
    top = max((sum(result.by_stage[s].values()) for s in stages), default=0) or 1
    label_w, bar_w, row_h = 90, 330, 22
    height = row_h * len(stages) + 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
             f'viewBox="0 0 {label_w + bar_w + 50} {height}" aria-label="Open deals by stage '
             'and verdict">']
    for n, stage in enumerate(stages):
        y = n * row_h + 4
        x = float(label_w)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_e(stage)}</text>')
        counts = result.by_stage[stage]
        for verdict in (*VERDICT_ORDER, *(v for v in counts if v not in VERDICT_ORDER)):
            count = counts.get(verdict, 0)
            if not count:
                continue
            w = bar_w * count / top
            parts.append(f'<rect class="{_e(verdict)}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                         f'height="16" fill="{_COLOURS.get(verdict, "#777")}"><title>'
                         f'{_e(stage)}, {_e(VERDICT_LABELS.get(verdict, verdict))}: {count}'
                         '</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{sum(counts.values())}</text>')
    y = len(stages) * row_h + 14
    x = label_w
    for verdict in VERDICT_ORDER:
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{_COLOURS[verdict]}"/>'
                     f'<text x="{x + 14}" y="{y + 9}">{VERDICT_LABELS[verdict]}</text>')
        x += 14 + 7 * len(VERDICT_LABELS[verdict]) + 14
    parts.append("</svg>")
    return (f'<figure class="chart stages"><figcaption>Open deals by stage and verdict'
            f'</figcaption>{"".join(parts)}</figure>')


def review_html(result: Review) -> str:
    """The review as one standalone page: embedded CSS, charts as inline SVG, nothing
    fetched from anywhere; it prints on A4 and Letter."""
    collected = result.collected
    currencies = sorted({c for f in result.owners for c in f.open_amount})
    head = ("<tr>" + "".join(f"<th>{h}</th>" for h in (
        "owner", "open deals", "open amount", "at risk of no decision", "stalled", "poor fit",
        "never interviewed", f"stale ({result.stale_after_days} days)",
        f"quota {result.period}", "coverage")) + "</tr>")
    rows = "".join(_owner_cells(f) for f in result.owners)
    if len(result.owners) > 1:
        rows += _owner_cells(result.total, "total")
    items = []
    for item in result.discuss_first:
        fields = item.deal.row.fields
        amount = item.deal.amount
        money = "no amount" if amount is None else f"{amount:,.0f} " + (
            NO_CURRENCY_SIGN if item.deal.currency == NO_CURRENCY else item.deal.currency)
        close = fields.get("close_date") or "no close date"
        items.append(
            f'<li><strong>{_e(fields.get("name", item.deal.id))}</strong> '
            f'({_e(item.deal.id)}), {_e(item.deal.owner)}: {_e(money)}, closes {_e(close)}'
            f'<br><span class="verdict {_e(item.deal.row.verdict)}">{_e(item.verdict)}</span>'
            f' (risk {_e(item.deal.row.risk)}): {_e(item.reason)}'
            f'<div class="ask">Ask {_e(item.deal.owner)}: {_e(item.question)}</div></li>')
    discuss = (f'<ol class="discuss">{"".join(items)}</ol>' if items
               else '<p class="none">No open deal carries a risk.</p>')

    def notes(title: str, lines: Sequence[str], css: str) -> str:
        if not lines:
            return ""
        return (f'<h2>{title}</h2><ul class="notes {css}">'
                + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")

    duplicates = [f"{_e('CRM id ' + d.crm_id if d.crm_id else d.id + ', ' + d.account)}: "
                  f"counted from {_e(d.kept)}; also in {_e(', '.join(d.also_in))}"
                  for d in collected.duplicates]
    differences = [f"{_e(d.path)}: {_e(d.text)}" for d in collected.differences]
    skipped = [f"{_e(s.path)}: {_e(s.why)}" for s in collected.skipped]
    charts = "".join(_amount_chart(result, c) for c in currencies) + _stage_chart(result)
    files = len(collected.files)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Team review {_e(result.today.isoformat())}</title><style>{_CSS}</style>"
        "</head><body>"
        f"<h1>Team review</h1><p class=\"meta\">{_e(result.today.isoformat())}: "
        f"{result.total.open_deals:,} open deals from {files} file{'s' if files != 1 else ''}"
        f"; quota period {_e(result.period)}</p>"
        f"<h2>By owner</h2><table class=\"owners\"><thead>{head}</thead><tbody>{rows}"
        "</tbody></table>"
        f"<div class=\"charts\">{charts}</div>"
        "<h2>Discuss first</h2><p class=\"meta\">Most at stake first: risk, amount and time "
        f"to close together.</p>{discuss}"
        + notes("Counted once", duplicates, "duplicates")
        + notes("Frameworks that differ from the team's", differences, "differences")
        + notes("Skipped (not reviewed)", skipped, "skipped")
        + "</body></html>\n")
