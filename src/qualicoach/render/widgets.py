"""Small pieces every renderer shares: figures, bars, list grids,
section titles and Markdown escaping."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text

from qualicoach.render.console import visible


def figure(value: float | None) -> str:
    """A 0..100 figure as a whole number, or "-" when not assessed."""
    return "-" if value is None else f"{value:.0f}"


def section_title(title: str) -> Text:
    """A report section's title, after a blank line."""
    return Text(f"\n{title}", style="bold underline")


def list_grid() -> Table:
    """A two-column grid: a marker, then text that wraps within its own column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right", min_width=3)
    grid.add_column()
    return grid


# Only what changes meaning inside a line: emphasis, code, links, tables, HTML. Escaping
# more ("\(1\-5\)") shows the backslashes wherever Markdown is pasted as plain text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What starts a heading, list, quote or rule at the start of a line or list item.
_MD_LEADING = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def md(text: str) -> str:
    """User text made literal in Markdown (and HTML inside it), on one line."""
    escaped = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")
    # A digit cannot be escaped: "1\\." is how CommonMark stops a numbered list.
    return _MD_LEADING.sub(lambda m: m.group(1) + (
        m.group(2)[:-1] + "\\" + m.group(2)[-1] if m.group(2)[0].isdigit()
        else "\\" + m.group(2)), escaped)


def bar(score: float | None, width: int = 20) -> Text:
    """A horizontal bar for a 0..1 score, colored by strength."""
    if score is None:
        return Text("·" * width, style="dim")
    filled = int(round(score * width))
    color = "green" if score >= 0.7 else "yellow" if score >= 0.5 else "red"
    return Text("█" * filled, style=color) + Text("░" * (width - filled), style="dim")
