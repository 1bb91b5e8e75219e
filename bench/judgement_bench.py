"""How the coach judges the demo pipeline: the figures a sales leader checks it against.

    python bench/judgement_bench.py [--deals 200] [--seed 7] [--config config.yaml]

Builds the sample database with `qualicoach demo --deals N` (the real command) and prints,
over its open deals: the share at risk of no decision (target 15-40%), the share at risk
95 or more (target at most 5%), each verdict's share (target: every one present), the
risk histogram, on-track deals in the no-decision corner (each must say why), the top 10
of the at-risk list in the order `deals --at-risk` shows it, and the outcomes of the
closed deals. tests/cli/test_judgement.py checks the same figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from qualicoach.coaching.attention import rows_in_discussion_order
from qualicoach.coaching.pipeline import figures, pipeline
from qualicoach.config.settings import Settings, load_settings
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.storage.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--config", type=Path, help="judge with the settings of this "
                        "config.yaml (default: the built-in settings)")
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
        # A team's config.yaml shows what its weights do to the same pipeline.
        settings = load_settings(args.config) if args.config else Settings()
        rows = pipeline(store, catalog, settings, store.clock())
        today = store.clock().date()
        found = figures(rows)
    open_rows = [r for r in rows if r.verdict != "closed"]
    top = sum(1 for r in open_rows if (r.risk or 0) >= 95)
    print(f"qualicoach demo --deals {args.deals} --seed {args.seed}")
    print(f"open deals: {found.open}; at risk of no decision (at risk + stalled): "
          f"{found.at_risk} ({found.at_risk_share:.0%}, target 15-40%)")
    print(f"at risk 95 or more: {top} ({top / max(1, found.open):.1%}, target at most 5%); "
          f"at the cap (100): {found.at_cap}")
    print("verdicts: " + ", ".join(
        f"{k} {v} ({v / max(1, found.open):.0%})" if k != "closed" else f"{k} {v}"
        for k, v in found.verdicts.items()))
    print("closed: " + ", ".join(f"{k} {v}" for k, v in found.outcomes.items()))
    print("risk of open deals:")
    for low in range(0, 100, 10):
        high = 100 if low == 90 else low + 9
        count = sum(1 for r in open_rows if low <= (r.risk or 0) <= high)
        print(f"  {low:3}-{high:<3} {count:6}  {'#' * round(60 * count / max(1, found.open))}")
    corner = [r for r in open_rows if r.verdict == "on_track"
              and r.quadrant == "high_fit_low_readiness"]
    said = sum(1 for r in corner if "readiness is low" in r.headline)
    print(f"on track in the no-decision corner: {len(corner)}, saying why: {said}")
    low_fit = sum(1 for r in open_rows if r.verdict == "on_track" and r.fit is not None
                  and r.fit < 40)
    high = sum(1 for r in open_rows if r.at_risk and r.quadrant == "high_fit_high_readiness")
    print(f"on track with fit under 40: {low_fit}; at risk or stalled with fit and "
          f"readiness high (each says why): {high}")
    early = [r.headline.split("Learn next: ")[-1] for r in open_rows if r.verdict == "early"]
    if early:
        common = max(set(early), key=early.count)
        print(f"early deals: {len(early)}; the most common 'learn next' is that of "
              f"{early.count(common)} ({early.count(common) / len(early):.0%}): {common}")
    top_risk = max((r.risk or 0) for r in open_rows) if open_rows else 0
    print(f"highest risk: {top_risk}, held by "
          f"{sum(1 for r in open_rows if r.risk == top_risk)} deal(s)")
    print("deals --at-risk, top 10 (what to discuss first):")
    for r in rows_in_discussion_order([r for r in rows if r.at_risk], today, settings)[:10]:
        print(f"  {r.id[:26]:26} {r.fields.get('stage', ''):11} "
              f"{r.fields.get('amount') or 0:>9,.0f} {r.fields.get('close_date') or '':10} "
              f"risk {r.risk:3}  {r.main_reason[:40]}")


if __name__ == "__main__":
    main()
