"""The brief (one screen before a call) and the fit/readiness picture at every width."""

from __future__ import annotations

import io
import os
import re

import pytest
from rich.console import Console

from qualicoach.coaching.report import Report, report_from
from qualicoach.coaching.sample import sample_deals
from qualicoach.config.settings import Settings
from qualicoach.render.quadrant import (
    COMPACT,
    LABELS,
    MARKER,
    NARROW,
    WIDE,
    Cell,
    Size,
    quadrant_cells,
    quadrant_sentence,
)
from qualicoach.render.report.sections import report_view
from qualicoach.render.report.text import report_renderable

from ..helpers.home import DATA
from ..helpers.reports import CATALOG, NOW, render_text, sample_report

SNAPSHOTS = DATA / "snapshots"


def brief_text(report: Report, width: int | None) -> str:
    """The brief as a terminal of ``width`` columns shows it; None: a pipe or a file."""
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False,
                      emoji=False)
    console.print(report_renderable(report, full=False))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    # Rewritten only on request: a missing snapshot is a failure, not a new baseline.
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} is missing; UPDATE_SNAPSHOTS=1 writes it"
    assert text == path.read_text()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_brief_matches_its_snapshot_at_each_width(width: int) -> None:
    text = brief_text(sample_report(), width)
    check_snapshot(f"brief-{width}.txt", text)
    assert max(len(line) for line in text.splitlines()) <= width


def test_the_brief_piped_to_a_file_matches_its_snapshot(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # A pipe or a file has no width of its own: Rich takes COLUMNS, else 80.
    monkeypatch.delenv("COLUMNS", raising=False)
    check_snapshot("brief-piped.txt", brief_text(sample_report(), None))


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_picture_is_whole_at_each_width(width: int) -> None:
    text = brief_text(sample_report(), width)
    # Every corner is named, in the drawing or in the sentence beside it.
    assert "NO DECISION" in text and "no-decision corner" in " ".join(text.split())
    rows = [line for line in text.splitlines() if "│" in line or "└" in line]
    assert rows, text
    # The drawing's rows are never wrapped: each starts at the same axis column.
    axis = {line.index("│") if "│" in line else line.index("└") for line in rows
            if line.lstrip().startswith(("│", "┤", "└")) or line.startswith("ready")}
    assert len(axis) == 1, text
    assert text.count(MARKER) == 2  # the deal in the drawing, and in the sentence


def _label_rows(cells: list[list[Cell]]) -> list[str]:
    return ["".join(c.char for c in row) for row in cells]


@pytest.mark.parametrize("size", [WIDE, COMPACT, NARROW], ids=["wide", "compact", "narrow"])
def test_the_marker_never_overwrites_a_label_and_sits_in_its_corner(size: Size) -> None:
    for fit in range(0, 101, 2):
        for readiness in range(0, 101, 2):
            cells = quadrant_cells(float(fit), float(readiness), 60.0, size)
            rows = _label_rows(cells)
            drawing = "\n".join(rows)
            for names in LABELS.values():
                fitting = [n for n in names if n in drawing]
                room = min(size.left, size.right)
                assert fitting or all(len(n) > room for n in names), (fit, readiness, drawing)
            assert drawing.count(MARKER) == 1, (fit, readiness, drawing)
            y = next(i for i, r in enumerate(rows) if MARKER in r)
            x = rows[y].index(MARKER)
            assert (x > 1 + size.left) == (fit >= 60), (fit, readiness, drawing)
            assert (y < size.top) == (readiness >= 60), (fit, readiness, drawing)


def test_the_no_decision_corner_is_shaded_even_without_colour() -> None:
    rows = _label_rows(quadrant_cells(20.0, 90.0, 60.0, WIDE))
    below = rows[WIDE.top + 1:WIDE.top + 1 + WIDE.bottom]
    assert all("·" in row.split("│")[-1] for row in below)
    assert all("·" not in row for row in rows[:WIDE.top])


def test_the_sentence_names_the_corner() -> None:
    assert quadrant_sentence(80, 20) == ("● high fit, low readiness: the no-decision corner "
                                         "(lines at 60).")
    assert quadrant_sentence(None, 20) == "Not placed: fit not assessed."


def test_the_brief_comes_first_and_no_gap_repeats() -> None:
    report = sample_report()
    text = " ".join(brief_text(report, 2000).split())
    assert text.index("At risk of no decision.") < text.index("Why") < text.index("Ask next")
    assert "Do they know what doing nothing costs them? unknown" in text
    view = report_view(report)
    assert view.brief is not None and view.causes is not None
    # The brief's reasons are not listed again in the full report, and a question the
    # brief asks is not written out again.
    full = Console(file=io.StringIO(), width=2000, color_system=None)
    full.print(report_renderable(report, full=True))
    whole = full.file.getvalue()  # type: ignore[attr-defined]
    for cause in report.assessment.causes[:3]:
        assert cause.message not in whole
    for ask in view.brief.asks:
        assert whole.count(ask.ask) == 1, ask.ask


def test_the_brief_names_whom_to_ask() -> None:
    view = report_view(sample_report())
    assert view.brief is not None
    assert [a.whom for a in view.brief.asks] == ["Ann Lee (champion)"] * 3
    # The third reason is an answer that got worse: there is nothing to ask about it.
    assert [a.reason for a in view.brief.asks] == [1, 2, None]


def demo_reports() -> list[Report]:
    frameworks = [CATALOG.get(f) for f in ("bant", "meddic", "alignment")]
    return [report_from(g.deal, g.interviews, CATALOG, Settings(), NOW)
            for g in sample_deals(40, frameworks, NOW, seed=7)]


def test_every_demo_deal_fits_its_brief_on_one_screen_at_80_columns() -> None:
    for report in demo_reports():
        text = brief_text(report, 80)
        view = report_view(report)
        lines = text.splitlines()
        assert len(lines) <= 25, f"{len(lines)} lines\n{text}"
        flat = " ".join(text.split())
        # The words column may wrap the verdict beside the picture: every word is there.
        assert all(word in flat for word in view.verdict.short.split()), text
        assert view.brief is not None
        if report.interviews and report.assessment.causes:
            assert "Why" in flat and len(view.brief.reasons) == min(
                3, len(report.assessment.causes))
            for reason in view.brief.reasons:
                assert " ".join(reason.text.split()) in flat
        if report.ask_next:
            assert "Ask next" in flat
            assert len(re.findall(r"^ +\d\. ", text, re.M)) == min(3, len(report.ask_next))



def test_the_full_report_never_sends_its_reader_to_full() -> None:
    report = sample_report()
    assert "10 more causes with --full" in brief_text(report, 100)  # the brief alone
    full = render_text(report)
    assert "10 more causes below" in full
    assert "--full" not in full
