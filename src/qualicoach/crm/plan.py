"""Matching a CRM export's deals to the ones we have, and importing them in one write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qualicoach.domain.deal import DEAL_FIELDS, Deal, check_deal_fields, slugify
from qualicoach.storage.store import Store


@dataclass(frozen=True)
class UpsertPlan:
    """The outcome of an import: deals created, deals updated, rows that changed nothing."""

    created: tuple[Deal, ...]
    updated: tuple[Deal, ...]
    unchanged: int


def plan_import(store: Store, rows: Sequence[Mapping[str, Any]],
                defaults: Mapping[str, Any] | None = None) -> UpsertPlan:
    """What importing ``rows`` (deal fields) would create and change, writing nothing."""
    return plan_upsert(store.deals(include_archived=True), rows, store.clock(), defaults)


def import_rows(store: Store, rows: Sequence[Mapping[str, Any]],
                defaults: Mapping[str, Any] | None = None) -> UpsertPlan:
    """Import deals: one matching by CRM id (or else by name and account) is updated,
    its tracked changes recorded; the others are created. All in one write."""
    check_deal_fields({k: v for row in rows for k, v in row.items()})
    return store.apply_deal_changes(
        lambda existing: plan_upsert(existing, rows, store.clock(), defaults))


def plan_upsert(existing: Sequence[Deal], rows: Sequence[Mapping[str, Any]],
                now: datetime, defaults: Mapping[str, Any] | None = None) -> UpsertPlan:
    """Match ``rows`` to ``existing`` deals: by CRM id, else by name and account (a deal
    without a CRM id takes the first row naming it); the rest become new deals.

    ``defaults`` (such as the settings' currency) fill a new deal's fields its row does
    not give; a deal that exists keeps its own."""
    by_crm = {d.crm_id: d for d in existing if d.crm_id}
    by_name = {(d.name.casefold(), d.account.casefold()): d for d in existing}
    taken = {d.id for d in existing}
    created: dict[str, Deal] = {}
    updated: dict[str, Deal] = {}
    unchanged = 0
    for row in rows:
        crm_id = str(row.get("crm_id") or "")
        key = (str(row["name"]).casefold(), str(row.get("account", "")).casefold())
        match = by_crm.get(crm_id) if crm_id else by_name.get(key)
        if match is None and crm_id:
            match = by_name.get(key) if key in by_name and not by_name[key].crm_id else None
        if match is not None:
            # A deal created earlier in this same import is changed where it stands.
            target = created if match.id in created else updated
            current = target.get(match.id, match)
            changes = {k: v for k, v in row.items() if getattr(current, k) != v}
            if changes:
                target[match.id] = current.with_changes(changes, now)
            else:
                unchanged += 1
            continue
        base, n = slugify(str(row["name"])), 1
        deal_id = base
        while deal_id in taken:
            n += 1
            deal_id = f"{base}-{n}"
        taken.add(deal_id)
        deal = Deal(id=deal_id, created=now, updated=now, **{**(defaults or {}), **row})
        created[deal_id] = deal
        if crm_id:
            by_crm[crm_id] = deal
        by_name[key] = deal
    return UpsertPlan(tuple(created.values()), tuple(updated.values()), unchanged)


def changed_fields(before: Deal, after: Deal) -> list[tuple[str, Any, Any]]:
    """The fields a caller may set that differ between two versions of a deal, in the
    deal's own field order: (field, old, new)."""
    order = [f for f in Deal.__dataclass_fields__ if f in DEAL_FIELDS]
    return [(f, getattr(before, f), getattr(after, f)) for f in order
            if getattr(before, f) != getattr(after, f)]
