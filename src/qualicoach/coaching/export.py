"""Deals with their latest scores and answers, for sending qualification back to a CRM."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qualicoach.coaching.pipeline import pipeline, row_data
from qualicoach.coaching.report import merged_answers
from qualicoach.config.settings import Settings
from qualicoach.frameworks.catalog import Catalog
from qualicoach.storage.cache import AssessmentCache
from qualicoach.storage.codec import answer_to_doc
from qualicoach.storage.store import Store


def export_records(store: Store, catalog: Catalog, settings: Settings, now: datetime,
                   include_archived: bool = False, cache: AssessmentCache | None = None
                   ) -> list[dict[str, Any]]:
    """Every deal with its assessment and the latest answer to each question."""
    grouped = store.interviews_by_deal()
    records = []
    for row in pipeline(store, catalog, settings, now, include_archived, grouped,
                        cache=cache):
        record = row_data(row)
        record["answers"] = {key: answer_to_doc(answer) for key, answer
                             in sorted(merged_answers(grouped.get(row.id, [])).items())}
        records.append(record)
    return records
