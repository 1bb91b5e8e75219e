"""The one place that reads and writes the database.

The database is a TinyDB file (tables ``meta``, ``deals`` and ``interviews``), but
TinyDB's stock JSON storage rewrites the file in place with no lock, so a kill at the wrong
moment leaves a file that no longer parses. Here TinyDB works on an in-memory snapshot
inside a transaction; the transaction holds the cross-process lock, reads the file fresh
(or reuses our own last version when the file is unchanged), and writes once, atomically
(see ``qualicoach.storage.durable``).

Two additions keep a large database quick:

- single answers go to an fsynced journal beside the file (``durable.Journal``) and are
  folded in by the next full write, so an interview never rewrites the whole file;
- the file starts with the byte range of the deals table (``serialize``), so a listing
  parses the deals alone.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from qualicoach.domain.answer import Answer, answer_from_doc, answer_to_doc, check_answer_doc
from qualicoach.domain.deal import Change, Contact, Deal, deal_to_data, slugify
from qualicoach.errors import (
    AmbiguousError,
    DatabaseError,
    InvalidValueError,
    NotFoundError,
    QualicoachError,
    StorageError,
)
from qualicoach.storage import durable

SCHEMA_VERSION = 1
Clock = Callable[[], datetime]
Data = dict[str, dict[str, dict[str, Any]]]
Signatures = tuple[durable.Signature | None, durable.Signature | None]
InterviewStatus = Literal["in_progress", "finished", "interrupted"]
INTERVIEW_STATUSES: tuple[InterviewStatus, ...] = ("in_progress", "finished", "interrupted")
Warn = Callable[[str], None]


@dataclass(frozen=True)
class _Rejected:
    """A journal entry that cannot be folded into the database, and why."""

    line: int
    raw: bytes
    reason: str


@dataclass(frozen=True)
class _Loaded:
    """One view of the files: the data with the journal applied, the token of a journal
    still to fold in, and the journal entries that could not be applied."""

    sigs: Signatures
    data: Data
    token: str | None
    rejected: tuple[_Rejected, ...] = ()


@dataclass(frozen=True)
class Listed:
    """A deal as stored (read-only fields), its revision and its stored assessment."""

    fields: Mapping[str, Any]
    revision: int
    assessment: Mapping[str, Any] | None


@dataclass(frozen=True)
class Interview:
    """One run of one or more frameworks for one deal, and the answers given in it."""

    id: str
    deal_id: str
    frameworks: dict[str, str]  # framework id -> version asked
    started: datetime
    status: InterviewStatus = "in_progress"
    ended: datetime | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    # A customer's self-assessment reply rather than the rep's interview: who answered
    # (a stakeholder of the deal) and the reply's fingerprint, so importing it twice is
    # noticed. Their answers stand beside the rep's, never over them.
    respondent: str = ""
    reply: str = ""


def utc_now() -> datetime:
    """The current time, in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


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


class Store:
    """Deals and interviews in one TinyDB file that never loses an answer.

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
        self._cache: _Loaded | None = None
        # The data whose every record a read accepts: checked once per version of the file.
        self._checked: Data | None = None
        # Interview records of the cached data by id, so recording an answer is O(1); the
        # index belongs to the data it was built from.
        self._index: tuple[Data, _Index] | None = None
        self.journal = durable.Journal(self.path.with_name(self.path.name + ".journal"))

    @property
    def backup_path(self) -> Path:
        """Where the previous version of the database is kept."""
        return self.path.with_name(self.path.name + ".bak")

    def _signatures(self) -> Signatures:
        return durable.signature(self.path), durable.signature(self.journal.path)

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
                        self._cache = _Loaded((sig, None), storage.data, None)
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

    def _say(self, message: str) -> None:
        if self._warn is not None and message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    def _keep_rejected(self, rejected: tuple[_Rejected, ...]) -> str:
        kept = self.journal.reject([r.raw for r in rejected])
        return (f"{_count(len(rejected), 'journal entry', 'journal entries')} could not be "
                f"applied ({_reasons(rejected)}) and {'was' if len(rejected) == 1 else 'were'} "
                f"moved to {kept}")

    def _check_records(self, data: Data) -> None:
        """Refuse data holding a record that a read would refuse: a write must never carry
        a damaged record along into a new version of the file."""
        if self._checked is data:
            return
        for doc in data.get("deals", {}).values():
            _deal_from_doc(doc, self.path)
        for doc in data.get("interviews", {}).values():
            _interview_from_doc(doc, self.path, read_answer=check_answer_doc)
        self._checked = data

    def snapshot(self) -> TinyDB:
        """A read-only view of the database as it is now (no lock: writes are atomic)."""
        data = self._read()
        return TinyDB(storage=lambda *_: _Snapshot(data))

    def _read(self) -> Data:
        loaded = self._load(for_write=False)
        if loaded.rejected:
            self._say(f"{_count(len(loaded.rejected), 'journal entry', 'journal entries')} "
                      f"of {self.journal.path} cannot be applied ({_reasons(loaded.rejected)})"
                      f"; left out here, and moved to {self.journal.rejected_path} by the "
                      "next change")
        return loaded.data

    def _load(self, for_write: bool) -> _Loaded:
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
            version = _schema_version(data, self.path)
        if version < SCHEMA_VERSION:
            if for_write and raw is not None:
                self._keep_original(raw, version)
            # Not cached: the file on disk is still the old version until a write, and the
            # write must see that to keep the original.
            data = migrate(data, version, self.clock())
        token, rejected = self._apply_journal(data)
        loaded = _Loaded(sigs, data, token, tuple(rejected))
        if sigs[0] is not None and version == SCHEMA_VERSION:
            self._cache = loaded
        return loaded

    def _apply_journal(self, data: Data) -> tuple[str | None, list[_Rejected]]:
        """Apply the journal's entries that hold; return its token and the others."""
        token, entries = self.journal.read()
        if token is None or data["meta"]["1"].get("journal_applied") == token:
            return None, []
        index = _Index(data)
        rejected = []
        for number, raw in enumerate(entries, start=2):
            try:
                _apply_entry(data, _journal_entry(raw), index)
            except _Unfit as exc:
                rejected.append(_Rejected(number, raw, str(exc)))
        return token, rejected

    def _parse(self, raw: bytes) -> Data:
        recovery = (f"the file was not changed. The previous version is kept as "
                    f"{self.backup_path} if it exists: copy it over {self.path.name} to "
                    f"recover, or move {self.path.name} away to start afresh")
        if not raw.strip():
            raise DatabaseError(f"database {self.path} is empty (0 bytes); {recovery}")
        try:
            data: Data = _loads_without_gc(raw)
        except orjson.JSONDecodeError as exc:
            raise DatabaseError(f"database {self.path} is damaged: not valid JSON at line "
                                f"{exc.lineno}, column {exc.colno} ({exc.msg}); "
                                f"{recovery}") from None
        problem = _shape_problem(data)
        if problem:
            raise DatabaseError(f"database {self.path} is damaged: {problem}; {recovery}")
        return data

    def _keep_original(self, raw: bytes, version: int) -> None:
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        # An existing copy is the original of an earlier migration: keep it. Anything else
        # there (a link) is replaced, never written through.
        if backup.is_symlink() or not backup.exists():
            durable.write_atomically(backup, raw)

    # --- deals -----------------------------------------------------------------------------

    def deals(self, include_archived: bool = False) -> list[Deal]:
        """Every deal, oldest first; archived ones only when asked for."""
        table = self.snapshot().table("deals")
        deals = [_deal_from_doc(doc, self.path) for doc in table.all()]
        return [d for d in deals if include_archived or not d.archived]

    def deal(self, ref: str) -> Deal:
        """The deal that ``ref`` names: its id, or an unambiguous name or id prefix."""
        return resolve_deal(self.deals(include_archived=True), ref)

    def add_deal(self, name: str, **fields: Any) -> Deal:
        """Create a deal with a new short id and return it."""
        _check_fields(fields)
        with self.transaction() as db:
            table = db.table("deals")
            taken = {doc.get("id") for doc in table.all()}
            base = slugify(name)
            deal_id, n = base, 1
            while deal_id in taken:
                n += 1
                deal_id = f"{base}-{n}"
            now = self.clock()
            deal = Deal(id=deal_id, name=name, created=now, updated=now, **fields)
            table.insert(_deal_to_doc(deal))
        return deal

    def edit_deal(self, ref: str, add_tags: tuple[str, ...] = (),
                  remove_tags: tuple[str, ...] = (), **changes: Any) -> Deal:
        """Change a deal's fields; changes to amount, stage and close date are recorded.

        Tags are added and removed against the deal as stored, inside the transaction, so
        two people tagging at once both keep their tags.
        """
        _check_fields(changes)

        def change(deal: Deal) -> Deal:
            fields = dict(changes)
            if add_tags or remove_tags:
                fields["tags"] = tuple(t for t in dict.fromkeys((*deal.tags, *add_tags))
                                       if t not in remove_tags)
            return deal.with_changes(fields, self.clock())

        return self._update(ref, change)

    def archive_deal(self, ref: str, archived: bool = True) -> Deal:
        """Archive (or restore) a deal: archived deals leave the lists, not the database."""
        return self._update(ref, lambda deal: deal.with_changes({"archived": archived},
                                                                self.clock()))

    def remove_deal(self, ref: str) -> Deal:
        """Delete a deal for good."""
        with self.transaction() as db:
            table = db.table("deals")
            deal = resolve_deal([_deal_from_doc(d, self.path) for d in table.all()], ref)
            table.remove(Query().id == deal.id)
            db.table("interviews").remove(Query().deal == deal.id)
        return deal

    def add_contact(self, ref: str, contact: Contact) -> Deal:
        """Add a stakeholder to a deal, or update the one with the same name."""
        def change(deal: Deal) -> Deal:
            others = tuple(c for c in deal.contacts if c.name.casefold() != contact.name.casefold())
            return deal.with_changes({"contacts": (*others, contact)}, self.clock())
        return self._update(ref, change)

    def remove_contact(self, ref: str, name: str) -> Deal:
        """Remove a stakeholder, by name (case-insensitive)."""
        def change(deal: Deal) -> Deal:
            kept = tuple(c for c in deal.contacts if c.name.casefold() != name.casefold())
            if len(kept) == len(deal.contacts):
                names = ", ".join(c.name for c in deal.contacts) or "none"
                raise NotFoundError(f"deal '{deal.id}' has no contact '{name}' (contacts: {names})")
            return deal.with_changes({"contacts": kept}, self.clock())
        return self._update(ref, change)

    def insert_many(self, deals: list[Deal], interviews: list[Interview],
                    sample: bool = False) -> None:
        """Add many deals and interviews in one write (demo data, imports).

        Deal ids must be new. ``sample`` marks the database as sample data, which
        ``qualicoach demo`` may replace.
        """
        with self.transaction() as db:
            table = db.table("deals")
            taken = {doc.get("id") for doc in table.all()}
            clashes = [d.id for d in deals if d.id in taken]
            if clashes or len({d.id for d in deals}) != len(deals):
                raise InvalidValueError("deal ids already used: "
                                        f"{', '.join(clashes[:5]) or 'twice'}")
            table.insert_multiple(_deal_to_doc(d) for d in deals)
            db.table("interviews").insert_multiple(_interview_to_doc(i) for i in interviews)
            if sample:
                db.table("meta").update({"sample": True}, doc_ids=[1])

    def plan_upsert(self, rows: Sequence[Mapping[str, Any]]) -> UpsertPlan:
        """What importing ``rows`` (deal fields) would create and change, writing nothing."""
        return _plan_upsert(self.deals(include_archived=True), rows, self.clock())

    def upsert(self, rows: Sequence[Mapping[str, Any]]) -> UpsertPlan:
        """Import deals: one matching by CRM id (or else by name and account) is updated,
        its tracked changes recorded; the others are created. All in one write."""
        _check_fields({k: v for row in rows for k, v in row.items()})
        with self.transaction() as db:
            table = db.table("deals")
            docs = {d["id"]: d for d in table.all()}
            plan = _plan_upsert([_deal_from_doc(d, self.path) for d in docs.values()], rows,
                                self.clock())
            changed = {deal.id: {**_deal_to_doc(deal),
                                 "revision": docs[deal.id].get("revision", 0) + 1}
                       for deal in plan.updated}

            def apply(doc: MutableMapping[str, Any]) -> None:
                doc.update(changed[doc["id"]])

            if changed:
                table.update(apply, doc_ids=[docs[i].doc_id for i in changed])
            table.insert_multiple(_deal_to_doc(d) for d in plan.created)
        return plan

    def is_sample(self) -> bool:
        """True for a database ``qualicoach demo`` filled."""
        meta = self.snapshot().table("meta").get(doc_id=1)
        return bool(meta and meta.get("sample"))

    def counts(self) -> tuple[int, int]:
        """How many deals and interviews the database holds."""
        db = self.snapshot()
        return len(db.table("deals")), len(db.table("interviews"))

    # --- interviews -------------------------------------------------------------------------

    def start_interview(self, deal_id: str, frameworks: Mapping[str, str]) -> Interview:
        """Open a new interview of ``frameworks`` (id -> version) for a deal."""
        with self.transaction() as db:
            deals = [_deal_from_doc(d, self.path) for d in db.table("deals").all()]
            deal = resolve_deal(deals, deal_id)
            table = db.table("interviews")
            taken = {doc["id"] for doc in table.search(Query().deal == deal.id)}
            number = len(taken) + 1
            while f"{deal.id}#{number}" in taken:  # numbers freed by nothing, but be sure
                number += 1
            interview = Interview(id=f"{deal.id}#{number}", deal_id=deal.id,
                                  frameworks=dict(frameworks), started=self.clock())
            table.insert(_interview_to_doc(interview))
            self._bump_deal(db, deal.id)
        return interview

    def record_answer(self, interview_id: str, key: str, answer: Answer) -> None:
        """Durably record one answer (appended to the journal: fast on any size)."""
        entry = {"op": "answer", "interview": interview_id, "key": key,
                 "answer": answer_to_doc(answer)}
        try:
            with durable.exclusive_lock(self.path, self.lock_timeout):
                cache = self._cache
                cache_valid = cache is not None and cache.sigs == self._signatures()
                token = self.journal.append(orjson.dumps(entry))
                if cache is not None and cache_valid:
                    if self._index is None or self._index[0] is not cache.data:
                        self._index = (cache.data, _Index(cache.data))
                    try:
                        _apply_entry(cache.data, entry, self._index[1])
                    except _Unfit:  # its deal was removed meanwhile: the next write says so
                        self._cache = None
                    else:
                        self._cache = _Loaded(self._signatures(), cache.data, token,
                                              cache.rejected)
                else:
                    self._cache = None
        except OSError as exc:
            self._cache = None
            raise StorageError(durable.fault_message(
                exc, self.journal.path, "this answer was not saved (the earlier ones are)"
            )) from None

    def record_answers(self, interview_id: str, answers: Mapping[str, Answer]) -> None:
        """Record many answers at once, all or none (one database write)."""
        with self.transaction() as db:
            table = db.table("interviews")
            doc = table.get(Query().id == interview_id)
            if not isinstance(doc, dict):
                raise NotFoundError(f"no interview '{interview_id}'")
            merged = {**doc["answers"], **{k: answer_to_doc(a) for k, a in answers.items()}}
            table.update({"answers": merged}, Query().id == interview_id)
            self._bump_deal(db, doc["deal"])

    def add_reply(self, deal_id: str, respondent: str, reply: str,
                  frameworks: Mapping[str, str], answers: Mapping[str, Answer],
                  answered: datetime) -> tuple[Interview, bool]:
        """Keep a customer's self-assessment reply as its own finished interview, beside
        (never over) the rep's answers; returns it and whether it is new.

        Idempotent: a reply with the same fingerprint already kept for this deal and
        respondent is returned as it is, and nothing is written.
        """
        with self.transaction() as db:
            deals = [_deal_from_doc(d, self.path) for d in db.table("deals").all()]
            deal = resolve_deal(deals, deal_id)
            table = db.table("interviews")
            docs = table.search(Query().deal == deal.id)
            for doc in docs:
                if (doc.get("reply") == reply
                        and str(doc.get("respondent", "")).casefold() == respondent.casefold()):
                    return _interview_from_doc(doc, self.path), False
            taken = {doc["id"] for doc in docs}
            number = len(taken) + 1
            while f"{deal.id}#{number}" in taken:
                number += 1
            interview = Interview(id=f"{deal.id}#{number}", deal_id=deal.id,
                                  frameworks=dict(frameworks), started=answered,
                                  status="finished", ended=answered, answers=dict(answers),
                                  respondent=respondent, reply=reply)
            table.insert(_interview_to_doc(interview))
            self._bump_deal(db, deal.id)
        return interview, True

    def end_interview(self, interview_id: str, status: InterviewStatus) -> Interview:
        """Mark an interview finished or interrupted (and fold its answers in)."""
        with self.transaction() as db:
            table = db.table("interviews")
            if not table.contains(Query().id == interview_id):
                raise NotFoundError(f"no interview '{interview_id}'")
            table.update({"status": status, "ended": self.clock().isoformat()},
                         Query().id == interview_id)
            doc = table.get(Query().id == interview_id)
            assert isinstance(doc, dict)
            return _interview_from_doc(doc, self.path)

    def interviews(self, deal_id: str) -> list[Interview]:
        """A deal's interviews, oldest first."""
        table = self.snapshot().table("interviews")
        found = [_interview_from_doc(d, self.path) for d in table.search(Query().deal == deal_id)]
        return sorted(found, key=lambda i: i.started)

    def interviews_by_deal(self, deal_ids: Collection[str] | None = None
                           ) -> dict[str, list[Interview]]:
        """Every interview (of ``deal_ids`` only, if given), grouped by deal id, oldest
        first (one pass over the file)."""
        grouped: dict[str, list[Interview]] = {}
        for doc in self._read().get("interviews", {}).values():
            if deal_ids is not None and doc.get("deal") not in deal_ids:
                continue  # building the others would cost most of a listing after a change
            interview = _interview_from_doc(doc, self.path)
            grouped.setdefault(interview.deal_id, []).append(interview)
        for interviews in grouped.values():
            interviews.sort(key=lambda i: i.started)
        return grouped

    def latest_answers(self, deal_id: str) -> dict[str, Answer]:
        """The latest answer to every question ever answered for a deal."""
        latest: dict[str, Answer] = {}
        for interview in self.interviews(deal_id):
            latest.update(interview.answers)
        return latest

    @staticmethod
    def _bump_deal(db: TinyDB, deal_id: str) -> None:
        table = db.table("deals")
        doc = table.get(Query().id == deal_id)
        if isinstance(doc, dict):
            table.update({"revision": doc.get("revision", 0) + 1}, doc_ids=[doc.doc_id])

    # --- stored assessments (so listing many deals needs no rescoring) ----------------------

    def listing(self, include_archived: bool = False) -> list[Listed]:
        """Every deal's stored fields, revision and stored assessment, without parsing its
        interviews: what a pipeline listing needs."""
        sigs = self._signatures()
        cached = self._cache is not None and sigs[0] is not None and self._cache.sigs == sigs
        deals = None if cached else self._deals_only()
        if deals is None:
            # The records themselves, read-only: copying 10,000 of them into TinyDB
            # documents costs more than everything else a listing does.
            deals = self._read().get("deals", {})
        return [Listed(doc, doc.get("revision", 0), _assessment(doc))
                for doc in deals.values() if include_archived or not doc.get("archived")]

    def _deals_only(self) -> dict[str, dict[str, Any]] | None:
        """The deals table alone, read through the layout the file starts with, with the
        journal's revision bumps applied; None when the file does not allow it (written
        by something else, an older schema, anything unexpected), and the caller reads the
        whole file, which also reports any damage properly."""
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(_LAYOUT_HEAD + 32)
                if not head.startswith(LAYOUT_PREFIX):
                    return None
                start, end = (int(x) for x in
                              head[len(LAYOUT_PREFIX):_LAYOUT_HEAD].decode().split(":"))
                meta_end = start - len(_DEALS_KEY)
                handle.seek(0)
                meta_raw = handle.read(start)
                if meta_raw[meta_end:start] != _DEALS_KEY:
                    return None
                meta = orjson.loads(meta_raw[len(b'{"meta":'):meta_end])["1"]
                handle.seek(start)
                deals: dict[str, dict[str, Any]] = _loads_without_gc(handle.read(end - start))
        except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            return None
        if meta.get("schema_version") != SCHEMA_VERSION or _shape_problem({"deals": deals}):
            return None
        token, entries = self.journal.read()
        if token is not None and meta.get("journal_applied") != token:
            by_id = {doc.get("id"): doc for doc in deals.values()}
            for raw in entries:
                try:
                    deal_id = _journal_entry(raw)["interview"].rpartition("#")[0]
                except _Unfit:
                    return None  # the full read sets it aside and says so
                if deal_id in by_id:
                    _bump(by_id[deal_id])
        return deals

    def parse_deal(self, fields: Mapping[str, Any]) -> Deal:
        """The deal a listing's stored fields describe."""
        return _deal_from_doc(dict(fields), self.path)

    def save_assessments(self, assessments: Mapping[str, tuple[int, dict[str, Any]]]) -> int:
        """Keep assessments (deal id -> (revision it was made at, assessment)) for the next
        listing, if that can be done without waiting; returns how many were stored.

        A cache, and opportunistic: called by reads, it never fails them and never makes
        them wait. Nothing is stored when the database is read-only, the lock is held (a
        writer is busy), the disk is full or the file is damaged. One whose deal changed
        meanwhile (another revision) is dropped: it no longer holds.
        """
        if not assessments or not _writable(self.path):
            return 0
        try:
            with self.transaction(lock_timeout=0) as db:
                table = db.table("deals")
                still_current = [
                    doc.doc_id for doc in table.all()
                    if (wanted := assessments.get(doc.get("id", ""))) is not None
                    and doc.get("revision", 0) == wanted[0]
                ]

                def store_assessment(doc: MutableMapping[str, Any]) -> None:
                    doc["assessment"] = assessments[doc["id"]][1]

                # One pass: TinyDB rewrites the whole table on every update() call.
                if still_current:
                    table.update(store_assessment, doc_ids=still_current)
        except (QualicoachError, OSError):
            return 0
        return len(still_current)

    def _update(self, ref: str, change: Callable[[Deal], Deal]) -> Deal:
        with self.transaction() as db:
            table = db.table("deals")
            docs = {d["id"]: d for d in table.all()}
            deal = resolve_deal([_deal_from_doc(d, self.path) for d in docs.values()], ref)
            updated = change(deal)
            revision = docs[deal.id].get("revision", 0) + 1
            table.update({**_deal_to_doc(updated), "revision": revision}, Query().id == deal.id)
        return updated


@dataclass(frozen=True)
class UpsertPlan:
    """The outcome of an import: deals created, deals updated, rows that changed nothing."""

    created: tuple[Deal, ...]
    updated: tuple[Deal, ...]
    unchanged: int


def _plan_upsert(existing: Sequence[Deal], rows: Sequence[Mapping[str, Any]],
                 now: datetime) -> UpsertPlan:
    by_crm = {d.crm_id: d for d in existing if d.crm_id}
    by_name = {(d.name.casefold(), d.account.casefold()): d for d in existing}
    taken = {d.id for d in existing}
    created: dict[str, Deal] = {}
    updated: dict[str, Deal] = {}
    unchanged = 0
    for row in rows:
        crm_id = str(row.get("crm_id") or "")
        key = (str(row["name"]).casefold(), str(row.get("account", "")).casefold())
        match = by_crm.get(crm_id) if crm_id else by_name.get(key)
        if match is None and crm_id:
            match = by_name.get(key) if key in by_name and not by_name[key].crm_id else None
        if match is not None:
            # A deal created earlier in this same import is changed where it stands.
            target = created if match.id in created else updated
            current = target.get(match.id, match)
            changes = {k: v for k, v in row.items() if getattr(current, k) != v}
            if changes:
                target[match.id] = current.with_changes(changes, now)
            else:
                unchanged += 1
            continue
        base, n = slugify(str(row["name"])), 1
        deal_id = base
        while deal_id in taken:
            n += 1
            deal_id = f"{base}-{n}"
        taken.add(deal_id)
        deal = Deal(id=deal_id, created=now, updated=now, **row)
        created[deal_id] = deal
        if crm_id:
            by_crm[crm_id] = deal
        by_name[key] = deal
    return UpsertPlan(tuple(created.values()), tuple(updated.values()), unchanged)


def resolve_deal(deals: list[Deal], ref: str) -> Deal:
    """The deal ``ref`` names: an exact id, an exact name, or a unique prefix of either."""
    wanted = ref.strip().casefold()
    if not wanted:
        raise InvalidValueError("a deal id or name is needed")
    by_id = [d for d in deals if d.id == ref.strip()]
    by_name = [d for d in deals if d.name.casefold() == wanted]
    for found in (by_id, by_name):
        if len(found) == 1:
            return found[0]
    matches = [d for d in deals
               if d.id.startswith(wanted) or d.name.casefold().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no deal matches '{ref}'; 'qualicoach deals --all' lists them")
    shown = ", ".join(f"{d.id} ({d.name})" for d in matches[:10])
    more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
    raise AmbiguousError(f"'{ref}' matches {len(matches)} deals: {shown}{more}; give more of the "
                         "name or the id")


# --- the file format ---------------------------------------------------------------------

_DEAL_FIELDS = {"name", "account", "owner", "stage", "amount", "currency", "close_date",
                "next_step", "tags", "contacts", "archived", "crm_id", "close_reason"}


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - _DEAL_FIELDS
    if unknown:
        raise InvalidValueError(f"unknown deal field(s): {', '.join(sorted(unknown))}")


# The file starts with the byte range of the deals table, in a fixed-width field of the
# meta record, so a listing can read the deals alone (they are a tenth of a large file;
# the interviews are the rest). Still one valid JSON document, and a TinyDB database.
LAYOUT_PREFIX = b'{"meta":{"1":{"layout":"'
_LAYOUT_DIGITS = 13
_LAYOUT_HEAD = len(LAYOUT_PREFIX) + 2 * _LAYOUT_DIGITS + 1
_DEALS_KEY = b',"deals":'


def serialize(data: Data) -> bytes:
    """The database as JSON: meta (with the layout) first, then deals, then the rest."""
    meta = {k: v for k, v in data.get("meta", {}).get("1", {}).items() if k != "layout"}
    meta_body = orjson.dumps(meta)[1:-1]
    tail = b'"' + (b"," + meta_body if meta_body else b"") + b"}}"
    others = [k for k in data if k not in ("meta", "deals")]
    extra_meta = {k: v for k, v in data.get("meta", {}).items() if k != "1"}
    if extra_meta:  # records beyond the first are not ours; keep them, in the full form
        return orjson.dumps(data)
    deals = orjson.dumps(data.get("deals", {}))
    start = _LAYOUT_HEAD + len(tail) + len(_DEALS_KEY)
    layout = b"%0*d:%0*d" % (_LAYOUT_DIGITS, start, _LAYOUT_DIGITS, start + len(deals))
    parts = [LAYOUT_PREFIX, layout, tail, _DEALS_KEY, deals]
    for name in others:
        parts += [b",", orjson.dumps(name), b":", orjson.dumps(data[name])]
    parts.append(b"}")
    return b"".join(parts)


def _loads_without_gc(raw: bytes) -> Any:
    """Parse JSON with the cycle collector paused.

    Parsing creates millions of objects, and the collector would otherwise run over them
    again and again (more than half of the time for a 10,000-deal file). Parsed JSON holds
    no reference cycles, so nothing is left for the collector to find; ``gc.freeze`` then
    keeps later collections from walking all of them once more. Frozen objects are still
    freed by reference counting when the data is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(raw)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _schema_version(data: Data, path: Path) -> int:
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


def _shape_problem(data: Any) -> str | None:
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


def _deal_to_doc(deal: Deal) -> dict[str, Any]:
    return deal_to_data(deal)


def _deal_from_doc(doc: dict[str, Any], path: Path) -> Deal:
    try:
        close = doc.get("close_date")
        history = tuple(
            Change(h["field"], _revive(h["field"], h.get("old")), _revive(h["field"], h.get("new")),
                   datetime.fromisoformat(h["at"]))
            for h in doc.get("history", [])
        )
        return Deal(
            id=doc["id"], name=doc["name"], account=doc.get("account", ""),
            owner=doc.get("owner", ""), stage=doc.get("stage", "prospect"),
            amount=doc.get("amount"), currency=doc.get("currency", ""),
            close_date=date.fromisoformat(close) if close else None,
            next_step=doc.get("next_step", ""),
            contacts=tuple(Contact(c["name"], c.get("role", "unknown"), c.get("title", ""))
                           for c in doc.get("contacts", [])),
            tags=tuple(doc.get("tags", [])),
            created=datetime.fromisoformat(doc["created"]),
            updated=datetime.fromisoformat(doc["updated"]),
            archived=bool(doc.get("archived", False)),
            history=history, crm_id=str(doc.get("crm_id") or ""),
            close_reason=str(doc.get("close_reason") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"database {path} is damaged: deal '{doc.get('id')}' cannot be "
                            f"read ({type(exc).__name__}: {exc}); the file was not "
                            "changed") from None


class _Index:
    """Interview and deal records of one version of the data, by id."""

    def __init__(self, data: Data) -> None:
        self.interviews = {doc.get("id", ""): doc for doc in data.get("interviews", {}).values()}
        self.deals = {doc.get("id", ""): doc for doc in data.get("deals", {}).values()}


class _Unfit(Exception):
    """A journal entry that cannot be applied; the message says why."""


def _journal_entry(raw: bytes) -> dict[str, Any]:
    """A journal entry checked as a read would check the answer it holds (raises _Unfit)."""
    try:
        entry = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _Unfit("not valid JSON") from None
    if not isinstance(entry, dict) or entry.get("op") != "answer":
        raise _Unfit("not an answer entry")
    if not isinstance(entry.get("interview"), str) or not isinstance(entry.get("key"), str):
        raise _Unfit("names no interview or question")
    answer = entry.get("answer")
    if not isinstance(answer, dict):
        raise _Unfit("holds no answer")
    try:
        check_answer_doc(answer)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _Unfit(f"its answer cannot be read: {type(exc).__name__} {exc}") from None
    return entry


def _apply_entry(data: Data, entry: dict[str, Any], index: _Index | None = None) -> None:
    """Apply one checked journal entry (set an answer, bump the deal's revision); raise
    _Unfit when its interview is not there to take it.

    Entries are applied once per version of the database (the journal token sees to that),
    so the revision a reader computes is the same every time it reads the same files.
    """
    docs = index if index is not None else _Index(data)
    doc = docs.interviews.get(entry["interview"])
    if doc is None:
        # Its deal was removed meanwhile, or the entry is wrong: kept aside, not lost.
        raise _Unfit(f"interview {entry['interview']!r} is not in the database")
    if not isinstance(doc.get("answers"), dict):
        raise _Unfit(f"interview {entry['interview']!r} cannot take answers (damaged)")
    doc["answers"][entry["key"]] = entry["answer"]
    deal = docs.deals.get(doc.get("deal", ""))
    if deal is not None:
        _bump(deal)


def _bump(deal_doc: dict[str, Any]) -> None:
    """Mark a deal as changed: its stored assessment no longer holds."""
    deal_doc["revision"] = deal_doc.get("revision", 0) + 1


def _interview_to_doc(interview: Interview) -> dict[str, Any]:
    return {
        "id": interview.id, "deal": interview.deal_id, "frameworks": interview.frameworks,
        "started": interview.started.isoformat(), "status": interview.status,
        "ended": interview.ended.isoformat() if interview.ended else None,
        "answers": {k: answer_to_doc(a) for k, a in interview.answers.items()},
        **({"respondent": interview.respondent, "reply": interview.reply}
           if interview.respondent else {}),
    }


def _interview_from_doc(doc: dict[str, Any], path: Path,
                        read_answer: Callable[[dict[str, Any]], Any] = answer_from_doc
                        ) -> Interview:
    try:
        return Interview(
            id=doc["id"], deal_id=doc["deal"], frameworks=dict(doc["frameworks"]),
            started=datetime.fromisoformat(doc["started"]),
            status=_interview_status(doc["status"]),
            ended=datetime.fromisoformat(doc["ended"]) if doc.get("ended") else None,
            answers={k: read_answer(a) for k, a in doc["answers"].items()},
            respondent=str(doc.get("respondent") or ""), reply=str(doc.get("reply") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"database {path} is damaged: interview '{doc.get('id')}' cannot "
                            f"be read ({type(exc).__name__}: {exc}); the file was not "
                            "changed") from None


def _interview_status(value: Any) -> InterviewStatus:
    for status in INTERVIEW_STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown status {value!r}")


def _assessment(doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
    stored = doc.get("assessment")
    # A cache: a damaged one is recomputed, not a reason to refuse the deal.
    return stored if isinstance(stored, dict) else None


def _writable(path: Path) -> bool:
    """Whether we may write the database at all (its folder, and the file if it exists)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


def _reasons(rejected: Sequence[_Rejected]) -> str:
    shown = "; ".join(f"line {r.line}: {r.reason}" for r in rejected[:3])
    return shown + (f"; and {len(rejected) - 3} more" if len(rejected) > 3 else "")


def _revive(field: str, value: Any) -> Any:
    if field == "close_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
