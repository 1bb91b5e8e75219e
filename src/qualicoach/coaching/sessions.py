"""What surrounds the questions of an interview: which deal, which frameworks by default,
who the answers came from, and the people named as evidence offered as stakeholders.

Terminal-independent like ``asking``: input comes from the Prompter seam, and messages for
the rep go to a ``tell`` callback (the CLI writes them to stderr).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from qualicoach.coaching.asking import people_in
from qualicoach.coaching.prompts import Option, Prompter, filter_options
from qualicoach.domain.answer import Evidence, date_warning
from qualicoach.domain.deal import (
    ROLES,
    Contact,
    Deal,
    near_deals,
    parse_amount,
    parse_date,
    parse_text,
)
from qualicoach.domain.interview import Interview
from qualicoach.domain.vocabulary import OPEN_STAGES
from qualicoach.errors import InvalidValueError, NotFoundError
from qualicoach.storage.store import Store

Tell = Callable[[str], None]


def contact_text(contact: Contact) -> str:
    """A stakeholder as the rep would name them: 'Jane Doe, CFO'."""
    return f"{contact.name}, {contact.title}" if contact.title else contact.name


def session_source(session: Interview) -> Evidence | None:
    """On resume: who the interrupted run's answers came from, as the default."""
    sources = [a.evidence for a in session.answers.values() if a.evidence is not None]
    return sources[-1] if sources else None


def last_frameworks(interviews: Sequence[Interview]) -> list[str]:
    """The frameworks of the last of a deal's ``interviews`` (oldest first) that was ours,
    not a customer's reply: the default for the next one."""
    ours = [i for i in interviews if not i.respondent]
    return list(ours[-1].frameworks) if ours else []


def offer_stakeholders(store: Store, deal: Deal, sources: list[str],
                       prompter: Prompter) -> tuple[str, ...]:
    """Offer everyone named as evidence who is not yet a stakeholder, with a role; return
    who was added, as 'Jane Doe (CFO): economic buyer'."""
    known = {c.name.casefold() for c in store.deal(deal.id).contacts}
    skip = "__no__"
    added = []
    for source in dict.fromkeys(sources):
        for name, title in people_in(source):
            if name.casefold() in known:
                continue
            known.add(name.casefold())
            who = f"{name} ({title})" if title else name
            options = [Option(skip, "no, do not add", "0"),
                       *(Option(role, "add, role not known yet" if role == "unknown" else
                                f"add as {role.replace('_', ' ')}", str(n))
                         for n, role in enumerate(ROLES, 1))]
            role = prompter.select(f"{who} is not a stakeholder of this deal yet. Add?",
                                   options, default=skip)
            if role != skip:
                store.add_contact(deal.id, Contact(name, role, title))
                added.append(f"{who}: {role.replace('_', ' ')}")
    return tuple(added)


def pick_deal(store: Store, prompter: Prompter, tell: Tell, currency: str = "") -> Deal:
    """Type to filter the deals (most recently updated first); a name that matches none
    creates a deal of that name (``currency``: the settings' default currency)."""
    deals = sorted(store.deals(), key=lambda d: d.updated, reverse=True)
    by_id = {d.id: d for d in deals}
    options = [Option(d.id, f"{d.name} ({d.id}{', ' + d.account if d.account else ''})")
               for d in deals]
    while True:
        typed = prompter.search(
            "Which deal?", options,
            instruction="(type to filter, Tab or arrows to pick; a new name creates it)"
            if deals else "(the name of a new deal)").strip()
        if not typed:
            continue
        if typed in by_id:
            return by_id[typed]
        matches = filter_options(options, typed, limit=2)
        exact = [d for d in deals if d.name.casefold() == typed.casefold()]
        if len(exact) == 1 or len(matches) == 1:
            return exact[0] if len(exact) == 1 else by_id[matches[0].value]
        if matches:
            tell(f"Several deals match '{typed}': pick one from the list, or type more.")
            continue
        near = near_deals(deals, typed)
        if near:
            try:
                chosen = _meant(store, typed, [d.id for d in near], prompter)
            except NotFoundError:
                continue  # cancelled: type again
            if chosen is not None:
                return chosen
        return create_deal(store, typed, prompter, tell, currency)


_NEW, _CANCEL = "\0new", "\0cancel"


def find_or_create(store: Store, ref: str, prompter: Prompter, tell: Tell,
                   currency: str = "") -> Deal:
    """The deal ``ref`` names; when none does, the deals it looks like a typo of, or else
    creating it. Creating is never the default: a typo would make a second deal."""
    try:
        return store.deal(ref)
    except NotFoundError as missing:
        if missing.near:
            chosen = _meant(store, ref, missing.near, prompter)
            if chosen is not None:
                return chosen
        elif not prompter.confirm(f"There is no deal '{ref}'. Create it?", default=False):
            raise
    return create_deal(store, ref, prompter, tell, currency)


def _meant(store: Store, ref: str, near: Sequence[str], prompter: Prompter) -> Deal | None:
    """The near deal the rep meant, None to create ``ref``; NotFoundError to cancel."""
    deals = [store.deal(deal_id) for deal_id in near]
    options = [*(Option(d.id, f"{d.name} ({d.id})", str(n)) for n, d in enumerate(deals, 1)),
               Option(_NEW, f"create a new deal '{ref}'", "n", separated=True),
               Option(_CANCEL, "cancel", "c")]
    choice = prompter.select(f"There is no deal '{ref}'. Did you mean:", options,
                             default=deals[0].id)
    if choice == _CANCEL:
        raise NotFoundError(f"no deal matches '{ref}'", near=near)
    return None if choice == _NEW else next(d for d in deals if d.id == choice)


# What each open stage means to a rep, for the stage a new deal is asked.
STAGE_MEANINGS = {
    "prospect": "not talking yet", "discovery": "learning their situation",
    "qualified": "they agree they must change", "proposal": "our offer is with them",
    "negotiation": "terms and signature",
}


def create_deal(store: Store, name: str, prompter: Prompter, tell: Tell,
                currency: str = "") -> Deal:
    """A new deal: its name, then account, stage, amount and close date; all but the stage
    skippable. ``currency`` is the settings' default currency, for its amount."""
    fields: dict[str, Any] = {}
    account = prompter.text("Account (the customer's company):", instruction="(Enter to skip)")
    if account.strip():
        fields["account"] = parse_text(account.strip(), "account")
    # The stage decides what must be known by now: a deal about to close read as a new one
    # would hide every gap.
    fields["stage"] = prompter.select(
        "Stage:", [Option(stage, f"{stage} - {STAGE_MEANINGS.get(stage, '')}".rstrip(" -"),
                          str(n)) for n, stage in enumerate(OPEN_STAGES, 1)],
        default="prospect")
    if currency:
        fields["currency"] = currency
    while True:
        amount = prompter.text("Amount:", instruction="(50k, 1.2m or 12,500; Enter to skip)")
        try:
            if amount.strip():
                fields["amount"] = parse_amount(amount.strip())
            break
        except InvalidValueError as exc:
            tell(f"{exc}; try again")
    while True:
        close = prompter.text("Close date:", instruction="(YYYY-MM-DD; Enter to skip)").strip()
        try:
            if close:
                fields["close_date"] = parse_date(close, "close date")
                warning = date_warning(close, date.today())
                if warning and not prompter.confirm(f"{warning}. Keep it?", default=False):
                    continue
            break
        except InvalidValueError as exc:
            tell(f"{exc}; try again")
    deal = store.add_deal(parse_text(name, "name", required=True), **fields)
    tell(f"Created deal {deal.id}.")
    return deal
