"""Every deal assessed at once: the at-risk list and the pipeline views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog
from .deals import Deal
from .report import frameworks_of, merged_answers
from .risk import Assessment, assess
from .settings import Settings
from .store import Store


@dataclass(frozen=True)
class DealRow:
    """A deal and its assessment (None before its first interview)."""

    deal: Deal
    assessment: Assessment | None


def assess_deals(store: Store, catalog: Catalog, settings: Settings, now: datetime,
                 include_archived: bool = False) -> list[DealRow]:
    """Assess every deal from one read of the database."""
    grouped = store.interviews_by_deal()
    rows = []
    for deal in store.deals(include_archived=include_archived):
        interviews = grouped.get(deal.id, [])
        if not interviews:
            rows.append(DealRow(deal, None))
            continue
        frameworks, _ = frameworks_of(interviews, catalog)
        assessment = assess(deal, frameworks, merged_answers(interviews),
                            merged_answers(interviews[:-1]), now, settings)
        rows.append(DealRow(deal, assessment))
    return rows
