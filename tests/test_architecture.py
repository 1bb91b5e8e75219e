"""Every module imports on its own in a fresh interpreter (no import cycles)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import qualicoach

PACKAGE = Path(qualicoach.__file__).parent


def modules() -> list[str]:
    """Every module of the package, by dotted name."""
    names = (".".join(("qualicoach", *p.relative_to(PACKAGE).with_suffix("").parts))
             for p in PACKAGE.rglob("*.py"))
    return sorted(n.removesuffix(".__init__") for n in names)


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    # One interpreter per module: a cycle shows only when its module is imported first.
    code = "import importlib, sys; importlib.import_module(sys.argv[1])"
    failures = []
    for module in modules():
        done = subprocess.run([sys.executable, "-c", code, module], capture_output=True,
                              text=True, timeout=60)
        if done.returncode:
            failures.append(f"{module}: {done.stderr.strip().splitlines()[-1]}")
    assert not failures, "\n".join(failures)
