"""Store benchmark: loading all deals and one durable write, as ratios to the json module.

    python bench/store_bench.py [--sizes 1000,10000,100000] [--repeat 3]

For each size it builds a database of deals with realistic interview answers (about 30
answers per deal), then times, best of --repeat:

- baseline read:   json.loads of the data as one file's text (stdlib json)
- load all deals:  a fresh Store(path).deals()
- baseline write:  json.dumps of the data plus write and one fsync (stdlib json)
- cold write:      a fresh Store edits one deal (lock, read, write, fsync, rename)
- warm write:      a Store that wrote before edits one deal (no re-read while unchanged)

Ratios are against the baselines measured in the same run, so they compare across machines.
Target: a durable write into 10,000 deals within 3x of the baseline write.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qualicoach.storage.store import Store

STAGES = ["prospect", "discovery", "qualified", "proposal", "negotiation"]
VALUES = ["yes", "no", "partial", "approved", "to_request", "specific", "vague", "met", "none"]


def realistic_data(count: int, rng: random.Random) -> dict[str, object]:
    """Deals and interviews shaped like the ones qualicoach writes."""
    deals, interviews = {}, {}
    for n in range(1, count + 1):
        deal_id = f"account-{n}-expansion"
        deals[str(n)] = {
            "id": deal_id, "name": f"Account {n} expansion", "account": f"Account {n} Ltd",
            "owner": rng.choice(["ana", "ben", "chen", "dana"]), "stage": rng.choice(STAGES),
            "amount": float(rng.randrange(5_000, 500_000)), "currency": "EUR",
            "close_date": f"2027-{rng.randrange(1, 13):02d}-15", "next_step": "Demo to the CFO",
            "contacts": [{"name": f"Contact {k}", "role": "champion", "title": "Head of Ops"}
                         for k in range(rng.randrange(1, 4))],
            "tags": ["q1"], "created": "2026-09-01T10:00:00+00:00",
            "updated": "2026-11-01T10:00:00+00:00", "archived": False,
            "history": [{"field": "close_date", "old": "2026-12-15", "new": "2027-01-15",
                         "at": "2026-10-01T10:00:00+00:00"}],
        }
        answers = {}
        for q in range(30):
            status = rng.choices(["answered", "unknown", "unclear"], [8, 1, 1])[0]
            answers[f"framework{q % 3}.question_{q}"] = {
                "value": rng.choice(VALUES) if status == "answered" else None,
                "status": status,
                "evidence": {"source": "Jane Doe (CFO)", "verified": rng.random() < 0.5},
                "note": "Said on the discovery call" if rng.random() < 0.3 else "",
                "private": False, "at": "2026-11-01T10:05:00+00:00",
                "confirmed": "2026-11-01T10:05:00+00:00",
            }
        interviews[str(n)] = {
            "id": f"{deal_id}#1", "deal": deal_id,
            "frameworks": {"bant": "1.0", "meddic": "1.0", "alignment": "1.0"},
            "started": "2026-11-01T10:00:00+00:00", "finished": "2026-11-01T10:20:00+00:00",
            "status": "finished", "answers": answers,
        }
    # The shape of schema version 1: a store brings it up to date on its first write
    # (``migrate_once``), as it does for a user's database.
    return {"meta": {"1": {"schema_version": 1}}, "deals": deals, "interviews": interviews}


def migrate_once(path: Path) -> None:
    """Bring a version-1 file to the current schema (one write), outside the timings."""
    Store(path).edit_deal("account-1-expansion", next_step="split")


def best_of(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline_write(data: object, folder: Path) -> None:
    text = json.dumps(data)
    with open(folder / "baseline.json", "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def run(size: int, repeat: int, folder: Path) -> dict[str, float]:
    rng = random.Random(size)
    data = realistic_data(size, rng)
    path = folder / f"db-{size}.json"
    path.write_text(json.dumps(data))
    del data
    text = path.read_text()
    results = {"size_mb": path.stat().st_size / 1e6}
    results["baseline_read"] = best_of(repeat, lambda: json.loads(text))
    migrate_once(path)
    results["load_all"] = best_of(repeat, lambda: Store(path).deals())
    parsed = json.loads(text)
    results["baseline_write"] = best_of(repeat, lambda: baseline_write(parsed, folder))
    counter = iter(range(10**9))
    results["cold_write"] = best_of(
        repeat, lambda: Store(path).edit_deal("account-1-expansion", next_step=f"s{next(counter)}"))
    warm = Store(path)
    warm.edit_deal("account-2-expansion", next_step="warm up")
    results["warm_write"] = best_of(
        repeat, lambda: warm.edit_deal("account-2-expansion", next_step=f"s{next(counter)}"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'deals':>7} {'MB':>6} | {'read':>7} {'load all':>9} {'ratio':>6} | "
          f"{'write':>7} {'cold':>7} {'ratio':>6} {'warm':>7} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            r = run(size, args.repeat, Path(tmp))
            print(f"{size:>7} {r['size_mb']:>6.1f} | {r['baseline_read']:>6.3f}s "
                  f"{r['load_all']:>8.3f}s {r['load_all'] / r['baseline_read']:>5.2f}x | "
                  f"{r['baseline_write']:>6.3f}s {r['cold_write']:>6.3f}s "
                  f"{r['cold_write'] / r['baseline_write']:>5.2f}x {r['warm_write']:>6.3f}s "
                  f"{r['warm_write'] / r['baseline_write']:>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
