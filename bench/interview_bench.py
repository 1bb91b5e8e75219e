"""Interview benchmark: time per persisted answer on a large database.

    python bench/interview_bench.py [--deals 10000] [--answers 40]

Builds a database of --deals deals (realistic answers, as bench/store_bench.py), then runs
the interview engine against the real store for one deal, as the CLI does, and reports:

- per answer:  engine.submit -> store (the whole file written, fsynced and renamed into
               place), the time between the rep's answer and the next prompt; ratio
               against the floor, writing the file's bytes to a new file with fsync in the
               same folder, measured in the same run;
- start:       opening the database and starting the interview (one full write);
- finish:      ending the interview (one full write);
ratios for those two against json.loads of the same file (the floor for reading it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import migrate_once, realistic_data

from qualicoach.coaching.flow import QuestionFlow
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.storage.store import Store


def floor_write(folder: Path, payload: bytes, count: int) -> float:
    """The median time to write ``payload`` to a new file and fsync it."""
    times = []
    for n in range(count):
        start = time.perf_counter()
        with open(folder / f"floor-{n}", "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "qualicoach.json"
        db.write_text(json.dumps(realistic_data(args.deals, random.Random(1))))
        text = db.read_text()
        start = time.perf_counter()
        json.loads(text)
        read_floor = time.perf_counter() - start
        del text
        migrate_once(db)

        catalog = load_catalog([Source("built-in", builtin_folder())])
        frameworks = [catalog.get("meddic"), catalog.get("bant"), catalog.get("alignment")]
        start = time.perf_counter()
        store = Store(db)
        deal = store.deal("account-77-expansion")
        previous = store.latest_answers(deal.id)
        session = store.start_interview(deal.id, {f.id: f.version for f in frameworks})
        start_time = time.perf_counter() - start

        engine = QuestionFlow(frameworks, lambda k, a: store.record_answer(session.id, k, a),
                              store.clock, previous=previous, include_optional=True)
        per_answer: list[float] = []
        rng = random.Random(2)
        while len(per_answer) < args.answers and (step := engine.next_step()) is not None:
            raw = rng.choice(["unknown", "unclear", *step.question.valid_values()]) \
                if step.question.valid_values() else "unknown"
            began = time.perf_counter()
            engine.submit(step, raw)
            engine.next_step()  # what the rep waits for: the next question is ready
            per_answer.append(time.perf_counter() - began)
        start = time.perf_counter()
        store.end_interview(session.id, "finished")
        finish_time = time.perf_counter() - start
        floor = floor_write(folder, db.read_bytes(), 10)
        kept = Store(db).interviews(deal.id)[-1]
        assert len(kept.answers) == len(per_answer), "every answer must be in the database"

    median = statistics.median(per_answer)
    worst = max(per_answer)
    print(f"database: {args.deals:,} deals, {db.name}; {len(per_answer)} answers")
    print(f"per answer: median {median * 1000:.2f} ms, worst {worst * 1000:.2f} ms; "
          f"floor (the file's bytes written and fsynced) {floor * 1000:.2f} ms; "
          f"ratio {median / floor:.2f}x")
    print(f"start: {start_time:.3f} s ({start_time / read_floor:.2f}x json.loads of the file, "
          f"{read_floor:.3f} s); finish: {finish_time:.3f} s "
          f"({finish_time / read_floor:.2f}x)")


if __name__ == "__main__":
    main()
