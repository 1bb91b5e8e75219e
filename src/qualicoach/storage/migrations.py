"""The schema version of the database, the shape every version must have, and the steps
that bring an older file up to date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from qualicoach.domain.clock import utc_now
from qualicoach.errors import DatabaseError
from qualicoach.storage.layout import Data

SCHEMA_VERSION = 1


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
        for doc_id, doc in table.items():
            if not isinstance(doc, dict) or not doc_id.isdigit():
                return f"record '{doc_id}' of table '{name}' is not a record"
    for doc_id, doc in data.get("deals", {}).items():
        if not isinstance(doc.get("id"), str) or not isinstance(doc.get("name"), str):
            return f"deal record {doc_id} has no id or name"
        revision = doc.get("revision", 0)
        if type(revision) is not int or revision < 0:
            return (f"deal '{doc['id']}' has revision {revision!r}, not a whole number "
                    "(0 or more)")
    for doc_id, doc in data.get("interviews", {}).items():
        if not isinstance(doc.get("id"), str) or not isinstance(doc.get("deal"), str):
            return f"interview record {doc_id} has no id or deal"
    return None


def migrate(data: Data, version: int, now: datetime | None = None) -> Data:
    """Bring data of an older schema version up to the current one, step by step."""
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
