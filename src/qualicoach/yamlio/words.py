"""Words: those YAML reads as true and false, as qualicoach accepts them, and the "did you
mean" of a misspelt one.

Its own module because the framework schema lists them and a catalog read from the cache
checks its references with them: neither must pay for importing a YAML parser.
"""

from __future__ import annotations

from collections.abc import Iterable

# The words a boolean field (red_flag, optional) takes besides true and false, in YAML's own
# spellings (lower case, Capitalised, UPPER CASE). An editor reads YAML 1.2, where `yes` is
# a word, so the framework schema lists them; the readers accept exactly these.
TRUE_WORDS = tuple(f(w) for w in ("true", "yes", "on")
                   for f in (str.lower, str.capitalize, str.upper))
FALSE_WORDS = tuple(f(w) for w in ("false", "no", "off")
                    for f in (str.lower, str.capitalize, str.upper))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or "" when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
