"""Team review benchmark: a manager's review of every rep's database, as a ratio to one
rep's own listing measured in the same run.

    python bench/team_bench.py [--reps 50] [--deals 200] [--repeat 5]
                               [--many 200] [--many-deals 50]

Each rep's database is what ``qualicoach demo`` makes (sample deals with their interviews),
with a seed, deal ids and an owner of its own, so no two reps share a deal. Every command
runs as a shell user runs it (the installed console script, a fresh process each time);
times are medians of --repeat rounds, peak memory the process's maximum resident set (from
wait4). Each round runs the baseline and the reviews one after the other, so a machine busy
with other work slows them alike. The first round is not counted: it fills the cache folder
(the rep's own for the baseline, the manager's for the reviews), as last week's listing and
review did; the review "first time" runs with an empty cache folder every time.

- baseline: one rep's ``qualicoach --db REP deals`` (the table a rep reads);
- ``team review FOLDER`` over --reps databases of --deals deals (the table, json, and the
  table with no cache at all: every deal scored);
- ``team review FOLDER`` over --many databases of --many-deals deals (that many files
  still work);
- each review's ratio to the baseline.

Targets: the review of 50 reps' 200 deals at most 3x the baseline, under 300 MB; 200 files
reviewed without a failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable

# Run in a process of its own for each folder: a child's peak memory counts what its
# parent held when it forked, so the bench itself stays small.
BUILD = """
import sys
from dataclasses import replace
from pathlib import Path
from qualicoach.coaching.sample import sample_deals
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.storage.store import Store

folder, reps, deals = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
catalog = load_catalog([Source("built-in", builtin_folder())])
frameworks = [catalog.get(f) for f in ("bant", "meddic", "alignment")]
for rep in range(reps):
    store = Store(folder / f"rep{rep:03d}.json")
    now = store.clock()
    owner = f"rep{rep:03d}"
    def renamed(sample):
        deal = replace(sample.deal, id=f"{sample.deal.id}-{owner}", owner=owner)
        return deal, [replace(i, deal_id=deal.id) for i in sample.interviews]
    store.insert_deals((renamed(s) for s in sample_deals(deals, frameworks, now, seed=rep)),
                       sample=True)
"""


def run(command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
        ) -> tuple[float, float]:
    """Seconds and peak resident MB of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"failed ({code}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def build(folder: Path, reps: int, deals: int, env: dict[str, str]) -> float:
    """Fill ``folder`` with ``reps`` databases of ``deals`` deals; seconds it took."""
    folder.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", BUILD, str(folder), str(reps), str(deals)], env=env,
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--many", type=int, default=200)
    parser.add_argument("--many-deals", type=int, default=50)
    args = parser.parse_args()
    # Measure what users run: pip compiles bytecode at install.
    import compileall

    import qualicoach

    compileall.compile_dir(str(Path(qualicoach.__file__).parent), quiet=1)
    qualicoach_cmd = str(Path(PYTHON).with_name("qualicoach"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "QUALICOACH_CONFIG_DIR": str(root / "config"),
               "QUALICOACH_DATA_DIR": str(root / "data"),
               "QUALICOACH_CACHE_DIR": str(root / "cache"), "NO_COLOR": "1",
               "COLUMNS": "100"}
        env.pop("QUALICOACH_FRAMEWORKS", None)
        env.pop("QUALICOACH_DB", None)
        team, many = root / "team", root / "many"
        took = build(team, args.reps, args.deals, env)
        print(f"{args.reps} reps x {args.deals:,} deals built in {took:.1f} s", flush=True)
        took = build(many, args.many, args.many_deals, env)
        print(f"{args.many} reps x {args.many_deals:,} deals built in {took:.1f} s",
              flush=True)
        one = sorted(team.glob("*.json"))[0]
        baseline = [qualicoach_cmd, "--db", str(one), "deals"]
        commands = {
            f"team review ({args.reps} files, table)": [qualicoach_cmd, "team", "review",
                                                        str(team)],
            f"team review ({args.reps} files, json)": [qualicoach_cmd, "team", "review",
                                                       str(team), "--format", "json"],
            f"team review ({args.many} files, table)": [qualicoach_cmd, "team", "review",
                                                        str(many)],
        }
        cold = {**env, "QUALICOACH_CACHE_DIR": str(root / "cold-cache")}
        first_time = [qualicoach_cmd, "team", "review", str(team)]
        rounds = []
        for _ in range(args.repeat + 1):
            shutil.rmtree(root / "cold-cache", ignore_errors=True)
            rounds.append([run(baseline, env)] + [run(c, env) for c in commands.values()]
                          + [run(first_time, cold)])
        commands[f"team review ({args.reps} files, first time)"] = first_time
        rounds = rounds[1:]  # the first round warms the caches
        base = statistics.median(r[0][0] for r in rounds)
        base_mb = max(r[0][1] for r in rounds)
        print(f"\n{'one rep: deals':40}{base:>7.3f}s {base_mb:>5.0f} MB   (baseline)")
        for k, name in enumerate(commands, 1):
            seconds = statistics.median(r[k][0] for r in rounds)
            peak = max(r[k][1] for r in rounds)
            print(f"{name:40}{seconds:>7.3f}s {peak:>5.0f} MB   {seconds / base:.2f}x baseline",
                  flush=True)


if __name__ == "__main__":
    main()
