"""The text report exported as HTML or SVG, for sharing (Rich escapes all text in both)."""

from __future__ import annotations

import io
from typing import Literal

from rich.console import Console

from qualicoach.coaching.report import Report
from qualicoach.render.console import visible
from qualicoach.render.report.text import report_renderable


def report_export(report: Report, kind: Literal["html", "svg"], high: float = 60.0,
                  width: int = 100) -> str:
    """The text report exported as HTML or SVG (Rich escapes all text in both), laid out
    ``width`` characters wide."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system="truecolor",
                      force_terminal=True, highlight=False, emoji=False)
    console.print(report_renderable(report, high))
    title = f"qualicoach report: {visible(report.deal.name)}"
    if kind == "html":
        return console.export_html(inline_styles=True)
    return console.export_svg(title=title)
