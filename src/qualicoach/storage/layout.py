"""Where each part of the database lives on disk, and how each file is encoded.

Schema 2 splits the database so that one deal's work reads that deal, not the team's:

- ``qualicoach.json``, the **index**: a TinyDB file with tables ``meta`` and ``deals``
  (each deal's fields and revision). It is the commit point of every change: it names the
  interview shard files that belong to this version of the database.
- ``qualicoach.json.d/interviews-NN-TOKEN.z``, the **shards**: the interviews of the
  deals whose id hashes to shard NN, as a zlib-compressed TinyDB table. A shard file is
  never changed once written: a change writes a new file under a new token, then the index
  that names it, so a kill at any moment leaves an index naming complete files.
- ``qualicoach.json.d/assessments.json``: the listing's stored assessments, a cache
  validated by each deal's revision, so it is written on its own, never with the index.
- ``qualicoach.json.d/shortlist.json``: the stored assessments of the deals a quick
  listing shows (the deals at risk), saved with the others when they cover the index, so
  that a team's at-risk listing parses no other.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import orjson

# One table of records by TinyDB document id; the whole database, by table name.
Records = dict[str, dict[str, Any]]
Data = dict[str, Records]

SHARD_COUNT = 64
# interviews-DATABASE-NN-TOKEN.z: the database's id keeps a shard folder shared by two
# databases (an index moved away to start afresh) from ever losing the other's files.
_SHARD_NAME = re.compile(r"interviews-([0-9a-f]{16})-(\d{2})-[0-9a-f]{8}\.z")
# Small enough to write quickly, large enough to shrink a shard of answers six-fold.
_LEVEL = 6


def folder_of(index: Path) -> Path:
    """The folder beside the index holding its shards and stored assessments."""
    return index.with_name(index.name + ".d")


def assessments_path(index: Path) -> Path:
    """The file of stored assessments of the database at ``index``."""
    return folder_of(index) / "assessments.json"


def shortlist_path(index: Path) -> Path:
    """The file of the stored assessments of the deals a quick listing shows (see
    ``Shortlist``), apart from the others so that listing them parses no other."""
    return folder_of(index) / "shortlist.json"


def shard_of(deal_id: str, count: int = SHARD_COUNT) -> int:
    """The shard a deal's interviews live in (stable across runs and machines)."""
    return zlib.crc32(deal_id.encode("utf-8", "surrogatepass")) % count


def new_database_id() -> str:
    """An id for a new database, naming its shard files and its stored assessments."""
    return os.urandom(8).hex()


def new_shard_name(number: int, database: str) -> str:
    """A file name for a new version of shard ``number``, never used before."""
    return f"interviews-{database}-{number:02d}-{os.urandom(4).hex()}.z"


def shard_owner(name: str) -> str | None:
    """The id of the database a shard file belongs to; None if it is not a shard file."""
    match = _SHARD_NAME.fullmatch(name)
    return match[1] if match else None


_DEALS_KEY = b',"deals":'


def serialize(data: Data) -> bytes:
    """The index as JSON: meta first, deals last, and in meta the digest of the deals'
    bytes (set in ``data`` too), by which a later write knows they are as we wrote them."""
    deals = orjson.dumps(data.get("deals", {}))
    data.setdefault("meta", {}).setdefault("1", {})["deals_digest"] = digest(deals)
    others = b"".join(b"," + orjson.dumps(k) + b":" + orjson.dumps(v)
                      for k, v in data.items() if k not in ("meta", "deals"))
    return b'{"meta":' + orjson.dumps(data["meta"]) + others + _DEALS_KEY + deals + b"}"


def deals_bytes(raw: bytes, meta: Any) -> bytes | None:
    """The deals table's bytes in an index ``serialize`` wrote (whose meta table parsed
    as ``meta``); None for a file laid out otherwise."""
    head = b'{"meta":' + orjson.dumps(meta)
    end = raw.find(_DEALS_KEY, len(head))
    if not raw.startswith(head) or end < len(head) or not raw.endswith(b"}"):
        return None
    return raw[end + len(_DEALS_KEY):-1]


# Where a deals table's next record starts: `},"12":{`. Outside a string no other place in
# a deal's record has a key of digits, and inside one every quote is escaped. Found as
# `},"` and then the rest matched there: a pattern searched across each record took three
# times as long.
_RECORD_END = b'},"'
_NEXT_KEY = re.compile(rb'\d+":\{')
# What starts a record's key in the deals table: its id comes first.
_RECORD_START = b':{"id":'


def split_index(raw: bytes) -> tuple[Any, int, int] | None:
    """An index ``serialize`` wrote, without parsing its deals: the other tables (parsed)
    and where the deals table's bytes start and end in ``raw``; None for a file laid out
    otherwise or one whose other tables do not parse."""
    # Searched from the start: the deals table comes last, after a few hundred bytes, and
    # searching back from the end read a team's whole file (5 ms for 8 MB). Found too
    # early (a table before it with a key "deals" of its own), the head does not parse,
    # or the deals' bytes do not match their digest: the file is then read whole.
    end = raw.find(_DEALS_KEY)
    if end < 0 or not raw.startswith(b'{"meta":') or not raw.endswith(b"}"):
        return None
    try:
        head = orjson.loads(raw[:end] + b"}")
    except orjson.JSONDecodeError:
        return None
    return head, end + len(_DEALS_KEY), len(raw) - 1


def deal_record(raw: bytes, start: int, stop: int, deal_id: str) -> Any:
    """The record of the deal ``deal_id`` in the deals table ``raw[start:stop]`` as
    ``serialize`` wrote it (each record's id first), parsed; None unless it is there exactly
    once that way and parses."""
    key = _RECORD_START + orjson.dumps(deal_id)
    at = raw.find(key, start, stop)
    if at < 0 or raw.find(key, at + 1, stop) >= 0:
        return None
    parsed = _record_at(raw, at, stop)
    return None if parsed is None else parsed[0]


def _record_at(raw: bytes, at: int, stop: int) -> tuple[Any, int] | None:
    """The record whose key ``:{"id":...`` starts at ``at`` in a deals table ending at
    ``stop``, parsed, and where it ends; None when it does not parse."""
    following = raw.find(_RECORD_END, at + 1, stop)
    while following >= 0 and not _NEXT_KEY.match(raw, following + 3, stop):
        following = raw.find(_RECORD_END, following + 1, stop)
    # The last record ends where the table's closing brace is.
    end = following + 1 if following >= 0 else stop - 1
    try:
        return orjson.loads(raw[at + 1:end]), end
    except orjson.JSONDecodeError:
        return None


def _record_start(raw: bytes, key: bytes, start: int, stop: int) -> int:
    """Where ``key`` first opens a record of the deals table (after its document id, as
    in ``,"12":{"id":"acme"``) in ``raw[start:stop]``, not a field of one; -1 if nowhere."""
    where = raw.find(key, start, stop)
    while where >= 0:
        quote = raw.rfind(b'"', start, where - 1)
        if (quote > start and raw[where - 1:where] == b'"'
                and raw[quote + 1:where - 1].isdigit() and raw[quote - 1:quote] in (b",", b"{")):
            return where
        where = raw.find(key, where + 1, stop)
    return -1


def deal_records(raw: bytes, start: int, stop: int, wanted: Iterable[str]
                 ) -> dict[str, Any] | None:
    """The records of the deals ``wanted`` in the deals table ``raw[start:stop]`` as
    ``serialize`` wrote it (each record's id first), parsed, and no other record parsed;
    None unless each is there and parses. Quickest when they come in the table's order:
    each is then looked for from where the one before it ends. Thousands of them parse
    quicker with the collector paused (``collector_paused``), the caller's to do."""
    found: dict[str, Any] = {}
    at = start
    for deal_id in wanted:
        # The id's closing quote ends the key: "deal-3" is not found in "deal-30".
        key = _RECORD_START + orjson.dumps(deal_id)
        where = _record_start(raw, key, at, stop)
        if where < 0:
            where = _record_start(raw, key, start, stop)
            if where < 0:
                return None
        parsed = _record_at(raw, where, stop)
        if parsed is None:
            return None
        found[deal_id], at = parsed
    return found


# CRC-32 and the length, from zlib, which the shards need anyway: 3 ms for a team's 8 MB of
# deals. BLAKE2b, which earlier versions recorded (without a prefix), took 13 ms on every
# quick read of a team's index, and hashlib's SHA-256 5 ms to import and 6 to hash. The
# digest tells a write's own bytes from any others (an edit by hand, another program),
# not a forgery: anyone who can write the file can write the stored assessments too.
_DIGEST_PREFIX = "crc32:"


def digest(raw: bytes | memoryview) -> str:
    """A fingerprint of bytes, named by its kind."""
    return f"{_DIGEST_PREFIX}{len(raw):x}:{zlib.crc32(raw):08x}"


def digest_matches(recorded: object, raw: bytes | memoryview) -> bool:
    """Whether ``recorded`` (a ``digest`` some version wrote) is the fingerprint of
    ``raw``: an index written before the change is still read the quick way."""
    if not isinstance(recorded, str):
        return False
    if recorded.startswith(_DIGEST_PREFIX):
        return recorded == digest(raw)
    import hashlib  # here: only an index an earlier version wrote needs it

    return recorded == hashlib.blake2b(raw, digest_size=16).hexdigest()


def encode_shard(records: Records) -> bytes:
    """A shard file's bytes: its interviews table, compressed."""
    return zlib.compress(orjson.dumps({"interviews": records}), _LEVEL)


class ShardWriter:
    """A shard file's bytes built one interview at a time, compressed as they come, so
    writing many interviews never holds them all (a 10,000-deal demo)."""

    def __init__(self, records: Records) -> None:
        self._compressor = zlib.compressobj(_LEVEL)
        self._parts = [self._compressor.compress(b'{"interviews":{')]
        self._next = max((int(k) for k in records), default=0) + 1
        self._empty = True
        for doc_id, doc in records.items():
            self._add(doc_id, doc)

    def _add(self, doc_id: str, doc: dict[str, Any]) -> None:
        head = b"" if self._empty else b","
        self._empty = False
        self._parts.append(self._compressor.compress(
            head + orjson.dumps(doc_id) + b":" + orjson.dumps(doc)))

    def append(self, doc: dict[str, Any]) -> None:
        """Add one interview record, with the next document id."""
        self._add(str(self._next), doc)
        self._next += 1

    @property
    def empty(self) -> bool:
        """Whether the shard holds no interview."""
        return self._empty

    def finish(self) -> bytes:
        """The file's bytes (call once)."""
        self._parts += [self._compressor.compress(b"}}"), self._compressor.flush()]
        return b"".join(self._parts)


def decode_shard(raw: bytes) -> Any:
    """A shard file's content (raises ValueError when it is damaged)."""
    try:
        return loads_without_gc(zlib.decompress(raw))
    except zlib.error as exc:
        raise ValueError(f"not a compressed shard ({exc})") from None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Parse JSON (or build other data without reference cycles) with the cycle collector
    paused.

    Parsing creates millions of objects, and the collector would otherwise run over them
    again and again (more than half of the time for a 10,000-deal file). Parsed JSON holds
    no reference cycles, so nothing is left for the collector to find; ``gc.freeze`` then
    keeps later collections from walking all of them once more. Frozen objects are still
    freed by reference counting when the data is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def loads_without_gc(raw: bytes) -> Any:
    """Parse JSON with the cycle collector paused (see ``collector_paused``)."""
    with collector_paused():
        return orjson.loads(raw)


class StoredAssessments(NamedTuple):
    """The stored assessments file as read, its reasons still named by number.

    ``deals_digest`` is the digest of the index's deals the assessments were saved against,
    set only when they were then every open deal's at its current revision: while the
    index still has those deals' bytes, a listing can trust each deal's stored assessment
    without reading the deal (``deal_records`` then reads only the deals it shows).
    """

    # Deal id -> assessment: a list of values in the order of ``fields`` when it has
    # exactly those keys (the file is then half the size, and parses twice as fast), else
    # a record; its reasons by number.
    deals: dict[str, Any]
    reasons: list[Any]
    revisions: dict[str, int]  # deal id -> the deal's revision the assessment was made at
    deals_digest: str | None = None
    fields: tuple[str, ...] = ()
    # What the caller said of the assessments together when saving them (a shortlist's).
    summary: Any = None
    # A shortlist was saved with them, against the same deals (the assessments file's).
    shortlisted: bool = False

    def record(self, deal_id: str) -> dict[str, Any]:
        """A deal's stored assessment as a new dict, its reasons still by number; raises
        TypeError when it is damaged."""
        stored = self.deals[deal_id]
        if isinstance(stored, list) and len(stored) == len(self.fields):
            return dict(zip(self.fields, stored, strict=True))
        if isinstance(stored, dict):
            return dict(stored)
        raise TypeError(f"the stored assessment of {deal_id!r} is not a record")

    def assessment(self, deal_id: str) -> dict[str, Any]:
        """A deal's stored assessment with its reasons in full (a new dict); raises
        TypeError or IndexError when it is damaged."""
        return self.expanded(self.record(deal_id))

    def expanded(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` (from ``record``) with its reasons in full, in place; raises
        IndexError when it names a reason the file does not hold."""
        refs = record.get("reasons")
        if isinstance(refs, list) and refs:
            # Checked in C (a team's listing expands thousands): whole numbers, none
            # negative, which would count from the end.
            if set(map(type, refs)) != {int} or min(refs) < 0:
                raise IndexError("a stored assessment names no reason")
            record["reasons"] = [self.reasons[i] for i in refs]
        return record


def stored_by_number(assessments: Mapping[str, tuple[int, Mapping[str, Any]]],
                     deals_digest: str | None = None, summary: Any = None,
                     shortlisted: bool = False) -> StoredAssessments:
    """Assessments (deal id -> (revision, assessment)) as the stored assessments file holds
    them: each distinct reason once, named by number, and the values of those with the
    same keys as the first in a list.

    Most reasons recur across deals word for word (the same question, the same weak
    answer), so keeping each once makes the file several times smaller.
    """
    numbers: dict[bytes, int] = {}
    table: list[Any] = []
    deals: dict[str, Any] = {}
    fields: tuple[str, ...] | None = None
    for deal_id, (_, assessment) in assessments.items():
        stored = dict(assessment)
        if isinstance(stored.get("reasons"), list):
            refs = []
            for reason in stored["reasons"]:
                key = orjson.dumps(reason, option=orjson.OPT_SORT_KEYS)
                if key not in numbers:
                    numbers[key] = len(table)
                    table.append(reason)
                refs.append(numbers[key])
            stored["reasons"] = refs
        if fields is None:
            fields = tuple(stored)
        deals[deal_id] = list(stored.values()) if tuple(stored) == fields else stored
    return StoredAssessments(deals, table, {k: r for k, (r, _) in assessments.items()},
                             deals_digest, fields or (), summary,
                             shortlisted)


def encode_assessments(stored: StoredAssessments, database: str) -> bytes:
    """The stored assessments file's bytes."""
    return orjson.dumps({"format": 2, "database": database,
                         "deals_digest": stored.deals_digest,
                         "revisions": stored.revisions,
                         "fields": stored.fields, "reasons": stored.reasons,
                         "summary": stored.summary, "shortlisted": stored.shortlisted,
                         "deals": stored.deals})


def read_assessments(raw: bytes, database: str) -> StoredAssessments:
    """The stored assessments file of ``database``, reasons still by number (raises
    ValueError, TypeError or KeyError when it is damaged, another database's or of an
    older format)."""
    data = loads_without_gc(raw)
    if not isinstance(data, dict) or data.get("format") != 2:
        # Format 1 had no revisions: its assessments are made again, once.
        raise ValueError("not a stored assessments file of this version")
    if data.get("database") != database:
        # Left by a database that was moved away or replaced: its deals are not ours.
        raise ValueError("the stored assessments of another database")
    table, deals, revisions = data["reasons"], data["deals"], data["revisions"]
    digest_, fields = data["deals_digest"], data["fields"]
    if not (isinstance(table, list) and isinstance(deals, dict) and isinstance(revisions, dict)
            and (digest_ is None or isinstance(digest_, str))
            and isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
        raise TypeError("a stored assessments file of another shape")
    # Both absent from files saved before shortlists: then there is none.
    shortlisted = data.get("shortlisted", False) is True
    return StoredAssessments(deals, table, revisions, digest_, tuple(fields),
                             data.get("summary"), shortlisted)
