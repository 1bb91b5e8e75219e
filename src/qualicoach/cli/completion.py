"""Shell completion of the values a user types most: deals, frameworks, stages, roles, tags.

The shell calls these on every Tab, so each reads as little as it can, and none ever fails:
a missing or damaged database or framework folder completes nothing rather than print an
error into the user's command line.
"""

from collections.abc import Callable

import typer

from qualicoach.cli.context import load_frameworks, locations
from qualicoach.domain.vocabulary import ROLES, STAGES

Completion = list[tuple[str, str]]


def _quietly(find: Callable[[], Completion]) -> Completion:
    from qualicoach.errors import QualicoachError

    try:
        return find()
    except (QualicoachError, OSError, ValueError):
        return []


def deal_ids(ctx: typer.Context, incomplete: str) -> Completion:
    """Deal ids starting with ``incomplete``, each with its name; archived ones too, as
    every command that takes a deal accepts them."""
    from qualicoach.storage.store import Store

    def find() -> Completion:
        records = Store(locations(ctx).database).records(include_archived=True)
        return sorted((str(d["id"]), str(d.get("name", ""))) for d, _ in records
                      if str(d.get("id", "")).startswith(incomplete))

    return _quietly(find)


def framework_ids(ctx: typer.Context, incomplete: str) -> Completion:
    """Ids of the frameworks this run would load, each with its name."""
    def find() -> Completion:
        catalog = load_frameworks(ctx)
        return [(fw_id, entry.framework.name) for fw_id, entry in catalog.entries.items()
                if fw_id.startswith(incomplete)]

    return _quietly(find)


def tags(ctx: typer.Context, incomplete: str) -> Completion:
    """Tags already used on deals."""
    from qualicoach.storage.store import Store

    def find() -> Completion:
        records = Store(locations(ctx).database).records(include_archived=True)
        used = {str(t) for d, _ in records for t in d.get("tags") or ()}
        return [(t, "") for t in sorted(used) if t.startswith(incomplete)]

    return _quietly(find)


def stages(incomplete: str) -> Completion:
    """The deal stages, in pipeline order."""
    return [(s, "") for s in STAGES if s.startswith(incomplete)]


def roles(incomplete: str) -> Completion:
    """The stakeholder roles."""
    return [(r, "") for r in ROLES if r.startswith(incomplete)]
