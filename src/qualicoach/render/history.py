"""Rendering of a deal's history: fit and readiness per interview, and field changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.report import Report
from qualicoach.domain.deal import Deal, plain_value
from qualicoach.render.console import literal
from qualicoach.render.widgets import bar, figure


def history_data(deal: Deal, points: Sequence[Report]) -> dict[str, Any]:
    """The history as plain data: one entry per interview, and the deal's field changes."""
    return {
        "deal": deal.id,
        "interviews": [
            {"id": r.interviews[-1].id, "started": r.interviews[-1].started.isoformat(),
             "status": r.interviews[-1].status,
             "frameworks": r.interviews[-1].frameworks,
             "answers": len(r.interviews[-1].answers),
             "fit": r.assessment.fit, "readiness": r.assessment.readiness,
             "risk": r.assessment.risk}
            for r in points
        ],
        "changes": [{"field": c.field, "old": plain_value(c.old), "new": plain_value(c.new),
                     "at": c.at.isoformat()} for c in deal.history],
    }



def history_renderable(deal: Deal, points: Sequence[Report]) -> RenderableType:
    """A table of interviews with fit and readiness bars, then the field changes."""
    parts: list[RenderableType] = [Text.assemble(literal(deal.name, "bold"),
                                                 (f"  {deal.id}", "dim"))]
    if not points:
        parts.append(Text("No interviews yet.", style="dim"))
    else:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("interview", "date", "answers", "fit", "", "readiness", "", "risk"):
            table.add_column(column, justify="right" if column in ("answers", "fit",
                                                                     "readiness", "risk")
                             else "left")
        for report in points:
            interview = report.interviews[-1]
            a = report.assessment
            status = "" if interview.status == "finished" else f" ({interview.status})"
            table.add_row(literal(interview.id) + status, f"{interview.started:%Y-%m-%d}",
                          str(len(interview.answers)), figure(a.fit),
                          bar(None if a.fit is None else a.fit / 100, 12), figure(a.readiness),
                          bar(None if a.readiness is None else a.readiness / 100, 12),
                          Text(str(a.risk), style="red" if a.at_risk else ""))
        parts.append(table)
    if deal.history:
        changes = Table(title="Field changes", title_justify="left", show_edge=False,
                        pad_edge=False)
        for column in ("date", "field", "from", "to"):
            changes.add_column(column)
        for change in deal.history:
            changes.add_row(f"{change.at:%Y-%m-%d}", change.field.replace("_", " "),
                            literal(str(plain_value(change.old) or "-")),
                            literal(str(plain_value(change.new) or "-")))
        parts.append(changes)
    return Group(*parts)
