"""Consoles and the one rule for showing text that users or files supplied.

Such text is never interpreted: not as Rich markup (we build ``Text`` objects, never markup
strings, from it), not as terminal control codes and not as a spreadsheet formula.

The rule, in every output format: C0 control characters except tab and newline, DEL, C1
control characters (U+0080-U+009F), the Unicode bidirectional controls (U+061C, U+200E,
U+200F, U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators (U+2028,
U+2029) are shown as visible escapes: ``\x1b``, ``\x9b``, ``\u202e``. Terminal output
and CSV cells carry those escapes as text; JSON escapes the same characters as ``\u001b``
(a JSON reader gets the original text back, a terminal showing the JSON gets no codes).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterable
from itertools import groupby, islice
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_UNSAFE_CODES = (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E,
                 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in _UNSAFE_CODES) + "]")


def _utf8_pattern() -> re.Pattern[bytes]:
    # The same characters as UTF-8 bytes, grouped by lead bytes, for JSON already encoded.
    encoded = sorted(chr(c).encode() for c in _UNSAFE_CODES if c >= 0x20)
    branches = []
    for lead, group in groupby(encoded, key=lambda b: b[:-1]):
        last = b"".join(re.escape(bytes([b[-1]])) for b in group)
        branches.append(re.escape(lead) + b"[" + last + b"]")
    return re.compile(b"|".join(branches))


_UNSAFE_UTF8 = _utf8_pattern()


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes (``\\x1b``, ``\\u202e``),
    never sent raw."""
    return _UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON document with the characters of the rule escaped as ``\\uXXXX``.

    json and orjson leave DEL, C1 and bidi controls raw; in a JSON document they can
    only be inside strings, so escaping them keeps the same data.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


# The bytes every match of _UNSAFE_UTF8 starts with.
_UNSAFE_LEADS = tuple(sorted({chr(c).encode()[:1] for c in _UNSAFE_CODES if c >= 0x20}))


def json_safe_bytes(document: bytes) -> bytes:
    """``json_safe`` for a UTF-8 encoded JSON document (no decoding of large output)."""
    # A byte search runs at memory speed, the pattern twenty times slower: most documents
    # hold none of the lead bytes, and the pattern starts at the first one.
    starts = [i for lead in _UNSAFE_LEADS if (i := document.find(lead)) >= 0]
    if not starts or _UNSAFE_UTF8.search(document, min(starts)) is None:
        return document
    return _UNSAFE_UTF8.sub(lambda m: f"\\u{ord(m.group().decode()):04x}".encode(), document)


# Objects per slice of ``write_json_list``: large enough that its writes are few, small
# enough that no slice holds much of a 10,000-row listing's 8 MB.
_JSON_SLICE = 256


def write_json_list(items: Iterable[Any], out: IO[bytes]) -> None:
    """``items`` as an indented JSON list (as ``orjson.OPT_INDENT_2`` lays it out, with a
    final newline), ``json_safe``, written a slice at a time.

    Never the whole document in memory: at 100,000 deals a listing's JSON is 80 MB, and
    building it as one string cost that much memory again, twice.
    """
    import orjson  # here: only JSON output needs it

    out.write(b"[")
    written = False
    iterator = iter(items)
    while slice_ := list(islice(iterator, _JSON_SLICE)):
        # A slice laid out as a list of its own, less its brackets: its objects, indented
        # as they are inside the whole list.
        inner = orjson.dumps(slice_, option=orjson.OPT_INDENT_2)[1:-2]
        out.write((b"," if written else b"") + json_safe_bytes(inner))
        written = True
    out.write(b"\n]\n" if written else b"]\n")


def json_text(data: Any) -> str:
    """Data as indented JSON text, UTF-8 where it is safe, escaped where it is not."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)) + "\n"


def literal(text: str, style: str = "") -> Text:
    """Rich text that shows ``text`` exactly: no markup, no control codes."""
    from rich.text import Text  # here: JSON output and stderr lines never need Rich

    return Text(visible(text), style=style)


def unwrapped(text: str, style: str = "dim") -> Text:
    """A line that holds a command to copy: never wrapped or cut by Rich, so the terminal
    wraps it softly and a copy pastes as one command. Print what holds it with
    ``crop=False``, or Rich cuts it at the console's width."""
    from rich.text import Text

    return Text(visible(text), style=style, no_wrap=True, overflow="ignore")


_LINE_END_SPACES = re.compile(r"[ \t]+\n")


class _TrimmedLines:
    """A text stream that drops the spaces Rich pads lines with, for output that is not a
    terminal: a brief written to a file had 14 of its 22 lines ending in spaces, which
    shows in every diff and ``grep ' $'``."""

    def __init__(self, target: IO[str]) -> None:
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(_LINE_END_SPACES.sub("\n", text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:
        return str(getattr(self._target, "encoding", None) or "utf-8")


def make_console(stderr: bool = False, file: IO[str] | None = None,
                 width: int | None = None) -> Console:
    """A Rich console (it honours NO_COLOR) that adds no highlighting or emoji of its own
    to what it prints, and leaves no spaces at the ends of lines it sends to a file or a
    pipe."""
    target = file if file is not None else (sys.stderr if stderr else sys.stdout)
    on_stdout = target is sys.stdout
    if not target.isatty():
        # Rich needs only write, flush, isatty, fileno and encoding of its file.
        target = cast(IO[str], _TrimmedLines(target))
    console: Console = _console_class()(file=target, width=width, highlight=False,
                                        emoji=False)
    console.on_stdout = on_stdout  # type: ignore[attr-defined]
    return console


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class _Console(Console):
        on_stdout = False

        def on_broken_pipe(self) -> None:
            # The reader left (`qualicoach demo | head`): not an error. Rich's own handler
            # points stdout at /dev/null and ends the run with exit status 1; this one lets
            # the command's error mapping end it as a success (``cli.app``), as a plain
            # write's BrokenPipeError does. Any other console (progress on stderr) just
            # falls silent: the output goes on.
            if not self.on_stdout:
                self.quiet = True
                return
            try:
                super().on_broken_pipe()
            except SystemExit:
                raise BrokenPipeError from None

    return _Console


def stderr_line(message: str) -> None:
    """One message on stderr: plain, control codes escaped. In a terminal it wraps at word
    boundaries to the terminal's width (the terminal would cut words); piped, it stays one
    line for scripts to match."""
    text = visible(message)
    stream = sys.stderr
    if stream.isatty():
        import shutil

        text = wrap_message(text, shutil.get_terminal_size().columns)
    stream.write(text + "\n")


def wrap_message(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` columns, broken between words; the lines after
    the first indented two spaces. A word longer than a line (a path) is kept whole."""
    import textwrap

    if width < 20 or len(text) <= width:
        return text
    return "\n".join(textwrap.fill(line, width, subsequent_indent="  ", break_long_words=False,
                                    break_on_hyphens=False) or line
                      for line in text.split("\n"))


def print_json(data: Any, file: IO[str] | None = None) -> None:
    """Print data as JSON on stdout: stable, UTF-8, nothing interpreted."""
    (file or sys.stdout).write(json_text(data))
