"""How the database file is laid out, so a listing can read the deals alone.

The file starts with the byte range of the deals table, in a fixed-width field of the meta
record, so a listing can read the deals alone (they are a tenth of a large file; the
interviews are the rest). It is still one valid JSON document, and a TinyDB database.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import orjson

# One table of records by TinyDB document id; the whole database, by table name.
Records = dict[str, dict[str, Any]]
Data = dict[str, Records]

LAYOUT_PREFIX = b'{"meta":{"1":{"layout":"'
LAYOUT_DIGITS = 13
LAYOUT_HEAD = len(LAYOUT_PREFIX) + 2 * LAYOUT_DIGITS + 1
DEALS_KEY = b',"deals":'


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
    start = LAYOUT_HEAD + len(tail) + len(DEALS_KEY)
    layout = b"%0*d:%0*d" % (LAYOUT_DIGITS, start, LAYOUT_DIGITS, start + len(deals))
    parts = [LAYOUT_PREFIX, layout, tail, DEALS_KEY, deals]
    for name in others:
        parts += [b",", orjson.dumps(name), b":", orjson.dumps(data[name])]
    parts.append(b"}")
    return b"".join(parts)


def loads_without_gc(raw: bytes) -> Any:
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


def read_deals_table(path: Path) -> tuple[dict[str, Any], Records] | None:
    """The meta record and the deals table alone, read through the layout the file starts
    with; None when the file does not allow it (written by something else, anything
    unexpected), and the caller reads the whole file, which also reports damage properly."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(LAYOUT_HEAD + 32)
            if not head.startswith(LAYOUT_PREFIX):
                return None
            start, end = (int(x) for x in
                          head[len(LAYOUT_PREFIX):LAYOUT_HEAD].decode().split(":"))
            meta_end = start - len(DEALS_KEY)
            handle.seek(0)
            meta_raw = handle.read(start)
            if meta_raw[meta_end:start] != DEALS_KEY:
                return None
            meta = orjson.loads(meta_raw[len(b'{"meta":'):meta_end])["1"]
            handle.seek(start)
            deals: Records = loads_without_gc(handle.read(end - start))
    except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    if not isinstance(meta, dict):
        return None
    return meta, deals
