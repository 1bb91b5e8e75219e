"""`qualicoach history` at 60, 80 and 120 columns: every column headed, nothing cut,
interviews oldest first."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from rich.console import Console

from qualicoach.coaching.report import Report, report_from
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Deal
from qualicoach.render.history import history_renderable

from ..helpers.reports import CATALOG, NOW, sample_report


def points() -> tuple[Deal, list[Report]]:
    report = sample_report()
    deal = replace(report.deal, id="dunder-mifflin-expansion")
    interviews = [replace(i, id=i.id.replace("acme-renewal", deal.id))
                  for i in report.interviews]
    made = [report_from(deal, interviews[: n + 1], CATALOG, Settings(), NOW)
            for n in range(len(interviews))]
    return deal, made


@pytest.mark.parametrize("width", [60, 80, 120])
def test_history_reads_well_at_each_width(width: int) -> None:
    deal, made = points()
    console = Console(file=io.StringIO(), width=width, color_system=None)
    # Given newest first: shown oldest first all the same.
    console.print(history_renderable(deal, list(reversed(made)), width))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert max(len(line) for line in lines) <= width
    assert lines[1].split() == ["interview", "date", "answers", "fit", "ready", "risk"]
    # The deal's id heads the table; where the full interview ids do not fit, each is its
    # number, whole.
    assert lines[0].split()[-1] == deal.id
    prefix = deal.id if width >= 80 else ""
    rows = [line for line in lines if line.startswith(prefix + "#")]
    assert [r.split()[:2] for r in rows] == [[prefix + "#1", "2026-10-14"],
                                             [prefix + "#2", "2026-11-21"]]
    assert "…" not in "\n".join(lines)
    assert ("█" in rows[0]) == (width >= 120)  # bars where they fit beside whole ids
