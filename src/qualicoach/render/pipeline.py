"""Rendering of many deals at once: the at-risk list."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from ..pipeline import DealRow
from .console import literal
from .deals import format_amount


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def deals_table(rows: Sequence[DealRow], title: str | None = None) -> Table:
    """Deals with fit, readiness, risk and the main reason, as a Rich table."""
    # No box: like `ls -l`, every column of the terminal goes to data.
    table = Table(title=title, title_justify="left", box=None, pad_edge=False,
                  header_style="bold")
    # Two lines per deal (id over account, stage over close date), so the reason keeps
    # enough of a terminal's width to be read.
    for column, justify in (("deal / account", "left"), ("stage / close", "left"),
                            ("amount", "right"), ("fit", "right"), ("ready", "right"),
                            ("risk", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("main reason", ratio=1, min_width=20)
    for row in rows:
        a = row.assessment
        deal = row.deal
        risk = Text("-" if a is None else str(a.risk),
                    style="bold red" if a is not None and a.at_risk else "")
        who = literal(deal.id, "bold")
        who.append("\n")
        who.append(literal(deal.account or "-", "dim"))
        when = Text(deal.stage + "\n")
        when.append(deal.close_date.isoformat() if deal.close_date else "-", style="dim")
        table.add_row(who, when, format_amount(deal.amount, deal.currency),
                      _figure(a.fit if a else None), _figure(a.readiness if a else None), risk,
                      literal(a.main_reason_brief if a else "not interviewed yet"))
    return table
