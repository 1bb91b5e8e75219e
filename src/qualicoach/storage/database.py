"""The file engine: one TinyDB file read without a lock and changed in transactions.

The database is a TinyDB file (tables ``meta``, ``deals`` and ``interviews``), but
TinyDB's stock JSON storage rewrites the file in place with no lock, so a kill at the wrong
moment leaves a file that no longer parses. Here TinyDB works on an in-memory snapshot
inside a transaction; the transaction holds the cross-process lock, reads the file fresh
(or reuses our own last version when the file is unchanged), and writes once, atomically
(see ``qualicoach.storage.durable``).

Two additions keep a large database quick:

- single answers go to an fsynced journal beside the file (``storage.journal``) and are
  folded in by the next full write, so an interview never rewrites the whole file;
- the file starts with the byte range of the deals table (``storage.layout``), so a
  listing parses the deals alone.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from qualicoach.domain.clock import Clock, utc_now
from qualicoach.errors import DatabaseError, StorageError
from qualicoach.storage import durable
from qualicoach.storage.codec import check_answer_doc, deal_from_doc, interview_from_doc
from qualicoach.storage.journal import (
    Index,
    Journal,
    Rejected,
    UnfitEntry,
    apply_entry,
    apply_journal,
    count,
    reasons,
)
from qualicoach.storage.layout import Data, loads_without_gc, serialize
from qualicoach.storage.migrations import SCHEMA_VERSION, migrate, schema_version, shape_problem

Signatures = tuple[durable.Signature | None, durable.Signature | None]
Warn = Callable[[str], None]


@dataclass(frozen=True)
class Loaded:
    """One view of the files: the data with the journal applied, the token of a journal
    still to fold in, and the journal entries that could not be applied."""

    sigs: Signatures
    data: Data
    token: str | None
    rejected: tuple[Rejected, ...] = ()


class _Snapshot(Storage):
    """TinyDB storage over one in-memory copy of the file, for one transaction."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self.data = data
        self.dirty = True


class Database:
    """One TinyDB file that never loses an answer: lock, atomic write, journal, cache.

    A database path that is a symbolic link (say, into a synced folder) is followed: the
    file is read and replaced where it really is, and the lock, journal and backup live
    beside it there, so every way of reaching the file shares them.

    ``warn`` receives one line about anything the store did that the user should know of
    but that does not stop the command (journal entries it could not apply).
    """

    def __init__(self, path: Path, clock: Clock = utc_now, lock_timeout: float = 30.0,
                 warn: Warn | None = None) -> None:
        self.path = Path(os.path.realpath(path)) if path.is_symlink() else path
        self.clock = clock
        self.lock_timeout = lock_timeout
        self._warn = warn
        self._warned: set[str] = set()
        # Our last view of the file (and journal): reused while neither changed on disk,
        # so an interview does not re-read a large database for every answer.
        self._cache: Loaded | None = None
        # The data whose every record a read accepts: checked once per version of the file.
        self._checked: Data | None = None
        # Interview records of the cached data by id, so recording an answer is O(1); the
        # index belongs to the data it was built from.
        self._index: tuple[Data, Index] | None = None
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))

    @property
    def backup_path(self) -> Path:
        """Where the previous version of the database is kept."""
        return self.path.with_name(self.path.name + ".bak")

    def _signatures(self) -> Signatures:
        return durable.signature(self.path), durable.signature(self.journal.path)

    def _cache_is_current(self) -> bool:
        """Whether our last view still matches the files on disk."""
        sigs = self._signatures()
        return self._cache is not None and sigs[0] is not None and self._cache.sigs == sigs

    # --- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, lock_timeout: float | None = None) -> Iterator[TinyDB]:
        """A TinyDB over a fresh snapshot, under the lock; written once, atomically, at the end.

        If the block raises, nothing is written. A database that a read would refuse
        (any record it cannot read) is refused here too, before anything is written. A
        machine fault (disk full, permissions) raises StorageError.
        """
        before = durable.signature(self.path)
        rejected_note = None
        try:
            with durable.exclusive_lock(self.path, self.lock_timeout if lock_timeout is None
                                        else lock_timeout):
                before = durable.signature(self.path)
                durable.remove_leftovers(self.path)
                loaded = self._load(for_write=True)
                self._check_records(loaded.data)
                storage = _Snapshot(loaded.data)
                db = TinyDB(storage=lambda *_: storage)
                try:
                    yield db
                    if storage.dirty:
                        if loaded.token is not None:
                            storage.data["meta"]["1"]["journal_applied"] = loaded.token
                        if loaded.rejected:
                            # Kept before the journal can go, so no entry is ever lost.
                            rejected_note = self._keep_rejected(loaded.rejected)
                        payload = serialize(storage.data)
                        sig = durable.write_atomically(self.path, payload,
                                                       backup=self.backup_path)
                        # Only now that the database holds the journal's entries may it go.
                        self.journal.remove()
                        self._cache = Loaded((sig, None), storage.data, None)
                        self._checked = storage.data
                except BaseException:
                    # The snapshot may hold half a change: never reuse it.
                    self._cache = None
                    raise
        except OSError as exc:
            outcome = ("the change itself was saved" if durable.signature(self.path) != before
                       else "the database was not changed")
            raise StorageError(durable.fault_message(exc, self.path, outcome)) from None
        if rejected_note:
            self._say(rejected_note)

    def append_entry(self, entry: dict[str, Any], what: str) -> None:
        """Append one journal entry durably, under the lock, and apply it to our cached
        view if that is still current (so the next read need not re-read the file).

        ``what`` names the entry for the message when it could not be saved.
        """
        try:
            with durable.exclusive_lock(self.path, self.lock_timeout):
                cache = self._cache
                cache_valid = cache is not None and cache.sigs == self._signatures()
                token = self.journal.append(orjson.dumps(entry))
                if cache is not None and cache_valid:
                    if self._index is None or self._index[0] is not cache.data:
                        self._index = (cache.data, Index(cache.data))
                    try:
                        apply_entry(cache.data, entry, self._index[1])
                    except UnfitEntry:  # its deal was removed meanwhile: the next write says so
                        self._cache = None
                    else:
                        self._cache = Loaded(self._signatures(), cache.data, token,
                                             cache.rejected)
                else:
                    self._cache = None
        except OSError as exc:
            self._cache = None
            raise StorageError(durable.fault_message(
                exc, self.journal.path, f"{what} was not saved (the earlier ones are)"
            )) from None

    def _say(self, message: str) -> None:
        if self._warn is not None and message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    def _keep_rejected(self, rejected: tuple[Rejected, ...]) -> str:
        kept = self.journal.reject([r.raw for r in rejected])
        return (f"{count(len(rejected), 'journal entry', 'journal entries')} could not be "
                f"applied ({reasons(rejected)}) and {'was' if len(rejected) == 1 else 'were'} "
                f"moved to {kept}")

    def _check_records(self, data: Data) -> None:
        """Refuse data holding a record that a read would refuse: a write must never carry
        a damaged record along into a new version of the file."""
        if self._checked is data:
            return
        for doc in data.get("deals", {}).values():
            deal_from_doc(doc, self.path)
        for doc in data.get("interviews", {}).values():
            interview_from_doc(doc, self.path, read_answer=check_answer_doc)
        self._checked = data

    # --- reads -------------------------------------------------------------------------

    def snapshot(self) -> TinyDB:
        """A read-only view of the database as it is now (no lock: writes are atomic)."""
        data = self._read()
        return TinyDB(storage=lambda *_: _Snapshot(data))

    def _read(self) -> Data:
        loaded = self._load(for_write=False)
        if loaded.rejected:
            self._say(f"{count(len(loaded.rejected), 'journal entry', 'journal entries')} "
                      f"of {self.journal.path} cannot be applied ({reasons(loaded.rejected)})"
                      f"; left out here, and moved to {self.journal.rejected_path} by the "
                      "next change")
        return loaded.data

    def _load(self, for_write: bool) -> Loaded:
        """The data with the journal applied, and the token of a journal still to fold."""
        sigs = self._signatures()
        if sigs[0] is not None and self._cache is not None and self._cache.sigs == sigs:
            return self._cache
        raw = durable.read_bytes(self.path)
        if raw is None:
            data: Data = {"meta": {"1": {"schema_version": SCHEMA_VERSION}}}
            version = SCHEMA_VERSION
        else:
            data = self._parse(raw)
            version = schema_version(data, self.path)
        if version < SCHEMA_VERSION:
            if for_write and raw is not None:
                self._keep_original(raw, version)
            # Not cached: the file on disk is still the old version until a write, and the
            # write must see that to keep the original.
            data = migrate(data, version, self.clock())
        token, rejected = apply_journal(self.journal, data)
        loaded = Loaded(sigs, data, token, tuple(rejected))
        if sigs[0] is not None and version == SCHEMA_VERSION:
            self._cache = loaded
        return loaded

    def _parse(self, raw: bytes) -> Data:
        recovery = (f"the file was not changed. The previous version is kept as "
                    f"{self.backup_path} if it exists: copy it over {self.path.name} to "
                    f"recover, or move {self.path.name} away to start afresh")
        if not raw.strip():
            raise DatabaseError(f"database {self.path} is empty (0 bytes); {recovery}")
        try:
            data: Data = loads_without_gc(raw)
        except orjson.JSONDecodeError as exc:
            raise DatabaseError(f"database {self.path} is damaged: not valid JSON at line "
                                f"{exc.lineno}, column {exc.colno} ({exc.msg}); "
                                f"{recovery}") from None
        problem = shape_problem(data)
        if problem:
            raise DatabaseError(f"database {self.path} is damaged: {problem}; {recovery}")
        return data

    def _keep_original(self, raw: bytes, version: int) -> None:
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        # An existing copy is the original of an earlier migration: keep it. Anything else
        # there (a link) is replaced, never written through.
        if backup.is_symlink() or not backup.exists():
            durable.write_atomically(backup, raw)


def writable(path: Path) -> bool:
    """Whether we may write the database at all (its folder, and the file if it exists)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
