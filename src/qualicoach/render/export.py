"""The export's two forms: JSON as it is, CSV one row per deal and a column per answer."""

from __future__ import annotations

import csv
from typing import IO, Any

import orjson

from qualicoach.render.console import json_safe
from qualicoach.render.pipeline import safe_cell

BASE_COLUMNS = ("id", "crm_id", "name", "account", "owner", "stage", "amount", "currency",
                "close_date", "next_step", "close_reason", "tags", "fit", "readiness", "risk",
                "at_risk", "verdict_kind", "verdict", "main_reason", "last_interview")


def records_json(records: list[dict[str, Any]]) -> str:
    """The records as indented JSON."""
    return json_safe(orjson.dumps(records, option=orjson.OPT_INDENT_2).decode()) + "\n"


def records_csv(records: list[dict[str, Any]], out: IO[str]) -> None:
    """One row per deal; each answer in a column 'answer:framework.question' holding its
    value (choices joined by ';') or 'unknown'/'unclear'. Cells never run as formulas."""
    keys = sorted({key for record in records for key in record.get("answers", {})})
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*BASE_COLUMNS, *(f"answer:{key}" for key in keys)])
    for record in records:
        base = dict(record)
        base["tags"] = ";".join(map(str, record.get("tags", [])))
        answers = record.get("answers", {})
        cells = [safe_cell(base.get(column)) for column in BASE_COLUMNS]
        cells += [safe_cell(_answer_cell(answers.get(key))) for key in keys]
        writer.writerow(cells)


def _answer_cell(answer: dict[str, Any] | None) -> Any:
    if answer is None:
        return None
    if answer["status"] != "answered":
        return answer["status"]
    value = answer.get("value")
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
