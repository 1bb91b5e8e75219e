"""The team review: every rep's deals, from copies of their databases or their JSON exports,
added up per owner, with the deals a manager should discuss first.

Reps keep their own database; a team shares copies or ``qualicoach export --format json``
files in a synced folder or a git repository. Those are read, never written (a read takes
no lock): deals are scored with the coaching functions every other command uses, and the
assessments are kept in the reviewer's own cache folder, so the next review of unchanged
deals need not score them again. A file that cannot be read is listed with why, and the rest
is reviewed; a deal found in two files is counted once and named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import orjson

from qualicoach.coaching.pipeline import Row, assess_for_listing, pipeline
from qualicoach.coaching.team_config import TeamConfig, outcome_of, period_range, team_stage
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.domain.vocabulary import CLOSED_STAGES, OPEN_STAGES
from qualicoach.errors import NotFoundError, QualicoachError
from qualicoach.frameworks.catalog import Catalog
from qualicoach.storage.cache import AssessmentCache
from qualicoach.storage.store import Store

SourceKind = Literal["database", "export"]
# Amounts of deals with no currency, when the team config gives no default one: counted
# apart, never added to any currency's.
NO_CURRENCY = "no_currency"
# What ``discuss_first`` shows unless asked for another number.
DISCUSS_FIRST = 10


# --- what was read -------------------------------------------------------------------------

@dataclass(frozen=True)
class Skipped:
    """A file that was not reviewed, and why."""

    path: str
    why: str


@dataclass(frozen=True)
class Duplicate:
    """A deal found in more than one file: counted once, from ``kept``."""

    id: str
    account: str
    crm_id: str
    kept: str
    also_in: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkDifference:
    """A file whose deals were asked with a framework the team does not have, or with
    another version of it."""

    path: str
    framework: str
    theirs: str  # the version(s) asked, or '' when an export does not say
    team: str | None  # the team's version; None when the team has no such framework

    @property
    def text(self) -> str:
        """The difference in words."""
        if self.team is None:
            return f"{self.framework} {self.theirs}".strip() + " is not among the team's frameworks"
        return f"{self.framework} {self.theirs} asked; the team's is {self.team}"


@dataclass(frozen=True, slots=True)
class TeamDeal:
    """One deal of the team: its row (fields and assessment), where it came from, the
    owner and currency the review counts it under, and what the figures read of it, taken
    once (a team's review reads 10,000 deals several times)."""

    row: Row
    source: str
    owner: str
    currency: str
    load: Callable[[], tuple[Deal, list[Interview]]]
    stage: str
    amount: float | None
    close: date | None

    @property
    def id(self) -> str:
        """The deal's id."""
        return self.row.id

    @property
    def is_open(self) -> bool:
        """Not yet won, lost or ended in no decision."""
        return self.stage not in CLOSED_STAGES


def team_deal(row: Row, source: str, team: TeamConfig,
              load: Callable[[], tuple[Deal, list[Interview]]]) -> TeamDeal:
    """``row`` as the review counts it."""
    fields = row.fields
    amount = fields.get("amount")
    close = fields.get("close_date")
    try:
        closes = date.fromisoformat(close) if close else None
    except (TypeError, ValueError):
        closes = None
    return TeamDeal(row, source, team.owner_of(str(fields.get("owner") or "")),
                    _currency(fields, team), load, str(fields.get("stage") or "prospect"),
                    float(amount) if isinstance(amount, int | float) else None, closes)


@dataclass
class Collected:
    """Every deal read from the files, and what could not be read or was there twice."""

    deals: list[TeamDeal] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    differences: list[FrameworkDifference] = field(default_factory=list)


def find_files(paths: Sequence[Path]) -> tuple[list[tuple[Path, SourceKind | None]], list[Skipped]]:
    """The files ``paths`` name, each with what it looks like (a database, an export, or
    None for neither): a file as given, a folder's ``.json`` files and those of its
    subfolders (hidden ones aside). A path that does not exist is skipped, saying so."""
    found: list[tuple[Path, SourceKind | None]] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            candidates = sorted(
                p for p in given.rglob("*.json")
                if not any(part.startswith(".") for part in p.relative_to(given).parts))
        elif given.exists():
            candidates = [given]
        else:
            skipped.append(Skipped(str(given), "no such file or folder"))
            continue
        for path in candidates:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            found.append((path, _kind(path)))
    return found, skipped


def _kind(path: Path) -> SourceKind | None:
    """What the file looks like from its first character: an export is a JSON list, a
    database a JSON object (its tables)."""
    try:
        with path.open("rb") as f:
            start = f.read(64).lstrip()
    except OSError:
        return None
    if start.startswith(b"["):
        return "export"
    if start.startswith(b"{"):
        return "database"
    return None


def collect(paths: Sequence[Path], catalog: Catalog, settings: Settings, team: TeamConfig,
            now: datetime, include_archived: bool = False,
            cache_dir: Path | None = None,
            progress: Callable[[int, int], None] | None = None) -> Collected:
    """Every deal of the databases and exports ``paths`` name, each once, scored with the
    team's frameworks and settings (archived ones only if ``include_archived``), the
    assessments of databases kept in ``cache_dir`` (the reviewer's, never beside the
    files). ``progress`` is told of each file read (files read, files in all).
    NotFoundError when they name no file at all."""
    files, skipped = find_files(paths)
    if not files and not skipped:
        raise NotFoundError("no database or JSON export in " + ", ".join(map(str, paths)))
    result = Collected(skipped=skipped)
    by_key: dict[tuple[str, ...], int] = {}
    twice: dict[int, list[str]] = {}
    for done, (path, kind) in enumerate(files, 1):
        if progress is not None:
            progress(done, len(files))
        try:
            if kind == "database":
                deals, differences = _database_deals(path, catalog, settings, team, now,
                                                     include_archived, cache_dir)
            elif kind == "export":
                deals, differences = _export_deals(path, catalog, settings, team, now,
                                                   include_archived)
            else:
                raise _Unreadable("not a qualicoach database or JSON export")
        except _Unreadable as exc:
            result.skipped.append(Skipped(str(path), str(exc)))
            continue
        except QualicoachError as exc:
            result.skipped.append(Skipped(str(path), _why(str(exc), path)))
            continue
        except OSError as exc:
            result.skipped.append(Skipped(str(path), f"cannot be read: {exc.strerror}"))
            continue
        result.files.append(str(path))
        result.differences.extend(differences)
        for deal in deals:
            key = _identity(deal)
            if key in by_key:
                at = by_key[key]
                kept = result.deals[at]
                twice.setdefault(at, [])
                # The copy worked on last (changed or interviewed) is the one counted.
                if _last_worked(deal) > _last_worked(kept):
                    twice[at].append(kept.source)
                    result.deals[at] = deal
                else:
                    twice[at].append(deal.source)
                continue
            by_key[key] = len(result.deals)
            result.deals.append(deal)
    for at, sources in twice.items():
        kept = result.deals[at]
        fields = kept.row.fields
        result.duplicates.append(Duplicate(kept.id, str(fields.get("account", "")),
                                           str(fields.get("crm_id") or ""), kept.source,
                                           tuple(sources)))
    return result


class _Unreadable(Exception):
    """A file that is not ours, said in a few words."""


def _why(message: str, path: Path) -> str:
    # The store's messages name the file, which the review lists beside the reason, and
    # end with how to recover a rep's own database: not the manager's to do on a copy.
    for prefix in (f"database {path} is ", f"database {path} ", f"{path}: ", f"{path} "):
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    return message.split("; the file was not changed", 1)[0]


def _last_worked(deal: TeamDeal) -> str:
    """When the deal was last changed or interviewed, in this copy: the later of two
    moments the store writes alike (ISO 8601, in UTC), so their text orders them."""
    return max(str(deal.row.fields.get("updated") or ""), deal.row.last_interview or "")


def _identity(deal: TeamDeal) -> tuple[str, ...]:
    """What makes two records the same deal: its CRM id, else its id and account."""
    crm_id = str(deal.row.fields.get("crm_id") or "").strip()
    if crm_id:
        return ("crm", crm_id)
    return ("id", deal.id, str(deal.row.fields.get("account", "")).strip().casefold())


def _currency(fields: Mapping[str, Any], team: TeamConfig) -> str:
    return str(fields.get("currency") or "").strip().upper() or team.default_currency \
        or NO_CURRENCY


def _database_deals(path: Path, catalog: Catalog, settings: Settings, team: TeamConfig,
                    now: datetime, include_archived: bool, cache_dir: Path | None
                    ) -> tuple[list[TeamDeal], list[FrameworkDifference]]:
    store = Store(path, clock=lambda: now)
    rows = pipeline(store, catalog, settings, now, include_archived,
                    cache=AssessmentCache.of(cache_dir, path))
    asked: dict[str, set[str]] = {}
    for _, interviews in store.records(include_archived):
        for interview in interviews:
            frameworks = interview.get("frameworks")
            for framework, version in (frameworks.items() if isinstance(frameworks, dict)
                                       else ()):
                asked.setdefault(str(framework), set()).add(str(version))
    source = str(path)
    # The file is read again for the few deals a review asks more of (the deals to
    # discuss first): holding 50 reps' files, interviews and all, took over 300 MB.
    opened: list[Store] = []

    def loader(deal_id: str) -> Callable[[], tuple[Deal, list[Interview]]]:
        def load() -> tuple[Deal, list[Interview]]:
            if not opened:
                opened.append(Store(path, clock=lambda: now))
            return opened[0].deal(deal_id), opened[0].interviews(deal_id)
        return load

    return ([team_deal(row, source, team, loader(row.id)) for row in rows],
            _differences(source, asked, catalog))


def _differences(path: str, asked: Mapping[str, set[str]], catalog: Catalog
                 ) -> list[FrameworkDifference]:
    found = []
    for framework, versions in sorted(asked.items()):
        entry = catalog.entries.get(framework)
        team = entry.framework.version if entry is not None else None
        if team is None or versions != {str(team)}:
            found.append(FrameworkDifference(path, framework, ", ".join(sorted(versions)),
                                             None if team is None else str(team)))
    return found


def _export_deals(path: Path, catalog: Catalog, settings: Settings, team: TeamConfig,
                  now: datetime, include_archived: bool
                  ) -> tuple[list[TeamDeal], list[FrameworkDifference]]:
    """The deals of a ``qualicoach export --format json`` file, scored again from the
    latest answers it carries, with the team's frameworks."""
    from qualicoach.domain.deal import deal_to_data
    from qualicoach.storage.codec import answer_from_doc, deal_from_doc

    try:
        records = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise _Unreadable(f"damaged JSON ({exc})") from None
    if not isinstance(records, list):
        raise _Unreadable("not a qualicoach JSON export (not a list of deals)")
    deals: list[TeamDeal] = []
    asked: dict[str, set[str]] = {}
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise _Unreadable(f"not a qualicoach JSON export (item {number} is not a deal)")
        stage = team_stage(str(record.get("stage", "prospect")), team)
        if stage is None:
            raise _Unreadable(f"deal '{record['id']}' has the stage '{record.get('stage')}', "
                              "which is not one of qualicoach's and not mapped under "
                              "stages: in the team config")
        fields = {k: record.get(k) for k in ("id", "name", "account", "owner", "amount",
                                             "currency", "close_date", "next_step",
                                             "contacts", "tags", "created", "updated",
                                             "archived", "crm_id", "close_reason", "history")
                  if k in record}
        fields["stage"] = stage
        try:
            deal = deal_from_doc(fields, path)
            answers = {str(key): answer_from_doc(doc)
                       for key, doc in (record.get("answers") or {}).items()}
        except QualicoachError as exc:
            raise _Unreadable(_why(str(exc), path)) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Unreadable(f"deal '{record['id']}' has an answer that cannot be read "
                              f"({type(exc).__name__}: {exc})") from None
        if deal.archived and not include_archived:
            continue
        deal = _aware(deal)
        interviews = _interviews_of(deal, answers, record.get("last_interview"), catalog)
        for key in answers:
            asked.setdefault(key.partition(".")[0], set())
        assessment = assess_for_listing(deal, interviews, catalog, settings, now)
        data = deal_to_data(deal)
        row = Row(data, assessment["fit"], assessment["readiness"], assessment["risk"],
                  bool(assessment["at_risk"]), assessment["verdict"], assessment["headline"],
                  assessment["quadrant"], assessment["reasons"], assessment["last_interview"])
        deals.append(team_deal(row, str(path), team, _given(deal, interviews)))
    # An export does not say which version of a framework its answers were given with.
    differences = [FrameworkDifference(str(path), framework, "", None)
                   for framework in sorted(asked) if framework not in catalog.entries]
    return deals, differences


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _aware(deal: Deal) -> Deal:
    """The deal with every moment in a time zone: one written by hand into an export
    without its zone is taken as UTC, as qualicoach writes them."""
    return replace(deal, created=_utc(deal.created), updated=_utc(deal.updated),
                   history=tuple(c._replace(at=_utc(c.at)) for c in deal.history))


def _given(deal: Deal, interviews: list[Interview]
           ) -> Callable[[], tuple[Deal, list[Interview]]]:
    """A loader of what is already in hand."""
    return lambda: (deal, interviews)


def _interviews_of(deal: Deal, answers: Mapping[str, Any], last: Any,
                   catalog: Catalog) -> list[Interview]:
    """The latest answers of an exported deal as one interview, held when the export
    says the last one was (or when the deal last changed)."""
    if not answers:
        return []
    try:
        started = datetime.fromisoformat(str(last)) if last else deal.updated
    except ValueError:
        started = deal.updated
    started = _utc(started)
    frameworks = {fw: catalog.entries[fw].framework.version
                  for fw in dict.fromkeys(k.partition(".")[0] for k in answers)
                  if fw in catalog.entries}
    return [Interview(f"export-{deal.id}", deal.id, frameworks, started, "finished", started,
                      dict(answers))]


# --- the review ------------------------------------------------------------------------------

Money = dict[str, float]


@dataclass(frozen=True)
class OwnerFigures:
    """One owner's open pipeline, as a manager reads it before the forecast call."""

    owner: str
    open_deals: int
    open_amount: Money
    at_risk_amount: Money
    at_risk: int
    stalled: int
    poor_fit: int
    never_interviewed: int
    stale: int
    quota: float | None = None
    # Open amount closing within the period, in the default currency, against the quota.
    coverage: float | None = None


@dataclass(frozen=True)
class DiscussItem:
    """A deal to discuss, with what to ask its owner about it."""

    deal: TeamDeal
    stake: float
    verdict: str
    reason: str
    question: str


@dataclass(frozen=True)
class Review:
    """The team review: figures per owner, the deals to discuss first, and what was
    skipped, counted once or scored with other frameworks."""

    owners: tuple[OwnerFigures, ...]
    total: OwnerFigures
    discuss_first: tuple[DiscussItem, ...]
    by_stage: dict[str, dict[str, int]]
    collected: Collected
    period: str
    currency: str
    today: date
    stale_after_days: int


def add(money: Money, currency: str, amount: float | None) -> None:
    """Add ``amount`` to ``money``'s sum in ``currency``."""
    if amount is not None:
        money[currency] = money.get(currency, 0.0) + amount


def converted(money: Mapping[str, float], team: TeamConfig) -> Money:
    """``money`` with every currency the team config gives a rate for converted into its
    default currency; the others stay apart."""
    if not team.rates or not team.default_currency:
        return dict(money)
    result: Money = {}
    for currency, amount in money.items():
        if currency in team.rates:
            add(result, team.default_currency, amount * team.rates[currency])
        else:
            add(result, currency, amount)
    return result


def review(collected: Collected, team: TeamConfig, settings: Settings, catalog: Catalog,
           now: datetime, period: str, owner: str | None = None,
           closing_within: int | None = None, limit: int = DISCUSS_FIRST) -> Review:
    """The review of ``collected``'s open deals (of ``owner``, closing within
    ``closing_within`` days if given)."""
    today = now.date()
    chosen = [d for d in collected.deals if d.is_open and _wanted(d, owner, closing_within,
                                                                  today)]
    by_owner: dict[str, list[TeamDeal]] = {}
    for deal in chosen:
        by_owner.setdefault(deal.owner, []).append(deal)
    # Owners the config names appear even with no open deal: no pipeline is news too.
    for known in team.owners:
        if owner is None or known.name.casefold() == owner.casefold():
            by_owner.setdefault(known.name, [])
    owners = tuple(_figures(name, deals, team, today, period, settings)
                   for name, deals in sorted(by_owner.items(), key=lambda i: i[0].casefold()))
    total = _figures("team", chosen, team, today, period, settings, quota=False)
    by_stage: dict[str, dict[str, int]] = {s: {} for s in OPEN_STAGES}
    for deal in chosen:
        counts = by_stage.setdefault(deal.stage, {})
        counts[deal.row.verdict] = counts.get(deal.row.verdict, 0) + 1
    ordered = discuss_order(chosen, today, team, settings)[:limit]
    discuss = tuple(_discuss_item(d, stake, catalog, settings, now) for d, stake in ordered)
    return Review(owners, total, discuss, by_stage, collected, period,
                  team.default_currency, today, settings.stale_after_days)


def _wanted(deal: TeamDeal, owner: str | None, closing_within: int | None,
            today: date) -> bool:
    if owner is not None and deal.owner.casefold() != owner.casefold():
        return False
    if closing_within is not None:
        close = deal.close
        return close is not None and close <= today + timedelta(days=closing_within)
    return True


def _stale(deal: TeamDeal, before: str) -> bool:
    """Whether the deal was last interviewed before the day ``before`` (ISO 8601, as the
    store writes moments, so the text orders them)."""
    last = deal.row.last_interview
    return last is not None and last[:10] < before


def _figures(name: str, deals: Sequence[TeamDeal], team: TeamConfig, today: date,
             period: str, settings: Settings, quota: bool = True) -> OwnerFigures:
    open_amount: Money = {}
    at_risk_amount: Money = {}
    in_period: Money = {}
    first, last = period_range(period)
    for deal in deals:
        add(open_amount, deal.currency, deal.amount)
        if deal.row.at_risk:
            add(at_risk_amount, deal.currency, deal.amount)
        close = deal.close
        if close is not None and first <= close <= last:
            add(in_period, deal.currency, deal.amount)
    before = (today - timedelta(days=settings.stale_after_days)).isoformat()
    target = team.quota(name, period) if quota else None
    coverage = None
    if target:
        closing = converted(in_period, team)
        coverage = closing.get(team.default_currency, 0.0) / target
    return OwnerFigures(
        name, len(deals), converted(open_amount, team), converted(at_risk_amount, team),
        sum(d.row.at_risk for d in deals),
        sum(d.row.verdict == "stalled" for d in deals),
        sum(d.row.verdict == "poor_fit" for d in deals),
        sum(d.row.last_interview is None for d in deals),
        sum(_stale(d, before) for d in deals),
        target, coverage)


def discuss_order(deals: Iterable[TeamDeal], today: date, team: TeamConfig,
                  settings: Settings) -> list[tuple[TeamDeal, float]]:
    """The open deals worth discussing (a risk above 0), most at stake first, each with its
    attention: the order ``qualicoach deals --at-risk`` gives one rep's deals
    (``attention.discussion_order``), over amounts in the default currency where the team
    config gives a rate."""
    from statistics import median

    from qualicoach.coaching.attention import Stake, attention, discussion_order

    def stake(deal: TeamDeal) -> Stake:
        amount = deal.amount
        if amount is not None and deal.currency in team.rates:
            amount *= team.rates[deal.currency]
        return Stake(deal.row.risk, amount, deal.close)

    worth = [deal for deal in deals if (deal.row.risk or 0) > 0]
    amounts = [a for d in worth if (a := stake(d).amount) is not None]
    typical = median(amounts) if amounts else 0.0
    return [(deal, attention(stake(deal), today, settings, typical))
            for deal in discussion_order(worth, stake, today, settings, key=lambda d: d.id)]


# The question to put to the rep when the main reason is that the deal is not moving.
_MOVEMENT_QUESTIONS = {
    "close_passed": "Its close date has passed: what date has the customer committed to "
                    "now, and who on their side decided it?",
    "close_slipped": "Its close date keeps moving: what is holding up the customer's "
                     "decision?",
    "stale": "Its answers are old: what has changed on the customer's side since you last "
             "checked them?",
    "stuck": "What has to happen on the customer's side for it to leave its stage?",
    "long_cycle": "It has been open a long time: is it still a priority for them, and why "
                  "now?",
}


def _discuss_item(deal: TeamDeal, stake: float, catalog: Catalog, settings: Settings,
                  now: datetime) -> DiscussItem:
    from qualicoach.coaching.risk import VERDICT_WORDS

    row = deal.row
    words = VERDICT_WORDS.get(row.verdict, row.verdict)
    if row.verdict == "at_risk":
        words = "at risk of no decision"
    return DiscussItem(deal, stake, words, row.main_reason or "-",
                       question_for(deal, catalog, settings, now))


def question_for(deal: TeamDeal, catalog: Catalog, settings: Settings, now: datetime) -> str:
    """The one question for a manager to put to the deal's owner about it: what is known
    when it was never interviewed; why it is not moving when that is its main reason;
    whether to go on when it fits poorly; else the first question its report says to ask
    next (the customer's own gaps come first)."""
    from qualicoach.coaching.report import report_from
    from qualicoach.coaching.rules import MOVEMENT

    row = deal.row
    if row.last_interview is None:
        return ("It was never qualified: what do we know of their need, who decides, and "
                "whether their people agree they must change?")
    first = row.reasons[0] if row.reasons else None
    kind = str(first.get("kind")) if first else ""
    if row.verdict == "stalled" or kind in MOVEMENT:
        moving = [r for r in row.reasons if r.get("kind") in MOVEMENT]
        if moving and str(moving[0].get("kind")) in _MOVEMENT_QUESTIONS:
            return _MOVEMENT_QUESTIONS[str(moving[0]["kind"])]
    if row.verdict == "poor_fit":
        return ("It fits us poorly: what makes it worth pursuing, or should we qualify "
                "out?")
    try:
        the_deal, interviews = deal.load()
    except QualicoachError:
        return "What has changed since its last interview?"
    report = report_from(the_deal, interviews, catalog, settings, now)
    if report.ask_next:
        return report.ask_next[0].question.prompt
    return "What would make them decide before the close date?"


# --- the look back over every rep's closed deals ---------------------------------------------

def own_database(store: Store, team: TeamConfig) -> Collected:
    """The closed deals of the rep's own database (archived ones too), as ``collect``
    gives them, for the look back; nothing is scored here (the look back scores each as
    it stood before its close)."""
    from qualicoach.domain.deal import deal_to_data

    closed = [d for d in store.deals(include_archived=True) if d.is_closed]
    grouped = store.interviews_by_deal({d.id for d in closed})
    source = str(store.path)
    return Collected(deals=[team_deal(Row(deal_to_data(d)), source, team,
                                      _given(d, grouped.get(d.id, []))) for d in closed],
                     files=[source])

def closed_deals(collected: Collected, team: TeamConfig, owner: str | None = None,
                 framework: str | None = None
                 ) -> tuple[list[Deal], dict[str, list[Interview]]]:
    """The closed deals of ``collected`` (of ``owner``, interviewed with ``framework``, if
    given), with their interviews, a loss whose reason the team lists under
    ``no_decision_reasons`` counted as a no decision."""
    deals: list[Deal] = []
    interviews: dict[str, list[Interview]] = {}
    for item in collected.deals:
        if item.is_open or (owner is not None and item.owner.casefold() != owner.casefold()):
            continue
        deal, asked = item.load()
        if framework is not None and not any(framework in i.frameworks for i in asked):
            continue
        outcome = outcome_of(deal.stage, deal.close_reason, team)
        if outcome != deal.stage:
            deal = replace(deal, stage=outcome, history=tuple(
                c._replace(new=outcome) if c.field == "stage" and c.new == deal.stage
                else c for c in deal.history))
        # Two reps' deals may share an id: each is looked back on under its own key.
        key = deal.id if deal.id not in interviews else f"{deal.id}@{item.source}"
        deal = replace(deal, id=key)
        deals.append(deal)
        interviews[key] = [replace(i, deal_id=key) for i in asked]
    return deals, interviews
