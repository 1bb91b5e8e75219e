"""The one place that reads and writes the database: deals and interviews in one TinyDB
file (``storage.database`` says how it is kept safe)."""

from __future__ import annotations

from qualicoach.storage.interviews import InterviewStore


class Store(InterviewStore):
    """Deals and interviews in one TinyDB file that never loses an answer.

    A database path that is a symbolic link (say, into a synced folder) is followed: the
    file is read and replaced where it really is, and the lock and backup live beside it
    there, so every way of reaching the file shares them.
    """
