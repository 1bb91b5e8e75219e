"""What hand-written files parsed to, kept between runs.

Every command reads the frameworks and most read the settings. Parsing them (the YAML
library, our checks, building the model) cost a one-deal report more than everything it
does with the deal. So what a file parsed to is kept in one file in the user's
cache folder, keyed by the file's name and a digest of its bytes: an edited file is parsed
again however quickly it was edited (a timestamp can miss an edit in the same tick), and a
file that did not change costs a read and a digest.

The cache is only ever a shortcut. It is thrown away whole when qualicoach's parsing code
or Python changed, when it cannot be read or is damaged, and a cache folder that cannot be
written to leaves every run parsing as before. It is written with ``pickle``: it lives in a
folder of the user's own (0700), like their database, and holds nothing but what their own
files parsed to.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")
_FORMAT = 1
# The code a parse depends on, by room of the package: a change to any of these files (a
# new release, or an edit in a source checkout) makes every cached result stale.
_PARSING_CODE = ("yamlio", "frameworks", "config", "errors.py")
# Entries of files not read in a run are kept up to this many (a team that validates many
# files should not grow the cache without end).
_KEEP_UNUSED = 64


@functools.cache
def _code_stamp() -> tuple[Any, ...]:
    from qualicoach import __version__

    package = Path(__file__).resolve().parents[1]
    times: list[tuple[str, int]] = []
    for name in _PARSING_CODE:
        place = package / name
        files = sorted(place.glob("*.py")) if place.is_dir() else [place]
        times.extend((f"{name}/{f.name}", f.stat().st_mtime_ns) for f in files)
    return (_FORMAT, __version__, sys.version_info[:2], tuple(times), _yaml_library())


def _yaml_library() -> tuple[Any, ...]:
    """Which PyYAML would parse (its files, and whether libyaml is among them): its messages
    and positions for a broken file differ between releases and between its two parsers.
    Found without importing it, which is what the cache saves."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    if spec is None or spec.origin is None:
        return ()
    folder = Path(spec.origin).parent
    try:
        return tuple(sorted((f.name, f.stat().st_mtime_ns) for f in folder.iterdir()
                            if f.is_file()))
    except OSError:
        return ("unreadable",)


def digest(data: bytes) -> bytes:
    """A digest of a file's bytes: equal digests mean equal contents."""
    return hashlib.blake2b(data, digest_size=20).digest()


class ParsedCache:
    """Parse results by (kind, file name, digest of the bytes), loaded and saved as a whole.

    ``path`` None keeps results for this process only (a library caller or a test that
    wants no file written).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[tuple[str, str], tuple[bytes, Any]] | None = None
        self._used: set[tuple[str, str]] = set()
        self._changed = False

    def parse(self, kind: str, filename: str, data: bytes, parse: Callable[[bytes], _T]) -> _T:
        """What ``parse(data)`` returns, from the cache when this file had these bytes
        before. ``parse`` must depend on nothing but its bytes and the file's name; what it
        raises is not kept, so a file in error is read again each time."""
        entries = self._load()
        key = (kind, filename)
        self._used.add(key)
        found = entries.get(key)
        fingerprint = digest(data)
        if found is not None and found[0] == fingerprint:
            value: _T = found[1]
            return value
        value = parse(data)
        entries[key] = (fingerprint, value)
        self._changed = True
        return value

    def save(self) -> None:
        """Write the cache if this run parsed anything; a folder that cannot be written to
        is not an error (the next run parses again)."""
        if not self._changed or self.path is None or self._entries is None:
            return
        import pickle

        unused = [k for k in self._entries if k not in self._used]
        for key in unused[:max(0, len(unused) - _KEEP_UNUSED)]:
            del self._entries[key]
        payload = pickle.dumps((_code_stamp(), self._entries), protocol=pickle.HIGHEST_PROTOCOL)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(payload)
            # No fsync: a cache lost in a crash is parsed again.
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        self._changed = False

    def _load(self) -> dict[tuple[str, str], tuple[bytes, Any]]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[tuple[str, str], tuple[bytes, Any]]:
        if self.path is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        import pickle

        try:
            stamp, entries = pickle.loads(data)
        except Exception:  # damaged, or written by code whose classes are gone: start over
            return {}
        if stamp != _code_stamp() or not isinstance(entries, dict):
            return {}
        return entries
