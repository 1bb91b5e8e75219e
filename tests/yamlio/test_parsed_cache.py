"""The cache of parsed framework and settings files: a shortcut that is never wrong."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qualicoach.config.settings import load_frameworks_dirs, load_settings
from qualicoach.errors import SettingsError
from qualicoach.frameworks.catalog import Source, load_catalog
from qualicoach.yamlio.cache import ParsedCache

from ..helpers.frameworks import MINI
from ..helpers.home import Home, Run


def counting_parse(calls: list[bytes]):  # type: ignore[no-untyped-def]
    def parse(data: bytes) -> str:
        calls.append(data)
        return data.decode().upper()
    return parse


def test_the_same_bytes_are_parsed_once_across_runs(tmp_path: Path) -> None:
    calls: list[bytes] = []
    first = ParsedCache(tmp_path / "c.pickle")
    assert first.parse("k", "f.yaml", b"abc", counting_parse(calls)) == "ABC"
    first.save()
    again = ParsedCache(tmp_path / "c.pickle")
    assert again.parse("k", "f.yaml", b"abc", counting_parse(calls)) == "ABC"
    assert calls == [b"abc"]


def test_changed_bytes_are_parsed_again(tmp_path: Path) -> None:
    calls: list[bytes] = []
    first = ParsedCache(tmp_path / "c.pickle")
    first.parse("k", "f.yaml", b"abc", counting_parse(calls))
    first.save()
    assert ParsedCache(tmp_path / "c.pickle").parse("k", "f.yaml", b"abd",
                                                    counting_parse(calls)) == "ABD"
    assert calls == [b"abc", b"abd"]


def test_a_result_is_kept_per_file_name_and_kind(tmp_path: Path) -> None:
    calls: list[bytes] = []
    cache = ParsedCache(tmp_path / "c.pickle")
    for kind, name in (("k", "a.yaml"), ("k", "b.yaml"), ("other", "a.yaml")):
        cache.parse(kind, name, b"same", counting_parse(calls))
    assert len(calls) == 3


def test_what_a_parse_raises_is_not_kept(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "c.pickle")

    def fail(data: bytes) -> str:
        raise ValueError("bad")

    with pytest.raises(ValueError):
        cache.parse("k", "f.yaml", b"abc", fail)
    cache.save()
    assert not (tmp_path / "c.pickle").exists()


def test_a_damaged_cache_is_parsed_over(tmp_path: Path) -> None:
    path = tmp_path / "c.pickle"
    path.write_bytes(b"\x80\x05not a pickle")
    calls: list[bytes] = []
    cache = ParsedCache(path)
    assert cache.parse("k", "f.yaml", b"abc", counting_parse(calls)) == "ABC"
    cache.save()
    assert ParsedCache(path).parse("k", "f.yaml", b"abc", counting_parse(calls)) == "ABC"
    assert calls == [b"abc"]


def test_a_cache_written_by_other_parsing_code_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "c.pickle"
    cache = ParsedCache(path)
    cache.parse("k", "f.yaml", b"abc", counting_parse([]))
    cache.save()
    stamp, entries = pickle.loads(path.read_bytes())
    # As if an older qualicoach had parsed the same bytes to something else.
    entries[("k", "f.yaml")] = (entries[("k", "f.yaml")][0], "OLD")
    path.write_bytes(pickle.dumps((("another version",), entries)))
    assert ParsedCache(path).parse("k", "f.yaml", b"abc", counting_parse([])) == "ABC"


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    cache = ParsedCache(blocker / "c.pickle")
    assert cache.parse("k", "f.yaml", b"abc", counting_parse([])) == "ABC"
    cache.save()
    assert blocker.read_text() == "a file where the cache folder would be"


def test_the_cache_file_is_the_users_alone(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "c.pickle"
    cache = ParsedCache(path)
    cache.parse("k", "f.yaml", b"abc", counting_parse([]))
    cache.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_framework_edited_within_the_same_clock_tick_is_read_again(tmp_path: Path) -> None:
    # Same size, same modification time: only the bytes tell the edit apart.
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "mini.yaml"
    path.write_text(MINI)
    cache_path = tmp_path / "cache" / "parsed.pickle"
    sources = [Source("team", folder)]
    cache = ParsedCache(cache_path)
    assert load_catalog(sources, cache).get("mini").name == "Mini"
    cache.save()
    times = path.stat()
    path.write_text(MINI.replace("name: Mini", "name: Maxi"))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert load_catalog(sources, ParsedCache(cache_path)).get("mini").name == "Maxi"


def test_a_broken_frameworks_problems_come_from_the_cache_too(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "bad.yaml").write_text("id: bad\nname: [unclosed\n")
    cache_path = tmp_path / "cache" / "parsed.pickle"
    cache = ParsedCache(cache_path)
    fresh = load_catalog([Source("team", folder)], cache)
    cache.save()
    cached = load_catalog([Source("team", folder)], ParsedCache(cache_path))
    assert fresh.problems and [str(p) for p in cached.problems] == [str(p) for p in
                                                                    fresh.problems]


def test_edited_settings_are_read_again(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("stale_after_days: 30\n")
    cache_path = tmp_path / "cache" / "parsed.pickle"
    cache = ParsedCache(cache_path)
    assert load_settings(config, cache).stale_after_days == 30
    cache.save()
    config.write_text("stale_after_days: 45\n")
    assert load_settings(config, ParsedCache(cache_path)).stale_after_days == 45


def test_a_team_folder_under_home_follows_whoever_runs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A shared config folder and cache, two users: "~" is each one's own home.
    config = tmp_path / "config.yaml"
    config.write_text("frameworks_dirs: [~/team]\n")
    cache_path = tmp_path / "cache" / "parsed.pickle"
    monkeypatch.setenv("HOME", str(tmp_path / "ann"))
    cache = ParsedCache(cache_path)
    assert load_frameworks_dirs(config, cache) == (tmp_path / "ann" / "team",)
    cache.save()
    monkeypatch.setenv("HOME", str(tmp_path / "bob"))
    assert load_frameworks_dirs(config, ParsedCache(cache_path)) == (tmp_path / "bob" / "team",)


def test_settings_in_error_are_reported_each_time(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("stale_after_days: soon\n")
    cache = ParsedCache(tmp_path / "c.pickle")
    for _ in range(2):
        with pytest.raises(SettingsError, match="stale_after_days must be a whole number"):
            load_settings(config, cache)


def test_a_command_fills_the_cache_in_the_cache_folder(run: Run, home: Home) -> None:
    result = run("frameworks", "list")
    assert result.exit_code == 0, result.output
    assert (home.root / "cache" / "parsed.pickle").is_file()


WARM_RUN = """
import sys
from qualicoach.cli.app import main
code = main(["frameworks", "show", "bant"])
print("yaml loaded" if "yaml" in sys.modules else "no yaml", file=sys.stderr)
sys.exit(code)
"""


def test_with_the_cache_filled_a_command_does_not_load_the_yaml_library(home: Home) -> None:
    """What the cache is for: start-up without the YAML library and our parsing code."""
    home.write_framework("mini.yaml", MINI)
    (home.config_dir).mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("stale_after_days: 30\n")
    seen = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", WARM_RUN], capture_output=True,
                              text=True, timeout=60, env=os.environ.copy())
        assert done.returncode == 0, done.stderr
        seen.append(done.stderr.strip().splitlines()[-1])
    assert seen == ["yaml loaded", "no yaml"]
