"""libyaml and the pure-Python fallback read framework-like text the same way."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualicoach.yamlio.scan import PurePythonLoader


def events(text: str, loader: type) -> object:
    try:
        return [(type(e).__name__, getattr(e, "value", None))
                for e in yaml.parse(text, Loader=loader)]
    except yaml.YAMLError:
        return "not YAML"


# What framework files are made of: words with punctuation (a prompt ends with '?'), in flow
# and block collections. Each starts with a letter or digit: the two parsers still disagree
# on a value that starts with an indicator ('[?]' is a mapping to one and an error to the
# other) and on tags, and framework values do not start that way.
_SCALARS = st.builds(lambda first, rest: first + rest, st.sampled_from("aQ1"),
                     st.text(alphabet="aQ1 ?:-./()#'\"", max_size=8))
_PAIRS = st.lists(st.tuples(_SCALARS, _SCALARS), min_size=1, max_size=3)
TEXTS = st.one_of(
    _PAIRS.map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
    _PAIRS.map(lambda pairs: "".join(f"{k}: {v}\n" for k, v in pairs)),
    st.lists(_SCALARS, min_size=1, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
)


@pytest.mark.slow  # 2,000 examples through both parsers: pytest --all runs it
@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_the_fallback_parser_reads_what_libyaml_reads(text: str) -> None:
    assert events(text, PurePythonLoader) == events(text, yaml.CSafeLoader)


def test_a_question_mark_ends_no_plain_scalar() -> None:
    expected = [("StreamStartEvent", None), ("DocumentStartEvent", None),
                ("MappingStartEvent", None), ("ScalarEvent", "prompt"), ("ScalarEvent", "Q?"),
                ("MappingEndEvent", None), ("DocumentEndEvent", None), ("StreamEndEvent", None)]
    assert events("{prompt: Q?}", PurePythonLoader) == expected
