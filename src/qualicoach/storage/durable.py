"""Whole-file writes that survive crashes, and the lock that serialises writers.

A write goes to a temporary file in the same folder, is flushed and fsynced, then renamed
over the database with ``os.replace`` (atomic on POSIX and Windows), and the folder is
fsynced so the rename itself is durable. Readers therefore always see a complete file,
old or new, and need no lock. Writers hold a cross-process lock for the whole
read-modify-write, so two terminals never lose each other's changes.

Every file made here is created exclusively (``O_EXCL``) or opened with ``O_NOFOLLOW``:
a symbolic link planted beside the database is refused, never written through.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from qualicoach.errors import DatabaseBusyError, DatabaseError

TMP_MARK = ".tmp-"
Signature = tuple[int, int, int]
# os.open flags, 0 where the platform lacks them (O_BINARY is Windows-only).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
BINARY = getattr(os, "O_BINARY", 0)


def fault_message(exc: OSError, path: Path, outcome: str) -> str:
    """One line for a machine fault on one of our files: what, where, what to do, and
    ``outcome`` (what became of the data)."""
    where = Path(os.fsdecode(exc.filename)) if exc.filename else path
    # Our temporary files mean nothing to a user: name what they stand for.
    temporary = TMP_MARK in where.name
    if temporary:
        where = path
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        what = f"no space left on the disk holding {where}: free some space and try again"
    elif code == errno.EROFS:
        what = (f"{where} is on a read-only file system: qualicoach can show what it holds "
                "but not change it")
    elif code in (errno.EACCES, errno.EPERM):
        folder = where.parent
        what = (f"permission denied: qualicoach cannot create files in {folder}, where it "
                f"replaces {where.name} safely; check the folder's permissions (ls -ld "
                f"{folder})" if temporary else
                f"permission denied on {where}: qualicoach needs to create and replace files "
                f"in {folder}; check their permissions (ls -ld {folder})")
    elif code == errno.EISDIR:
        what = f"{where} is a folder, where qualicoach keeps a file: move it away"
    elif code == errno.ELOOP:
        what = (f"{where} is a symbolic link, which qualicoach does not follow for the files "
                "it keeps beside the database: remove it")
    elif code == errno.EEXIST and not where.is_dir():  # mkdir of the data folder
        what = f"{where} is a file, not a folder: qualicoach keeps the database in it"
    elif code == errno.ENOTDIR:
        what = f"part of the path {where} is a file, not a folder"
    else:
        what = f"cannot write {where}: {exc.strerror or exc}"
    return f"{what}; {outcome}"


def signature(path: Path) -> Signature | None:
    """Identity of the file's current version (inode, size, mtime), or None if missing.

    Every write replaces the file with a new inode, so an unchanged signature means
    nobody wrote since we last looked.
    """
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None if it does not exist; unreadable files raise DatabaseError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a folder, not a database file") from None
    except OSError as exc:
        raise DatabaseError(f"cannot read database {path}: {exc.strerror}; check its "
                            "permissions (it should be readable by you)") from None


def write_atomically(path: Path, payload: bytes, backup: Path | None = None) -> Signature:
    """Durably replace ``path`` with ``payload``; keep the previous version as ``backup``.

    The file is created readable and writable by its owner only.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # os.urandom rather than secrets: the same randomness, without secrets' imports on
    # every command.
    tmp = folder / f".{path.name}{TMP_MARK}{os.getpid()}-{os.urandom(4).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if backup is not None:
            _keep_previous(path, backup)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)
    result = signature(path)
    assert result is not None
    return result


def _keep_previous(path: Path, backup: Path) -> None:
    # A hard link keeps the old version under the backup name without a moment in which
    # the database path is missing (a reader would then see an empty database).
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()
    with contextlib.suppress(FileNotFoundError, OSError):
        os.link(path, backup)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder for fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(path: Path) -> list[Path]:
    """Delete temporary files a killed writer left behind; call while holding the lock."""
    removed = []
    for leftover in path.parent.glob(f".{path.name}{TMP_MARK}*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the cross-process write lock of the database at ``path``; raise
    DatabaseBusyError after ``timeout`` seconds (0: do not wait at all)."""
    # Imported here: read-only commands never pay for it.
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # filelock opens the lock file with O_NOFOLLOW and without O_TRUNC.
    lock = FileLock(str(path) + ".lock", timeout=timeout, mode=0o600)
    try:
        # A waiter only gets the lock if it tries in the moment between two writes of a busy
        # writer: at filelock's 50 ms it waited seconds behind a writer in a loop.
        lock.acquire(poll_interval=0.005)
    except Timeout:
        raise DatabaseBusyError(f"database {path} is busy: another qualicoach has held its "
                                f"lock for {timeout:g} s; try again") from None
    try:
        yield
    finally:
        lock.release()
