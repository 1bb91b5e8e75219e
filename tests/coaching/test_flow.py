"""The interview engine, driven directly: no terminal involved."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from qualicoach.coaching.flow import QuestionFlow
from qualicoach.coaching.scoring import answer_score
from qualicoach.domain.answer import Answer, Evidence, parse_value
from qualicoach.errors import InvalidValueError
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.model import Framework

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

TYPES = parse_framework(textwrap.dedent("""\
    id: t
    name: All types
    version: "1"
    perspective: readiness
    elements:
      - id: e
        name: E
        questions:
          - {id: yn, prompt: Y?, type: yes_no}
          - id: pick
            prompt: Pick?
            type: choice
            choices: [{value: low, label: Low, score: 0.2}, {value: high, label: High, score: 1}]
          - id: many
            prompt: Many?
            type: multi
            choices: [{value: a, score: 0.6}, {value: b, score: 0.6}, {value: c, score: 0.1}]
          - {id: scale, prompt: Scale?, type: scale}
          - id: num
            prompt: Num?
            type: number
            min: 0
            max: 100
            bands: [{at_least: 50, score: 1}, {at_least: 10, score: 0.5}]
          - {id: day, prompt: Day?, type: date}
          - {id: words, prompt: Words?, type: text}
          - id: later
            prompt: Only after a high pick?
            type: yes_no
            when: {pick: high}
          - id: big
            prompt: Only for big numbers?
            type: yes_no
            when: {num: {at_least: 50}}
      - id: extra
        name: Extra
        optional: true
        questions:
          - {id: opt, prompt: Optional?, type: yes_no}
    """).encode(), "t.yaml")


def question(qid: str):  # type: ignore[no-untyped-def]
    q = TYPES.question(qid)
    assert q is not None
    return q


class Recorder:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, Answer]] = []

    def __call__(self, key: str, answer: Answer) -> None:
        self.recorded.append((key, answer))


def engine(frameworks: list[Framework] | None = None, **kwargs) -> QuestionFlow:  # type: ignore[no-untyped-def]
    return QuestionFlow(frameworks or [TYPES], Recorder(), lambda: NOW, **kwargs)


def walk(eng: QuestionFlow, answers: dict[str, object]) -> list[str]:
    """Answer every question the engine asks from ``answers``; return the order asked."""
    asked = []
    while (step := eng.next_step()) is not None:
        asked.append(step.question.id)
        eng.submit(step, answers.get(step.question.id, "unknown"))
    return asked


# --- answer types ------------------------------------------------------------------------

@pytest.mark.parametrize("qid,raw,expected", [
    ("yn", "yes", "yes"), ("yn", "Y", "yes"), ("yn", True, "yes"), ("yn", "no", "no"),
    ("yn", "partial", "partial"),
    ("pick", "high", "high"), ("pick", "Low", "low"),
    ("many", ["a", "b"], ["a", "b"]), ("many", "a, c", ["a", "c"]), ("many", "a,a", ["a"]),
    ("scale", "4", 4.0), ("scale", 1, 1.0),
    ("num", "42", 42.0), ("num", 0, 0.0),
    ("day", "2027-02-28", "2027-02-28"),
    ("words", "  the CFO  ", "the CFO"),
])
def test_each_answer_type_accepts_what_it_should(qid: str, raw: object, expected: object) -> None:
    assert parse_value(question(qid), raw) == ("answered", expected)


def test_a_number_with_a_thousands_separator_is_read_whole_and_checked_against_the_range(
        ) -> None:
    # "1,000" is one thousand, not one: it is refused for being above this question's maximum.
    with pytest.raises(InvalidValueError, match="^1,000 is out of range: expected a number from 0 "
                       "to 100$"):
        parse_value(question("num"), "1,000")


@pytest.mark.parametrize("qid,raw,reason", [
    ("yn", "maybe", "'maybe' is not an answer: expected yes, partial, no, unknown or unclear"),
    ("pick", "medium", "'medium' is not one of the options: low, high, unknown or unclear"),
    ("many", "", "choose at least one option"),
    ("scale", "6", "'6' is not on the scale: expected a whole number from 1 to 5"),
    ("scale", "3.5", "not on the scale"),
    ("num", "lots", "'lots' is not a number"),
    ("num", "-1", "-1 is out of range: expected a number from 0 to 100"),
    ("day", "2026-02-30", "'2026-02-30' is not a real date"),
    ("day", "next week", "'next week' is not a date: write it as YYYY-MM-DD"),
    ("words", "   ", "an answer is needed"),
])
def test_each_answer_type_rejects_bad_values_with_the_reason(qid: str, raw: object,
                                                             reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_value(question(qid), raw)


@pytest.mark.parametrize("qid", ["yn", "pick", "many", "scale", "num", "day", "words"])
def test_unknown_and_unclear_are_valid_everywhere_and_distinct(qid: str) -> None:
    assert parse_value(question(qid), "unknown") == ("unknown", None)
    assert parse_value(question(qid), "Unclear") == ("unclear", None)


@pytest.mark.parametrize("status", ["unknown", "unclear"])
def test_unknown_and_unclear_are_gaps_never_neutral(status: str) -> None:
    assert answer_score(question("yn"), Answer(status=status)) == 0.0  # type: ignore[arg-type]


def test_scores_follow_the_framework() -> None:
    def score(qid: str, raw: object) -> float:
        status, value = parse_value(question(qid), raw)
        return answer_score(question(qid), Answer(status=status, value=value))

    assert score("yn", "partial") == 0.5
    assert score("pick", "low") == 0.2
    assert score("many", "a,b") == 1.0  # capped at 1
    assert score("many", "a,c") == pytest.approx(0.7)
    assert score("scale", 4) == 0.75
    assert (score("num", 60), score("num", 10), score("num", 9)) == (1.0, 0.5, 0.0)
    assert score("day", "2027-01-01") == score("words", "x") == 1.0


# --- the walk ----------------------------------------------------------------------------

def test_questions_come_in_order_and_conditions_are_honoured() -> None:
    asked = walk(engine(), {"pick": "low", "num": "60"})
    assert asked == ["yn", "pick", "many", "scale", "num", "day", "words", "big"]
    asked = walk(engine(), {"pick": "high", "num": "5"})
    assert asked == ["yn", "pick", "many", "scale", "num", "day", "words", "later"]


def test_a_condition_on_an_unknown_answer_does_not_hold() -> None:
    assert "later" not in walk(engine(), {"pick": "unknown"})


def test_optional_elements_are_asked_only_when_included() -> None:
    assert "opt" not in walk(engine(), {})
    assert walk(engine(include_optional=True), {})[-1] == "opt"


def test_progress_count_is_stable_and_conditional_questions_are_extras() -> None:
    # The total once grew as conditions opened ('9 of 25', '13 of 26').
    eng = engine()
    replies = {"yn": "yes", "pick": "high", "many": ["a"], "scale": "3", "num": "60",
               "day": "2027-01-01", "words": "w", "later": "yes", "big": "no"}
    seen = []
    while (step := eng.next_step()) is not None:
        seen.append((step.question.id, step.number, step.total, step.conditional))
        eng.submit(step, replies[step.question.id])
    assert seen == [("yn", 1, 7, False), ("pick", 2, 7, False), ("many", 3, 7, False),
                    ("scale", 4, 7, False), ("num", 5, 7, False), ("day", 6, 7, False),
                    ("words", 7, 7, False), ("later", 7, 7, True), ("big", 7, 7, True)]
    assert eng.next_step() is None


def test_the_run_says_up_front_how_many_conditional_questions_may_be_added() -> None:
    step = engine().next_step()
    assert step is not None and step.conditionals == 2


def test_every_accepted_answer_goes_to_the_sink_at_once() -> None:
    eng = engine()
    step = eng.next_step()
    assert step is not None
    answer = eng.submit(step, "yes", evidence=Evidence("Jane, CFO", verified=True),
                        note="said twice", private=True)
    assert isinstance(eng.sink, Recorder)
    assert eng.sink.recorded == [("t.yn", answer)]
    assert (answer.evidence, answer.note, answer.private, answer.at) == (
        Evidence("Jane, CFO", True), "said twice", True, NOW)


def test_evidence_and_a_note_can_be_added_after_the_answer() -> None:
    eng = engine()
    step = eng.next_step()
    assert step is not None
    eng.submit(step, "no")
    annotated = eng.annotate(step, Evidence("Bob", False), "only his view", True)
    assert isinstance(eng.sink, Recorder)
    assert [a for _, a in eng.sink.recorded] == [eng.sink.recorded[0][1], annotated]
    assert (annotated.value, annotated.evidence, annotated.private) == ("no", Evidence("Bob"), True)


def test_a_bad_answer_records_nothing() -> None:
    eng = engine()
    step = eng.next_step()
    assert step is not None
    with pytest.raises(InvalidValueError):
        eng.submit(step, "maybe")
    assert isinstance(eng.sink, Recorder) and eng.sink.recorded == []
    assert eng.next_step() == step


def test_previous_answers_are_the_defaults_and_giving_one_again_confirms_it() -> None:
    earlier = NOW - timedelta(days=30)
    previous = {"t.yn": Answer("answered", "yes", Evidence("Jane"), "n", False, earlier, earlier)}
    eng = engine(previous=previous)
    step = eng.next_step()
    assert step is not None and step.previous == previous["t.yn"]
    kept = eng.submit(step, "yes")
    assert (kept.value, kept.at, kept.confirmed, kept.evidence) == ("yes", earlier, NOW,
                                                                    Evidence("Jane"))


def test_an_answer_that_did_not_change_keeps_when_it_was_first_given() -> None:
    earlier = NOW - timedelta(days=30)
    eng = engine(previous={"t.yn": Answer("answered", "yes", at=earlier, confirmed=earlier)})
    step = eng.next_step()
    assert step is not None
    assert eng.submit(step, "yes").at == earlier
    changed = engine(previous={"t.yn": Answer("answered", "no", at=earlier)})
    step = changed.next_step()
    assert step is not None and changed.submit(step, "yes").at == NOW


def test_only_gaps_asks_what_is_weak_unknown_unclear_or_stale() -> None:
    fresh, old = NOW - timedelta(days=5), NOW - timedelta(days=200)
    previous = {
        "t.yn": Answer("answered", "yes", at=fresh, confirmed=fresh),        # strong: skip
        "t.pick": Answer("answered", "low", at=fresh, confirmed=fresh),      # weak: ask
        "t.many": Answer("unclear", at=fresh, confirmed=fresh),              # gap: ask
        "t.scale": Answer("answered", 5.0, at=old, confirmed=old),           # stale: ask
        "t.num": Answer("answered", 70.0, at=fresh, confirmed=fresh),        # strong: skip
        "t.day": Answer("answered", "2027-01-01", at=fresh, confirmed=fresh),
        "t.words": Answer("unknown", at=fresh, confirmed=fresh),             # gap: ask
    }
    eng = engine(previous=previous, only_gaps=True, stale_after=timedelta(days=90))
    assert walk(eng, {"num": "70"}) == ["pick", "many", "scale", "words", "big"]


def test_only_gaps_also_asks_what_their_people_disagree_on_and_shows_their_answers() -> None:
    fresh = NOW - timedelta(days=5)
    strong = Answer("answered", "yes", at=fresh, confirmed=fresh)
    previous = {key: strong for key in ("t.yn",)}
    theirs = {"t.yn": ("Dana Ruiz (VP Finance): Yes", "Sam Okafor (IT lead): No")}
    eng = engine(previous=previous, only_gaps=True, theirs=theirs, disagreed=["t.yn"])
    step = eng.next_step()
    # The rep's own answer is strong, yet their people disagree: that is the gap.
    assert step is not None and step.question.id == "yn"
    assert step.theirs == theirs["t.yn"] and step.disagreed
    assert step.previous is strong
    without = engine(previous=previous, only_gaps=True, theirs=theirs)
    first = without.next_step()
    assert first is not None and first.question.id != "yn"


def test_resuming_skips_what_this_interview_already_answered() -> None:
    given = {"t.yn": Answer("answered", "no", at=NOW), "t.pick": Answer("answered", "high", at=NOW)}
    eng = engine(given=given)
    step = eng.next_step()
    assert step is not None and step.question.id == "many" and step.number == 3


def test_a_skipped_question_is_left_as_a_gap() -> None:
    eng = engine()
    step = eng.next_step()
    assert step is not None
    eng.skip(step)
    nxt = eng.next_step()
    assert nxt is not None and nxt.question.id == "pick"
    assert "t.yn" not in eng.given


def test_a_shared_question_is_asked_once_and_counts_in_both() -> None:
    catalog = load_catalog([Source("built-in", builtin_folder())])
    eng = engine([catalog.get("meddic"), catalog.get("bant")])
    asked: list[str] = []
    while (step := eng.next_step()) is not None:
        asked.append(step.question.key)
        if step.question.id == "economic_buyer_identified":
            assert step.shared_with == ("bant",)
        eng.submit(step, "unknown")
    assert "meddic.economic_buyer_identified" in asked
    assert "bant.decision_maker_identified" not in asked
    assert "bant.need_specific" not in asked  # shared with meddic.pain_identified
    assert "meddic.economic_buyer_identified" in eng.given


def test_an_answer_from_another_frameworks_interview_is_the_default() -> None:
    catalog = load_catalog([Source("built-in", builtin_folder())])
    previous = {"meddic.economic_buyer_identified": Answer("answered", "yes", at=NOW)}
    eng = engine([catalog.get("bant")], previous=previous)
    while (step := eng.next_step()) is not None:
        if step.question.id == "decision_maker_identified":
            assert step.previous == previous["meddic.economic_buyer_identified"]
            return
        eng.submit(step, "unknown")
    pytest.fail("BANT's authority question was not asked")
