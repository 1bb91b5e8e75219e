"""The journal: an interview's start and its answers, each appended and fsynced beside
the database and folded into it by the next full write, so an interview never rewrites the
whole file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from qualicoach.errors import DatabaseError, StorageError
from qualicoach.storage.codec import check_answer_doc, interview_from_doc
from qualicoach.storage.durable import (
    BINARY,
    NOFOLLOW,
    append_durably,
    fault_message,
    write_atomically,
)


class Journal:
    """An append-only file of small changes, each fsynced before it is acknowledged.

    Rewriting a large database for every answer is too slow for an interview, so answers
    are appended here and folded into the database by the next full write. The first line
    names the journal (a random token); the database records the token of the journal it
    has folded in, so a journal left behind by a crash between those two steps is never
    applied twice. A last line cut short by a crash was never acknowledged and is dropped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def rejected_path(self) -> Path:
        """Where entries that cannot be folded into the database are kept."""
        return self.path.with_name(self.path.name + ".rejected")

    def read(self) -> tuple[str | None, list[bytes]]:
        """The journal's token and its complete entries (None, [] if there is none)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | NOFOLLOW | BINARY)
            with os.fdopen(fd, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            return None, []
        except OSError as exc:
            raise StorageError(fault_message(exc, self.path, "nothing was changed")) from None
        if not raw:
            return None, []
        lines = raw.split(b"\n")
        # Everything after the last newline is a write a crash cut short.
        complete = lines[:-1]
        if not complete:
            return None, []
        return complete[0].decode("utf-8", "replace").strip(), complete[1:]

    def append(self, entry: bytes) -> str:
        """Append one entry durably and return the journal's token; hold the lock."""
        assert b"\n" not in entry
        if not os.path.lexists(self.path):
            header = os.urandom(8).hex().encode() + b"\n"
            write_atomically(self.path, header)
        # Never through a link someone planted: it would write into the link's target.
        fd = os.open(self.path, os.O_RDWR | NOFOLLOW | BINARY)
        with os.fdopen(fd, "r+b") as handle:
            token = handle.readline().decode("utf-8", "replace").strip()
            content_end = handle.seek(0, os.SEEK_END)
            # Drop a partial entry left by a crash, so it cannot run into this one.
            if content_end:
                handle.seek(content_end - 1)
                if handle.read(1) != b"\n":
                    handle.seek(0)
                    keep = handle.read().rfind(b"\n") + 1
                    handle.truncate(keep)
                    handle.seek(keep)
            handle.write(entry + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        return token

    def reject(self, entries: list[bytes]) -> Path:
        """Keep entries that cannot be folded in, durably, in the rejected file."""
        append_durably(self.rejected_path, entries)
        return self.rejected_path

    def remove(self) -> None:
        """Delete the journal once the database holds everything in it."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class Rejected(NamedTuple):
    """A journal entry that cannot be folded into the database, and why."""

    line: int
    raw: bytes
    reason: str


class UnfitEntry(Exception):
    """A journal entry that cannot be applied; the message says why (never shown alone:
    it becomes a ``Rejected``)."""


def journal_entry(raw: bytes) -> dict[str, Any]:
    """A journal entry checked as a read would check the answer or interview it holds
    (raises UnfitEntry)."""
    try:
        entry = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise UnfitEntry("not valid JSON") from None
    if isinstance(entry, dict) and entry.get("op") == "start":
        return _start_entry(entry)
    if not isinstance(entry, dict) or entry.get("op") != "answer":
        raise UnfitEntry("not an answer entry")
    if not isinstance(entry.get("interview"), str) or not isinstance(entry.get("key"), str):
        raise UnfitEntry("names no interview or question")
    answer = entry.get("answer")
    if not isinstance(answer, dict):
        raise UnfitEntry("holds no answer")
    try:
        check_answer_doc(answer)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnfitEntry(f"its answer cannot be read: {type(exc).__name__} {exc}") from None
    return entry


def _start_entry(entry: dict[str, Any]) -> dict[str, Any]:
    doc = entry.get("doc")
    if not isinstance(entry.get("interview"), str) or not isinstance(doc, dict) \
            or doc.get("id") != entry["interview"] or doc.get("answers") != {}:
        raise UnfitEntry("not an interview's start")
    try:
        interview_from_doc(doc, Path("journal"))
    except DatabaseError:
        raise UnfitEntry("its interview cannot be read") from None
    return entry


def apply_entry(records: dict[str, dict[str, Any]], interviews: dict[str, dict[str, Any]],
                entry: dict[str, Any]) -> None:
    """Apply a checked journal entry to a shard (its records, and the same records by
    interview id): add the interview it starts, or set the answer it holds. Raises
    UnfitEntry when it cannot be applied (it is then kept aside, never lost)."""
    if entry["op"] == "start":
        if entry["interview"] in interviews:
            raise UnfitEntry(f"interview {entry['interview']!r} is already in the database")
        # TinyDB's next document id: one past the largest.
        key = str(max((int(k) for k in records), default=0) + 1)
        records[key] = interviews[entry["interview"]] = dict(entry["doc"], answers={})
        return
    apply_answer(interviews, entry)


def apply_answer(interviews: dict[str, dict[str, Any]], entry: dict[str, Any]) -> None:
    """Set the answer a checked journal entry holds on its interview (records by interview
    id); raise UnfitEntry when its interview is not there to take it."""
    doc = interviews.get(entry["interview"])
    if doc is None:
        # Its deal was removed meanwhile, or the entry is wrong: kept aside, not lost.
        raise UnfitEntry(f"interview {entry['interview']!r} is not in the database")
    if not isinstance(doc.get("answers"), dict):
        raise UnfitEntry(f"interview {entry['interview']!r} cannot take answers (damaged)")
    doc["answers"][entry["key"]] = entry["answer"]


def deal_of_entry(entry: dict[str, Any]) -> str:
    """The id of the deal a journal entry's interview belongs to (interview ids are
    ``DEAL#N``)."""
    return str(entry["interview"]).rpartition("#")[0]


def bump(deal_doc: dict[str, Any]) -> None:
    """Mark a deal as changed: its stored assessment no longer holds."""
    deal_doc["revision"] = deal_doc.get("revision", 0) + 1


def reasons(rejected: Sequence[Rejected]) -> str:
    """Why entries were rejected, the first three by line."""
    shown = "; ".join(f"line {r.line}: {r.reason}" for r in rejected[:3])
    return shown + (f"; and {len(rejected) - 3} more" if len(rejected) > 3 else "")
