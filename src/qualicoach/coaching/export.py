"""Deals with their latest scores and answers, for sending qualification back to a CRM."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from qualicoach.coaching.pipeline import pipeline, row_data
from qualicoach.coaching.report import frameworks_of, merged_answers
from qualicoach.config.settings import Settings
from qualicoach.frameworks.catalog import Catalog
from qualicoach.storage.cache import AssessmentCache
from qualicoach.storage.codec import answer_to_doc
from qualicoach.storage.store import Store


class Export(NamedTuple):
    """The records to export, and the frameworks their deals were interviewed on that are
    not installed here (their figures leave those answers out)."""

    records: list[dict[str, Any]]
    missing_frameworks: tuple[str, ...]


def export_records(store: Store, catalog: Catalog, settings: Settings, now: datetime,
                   include_archived: bool = False, cache: AssessmentCache | None = None
                   ) -> Export:
    """Every deal with its assessment and the latest answer to each question."""
    grouped = store.interviews_by_deal()
    records = []
    missing: dict[str, None] = {}
    for row in pipeline(store, catalog, settings, now, include_archived, grouped,
                        cache=cache):
        missing.update(dict.fromkeys(frameworks_of(grouped.get(row.id, []), catalog)[1]))
        record = row_data(row)
        record["answers"] = {key: answer_to_doc(answer) for key, answer
                             in sorted(merged_answers(grouped.get(row.id, [])).items())}
        records.append(record)
    return Export(records, tuple(missing))
