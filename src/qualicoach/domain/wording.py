"""How counts are said in sentences the rep reads: "1 answer", "3 answers"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """``count`` with ``noun``, singular for exactly one: ``counted(1, "answer")`` is
    "1 answer", ``counted(3, "stale answer")`` "3 stale answers". ``plural`` for a noun
    that does not just add an s ("person", "people")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
