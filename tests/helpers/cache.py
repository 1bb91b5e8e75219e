"""Reading and editing the assessment cache in place, as an older release or damage would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualicoach.storage.cache import AssessmentCache

from .home import Home


def cache_file(home: Home) -> Path:
    """The file of the test database's cached assessments."""
    path = AssessmentCache.of(home.locations.cache_dir, home.db).path
    assert path is not None
    return path


def edit_assessments(home: Home, change: Callable[[dict[str, Any]], None]) -> None:
    """Let ``change`` edit the cached assessments by deal id, and write them back."""
    path = cache_file(home)
    entries = json.loads(path.read_bytes())
    by_deal = {entry["id"]: entry for entry in entries.values()}
    change(by_deal)
    path.write_text(json.dumps(entries))
