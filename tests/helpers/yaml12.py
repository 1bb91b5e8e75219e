"""A framework file as an editor's YAML language server reads it: YAML 1.2's core schema.

The JSON Schema is checked against this reading, not PyYAML's YAML 1.1 one: in YAML 1.2,
``yes``, ``no``, ``on`` and ``off`` are words and dates are text, as an editor sees them.
Written from the resolution rules of the YAML 1.2.2 specification (section 10.3.2), and
independent of the loader, which reads every scalar by what it expects in that place.
"""

from __future__ import annotations

import re

from qualicoach.yamlio.nodes import Node, read_yaml

_NULL = re.compile(r"null|Null|NULL|~|")
_BOOL = {"true": True, "True": True, "TRUE": True,
         "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")


def editor_data(text: str) -> object:
    """The data of one YAML document as YAML 1.2's core schema resolves it."""
    return _data(read_yaml(text.encode(), "editor.yaml"))


def _data(node: Node | None) -> object:
    if node is None:
        return None
    if node.kind == "map":
        return {_key(key): _data(value) for key, value in node.pairs}
    if node.kind == "seq":
        return [_data(item) for item in node.items]
    return node.text if node.quoted else _plain(node.text)


def _key(node: Node) -> str:
    """A mapping key as JSON writes it (JSON keys are text)."""
    value = _data(node)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return value if isinstance(value, str) else str(value)


def _plain(text: str) -> object:
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text
