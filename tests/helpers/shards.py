"""Reading and editing a database's shards and stored assessments in place, as damage or
another tool would."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualicoach.storage.layout import (
    assessments_path,
    encode_assessments,
    folder_of,
    read_assessments,
    shard_of,
    stored_by_number,
)


def shard_file(db: Path, deal_id: str) -> Path:
    """The shard file holding ``deal_id``'s interviews, as the index names it."""
    meta = json.loads(db.read_text())["meta"]["1"]
    name: str = meta["shards"][str(shard_of(deal_id, meta["shard_count"]))]
    return folder_of(db) / name


def read_shard(path: Path) -> dict[str, Any]:
    """A shard's content: ``{"interviews": {doc id: interview}}``."""
    data: dict[str, Any] = json.loads(zlib.decompress(path.read_bytes()))
    return data


def write_shard(path: Path, data: dict[str, Any]) -> None:
    """Overwrite a shard in place (no new name: what a damaging program would do)."""
    path.write_bytes(zlib.compress(json.dumps(data).encode()))


def edit_assessments(db: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the stored assessments (deal id -> assessment) in place, as an older release
    or another tool would have stored them."""
    path = assessments_path(db)
    database = json.loads(db.read_text())["meta"]["1"]["database"]
    stored = read_assessments(path.read_bytes(), database)
    assessments = {deal_id: stored.assessment(deal_id) for deal_id in stored.deals}
    change(assessments)
    changed = stored_by_number({k: (stored.revisions.get(k, 0), a)
                                for k, a in assessments.items()},
                               stored.deals_digest)
    path.write_bytes(encode_assessments(changed, database))
