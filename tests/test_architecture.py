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


@pytest.mark.slow  # an interpreter per module, about 100: pytest --all runs it
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


def _private_names(tree: ast.AST) -> list[str]:
    """Names starting with '_' reached through typer or click: imported from their modules
    (``from typer._x import y``, ``from typer import _y``) or read as attributes
    (``typer._x``, ``param._runtime_param``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            root, *rest = node.module.split(".")
            if root in ("typer", "click"):
                found += [node.module for part in rest if part.startswith("_")]
                found += [f"{node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_")]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in ("typer", "click")
                      and any(p.startswith("_") for p in a.name.split(".")[1:])]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not (
                node.attr.startswith("__") and node.attr.endswith("__")):
            base = node.value
            if isinstance(base, ast.Name) and base.id in ("typer", "click"):
                found.append(f"{base.id}.{node.attr}")
            elif node.attr == "_runtime_param":
                found.append(node.attr)
    return found


def test_the_cli_uses_only_the_public_names_of_typer_and_click() -> None:
    # A private name can change in any release, and every run would fail with it.
    used = {str(path.relative_to(PACKAGE)): names for path in sorted(PACKAGE.rglob("*.py"))
            if (names := _private_names(ast.parse(path.read_text(), str(path))))}
    assert used == {}
