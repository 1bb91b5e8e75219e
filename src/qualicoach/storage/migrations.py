"""The schema version of the database, the shape every version must have, and the steps
that bring an older file up to date.

Version 1 held everything in one file (tables ``meta``, ``deals`` with each deal's stored
assessment, and ``interviews``). Version 2 is the index and shards of ``storage.layout``:
``split`` turns the one into the other, and the original file is kept as
``qualicoach.json.v1.bak`` by the first write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qualicoach.domain.clock import utc_now
from qualicoach.errors import DatabaseError
from qualicoach.storage.layout import SHARD_COUNT, Data, Records, new_database_id, shard_of

SCHEMA_VERSION = 2


def schema_version(data: Data, path: Path) -> int:
    """The schema version the data says it has; refuse one newer than this qualicoach."""
    meta = data.get("meta", {})
    record = meta.get("1", {}) if isinstance(meta, dict) else {}
    version = record.get("schema_version", 0) if isinstance(record, dict) else 0
    if not isinstance(version, int) or version < 0:
        raise DatabaseError(f"database {path} is damaged: its schema version is {version!r}")
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"database {path} was written by a newer qualicoach (schema "
                            f"version {version}; this one reads up to {SCHEMA_VERSION}); "
                            "upgrade qualicoach to use it. The file was not changed")
    return version


def shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of parsed data (tables of records), or None."""
    if not isinstance(data, dict):
        return f"expected a JSON object of tables, found a JSON {type(data).__name__}"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table '{name}' is a JSON {type(table).__name__}, not an object"
        # One pass over each table: a team's index holds tens of thousands of records.
        deals, interviews = name == "deals", name == "interviews"
        for doc_id, doc in table.items():
            if not isinstance(doc, dict) or not doc_id.isdigit():
                return f"record '{doc_id}' of table '{name}' is not a record"
            if deals:
                if not isinstance(doc.get("id"), str) or not isinstance(doc.get("name"), str):
                    return f"deal record {doc_id} has no id or name"
                revision = doc.get("revision", 0)
                if type(revision) is not int or revision < 0:
                    return (f"deal '{doc['id']}' has revision {revision!r}, not a whole "
                            "number (0 or more)")
            elif interviews and (not isinstance(doc.get("id"), str)
                                 or not isinstance(doc.get("deal"), str)):
                return f"interview record {doc_id} has no id or deal"
    return None


@dataclass
class Split:
    """A version 1 database in the parts of version 2: the index, the shards' records
    and the stored assessments (deal id -> (revision, assessment))."""

    index: Data
    shards: dict[int, Records]
    assessments: dict[str, tuple[int, dict[str, Any]]]


def split(data: Data) -> Split:
    """A version 1 database (one file) as the parts of version 2."""
    meta = dict(data.get("meta", {}).get("1", {}))
    meta.pop("layout", None)
    meta["schema_version"] = 2
    meta["shard_count"] = SHARD_COUNT
    meta["database"] = new_database_id()
    meta["shards"] = {}
    deals: Records = {}
    assessments: dict[str, tuple[int, dict[str, Any]]] = {}
    for doc_id, doc in data.get("deals", {}).items():
        stored = doc.pop("assessment", None)
        if isinstance(stored, dict):
            assessments[doc["id"]] = (doc.get("revision", 0), stored)
        deals[doc_id] = doc
    shards: dict[int, Records] = {}
    for doc in data.get("interviews", {}).values():
        records = shards.setdefault(shard_of(doc["deal"]), {})
        records[str(len(records) + 1)] = doc
    index: Data = {"meta": {"1": meta}, "deals": deals}
    # Tables that are not ours stay in the index, as they were.
    index.update({k: v for k, v in data.items() if k not in ("meta", "deals", "interviews")})
    return Split(index, shards, assessments)


def migrate(data: Data, version: int, now: datetime | None = None) -> Data:
    """Bring data of a schema version before 1 up to version 1 (one file); ``split``
    then makes version 2 of it."""
    if version < 1:
        # Version 0 is a TinyDB file with no schema record, such as a script using plain
        # TinyDB writes: deals may lack the bookkeeping fields, which get defaults.
        stamp = (now or utc_now()).isoformat()
        for doc in data.get("deals", {}).values():
            for key, default in (("created", stamp), ("updated", stamp), ("history", []),
                                 ("contacts", []), ("tags", []), ("archived", False)):
                doc.setdefault(key, default)
        data["meta"] = {"1": {"schema_version": 1}}
    return data
