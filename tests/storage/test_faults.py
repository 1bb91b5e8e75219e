"""Faults and hostile files around the database: a full disk, a read-only folder, things in
the way, planted links, damaged records, a lock held by a hung process.

Each one ends in one line saying what, where and what to do, and the data stays as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualicoach.domain.answer import Answer
from qualicoach.errors import ExitCode, StorageError
from qualicoach.storage.store import Store

from ..helpers.home import DATA, Home, Run

FIXTURES = DATA / "databases"
MINI = """\
id: mini
name: Mini
version: "1"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - id: agreed
        prompt: Do they agree they must change?
        type: yes_no
"""


def qualicoach(*args: str, prefix: tuple[str, ...] = (),
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real command in its own process (the test's QUALICOACH_* settings apply)."""
    return subprocess.run([*prefix, sys.executable, "-m", "qualicoach", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def answers_file(home: Home, tmp_path: Path) -> Path:
    home.write_framework("mini.yaml", MINI)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"mini": {"agreed": "yes"}}))
    return path


# --- machine faults ------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder``; skips the test where none can be mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root on Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Use up every free byte of the file system holding ``folder``."""
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()


def test_a_full_disk_is_a_fault_named_with_what_to_do_and_nothing_is_lost(
        home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "qualicoach.json"
        monkeypatch.setenv("QUALICOACH_DB", str(db))
        assert qualicoach("deal", "add", "ACME").returncode == 0
        assert qualicoach("deals").returncode == 0  # the assessment cache is written now
        fill(disk)
        before = files_of(disk)
        result = qualicoach("deal", "add", "Globex")
        assert result.returncode == ExitCode.MACHINE_FAULT.value == 74
        assert result.stderr == (f"qualicoach: no space left on the disk holding {db}: free "
                                 "some space and try again; the database was not changed\n")
        assert files_of(disk) == before  # no temporary file left behind either
        listing = qualicoach("deals", "--format", "json")
        assert listing.returncode == 0, listing.stderr
        assert [d["id"] for d in json.loads(listing.stdout)] == ["acme"]
        (disk / "filler").unlink()
        assert qualicoach("deal", "add", "Globex").returncode == 0


def test_a_full_disk_during_an_interview_keeps_the_earlier_answers(
        home: Home, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        store = Store(disk / "q.json")
        store.add_deal("ACME")
        session = store.start_interview("acme", {"mini": "1"})
        store.record_answer(session.id, "mini.a", Answer("unknown"))
        fill(disk)
        # The file system may still have room for a write or two: go on until it fails.
        with pytest.raises(StorageError, match="no space left .* this answer was not saved"):
            for n in range(10_000):
                store.record_answer(session.id, f"mini.q{n}", Answer("unknown"))
        (disk / "filler").unlink()
        assert Store(disk / "q.json").interviews("acme")[0].answers["mini.a"] == Answer(
            "unknown")


def test_answers_from_a_file_refused_by_a_full_disk_leave_no_empty_interview(
        home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        answers_file: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "qualicoach.json"
        monkeypatch.setenv("QUALICOACH_DB", str(db))
        assert qualicoach("deal", "add", "ACME").returncode == 0
        fill(disk)
        before = files_of(disk)
        result = qualicoach("interview", "acme", "--answers", str(answers_file))
        assert result.returncode == ExitCode.MACHINE_FAULT, result.stderr
        assert files_of(disk) == before
        (disk / "filler").unlink()
        assert Store(db).interviews("acme") == []


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[tuple[str, ...]]:
    """Make ``folder`` read-only for the commands run with the yielded prefix.

    chmod does not stop root, so as root the command runs through setpriv without the
    capabilities that override file permissions (it is then denied like anyone); failing
    that, the folder is bind-mounted read-only over itself. Skips only if neither works.
    """
    mode = stat.S_IMODE(folder.stat().st_mode)
    folder.chmod(0o555)
    try:
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            yield ()
            return
        prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")
        if shutil.which("setpriv") and subprocess.run(
                [*prefix, "true"], capture_output=True, check=False).returncode == 0:
            yield prefix
            return
        bind = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                              capture_output=True, check=False)
        if bind.returncode or subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True,
                check=False).returncode:
            if not bind.returncode:
                subprocess.run(["umount", str(folder)], check=False)
            pytest.skip("root, without setpriv or mount: nothing makes a folder read-only")
        try:
            yield ()
        finally:
            subprocess.run(["umount", str(folder)], check=False)
    finally:
        folder.chmod(mode)


def test_a_read_only_folder_refuses_writes_clearly_and_still_serves_reads(
        home: Home, run: Run, answers_file: Path) -> None:
    run("deal", "add", "ACME", ok=True)
    run("interview", "acme", "--answers", str(answers_file), ok=True)
    run("deal", "edit", "acme", "--stage", "proposal", ok=True)  # the stored assessment is old
    folder = home.db.parent
    before = files_of(folder)
    with read_only(folder) as prefix:
        result = qualicoach("deal", "add", "Globex", prefix=prefix)
        assert result.returncode == ExitCode.MACHINE_FAULT, result.stderr
        [line] = result.stderr.splitlines()
        assert str(folder) in line and line.endswith("the database was not changed")
        assert "permission denied" in line or "read-only file system" in line
        for read in (("deals", "--format", "json"), ("deals", "--all"), ("report", "acme"),
                     ("deal", "show", "acme"), ("export", "--format", "json")):
            shown = qualicoach(*read, prefix=prefix)
            assert (shown.returncode, shown.stderr) == (0, ""), read
        assert json.loads(qualicoach("deals", "--format", "json", prefix=prefix).stdout
                          )[0]["stage"] == "proposal"
    assert files_of(folder) == before


@pytest.mark.parametrize("suffix,kind", [(".bak", "folder"), (".lock", "folder"),
                                         (".lock", "link loop")])
def test_something_in_the_way_of_our_files_is_named(run: Run, home: Home, suffix: str,
                                                    kind: str) -> None:
    run("deal", "add", "ACME", ok=True)
    blocker = home.db.with_name(home.db.name + suffix)
    blocker.unlink(missing_ok=True)
    if kind == "folder":
        blocker.mkdir()
    else:
        blocker.symlink_to(blocker.name)
    content = home.db.read_bytes()
    result = run("deal", "add", "Globex")
    assert result.exit_code == ExitCode.MACHINE_FAULT
    expected = "is a folder" if kind == "folder" else "is a symbolic link"
    assert result.stderr.startswith(f"qualicoach: {blocker} {expected}")
    assert result.stderr.endswith("the database was not changed\n")
    assert home.db.read_bytes() == content


def test_a_file_where_the_data_folder_should_be_is_named(run: Run, home: Home,
                                                         tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    result = run("--db", str(tmp_path / "not-a-folder" / "q.json"), "deal", "add", "ACME")
    assert result.exit_code == ExitCode.MACHINE_FAULT
    assert "not-a-folder" in result.stderr and "is a file, not a folder" in result.stderr


def test_a_file_where_the_data_folder_should_be_is_a_fault_for_reads_too(
        run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("QUALICOACH_DB", str(tmp_path / "not-a-folder" / "q.json"))
    result = run("deals")
    assert result.exit_code == ExitCode.MACHINE_FAULT
    assert "not-a-folder" in result.stderr and "is a file, not a folder" in result.stderr


# --- reads need neither write access nor the lock ----------------------------------------


def test_a_lock_held_by_a_hung_process_does_not_hold_up_reads(
        run: Run, home: Home, answers_file: Path) -> None:
    run("deal", "add", "ACME", ok=True)
    run("interview", "acme", "--answers", str(answers_file), ok=True)
    run("deal", "edit", "acme", "--stage", "proposal", ok=True)  # the stored assessment is old
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(120)",
         f"{home.db}.lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        content = home.db.read_bytes()
        # The writers' lock waits 30 s: a read that needed it would hit this timeout.
        listing = qualicoach("deals", "--format", "json", timeout=20)
        assert listing.returncode == 0, listing.stderr
        assert json.loads(listing.stdout)[0]["stage"] == "proposal"
        assert home.db.read_bytes() == content
    finally:
        holder.kill()
        holder.wait()


def test_a_cache_folder_that_cannot_be_written_changes_no_output(
        run: Run, home: Home, answers_file: Path) -> None:
    run("deal", "add", "ACME", ok=True)
    run("interview", "acme", "--answers", str(answers_file), ok=True)
    cache = home.locations.cache_dir
    assert cache is not None
    first = run("deals", "--format", "json", ok=True).stdout
    shutil.rmtree(cache)
    cache.write_text("a file where the cache folder belongs")
    assert run("deals", "--format", "json", ok=True).stdout == first


# --- nothing is written through a link ---------------------------------------------------


def test_a_planted_backup_link_is_replaced_not_written_through(home: Home,
                                                               tmp_path: Path) -> None:
    store = Store(home.db)
    store.add_deal("ACME")
    target = tmp_path / "precious.txt"
    target.write_bytes(b"precious\n")
    store.backup_path.symlink_to(target)
    store.add_deal("Globex")
    assert target.read_bytes() == b"precious\n"
    assert not store.backup_path.is_symlink()


def test_the_migration_writes_its_backup_privately_and_never_through_a_link(
        tmp_path: Path) -> None:
    original = (FIXTURES / "v0_plain_tinydb.json").read_bytes()
    path = tmp_path / "q.json"
    path.write_bytes(original)
    target = tmp_path / "precious.txt"
    target.write_bytes(b"precious\n")
    # The name the migration used for its temporary copy, before it chose random ones.
    (tmp_path / "q.json.v0.bak.tmp-").symlink_to(target)
    Store(path).edit_deal("acme", next_step="call")
    backup = tmp_path / "q.json.v0.bak"
    assert backup.read_bytes() == original
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert target.read_bytes() == b"precious\n"


def test_a_database_that_is_a_link_is_written_where_it_really_is(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "qualicoach.json"
    synced.parent.mkdir()
    link = tmp_path / "data" / "qualicoach.json"
    link.parent.mkdir()
    link.symlink_to(synced)
    Store(link).add_deal("ACME")
    Store(link).add_deal("Globex")
    assert link.is_symlink() and link.resolve() == synced
    assert [d.id for d in Store(synced).deals()] == ["acme", "globex"]
    # The lock and backup live beside the real file, shared by every path to it.
    assert sorted(p.name for p in synced.parent.iterdir()) == [
        "qualicoach.json", "qualicoach.json.bak", "qualicoach.json.lock"]
    assert sorted(p.name for p in link.parent.iterdir()) == ["qualicoach.json"]


# --- a database that a read refuses, a write refuses too, unchanged -----------------------

DAMAGED_DEALS = {
    "created not a date": ("created", "x", "deal 'acme' cannot be read"),
    "contacts not a list": ("contacts", 3, "deal 'acme' cannot be read"),
}


@pytest.mark.parametrize("field,value,message", DAMAGED_DEALS.values(), ids=DAMAGED_DEALS)
def test_a_damaged_deal_is_refused_by_reads_and_writes_alike(
        run: Run, home: Home, answers_file: Path, field: str, value: object,
        message: str) -> None:
    run("deal", "add", "ACME", ok=True)
    data = json.loads(home.db.read_text())
    data["deals"]["1"][field] = value
    home.db.write_text(json.dumps(data))
    content = home.db.read_bytes()
    for command in (("deals",), ("deals", "--format", "json"), ("deal", "show", "acme"),
                    ("deal", "add", "Globex"), ("deal", "edit", "acme", "--stage", "won"),
                    ("interview", "acme", "--answers", str(answers_file))):
        result = run(*command)
        assert result.exit_code == ExitCode.DAMAGED_DATABASE, (command, result.output)
        assert message in result.stderr and str(home.db) in result.stderr, command
        assert home.db.read_bytes() == content, command


def test_answers_for_a_deal_with_an_unreadable_interview_are_refused_before_writing(
        run: Run, home: Home, answers_file: Path) -> None:
    run("deal", "add", "ACME", ok=True)
    run("interview", "acme", "--answers", str(answers_file), ok=True)
    data = json.loads(home.db.read_text())
    data["interviews"]["1"]["answers"]["mini.agreed"]["status"] = "maybe"
    home.db.write_text(json.dumps(data))
    content = home.db.read_bytes()
    result = run("interview", "acme", "--answers", str(answers_file))
    assert result.exit_code == ExitCode.DAMAGED_DATABASE
    assert result.stderr == (
        f"qualicoach: database {home.db} is damaged: interview 'acme#1' cannot be read "
        "(ValueError: unknown answer status 'maybe'); the file was not changed\n")
    assert home.db.read_bytes() == content
