"""The one place that reads and writes the database.

The database is a TinyDB file (tables ``meta``, ``deals``, and the later ``interviews``),
but TinyDB's stock JSON storage rewrites the file in place with no lock, so a kill at the
wrong moment leaves a file that no longer parses. Here TinyDB works on an in-memory
snapshot inside a transaction; the transaction holds the cross-process lock, reads the
file fresh (or reuses our own last version when the file is unchanged), and writes once,
atomically (see ``qualicoach.durable``).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from . import durable
from .deals import Change, Contact, Deal, slugify
from .errors import Ambiguous, DatabaseError, InvalidValue, NotFound

SCHEMA_VERSION = 1
Clock = Callable[[], datetime]
Data = dict[str, dict[str, dict[str, Any]]]


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
    """Deals (and later interviews) in one TinyDB file that never loses an answer."""

    def __init__(self, path: Path, clock: Clock = utc_now, lock_timeout: float = 30.0) -> None:
        self.path = path
        self.clock = clock
        self.lock_timeout = lock_timeout
        self._cache: tuple[durable.Signature, Data] | None = None

    @property
    def backup_path(self) -> Path:
        """Where the previous version of the database is kept."""
        return self.path.with_name(self.path.name + ".bak")

    # --- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """A TinyDB over a fresh snapshot, under the lock; written once, atomically, at the end.

        If the block raises, nothing is written.
        """
        with durable.exclusive_lock(self.path, self.lock_timeout):
            durable.remove_leftovers(self.path)
            data = self._load(for_write=True)
            storage_box: list[_Snapshot] = []

            def make_storage(*_: Any) -> _Snapshot:
                storage_box.append(_Snapshot(data))
                return storage_box[0]

            db = TinyDB(storage=make_storage)
            try:
                yield db
                storage = storage_box[0]
                if storage.dirty:
                    payload = orjson.dumps(storage.data)
                    sig = durable.write_atomically(self.path, payload, backup=self.backup_path)
                    self._cache = (sig, storage.data)
            except BaseException:
                # The snapshot may hold half a change: never reuse it.
                self._cache = None
                raise

    def snapshot(self) -> TinyDB:
        """A read-only view of the database as it is now (no lock: writes are atomic)."""
        data = self._load(for_write=False)
        return TinyDB(storage=lambda *_: _Snapshot(data))

    def _load(self, for_write: bool) -> Data:
        sig = durable.signature(self.path)
        if sig is not None and self._cache is not None and self._cache[0] == sig:
            return self._cache[1]
        raw = durable.read_bytes(self.path)
        if raw is None:
            return {"meta": {"1": {"schema_version": SCHEMA_VERSION}}}
        data = self._parse(raw)
        version = _schema_version(data, self.path)
        if version < SCHEMA_VERSION:
            if for_write:
                self._keep_original(raw, version)
            # Not cached: the file on disk is still the old version until a write, and the
            # write must see that to keep the original.
            return migrate(data, version, self.clock())
        if sig is not None and not for_write:
            self._cache = (sig, data)
        return data

    def _parse(self, raw: bytes) -> Data:
        recovery = (f"the file was not changed. The previous version is kept as "
                    f"{self.backup_path} if it exists: copy it over {self.path.name} to "
                    f"recover, or move {self.path.name} away to start afresh")
        if not raw.strip():
            raise DatabaseError(f"database {self.path} is empty (0 bytes); {recovery}")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise DatabaseError(f"database {self.path} is damaged: not valid JSON at line "
                                f"{exc.lineno}, column {exc.colno} ({exc.msg}); "
                                f"{recovery}") from None
        problem = _shape_problem(data)
        if problem:
            raise DatabaseError(f"database {self.path} is damaged: {problem}; {recovery}")
        return data  # type: ignore[no-any-return]

    def _keep_original(self, raw: bytes, version: int) -> None:
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        if not backup.exists():
            tmp = backup.with_name(backup.name + durable.TMP_MARK)
            tmp.write_bytes(raw)
            shutil.move(tmp, backup)

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
                raise NotFound(f"deal '{deal.id}' has no contact '{name}' (contacts: {names})")
            return deal.with_changes({"contacts": kept}, self.clock())
        return self._update(ref, change)

    def _update(self, ref: str, change: Callable[[Deal], Deal]) -> Deal:
        with self.transaction() as db:
            table = db.table("deals")
            deal = resolve_deal([_deal_from_doc(d, self.path) for d in table.all()], ref)
            updated = change(deal)
            table.update(_deal_to_doc(updated), Query().id == deal.id)
        return updated


def resolve_deal(deals: list[Deal], ref: str) -> Deal:
    """The deal ``ref`` names: an exact id, an exact name, or a unique prefix of either."""
    wanted = ref.strip().casefold()
    if not wanted:
        raise InvalidValue("a deal id or name is needed")
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
        raise NotFound(f"no deal matches '{ref}'")
    shown = ", ".join(f"{d.id} ({d.name})" for d in matches[:10])
    more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
    raise Ambiguous(f"'{ref}' matches {len(matches)} deals: {shown}{more}; give more of the "
                    "name or the id")


# --- the file format ---------------------------------------------------------------------

_DEAL_FIELDS = {"name", "account", "owner", "stage", "amount", "currency", "close_date",
                "next_step", "tags", "contacts", "archived"}


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - _DEAL_FIELDS
    if unknown:
        raise InvalidValue(f"unknown deal field(s): {', '.join(sorted(unknown))}")


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
    return {
        "id": deal.id, "name": deal.name, "account": deal.account, "owner": deal.owner,
        "stage": deal.stage, "amount": deal.amount, "currency": deal.currency,
        "close_date": deal.close_date.isoformat() if deal.close_date else None,
        "next_step": deal.next_step,
        "contacts": [{"name": c.name, "role": c.role, "title": c.title} for c in deal.contacts],
        "tags": list(deal.tags),
        "created": deal.created.isoformat(), "updated": deal.updated.isoformat(),
        "archived": deal.archived,
        "history": [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new),
                     "at": c.at.isoformat()} for c in deal.history],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


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
            history=history,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"database {path} is damaged: deal '{doc.get('id')}' cannot be "
                            f"read ({type(exc).__name__}: {exc}); the file was not "
                            "changed") from None


def _revive(field: str, value: Any) -> Any:
    if field == "close_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
