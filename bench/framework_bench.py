"""Framework benchmark: validating a big framework, as ratios between sizes in the same run.

    python bench/framework_bench.py [--questions 2000] [--repeat 3]

It writes a valid framework of N, 2N and 4N questions (ten per element, most with a
condition on the previous question) and a second one sharing each question with the first
(``same_as``), and times, best of --repeat, what ``qualicoach frameworks validate`` does
with them: read, parse, validate and resolve the shared questions.

Linear means about 2x for 2N and 4x for 4N (it was once 15x for 8x the questions).
The default 4N (8,000 questions) stays within the framework file limits; up to a third
above linear is reported as linear (caches, memory).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qualicoach.frameworks.catalog import load_catalog, validate_paths

# A third above linear still counts as linear: a bigger working set costs a little more
# per question (CPU caches, one collector pass over the new objects at the end).
TARGET = {2: 2.7, 4: 5.4}


def framework_text(fw_id: str, questions: int, shared_with: str | None = None) -> str:
    """A valid framework of ``questions`` questions."""
    lines = [f"id: {fw_id}", f"name: {fw_id}", "version: '1'", "perspective: fit", "elements:"]
    for number in range(questions):
        if number % 10 == 0:
            lines += [f"  - id: e{number // 10}", f"    name: Element {number // 10}",
                      "    questions:"]
        lines += [f"      - id: q{number}", f"        prompt: Question {number}?",
                  "        type: yes_no"]
        if shared_with:
            lines.append(f"        same_as: {shared_with}.q{number}")
        elif number % 3:
            lines.append(f"        when: {{q{number - 1}: yes}}")
    return "\n".join(lines) + "\n"


def best_of(repeat: int, folder: Path) -> float:
    catalog = load_catalog([])
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = validate_paths([folder], catalog)
        best = min(best, time.perf_counter() - start)
        if not result.ok:
            raise SystemExit("\n".join(map(str, result.problems[:5])))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 4):
            count = args.questions * factor
            folder = Path(tmp) / str(count)
            folder.mkdir()
            (folder / "own.yaml").write_text(framework_text("own", count), encoding="utf-8")
            (folder / "shared.yaml").write_text(framework_text("shared", count, "own"),
                                                encoding="utf-8")
            times[factor] = best_of(args.repeat, folder)
            size = sum(p.stat().st_size for p in folder.iterdir())
            line = f"{count:>7,} questions x2 files ({size / 1000:,.0f} KB): " \
                   f"{times[factor] * 1000:8.1f} ms"
            if factor > 1:
                ratio = times[factor] / times[1]
                verdict = "ok" if ratio <= TARGET[factor] else "SLOWER THAN LINEAR"
                line += f"   {ratio:4.1f}x of {args.questions:,} (linear: {factor}x) {verdict}"
            print(line)


if __name__ == "__main__":
    main()
