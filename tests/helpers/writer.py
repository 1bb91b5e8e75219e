"""A writer process for the durability tests.

Usage: python writer.py DB PREFIX COUNT [EDIT_PREFIXES]

Adds COUNT deals named PREFIX-n. After each add it may tag a deal whose name starts with one
of EDIT_PREFIXES (comma-separated), chosen at random. Every write is acknowledged on stdout
*after* the store returned, i.e. after it is durable:
    added <id>          tagged <id> <tag>
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from qualicoach.errors import NotFoundError
from qualicoach.storage.store import Store


def main() -> None:
    db, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    edit_prefixes = [p for p in (sys.argv[4] if len(sys.argv) > 4 else "").split(",") if p]
    store = Store(db)
    rng = random.Random(prefix)
    for n in range(count):
        deal = store.add_deal(f"{prefix}-{n}", amount=float(n))
        print(f"added {deal.id}", flush=True)
        if edit_prefixes:
            target = f"{rng.choice(edit_prefixes)}-{rng.randrange(n + 1)}"
            tag = f"by-{prefix}-{n}"
            try:
                edited = store.edit_deal(target, add_tags=(tag,))
            except NotFoundError:
                continue  # the other writer has not added it yet
            print(f"tagged {edited.id} {tag}", flush=True)


if __name__ == "__main__":
    main()
