"""The pipeline: every deal with its fit, readiness and risk, fast enough for a prompt hook.

Scoring 10,000 deals on every listing would cost far more than reading the file, so each
deal keeps its last assessment with the basis it was made on: the deal's revision (the store
bumps it on every change to the deal or its interviews), a fingerprint of the scoring rules'
version, the frameworks and the settings, and the moment an answer turns stale. A listing
reuses every assessment whose basis still holds, rescores the rest and stores them for next
time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from qualicoach.coaching import rules
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.frameworks.catalog import Catalog
from qualicoach.storage.database import Shortlist
from qualicoach.storage.store import Store

if TYPE_CHECKING:
    # The scoring code is imported only to rescore: a listing whose stored assessments
    # hold does not load it.
    from qualicoach.coaching.risk import Assessment, Quadrant

# The orders ``qualicoach deals --sort`` offers.
SortKey = Literal["risk", "close", "amount", "updated", "fit", "readiness"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)


class Row(NamedTuple):
    """One deal of the pipeline: its fields and its assessment, as plain values.

    A NamedTuple over the stored records, not copies of them: a listing of 10,000 deals
    built 10,000 frozen dataclasses and copied every deal's fields, a quarter of its time
    after the read (issue 16). Nothing changes a row's fields or reasons.
    """

    fields: Mapping[str, Any]
    fit: float | None = None
    readiness: float | None = None
    risk: int | None = None
    at_risk: bool = False
    verdict: str = "early"
    headline: str = ""
    quadrant: Quadrant = "not_assessed"
    reasons: Sequence[Mapping[str, Any]] = ()
    last_interview: str | None = None

    @property
    def id(self) -> str:
        """The deal's id."""
        return str(self.fields["id"])

    @property
    def main_reason(self) -> str:
        """The first reason in a few words, or why there is none; for a stalled deal, the
        first that says it is not moving, as its verdict does."""
        if self.verdict == "stalled":
            moving = [r for r in self.reasons if r.get("kind") in rules.MOVEMENT]
            if moving:
                return str(moving[0]["brief"])
        if self.reasons:
            return str(self.reasons[0]["brief"])
        return "not interviewed yet" if self.last_interview is None else ""

    @property
    def close_date(self) -> date | None:
        """The expected close date, if any."""
        close = self.fields.get("close_date")
        return date.fromisoformat(close) if close else None


# --- assessing, with stored assessments reused ---------------------------------------------

def row_data(row: Row) -> dict[str, Any]:
    """Every field of the deal plus its assessment and all its reasons (JSON form)."""
    # A copy, then two keys out: a team's listing prints thousands of rows.
    data = dict(row.fields)
    data.pop("assessment", None)
    data.pop("revision", None)
    data.update({
        "fit": row.fit, "readiness": row.readiness, "risk": row.risk, "at_risk": row.at_risk,
        "verdict_kind": row.verdict, "verdict": row.headline,
        "quadrant": row.quadrant, "main_reason": row.main_reason, "reasons": row.reasons,
        "last_interview": row.last_interview,
    })
    return data


def fingerprint(catalog: Catalog, settings: Settings) -> str:
    """What every assessment depends on besides the deal: the scoring rules' version,
    frameworks and settings."""
    # Read at call time, not imported by name, so the current rules always count.
    text = repr((rules.RULES_VERSION, sorted((fw.id, repr(fw)) for fw in catalog.frameworks()),
                 settings))
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def pipeline(store: Store, catalog: Catalog, settings: Settings, now: datetime,
             include_archived: bool = False,
             interviews: Mapping[str, list[Interview]] | None = None,
             at_risk_only: bool = False) -> list[Row]:
    """Every deal with its assessment; rescoring only what changed, and saving that.

    ``interviews`` (by deal id) saves reading them again when the caller has them.
    ``at_risk_only``: only the deals at risk are wanted. When every stored assessment
    holds, a team's listing then reads only their records (``Store.quick_listing``).
    """
    basis = fingerprint(catalog, settings)

    def holds(revision: int, stored: Mapping[str, Any] | None) -> bool:
        return stored is not None and _holds(revision, stored.get("basis"),
                                             stored.get("valid_until"), basis, now)

    if at_risk_only and not include_archived and interviews is None:
        quick = store.quick_listing(lambda summary: _all_hold(summary, basis, now))
        if quick is not None:
            return [_row(item.fields, item.assessment or {}) for item in quick]
    listing = store.read_listing(include_archived)
    outdated = [item for item in listing.deals if not holds(item.revision, item.assessment)]
    fresh: dict[str, tuple[int, dict[str, Any]]] = {}
    if outdated:
        by_id = {item.fields["id"]: item for item in outdated}
        # Shard by shard, so rescoring a whole team holds one shard's interviews at a time.
        batches = ([(list(by_id), interviews)] if interviews is not None
                   else store.interviews_by_deal_in_batches(by_id))
        for ids, grouped in batches:
            for deal_id in ids:
                item = by_id[deal_id]
                deal = store.parse_deal(item.fields)
                fresh[deal.id] = (item.revision, stored_assessment(
                    deal, list(grouped.get(deal.id, [])), catalog, settings, now,
                    f"{item.revision}:{basis}"))
    if fresh or listing.resave:
        # Every deal's, not only the new ones: the file then covers this index whole, and
        # the next listing of a team can trust it without reading every deal.
        saved = {item.fields["id"]: fresh.get(item.fields["id"],
                                              (item.revision, item.assessment or {}))
                 for item in listing.deals}
        store.save_assessments(saved, Shortlist(lambda stored: bool(stored.get("at_risk")),
                                                _summary(saved.values(), basis)))
    rows = []
    for item in listing.deals:
        stored = fresh[item.fields["id"]][1] if item.fields["id"] in fresh else item.assessment
        row = _row(item.fields, stored or {})
        if row.at_risk or not at_risk_only:
            rows.append(row)
    return rows


def _summary(saved: Iterable[tuple[int, Mapping[str, Any]]], basis: str) -> dict[str, Any]:
    """What every assessment of ``saved`` holds on: ``basis``, until the earliest moment
    one of them changes with time alone. Each was just found to hold on ``basis`` (so its
    moment parses) or was just made on it.

    A quick listing of the deals at risk trusts their shortlist while this holds: until
    then no other deal's assessment can have changed either, and become at risk.
    """
    moments = [datetime.fromisoformat(until) for _, stored in saved
               if (until := stored.get("valid_until")) is not None]
    return {"basis": basis, "valid_until": min(moments).isoformat() if moments else None}


def _all_hold(summary: Any, basis: str, now: datetime) -> bool:
    """Whether the assessments ``summary`` (from ``_summary``) describes all still hold."""
    return (isinstance(summary, dict) and summary.get("basis") == basis
            and _before(now, summary.get("valid_until")))


def _holds(revision: int, made_on: Any, until: Any, basis: str, now: datetime) -> bool:
    """Whether an assessment made on ``made_on`` (its stored basis) and valid until
    ``until`` still holds for the deal at ``revision``."""
    return made_on == f"{revision}:{basis}" and _before(now, until)


def _before(now: datetime, until: Any) -> bool:
    """Whether ``now`` is before ``until`` (a stored moment; None for never)."""
    if not isinstance(until, str):
        return until is None
    try:
        return now < datetime.fromisoformat(until)
    except (ValueError, TypeError):  # not a date, or without a time zone: made again
        return False


def stored_assessment(deal: Deal, interviews: list[Interview], catalog: Catalog,
                      settings: Settings, now: datetime, basis: str) -> dict[str, Any]:
    """A deal's assessment as kept in the database, with the basis it holds on."""
    from qualicoach.coaching.report import assess_interviews, frameworks_of

    frameworks, _ = frameworks_of(interviews, catalog)
    assessment = assess_interviews(deal, interviews, frameworks, now, settings)[3]
    return {
        "basis": basis,
        "valid_until": _valid_until(deal, assessment, now, settings),
        "last_interview": interviews[-1].started.isoformat() if interviews else None,
        "fit": assessment.fit, "readiness": assessment.readiness, "risk": assessment.risk,
        "at_risk": assessment.at_risk, "verdict": assessment.verdict,
        "headline": assessment.headline, "quadrant": assessment.quadrant,
        "reasons": [{"kind": c.kind, "points": c.points, "message": c.message,
                     "brief": c.brief} for c in assessment.causes],
    }


def _valid_until(deal: Deal, assessment: Assessment, now: datetime,
                 settings: Settings) -> str | None:
    """The next moment the assessment changes with time alone: an answer turns stale, the
    close date nears or passes (near it, the headline counts the days left, so every day),
    the deal has been too long in its stage or open too long."""
    from qualicoach.coaching.risk import SAY_DAYS_LEFT_WITHIN

    limit = timedelta(days=settings.stale_after_days)
    moments = [
        when + limit
        for s in assessment.scores for e in s.elements for qs in e.questions
        if qs.answer is not None and (when := qs.answer.confirmed or qs.answer.at) is not None
    ]
    if not deal.is_closed:
        if deal.close_date is not None:
            close = datetime.combine(deal.close_date, datetime.min.time(), now.tzinfo)
            for days in (settings.urgency_days_soon, settings.urgency_days_now, -1):
                moments.append(close - timedelta(days=days))
            if 0 <= (deal.close_date - now.date()).days <= SAY_DAYS_LEFT_WITHIN:
                # Days are counted in the clock's dates: the count changes at its midnight.
                moments.append(datetime.combine(now.date() + timedelta(days=1),
                                                datetime.min.time(), now.tzinfo))
        since = deal.stage_since()
        moments.append(since + timedelta(days=settings.stuck_after_days + 1))
        moments += [since + timedelta(days=settings.stuck_after_days + 30 * n)
                    for n in range(1, 6)]
        moments.append(deal.created + timedelta(days=settings.long_cycle_days + 1))
    # A moment at ``now`` itself counts: scoring compares strictly (an answer is stale
    # once older than the limit), so the assessment changes right after it. A demo's deals
    # are interviewed whole days before the demo is made, at that very moment.
    future = [m for m in moments if m >= now]
    return min(future).isoformat() if future else None


def _row(fields: Mapping[str, Any], stored: Mapping[str, Any]) -> Row:
    get = stored.get
    return Row(fields, get("fit"), get("readiness"), get("risk"), bool(get("at_risk", False)),
               get("verdict", "early"), get("headline", ""), get("quadrant", "not_assessed"),
               get("reasons", ()), get("last_interview"))


# --- choosing and ordering -------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """Which deals to list; every given filter must match."""

    at_risk: bool = False
    stages: tuple[str, ...] = ()
    owner: str | None = None
    account: str | None = None
    tags: tuple[str, ...] = ()
    closing_within: int | None = None
    stale: int | None = None


def select(rows: Iterable[Row], filters: Filters, today: date) -> list[Row]:
    """The rows every filter matches."""
    chosen = []
    for row in rows:
        f = row.fields
        if filters.at_risk and not row.at_risk:
            continue
        if filters.stages and f.get("stage") not in filters.stages:
            continue
        if filters.owner is not None and str(f.get("owner", "")).casefold() != \
                filters.owner.casefold():
            continue
        if filters.account is not None and filters.account.casefold() not in \
                str(f.get("account", "")).casefold():
            continue
        if filters.tags:
            tags = {str(t).casefold() for t in f.get("tags", [])}
            if not all(t.casefold() in tags for t in filters.tags):
                continue
        if filters.closing_within is not None:
            close = row.close_date
            if close is None or close > today + timedelta(days=filters.closing_within):
                continue
        if filters.stale is not None and row.last_interview is not None and \
                datetime.fromisoformat(row.last_interview).date() > \
                today - timedelta(days=filters.stale):
            continue
        chosen.append(row)
    return chosen


def sort_rows(rows: Sequence[Row], key: SortKey) -> list[Row]:
    """Rows in the order that needs attention first for ``key`` (see ``qualicoach deals``).

    risk: highest first; close: soonest first; amount: largest first; updated: most recent
    first; fit: highest first; readiness: lowest first. Deals without the value go last.
    """
    # One getter for the key, not a table of every key built per row: a team's listing
    # sorts thousands of rows.
    value: Callable[[Row], Any] = {
        "risk": lambda row: row.risk, "fit": lambda row: row.fit,
        "readiness": lambda row: row.readiness,
        "close": lambda row: row.fields.get("close_date"),
        "amount": lambda row: row.fields.get("amount"),
        "updated": lambda row: row.fields.get("updated"),
    }[key]

    ascending = key in ("close", "readiness")
    # Each row's value and tie-breakers taken once, not once per comparison pass.
    valued = [(value(r), r) for r in rows]
    present = [(v, -(r.fields.get("amount") or 0), r.id, r) for v, r in valued if v is not None]
    missing = [(r.id, r) for v, r in valued if v is None]
    # Ties keep a stable, useful order: by amount (largest first), then by id.
    present.sort(key=lambda k: k[1:3])
    present.sort(key=lambda k: k[0], reverse=not ascending)
    missing.sort(key=lambda k: k[0])
    return [k[3] for k in present] + [k[1] for k in missing]


# --- how the pipeline reads as a whole ----------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """How the coach judges a pipeline: the figures a manager checks it against."""

    open: int
    at_risk: int
    at_cap: int
    verdicts: dict[str, int]
    outcomes: dict[str, int]

    @property
    def at_risk_share(self) -> float:
        """Open deals at risk of no decision (at risk or stalled), 0-1."""
        return self.at_risk / self.open if self.open else 0.0

    @property
    def at_cap_share(self) -> float:
        """Open deals at the risk cap (100), 0-1."""
        return self.at_cap / self.open if self.open else 0.0


def figures(rows: Iterable[Row]) -> Figures:
    """Count verdicts over open deals, and outcomes over closed ones."""
    from qualicoach.coaching.risk import VERDICTS
    from qualicoach.domain.vocabulary import CLOSED_STAGES

    verdicts: dict[str, int] = dict.fromkeys(VERDICTS, 0)
    outcomes = dict.fromkeys(CLOSED_STAGES, 0)
    open_count = at_risk = at_cap = 0
    for row in rows:
        stage = row.fields.get("stage")
        if stage in outcomes:
            outcomes[stage] += 1
            verdicts["closed"] += 1
            continue
        open_count += 1
        verdicts[row.verdict] = verdicts.get(row.verdict, 0) + 1
        at_risk += row.at_risk
        at_cap += row.risk == 100
    return Figures(open_count, at_risk, at_cap, verdicts, outcomes)
