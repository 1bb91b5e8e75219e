"""The JSON Schema that editors check framework files with agrees with the loader.

Whatever the loader accepts, the schema accepts (so an editor never flags a valid file),
read as an editor's YAML language server reads it (YAML 1.2); and both accept the built-ins
and every example in the docs.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualicoach.errors import FrameworkError
from qualicoach.frameworks.catalog import builtin_folder, framework_files
from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.schema import SCHEMA
from qualicoach.frameworks.starter import starter_framework

from ..helpers.home import DATA, ROOT
from ..helpers.yaml12 import editor_data

DOCS = ROOT / "docs" / "frameworks.md"


def schema_errors(data: object, definition: str | None = None) -> list[str]:
    schema: dict[str, Any] = SCHEMA if definition is None else {
        **SCHEMA, "$ref": definition}
    validator = jsonschema.validators.validator_for(SCHEMA)(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def loads(text: str) -> bool:
    try:
        parse_framework(text.encode(), "f.yaml")
    except FrameworkError:
        return False
    return True


# --- whatever the loader accepts, the schema accepts -----------------------------------------

TEMPLATE = """\
id: {fw_id}
name: {name}
version: {version}
perspective: fit
description: {description}
source: {source}
elements:
  - id: {element_id}
    name: {element_name}
    weight: {element_weight}
    optional: {optional}
    questions:
      - id: {question_id}
        prompt: {prompt}
        type: choice
        why: {why}
        how_to_ask: {how_to_ask}
        follow_ups: {follow_ups}
        weight: {weight}
        red_flag: {red_flag}
        choices:
          - value: {value}
            label: {label}
            score: {score}
          - value: other
            score: 0
      - id: amount
        prompt: How much?
        type: number
        when:
          {question_id}: {condition}
        min: {minimum}
        bands:
          - at_least: {at_least}
            score: 1
      - id: level
        prompt: How urgent?
        type: scale
        scores:
          {scale_key}: {scale_score}
"""
VALID = {
    "fw_id": "spiced", "name": "SPICED", "version": '"1.0"', "description": "What it checks",
    "source": "Winning by Design", "element_id": "pain", "element_name": "Pain",
    "element_weight": "1", "optional": "false", "question_id": "pain_known",
    "prompt": "Is the pain known?", "why": "Because", "how_to_ask": "Ask", "follow_ups": "[]",
    "weight": "1", "red_flag": "true", "value": "known", "label": "Known", "score": "1",
    "condition": "known", "minimum": "0", "at_least": "1000", "scale_key": "1",
    "scale_score": "0",
}
# What people write, and what they write by mistake: YAML 1.1 and 1.2 booleans and nulls,
# numbers of every shape, dates, quoted and empty values.
WORDS = ["yes", "No", "TRUE", "true", "False", "on", "OFF", "y", "~", "null", "''", '""',
         "12", "1.5", ".5", "1.", "+1", "-1", "0x1F", "0o17", "1e3", "1e999", ".inf", ".NaN",
         "2026-11-30", "'quoted'", '"1"', "text with spaces", "Q?", "a: b", "[]", "[x, y]",
         "{}", "-"]
IDS = st.one_of(st.from_regex(r"[a-z][a-z0-9_]{0,99}", fullmatch=True),
                st.sampled_from(["true", "false", "yes", "null", "Pain", "1st", "a-b"]))


@st.composite
def framework_texts(draw: st.DrawFn) -> str:
    """The valid template with a few of its values replaced by tricky ones."""
    fields = dict(VALID)
    for key in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=3, unique=True)):
        fields[key] = draw(IDS if key.endswith("_id") else st.sampled_from(WORDS))
    if fields["condition"] == VALID["condition"]:
        fields["condition"] = fields["value"]  # still names the choice, whatever it is
    return TEMPLATE.format(**fields)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework_texts())
def test_whatever_the_loader_accepts_the_schema_accepts(text: str) -> None:
    accepted = loads(text)
    event(f"loader {'accepts' if accepted else 'refuses'}")
    if accepted:
        assert schema_errors(editor_data(text)) == [], text


def test_the_generated_files_are_mostly_ones_the_loader_accepts() -> None:
    # Otherwise the property above would hold by refusing everything.
    assert loads(TEMPLATE.format(**VALID))
    assert schema_errors(editor_data(TEMPLATE.format(**VALID))) == []


@pytest.mark.parametrize("line,value", [("red_flag", "yes"), ("red_flag", "No"),
                                        ("optional", "on"), ("optional", "OFF")])
def test_yaml_words_for_true_and_false_are_valid_for_both(line: str, value: str) -> None:
    text = TEMPLATE.format(**{**VALID, line: value})
    assert loads(text)
    assert schema_errors(editor_data(text)) == []


def test_an_id_longer_than_the_schema_allows_is_refused_by_both() -> None:
    text = TEMPLATE.format(**{**VALID, "question_id": "q" * 65})
    assert not loads(text)
    assert schema_errors(editor_data(text))
    assert loads(TEMPLATE.format(**{**VALID, "question_id": "q" * 64}))


# --- both accept the built-ins and every example in the docs ---------------------------------

def _doc_example() -> str:
    found = re.search(r"<!-- example:start -->\n```yaml\n(.*?)```\n<!-- example:end -->",
                      DOCS.read_text(), re.S)
    assert found is not None
    return found.group(1)


FILES = {**{path.stem: path.read_text() for path in framework_files(builtin_folder())},
         "docs example": _doc_example(), "spin (written from the docs)":
         (DATA / "new_user" / "spin.yaml").read_text(),
         "frameworks new": starter_framework("starter")}


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_loader_and_the_schema_both_accept(name: str) -> None:
    assert loads(FILES[name])
    assert schema_errors(editor_data(FILES[name])) == []


def _documented_conditions() -> list[str]:
    rows = re.findall(r"^\| `(budget_status: .*?|headcount: .*?)` \|", DOCS.read_text(), re.M)
    assert len(rows) == 6
    return rows


@pytest.mark.parametrize("condition", _documented_conditions())
def test_every_documented_condition_is_valid_for_both(condition: str) -> None:
    text = (_doc_example().split("\nelements:")[0] + """
elements:
  - id: e
    name: E
    questions:
      - id: budget_status
        prompt: Budget?
        type: choice
        choices: [{value: none, score: 0}, {value: allocated, score: 0.5},
                  {value: approved, score: 1}]
      - id: headcount
        prompt: Headcount?
        type: number
      - id: asked
        prompt: Asked?
        type: yes_no
        when: {""" + condition + "}\n")
    assert loads(text), condition
    assert schema_errors(editor_data(text)) == [], condition


# --- one declaration of a question's keys ----------------------------------------------------

# The fields of a Question no key of the file sets: where it was written, and what the loader
# adds from the question's place in the file.
NOT_FROM_A_KEY = {"framework_id", "element_id", "position", "same_as_position"}
# Keys whose field is spelt otherwise.
FIELD_OF_KEY = {"min": "minimum", "max": "maximum"}

EVERY_KEY = """\
id: every
name: Every key
version: "1"
perspective: fit
elements:
  - id: e
    name: E
    questions:
      - id: picked
        prompt: Which one?
        type: choice
        why: The why.
        how_to_ask: The how.
        customer_prompt: Which one do you pick?
        customer_why: Your why.
        follow_ups: [And then?]
        weight: 2
        red_flag: true
        settle_by: discovery
        choices:
          - {value: a, label: A, customer_label: You said A, score: 1}
          - {value: b, score: 0}
        same_as: other.picked
      - id: counted
        prompt: How many?
        type: number
        when: {picked: a}
        min: 1
        max: 9
        bands: [{at_least: 5, score: 1}]
      - id: rated
        prompt: How good?
        type: scale
        scores: {1: 0, 2: 0.1, 3: 0.5, 4: 0.9, 5: 1}
        customer_answers: {1: Not at all, 5: Completely}
"""


def test_every_question_key_of_the_schema_is_a_field_of_the_question_and_back() -> None:
    import dataclasses

    from qualicoach.frameworks.model import Question
    from qualicoach.frameworks.schema import keys_of

    keys = {FIELD_OF_KEY.get(key, key) for key in keys_of("question")}
    assert keys == {f.name for f in dataclasses.fields(Question)} - NOT_FROM_A_KEY


def test_the_loader_reads_every_key_of_a_question_into_its_field() -> None:
    # A key the schema allows and the loader forgets would leave its field at the default.
    from qualicoach.frameworks.model import Question
    from qualicoach.frameworks.schema import keys_of

    framework = parse_framework(EVERY_KEY.encode(), "every.yaml")
    assert not schema_errors(editor_data(EVERY_KEY))
    questions = list(framework.questions())
    default = Question(id="", prompt="", type="text")
    for key in keys_of("question"):
        name = FIELD_OF_KEY.get(key, key)
        assert any(getattr(q, name) != getattr(default, name) for q in questions), key
