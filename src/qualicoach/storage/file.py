"""The database file as a TinyDB storage: one JSON document, parsed once per version and
replaced whole, atomically, with the previous version kept as ``.bak``.

TinyDB's own JSON storage rewrites the file in place, so a kill at the wrong moment leaves
a file that no longer parses. This one writes a temporary file, fsyncs it and renames it
over the database (``storage.durable``): a reader sees the old version or the new one,
never half of either, and needs no lock.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
from tinydb.storages import Storage

from qualicoach.errors import DatabaseError, StorageError
from qualicoach.storage import durable
from qualicoach.storage.codec import check_answer_doc, deal_from_doc, interview_from_doc
from qualicoach.storage.migrations import (
    SCHEMA_VERSION,
    Data,
    migrate,
    schema_version,
    shape_problem,
)


class DatabaseFile(Storage):
    """The file at ``path``: read through TinyDB, written by a transaction.

    The parsed data is kept while the file on disk is the version it was read from (same
    inode, size and modification time: every write here makes a new inode), so an
    interview does not parse the database again for every answer. A command is one
    process: what a user edits by hand is read by the next one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: Data | None = None
        self._signature: durable.Signature | None = None
        # Every record of this version was read once, as a write requires.
        self._checked = False
        # The bytes of a file of an older schema, kept as its backup by the first write.
        self._original: tuple[int, bytes] | None = None

    @property
    def backup_path(self) -> Path:
        """Where the previous version of the database is kept."""
        return self.path.with_name(self.path.name + ".bak")

    def read(self) -> Data | None:
        """The database's data, brought up to the current schema; None when there is no
        file yet. Raises DatabaseError for a file that cannot be read or is damaged."""
        try:
            fd = os.open(self.path, os.O_RDONLY | durable.BINARY)
        except FileNotFoundError:
            self.forget()
            return None
        except IsADirectoryError:
            raise DatabaseError(f"{self.path} is a folder, not a database file") from None
        except NotADirectoryError as exc:
            # The machine's layout is in the way, not the data: a fault, like a full disk.
            raise StorageError(durable.fault_message(exc, self.path,
                                                     "nothing was read")) from None
        except OSError as exc:
            raise DatabaseError(f"cannot read database {self.path}: {exc.strerror}; check "
                                "its permissions (it should be readable by you)") from None
        try:
            st = os.fstat(fd)
            signature = (st.st_ino, st.st_size, st.st_mtime_ns)
            if self._data is not None and signature == self._signature:
                return self._data
            if stat.S_ISDIR(st.st_mode):
                raise DatabaseError(f"{self.path} is a folder, not a database file")
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read()
        finally:
            os.close(fd)
        self._data, self._signature, self._checked = self._parse(raw), signature, False
        return self._data

    def write(self, data: Data) -> None:
        """Replace the file with ``data`` (the previous version becomes the backup)."""
        try:
            if self._original is not None:
                version, raw = self._original
                keep = self.path.with_name(f"{self.path.name}.v{version}.bak")
                # An existing copy is the original of an earlier migration: keep it.
                # Anything else there (a link) is replaced, never written through.
                if keep.is_symlink() or not keep.exists():
                    durable.write_atomically(keep, raw)
            data.setdefault("meta", {}).setdefault("1", {})["schema_version"] = SCHEMA_VERSION
            self._signature = durable.write_atomically(self.path, serialize(data),
                                                       backup=self.backup_path)
        except BaseException:
            # ``data`` is the parsed file with the change in it: never read it again.
            self.forget()
            raise
        self._data, self._checked, self._original = data, True, None

    @property
    def outdated(self) -> bool:
        """Whether the file read is of an older schema (the next write brings it up)."""
        return self._original is not None

    def check(self) -> None:
        """Read every record of the current version as a command would, so that a write
        never carries a damaged record along (DatabaseError names it)."""
        if self._checked or self._data is None:
            return
        for doc in self._data.get("deals", {}).values():
            deal_from_doc(doc, self.path)
        for doc in self._data.get("interviews", {}).values():
            interview_from_doc(doc, self.path, check_answer_doc)
        self._checked = True

    def forget(self) -> None:
        """Drop the parsed data (it may hold half a change): the next read parses again."""
        self._data, self._signature, self._checked, self._original = None, None, False, None

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
        problem = shape_problem(data)
        if problem:
            raise DatabaseError(f"database {self.path} is damaged: {problem}; {recovery}")
        version = schema_version(data, self.path)
        self._original = None
        if version < SCHEMA_VERSION:
            data = migrate(data, version, self.path)
            self._original = (version, raw)
        else:
            data.setdefault("deals", {})
            data.setdefault("interviews", {})
        return data  # type: ignore[no-any-return]


def serialize(data: Data) -> bytes:
    """The file's bytes: one record a line, so that a diff names the records a change
    touched and an editor finds a deal by its id, while a read parses it as fast as
    JSON without any spaces (an indented file of 2,000 deals took 40% longer)."""
    dumps = orjson.dumps
    tables = []
    for name, records in data.items():
        # Record keys are TinyDB's document numbers (checked digits): nothing to escape.
        lines = b",\n".join([b'  "' + doc_id.encode() + b'": ' + dumps(doc)
                              for doc_id, doc in records.items()])
        tables.append(dumps(name) + (b": {\n" + lines + b"\n}" if lines else b": {}"))
    return b"{\n" + b",\n".join(tables) + b"\n}\n"
