"""Where frameworks come from: built-ins, then the user's folder, then a team's folders.

A later source overrides an earlier framework with the same id; the catalog remembers
where each framework came from and what it replaced, so ``frameworks list`` can say so.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from .errors import FrameworkError, NotFound, Problem
from .framework import Framework
from .loader import check_references, load_framework

SourceKind = Literal["built-in", "user", "team"]
FRAMEWORK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Source:
    """A folder of framework files and what kind of source it is."""

    kind: SourceKind
    folder: Path


@dataclass(frozen=True)
class Entry:
    """A framework in the catalog, where it came from and the files it overrides."""

    framework: Framework
    kind: SourceKind
    path: Path
    overrides: tuple[Path, ...] = ()


@dataclass
class Catalog:
    """Every known framework by id, plus the problems of files that did not load."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def frameworks(self) -> list[Framework]:
        """The frameworks in source order."""
        return [entry.framework for entry in self.entries.values()]

    def get(self, framework_id: str) -> Framework:
        """The framework with this id; NotFound names the ids there are."""
        entry = self.entries.get(framework_id)
        if entry is None:
            close = difflib.get_close_matches(framework_id, list(self.entries), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise NotFound(f"no framework '{framework_id}'{hint}; known: "
                           f"{', '.join(self.entries) or 'none'}")
        return entry.framework


def builtin_folder() -> Path:
    """The folder of the built-in frameworks, installed or in a source checkout."""
    installed = Path(str(resources.files("qualicoach"))) / "builtin_frameworks"
    if installed.is_dir():
        return installed
    # An editable install or a plain checkout: the files are at the top of the repository.
    return Path(__file__).resolve().parents[2] / "frameworks"


def framework_files(folder: Path) -> list[Path]:
    """The framework files directly in ``folder``, sorted by name."""
    try:
        return sorted(p for p in folder.iterdir()
                      if p.suffix in FRAMEWORK_SUFFIXES and p.is_file())
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        return [folder] if folder.suffix in FRAMEWORK_SUFFIXES else []


def load_catalog(sources: Sequence[Source]) -> Catalog:
    """Load every framework of every source; later sources override earlier ones."""
    catalog = Catalog()
    for source in sources:
        for path in framework_files(source.folder):
            try:
                framework = load_framework(path)
            except FrameworkError as exc:
                catalog.problems.extend(exc.problems)
                continue
            previous = catalog.entries.pop(framework.id, None)
            overrides = (*previous.overrides, previous.path) if previous else ()
            catalog.entries[framework.id] = Entry(framework, source.kind, path, overrides)
    known = {fw_id: entry.framework for fw_id, entry in catalog.entries.items()}
    catalog.problems.extend(check_references(catalog.frameworks(), known))
    return catalog


@dataclass
class Validation:
    """The outcome of validating files: which were checked and every problem found."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file is valid."""
        return bool(self.files) and not self.problems


def validate_paths(paths: Sequence[Path], catalog: Catalog) -> Validation:
    """Validate framework files and folders (searched recursively).

    ``same_as`` references are resolved against the catalog, with the validated files
    taking the place of catalog frameworks of the same id.
    """
    result = Validation()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.suffix in FRAMEWORK_SUFFIXES and p.is_file())
            if not found:
                result.problems.append(Problem(str(path), 1, 1, "no .yaml or .yml files in "
                                               "this folder"))
            result.files.extend(found)
        elif path.exists():
            result.files.append(path)
        else:
            result.problems.append(Problem(str(path), 1, 1, "no such file or folder"))
    loaded: dict[str, Framework] = {}
    for path in result.files:
        try:
            framework = load_framework(path)
        except FrameworkError as exc:
            result.problems.extend(exc.problems)
            continue
        if framework.id in loaded:
            pos = framework.position
            result.problems.append(Problem(pos.file, pos.line, pos.column,
                                           f"framework id '{framework.id}' is also used by "
                                           f"{loaded[framework.id].position.file}"))
            continue
        loaded[framework.id] = framework
    known = {fw_id: entry.framework for fw_id, entry in catalog.entries.items()} | loaded
    result.problems.extend(check_references(loaded.values(), known))
    return result
