"""The rooms of docs/architecture.md, and the way data flows between them."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import qualicoach

from .helpers.home import ROOT

PACKAGE = Path(qualicoach.__file__).parent
DOC = ROOT / "docs" / "architecture.md"


def modules() -> list[str]:
    """Every module of the package, by dotted name."""
    names = (".".join(("qualicoach", *p.relative_to(PACKAGE).with_suffix("").parts))
             for p in PACKAGE.rglob("*.py"))
    return sorted(n.removesuffix(".__init__") for n in names)


def room(module: str) -> str:
    """The room of a module: its subpackage; ``errors``; or ``qualicoach`` for the rest."""
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "errors" if parts[1:2] == ["errors"] else "qualicoach"


def allowed() -> dict[str, set[str]]:
    """The table of docs/architecture.md: | room | may import |."""
    table: dict[str, set[str]] = {}
    for line in DOC.read_text().splitlines():
        m = re.match(r"\|\s*`(\w+)`\s*\|\s*(.*?)\s*\|$", line)
        if m:
            table[m[1]] = set(re.findall(r"`(\w+)`", m[2]))
    return table


# Third-party packages that belong to one room: the UI toolkits stay out of the library.
THIRD_PARTY = {"typer": {"cli"}, "click": {"cli"}, "questionary": {"cli"},
               "prompt_toolkit": {"cli"}, "rich": {"render", "cli"},
               "tinydb": {"storage"}, "filelock": {"storage"}, "yaml": {"yamlio"},
               "platformdirs": {"config"}}


def imported(module: str, prefix: str = "qualicoach.") -> set[str]:
    path = PACKAGE.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            found.add(node.module or "")
            found |= {f"{node.module}.{a.name}" for a in node.names}
    # The version string is everyone's.
    return {m for m in found if m.startswith(prefix)} - {"qualicoach.__version__"}


def test_the_doc_names_every_room() -> None:
    assert {room(m) for m in modules()} == set(allowed())


@pytest.mark.parametrize("module", modules())
def test_a_module_imports_only_the_rooms_the_doc_allows(module: str) -> None:
    own = room(module)
    table = allowed()
    may = table[own] | {own, "errors"}
    bad = sorted(m for m in imported(module) if room(m) not in may)
    assert not bad, f"{module} ({own}) imports {bad}; docs/architecture.md allows {sorted(may)}"


@pytest.mark.parametrize("module", modules())
def test_ui_and_file_format_libraries_stay_in_their_rooms(module: str) -> None:
    used = {m.split(".")[0] for m in imported(module, prefix="")}
    bad = sorted(p for p in used & set(THIRD_PARTY) if room(module) not in THIRD_PARTY[p])
    assert not bad, f"{module} ({room(module)}) imports {bad}"


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    # One interpreter per module: a cycle shows only when its module is imported first.
    code = "import importlib, sys; importlib.import_module(sys.argv[1])"

    def import_alone(module: str) -> str | None:
        done = subprocess.run([sys.executable, "-c", code, module], capture_output=True,
                              text=True, timeout=60)
        return f"{module}: {done.stderr.strip().splitlines()[-1]}" if done.returncode else None

    # The interpreters are independent, so they start side by side (one per core).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        failures = [f for f in pool.map(import_alone, modules()) if f]
    assert not failures, "\n".join(failures)
