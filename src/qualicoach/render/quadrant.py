"""The fit/readiness picture: a deal placed among four corners, one of them no decision.

One layout, drawn three ways: as terminal text (``quadrant_text``), as a plain sentence
where no drawing fits (``quadrant_sentence``), and as an SVG image (``quadrant_svg``).
The layout puts each side of the threshold in its own cells, so the marker is always on
the right side of the lines, and it moves a label to another row rather than cover it.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text

# The corners: (high fit, high readiness) -> label, the longest that fits first. Upper
# case for the one that matters. A label says where the answers place the deal, never a
# verdict: the verdict adds the stage, the people and the time left, and may differ.
LABELS = {(False, True): ("ready, low fit", "low fit"), (True, True): ("fit and ready",
                                                                       "both high"),
          (False, False): ("low on both", "both low"), (True, False): ("NO DECISION",)}
MARKER = "●"
# Cells of the no-decision corner, so it stands out without colour too.
SHADE = "·"
NARROWEST = 26  # below this many columns, the picture is the sentence alone


class Size(NamedTuple):
    """Columns left and right of the fit line, rows above and below the readiness line."""

    left: int
    right: int
    top: int
    bottom: int


WIDE = Size(18, 14, 3, 4)
COMPACT = Size(16, 13, 2, 2)
NARROW = Size(13, 12, 2, 2)


class Cell(NamedTuple):
    """One character of the drawing and what it is (for its colour)."""

    char: str
    role: str = ""  # "", "axis", "label", "corner" (the no-decision shade), "alarm", "dot"


def _place(value: float, high: float, low_cells: int, high_cells: int) -> tuple[bool, int]:
    """Which side of the threshold ``value`` is on, and its cell from the low end."""
    if value >= high:
        span = max(100.0 - high, 1e-9)
        return True, min(high_cells - 1, int((value - high) / span * high_cells))
    return False, min(low_cells - 1, int(value / max(high, 1e-9) * low_cells))


def quadrant_cells(fit: float | None, readiness: float | None, high: float = 60.0,
                   size: Size = WIDE) -> list[list[Cell]]:
    """The drawing as rows of cells: the readiness axis on the left, the fit axis below."""
    width = 1 + size.left + 1 + size.right  # axis, left side, fit line, right side
    split_x = 1 + size.left
    rows = [[Cell(" ") for _ in range(width)] for _ in range(size.top + 1 + size.bottom)]
    for y, row in enumerate(rows):
        row[0] = Cell("┤" if y == size.top else "│", "axis")
        row[split_x] = Cell("┼" if y == size.top else "│", "axis")
        if y > size.top:
            for x in range(split_x + 1, width):
                row[x] = Cell(SHADE, "corner")
    for x in range(1, width):
        if x != split_x:
            rows[size.top][x] = Cell("─", "axis")
    rows.append([Cell("└", "axis"), *(Cell("┴" if x == split_x else "─", "axis")
                                      for x in range(1, width))])
    dot: tuple[int, int] | None = None
    if fit is not None and readiness is not None:
        fit_high, fx = _place(fit, high, size.left, size.right)
        ready_high, ry = _place(readiness, high, size.bottom, size.top)
        x = split_x + 1 + fx if fit_high else 1 + fx
        y = size.top - 1 - ry if ready_high else size.top + size.bottom - ry
        dot = (y, x)
    for (fit_high, ready_high), names in LABELS.items():
        first_col = split_x + 1 if fit_high else 1
        room = size.right if fit_high else size.left
        # The longest label that leaves a space from the line, else one that fits at all.
        label = next((n for n in names if len(n) < room),
                     next((n for n in names if len(n) <= room), ""))
        if not label:
            continue  # the sentence beside the picture still names every corner
        if len(label) < room:
            first_col += 1  # a space from the line, when there is room for one
        # Top corners label their top row, bottom corners their bottom row; the next row
        # in when the marker sits on that one.
        order = (list(range(size.top)) if ready_high
                 else list(range(size.top + size.bottom, size.top, -1)))
        y = next((r for r in order if dot is None or dot[0] != r
                  or not first_col <= dot[1] < first_col + len(label)), order[0])
        role = "alarm" if label.isupper() else "label"
        for i, ch in enumerate(label):
            rows[y][first_col + i] = Cell(ch, role)
    if dot is not None and rows[dot[0]][dot[1]].role not in ("label", "alarm"):
        rows[dot[0]][dot[1]] = Cell(MARKER, "dot")
    return rows


def quadrant_sentence(fit: float | None, readiness: float | None, high: float = 60.0) -> str:
    """Where the deal sits, in words: the picture for a reader who cannot see it."""
    if fit is None or readiness is None:
        missing = " and ".join(n for n, v in (("fit", fit), ("readiness", readiness))
                               if v is None)
        return f"Not placed: {missing} not assessed."
    fit_high, ready_high = fit >= high, readiness >= high
    where = {(True, False): "the no-decision corner", (True, True): "fit and ready",
             (False, True): "ready, low fit", (False, False): "low on both"}
    return (f"{MARKER} {'high' if fit_high else 'low'} fit, "
            f"{'high' if ready_high else 'low'} readiness: "
            f"{where[fit_high, ready_high]} (lines at {high:g}).")


_STYLES = {"axis": "dim", "label": "dim", "corner": "red dim", "alarm": "bold red",
           "dot": "bold magenta"}


_GUTTER = "ready "
_FIT = " fit →"


def drawing_width(size: Size) -> int:
    """How many columns the text drawing takes, axis names included."""
    return len(_GUTTER) + 1 + size.left + 1 + size.right + len(_FIT)


def size_for(width: int, wide: bool = True) -> Size | None:
    """The largest drawing that fits ``width`` columns, or None."""
    for size in ((WIDE, COMPACT, NARROW) if wide else (COMPACT, NARROW)):
        if drawing_width(size) <= width:
            return size
    return None


def quadrant_text(fit: float | None, readiness: float | None, high: float = 60.0,
                  size: Size = WIDE) -> Text:
    """The picture as terminal text: readiness up the left, fit along the bottom."""
    text = Text()
    rows = quadrant_cells(fit, readiness, high, size)
    for y, row in enumerate(rows):
        text.append(_GUTTER if y == 0 else " " * len(_GUTTER), style="dim")
        for cell in row:
            text.append(cell.char, style=_STYLES.get(cell.role, ""))
        if y == len(rows) - 1:
            text.append(_FIT, style="dim")
        else:
            text.append("\n")
    return text


def quadrant_svg(fit: float | None, readiness: float | None, high: float = 60.0,
                 title: str = "Fit against readiness", width: int = 360) -> str:
    """The picture as a standalone SVG image: system fonts only, nothing fetched."""
    from html import escape  # the text picture needs none of it

    pad, size = 40, width - 60
    def x_of(v: float) -> float:
        return pad + v / 100 * size
    def y_of(v: float) -> float:
        return 10 + (100 - v) / 100 * size
    sx, sy = x_of(high), y_of(high)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {size + 50}" '
        f'width="{width}" height="{size + 50}" role="img" aria-labelledby="qc-title">',
        f'<title id="qc-title">{escape(title)}: '
        f'{escape(quadrant_sentence(fit, readiness, high))}</title>',
        '<g font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, '
        'sans-serif" font-size="12">',
        f'<rect x="{pad}" y="10" width="{size}" height="{size}" fill="#fff" '
        'stroke="#999"/>',
        f'<rect class="no-decision" x="{sx:.1f}" y="{sy:.1f}" width="{x_of(100) - sx:.1f}" '
        f'height="{y_of(0) - sy:.1f}" fill="#fde2e2"/>',
        f'<line x1="{sx:.1f}" y1="10" x2="{sx:.1f}" y2="{y_of(0):.1f}" stroke="#666"/>',
        f'<line x1="{pad}" y1="{sy:.1f}" x2="{x_of(100):.1f}" y2="{sy:.1f}" stroke="#666"/>',
    ]
    # The marker first, the labels over it with a halo: it never hides a label.
    if fit is not None and readiness is not None:
        parts.append(f'<circle class="deal" cx="{x_of(fit):.1f}" cy="{y_of(readiness):.1f}" '
                     'r="7" fill="#6a1b9a" stroke="#fff" stroke-width="2">'
                     f'<title>fit {fit:.0f}, readiness {readiness:.0f}</title></circle>')
    corners = {(False, True): (pad + 6, 26, "start"), (True, True): (x_of(100) - 6, 26, "end"),
               (False, False): (pad + 6, y_of(0) - 8, "start"),
               (True, False): (x_of(100) - 6, y_of(0) - 8, "end")}
    for key, (lx, ly, anchor) in corners.items():
        label = LABELS[key][0]
        style = (' fill="#b00020" font-weight="bold"' if label.isupper() else ' fill="#555"'
                 ) + ' stroke="#fff" stroke-width="3" paint-order="stroke"'
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}"{style}>'
                     f'{escape(label)}</text>')
    parts += [
        f'<text x="{x_of(100):.1f}" y="{y_of(0) + 18:.1f}" text-anchor="end" '
        f'fill="#333">fit →</text>',
        f'<text x="{pad - 6}" y="22" text-anchor="end" fill="#333">ready</text>',
        f'<text x="{pad - 6}" y="{sy + 4:.1f}" text-anchor="end" fill="#666">{high:g}</text>',
        f'<text x="{sx:.1f}" y="{y_of(0) + 18:.1f}" text-anchor="middle" '
        f'fill="#666">{high:g}</text>',
    ]
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"
