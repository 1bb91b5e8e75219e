"""The report as documents to share: HTML (a standalone page) and SVG (the picture).

Both are built from the same sections as the text report, never from a terminal dump:
the HTML page is the brief, then the full report, with the picture as inline SVG and its
CSS embedded, so it opens offline, fetches nothing, prints on A4 or Letter and reads on a
phone. The SVG is the picture with the deal's name, verdict and figures above it, in
system fonts. Every supplied text is escaped (``_h``).
"""

from __future__ import annotations

from html import escape
from typing import Literal

from qualicoach.coaching.report import Report
from qualicoach.render.console import visible
from qualicoach.render.quadrant import quadrant_sentence, quadrant_svg
from qualicoach.render.report.sections import (
    AlignmentView,
    Brief,
    Causes,
    Changes,
    Evidence,
    EvidenceRow,
    Gaps,
    ReportView,
    Scorecards,
    report_view,
)
from qualicoach.render.widgets import figure

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --dim: #5f6368; --line: #d9d9de;
  --red: #b00020; --amber: #8a5a00; --green: #1b6e2a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h1 small { font-size: .9rem; color: var(--dim); font-weight: normal; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem;
  border-bottom: 1px solid var(--line); }
.facts, .dim, figcaption { color: var(--dim); }
.top { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; }
.top figure { margin: 0; flex: 0 1 360px; }
.top > div { flex: 1 1 16rem; }
.top svg { width: 100%; height: auto; max-width: 360px; }
.verdict { font-size: 1.25rem; font-weight: 700; margin: 0 0 .4rem; }
.verdict.at_risk, .verdict.stalled { color: var(--red); }
.verdict.poor_fit { color: #7b1fa2; }
.figures { font-size: 1.05rem; margin: 0; }
.figures b { font-size: 1.3rem; }
.warning { color: var(--amber); font-weight: 600; }
ol, ul { padding-left: 1.4rem; }
li { margin: .3rem 0; }
.red { color: var(--red); font-weight: 600; }
.ask { font-style: italic; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; white-space: nowrap; }
.bar { display: inline-block; width: 8rem; height: .7rem; background: #eee;
  vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; background: var(--green); }
.bar span.mid { background: #c98a00; } .bar span.low { background: var(--red); }
.confirmed { color: var(--green); } .assumed { color: var(--amber); }
.note { color: var(--dim); font-size: .9rem; font-style: italic; margin-top: .2rem; }
.note.private { color: #7b1fa2; }
@media (max-width: 480px) { body { font-size: 15px; } main { padding: .75rem; }
  .bar { width: 4rem; } }
@media print { @page { margin: 15mm; } body { font-size: 11pt; } main { max-width: none;
  padding: 0; } h2 { break-after: avoid; } tr, li { break-inside: avoid; }
  .table { overflow: visible; } }
"""


def _h(text: str) -> str:
    """Supplied text as HTML text: control characters visible, markup escaped."""
    return escape(visible(text))


def report_export(report: Report, kind: Literal["html", "svg"], high: float = 60.0) -> str:
    """The report as a standalone HTML page, or its picture as an SVG image."""
    view = report_view(report)
    if kind == "svg":
        return report_svg(view, high)
    return report_html(view, high)


def report_html(view: ReportView, high: float = 60.0) -> str:
    """The brief, then the full report, as one HTML document that needs nothing else."""
    title = f"{view.header.name}: qualification report"
    body = [f"<header><h1>{_h(view.header.name)} <small>{_h(view.header.id)}</small></h1>",
            f'<p class="facts">{" · ".join(_h(f) for f in view.header.facts)}</p></header>']
    verdict = view.verdict
    words = [f'<p class="verdict {escape(verdict.kind)}">{_h(verdict.short)}</p>']
    if verdict.differs:
        words.append(f'<p class="differs">{_h(verdict.differs)}</p>')
    if verdict.missing:
        words.append(f'<p class="warning">{_h(verdict.missing)}</p>')
    if view.figures is None:
        body += words
    else:
        f = view.figures
        words.append(f'<p class="figures">Fit <b>{figure(f.fit)}</b> · Readiness '
                     f'<b>{figure(f.readiness)}</b> · No-decision risk <b>{f.risk}</b>/100</p>')
        # The verdict first: on a phone, where the two stack, it is what a rep reads first.
        body.append('<section class="top"><div>' + "".join(words) + "</div><figure>"
                    + quadrant_svg(f.fit, f.readiness, high)
                    + f"<figcaption>{_h(quadrant_sentence(f.fit, f.readiness, high))}"
                    + "</figcaption></figure></section>")
    if view.brief is not None:
        body += _brief(view.brief)
    if view.unconfirmed is not None:
        body.append(f'<p class="warning">Unconfirmed: {_h(view.unconfirmed.text)}'
                    f"{_h(view.unconfirmed.elements)}</p>")
    if view.alignment is not None:
        body += _alignment(view.alignment)
    if view.causes is not None and view.causes.rows:
        body += _causes(view.causes)
    if view.gaps is not None and view.gaps.items:
        body += _gaps(view.gaps)
    if view.scorecards is not None:
        body += _scorecards(view.scorecards)
    if view.evidence is not None and view.evidence.rows:
        body += _evidence(view.evidence)
    if view.changes is not None:
        body += _changes(view.changes)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # Nothing may leave the machine when the page opens: no scripts, fonts or images
            # from elsewhere, and a policy that says so to the browser too.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">\n"
            f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body><main>\n"
            + "\n".join(body) + "\n</main></body>\n</html>\n")


def _brief(section: Brief) -> list[str]:
    out: list[str] = []
    if section.reasons:
        out.append(f"<h2>{_h(section.reasons_title)} <small class=\"dim\">"
                   f"{section.reasons_total:g} of the risk's points</small></h2><ul>")
        out += [f"<li><b>{r.points:g}</b> {_h(r.text)}"
                + (' <span class="red">red flag</span>' if r.red_flag else "") + "</li>"
                for r in section.reasons]
        out.append("</ul>")
    if section.asks:
        out.append(f"<h2>{_h(section.asks_title)}</h2><ol>")
        for ask in section.asks:
            about = f"reason {ask.reason}" if ask.reason else _h(ask.about)
            whom = f"<b>{_h(ask.whom)}</b>: " if ask.whom else ""
            out.append(f'<li>{whom}<span class="ask">{_h(ask.ask)}</span> '
                       f'<span class="dim">({about})</span></li>')
        out.append("</ol>")
    out.append(f'<p class="dim">{_h(section.since)}</p>')
    return out


def _alignment(section: AlignmentView) -> list[str]:
    out = [f"<h2>{_h(section.title)}</h2>", f'<p class="dim">From: {_h(section.respondents)}</p>',
           "<ul>"]
    for item in section.items:
        state = "red" if item.state == "disagree" else "dim"
        said = "".join(
            f"<br>{_h(s.who)}: <b>{_h(s.answer)}</b>"
            + (f" ({_h(s.comment)})" if s.comment else "")
            + (f' <span class="dim">{s.day}</span>' if s.day else "") for s in item.said)
        believe = (f'<br><span class="assumed">We believe: {_h(item.we_believe)}'
                   + (" (more than they said)" if item.we_hope_more else "") + "</span>"
                   if item.we_believe is not None else "")
        out.append(f'<li><b>{_h(item.prompt)}</b> <span class="{state}">{_h(item.state)}'
                   f"</span>{said}{believe}</li>")
    return [*out, "</ul>"]


def _causes(section: Causes) -> list[str]:
    rows = []
    for row in section.rows:
        cell = _h(row.message)
        if row.why:
            cell += f'<br><span class="dim">{_h(row.why)}</span>'
        if row.ask:
            cell += (f"<br>Ask <b>{_h(row.whom or 'them')}</b>: "
                     f'<span class="ask">{_h(" ".join(row.ask))}</span>')
        elif row.asked_in_brief:
            cell += f'<br><span class="dim">Asked in the brief: question ' \
                    f"{row.asked_in_brief}.</span>"
        rows.append(f'<tr><td class="num">{row.points:g}</td><td class="num">{row.base:g}'
                    f"</td><td>{cell}</td></tr>")
    rows.append(f'<tr><td class="num">{section.in_brief:g}</td><td></td>'
                "<td>the brief's three reasons</td></tr>")
    rows.append(f'<tr><td class="num"><b>{section.total}</b></td><td></td>'
                f"<td><b>{_h(section.total_label)}</b></td></tr>")
    return [f"<h2>{_h(section.title)}</h2>", '<div class="table"><table><thead><tr>'
            '<th class="num">points</th><th class="num">of</th><th>cause, why it matters, '
            "what to ask</th></tr></thead><tbody>", *rows, "</tbody></table></div>"]


def _gaps(section: Gaps) -> list[str]:
    out = [f"<h2>{_h(section.title)}</h2><ul>"]
    for gap in section.items:
        item = f"<li><b>{_h(gap.prompt)}</b> by {_h(gap.learn_by or '')}"
        if gap.red_flag:
            item += ' <span class="red">red flag</span>'
        if gap.why:
            item += f'<br><span class="dim">{_h(gap.why)}</span>'
        if gap.ask:
            item += (f"<br>Ask <b>{_h(gap.whom or 'them')}</b>: "
                     f'<span class="ask">{_h(" ".join(gap.ask))}</span>')
        out.append(item + "</li>")
    return [*out, "</ul>"]


def _bar(score: float | None) -> str:
    if score is None:
        return '<span class="bar"></span>'
    level = "" if score >= 0.7 else " mid" if score >= 0.5 else " low"
    return (f'<span class="bar"><span class="{level.strip()}" style="width:{score:.0%}">'
            "</span></span>")


def _scorecards(section: Scorecards) -> list[str]:
    rows = []
    for card in section.frameworks:
        rows.append(f"<tr><th>{_h(card.framework.name)} <span class=\"dim\">"
                    f"({card.perspective})</span></th><td>{_bar(card.framework.score)}"
                    f"{figure(card.framework.figure)}</td></tr>")
        rows += [f"<tr><td>&nbsp;&nbsp;{_h(e.name)}</td><td>{_bar(e.score)}{figure(e.figure)}"
                 "</td></tr>" for e in card.elements]
    return [f"<h2>{_h(section.title)}</h2>", '<div class="table"><table><tbody>', *rows,
            "</tbody></table></div>"]


def _evidence(section: Evidence) -> list[str]:
    rows = [f"<tr><td>{_h(r.question)}</td><td>{_h(r.answer)}{_note(r)}</td>"
            f"<td>{_h(r.who) if r.who else '<span class=assumed>nobody named</span>'}</td>"
            f'<td class="{r.standing.replace(" ", "-")}">'
            f'{r.standing}</td><td class="num">{r.when}</td></tr>'
            for r in section.rows]
    return [f"<h2>{_h(section.title)}</h2>", '<div class="table"><table><thead><tr>'
            "<th>question</th><th>answer</th><th>who said it</th><th>how</th>"
            '<th class="num">when</th></tr></thead><tbody>', *rows, "</tbody></table></div>"]


def _note(row: EvidenceRow) -> str:
    """The rep's note under the answer it belongs to, marked when private."""
    if not row.note:
        return ""
    kind = "note private" if row.private else "note"
    return f'<div class="{kind}">{_h(row.note_title)}: {_h(row.note)}</div>'


def _changes(section: Changes) -> list[str]:
    out = [f"<h2>{_h(section.title)}</h2><ul>"]
    for c in section.answers:
        before = f"{_h(c.before)} → " if c.before is not None else ""
        out.append(f"<li>{c.word}: {_h(c.prompt)}: {before}<b>{_h(c.after)}</b></li>")
    out += [f"<li>{c.day} {_h(c.field)}: {_h(c.old)} → <b>{_h(c.new)}</b></li>"
            for c in section.deal_fields]
    if section.empty_text is not None:
        out.append(f"<li>{_h(section.empty_text)}</li>")
    return [*out, "</ul>"]


def report_svg(view: ReportView, high: float = 60.0) -> str:
    """The picture as an image, with the deal's name, verdict and figures above it."""
    width, top = 420, 74
    f = view.figures
    picture = quadrant_svg(f.fit if f else None, f.readiness if f else None, high,
                           width=width)
    inner = picture.split(">", 1)[1].rsplit("</svg>", 1)[0]  # the drawing, without <svg>
    height = int(picture.split('height="', 1)[1].split('"', 1)[0]) + top
    figures_line = (f"Fit {figure(f.fit)} · Readiness {figure(f.readiness)} · "
                    f"No-decision risk {f.risk}/100" if f else "Not interviewed yet")
    colour = "#b00020" if view.verdict.kind in ("at_risk", "stalled") else "#1d1d1f"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}">\n'
            f"<title>{_h(view.header.name)}: {_h(view.verdict.short)}</title>\n"
            f'<rect width="{width}" height="{height}" fill="#fff"/>\n'
            '<g font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, '
            'sans-serif">\n'
            f'<text x="12" y="24" font-size="17" font-weight="bold" fill="#1d1d1f">'
            f"{_h(view.header.name)}</text>\n"
            f'<text x="12" y="45" font-size="14" font-weight="bold" fill="{colour}">'
            f"{_h(view.verdict.short)}</text>\n"
            f'<text x="12" y="64" font-size="13" fill="#333">{figures_line}</text>\n</g>\n'
            f'<svg x="0" y="{top}" width="{width}" height="{height - top}">{inner}</svg>\n'
            "</svg>\n")
