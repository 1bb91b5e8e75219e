"""The look back as text and JSON."""

from __future__ import annotations

from typing import Any

from rich.box import SIMPLE_HEAD
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.lookback import Lookback
from qualicoach.errors import command_hint
from qualicoach.render.console import literal


def nothing_yet() -> str:
    """What the look back says before any deal is closed, and how to record an end."""
    return ("Nothing to compare yet: no deal is closed. Record how deals end with: "
            + command_hint("deal", "close", rest="DEAL --outcome won|lost|no_decision"))


def lookback_data(result: Lookback) -> dict[str, Any]:
    """The look back as plain data."""
    return {
        "closed": len(result.closed),
        "not_interviewed": dict(result.not_interviewed or {}),
        "missing_frameworks": list(result.missing_frameworks),
        "bands": [{"risk": b.label, "deals": b.deals, **b.outcomes} for b in result.bands],
        "weak_in_no_decision": [{"question": w.key, "prompt": w.prompt, "deals": w.deals,
                                 "of": w.of} for w in result.weak_in_no_decision],
        "deals": [{"id": c.deal.id, "outcome": c.outcome,
                   "closed": c.closed_at.isoformat() if c.closed_at else None,
                   "risk": c.assessment.risk, "verdict_kind": c.assessment.verdict}
                  for c in result.closed],
    }


def lookback_renderable(result: Lookback) -> RenderableType:
    """The look back as a sales manager reads it."""
    if result.empty:
        return Text(nothing_yet())
    parts: list[RenderableType] = [Text(
        f"{len(result.closed)} closed deal{'s' if len(result.closed) != 1 else ''}: the "
        "coach's last risk before each close, against how it ended", style="bold")]
    apart = result.not_interviewed or {}
    if sum(apart.values()):
        said = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in apart.items()
                         if n)
        parts.append(Text(f"{sum(apart.values())} more never interviewed before they closed "
                          f"({said}): nothing to compare, not scored."))
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("risk", "deals", "won", "lost", "no decision", "no decision %"):
        table.add_column(column, justify="right")
    for band in result.bands:
        share = f"{band.outcomes['no_decision'] / band.deals:.0%}" if band.deals else "-"
        table.add_row(band.label, str(band.deals), str(band.outcomes["won"]),
                      str(band.outcomes["lost"]), str(band.outcomes["no_decision"]), share)
    parts.append(table)
    if result.weak_in_no_decision:
        parts.append(Text("\nMost often weak before a no decision", style="bold"))
        weak = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
        weak.add_column("deals", justify="right")
        weak.add_column("question")
        for item in result.weak_in_no_decision:
            weak.add_row(f"{item.deals} of {item.of}", literal(item.prompt))
        parts.append(weak)
    parts.append(Text("\nThe coach never changes its weights by itself: if a band does not "
                      "match the outcomes, adjust the points in config.yaml (qualicoach help "
                      "scoring).",
                      style="dim"))
    return Group(*parts)
