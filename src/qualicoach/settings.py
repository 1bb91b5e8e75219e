"""Settings a team may change, in the user's config file, with defaults in code.

The file is YAML (``config.yaml`` in the config folder); every key is optional. See
docs/scoring.md for what each one does; ``frameworks_dirs`` lists team framework folders
(see ``Locations.framework_sources``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidValue


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
    # Points of no-decision risk, per cause (see docs/scoring.md).
    points_readiness_not_assessed: float = 40.0
    points_red_flag_readiness: float = 15.0
    points_red_flag_fit: float = 10.0
    points_unknown: float = 6.0
    points_unclear: float = 4.0
    points_weak: float = 3.0
    points_assumption: float = 2.0
    points_stale: float = 2.0
    points_close_slip: float = 8.0
    points_single_contact: float = 6.0
    points_no_economic_buyer: float = 8.0
    points_worse_answer: float = 4.0
    cap_assumption: float = 10.0
    cap_stale: float = 10.0
    cap_close_slip: float = 16.0
    cap_worse_answer: float = 12.0

    @classmethod
    def keys(cls) -> list[str]:
        """The setting names a config file may use."""
        return [f.name for f in fields(cls)]


# Config file keys that say where things are rather than how to score: they do not belong
# in Settings, which every stored assessment's fingerprint covers.
FRAMEWORKS_DIRS = "frameworks_dirs"


def load_settings(path: Path) -> Settings:
    """The settings in ``path`` over the defaults; a missing file means the defaults."""
    values: dict[str, Any] = {}
    for key, value in _read_config(path).items():
        if key == FRAMEWORKS_DIRS:
            continue
        values[key] = _check(path, key, value)
    return Settings(**values)


def load_frameworks_dirs(path: Path) -> tuple[Path, ...]:
    """The team framework folders the config file ``path`` lists under ``frameworks_dirs``;
    a relative folder is read from the config file's own folder."""
    value = _read_config(path).get(FRAMEWORKS_DIRS)
    if value is None:
        return ()
    if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
        raise InvalidValue(f"{path}: {FRAMEWORKS_DIRS} must be a list of folders")
    return tuple(path.parent / Path(v.strip()).expanduser() for v in value)


def _read_config(path: Path) -> dict[str, Any]:
    """The config file's keys and values ({} when there is no file); unknown keys are an
    error, so a typo does not go unnoticed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"cannot read settings {path}: {exc}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise InvalidValue(f"{path}{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise InvalidValue(f"{path}: expected keys and values, e.g. 'stale_after_days: 60'")
    known = [*Settings.keys(), FRAMEWORKS_DIRS]
    for key in data:
        if key not in known:
            raise InvalidValue(f"{path}: unknown setting '{key}'; known: {', '.join(known)}")
    return data


def _check(path: Path, key: str, value: Any) -> Any:
    if key == "default_frameworks":
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise InvalidValue(f"{path}: default_frameworks must be a list of framework ids")
        return tuple(value)
    if key == "stale_after_days":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidValue(f"{path}: stale_after_days must be a whole number of days >= 1")
        return value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise InvalidValue(f"{path}: {key} must be a number")
    if key == "weak_below" and not 0 < value <= 1:
        raise InvalidValue(f"{path}: weak_below must be a number above 0 and at most 1")
    if key in ("high_score", "at_risk_from") and not 0 < value <= 100:
        raise InvalidValue(f"{path}: {key} must be a number above 0 and at most 100")
    if value < 0:
        raise InvalidValue(f"{path}: {key} must be 0 or more")
    return float(value)
