"""Crash safety and concurrency with real processes against one database file."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from qualicoach.storage.store import Store

from ..helpers.home import ROOT, TESTS

WRITER = TESTS / "helpers" / "writer.py"


def start_writer(db: Path, prefix: str, count: int, edit: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WRITER), str(db), prefix, str(count), edit],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def first_acknowledgement(writer: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """Wait for the writer's first acknowledged write and return that line.

    Read byte by byte from the pipe itself: ``communicate`` later reads the pipe directly,
    so anything a buffered reader took beyond this line would be lost from the record.
    """
    assert writer.stdout is not None
    fd, line, deadline = writer.stdout.fileno(), b"", time.monotonic() + timeout
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 1) if ready else b""
        assert chunk, f"the writer acknowledged nothing (within {timeout} s, or it died)"
        line += chunk
    assert line.startswith(b"added "), line
    return line.decode()


def acknowledged(output: str) -> tuple[set[str], dict[str, set[str]]]:
    added, tagged = set(), defaultdict(set)
    for line in output.splitlines():
        parts = line.split()
        if parts[:1] == ["added"] and len(parts) == 2:
            added.add(parts[1])
        elif parts[:1] == ["tagged"] and len(parts) == 3:
            tagged[parts[1]].add(parts[2])
    return added, tagged


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "q.json"
    rng = random.Random(1234)
    all_added: set[str] = set()
    all_tagged: dict[str, set[str]] = defaultdict(set)
    kills = 0
    round_no = 0
    while kills < 100:
        round_no += 1
        prefixes = [f"r{round_no}a", f"r{round_no}b"]
        writers = [start_writer(db, p, 10_000, ",".join(prefixes)) for p in prefixes]
        # The moment to kill is chosen once both are writing: counted from their start, it
        # fell before the first write whenever starting Python took longer than usual (a
        # loaded machine), and the rounds tested nothing.
        firsts = [first_acknowledgement(writer) for writer in writers]
        time.sleep(rng.uniform(0.0, 0.3))
        for writer in writers:
            writer.send_signal(signal.SIGKILL)
        for first, writer in zip(firsts, writers, strict=True):
            out, err = writer.communicate(timeout=30)
            assert writer.returncode == -signal.SIGKILL, err
            added, tagged = acknowledged(first + out)
            all_added |= added
            for deal_id, tags in tagged.items():
                all_tagged[deal_id] |= tags
            kills += 1
        # After every kill the file loads, and every acknowledged write is in it.
        deals = {d.id: d for d in Store(db).deals()}
        assert all_added <= set(deals)
        for deal_id, tags in all_tagged.items():
            assert tags <= set(deals[deal_id].tags), deal_id
    assert len(all_added) > 100, "the writers should have got some work done"
    Store(db).add_deal("after the storm")
    assert not list(tmp_path.glob(".q.json.tmp-*")), "leftover temporary files were removed"


@pytest.mark.slow
def test_four_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "q.json"
    prefixes = ["p0", "p1", "p2", "p3"]
    writers = [
        start_writer(db, p, 100, ",".join(q for q in prefixes if q != p)) for p in prefixes
    ]
    added: set[str] = set()
    tagged: dict[str, set[str]] = defaultdict(set)
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        new_added, new_tagged = acknowledged(out)
        added |= new_added
        for deal_id, tags in new_tagged.items():
            tagged[deal_id] |= tags
    deals = Store(db).deals()
    ids = [d.id for d in deals]
    assert len(deals) == 400 and len(set(ids)) == 400
    assert set(ids) == added
    by_id = {d.id: d for d in deals}
    edits = sum(len(tags) for tags in tagged.values())
    assert edits > 100, "most writers should have found others' deals to edit"
    for deal_id, tags in tagged.items():
        assert set(by_id[deal_id].tags) == tags, deal_id
