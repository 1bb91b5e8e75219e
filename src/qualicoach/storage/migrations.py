"""The schema version of the database, the shape every version must have, and the steps
that bring an older file up to date.

- Version 0: a TinyDB file with no schema record (a script using plain TinyDB).
- Version 1: one file with tables ``meta``, ``deals`` (each with a stored assessment) and
  ``interviews``.
- Version 2: an index (``meta`` and ``deals``) with the interviews in zlib-compressed
  shard files in the folder ``qualicoach.json.d`` and the latest answers in a journal
  ``qualicoach.json.journal``.
- Version 3 (this one): version 1's one file again, without stored assessments: whatever
  a listing keeps to go faster lives in the cache folder, keyed by what it was made from.

Older files are brought up to date in memory when read; the first write keeps the
original as ``qualicoach.json.vN.bak`` (version 2's shard folder and journal stay where
they are, untouched) and writes version 3.
"""

from __future__ import annotations

import contextlib
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from qualicoach.domain.clock import utc_now
from qualicoach.errors import DatabaseError

# One table of records by TinyDB document id; the whole database, by table name.
Records = dict[str, dict[str, Any]]
Data = dict[str, Records]

SCHEMA_VERSION = 3


def empty_database() -> Data:
    """The data of a database with nothing in it yet."""
    return {"meta": {"1": {"schema_version": SCHEMA_VERSION}}, "deals": {}, "interviews": {}}


def schema_version(data: Data, path: Path) -> int:
    """The schema version the data says it has; refuse one newer than this qualicoach."""
    meta = data.get("meta", {})
    record = meta.get("1", {}) if isinstance(meta, dict) else {}
    version = record.get("schema_version", 0) if isinstance(record, dict) else 0
    if type(version) is not int or version < 0:
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
            if name == "deals" and (not isinstance(doc.get("id"), str)
                                    or not isinstance(doc.get("name"), str)):
                return f"deal record {doc_id} has no id or name"
            if name == "interviews" and (not isinstance(doc.get("id"), str)
                                         or not isinstance(doc.get("deal"), str)):
                return f"interview record {doc_id} has no id or deal"
    return None


def migrate(data: Data, version: int, path: Path, now: datetime | None = None) -> Data:
    """Data of an older schema ``version`` brought up to the current one, in memory.

    ``path`` is the database's: version 2 keeps its interviews in files beside it.
    """
    if version < 1:
        # Deals written by plain TinyDB may lack the bookkeeping fields: they get defaults.
        stamp = (now or utc_now()).isoformat()
        for doc in data.get("deals", {}).values():
            for key, default in (("created", stamp), ("updated", stamp), ("history", []),
                                 ("contacts", []), ("tags", []), ("archived", False)):
                doc.setdefault(key, default)
    if version == 2:
        data["interviews"] = _version_2_interviews(data, path)
    for doc in data.get("deals", {}).values():
        # Stored assessments and revision counters: a cache now keeps the one, keyed by
        # content, which makes the other pointless.
        doc.pop("assessment", None)
        doc.pop("revision", None)
    meta = data.setdefault("meta", {}).setdefault("1", {})
    for key in ("shards", "shard_count", "database", "deals_digest", "journal_applied",
                "layout"):
        meta.pop(key, None)
    meta["schema_version"] = SCHEMA_VERSION
    data.setdefault("deals", {})
    data.setdefault("interviews", {})
    return data


def _version_2_interviews(index: Data, path: Path) -> Records:
    """Every interview of a version 2 database: its shard files, with the answers and
    starts its journal holds that were not folded in yet."""
    meta = index.get("meta", {}).get("1", {})
    folder = path.with_name(path.name + ".d")
    interviews: dict[str, dict[str, Any]] = {}
    names = meta.get("shards", {})
    for name in (names.values() if isinstance(names, dict) else ()):
        shard = folder / str(name)
        try:
            content = orjson.loads(zlib.decompress(shard.read_bytes()))
            records = content["interviews"]
            assert isinstance(records, dict)
        except (OSError, ValueError, KeyError, TypeError, AssertionError, zlib.error) as exc:
            raise DatabaseError(f"database {path} is damaged: its interview file {shard} "
                                f"cannot be read ({type(exc).__name__}); the file was not "
                                "changed") from None
        for doc in records.values():
            if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                interviews[doc["id"]] = doc
    _apply_version_2_journal(path.with_name(path.name + ".journal"), meta, interviews)
    return {str(n): doc for n, doc in enumerate(interviews.values(), start=1)}


def _apply_version_2_journal(journal: Path, meta: dict[str, Any],
                             interviews: dict[str, dict[str, Any]]) -> None:
    """Apply the starts and answers a version 2 journal holds that its index had not
    folded in. An entry that cannot be applied (damaged, of another database, for an
    interview that is gone) is left out, as version 2 set such entries aside; the journal
    itself stays beside the database, untouched, with the rest of the original."""
    from qualicoach.storage.codec import check_answer_doc, interview_from_doc

    raw = b""
    with contextlib.suppress(OSError):
        raw = journal.read_bytes()
    # The last line, without its newline, is a write a crash cut short: never acknowledged.
    lines = raw.split(b"\n")[:-1]
    if not lines or lines[0].decode("utf-8", "replace").strip() == meta.get("journal_applied"):
        return
    for line in lines[1:]:
        with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError,
                                 DatabaseError):
            entry = orjson.loads(line)
            if entry.get("database", meta.get("database")) != meta.get("database"):
                continue
            if entry["op"] == "start" and entry["interview"] not in interviews:
                doc = dict(entry["doc"], answers={})
                interview_from_doc(doc, journal)
                interviews[entry["interview"]] = doc
            elif entry["op"] == "answer" and entry["interview"] in interviews:
                check_answer_doc(entry["answer"])
                interviews[entry["interview"]]["answers"][entry["key"]] = entry["answer"]
