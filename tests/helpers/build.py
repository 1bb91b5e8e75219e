"""Test data built through the library, for tests where the command line is not under test.

Each CLI call in a fixture is a whole command run (frameworks loaded, the database opened,
a summary rendered); these helpers make the same writes directly, the way the commands do.
"""

from __future__ import annotations

from typing import Any

from qualicoach.coaching.answers_file import load_answers_file
from qualicoach.frameworks.catalog import Catalog, Source, builtin_folder, load_catalog
from qualicoach.storage.store import Store

from .home import Home


def catalog_of(home: Home) -> Catalog:
    """The frameworks a command run in ``home`` would see (built-in and team folders)."""
    return load_catalog(home.locations.framework_sources())


def builtin_catalog() -> Catalog:
    """The built-in frameworks alone."""
    return load_catalog([Source("built-in", builtin_folder())])


def record_answers_file(store: Store, catalog: Catalog, deal_id: str, answers: str) -> None:
    """What ``qualicoach interview DEAL --answers FILE`` stores, for that file's text."""
    path = store.path.parent / f"{deal_id}.answers.yaml"
    path.write_text(answers, encoding="utf-8")
    frameworks, parsed = load_answers_file(path, catalog, store.clock())
    session = store.start_interview(deal_id, {f.id: f.version for f in frameworks})
    store.record_answers(session.id, parsed)
    store.end_interview(session.id, "finished")


def deal_with_answers(store: Store, catalog: Catalog, name: str, answers: str | None = None,
                      **fields: Any) -> str:
    """Add a deal (``fields`` as ``Store.add_deal`` takes them) and, given ``answers``
    (an answers file's text), a finished interview with them; return the deal's id."""
    deal_id: str = store.add_deal(name, **fields).id
    if answers is not None:
        record_answers_file(store, catalog, deal_id, answers)
    return deal_id
