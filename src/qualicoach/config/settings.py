"""Settings a team may change, in the user's config file, with defaults in code.

The file is YAML (``config.yaml`` in the config folder); every key is optional. See
docs/scoring.md for what each one does; ``frameworks_dirs`` lists team framework folders
(see ``Locations.framework_sources``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualicoach.errors import FrameworkError, InvalidValueError, SettingsError
from qualicoach.yamlio.files import read_yaml_bytes

if TYPE_CHECKING:
    from qualicoach.yamlio.cache import ParsedCache
    from qualicoach.yamlio.nodes import Node
    from qualicoach.yamlio.reader import NodeReader


@dataclass(frozen=True)
class Settings:
    """Thresholds, ages, risk points and defaults used by the interview and the report.

    docs/scoring.md explains each one with worked examples.
    """

    default_frameworks: tuple[str, ...] = ("bant", "alignment")
    stale_after_days: int = 90
    weak_below: float = 0.5
    high_score: float = 60.0  # fit or readiness at or above this is "high"
    at_risk_from: float = 40.0  # a risk at or above this puts the deal at risk
    poor_fit_below: float = 40.0  # fit on the answered questions below this: qualify out
    # Urgency: gap points count more as the close date nears (see docs/scoring.md).
    urgency_days_soon: int = 90
    urgency_days_now: int = 30
    urgency_soon: float = 1.5
    urgency_now: float = 2.0
    # Movement: how long before a deal counts as stuck in its stage, or as a long cycle.
    stuck_after_days: int = 60
    long_cycle_days: int = 270
    # Points of no-decision risk, per cause (see docs/scoring.md).
    points_readiness_not_assessed: float = 30.0
    points_red_flag_weak: float = 40.0
    points_red_flag_readiness: float = 30.0
    points_red_flag_fit: float = 15.0
    further_red_flag: float = 0.5  # each red flag after the first: this share of the last
    further_gap: float = 0.5  # each other gap of the same side after the first: the same
    points_unknown: float = 8.0
    points_unclear: float = 5.0
    points_weak: float = 5.0
    points_assumption: float = 40.0
    points_stale: float = 30.0
    points_close_slip: float = 14.0
    cap_close_slip: float = 40.0
    points_close_passed: float = 40.0  # = at_risk_from: alone, it stalls the deal
    points_stuck: float = 10.0
    points_stuck_more: float = 5.0
    cap_stuck: float = 25.0
    points_long_cycle: float = 10.0
    points_single_contact: float = 10.0
    points_single_contact_step: float = 5.0
    points_no_economic_buyer: float = 10.0
    points_worse_answer: float = 15.0
    cap_worse_answer: float = 45.0
    # Alignment from the customer's own answers: their people disagree on a question when
    # their answers' scores spread this far (0..1), and each such question adds
    # points_disagreement x spread (see docs/scoring.md).
    disagree_from: float = 0.4
    points_disagreement: float = 40.0  # from proposal on: at risk by itself
    points_disagreement_early: float = 20.0  # before proposal: a warning
    # No single cause is worth more than this, so the top of the scale ranks deals by
    # how much is wrong, not by which one thing is (see docs/scoring.md).
    cap_cause: float = 40.0
    # Holes on our side (the seller's qualification: budget, access to the economic buyer,
    # decision criteria and process, paper process, a compelling event) once due: each
    # gap's points, x (1 + fit_gap_stage_step per stage past its settle_by) x urgency.
    points_fit_gap: float = 8.0
    fit_gap_stage_step: float = 0.75
    # The contracting the customer needs takes longer than the days left to the close.
    points_paper_outlasts_close: float = 40.0  # = at_risk_from: at risk of slipping
    paper_overrun_full_days: int = 30  # ...in full when it outlasts the date this much
    contracting_questions: tuple[str, ...] = ("meddic.contracting_days",)
    # The customer's own qualification only assumed by the rep: x share assumed.
    points_assumed_readiness: float = 25.0
    # A cause under this many points is not a "Watch:" line: it would not change what the
    # rep does.
    watch_from: float = 10.0
    # Answers that are enough for "poor fit" whatever else is still unknown:
    # "framework.question=value".
    disqualifiers: tuple[str, ...] = (
        "bant.budget_status=none", "bant.decision_maker_identified=no",
        "meddic.economic_buyer_identified=no", "meddic.pain_identified=our_words")
    # The currency of a deal created without one (added, imported, or created in an
    # interview); "" leaves it unsaid.
    default_currency: str = ""
    # A lost deal whose loss reason has one of these phrases (at the start of a word, any
    # case) ended in no decision: the customer did nothing. A phrase of lost_reasons wins
    # ("lost to a competitor after doing nothing for a year" was lost). See
    # docs/crm-import.md.
    no_decision_reasons: tuple[str, ...] = (
        "no decision", "status quo", "did nothing", "do nothing", "doing nothing", "no action",
        "went dark", "ghosted", "no response", "unresponsive", "shelved", "postponed",
        "on hold", "stay with", "stayed with", "staying with", "stick with", "stuck with",
        "keep using", "kept using", "keep the current", "kept the current", "deprioriti",
        "de prioriti", "not a priority", "no longer a priority", "cancel")
    lost_reasons: tuple[str, ...] = (
        "competitor", "competition", "went with", "signed with", "chose another",
        "chose a different", "selected another", "another vendor", "other vendor", "rival")

    @classmethod
    def keys(cls) -> list[str]:
        """The setting names a config file may use."""
        return [f.name for f in fields(cls)]


# Config file keys that say where things are rather than how to score: they do not belong
# in Settings, which every stored assessment's fingerprint covers.
FRAMEWORKS_DIRS = "frameworks_dirs"
# The team config file (owners, quotas, currencies, stage names) a team review reads;
# ``team_config_path`` finds it, relative to the config file's folder.
TEAM_CONFIG = "team_config"


def load_settings(path: Path, cache: ParsedCache | None = None) -> Settings:
    """The settings in ``path`` over the defaults; a missing file means the defaults.

    The file is read by the same guarded YAML reader as framework files; numbers are
    numbers only as written without quotes. Every problem of the file is reported at once.
    With a ``cache``, a file parsed before with the same bytes is not parsed again.
    """
    return _read(path, cache)[0]


def load_frameworks_dirs(path: Path, cache: ParsedCache | None = None) -> tuple[Path, ...]:
    """The team framework folders the config file ``path`` lists under ``frameworks_dirs``;
    a relative folder is read from the config file's own folder."""
    return _read(path, cache)[1]


def team_config_path(path: Path) -> Path | None:
    """The team config file the config file ``path`` names under ``team_config`` (relative
    to its own folder), or None. The whole file is checked first, as every read does."""
    _read(path, None)
    try:
        data = read_yaml_bytes(path, "settings file")
    except (OSError, FrameworkError):
        return None
    _, config = _read_config(path, data)
    node = config.get(TEAM_CONFIG)
    if node is None:
        return None
    return path.parent / Path(node.text.strip()).expanduser()


def _read(path: Path, cache: ParsedCache | None) -> tuple[Settings, tuple[Path, ...]]:
    # The whole file each time, so whichever is asked for first reports every problem.
    try:
        data = read_yaml_bytes(path, "settings file")
    except FileNotFoundError:
        return Settings(), ()
    except OSError as exc:
        raise InvalidValueError(f"cannot read settings {path}: {exc.strerror}") from None
    except FrameworkError as exc:
        raise SettingsError(exc.lines()) from None
    parse = functools.partial(_parse, path)
    settings, folders = (parse(data) if cache is None
                         else cache.parse("settings", str(path), data, parse))
    # Expanded after the cache: what ~ means depends on who runs it, not on the file.
    return settings, tuple(path.parent / Path(folder).expanduser() for folder in folders)


def _parse(path: Path, data: bytes) -> tuple[Settings, tuple[str, ...]]:
    reader, config = _read_config(path, data)
    values: dict[str, Any] = {}
    folders: tuple[str, ...] = ()
    for key, node in config.items():
        if key == TEAM_CONFIG:
            if node.kind != "scalar" or node.is_null or not node.text.strip():
                reader.error(node, f"{TEAM_CONFIG} must be the path of the team's config file")
        elif key != FRAMEWORKS_DIRS:
            value = _check(reader, key, node)
            if value is not None:
                values[key] = value
        elif (node.kind == "seq" and all(i.kind == "scalar" and not i.is_null and i.text.strip()
                                         for i in node.items)):
            folders = tuple(i.text.strip() for i in node.items)
        else:
            reader.error(node, f"{FRAMEWORKS_DIRS} must be a list of folders")
    if reader.problems:
        raise SettingsError([str(p) for p in sorted(reader.problems,
                                                    key=lambda p: (p.line, p.column))])
    return Settings(**values), folders


def _read_config(path: Path, data: bytes) -> tuple[NodeReader, dict[str, Node]]:
    """The config file's values by key; unknown and repeated keys are problems, so a typo
    does not go unnoticed."""
    # Imported here: with the file's parse in the cache, the YAML library is not needed.
    from qualicoach.yamlio.nodes import read_yaml
    from qualicoach.yamlio.reader import NodeReader

    reader = NodeReader(str(path))
    try:
        root = read_yaml(data, str(path), "settings file")
    except FrameworkError as exc:
        raise SettingsError(exc.lines()) from None
    if root is None or root.is_null:
        return reader, {}
    if root.kind != "map":
        raise SettingsError([f"{reader.where(root)}: expected keys and values, e.g. "
                             "'stale_after_days: 60'"])
    known = [*Settings.keys(), FRAMEWORKS_DIRS, TEAM_CONFIG]
    values: dict[str, Node] = {}
    try:
        for key, key_node, value_node in reader.pairs(root, noun="setting"):
            if key in _RETIRED:
                reader.error(key_node, f"setting '{key}' is no longer used ({_RETIRED[key]}); "
                             "remove it (see: qualicoach help scoring)")
                continue
            if key not in known:
                reader.error(key_node, f"unknown setting '{key}'; known: {', '.join(known)}")
                continue
            values[key] = value_node
    except FrameworkError as exc:
        raise SettingsError(exc.lines()) from None
    return reader, values


_LISTS = {"default_frameworks": "framework ids",
          "contracting_questions": "question keys ('framework.question')",
          "disqualifiers": "answers ('framework.question=value')"}
_DAYS = ("stale_after_days", "urgency_days_soon", "urgency_days_now", "stuck_after_days",
         "long_cycle_days", "paper_overrun_full_days")
# Settings of earlier rules: named in the error, so an old config.yaml is fixed knowingly.
_RETIRED = {"cap_assumption": "points_assumption is now the points when every answer is "
            "assumed", "cap_stale": "points_stale is now the points when every answer is stale"}


def _number(node: Node) -> float | None:
    from qualicoach.yamlio.reader import plain_number

    value = plain_number(node)
    return value if value is not None and math.isfinite(value) else None


def _check(reader: NodeReader, key: str, node: Node) -> Any:
    """The value of setting ``key``, or None after noting why it is not acceptable."""
    if key in _LISTS:
        if not (node.kind == "seq" and (node.items or key != "default_frameworks")
                and all(i.kind == "scalar" and not i.is_null for i in node.items)):
            reader.error(node, f"{key} must be a list of {_LISTS[key]}")
            return None
        items = tuple(i.text.strip() for i in node.items)
        if key == "disqualifiers" and not all("=" in i and "." in i.split("=")[0]
                                              for i in items):
            reader.error(node, "disqualifiers must be written 'framework.question=value'")
            return None
        return items
    if key in ("no_decision_reasons", "lost_reasons"):
        if not (node.kind == "seq" and all(i.kind == "scalar" and not i.is_null
                                           and i.text.strip() for i in node.items)):
            reader.error(node, f"{key} must be a list of phrases, e.g. "
                         "['status quo', 'deprioritized']")
            return None
        return tuple(i.text.strip() for i in node.items)
    if key == "default_currency":
        code = node.text.strip().upper() if node.kind == "scalar" and not node.is_null else ""
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            reader.error(node, "default_currency must be a three-letter code such as EUR or USD")
            return None
        return code
    value = _number(node)
    problem = None
    if key in _DAYS:
        if value is None or not value.is_integer() or "." in node.text or value < 1:
            reader.error(node, f"{key} must be a whole number of days >= 1")
            return None
        return int(value)
    if value is None:
        problem = f"{key} must be a number"
    elif key in ("weak_below", "disagree_from") and not 0 < value <= 1:
        problem = f"{key} must be a number above 0 and at most 1"
    elif key in ("high_score", "at_risk_from", "poor_fit_below") and not 0 < value <= 100:
        problem = f"{key} must be a number above 0 and at most 100"
    elif value < 0:
        problem = f"{key} must be 0 or more"
    if problem:
        reader.error(node, problem)
        return None
    return value
