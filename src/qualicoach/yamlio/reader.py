"""Typed values from YAML nodes, with every problem collected at its file, line and column.

Framework files, the settings file and answers files all read through ``NodeReader``, so
they agree on what a number, a boolean or a list is (``no`` stays the word "no" unless a
true/false is expected there), on how duplicate and unknown keys are reported, and on the
limit for values multiplied by aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TypeVar

from qualicoach.errors import FrameworkError, Problem
from qualicoach.yamlio.nodes import MAX_NODES, Node, where, word_to_bool
from qualicoach.yamlio.words import did_you_mean

_NUMBER_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

T = TypeVar("T", bound=str)


def plain_number(node: Node) -> float | None:
    """The number an unquoted scalar spells, or None: ``'1'`` in quotes is text."""
    if node.kind != "scalar" or node.quoted or not _NUMBER_RE.match(node.text):
        return None
    return float(node.text)


class NodeReader:
    """Reads the nodes of one file into typed values.

    A reader never raises for a wrong value: it adds a ``Problem`` to ``problems`` and
    returns None (or an empty value), so a caller reports every problem of a file at once.
    Only ``visit`` raises, when aliases make a small file stand for too many values.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.visited = 0

    # --- reporting -----------------------------------------------------------------------

    def where(self, node: Node) -> str:
        """``file:line:column`` of ``node``."""
        return where(self.filename, node)

    def error(self, node: Node, message: str) -> None:
        """Note a problem at ``node``."""
        self.problems.append(Problem(self.filename, node.line, node.column, message))

    def lines(self) -> list[str]:
        """Every problem as ``file:line:column: message``."""
        return [str(p) for p in self.problems]

    def visit(self, node: Node, count: int = 1) -> None:
        """Count values read: an alias used many times is read each time, so a small file
        of aliases of aliases could otherwise make millions of values."""
        self.visited += count
        if self.visited > MAX_NODES:
            raise FrameworkError([Problem(
                self.filename, node.line, node.column, f"more than {MAX_NODES:,} values "
                "once aliases are expanded; write the values out or use fewer aliases")])

    # --- collections ---------------------------------------------------------------------

    def pairs(self, node: Node, what: str = "", noun: str = "key"
              ) -> Iterator[tuple[str, Node, Node]]:
        """A mapping's keys (as text), key nodes and values. Keys that are not plain text
        and repeated keys are problems (YAML itself would keep only the last)."""
        prefix = f"{what}: " if what else ""
        self.visit(node, len(node.pairs))
        first: dict[str, Node] = {}
        for key_node, value_node in node.pairs:
            if key_node.kind != "scalar":
                self.error(key_node, f"{prefix}keys must be plain names, got "
                           f"{key_node.describe()}")
                continue
            key = key_node.text
            if key in first:
                self.error(key_node, f"{prefix}duplicate {noun} '{key}' (first at line "
                           f"{first[key].line}); YAML would silently keep only the last")
                continue
            first[key] = key_node
            yield key, key_node, value_node

    def mapping(self, node: Node | None, what: str, allowed: Sequence[str],
                required: Sequence[str] = (), reported_elsewhere: Sequence[str] = (),
                ) -> dict[str, Node] | None:
        """A mapping's values by key, checked against the ``allowed`` and ``required`` keys.

        Missing keys in ``reported_elsewhere`` are left to the caller, which can say more.
        """
        if node is None or node.kind != "map":
            if node is not None:
                self.error(node, f"{what} must be a mapping of keys to values, "
                           f"got {node.describe()}")
            return None
        values: dict[str, Node] = {}
        seen: set[str] = set()
        for key, key_node, value_node in self.pairs(node, what):
            seen.add(key)
            if key not in allowed:
                self.error(key_node, f"{what}: unknown key '{key}'{did_you_mean(key, allowed)}; "
                           f"expected one of: {', '.join(allowed)}")
                continue
            values[key] = value_node
        for key in required:
            if key not in seen and key not in reported_elsewhere:
                self.error(node, f"{what}: missing required key '{key}'")
        return values

    def sequence(self, node: Node | None, what: str, non_empty: bool = True) -> list[Node]:
        """A list's items ([] when absent, or when null and ``non_empty`` is False)."""
        if node is None or node.is_null and not non_empty:
            return []
        if node.kind != "seq":
            self.error(node, f"{what} must be a list, got {node.describe()}")
            return []
        if non_empty and not node.items:
            self.error(node, f"{what} must not be empty")
        self.visit(node, len(node.items))
        return node.items

    # --- scalars -------------------------------------------------------------------------

    def text(self, node: Node | None, what: str, required: bool = False) -> str | None:
        """A scalar's text as written; None when absent (or null, unless ``required``)."""
        if node is None or (node.is_null and not required):
            return None
        if node.kind != "scalar" or node.is_null:
            self.error(node, f"{what} must be text, got {node.describe()}")
            return None
        if required and not node.text.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return node.text

    def number(self, node: Node | None, what: str, low: float | None = None,
               high: float | None = None) -> float | None:
        """An unquoted number, within ``low`` and ``high`` when given."""
        if node is None:
            return None
        value = plain_number(node)
        if value is None:
            self.error(node, f"{what} must be a number, got {node.describe()}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                expected = f"a number of at least {low:g}"
            else:
                expected = f"a number from {low:g} to {high:g}"
            self.error(node, f"{what} {node.text} is out of range: expected {expected}")
            return None
        return value

    def boolean(self, node: Node | None, what: str) -> bool | None:
        """An unquoted true/false (or yes/no, on/off); None when absent or wrong."""
        if node is None:
            return None
        value = word_to_bool(node)
        if value is None:
            self.error(node, f"{what} must be true or false, got {node.describe()}")
        return value

    def choice_of(self, node: Node | None, what: str, options: Sequence[T]) -> T | None:
        """One of ``options``, typed as they are (so a Literal comes back as that Literal)."""
        value = self.text(node, what, required=True)
        if value is None or node is None:
            return None
        for option in options:
            if option == value:
                return option
        self.error(node, f"{what} '{value}' is not valid{did_you_mean(value, options)}; "
                   f"expected one of: {', '.join(options)}")
        return None
