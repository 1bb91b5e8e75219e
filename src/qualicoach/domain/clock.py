"""The time a change is stamped with, and the seam tests replace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)
