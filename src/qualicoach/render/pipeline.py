"""Rendering of many deals: a fast plain table, JSON, CSV and ids.

A Rich table of 10,000 rows takes seconds to lay out, so the table is formatted here,
column by column. Piped output is never wrapped or truncated; in a terminal the reason
column is fitted to the width (or moved to its own line when the terminal is narrow).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any

from qualicoach.coaching.pipeline import Row, row_data
from qualicoach.coaching.risk import VERDICT_WORDS
from qualicoach.render.console import visible
from qualicoach.render.deals import format_amount
from qualicoach.render.widgets import figure

HEADERS = ("deal", "account", "stage", "amount", "close", "fit", "ready", "risk", "verdict",
           "main reason")
_RIGHT = {"amount", "fit", "ready", "risk"}
_BOLD, _RED, _DIM, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"
MIN_REASON = 24


_OUTCOMES = {"won": "won", "lost": "lost", "no_decision": "no decision"}


def cells(row: Row) -> list[str]:
    """The table cells of one deal, as text (control characters made visible).

    A closed deal has no risk left, and says how it ended where an open one gives its main
    reason: the reason column is the one every width keeps, so a closed deal never reads
    as an open one.
    """
    f = row.fields
    stage = str(f.get("stage", ""))
    risk = "-" if row.risk is None else str(row.risk)
    reason = visible(row.main_reason)
    if stage in _OUTCOMES:
        risk = "-"
        said = str(f.get("close_reason") or "")
        reason = f"closed: {_OUTCOMES[stage]}" + (f" ({visible(said)})" if said else "")
    return [visible(str(f.get("id", ""))), visible(str(f.get("account") or "-")),
            stage, format_amount(f.get("amount"), f.get("currency") or ""),
            f.get("close_date") or "-", figure(row.fit), figure(row.readiness),
            risk, VERDICT_WORDS.get(row.verdict, row.verdict), reason]


def table_text(rows: Sequence[Row], width: int | None = None, color: bool = False) -> str:
    """The rows as an aligned table; ``width`` is the terminal's (None when piped).

    Piped, every column is there in full. In a terminal too narrow for all of them, the
    account and then the stage columns are left out, and the reason goes on a line of its
    own when even then it would not fit; narrower still (60 columns and less), the close
    date, fit and amount go too, so no line wraps.
    """
    table = [list(HEADERS)] + [cells(r) for r in rows]
    columns = list(range(len(HEADERS) - 1))
    widths = {i: max(len(line[i]) for line in table) for i in columns}

    def room() -> int | None:
        return None if width is None else width - sum(widths[i] + 2 for i in columns)

    for optional in (HEADERS.index("account"), HEADERS.index("stage"),
                     HEADERS.index("verdict")):
        current = room()
        if current is None or current >= MIN_REASON:
            break
        columns.remove(optional)
    # Narrower still (60 columns and less), figures go rather than wrap every line, those a
    # rep scanning for risk needs least first; `deal show` has them all. The last column
    # needs no gap after it, hence the 2.
    for figure_column in ("close", "fit", "amount"):
        current = room()
        if current is None or current + 2 >= 0:
            break
        columns.remove(HEADERS.index(figure_column))
    reason_room = room()
    own_line = reason_room is not None and reason_room < MIN_REASON
    risk_at = columns.index(HEADERS.index("risk"))
    out = []
    for number, line in enumerate(table):
        parts = [line[i].rjust(widths[i]) if HEADERS[i] in _RIGHT else line[i].ljust(widths[i])
                 for i in columns]
        reason = line[-1]
        at_risk = number > 0 and rows[number - 1].at_risk and line[HEADERS.index("risk")] != "-"
        if color and at_risk:
            parts[risk_at] = f"{_RED}{parts[risk_at]}{_RESET}"
        text = "  ".join(parts)
        if own_line:
            out.append((_BOLD + text.rstrip() + _RESET) if color and number == 0 else text.rstrip())
            if number > 0 and reason:
                limit = (width or 0) - 4
                shown = reason if len(reason) <= limit else reason[: max(0, limit - 1)] + "…"
                out.append(f"    {_DIM}{shown}{_RESET}" if color else f"    {shown}")
            continue
        if reason_room is not None and len(reason) > reason_room:
            reason = reason[: max(0, reason_room - 1)] + "…"
        text = f"{text}  {reason}".rstrip()
        out.append(f"{_BOLD}{text}{_RESET}" if color and number == 0 else text)
    return "\n".join(out) + "\n"


CSV_COLUMNS = ("id", "name", "account", "owner", "stage", "amount", "currency", "close_date",
               "tags", "fit", "readiness", "risk", "at_risk", "verdict_kind", "main_reason",
               "last_interview")


def write_csv(rows: Sequence[Row], out: IO[str]) -> None:
    """The rows as CSV, safe to open in a spreadsheet."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row_data(row)
        data["tags"] = ";".join(map(str, data.get("tags", [])))
        writer.writerow([safe_cell(data.get(c)) for c in CSV_COLUMNS])


# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: never runs as a formula, and control
    and bidi characters are visible escapes (the rule in ``render.console``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        value = visible(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value
