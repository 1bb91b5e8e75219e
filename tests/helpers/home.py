"""What tests share besides fixtures: the test home, the CLI runner's type, and paths.

Tests import from ``tests.helpers``, never from conftest or from each other.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from typer.testing import Result

from qualicoach.config.locations import Locations

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = TESTS / "data"


@dataclass
class Home:
    """The temporary folders a test runs in (what QUALICOACH_* point at)."""

    root: Path
    db: Path
    config_dir: Path
    team_frameworks: Path

    @property
    def locations(self) -> Locations:
        return Locations(self.db, self.config_dir, (self.team_frameworks,), self.root / "cache")

    def write_framework(self, name: str, text: str, folder: Path | None = None) -> Path:
        """Write a framework file (dedented) into the team folder or ``folder``."""
        target = (folder or self.team_frameworks) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target


Run = Callable[..., Result]
