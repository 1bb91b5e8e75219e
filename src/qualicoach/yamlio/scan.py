"""PyYAML's pure-Python parser, made to read plain scalars as libyaml and YAML 1.2 do.

Where PyYAML was built without libyaml, ``yamlnodes`` falls back to the pure-Python parser.
That parser ends a plain scalar at a ``?`` inside flow collections, so ``{prompt: Q?}`` - a
question, in a question file - is a syntax error there while libyaml reads the prompt
``Q?``. YAML 1.2 (section 7.3.3) allows ``?`` inside a plain scalar in any context; only
``, [ ] { }`` end one in a flow collection. This loader follows the specification, so a
framework file means the same on every installation (tests/test_yaml_parsers.py compares
the two).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.scanner import ScannerError
from yaml.tokens import ScalarToken

_BREAKS = "\0 \t\r\n\x85\u2028\u2029"


class PurePythonLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with plain scalars scanned as the YAML 1.2 specification says."""

    def scan_plain(self) -> Any:
        # PyYAML 6's Scanner.scan_plain (MIT licence), changed where it read flow
        # collections differently from libyaml 0.2.5: '?' no longer ends a plain scalar, and
        # ':' right before ',?[]{}' is an error, as there.
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] = []
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                if self.flow_level and ch == ":" and self.peek(length + 1) in ",?[]{}":
                    # libyaml refuses 'x:]' rather than read it as a key without a value.
                    self.forward(length)
                    raise ScannerError("while scanning a plain scalar", start_mark,
                                       "found unexpected ':'", self.get_mark())
                if (ch in _BREAKS or (ch == ":" and self.peek(length + 1) in _BREAKS)
                        or (self.flow_level and ch in ",[]{}")):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if (not spaces or self.peek() == "#"
                    or (not self.flow_level and self.column < indent)):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)
