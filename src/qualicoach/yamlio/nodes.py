"""Safe YAML reading that keeps where every value came from.

PyYAML's own loaders are not enough for files that teams write by hand and load from
anyone's repository:

* they silently keep the last of two duplicate keys;
* YAML 1.1 turns ``yes``/``no``/``on``/``off`` into booleans, so a choice called ``no``
  changes meaning;
* libyaml's composer recurses in C (deep nesting crashes the interpreter) and its parser
  slows down quadratically on deep flow collections.

So we walk PyYAML's *event* stream ourselves, build plain nodes that remember their line
and column, stop early at a depth, size or node limit, and leave every scalar as the text
its author wrote. The framework loader, the ``--answers`` reader and the settings reader
then interpret scalars by what they expect there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from qualicoach.errors import FrameworkError, Problem
from qualicoach.yamlio.files import MAX_BYTES, read_yaml_bytes
from qualicoach.yamlio.files import article as _a
from qualicoach.yamlio.scan import PurePythonLoader
from qualicoach.yamlio.words import FALSE_WORDS, TRUE_WORDS

MAX_DEPTH = 24
MAX_NODES = 100_000

# Explicit tags that only restate what plain data is; anything else (``!!python/object``,
# custom application tags) is refused, because a framework file is data, not code.
_DATA_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
} | {"!"}

try:  # libyaml's event parser is much faster; the pure-Python one is the fallback.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    # tests/test_loader.py runs the loader's tests on this one too.
    _Loader = PurePythonLoader

NodeKind = Literal["scalar", "seq", "map"]


@dataclass(eq=False)
class Node:
    """A YAML node: a scalar's source text, a list of nodes, or a list of key/value pairs."""

    kind: NodeKind
    line: int
    column: int
    text: str = ""
    quoted: bool = False
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Node, Node]] = field(default_factory=list)

    @property
    def is_null(self) -> bool:
        """True for an empty or ``~``/``null`` plain scalar."""
        return (
            self.kind == "scalar"
            and not self.quoted
            and self.text in ("", "~", "null", "Null", "NULL")
        )

    def describe(self) -> str:
        """A short description of the node for error messages."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        if self.is_null:
            return "nothing"
        shown = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return repr(shown)


def read_yaml_file(path: Path, kind: str = "framework file") -> Node | None:
    """Read and parse a YAML file, reading no more than the size limit allows.

    Raises OSError when the file cannot be read, FrameworkError as ``read_yaml`` does.
    """
    return read_yaml(read_yaml_bytes(path, kind), str(path), kind)


def read_yaml(data: bytes, filename: str, kind: str = "framework file") -> Node | None:
    """Parse one YAML document into nodes; ``None`` for an empty document.

    ``kind`` names the file in messages ("framework file", "answers file"). Raises
    FrameworkError (with a position) for anything that is not plain, safe YAML data.
    """
    if len(data) > MAX_BYTES:
        raise _fail(filename, 1, 1, f"file is {len(data):,} bytes; {_a(kind)} may be at "
                    f"most {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position_of_offset(data, exc.start)
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise _fail(filename, line, column, message) from None
    return _Composer(filename, kind).compose(text)


def _position_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    return line, offset - (before.rfind(b"\n") + 1) + 1


def _fail(filename: str, line: int, column: int, message: str) -> FrameworkError:
    return FrameworkError([Problem(filename, line, column, message)])


def where(filename: str, node: Node) -> str:
    """``file:line:column`` of a node, for messages."""
    return f"{filename}:{node.line}:{node.column}"


def word_to_bool(node: Node) -> bool | None:
    """True or False for an unquoted true/false, yes/no or on/off (the spellings the schema
    accepts); None for anything else."""
    word = node.text if node.kind == "scalar" and not node.quoted else None
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


class _LibyamlDepthLimit(Exception):
    """libyaml refused to nest deeper than its own limit."""


class _Composer:
    def __init__(self, filename: str, kind: str) -> None:
        self.filename = filename
        self.kind = kind
        self.anchors: dict[str, Node] = {}
        self.nodes = 0

    def compose(self, text: str) -> Node | None:
        try:
            return self._compose(text, _Loader)
        except _LibyamlDepthLimit:
            # libyaml 0.2.6+ stops at its own nesting limit (1,000) while it scans ahead,
            # before our walker sees the 25th level; the pure-Python scanner looks ahead at
            # most 1,024 characters, so it reaches our limit and reports where it was crossed.
            self.anchors.clear()
            self.nodes = 0
            return self._compose(text, PurePythonLoader)

    def _compose(self, text: str, loader: type) -> Node | None:
        stack: list[Node] = []
        pending_keys: list[Node | None] = []
        root: Node | None = None
        documents = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                start = event.start_mark
                line, column = (start.line + 1, start.column + 1) if start else (1, 1)
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise self._error(line, column, "more than one YAML document; "
                                          f"{_a(self.kind)} holds exactly one (remove '---')")
                    continue
                node: Node | None = None
                if isinstance(event, yaml.AliasEvent):
                    node = self.anchors.get(event.anchor or "")
                    if node is None:
                        raise self._error(line, column, f"unknown alias '*{event.anchor}'")
                elif isinstance(event, yaml.ScalarEvent):
                    self._check_tag(event.tag, line, column)
                    node = Node("scalar", line, column, text=event.value,
                                quoted=event.style not in (None, ""))
                    self._remember(event.anchor, node)
                elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    self._check_tag(event.tag, line, column)
                    kind: NodeKind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
                    stack.append(Node(kind, line, column))
                    pending_keys.append(None)
                    # Keep the anchor name on the open collection; it is usable once closed
                    # (an alias inside its own anchor would make a cycle).
                    stack[-1].text = event.anchor or ""
                    if len(stack) > MAX_DEPTH:
                        raise self._error(line, column, f"nested more than {MAX_DEPTH} levels "
                                          f"deep; {_a(self.kind)} needs far fewer")
                    self._count(line, column)
                    continue
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    node = stack.pop()
                    pending_keys.pop()
                    anchor, node.text = node.text, ""
                    self._remember(anchor, node)
                else:
                    continue
                self._count(line, column)
                if not stack:
                    root = node
                    continue
                parent = stack[-1]
                if parent.kind == "seq":
                    parent.items.append(node)
                elif pending_keys[-1] is None:
                    pending_keys[-1] = node
                else:
                    key = pending_keys[-1]
                    assert key is not None
                    parent.pairs.append((key, node))
                    pending_keys[-1] = None
        except yaml.MarkedYAMLError as exc:
            if loader is not PurePythonLoader and "maximum nesting depth" in (exc.problem or ""):
                raise _LibyamlDepthLimit from None
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = (exc.problem or "invalid YAML").strip()
            context = f" {exc.context.strip()}" if exc.context else ""
            raise self._error(line, column, f"YAML syntax error: {problem}{context}"
                              f"{syntax_hint(problem + context, text, line)}") from None
        except yaml.reader.ReaderError as exc:  # control characters the YAML spec forbids
            line, column = _position_of_offset(text.encode("utf-8"),
                                               len(text[: exc.position].encode("utf-8")))
            char = exc.character if isinstance(exc.character, int) else ord(exc.character)
            raise self._error(line, column, f"control character 0x{char:02x} is not allowed "
                              "in YAML; remove it or write it as an escape in a quoted "
                              "string") from None
        except yaml.YAMLError as exc:
            raise self._error(1, 1, f"not readable as YAML: {exc}".splitlines()[0]) from None
        return root

    def _check_tag(self, tag: str | None, line: int, column: int) -> None:
        if tag and tag not in _DATA_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self._error(line, column, f"tag '{shown}' is not allowed: {self.kind}s "
                              "are plain data (text, numbers, lists and mappings)")

    def _remember(self, anchor: str | None, node: Node) -> None:
        if anchor:
            self.anchors[anchor] = node

    def _count(self, line: int, column: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(line, column, f"more than {MAX_NODES:,} values; this is not "
                              f"{_a(self.kind)}")

    def _error(self, line: int, column: int, message: str) -> FrameworkError:
        return _fail(self.filename, line, column, message)


# The YAML library's words for a line indented the wrong way, and what to do about it.
_INDENT_WORDS = ("mapping values are not allowed", "expected '-' indicator",
                 "expected <block end>", "did not find expected key")


def syntax_hint(problem: str, text: str, line: int) -> str:
    """How to fix the YAML syntax error ``problem`` at ``line`` of ``text`` (1-based), as
    '; ...' to append, for the two that trip people up: tabs and indentation."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent or ("cannot start any token" in problem and "\t" in here):
        return ("; a tab indents this line, and YAML indents with spaces only: replace the "
                "tab with spaces")
    if any(words in problem for words in _INDENT_WORDS):
        return ("; check the indentation of this line and the one above: keys of one mapping, "
                "and the '- ' items of one list, start in the same column (spaces only)")
    return ""
