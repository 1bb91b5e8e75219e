"""Settings a team may change, in the user's config file, with defaults in code.

The file is YAML (``config.yaml`` in the config folder); every key is optional. See
docs/scoring.md for what each one does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidValue


@dataclass(frozen=True)
class Settings:
    """Thresholds, ages and defaults used by the interview and the report."""

    default_frameworks: tuple[str, ...] = ("bant", "alignment")
    stale_after_days: int = 90
    weak_below: float = 0.5

    @classmethod
    def keys(cls) -> list[str]:
        """The setting names a config file may use."""
        return [f.name for f in fields(cls)]


def load_settings(path: Path) -> Settings:
    """The settings in ``path`` over the defaults; a missing file means the defaults."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
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
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in Settings.keys():
            raise InvalidValue(f"{path}: unknown setting '{key}'; known: "
                               f"{', '.join(Settings.keys())}")
        values[key] = _check(path, key, value)
    return Settings(**values)


def _check(path: Path, key: str, value: Any) -> Any:
    if key == "default_frameworks":
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise InvalidValue(f"{path}: default_frameworks must be a list of framework ids")
        return tuple(value)
    if key == "stale_after_days":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidValue(f"{path}: stale_after_days must be a whole number of days >= 1")
        return value
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        raise InvalidValue(f"{path}: {key} must be a number above 0 and at most 1")
    return float(value)
