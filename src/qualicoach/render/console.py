"""Consoles and the one rule for showing text that users or files supplied.

Such text is never interpreted: not as Rich markup (we build ``Text`` objects, never markup
strings, from it) and not as terminal control codes (they are shown as visible escapes).
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

from rich.console import Console
from rich.text import Text

# Everything a terminal might act on: C0 controls but tab and newline, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), never sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def literal(text: str, style: str = "") -> Text:
    """Rich text that shows ``text`` exactly: no markup, no control codes."""
    return Text(visible(text), style=style)


def make_console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A Rich console (it honours NO_COLOR) that adds no highlighting or emoji of its own
    to what it prints."""
    return Console(stderr=stderr, file=file, highlight=False, emoji=False)


def stderr_line(message: str) -> None:
    """One message line on stderr: plain (never wrapped or styled), control codes escaped."""
    sys.stderr.write(visible(message) + "\n")


def print_json(data: Any, file: IO[str] | None = None) -> None:
    """Print data as JSON on stdout: stable, UTF-8, nothing interpreted."""
    out = file or sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    out.write("\n")
