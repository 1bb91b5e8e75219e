"""The one place that reads and writes the database: deals, interviews and stored
assessments, each in its own module, over the file engine of ``storage.database``."""

from __future__ import annotations

from qualicoach.storage.assessments import AssessmentStore
from qualicoach.storage.deals import DealStore
from qualicoach.storage.interviews import InterviewStore


class Store(DealStore, InterviewStore, AssessmentStore):
    """Deals and interviews in one TinyDB file that never loses an answer.

    A database path that is a symbolic link (say, into a synced folder) is followed: the
    file is read and replaced where it really is, and the lock, journal and backup live
    beside it there, so every way of reaching the file shares them.

    ``warn`` receives one line about anything the store did that the user should know of
    but that does not stop the command (journal entries it could not apply).
    """
