"""Where frameworks come from: built-ins, then the user's folder, then a team's folders.

A later source overrides an earlier framework with the same id; the catalog remembers
where each framework came from and what it replaced, so ``frameworks list`` can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from qualicoach.errors import FrameworkError, NotFoundError, Problem
from qualicoach.frameworks.model import Framework
from qualicoach.frameworks.references import check_references
from qualicoach.yamlio.files import read_yaml_bytes

if TYPE_CHECKING:
    from qualicoach.yamlio.cache import ParsedCache

SourceKind = Literal["built-in", "user", "team"]
FRAMEWORK_SUFFIXES = (".yaml", ".yml")


class Source(NamedTuple):
    """A folder of framework files and what kind of source it is."""

    kind: SourceKind
    folder: Path


class Entry(NamedTuple):
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
        """The framework with this id; NotFoundError names the ids there are."""
        entry = self.entries.get(framework_id)
        if entry is None:
            from qualicoach.yamlio.words import did_you_mean

            hint = did_you_mean(framework_id, self.entries)
            raise NotFoundError(f"no framework '{framework_id}'{hint}; known: "
                                f"{', '.join(self.entries) or 'none'}")
        return entry.framework


def builtin_folder() -> Path:
    """The folder of the built-in frameworks, installed or in a source checkout."""
    from importlib import resources

    installed = Path(str(resources.files("qualicoach"))) / "builtin_frameworks"
    if installed.is_dir():
        return installed
    # An editable install or a plain checkout: the files are at the top of the repository.
    return Path(__file__).resolve().parents[3] / "frameworks"


def framework_files(folder: Path) -> list[Path]:
    """The framework files directly in ``folder``, sorted by name. Hidden files are
    tools' settings (``.pre-commit-config.yaml`` in a team's repository), not frameworks."""
    try:
        return sorted(p for p in folder.iterdir()
                      if p.suffix in FRAMEWORK_SUFFIXES and not p.name.startswith(".")
                      and p.is_file())
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        return [folder] if folder.suffix in FRAMEWORK_SUFFIXES else []


def load_catalog(sources: Sequence[Source], cache: ParsedCache | None = None) -> Catalog:
    """Load every framework of every source; later sources override earlier ones.

    With a ``cache``, a file whose bytes were parsed before is not parsed again (the cache
    is the caller's to save).
    """
    catalog = Catalog()
    for source in sources:
        for path in framework_files(source.folder):
            framework = _read_framework(path, cache)
            if not isinstance(framework, Framework):
                catalog.problems.extend(framework)
                continue
            previous = catalog.entries.pop(framework.id, None)
            overrides = (*previous.overrides, previous.path) if previous else ()
            catalog.entries[framework.id] = Entry(framework, source.kind, path, overrides)
    known = {fw_id: entry.framework for fw_id, entry in catalog.entries.items()}
    catalog.problems.extend(check_references(catalog.frameworks(), known))
    return catalog


def _read_framework(path: Path, cache: ParsedCache | None) -> Framework | list[Problem]:
    """The framework in ``path``, or its problems (kept in the cache too, so a broken
    file is not parsed on every run while it waits to be fixed)."""
    try:
        data = read_yaml_bytes(path)
    except OSError as exc:
        return [Problem(str(path), 1, 1, f"cannot read file: {exc.strerror}")]
    except FrameworkError as exc:
        return exc.problems

    def parse(data: bytes) -> Framework | list[Problem]:
        # The loader (and the YAML library) is imported only when a file must be parsed.
        from qualicoach.frameworks.loader import parse_framework

        try:
            return parse_framework(data, str(path))
        except FrameworkError as exc:
            return exc.problems

    return parse(data) if cache is None else cache.parse("framework", str(path), data, parse)


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
    """Validate framework files and folders as qualicoach will load them.

    A folder stands for the framework files directly inside it, as the catalog reads it; a
    framework file in a subfolder would never be loaded, so it is reported. Each file is
    judged in the context of its folder: the other framework files there are loaded with
    it, so a ``same_as`` into an unchanged neighbour resolves, an id used twice in one
    folder is reported, and so is a neighbour whose ``same_as`` the checked files break.
    Other references resolve against the catalog, where the checked files and their
    neighbours take the place of frameworks with the same id.
    """
    from qualicoach.frameworks.loader import load_framework

    result = Validation()
    for path in paths:
        if path.is_dir():
            found = framework_files(path)
            nested = _nested_framework_files(path)
            for lost in nested:
                result.problems.append(Problem(
                    str(lost), 1, 1, f"never loaded: qualicoach reads only the files directly "
                    f"in a framework folder ({path}); move it there, or out of the folder"))
            if not found and not nested:
                result.problems.append(Problem(str(path), 1, 1, "no .yaml or .yml files in "
                                               "this folder"))
            result.files.extend(found)
        elif path.exists():
            result.files.append(path)
        else:
            result.problems.append(Problem(str(path), 1, 1, "no such file or folder"))
    result.files = list({p.resolve(): p for p in result.files}.values())
    checked: dict[Path, Framework] = {}
    # Files with other problems whose references can still be checked: a pre-commit hook
    # should not refuse a file a second time for what it could have said the first.
    partly: list[Framework] = []
    for path in result.files:
        try:
            checked[path] = load_framework(path)
        except FrameworkError as exc:
            result.problems.extend(exc.problems)
            if isinstance(exc.partial, Framework):
                partly.append(exc.partial)
    asked = {p.resolve() for p in result.files}
    neighbours: dict[Path, Framework] = {}
    for folder in {p.parent.resolve(): p.parent for p in result.files}.values():
        for path in framework_files(folder):
            if path.resolve() not in asked:
                try:
                    neighbours[path] = load_framework(path)
                except FrameworkError:
                    continue  # not among the files asked about; its own check reports it
    result.problems.extend(_ids_used_twice(checked, neighbours))
    context = {**neighbours, **checked}
    known = {fw_id: entry.framework for fw_id, entry in catalog.entries.items()}
    known |= {fw.id: fw for fw in context.values()}
    checked_ids = {fw.id for fw in checked.values()}
    affected = [fw for fw in neighbours.values()
                if any(q.same_as and q.same_as.partition(".")[0] in checked_ids
                       for q in fw.questions())]
    result.problems.extend(check_references([*checked.values(), *affected, *partly], known))
    # In the order of the files, each file's problems in line order.
    order = {str(path): n for n, path in enumerate(result.files)}
    result.problems.sort(key=lambda p: (order.get(p.file, -1), p.line, p.column))
    return result


def _nested_framework_files(folder: Path) -> list[Path]:
    """Framework files in subfolders of ``folder`` (hidden folders such as .git aside)."""
    return sorted(p for p in folder.rglob("*")
                  if p.parent != folder and p.suffix in FRAMEWORK_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _ids_used_twice(checked: dict[Path, Framework],
                    neighbours: dict[Path, Framework]) -> list[Problem]:
    """A checked framework whose id another file in the same folder also uses: the
    catalog would silently keep only one of them."""
    problems = []
    everything = sorted({**neighbours, **checked}.items())
    for path, framework in checked.items():
        other = next((p for p, fw in everything if fw.id == framework.id and p != path
                      and p.parent.resolve() == path.parent.resolve()), None)
        if other is not None:
            pos = framework.position
            problems.append(Problem(pos.file, pos.line, pos.column,
                                    f"framework id '{framework.id}' is also used by {other}"))
    return problems
