"""The database: reads without a lock, and changes in transactions that hold the
cross-process lock and write the whole file once, or not at all."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from qualicoach.domain.clock import Clock, utc_now
from qualicoach.errors import StorageError
from qualicoach.storage import durable
from qualicoach.storage.file import DatabaseFile
from qualicoach.storage.migrations import Data, empty_database


class _Snapshot(Storage):
    """TinyDB storage over the data of one transaction, in memory until it commits."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self.data = data
        self.dirty = True


class Database:
    """One TinyDB file that never loses an answer: lock, atomic writes, backup.

    A database path that is a symbolic link (say, into a synced folder) is followed: the
    file is read and replaced where it really is, and the lock and backup live beside it
    there, so every way of reaching the file shares them.
    """

    def __init__(self, path: Path, clock: Clock = utc_now, lock_timeout: float = 30.0) -> None:
        self.path = Path(os.path.realpath(path)) if path.is_symlink() else path
        self.clock = clock
        self.lock_timeout = lock_timeout
        self.file = DatabaseFile(self.path)

    @property
    def backup_path(self) -> Path:
        """Where the previous version of the database is kept."""
        return self.file.backup_path

    def data(self) -> Data:
        """The whole database as the file holds it now, to read: no lock (every write
        replaces the file whole), and never to be changed (changes go through
        ``transaction``)."""
        return self.file.read() or empty_database()

    @contextlib.contextmanager
    def transaction(self, lock_timeout: float | None = None,
                    unsaved: str = "the database was not changed") -> Iterator[TinyDB]:
        """The database under the lock, as TinyDB; written once at the end, if changed.

        If the block raises, nothing is written. A database with a record a read would
        refuse is refused here too, before anything is written. A machine fault (disk
        full, permissions) raises StorageError saying whether the change was saved
        (``unsaved`` says what was not).
        """
        before = durable.signature(self.path)
        timeout = self.lock_timeout if lock_timeout is None else lock_timeout
        try:
            with durable.exclusive_lock(self.path, timeout):
                before = durable.signature(self.path)
                durable.remove_leftovers(self.path)
                data = self.file.read()
                self.file.check()
                snapshot = _Snapshot(empty_database() if data is None else data)
                try:
                    yield TinyDB(storage=lambda: snapshot)
                except BaseException:
                    # The snapshot is the parsed file itself, perhaps half changed.
                    self.file.forget()
                    raise
                if snapshot.dirty or self.file.outdated:
                    self.file.write(snapshot.data)
        except OSError as exc:
            outcome = ("the change itself was saved" if durable.signature(self.path) != before
                       else unsaved)
            raise StorageError(durable.fault_message(exc, self.path, outcome)) from None


def by_id(records: Iterable[dict[str, Any]], record_id: str) -> Any:
    """The record whose ``id`` field is ``record_id``, None if there is none."""
    return next((doc for doc in records if doc.get("id") == record_id), None)
