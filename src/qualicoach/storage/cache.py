"""Assessments kept between runs so that a listing need not rescore every deal.

A cache and nothing more: each entry is stored under a key made from everything it was
computed from (``coaching.pipeline`` makes the keys), so an entry can only be found by the
same inputs. The file lives in the cache folder, never beside the database; it is written
when convenient and read when present, and deleting it changes no output, only how long
the next listing takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from qualicoach.storage import durable

Entries = dict[str, dict[str, Any]]


class AssessmentCache:
    """The cache file of one database's assessments (``path`` None: nothing is kept)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @classmethod
    def of(cls, cache_dir: Path | None, database: Path) -> AssessmentCache:
        """The cache of the database at ``database``, in the folder ``cache_dir``."""
        if cache_dir is None:
            return cls(None)
        name = hashlib.blake2b(os.fsencode(os.path.realpath(database)),
                               digest_size=12).hexdigest()
        return cls(cache_dir / "assessments" / f"{name}.json")

    def load(self) -> Entries:
        """Every entry kept; an empty cache when the file is missing or damaged."""
        if self.path is None:
            return {}
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            entries = orjson.loads(self.path.read_bytes())
            if isinstance(entries, dict):
                return {k: v for k, v in entries.items() if isinstance(v, dict)}
        return {}

    def save(self, entries: Entries) -> None:
        """Keep ``entries`` in place of the file's, if that can be done; a cache that
        cannot be written (read-only folder, full disk) is simply not kept."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            durable.write_atomically(self.path, orjson.dumps(entries))
