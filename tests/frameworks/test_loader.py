"""The framework loader: each validation rule, with a broken file and its exact error line."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from qualicoach.errors import FrameworkError
from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.model import Framework
from qualicoach.yamlio import nodes as yamlnodes
from qualicoach.yamlio.scan import PurePythonLoader

from ..helpers.frameworks import VALID


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every loader test runs on libyaml and on the fallback used where PyYAML lacks it."""
    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("PyYAML was built without libyaml here")
        monkeypatch.setattr(yamlnodes, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlnodes, "_Loader", PurePythonLoader)
    return str(request.param)


def load(text: str) -> Framework:
    return parse_framework(textwrap.dedent(text).encode(), "f.yaml")


def problems(text: str) -> list[str]:
    """Every problem the loader reports for ``text``, as 'f.yaml:line:col: message'."""
    with pytest.raises(FrameworkError) as caught:
        load(text)
    return [str(p) for p in caught.value.problems]


def test_valid_file_loads_into_the_model() -> None:
    fw = load(VALID)
    assert (fw.id, fw.name, fw.version, fw.perspective) == ("demo", "Demo", "1.0", "readiness")
    assert [q.key for q in fw.questions()] == ["demo.has_need", "demo.size"]
    size = fw.question("size")
    assert size is not None
    assert [(c.value, c.score) for c in size.choices] == [("small", 0.2), ("large", 1.0)]
    assert size.when[0].question == "has_need" and size.when[0].values == ("yes",)


def test_unknown_key_suggests_the_closest_one() -> None:
    text = VALID.replace("prompt: Do they need it?", "promt: Do they need it?")
    assert problems(text) == [  # in line order
        "f.yaml:9:9: question 'has_need': missing required key 'prompt'",
        "f.yaml:10:9: question 'has_need': unknown key 'promt' (did you mean 'prompt'?); "
        "expected one of: id, prompt, type, why, how_to_ask, customer_prompt, customer_why, "
        "customer_answers, follow_ups, weight, red_flag, settle_by, "
        "when, choices, scores, bands, min, max, same_as",
    ]


def test_missing_top_level_key() -> None:
    text = VALID.replace("perspective: readiness\n", "")
    assert problems(text) == ["f.yaml:1:1: framework: missing required key 'perspective'"]


def test_wrong_type_names_what_was_expected() -> None:
    text = VALID.replace("type: yes_no", "type: yes_no\n        weight: heavy")
    assert problems(text) == [
        "f.yaml:12:17: question 'has_need': weight must be a number, got 'heavy'"
    ]


def test_elements_must_be_a_list() -> None:
    text = VALID.split("elements:")[0] + "elements: none\n"
    assert problems(text) == ["f.yaml:5:11: elements must be a list, got 'none'"]


def test_duplicate_yaml_keys_are_rejected() -> None:
    text = VALID.replace('version: "1.0"\n', 'version: "1.0"\nversion: "2.0"\n')
    assert problems(text) == [
        "f.yaml:4:1: framework: duplicate key 'version' (first at line 3); YAML would "
        "silently keep only the last"
    ]


def test_duplicate_question_ids_are_rejected() -> None:
    text = VALID.replace("id: size", "id: has_need")
    assert "f.yaml:12:13: duplicate question id 'has_need' (first at line 9); answers are " \
        "stored by id" in problems(text)


def test_duplicate_element_ids_are_rejected() -> None:
    text = VALID + textwrap.dedent("""\
      - id: need
        name: Again
        questions:
          - {id: other, prompt: Other?, type: text}
    """).replace("\n", "\n  ").rstrip(" ").replace("- id: need", "  - id: need", 1)
    assert problems(text) == ["f.yaml:19:9: duplicate element id 'need' (first at line 6)"]


def test_condition_naming_an_unknown_question() -> None:
    text = VALID.replace("when: {has_need: yes}", "when: {has_nead: yes}")
    assert problems(text) == [
        "f.yaml:18:16: question 'size': when names unknown question 'has_nead' "
        "(did you mean 'has_need'?)"
    ]


def test_condition_naming_an_unknown_answer() -> None:
    text = VALID.replace("when: {has_need: yes}", "when: {has_need: maybe}")
    assert problems(text) == [
        "f.yaml:18:26: question 'size': 'has_need' has no answer 'maybe'; expected one of: "
        "yes, partial, no, unknown, unclear"
    ]


def test_condition_on_a_later_question_is_rejected() -> None:
    text = VALID.replace("type: yes_no", "type: yes_no\n        when: {size: large}")
    assert problems(text) == [
        "f.yaml:12:16: question 'has_need': when names 'size', which is not asked before it; "
        "a condition can only use earlier answers"
    ]


def test_condition_with_an_unknown_operator() -> None:
    text = VALID.replace("when: {has_need: yes}", "when: {has_need: {within: [yes]}}")
    assert problems(text) == [
        "f.yaml:18:27: question 'size': unknown condition operator 'within'; expected one of: "
        "in, not, not_in, at_least, at_most"
    ]


def test_at_least_needs_a_numeric_question() -> None:
    text = VALID.replace("when: {has_need: yes}", "when: {has_need: {at_least: 3}}")
    assert problems(text) == [
        "f.yaml:18:37: question 'size': 'at_least' needs a number or scale question, "
        "but 'has_need' is yes_no"
    ]


def test_score_out_of_range() -> None:
    text = VALID.replace("{value: large, score: 1}", "{value: large, score: 1.5}")
    assert problems(text) == [
        "f.yaml:17:35: question 'size': score of choice 'large' 1.5 is out of range: "
        "expected a number from 0 to 1"
    ]


def test_choice_without_a_score() -> None:
    text = VALID.replace("{value: large, score: 1}", "{value: large}")
    assert problems(text) == [
        "f.yaml:17:13: question 'size': choice 'large' has no score; add 'score:' with a "
        "number from 0 (weak) to 1 (strong)"
    ]


# The condition below names 'small', whose score is what is wrong: one error, not a second,
# false one saying the question has no answer 'small'.
CONDITION_ON_A_CHOICE = VALID + """\
      - id: how_small
        prompt: How small?
        type: text
        when: {size: small}
"""


@pytest.mark.parametrize("score,message", [
    ("score: 1.4", "f.yaml:16:35: question 'size': score of choice 'small' 1.4 is out of range: "
                   "expected a number from 0 to 1"),
    ("score: high", "f.yaml:16:35: question 'size': score of choice 'small' must be a number, "
                    "got 'high'"),
    ("label: Small", "f.yaml:16:13: question 'size': choice 'small' has no score; add 'score:' "
                     "with a number from 0 (weak) to 1 (strong)"),
])
def test_a_bad_choice_score_is_one_error_even_when_a_condition_names_the_choice(
        score: str, message: str) -> None:
    text = CONDITION_ON_A_CHOICE.replace("{value: small, score: 0.2}", f"{{value: small, {score}}}")
    assert problems(text) == [message]


def test_choice_question_without_choices() -> None:
    text = VALID.replace("""        choices:
          - {value: small, score: 0.2}
          - {value: large, score: 1}
""", "")
    assert problems(text) == [
        "f.yaml:14:15: question 'size': a choice question needs 'choices', each with a value "
        "and a score",
    ]


def test_choices_on_a_question_that_takes_none() -> None:
    text = VALID.replace("type: yes_no", "type: text\n        choices: [{value: a, score: 1}]")
    assert problems(text) == [
        "f.yaml:12:18: question 'has_need': 'choices' does not apply to a text question "
        "(only to: choice, multi)"
    ]


def test_reserved_choice_values() -> None:
    text = VALID.replace("{value: small, score: 0.2}", "{value: unknown, score: 0.2}")
    assert problems(text) == [
        "f.yaml:16:21: question 'size': choice value 'unknown' is reserved: every question "
        "already accepts 'unknown' and 'unclear'"
    ]


def test_unknown_answer_type_suggests_one() -> None:
    text = VALID.replace("type: yes_no", "type: yesno")
    assert problems(text)[0] == (
        "f.yaml:11:15: question 'has_need': type 'yesno' is not valid (did you mean "
        "'yes_no'?); expected one of: yes_no, choice, multi, scale, number, date, text"
    )


def test_bad_perspective() -> None:
    text = VALID.replace("perspective: readiness", "perspective: buyer")
    assert problems(text) == [
        "f.yaml:4:14: perspective 'buyer' is not valid; expected one of: fit, readiness"
    ]


def test_invalid_id() -> None:
    text = VALID.replace("id: demo", "id: Demo Framework")
    assert problems(text) == [
        "f.yaml:1:5: framework id 'Demo Framework' is not a valid id: use lowercase letters, "
        "digits and '_', starting with a letter"
    ]


def test_yes_no_on_off_stay_text_as_choices_and_condition_values() -> None:
    fw = load("""\
        id: t
        name: T
        version: 1.0
        perspective: fit
        elements:
          - id: e
            name: E
            questions:
              - id: switch
                prompt: Switch?
                type: choice
                choices:
                  - {value: on, score: 1}
                  - {value: off, score: 0}
                  - {value: no, score: 0}
                  - {value: yes, score: 1}
              - id: next
                prompt: Next?
                type: yes_no
                when: {switch: off}
                scores: {yes: 1, no: 0.25}
        """)
    switch, nxt = fw.question("switch"), fw.question("next")
    assert switch is not None and nxt is not None
    assert [c.value for c in switch.choices] == ["on", "off", "no", "yes"]
    assert nxt.when[0].values == ("off",)
    assert nxt.scores == {"yes": 1.0, "partial": 0.5, "no": 0.25}
    assert fw.version == "1.0"


def test_booleans_accept_yaml_words() -> None:
    fw = load(VALID.replace("type: yes_no", "type: yes_no\n        red_flag: yes"))
    assert fw.question("has_need").red_flag is True  # type: ignore[union-attr]


def test_python_tags_are_refused() -> None:
    text = VALID.replace('name: Demo', 'name: !!python/object/apply:os.system ["true"]')
    assert problems(text) == [
        "f.yaml:2:7: tag '!!python/object/apply:os.system' is not allowed: framework files "
        "are plain data (text, numbers, lists and mappings)"
    ]


def test_yaml_syntax_error_has_a_position() -> None:
    # The wording comes from libyaml or PyYAML, whichever is installed; the place is ours.
    (problem,) = problems("id: x\nname: [unclosed\n")
    assert problem.startswith("f.yaml:3:1: YAML syntax error: ")
    assert problem.endswith("while parsing a flow sequence")


def test_number_bands_are_sorted_and_bounds_checked() -> None:
    fw = load(VALID.replace("type: yes_no", """type: number
        min: 0
        max: 10
        bands:
          - {at_least: 1, score: 0.5}
          - {at_least: 5, score: 1}"""))
    q = fw.question("has_need")
    assert q is not None and [b.at_least for b in q.bands] == [5.0, 1.0]
    assert problems(VALID.replace("type: yes_no", "type: number\n        min: 5\n        max: 1")
                    ) == ["f.yaml:13:14: question 'has_need': max 1 is below min 5"]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = VALID.replace("type: yes_no", "type: yesno").replace("score: 1}", "score: 2}")
    assert len(problems(text)) == 2


def test_empty_file() -> None:
    assert problems("") == ["f.yaml:1:1: file is empty; a framework needs id, name, version, "
                            "perspective and elements"]


def test_not_a_mapping() -> None:
    assert problems("- a\n- b\n") == [
        "f.yaml:1:1: framework must be a mapping of keys to values, got a list"
    ]


def test_a_question_mark_inside_a_flow_mapping_is_part_of_the_text() -> None:
    fw = load(VALID.replace("prompt: Do they need it?", "prompt: Need?").replace(
        "      - id: size\n", "      - {id: why, prompt: Why now?, type: text}\n"
                             "      - id: size\n"))
    assert fw.question("why").prompt == "Why now?"  # type: ignore[union-attr]


# --- settle_by: by which stage an answer must be known -------------------------------------

def test_settle_by_is_the_questions_own_else_its_elements_else_none() -> None:
    text = VALID.replace("    name: Need\n", "    name: Need\n    settle_by: proposal\n")
    text = text.replace("        type: yes_no\n",
                        "        type: yes_no\n        settle_by: discovery\n")
    framework = parse_framework(text.encode(), "f.yaml")
    has_need, size = framework.questions()
    assert (has_need.settle_by, size.settle_by) == ("discovery", "proposal")
    plain = parse_framework(VALID.encode(), "f.yaml")
    assert [q.settle_stage for q in plain.questions()] == ["qualified", "qualified"]


@pytest.mark.parametrize("stage,hint", [("won", ""), ("proposl", " (did you mean 'proposal'?)")])
def test_settle_by_must_be_an_open_stage(stage: str, hint: str) -> None:
    text = VALID.replace("        type: yes_no\n",
                         f"        type: yes_no\n        settle_by: {stage}\n")
    assert problems(text) == [
        f"f.yaml:12:20: question 'has_need': settle_by '{stage}' is not valid{hint}; expected "
        "one of: prospect, discovery, qualified, proposal, negotiation"]


def test_customer_wording_is_read_into_the_question() -> None:
    text = VALID.replace(
        "prompt: Do they need it?",
        "prompt: Do they need it?\n"
        "        customer_prompt: Do you need it?\n"
        "        customer_why: So we both know.\n"
        "        customer_answers: {yes: Yes we do, partial: In part, no: Not really}")
    has_need = load(text).question("has_need")
    assert has_need is not None
    assert (has_need.customer_prompt, has_need.customer_why) == (
        "Do you need it?", "So we both know.")


def test_a_readiness_question_worded_for_the_customer_needs_its_answers_worded() -> None:
    # Its self-assessment would otherwise offer the rep's words ("Only our contact").
    text = VALID.replace("prompt: Do they need it?",
                         "prompt: Do they need it?\n        customer_prompt: Do you need it?")
    assert problems(text) == [
        "f.yaml:9:9: question 'has_need': it has a customer_prompt, so each answer needs "
        "customer wording too; none for yes, partial, no (add customer_answers)"]


def test_customer_answers_name_only_the_answers_of_the_type() -> None:
    text = VALID.replace("        type: yes_no\n",
                         "        type: yes_no\n        customer_answers: {yes: Yes, maybe: M}\n")
    assert problems(text) == [
        "f.yaml:12:38: question 'has_need': customer_answers has unknown answer 'maybe'; "
        "expected: yes, partial, no"]


def test_customer_wording_is_optional() -> None:
    has_need = load(VALID).question("has_need")
    assert has_need is not None and (has_need.customer_prompt, has_need.customer_why) == ("", "")
