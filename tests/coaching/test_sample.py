"""The demo's sample deals tell a story a sales manager can follow: their recorded history
holds together the way a real CRM's does."""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import pairwise

import pytest

from qualicoach.coaching.sample import sample_deals
from qualicoach.domain.vocabulary import CLOSED_STAGES

from ..helpers.reports import CATALOG

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
FRAMEWORKS = [CATALOG.get(f) for f in ("bant", "meddic", "alignment")]


@pytest.mark.parametrize("seed", [7, 1, 2024])
def test_close_date_slips_are_chained_in_time_order_and_end_at_the_close_date(
        seed: int) -> None:
    slipped = 0
    for sample in sample_deals(200, FRAMEWORKS, NOW, seed=seed):
        deal = sample.deal
        moves = [c for c in deal.history if c.field == "close_date"]
        if not moves:
            continue
        slipped += 1
        times = [c.at for c in moves]
        assert times == sorted(times) and len(set(times)) == len(times), deal.id
        # Each move starts where the previous one left the close date...
        for before, after in pairwise(moves):
            assert after.old == before.new, (deal.id, moves)
        # ...each one is a slip (the demo only pushes dates out)...
        assert all(c.new > c.old for c in moves), (deal.id, moves)
        # ...and the last one leaves it where the deal says it is.
        assert moves[-1].new == deal.close_date, (deal.id, moves, deal.close_date)
        # Recorded while the deal was open: after it was created, before now (and before
        # it closed).
        closed_at = next((c.at for c in deal.history if c.field == "stage"
                          and c.new in CLOSED_STAGES), NOW)
        assert all(deal.created < c.at < closed_at for c in moves), (deal.id, moves)
        # The deal was not created with a close date that had already passed.
        assert moves[0].old > deal.created.date(), (deal.id, moves)
    assert slipped >= 20  # the demo does show slipping deals
