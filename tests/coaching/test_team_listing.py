"""A team's at-risk listing: the same rows as the whole listing's at-risk part, read from
the stored assessments without reading the other deals once a listing has saved them."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qualicoach.coaching.pipeline import Row, fingerprint, pipeline
from qualicoach.coaching.sample import sample_deals
from qualicoach.config.settings import Settings
from qualicoach.storage.layout import folder_of
from qualicoach.storage.store import Store

from ..helpers.reports import CATALOG

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
# Listed a little after the deals were made: some of their answers turn stale at the very
# moment they were made (whole days before it), which no listing at that moment can trust.
LISTED = NOW + timedelta(minutes=5)
# Enough demo deals that the index passes 1 MB, where reads stop parsing it all.
DEALS = 1400


def listing(path: Path, at_risk_only: bool = False, now: datetime = LISTED) -> list[Row]:
    return pipeline(Store(path, clock=lambda: now), CATALOG, Settings(), now,
                    at_risk_only=at_risk_only)


def read_quickly(path: Path, now: datetime = LISTED) -> bool:
    """Whether the at-risk listing can be read without reading every deal."""
    basis = fingerprint(CATALOG, Settings())
    # The shortlist's summary: the basis every assessment holds on, and until when.
    quick = Store(path).quick_listing(
        lambda summary: summary["basis"] == basis and (
            summary["valid_until"] is None or now < datetime.fromisoformat(
                summary["valid_until"])))
    return quick is not None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("team") / "q.json"
    frameworks = [CATALOG.get(f) for f in ("bant", "meddic", "alignment")]
    Store(path, clock=lambda: NOW).insert_deals(
        ((s.deal, s.interviews) for s in sample_deals(DEALS, frameworks, NOW, seed=3)),
        sample=True)
    assert path.stat().st_size > 1 << 20
    return path


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Path:
    path = tmp_path / "q.json"
    shutil.copy(built, path)
    shutil.copytree(folder_of(built), folder_of(path))
    return path


def test_the_at_risk_listing_is_the_whole_listing_s_at_risk_part(team: Path) -> None:
    first = listing(team, at_risk_only=True)  # scores every deal and saves them
    assert read_quickly(team)
    whole = [row for row in listing(team) if row.at_risk]
    quick = listing(team, at_risk_only=True)
    assert quick == whole == first
    assert 0.2 < len(quick) / DEALS < 0.5


def test_a_deal_removed_is_saved_again_by_the_next_listing_so_the_one_after_reads_quickly(
        team: Path) -> None:
    listing(team)
    Store(team).remove_deal(listing(team, at_risk_only=True)[0].id)
    assert not read_quickly(team)
    listing(team)  # nothing to rescore, but the stored assessments name the old index
    assert read_quickly(team)


def test_assessments_that_time_has_overtaken_are_made_again(team: Path) -> None:
    # Saved now; a year on, answers are stale and close dates have passed.
    now = [row for row in listing(team) if row.at_risk]
    later = LISTED + timedelta(days=365)
    quick = listing(team, at_risk_only=True, now=later)
    assert quick == [row for row in listing(team, now=later) if row.at_risk]
    assert quick != now



def test_a_while_later_the_quick_listing_still_gives_the_whole_listing_s_at_risk_part(
        team: Path) -> None:
    listing(team)
    later = LISTED + timedelta(hours=2)  # before any saved assessment changes with time
    assert read_quickly(team, later)
    quick = listing(team, at_risk_only=True, now=later)
    assert quick == [row for row in listing(team, now=later) if row.at_risk]
