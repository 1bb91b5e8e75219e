"""Settings a team may change, in the user's config file, with defaults in code.

The file is YAML (``config.yaml`` in the config folder); every key is optional. See
docs/scoring.md for what each one does; ``frameworks_dirs`` lists team framework folders
(see ``Locations.framework_sources``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from qualicoach.errors import FrameworkError, InvalidValueError
from qualicoach.yamlio.nodes import Node, read_yaml_file, where


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
    """The settings in ``path`` over the defaults; a missing file means the defaults.

    The file is read by the same guarded YAML reader as framework files; numbers are
    numbers only as written without quotes.
    """
    filename = str(path)
    values: dict[str, Any] = {}
    for key, value_node in _read_config(path).items():
        if key == FRAMEWORKS_DIRS:
            continue
        values[key] = _check(where(filename, value_node), key, value_node)
    return Settings(**values)


def load_frameworks_dirs(path: Path) -> tuple[Path, ...]:
    """The team framework folders the config file ``path`` lists under ``frameworks_dirs``;
    a relative folder is read from the config file's own folder."""
    node = _read_config(path).get(FRAMEWORKS_DIRS)
    if node is None:
        return ()
    if not (node.kind == "seq" and all(i.kind == "scalar" and not i.is_null and i.text.strip()
                                       for i in node.items)):
        raise InvalidValueError(f"{where(str(path), node)}: {FRAMEWORKS_DIRS} must be a list of "
                                "folders")
    return tuple(path.parent / Path(i.text.strip()).expanduser() for i in node.items)


def _read_config(path: Path) -> dict[str, Node]:
    """The config file's values by key ({} when there is no file); unknown and repeated
    keys are errors, so a typo does not go unnoticed."""
    try:
        root = read_yaml_file(path, "settings file")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InvalidValueError(f"cannot read settings {path}: {exc.strerror}") from None
    except FrameworkError as exc:
        raise InvalidValueError(str(exc)) from None
    filename = str(path)
    if root is None or root.is_null:
        return {}
    if root.kind != "map":
        raise InvalidValueError(f"{where(filename, root)}: expected keys and values, e.g. "
                                "'stale_after_days: 60'")
    known = [*Settings.keys(), FRAMEWORKS_DIRS]
    values: dict[str, Node] = {}
    first: dict[str, Node] = {}
    for key_node, value_node in root.pairs:
        key = key_node.text if key_node.kind == "scalar" else key_node.describe()
        at = where(filename, key_node)
        if key not in known:
            raise InvalidValueError(f"{at}: unknown setting '{key}'; known: {', '.join(known)}")
        if key in first:
            raise InvalidValueError(f"{at}: duplicate setting '{key}' (first at line "
                                    f"{first[key].line}); YAML would silently keep only the last")
        first[key] = key_node
        values[key] = value_node
    return values


_NUMBER_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def _number(node: Node) -> float | None:
    if node.kind != "scalar" or node.quoted or not _NUMBER_RE.match(node.text):
        return None
    value = float(node.text)
    return value if math.isfinite(value) else None


def _check(at: str, key: str, node: Node) -> Any:
    if key == "default_frameworks":
        if not (node.kind == "seq" and node.items
                and all(i.kind == "scalar" and not i.is_null for i in node.items)):
            raise InvalidValueError(f"{at}: default_frameworks must be a list of framework ids")
        return tuple(i.text for i in node.items)
    value = _number(node)
    if key == "stale_after_days":
        if value is None or not value.is_integer() or "." in node.text or value < 1:
            raise InvalidValueError(f"{at}: stale_after_days must be a whole number of days >= 1")
        return int(value)
    if value is None:
        raise InvalidValueError(f"{at}: {key} must be a number")
    if key == "weak_below" and not 0 < value <= 1:
        raise InvalidValueError(f"{at}: weak_below must be a number above 0 and at most 1")
    if key in ("high_score", "at_risk_from") and not 0 < value <= 100:
        raise InvalidValueError(f"{at}: {key} must be a number above 0 and at most 100")
    if value < 0:
        raise InvalidValueError(f"{at}: {key} must be 0 or more")
    return value
