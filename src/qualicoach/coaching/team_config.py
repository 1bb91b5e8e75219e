"""The team config: owners and their quotas, the team's currency and rates, its CRM stage
names and the loss reasons that mean "no decision".

A YAML file the team keeps beside its frameworks (``--team-config FILE``, or
``team_config`` in config.yaml); every key is optional, and every problem is reported
at its file, line and column, like a framework's. docs/team.md shows one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from qualicoach.domain.stages import crm_stage, ended_in_no_decision, normalise
from qualicoach.domain.vocabulary import STAGES
from qualicoach.errors import FrameworkError, InvalidValueError, SettingsError
from qualicoach.yamlio.files import read_yaml_bytes

if TYPE_CHECKING:
    from qualicoach.yamlio.nodes import Node
    from qualicoach.yamlio.reader import NodeReader

KEYS = ("default_currency", "rates", "owners", "stages", "no_decision_reasons")
OWNER_KEYS = ("quota", "aliases")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# A quota's period: a year, a quarter or a month.
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
# Where a deal has no owner: its row in every figure, so no deal goes uncounted.
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class Owner:
    """A rep: the name the review shows, other spellings of it, and quotas by period
    (in the team's default currency)."""

    name: str
    quotas: Mapping[str, float] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamConfig:
    """What a team review needs to know about the team (see docs/team.md)."""

    path: Path | None = None
    default_currency: str = ""
    # The value of one unit of each currency in the default currency.
    rates: Mapping[str, float] = field(default_factory=dict)
    owners: tuple[Owner, ...] = ()
    # The team's CRM stage names (normalised, see ``domain.stages.normalise``) -> ours.
    stages: Mapping[str, str] = field(default_factory=dict)
    no_decision_reasons: tuple[str, ...] = ()

    def owner_of(self, raw: str) -> str:
        """The name the review shows for a deal whose owner field is ``raw``."""
        key = raw.strip().casefold()
        if not key:
            return NO_OWNER
        return self._names.get(key) or raw.strip()

    @functools.cached_property
    def _names(self) -> dict[str, str]:
        # Every spelling of every owner, once: a team's review looks up 10,000 deals.
        names: dict[str, str] = {}
        for owner in reversed(self.owners):
            for spelling in (*owner.aliases, owner.name):
                names[spelling.casefold()] = owner.name
        return names

    def quota(self, owner: str, period: str) -> float | None:
        """``owner``'s quota for ``period``, if the config gives one."""
        for known in self.owners:
            if known.name == owner:
                return known.quotas.get(period)
        return None


def team_stage(name: str, config: TeamConfig) -> str | None:
    """Our stage for the stage ``name`` a file gives: one of ours, a CRM's standard one, or
    the one the team config maps it to (``domain.stages.crm_stage``, the import's own
    reading); None when none knows it (never a guess)."""
    return crm_stage(name, config.stages)


def no_decision_reason(reason: str, config: TeamConfig) -> bool:
    """Whether a loss reason says what the team counts as "no decision", read as an
    import reads it (``domain.stages.ended_in_no_decision``)."""
    return ended_in_no_decision(reason, config.no_decision_reasons)


def outcome_of(stage: str, close_reason: str, config: TeamConfig) -> str:
    """How a closed deal ended, for the team: a loss whose reason the team lists under
    no_decision_reasons ended in no decision (the customer kept the status quo)."""
    if stage == "lost" and no_decision_reason(close_reason, config):
        return "no_decision"
    return stage


def period_range(period: str) -> tuple[date, date]:
    """The first and last day of ``period`` ('2026', '2026-Q4' or '2026-11'); ValueError
    when it is none of those (``check_period`` says so to a user)."""
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(period)
    year, quarter, month = int(match[1]), match[2], match[3]
    if quarter:
        first_month, last_month = 3 * int(quarter) - 2, 3 * int(quarter)
    elif month:
        first_month = last_month = int(month)
    else:
        first_month, last_month = 1, 12
    following = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), following - timedelta(days=1)


def quarter_of(day: date) -> str:
    """The quarter ``day`` is in: '2026-Q4'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def check_period(period: str) -> str:
    """``period`` if it is a year, quarter or month; InvalidValueError otherwise."""
    if _PERIOD.match(period) is None:
        raise InvalidValueError(f"period '{period}' must be a year (2026), a quarter "
                                "(2026-Q4) or a month (2026-11)")
    return period


def load_team_config(path: Path) -> TeamConfig:
    """The team config in ``path``; SettingsError lists every problem at file:line:column."""
    from qualicoach.yamlio.nodes import read_yaml
    from qualicoach.yamlio.reader import NodeReader

    try:
        data = read_yaml_bytes(path, "team config")
    except FileNotFoundError:
        raise InvalidValueError(f"no team config at {path}") from None
    except OSError as exc:
        raise InvalidValueError(f"cannot read team config {path}: {exc.strerror}") from None
    except FrameworkError as exc:
        raise SettingsError(exc.lines()) from None
    reader = NodeReader(str(path))
    try:
        root = read_yaml(data, str(path), "team config")
        if root is None or root.is_null:
            return TeamConfig(path)
        values = reader.mapping(root, "team config", KEYS) or {}
        currency = ""
        if "default_currency" in values:
            node = values["default_currency"]
            currency = reader.text(node, "default_currency", required=True) or ""
            if currency and not _CURRENCY.match(currency):
                reader.error(node, f"default_currency '{currency}' must be a three-letter "
                             "currency code in capitals, e.g. EUR")
                currency = ""
        rates: dict[str, float] = {}
        rates_node = values.get("rates")
        if rates_node is not None:
            if not currency and "default_currency" not in values:
                reader.error(rates_node, "rates need a default_currency to convert into")
            for code, key_node, value in reader.pairs(rates_node, "rates", "currency") \
                    if rates_node.kind == "map" else ():
                if not _CURRENCY.match(code):
                    reader.error(key_node, f"rates: '{code}' must be a three-letter currency "
                                 "code in capitals, e.g. USD")
                    continue
                rate = reader.number(value, f"rate of {code}")
                if rate is not None and rate <= 0:
                    reader.error(value, f"rate of {code} must be above 0 (the value of one "
                                 f"{code} in {currency or 'the default currency'})")
                elif rate is not None:
                    rates[code] = rate
            if rates_node.kind != "map":
                reader.error(rates_node, "rates must map currency codes to the value of one "
                             "unit in the default currency, e.g. 'USD: 0.92'")
        owners = _owners(reader, values.get("owners"), currency)
        stages = _stages(reader, values.get("stages"))
        reasons = tuple(
            text for item in reader.sequence(values.get("no_decision_reasons"),
                                             "no_decision_reasons", non_empty=False)
            if (text := reader.text(item, "a no-decision reason", required=True)))
    except FrameworkError as exc:
        raise SettingsError(exc.lines()) from None
    if reader.problems:
        raise SettingsError([str(p) for p in sorted(reader.problems,
                                                    key=lambda p: (p.line, p.column))])
    return TeamConfig(path, currency, rates, owners, stages, reasons)


def _owners(reader: NodeReader, node: Node | None, currency: str) -> tuple[Owner, ...]:
    if node is None:
        return ()
    if node.kind != "map":
        reader.error(node, "owners must map each owner's name to their quota and aliases")
        return ()
    owners = []
    for name, key_node, value in reader.pairs(node, "owners", "owner"):
        if not name.strip():
            reader.error(key_node, "an owner's name must not be empty")
            continue
        if value.is_null:
            owners.append(Owner(name.strip()))
            continue
        values = reader.mapping(value, f"owner '{name}'", OWNER_KEYS) or {}
        quotas: dict[str, float] = {}
        quota_node = values.get("quota")
        if quota_node is not None:
            if not currency:
                reader.error(quota_node, f"owner '{name}': a quota needs a default_currency "
                             "(the currency quotas are in)")
            if quota_node.kind != "map":
                reader.error(quota_node, f"owner '{name}': quota must map periods to amounts,"
                             " e.g. '2026-Q4: 400000'")
            else:
                for period, period_node, amount_node in reader.pairs(
                        quota_node, f"owner '{name}' quota", "period"):
                    if _PERIOD.match(period) is None:
                        reader.error(period_node, f"owner '{name}': period '{period}' must be "
                                     "a year (2026), a quarter (2026-Q4) or a month (2026-11)")
                        continue
                    amount = reader.number(amount_node, f"owner '{name}' quota for {period}",
                                           low=0)
                    if amount is not None:
                        quotas[period] = amount
        aliases = tuple(
            text.strip() for item in reader.sequence(values.get("aliases"),
                                                     f"owner '{name}' aliases", non_empty=False)
            if (text := reader.text(item, f"an alias of owner '{name}'", required=True)))
        owners.append(Owner(name.strip(), quotas, aliases))
    return tuple(owners)


def _stages(reader: NodeReader, node: Node | None) -> dict[str, str]:
    if node is None:
        return {}
    if node.kind != "map":
        reader.error(node, "stages must map the team's stage names to qualicoach's, e.g. "
                     "'Solution Fit: qualified'")
        return {}
    mapping: dict[str, str] = {}
    for name, key_node, value in reader.pairs(node, "stages", "stage"):
        stage = reader.choice_of(value, f"stage '{name}'", STAGES)
        if not normalise(name):
            reader.error(key_node, f"stage name '{name}' has no letters or digits")
        elif stage is not None:
            mapping[normalise(name)] = stage
    return mapping


__all__ = ["NO_OWNER", "Owner", "TeamConfig", "check_period",
           "load_team_config", "no_decision_reason", "outcome_of",
           "period_range", "quarter_of", "team_stage"]
