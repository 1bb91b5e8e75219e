"""Small pieces every renderer shares: figures, bars, the quadrant picture, list grids,
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


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md(text: str) -> str:
    """User text made literal in Markdown (and HTML inside it)."""
    escaped = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def bar(score: float | None, width: int = 20) -> Text:
    """A horizontal bar for a 0..1 score, colored by strength."""
    if score is None:
        return Text("·" * width, style="dim")
    filled = int(round(score * width))
    color = "green" if score >= 0.7 else "yellow" if score >= 0.5 else "red"
    return Text("█" * filled, style=color) + Text("░" * (width - filled), style="dim")


def quadrant_picture(fit: float | None, readiness: float | None, high: float = 60.0,
                     width: int = 31, height: int = 9) -> Text:
    """Fit (across) against readiness (up), with the deal as a dot.

    The bottom-right corner (high fit, low readiness) is where deals end in no decision.
    """
    split_x = round(high / 100 * (width - 1))
    split_y = height - 1 - round(high / 100 * (height - 1))
    grid = [[" "] * width for _ in range(height)]
    for y in range(height):
        grid[y][split_x] = "│"
    for x in range(width):
        grid[split_y][x] = "┼" if x == split_x else "─"
    labels = {(1, 1): "ready, poor fit", (1, split_x + 2): "on track",
              (height - 2, 1): "qualify more", (height - 2, split_x + 1): "NO DECISION"}
    for (y, x), label in labels.items():
        for i, ch in enumerate(label):
            if x + i < width and grid[y][x + i] == " ":
                grid[y][x + i] = ch
    text = Text()
    if fit is not None and readiness is not None:
        dot_x = round(fit / 100 * (width - 1))
        dot_y = height - 1 - round(readiness / 100 * (height - 1))
        grid[dot_y][dot_x] = "●"
    for y, row in enumerate(grid):
        prefix = "readiness " if y == 0 else "          "
        text.append(prefix, style="dim")
        for x, ch in enumerate(row):
            style = ("bold magenta" if ch == "●" else
                     "red" if y > split_y and x > split_x and ch not in "│─┼" else
                     "dim" if ch in "│─┼" else "")
            text.append(ch, style=style)
        text.append("\n")
    text.append("          " + "fit ->".rjust(width), style="dim")
    return text

