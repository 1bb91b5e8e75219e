"""How the coach judges the demo pipeline: the figures issue 12 asks of it.

    python bench/judgement_bench.py [--deals 200] [--seed 7]

Builds the sample database with `qualicoach demo --deals N` (the real command) and prints,
over its open deals: the share at risk of no decision (target 15-40%), the share at the
risk cap (target under 5%), how many deals get each verdict (target: every one present),
and the outcomes of the closed deals. tests/cli/test_judgement.py checks the same figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from qualicoach.coaching.pipeline import figures, pipeline
from qualicoach.config.settings import Settings
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.storage.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.json"
        # The user's own config, frameworks and cache stay out of it.
        env = {**os.environ, "QUALICOACH_CONFIG_DIR": str(Path(folder) / "config"),
               "QUALICOACH_DATA_DIR": str(Path(folder) / "data"),
               "QUALICOACH_CACHE_DIR": str(Path(folder) / "cache")}
        env.pop("QUALICOACH_FRAMEWORKS", None)
        subprocess.run([sys.executable, "-m", "qualicoach", "--db", str(db), "demo",
                        "--deals", str(args.deals), "--seed", str(args.seed)],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        store = Store(db)
        catalog = load_catalog([Source("built-in", builtin_folder())])
        rows = pipeline(store, catalog, Settings(), store.clock())
        found = figures(rows)
    print(f"qualicoach demo --deals {args.deals} --seed {args.seed}")
    print(f"open deals: {found.open}; at risk of no decision (at risk + stalled): "
          f"{found.at_risk} ({found.at_risk_share:.0%}, target 15-40%)")
    print(f"at the risk cap (100): {found.at_cap} ({found.at_cap_share:.1%}, target < 5%)")
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in found.verdicts.items()))
    print("closed: " + ", ".join(f"{k} {v}" for k, v in found.outcomes.items()))


if __name__ == "__main__":
    main()
