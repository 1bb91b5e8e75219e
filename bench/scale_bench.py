"""Start-up and scale benchmark: a rep's commands, as ratios measured in one run.

    python bench/scale_bench.py [--sizes 200,2000,10000] [--repeat 5] [--skip-interview]

Every command runs as a shell user runs it (the installed console script, a fresh
process each time); times are medians of --repeat rounds, peak memory is the process's
maximum resident set (from wait4). Each round runs the baseline and the command at every
size one after the other, so a machine busy with other work slows them alike. Each is timed
twice: wall-clock seconds, what a user waits, and CPU seconds (user and system, from
wait4), which other work on a busy machine disturbs far less. It prints:

- the baseline: a one-file Typer app whose one command takes an argument and two options
  and prints a line (it pays Typer's own imports, as every command does);
- for each size, a database built by ``qualicoach demo --deals N`` (its time, peak memory
  and size at rest per deal), then ``deals --at-risk --format json``, ``report DEAL``,
  ``deal show DEAL``, ``history DEAL`` and the start of an interview (until its first
  question is on the screen, in a pseudo-terminal), and how long one answer takes to be
  on disk in an interview (``Store.record_answer``, median of 20);
- ``--help``;
- each command's ratio to the baseline at the first size (wall-clock, then CPU), and at
  every other size its ratio to itself at the first size.

Targets: at 200 deals each command at most 1.2x the baseline; at 2,000 deals (years of a
rep's deals) the one-deal commands at most 1.5x their 200-deal time, the listing at most
2x, and an answer on disk within 100 ms; at 10,000 deals every command under 3 s.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
BARE_APP = '''import typer

app = typer.Typer()


@app.command()
def main(deal: str, format: str = typer.Option("text", "--format"),
         at_risk: bool = typer.Option(False, "--at-risk")) -> None:
    print(f"{deal}: {format} {at_risk}")


app()
'''
# One answer after another, as an interview records them: the median time each takes.
ANSWERS = """
import statistics, sys, time
from pathlib import Path
from qualicoach.domain.answer import Answer
from qualicoach.storage.store import Store
store = Store(Path(sys.argv[1]))
deal = store.deals()[len(store.deals()) // 2].id
interview = store.start_interview(deal, {"bant": "1.1"})
times = []
for n in range(20):
    start = time.perf_counter()
    store.record_answer(interview.id, f"bant.q{n}", Answer("unknown"))
    times.append(time.perf_counter() - start)
store.remove_interview(interview.id)
print(statistics.median(times))
"""
# Shown with the first question of an interview: "Budget - 1 of 7".
FIRST_QUESTION = b" - 1 of "


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak resident MB of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def interview_start(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds until the interview's first question is on a terminal, the CPU seconds it
    took, and peak MB then."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(command[0], command, env)
    seen = b""
    try:
        while FIRST_QUESTION not in seen:
            if time.perf_counter() - start > 60:
                raise SystemExit(f"no question after 60 s: {' '.join(command)}\n{seen[-500:]!r}")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    raise SystemExit(f"ended before a question: {seen[-500:]!r}") from None
        elapsed = time.perf_counter() - start
    finally:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-interview", action="store_true")
    args = parser.parse_args()
    # Measure what users run: pip compiles bytecode at install.
    import compileall

    import qualicoach

    compileall.compile_dir(str(Path(qualicoach.__file__).parent), quiet=1)
    qualicoach_cmd = str(Path(PYTHON).with_name("qualicoach"))
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "QUALICOACH_CONFIG_DIR": str(folder / "config"),
               "QUALICOACH_DATA_DIR": str(folder / "data"),
               "QUALICOACH_CACHE_DIR": str(folder / "cache"), "NO_COLOR": "1",
               "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
        env.pop("QUALICOACH_FRAMEWORKS", None)
        env.pop("QUALICOACH_DB", None)
        bare = folder / "bare.py"
        bare.write_text(BARE_APP)
        baseline = [PYTHON, str(bare), "acme", "--format", "json", "--at-risk"]
        commands: dict[str, list[list[str]]] = {name: [] for name in COMMANDS}
        for size in sizes:
            db = folder / f"demo-{size}.json"
            built, _, built_mb = run([qualicoach_cmd, "demo", "--deals", str(size), "--db",
                                   str(db)], env)
            answer = float(subprocess.run([PYTHON, "-c", ANSWERS, str(db)], env=env,
                                          capture_output=True, text=True, check=True).stdout)
            print(f"{size:,} deals: demo {built:.1f} s, {built_mb:.0f} MB peak; "
                  f"{db.stat().st_size / size / 1024:.1f} KB a deal at rest; an answer on "
                  f"disk in {answer * 1000:.0f} ms", flush=True)
            ids = subprocess.run([qualicoach_cmd, "--db", str(db), "deals", "--all",
                                  "--format", "ids"], env=env, capture_output=True,
                                 text=True, check=True).stdout.split()
            for name, words in COMMANDS.items():
                command = [qualicoach_cmd, "--db", str(db),
                           *[ids[len(ids) // 2] if w == "DEAL" else w for w in words]]
                commands[name].append(command)
        if not args.skip_interview:
            commands["interview start"] = [
                [*c, "-F", "bant", "--quick"] for c in commands.pop("interview")]
        else:
            commands.pop("interview")
        commands["--help"] = [[qualicoach_cmd, "--help"]]
        print(f"\ncommand{'':26}" + "".join(f"{s:>8,} deals" for s in sizes)
              + "   (seconds; peak MB)")
        for name, per_size in commands.items():
            runner = interview_start if name == "interview start" else run
            # Interleaved, so a busy machine slows the baseline and every size alike.
            rounds = []
            for _ in range(args.repeat + 1):
                rounds.append([run(baseline, env)] + [runner(c, env) for c in per_size])
            rounds = rounds[1:]  # the first round warms the caches
            base = statistics.median(r[0][0] for r in rounds)
            base_cpu = statistics.median(r[0][1] for r in rounds)
            times = [statistics.median(r[k + 1][0] for r in rounds)
                     for k in range(len(per_size))]
            cpus = [statistics.median(r[k + 1][1] for r in rounds)
                    for k in range(len(per_size))]
            peaks = [max(r[k + 1][2] for r in rounds) for k in range(len(per_size))]
            cells = "".join(f"{s:>7.3f}s {m:>4.0f}" for s, m in zip(times, peaks, strict=True))
            ratios = [f"{times[0] / base:.2f}x baseline (CPU {cpus[0]:.3f}s, "
                      f"{cpus[0] / base_cpu:.2f}x the baseline's {base_cpu:.3f}s)"]
            ratios += [f"{t / times[0]:.2f}x at {sizes[k + 1]:,}" for k, t in
                       enumerate(times[1:])]
            print(f"{name:32}{cells}   {', '.join(ratios)} (baseline {base:.3f}s)",
                  flush=True)


COMMANDS = {
    "deals --at-risk --format json": ["deals", "--at-risk", "--format", "json"],
    "report DEAL": ["report", "DEAL"],
    "deal show DEAL": ["deal", "show", "DEAL"],
    "history DEAL": ["history", "DEAL"],
    "interview": ["interview", "DEAL"],
}


if __name__ == "__main__":
    main()
