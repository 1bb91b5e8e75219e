"""The deal model and the parsing of every value a user can give a deal."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from qualicoach.domain.vocabulary import CLOSED_STAGES, OPEN_STAGES, ROLES, STAGES
from qualicoach.errors import AmbiguousError, InvalidValueError, NotFoundError, command_hint

__all__ = ["ROLES", "STAGES", "Change", "Contact", "Deal"]
# Changes to these fields are kept with their time, so a slipped close date shows later.
TRACKED_FIELDS = ("amount", "stage", "close_date")
# A trillion: no deal is larger, so a bigger amount is a data error (a pasted id, a shifted
# column), and floats past 2**53 could not keep its cents anyway.
MAX_AMOUNT = 1e12
MAX_TEXT = 2000
# Every field a caller may set on a deal (the others are bookkeeping).
DEAL_FIELDS = frozenset({"name", "account", "owner", "stage", "amount", "currency",
                         "close_date", "next_step", "tags", "contacts", "archived", "crm_id",
                         "close_reason"})


class Contact(NamedTuple):
    """A stakeholder on the customer's side and their role in the decision."""

    name: str
    role: str = "unknown"
    title: str = ""


class Change(NamedTuple):
    """A change of a tracked field: what it was, what it became, and when."""

    field: str
    old: Any
    new: Any
    at: datetime


@dataclass(frozen=True)
class Deal:
    """A deal being qualified."""

    id: str
    name: str
    account: str = ""
    owner: str = ""
    stage: str = "prospect"
    amount: float | None = None
    currency: str = ""
    close_date: date | None = None
    next_step: str = ""
    contacts: tuple[Contact, ...] = ()
    tags: tuple[str, ...] = ()
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    updated: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    archived: bool = False
    history: tuple[Change, ...] = ()
    crm_id: str = ""  # the record's id in the CRM it was imported from
    close_reason: str = ""  # why it ended (lost, no decision): what the customer did instead

    @property
    def is_closed(self) -> bool:
        """True once the deal is won, lost or ended in no decision."""
        return self.stage in CLOSED_STAGES

    @property
    def closed_at(self) -> datetime | None:
        """When the deal last moved into a closed stage (None when open, or closed
        without a recorded change, e.g. created closed)."""
        if not self.is_closed:
            return None
        return next((c.at for c in reversed(self.history)
                     if c.field == "stage" and c.new in CLOSED_STAGES), None)

    @property
    def open_stage(self) -> str:
        """The stage the deal is in, or for a closed deal the last open stage it had."""
        if not self.is_closed:
            return self.stage
        return next((c.old for c in reversed(self.history) if c.field == "stage"
                     and c.old in OPEN_STAGES), "negotiation")

    def stage_since(self) -> datetime:
        """When the deal entered its current stage (its creation when it never moved)."""
        return next((c.at for c in reversed(self.history) if c.field == "stage"),
                    self.created)

    def with_changes(self, changes: dict[str, Any], at: datetime) -> Deal:
        """This deal with ``changes`` applied, tracked fields' changes recorded."""
        recorded = [
            Change(name, getattr(self, name), value, at)
            for name, value in changes.items()
            if name in TRACKED_FIELDS and getattr(self, name) != value
        ]
        return replace(self, **changes, updated=at, history=(*self.history, *recorded))


def deal_to_data(deal: Deal) -> dict[str, Any]:
    """The deal as plain JSON-ready data: how it is stored, and its JSON output."""
    return {
        "id": deal.id, "name": deal.name, "account": deal.account, "owner": deal.owner,
        "stage": deal.stage, "amount": deal.amount, "currency": deal.currency,
        "close_date": deal.close_date.isoformat() if deal.close_date else None,
        "next_step": deal.next_step,
        "contacts": [{"name": c.name, "role": c.role, "title": c.title} for c in deal.contacts],
        "tags": list(deal.tags),
        "created": deal.created.isoformat(), "updated": deal.updated.isoformat(),
        "archived": deal.archived, "crm_id": deal.crm_id, "close_reason": deal.close_reason,
        "history": [{"field": c.field, "old": plain_value(c.old), "new": plain_value(c.new),
                     "at": c.at.isoformat()} for c in deal.history],
    }


def plain_value(value: Any) -> Any:
    """Dates and times as ISO 8601 text; anything else as it is."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


# --- parsing what users type -------------------------------------------------------------


def parse_date(text: str, what: str = "date") -> date:
    """A calendar date written YYYY-MM-DD; a date that does not exist is an error."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise InvalidValueError(f"{what} '{text}' is not a date; write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValueError(f"{what} '{text}' is not a real date") from None


_MULTIPLIERS = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
_NUMBER_WORD = re.compile(
    r"(?P<sign>[-+]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d*)(?P<fraction>\.\d+)?\s*(?P<unit>[a-z]*)")


def number_from_text(text: str) -> float | None:
    """A number as a rep types it: ``12500``, ``12,500``, ``50k``, ``1.2m``, ``2bn``.

    Commas only as thousands separators (``12,500``); None when the text is not such a
    number, so each caller words its own message.
    """
    match = _NUMBER_WORD.fullmatch(text.strip().lower())
    if match is None or match["unit"] not in _MULTIPLIERS:
        return None
    if not match["digits"] and not match["fraction"]:
        return None
    number = float((match["digits"] or "0").replace(",", "") + (match["fraction"] or ""))
    number *= _MULTIPLIERS[match["unit"]]
    return -number if match["sign"] == "-" else number


def parse_amount(value: str | float, what: str = "amount") -> float:
    """A non-negative amount of at most ``MAX_AMOUNT``; text may read ``50k`` or ``12,500``."""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        found = number_from_text(value) if isinstance(value, str) else None
        if found is None:
            raise InvalidValueError(f"{what} '{value}' is not a number") from None
        amount = found
    if not math.isfinite(amount) or amount < 0:
        raise InvalidValueError(f"{what} {value} must be a number of 0 or more")
    if amount > MAX_AMOUNT:
        raise InvalidValueError(f"{what} {value} is too large (more than {MAX_AMOUNT:,.0f})")
    return amount


def parse_currency(text: str) -> str:
    """A three-letter currency code (ISO 4217 form), upper-cased."""
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidValueError(f"currency '{text}' is not a three-letter code such as EUR or USD")
    return code


def parse_choice(text: str, options: tuple[str, ...], what: str) -> str:
    """One of ``options``, case-insensitive, with '-' and ' ' read as '_'."""
    word = re.sub(r"[\s-]+", "_", text.strip().lower())
    if word not in options:
        raise InvalidValueError(f"unknown {what} '{text}'; expected one of: {', '.join(options)}")
    return word


def parse_text(text: str, what: str, required: bool = False) -> str:
    """Free text as given (never interpreted), within a sane length."""
    if required and not text.strip():
        raise InvalidValueError(f"{what} must not be empty")
    if len(text) > MAX_TEXT:
        raise InvalidValueError(f"{what} is {len(text):,} characters; at most {MAX_TEXT:,} fit")
    return text


def slugify(name: str) -> str:
    """A short, typable id from a name: 'ACME Corp — Renewal' -> 'acme-corp-renewal'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:40].rstrip("-") or "deal"


def check_deal_fields(fields: dict[str, Any]) -> None:
    """Refuse field names a deal does not have."""
    unknown = set(fields) - DEAL_FIELDS
    if unknown:
        raise InvalidValueError(f"unknown deal field(s): {', '.join(sorted(unknown))}")


def near_deals(deals: Sequence[Deal], ref: str, limit: int = 3) -> list[Deal]:
    """The deals whose id, name or a word of the name ``ref`` looks like a typo of
    (nortwind -> northwind-renewal), closest first."""
    wanted = ref.strip().casefold()
    scored: dict[str, tuple[float, Deal]] = {}
    for deal in deals:
        words = [deal.id, deal.name.casefold(), *re.findall(r"\w+", deal.name.casefold()),
                 *deal.id.split("-")]
        best = max(difflib.SequenceMatcher(None, wanted, w).ratio() for w in words if w)
        if best >= 0.75:
            scored[deal.id] = (best, deal)
    ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].id))
    return [deal for _, deal in ranked[:limit]]


def resolve_deal(deals: list[Deal], ref: str) -> Deal:
    """The deal ``ref`` names: an exact id, an exact name, or a unique prefix of either."""
    wanted = ref.strip().casefold()
    if not wanted:
        raise InvalidValueError("a deal id or name is needed")
    by_id = [d for d in deals if d.id == ref.strip()]
    by_name = [d for d in deals if d.name.casefold() == wanted]
    for found in (by_id, by_name):
        if len(found) == 1:
            return found[0]
    matches = [d for d in deals
               if d.id.startswith(wanted) or d.name.casefold().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        near = near_deals(deals, ref)
        meant = (f"did you mean {' or '.join(f'{d.id} ({d.name})' for d in near)}? "
                 if near else "")
        raise NotFoundError(f"no deal matches '{ref}'; {meant}list them with: "
                            f"{command_hint('deals', '--all', '--all-states')}",
                            near=[d.id for d in near])
    shown = ", ".join(f"{d.id} ({d.name})" for d in matches[:10])
    more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
    raise AmbiguousError(f"'{ref}' matches {len(matches)} deals: {shown}{more}; give more of the "
                         "name or the id")
