"""Files a command writes (--output, a survey's forms): created readable by their owner
only, as the database is, since reports, exports and reviews carry the rep's private notes
and the team's figures. One place for the message when the machine refuses."""

from __future__ import annotations

import os
from pathlib import Path

from qualicoach.errors import InvalidValueError


def write_output(path: Path, text: str, newline: str | None = None) -> None:
    """Write ``text`` to ``path`` (a new file is private to its owner)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
    except OSError as exc:
        raise InvalidValueError(f"cannot write {path}: {exc.strerror or exc}") from None
