"""The pipeline: every deal with its fit, readiness and risk.

Scoring every deal on every listing costs far more than reading the file, so each
assessment is kept in a cache (``storage.cache``) under a key made of everything it was
computed from: the deal's record and its interviews as the file holds them, the frameworks
and settings in effect, and a fingerprint of the scoring code itself. It is reused only
inside the span of time it was made for (from the last moment before it at which time alone
would have changed it, to the next one), so a clock set back or moved on rescores it.
Nothing in the file counts revisions: a hand edit, a restored backup or a deal removed and
added again changes the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

import orjson

from qualicoach.coaching import rules
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.domain.vocabulary import CLOSED_STAGES
from qualicoach.frameworks.catalog import Catalog
from qualicoach.storage.cache import AssessmentCache
from qualicoach.storage.codec import deal_from_doc, interview_from_doc
from qualicoach.storage.store import Store

if TYPE_CHECKING:
    # The scoring code is imported only to rescore: a listing whose cached assessments
    # hold does not load it.
    from qualicoach.coaching.risk import Assessment, Quadrant

# The orders ``qualicoach deals --sort`` offers.
SortKey = Literal["risk", "close", "amount", "updated", "fit", "readiness"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)


class Row(NamedTuple):
    """One deal of the pipeline: its fields and its assessment, as plain values.

    A NamedTuple over the stored records, not copies of them: a listing of 10,000 deals
    built 10,000 frozen dataclasses and copied every deal's fields, a quarter of its time
    after the read. Nothing changes a row's fields or reasons.
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
    missing_frameworks: Sequence[str] = ()  # interviewed on, not installed here

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


# The packages whose code decides an assessment: any change to them (an upgrade, a fix,
# a local edit) makes a new fingerprint, so no assessment made by other code is reused.
_SCORING_PACKAGES = ("coaching", "config", "domain", "frameworks", "storage", "yamlio")


@cache
def rules_fingerprint(root: Path | None = None) -> str:
    """A digest of the source of every module that scoring runs (in the package at
    ``root``, this one by default), derived from the code itself: nobody has to remember
    to bump a number when the rules change."""
    from qualicoach import __version__

    root = root or Path(__file__).resolve().parent.parent
    # The version too: an installation without source files would otherwise digest nothing.
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for package in _SCORING_PACKAGES:
        for source in sorted((root / package).glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def fingerprint(catalog: Catalog, settings: Settings) -> str:
    """What every assessment depends on besides the deal and the moment: the scoring
    code, the frameworks and the settings."""
    text = repr((rules_fingerprint(), sorted((fw.id, repr(fw)) for fw in catalog.frameworks()),
                 settings))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def content_key(deal: Mapping[str, Any], interviews: Sequence[Mapping[str, Any]],
                context: str) -> str:
    """The cache key of a deal's assessment: its record and interviews as stored, and
    ``context``. Spaces and line breaks do not count (a reformatted file keeps its keys);
    fields in another order make another key, which costs a rescoring, never a wrong
    answer, and is cheaper than sorting every record's fields on every listing."""
    content = orjson.dumps([context, deal, interviews])
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def pipeline(store: Store, catalog: Catalog, settings: Settings, now: datetime,
             include_archived: bool = False,
             interviews: Mapping[str, list[Interview]] | None = None,
             at_risk_only: bool = False, cache: AssessmentCache | None = None) -> list[Row]:
    """Every deal with its assessment, taken from ``cache`` where it holds.

    ``interviews`` (by deal id) saves parsing them again when the caller has them.
    ``at_risk_only``: only the deals at risk are wanted.
    """
    context = fingerprint(catalog, settings)
    kept = cache.load() if cache is not None else {}
    entries: dict[str, dict[str, Any]] = {}
    made = False
    rows = []
    for deal_doc, interview_docs in store.records(include_archived):
        key = content_key(deal_doc, interview_docs, context)
        assessment = kept.get(key)
        if assessment is None or not _holds(assessment, now):
            deal = deal_from_doc(deal_doc, store.path)
            its = (interviews[deal.id] if interviews is not None and deal.id in interviews
                   else sorted((interview_from_doc(d, store.path) for d in interview_docs),
                               key=lambda i: i.started))
            assessment = assess_for_listing(deal, its, catalog, settings, now)
            made = True
        entries[key] = assessment
        row = _row(deal_doc, assessment)
        if row.at_risk or not at_risk_only:
            rows.append(row)
    # Kept: what this listing showed, and nothing else, so the file never grows stale.
    if cache is not None and (made or entries.keys() != kept.keys()):
        cache.save(entries)
    return rows


def _holds(assessment: Mapping[str, Any], now: datetime) -> bool:
    """Whether ``now`` lies inside the span of time a cached assessment was made for."""
    try:
        start, end = assessment["valid_from"], assessment["valid_until"]
        return ((start is None or datetime.fromisoformat(start) < now)
                and (end is None or now < datetime.fromisoformat(end)))
    except (KeyError, TypeError, ValueError):  # damaged, or naive moments: made again
        return False


def assess_for_listing(deal: Deal, interviews: list[Interview], catalog: Catalog,
                       settings: Settings, now: datetime) -> dict[str, Any]:
    """A deal's assessment as a listing shows it and the cache keeps it, with the span
    of time it holds for."""
    from qualicoach.coaching.report import assess_interviews, frameworks_of

    frameworks, missing = frameworks_of(interviews, catalog)
    answers, _, _, assessment = assess_interviews(deal, interviews, frameworks, now, settings)
    valid_from, valid_until = _span(deal, assessment, answers, now, settings)
    return {
        "id": deal.id, "valid_from": valid_from, "valid_until": valid_until,
        "missing_frameworks": missing,
        "last_interview": interviews[-1].started.isoformat() if interviews else None,
        "fit": assessment.fit, "readiness": assessment.readiness, "risk": assessment.risk,
        "at_risk": assessment.at_risk, "verdict": assessment.verdict,
        "headline": assessment.headline, "quadrant": assessment.quadrant,
        "reasons": [{"kind": c.kind, "points": c.points, "message": c.message,
                     "brief": c.brief} for c in assessment.causes],
    }


def _span(deal: Deal, assessment: Assessment, answers: Mapping[str, Answer],
          now: datetime, settings: Settings) -> tuple[str | None, str | None]:
    """The span of time around ``now`` in which the assessment cannot change with time
    alone: between the last moment before ``now`` and the first after it at which a rule
    that reads the clock would judge otherwise (``risk.moments_of_change``). A moment at
    ``now`` itself leaves no span at all."""
    from qualicoach.coaching.risk import moments_of_change

    moments = moments_of_change(deal, assessment, answers, now, settings)
    if now in moments:
        return now.isoformat(), now.isoformat()
    before = [m for m in moments if m < now]
    after = [m for m in moments if m > now]
    return (max(before).isoformat() if before else None,
            min(after).isoformat() if after else None)


def _row(fields: Mapping[str, Any], stored: Mapping[str, Any]) -> Row:
    get = stored.get
    return Row(fields, get("fit"), get("readiness"), get("risk"), bool(get("at_risk", False)),
               get("verdict", "early"), get("headline", ""), get("quadrant", "not_assessed"),
               get("reasons", ()), get("last_interview"), get("missing_frameworks", ()))


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
    # Open deals, closed ones (won, lost, no decision), or both.
    state: Literal["open", "closed", "any"] = "any"


def select(rows: Iterable[Row], filters: Filters, today: date) -> list[Row]:
    """The rows every filter matches."""
    chosen = []
    for row in rows:
        f = row.fields
        if filters.at_risk and not row.at_risk:
            continue
        if filters.state != "any" and (f.get("stage") in CLOSED_STAGES) != (
                filters.state == "closed"):
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
    first; fit: highest first; readiness: lowest first. Deals without the value go last;
    a closed deal has no risk left to sort by.
    """
    # One getter for the key, not a table of every key built per row: a team's listing
    # sorts thousands of rows.
    value: Callable[[Row], Any] = {
        "risk": lambda row: None if row.fields.get("stage") in CLOSED_STAGES else row.risk,
        "fit": lambda row: row.fit,
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
