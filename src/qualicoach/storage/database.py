"""The file engine: an index and interview shards, read without a lock and changed in
transactions that never leave a half-written database.

The database is TinyDB data split as ``storage.layout`` describes: an index (meta and
deals) and compressed interview shards. TinyDB's stock JSON storage rewrites one file in
place with no lock, so a kill at the wrong moment leaves a file that no longer parses.
Here TinyDB works on in-memory snapshots inside a transaction; the transaction holds the
cross-process lock, reads the index fresh (or reuses our own last version when it is
unchanged), reads only the shards it touches, and commits by writing each changed shard
under a new name, then the index naming them, each atomically (``storage.durable``). The
index is the commit point: a kill before it leaves the old index naming the old shards,
which are removed only once neither the index nor its backup names them.

Single answers go to an fsynced journal beside the index (``storage.journal``) and are
folded in by the next transaction, so an interview writes no shard per answer.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from qualicoach.domain.clock import Clock, utc_now
from qualicoach.domain.wording import counted
from qualicoach.errors import DatabaseError, StorageError
from qualicoach.storage import durable
from qualicoach.storage.codec import check_answer_doc, deal_from_doc, interview_from_doc
from qualicoach.storage.journal import (
    Journal,
    Rejected,
    UnfitEntry,
    apply_entry,
    bump,
    deal_of_entry,
    journal_entry,
    reasons,
)
from qualicoach.storage.layout import (
    SHARD_COUNT,
    Data,
    Records,
    ShardWriter,
    StoredAssessments,
    assessments_path,
    deal_record,
    deals_bytes,
    decode_shard,
    digest_matches,
    encode_assessments,
    encode_shard,
    folder_of,
    loads_without_gc,
    new_database_id,
    new_shard_name,
    read_assessments,
    serialize,
    shard_of,
    shard_owner,
    shortlist_path,
    split_index,
    stored_by_number,
)
from qualicoach.storage.migrations import (
    SCHEMA_VERSION,
    migrate,
    schema_version,
    shape_problem,
    split,
)

Signatures = tuple[durable.Signature | None, durable.Signature | None]
Warn = Callable[[str], None]
Assessments = dict[str, tuple[int, dict[str, Any]]]


class Shortlist(NamedTuple):
    """Which stored assessments a quick listing shows, saved apart from the others with
    ``summary``: what the caller knows of them all together (until when they hold), for
    the caller to check before trusting them (``AssessmentStore.quick_listing``)."""

    chosen: Callable[[Mapping[str, Any]], bool]
    summary: Any


# An index smaller than this is read whole: parsing it takes a few milliseconds (a rep's
# 200 deals are about 170 KB), and one way of reading it is one way to get wrong.
_LIGHT_FROM_BYTES = 1 << 20
# How often a reader starts again when writers replaced the shards it was about to read.
_READ_ATTEMPTS = 5


@dataclass
class Loaded:
    """One version of the database as we read it: the index with the journal's revision
    bumps applied, the shards read so far with the journal's answers applied, and the
    journal's state. Shards are read on demand, so one deal's work reads one shard."""

    sigs: Signatures
    index: Data
    version: int  # of the file as read: below SCHEMA_VERSION until a write splits it
    token: str | None = None  # of a journal still to fold in
    rejected: list[Rejected] = field(default_factory=list)
    # Journal entries waiting for their shard to be read: shard -> (line, raw, entry).
    pending: dict[int, list[tuple[int, bytes, dict[str, Any]]]] = field(default_factory=dict)
    shards: dict[int, Records] = field(default_factory=dict)
    by_id: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # Shards the journal has answers for, which a commit must write.
    journaled: set[int] = field(default_factory=set)
    # The journal on disk was folded in already (a kill came before it was removed).
    stale_journal: bool = False
    lines: int = 0  # of the journal, its token's line included
    deals_by_id: dict[str, dict[str, Any]] | None = None
    # What a write has checked already, so each version is checked once.
    checked: set[int] = field(default_factory=set)
    index_checked: bool = False
    # The meta's digest of the deals was found to match their bytes, or written with them.
    digest_checked: bool = False
    # Stored assessments of a version 1 file, until a write moves them to their own file.
    assessments: Assessments | None = None
    # The index's bytes as read, until a write has checked its deals.
    raw: bytes | None = None

    @property
    def meta(self) -> dict[str, Any]:
        """The index's meta record."""
        return self.index["meta"]["1"]

    @property
    def database(self) -> str:
        """The database's id (its shard files and stored assessments carry it)."""
        return str(self.meta["database"])

    @property
    def shard_count(self) -> int:
        """How many shards the interviews are spread over."""
        return int(self.meta.get("shard_count", SHARD_COUNT))

    def shard_names(self) -> dict[str, str]:
        """Shard number (as text) -> file name, as the index names them."""
        names = self.meta.get("shards", {})
        return names if isinstance(names, dict) else {}


class _ShardGone(Exception):
    """A shard file the index named was removed: writers committed meanwhile."""


class _Snapshot(Storage):
    """TinyDB storage over one in-memory copy of a file, for one transaction."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self.data = data
        self.dirty = True


class _TableAppender:
    """Appends interviews to a shard held as a table, as a ShardWriter would to a file."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def append(self, doc: dict[str, Any]) -> None:
        """Add one interview record, with the next document id."""
        self._table.insert(doc)


class Transaction:
    """The database inside a transaction: the index's tables and each deal's interviews."""

    def __init__(self, database: Database, loaded: Loaded) -> None:
        self._database = database
        self._loaded = loaded
        self._index = _Snapshot(loaded.index)
        self.db = TinyDB(storage=lambda *_: self._index)
        self._shards: dict[int, tuple[_Snapshot, TinyDB]] = {}
        self.streams: dict[int, ShardWriter] = {}
        self.forced = False
        self.fold = False  # write even if nothing else changes, to fold the journal in
        # Set to replace the stored assessments (a cache) after the transaction; how many
        # of them were at their deal's revision, and so stored, is set then.
        self.assessments: Assessments | None = None
        self.shortlist: Shortlist | None = None  # saved with them (see ``Shortlist``)
        self.assessments_saved = 0

    def table(self, name: str) -> Table:
        """A table of the index (``meta`` or ``deals``)."""
        assert name != "interviews", "interviews live in shards: use interviews(deal_id)"
        return self.db.table(name)

    def interviews(self, deal_id: str) -> Table:
        """The interviews table of the shard holding ``deal_id``'s interviews."""
        return self._shard(shard_of(deal_id, self._loaded.shard_count))

    def every_shard(self) -> Iterator[Table]:
        """Every shard's interviews table (reads them all: for whole-database work)."""
        for number in range(self._loaded.shard_count):
            yield self._shard(number)

    def shard_of_interview(self, interview_id: str) -> Table | None:
        """The interviews table holding ``interview_id``, None if there is none."""
        from tinydb import Query

        first = self.interviews(interview_id.rpartition("#")[0])
        if first.contains(Query().id == interview_id):
            return first
        for table in self.every_shard():
            if table.contains(Query().id == interview_id):
                return table
        return None

    def stream(self, deal_id: str) -> ShardWriter | _TableAppender:
        """A writer appending interviews to ``deal_id``'s shard without holding them; a
        shard already read as a table (the journal has entries for it) takes them there."""
        number = shard_of(deal_id, self._loaded.shard_count)
        if number in self._shards:
            return _TableAppender(self._shard(number))
        if number not in self.streams:
            records = self._database._shard_under_lock(self._loaded, number)
            self.streams[number] = ShardWriter(records)
        return self.streams[number]

    def _shard(self, number: int) -> Table:
        assert number not in self.streams, "shard already streamed"
        if number not in self._shards:
            records = self._database._shard_under_lock(self._loaded, number)
            storage = _Snapshot({"interviews": records})
            self._shards[number] = (storage, TinyDB(storage=lambda *_: storage))
        return self._shards[number][1].table("interviews")

    @property
    def journaled(self) -> bool:
        """Whether the journal holds entries this transaction's write will fold in."""
        return bool(self._loaded.journaled)

    def read(self, number: int) -> None:
        """Read (and check) shard ``number`` now."""
        self._shard(number)

    def touched(self, number: int) -> None:
        """Mark a shard as changed (journal entries were folded into it)."""
        self._shard(number)
        self._shards[number][0].dirty = True

    def changed_shards(self) -> dict[int, Records]:
        """The shards this transaction changed, by number (every shard when an old file
        is split)."""
        if self.forced:
            for number in range(self._loaded.shard_count):
                if number not in self.streams:
                    self._shard(number)
        return {n: s.data.get("interviews", {}) for n, (s, _) in self._shards.items()
                if s.dirty or self.forced}

    def shards(self) -> dict[int, Records]:
        """Every shard this transaction read, by number."""
        return {n: s.data.get("interviews", {}) for n, (s, _) in self._shards.items()}

    @property
    def dirty(self) -> bool:
        """Whether anything is to be written."""
        return (self.forced or self.fold or self._index.dirty or bool(self.streams)
                or any(s.dirty for s, _ in self._shards.values()))


class Database:
    """A database that never loses an answer: lock, atomic writes, journal, cache.

    A database path that is a symbolic link (say, into a synced folder) is followed: the
    file is read and replaced where it really is, and the lock, journal, backup and shards
    live beside it there, so every way of reaching the file shares them.

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
        # Our last view of the files: reused while the index and journal are unchanged on
        # disk, so an interview does not re-read the database for every answer.
        self._cache: Loaded | None = None
        # A view of the index without its deals parsed (``_light``), while it is current.
        self._light_view: tuple[Loaded, bytes, int, int] | None = None
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self.folder = folder_of(self.path)

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
    def transaction(self, lock_timeout: float | None = None) -> Iterator[Transaction]:
        """The database over fresh snapshots, under the lock; committed at the end.

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
                self._check_index(loaded)
                txn = Transaction(self, loaded)
                try:
                    if loaded.version < SCHEMA_VERSION:
                        txn.forced = True  # the first write splits an old file
                    # Read (and check) every shard the journal has answers for: a commit
                    # folds them in.
                    for number in sorted(loaded.journaled):
                        txn.read(number)
                    yield txn
                    if txn.dirty:
                        for number in sorted(loaded.journaled):
                            txn.touched(number)
                        rejected_note = self._commit(loaded, txn)
                    if txn.assessments is not None:
                        # A commit folded any journal in: the index is then the one on disk.
                        txn.assessments_saved = self._write_assessments(
                            txn.assessments, loaded, on_disk=txn.dirty or loaded.token is None,
                            shortlist=txn.shortlist)
                except BaseException:
                    # The snapshots may hold half a change: never reuse them.
                    self._cache = None
                    raise
        except OSError as exc:
            outcome = ("the change itself was saved" if durable.signature(self.path) != before
                       else "the database was not changed")
            raise StorageError(durable.fault_message(exc, self.path, outcome)) from None
        if rejected_note:
            self._say(rejected_note)

    def fold_journal(self) -> None:
        """Write what the journal holds into the database now (one full write), rather
        than with the next change; nothing happens when the journal is empty."""
        with self.transaction() as txn:
            txn.fold = bool(txn.journaled)

    def _commit(self, loaded: Loaded, txn: Transaction) -> str | None:
        """Write the changed shards under new names, then the index naming them (the
        commit point), then forget the journal and the files nothing names any more."""
        previous = set(loaded.shard_names().values()) if loaded.version == SCHEMA_VERSION \
            else set()
        names = dict(loaded.shard_names())
        for number, records in txn.changed_shards().items():
            if records:
                name = new_shard_name(number, loaded.database)
                durable.write_atomically(self.folder / name, encode_shard(records))
                names[str(number)] = name
            else:
                names.pop(str(number), None)
        for number, writer in txn.streams.items():
            if writer.empty:
                names.pop(str(number), None)
                continue
            name = new_shard_name(number, loaded.database)
            durable.write_atomically(self.folder / name, writer.finish())
            names[str(number)] = name
        meta = loaded.meta
        meta["shards"] = dict(sorted(names.items(), key=lambda kv: int(kv[0])))
        meta.pop("journal_applied", None)
        if loaded.token is not None:
            meta["journal_applied"] = loaded.token
        note = None
        if loaded.rejected:
            # Kept before the journal can go, so no entry is ever lost.
            note = self._keep_rejected(loaded.rejected)
        sig = durable.write_atomically(self.path, serialize(loaded.index),
                                       backup=self.backup_path)
        loaded.digest_checked = True  # serialize recorded the digest of what it wrote
        # Only now that the database holds the journal's entries may it go.
        self.journal.remove()
        self._remove_unnamed(loaded.database, set(names.values()) | previous)
        if loaded.assessments:
            migrated, loaded.assessments = loaded.assessments, None
            self._write_assessments(migrated, loaded, on_disk=True)
        shards = txn.shards()
        shards.update({n: r for n, r in loaded.shards.items() if n not in shards})
        for number in txn.streams:  # not held in memory: read again when needed
            shards.pop(number, None)
        self._cache = Loaded((sig, None), loaded.index, SCHEMA_VERSION, shards=shards,
                             checked=set(shards), index_checked=True, digest_checked=True)
        return note

    def _remove_unnamed(self, database: str, keep: set[str]) -> None:
        """Delete this database's shard files that neither the index nor its backup names
        (superseded ones, and those a killed writer left before its commit)."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if shard_owner(entry.name) == database and entry.name not in keep:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def append_entry(self, entry: dict[str, Any], what: str) -> None:
        """Append one journal entry durably, under the lock, and apply it to our cached
        view (so the next read need not re-read the files).

        ``what`` names the entry for the message when it could not be saved.
        """
        self._append(lambda loaded: entry, what)

    def append_to_shard(self, deal_id: str, build: Callable[[Records], dict[str, Any]],
                        what: str) -> dict[str, Any] | None:
        """Append the journal entry ``build`` makes from ``deal_id``'s interviews as they
        are now (its shard's records, journal applied), under the lock; return it.

        None, with nothing appended, when no deal has exactly this id or the file is an
        older version that only a full write brings up to date.
        """
        def make(loaded: Loaded) -> dict[str, Any] | None:
            if loaded.version < SCHEMA_VERSION:
                return None
            if "deals" not in loaded.index:  # the light view: that deal's record alone
                if self.deal_record(deal_id) is None:
                    return None
            elif deal_id not in self._deals_by_id(loaded):
                return None
            entry = build(self._shard_under_lock(loaded, shard_of(deal_id,
                                                                  loaded.shard_count)))
            return {**entry, "database": loaded.database}

        return self._append(make, what, light=True)

    def _append(self, make: Callable[[Loaded], dict[str, Any] | None], what: str,
                light: bool = False) -> dict[str, Any] | None:
        """Append the entry ``make`` builds from the database as it is, under the lock.

        ``light``: ``make`` can build it from the index's light view (``_light``), as
        an interview's start can, so a team's index is not parsed before the first
        question; when that view cannot tell, the whole read decides.
        """
        try:
            with durable.exclusive_lock(self.path, self.lock_timeout):
                view = self._light() if light else None
                loaded = view[0] if view is not None else self._load(for_write=False)
                entry = make(loaded)
                if view is not None:
                    # The light view goes, with any shard ``make`` read into it: the entry
                    # about to be written makes it out of date.
                    self._light_view = None
                    if entry is None:  # it could not tell: the whole read decides
                        loaded = self._load(for_write=False)
                        entry = make(loaded)
                if entry is None:
                    return None
                if loaded.stale_journal:
                    # Its entries are in the index: new ones must not share its token.
                    self.journal.remove()
                    loaded.stale_journal = False
                if loaded.token is None:
                    loaded.lines = 1
                raw = orjson.dumps(entry)
                loaded.token = self.journal.append(raw)
                loaded.lines += 1
                rejected = len(loaded.rejected)
                self._take_entry(loaded, loaded.lines, raw, entry)
                if self._cache is loaded and len(loaded.rejected) == rejected:
                    loaded.sigs = self._signatures()
                else:  # a light view, or its deal was removed meanwhile (the next read says so)
                    self._cache = None
                return entry
        except OSError as exc:
            self._cache = None
            raise StorageError(durable.fault_message(
                exc, self.journal.path, f"{what} was not saved (the earlier ones are)"
            )) from None

    def _say(self, message: str) -> None:
        if self._warn is not None and message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    def _keep_rejected(self, rejected: list[Rejected]) -> str:
        kept = self.journal.reject([r.raw for r in rejected])
        return (f"{counted(len(rejected), 'journal entry', 'journal entries')} could not be "
                f"applied ({reasons(rejected)}) and {'was' if len(rejected) == 1 else 'were'} "
                f"moved to {kept}")

    def _check_index(self, loaded: Loaded) -> None:
        """Refuse an index holding a deal that a read would refuse: a write must never
        carry a damaged record along into a new version of the file.

        Every write checks the deals it writes, and records the digest of their bytes: while
        the file's deals are those bytes, building 10,000 deals again would only cost time.
        """
        if not loaded.index_checked and loaded.raw is not None:
            stored = deals_bytes(loaded.raw, loaded.index["meta"])
            loaded.index_checked = loaded.digest_checked = (
                stored is not None and digest_matches(loaded.meta.get("deals_digest"), stored))
            loaded.raw = None
        if not loaded.index_checked:
            for doc in loaded.index.get("deals", {}).values():
                deal_from_doc(doc, self.path)
            loaded.index_checked = True

    def _check_shard(self, loaded: Loaded, number: int, where: Path) -> None:
        if number not in loaded.checked:
            for doc in loaded.shards[number].values():
                interview_from_doc(doc, where, read_answer=check_answer_doc)
            loaded.checked.add(number)

    # --- reads -------------------------------------------------------------------------

    def snapshot(self) -> TinyDB:
        """A read-only view of the index (meta and deals) as it is now (no lock: writes
        are atomic)."""
        data = self._read().index
        return TinyDB(storage=lambda *_: _Snapshot(data))

    def _read(self) -> Loaded:
        loaded = self._load(for_write=False)
        self._warn_rejected(loaded)
        return loaded

    def deal_record(self, deal_id: str) -> dict[str, Any] | None:
        """The stored record of the deal whose id is ``deal_id``, read without parsing
        the other deals (a team's index holds thousands); None when this quick way cannot
        tell, and the caller reads the whole index, which says what is wrong if anything."""
        light = self._light()
        if light is None:
            return None
        _, raw, start, stop = light
        doc = deal_record(raw, start, stop, deal_id)
        if (not isinstance(doc, dict) or doc.get("id") != deal_id
                or shape_problem({"deals": {"1": doc}}) is not None):
            return None
        return doc

    def _light(self) -> tuple[Loaded, bytes, int, int] | None:
        """The index's meta (and any other small table) parsed, and its deals' bytes
        checked against their digest but not parsed, with where they lie in the file's
        bytes: enough for one deal's record and shards.

        None whenever the whole read is needed or as cheap: our own view is current, there
        is no file, it is of an older schema or not as ``serialize`` writes it, a journal
        is to be applied (its entries change revisions and may be warned of), the file is
        small, or the deals' bytes are not those a write checked and fingerprinted. A read
        of the whole index then refuses anything damaged, as before.
        """
        sigs = self._signatures()
        if (sigs[0] is None or sigs[0][1] < _LIGHT_FROM_BYTES or sigs[1] is not None
                or self._cache_is_current()):
            return None
        if self._light_view is not None and self._light_view[0].sigs == sigs:
            return self._light_view
        self._light_view = None
        raw = durable.read_bytes(self.path)
        parts = split_index(raw) if raw is not None else None
        if raw is None or parts is None:
            return None
        head, start, stop = parts
        meta = head.get("meta") if isinstance(head, dict) else None
        if (not isinstance(meta, dict) or not isinstance(meta.get("1"), dict)
                or meta["1"].get("schema_version") != SCHEMA_VERSION
                or shape_problem(head) is not None):
            return None
        loaded = Loaded(sigs, head, SCHEMA_VERSION)
        if (self._index_problem(loaded) is not None
                or not digest_matches(loaded.meta.get("deals_digest"),
                                      memoryview(raw)[start:stop])):
            return None
        self._light_view = (loaded, raw, start, stop)
        return self._light_view

    def _warn_rejected(self, loaded: Loaded) -> None:
        if loaded.rejected:
            self._say(f"{counted(len(loaded.rejected), 'journal entry', 'journal entries')} "
                      f"of {self.journal.path} cannot be applied ({reasons(loaded.rejected)})"
                      f"; left out here, and moved to {self.journal.rejected_path} by the "
                      "next change")

    def interview_docs(self, deal_ids: Collection[str] | None = None
                       ) -> Iterator[dict[str, Any]]:
        """The stored interviews of ``deal_ids`` (of every deal if None), reading only
        the shards that hold them."""
        for _ in range(_READ_ATTEMPTS):
            # Some deals' interviews need the shards' names, not every deal's record.
            light = None if deal_ids is None else self._light()
            loaded = light[0] if light is not None else self._read()
            count_ = loaded.shard_count
            numbers = (range(count_) if deal_ids is None
                       else sorted({shard_of(d, count_) for d in deal_ids}))
            try:
                shards = [self._shard(loaded, n) for n in numbers]
            except _ShardGone:
                self._cache = self._light_view = None
                continue
            self._warn_rejected(loaded)
            wanted = None if deal_ids is None else set(deal_ids)
            for records in shards:
                for doc in records.values():
                    if wanted is None or doc.get("deal") in wanted:
                        yield doc
            return
        raise DatabaseError(f"database {self.path} is damaged: an interview file it names "
                            f"in {self.folder} is missing; the files were not changed")

    def interview_batches(self, deal_ids: Collection[str]
                          ) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
        """``deal_ids`` shard by shard, each with its stored interviews; a shard read for
        this is not kept, so going through a whole team's interviews holds one shard."""
        loaded = self._read()
        by_shard: dict[int, list[str]] = {}
        for deal_id in deal_ids:
            by_shard.setdefault(shard_of(deal_id, loaded.shard_count), []).append(deal_id)
        for number, ids in sorted(by_shard.items()):
            wanted = set(ids)
            try:
                records = self._shard(loaded, number, keep=False)
            except _ShardGone:  # writers replaced it meanwhile: read it the careful way
                yield ids, list(self.interview_docs(ids))
                continue
            yield ids, [doc for doc in records.values() if doc.get("deal") in wanted]

    def _load(self, for_write: bool) -> Loaded:
        """The index with the journal's bumps applied (shards come on demand)."""
        sigs = self._signatures()
        if sigs[0] is not None and self._cache is not None and self._cache.sigs == sigs:
            return self._cache
        raw = durable.read_bytes(self.path)
        if raw is None:
            loaded = Loaded(sigs, {"meta": {"1": {"schema_version": SCHEMA_VERSION,
                                                  "shard_count": SHARD_COUNT,
                                                  "database": new_database_id()}},
                                   "deals": {}}, SCHEMA_VERSION)
        else:
            data = self._parse(raw)
            version = schema_version(data, self.path)
            if version < SCHEMA_VERSION:
                if for_write:
                    self._keep_original(raw, version)
                parts = split(migrate(data, version, self.clock()) if version < 1 else data)
                loaded = Loaded(sigs, parts.index, version, assessments=parts.assessments,
                                shards={n: parts.shards.get(n, {})
                                        for n in range(SHARD_COUNT)})
            else:
                loaded = Loaded(sigs, data, version, raw=raw)
                problem = self._index_problem(loaded)
                if problem:
                    raise DatabaseError(f"database {self.path} is damaged: {problem}; "
                                        f"{self._recovery()}")
        self._apply_journal(loaded)
        # An old file is not cached: it stays the old version on disk until a write, and
        # the write must see that to keep the original.
        if sigs[0] is not None and loaded.version == SCHEMA_VERSION:
            self._cache = loaded
        return loaded

    @staticmethod
    def _index_problem(loaded: Loaded) -> str | None:
        if "interviews" in loaded.index:
            return "it holds interviews, which version 2 keeps in shard files"
        count_ = loaded.meta.get("shard_count", SHARD_COUNT)
        if type(count_) is not int or not 0 < count_ <= 4096:
            return f"its shard count is {count_!r}"
        database = loaded.meta.get("database")
        if not isinstance(database, str) or shard_owner(f"interviews-{database}-00-"
                                                        "00000000.z") != database:
            return f"its database id is {database!r}"
        names = loaded.meta.get("shards", {})
        if not isinstance(names, dict) or not all(
                isinstance(k, str) and k.isdigit() and int(k) < count_
                and isinstance(v, str) and shard_owner(v) == database
                for k, v in names.items()):
            return "its list of interview files is not one"
        return None

    def _apply_journal(self, loaded: Loaded) -> None:
        """Apply the journal's entries: revision bumps now, answers when (or as soon as)
        their shard is read; entries that cannot be applied are set aside."""
        token, entries = self.journal.read()
        if token is None:
            return
        if loaded.meta.get("journal_applied") == token:
            loaded.stale_journal = True
            return
        loaded.token = token
        loaded.lines = 1 + len(entries)
        for number, raw in enumerate(entries, start=2):
            try:
                entry = journal_entry(raw)
            except UnfitEntry as exc:
                loaded.rejected.append(Rejected(number, raw, str(exc)))
                continue
            self._take_entry(loaded, number, raw, entry)

    def _take_entry(self, loaded: Loaded, number: int, raw: bytes,
                    entry: dict[str, Any]) -> None:
        if entry.get("database", loaded.database) != loaded.database:
            # A journal left beside an index that was moved away: its interviews are not
            # this database's.
            loaded.rejected.append(Rejected(number, raw, "written for another database"))
            return
        deal_id = deal_of_entry(entry)
        shard = shard_of(deal_id, loaded.shard_count)
        loaded.journaled.add(shard)
        if shard in loaded.shards:
            try:
                apply_entry(loaded.shards[shard], self._by_id(loaded, shard), entry)
            except UnfitEntry as exc:
                loaded.rejected.append(Rejected(number, raw, str(exc)))
                return
        else:
            loaded.pending.setdefault(shard, []).append((number, raw, entry))
        # Entries are applied once per version of the database (the journal token sees
        # to that), so the revision a reader computes is the same on every read.
        deals = self._deals_by_id(loaded)
        if deal_id in deals:
            bump(deals[deal_id])

    @staticmethod
    def _deals_by_id(loaded: Loaded) -> dict[str, dict[str, Any]]:
        """The index's deal records by id (built once per version read)."""
        if loaded.deals_by_id is None:
            loaded.deals_by_id = {doc.get("id", ""): doc
                                  for doc in loaded.index.get("deals", {}).values()}
        return loaded.deals_by_id

    @staticmethod
    def _by_id(loaded: Loaded, number: int) -> dict[str, dict[str, Any]]:
        records = loaded.shards[number]
        by_id = loaded.by_id.get(number)
        if by_id is None or len(by_id) != len(records):
            by_id = {doc.get("id", ""): doc for doc in records.values()}
            loaded.by_id[number] = by_id
        return by_id

    def _shard(self, loaded: Loaded, number: int, keep: bool = True) -> Records:
        """Shard ``number`` of this version, read now if it was not (and kept with it if
        ``keep``); raises _ShardGone when writers removed it meanwhile."""
        if number in loaded.shards:
            return loaded.shards[number]
        name = loaded.shard_names().get(str(number))
        records: Records = {}
        if name is not None:
            path = self.folder / name
            raw = durable.read_bytes(path)
            if raw is None:
                raise _ShardGone(name)
            records = self._parse_shard(raw, path)
        if not keep:
            by_id = {doc.get("id", ""): doc for doc in records.values()}
            for _, _, entry in loaded.pending.get(number, []):
                with contextlib.suppress(UnfitEntry):  # said when the shard is kept
                    apply_entry(records, by_id, entry)
            return records
        loaded.shards[number] = records
        for line, raw_entry, entry in loaded.pending.pop(number, []):
            try:
                apply_entry(records, self._by_id(loaded, number), entry)
            except UnfitEntry as exc:
                loaded.rejected.append(Rejected(line, raw_entry, str(exc)))
        return records

    def _shard_under_lock(self, loaded: Loaded, number: int) -> Records:
        """A shard for a transaction: nobody can remove it meanwhile, so a missing one is
        damage; checked as a write must check what it carries."""
        try:
            records = self._shard(loaded, number)
        except _ShardGone as gone:
            raise DatabaseError(f"database {self.path} is damaged: its interview file "
                                f"{self.folder / str(gone)} is missing; "
                                f"{self._recovery()}") from None
        name = loaded.shard_names().get(str(number))
        self._check_shard(loaded, number, self.folder / name if name else self.path)
        return records

    def _recovery(self) -> str:
        return (f"the file was not changed. The previous version is kept as "
                f"{self.backup_path} if it exists: copy it over {self.path.name} to "
                f"recover, or move {self.path.name} away to start afresh")

    def _parse(self, raw: bytes) -> Data:
        recovery = self._recovery()
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

    def _parse_shard(self, raw: bytes, path: Path) -> Records:
        try:
            data = decode_shard(raw)
        except (ValueError, orjson.JSONDecodeError) as exc:
            problem: str | None = f"cannot be read ({exc})"
        else:
            problem = shape_problem(data)
            if problem is None and set(data) != {"interviews"}:
                problem = "it holds more than interviews"
        if problem:
            raise DatabaseError(f"database {self.path} is damaged: its interview file {path} "
                                f"{problem}; {self._recovery()}")
        records: Records = data["interviews"]
        return records

    def _keep_original(self, raw: bytes, version: int) -> None:
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        # An existing copy is the original of an earlier migration: keep it. Anything else
        # there (a link) is replaced, never written through.
        if backup.is_symlink() or not backup.exists():
            durable.write_atomically(backup, raw)

    # --- stored assessments (a cache: written on their own, never with the index) ------

    def stored_assessments(self, loaded: Loaded) -> StoredAssessments:
        """The stored assessments file (a damaged, missing or older one is an empty
        cache)."""
        if loaded.assessments is not None:
            return stored_by_number(loaded.assessments)
        return self._stored(assessments_path(self.path), loaded)

    def stored_shortlist(self, loaded: Loaded) -> StoredAssessments:
        """The stored assessments of the deals the last save's shortlist chose (see
        ``Shortlist``); an empty cache when there is none."""
        return self._stored(shortlist_path(self.path), loaded)

    def _stored(self, path: Path, loaded: Loaded) -> StoredAssessments:
        raw = None
        with contextlib.suppress(OSError, DatabaseError):
            raw = durable.read_bytes(path)
        if raw is not None:
            with contextlib.suppress(ValueError, TypeError, KeyError, orjson.JSONDecodeError):
                return read_assessments(raw, loaded.database)
        return StoredAssessments({}, [], {})

    def _write_assessments(self, assessments: Assessments, loaded: Loaded,
                           on_disk: bool, shortlist: Shortlist | None = None) -> int:
        """Replace the stored assessments with ``assessments`` (deal id -> (revision,
        assessment)) and those already stored of the deals not among them, leaving out any
        of a deal gone or at another revision; return how many of ``assessments`` were
        stored. Hold the lock.

        ``on_disk``: ``loaded`` is the index as it is on disk (no journal waiting to be
        folded in). The file then names that index's deals, by the digest of their bytes,
        when it holds an assessment of every open deal: a listing can trust it without
        reading them. In the order given: a quick listing finds the deals it shows in one
        pass over the index when they come in its order.

        With a ``shortlist``, when the file names the index's deals and every open deal's
        assessment is among ``assessments``, the ones it chooses are also saved apart, in
        the index's order, with its summary.
        """
        deals = loaded.index.get("deals", {}).values()
        revisions: dict[Any, Any] = {doc.get("id"): doc.get("revision", 0) for doc in deals}
        kept = {deal_id: (revision, assessment)
                for deal_id, (revision, assessment) in assessments.items()
                if revisions.get(deal_id, -1) == revision}
        given = len(kept)
        given_ids = set(kept)
        if len(kept) < len(revisions):
            # Those a listing did not cover (archived deals, left out unless asked for)
            # are carried along while they hold.
            before = self.stored_assessments(loaded)
            for deal_id, revision in before.revisions.items():
                if (deal_id not in kept and revisions.get(deal_id, -1) == revision):
                    with contextlib.suppress(TypeError, IndexError):
                        kept[deal_id] = (revision, before.assessment(deal_id))
        archived = {doc.get("id", "") for doc in deals if doc.get("archived")}
        covers = (on_disk and loaded.digest_checked
                  and all(deal_id in kept or deal_id in archived for deal_id in revisions))
        saved_against = loaded.meta.get("deals_digest") if covers else None
        if not isinstance(saved_against, str):
            saved_against = None
        # Only the caller's own assessments, at the index's revisions: its summary says
        # nothing of one carried along (saved meanwhile by another listing, perhaps on
        # other rules).
        shortlisted = (saved_against is not None and shortlist is not None
                       and all(d in given_ids for d in revisions if d not in archived))
        if shortlisted:
            assert shortlist is not None
            chosen = {deal_id: kept[deal_id] for deal_id in revisions
                      if deal_id not in archived and shortlist.chosen(kept[deal_id][1])}
            # Before the file that says it was saved: a crash between the two leaves the
            # older file, which names no shortlist.
            durable.write_atomically(shortlist_path(self.path), encode_assessments(
                stored_by_number(chosen, saved_against, summary=shortlist.summary),
                loaded.database))
        stored = stored_by_number(kept, saved_against, shortlisted=shortlisted)
        durable.write_atomically(assessments_path(self.path),
                                 encode_assessments(stored, loaded.database))
        return given


def writable(path: Path) -> bool:
    """Whether we may write the database at all (its folder, and the file if it exists)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
