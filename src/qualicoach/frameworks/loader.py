"""The one loader that validates framework files and builds the framework model.

Every rule in docs/frameworks.md is checked here, and every problem is reported with file,
line and column, what is wrong and what was expected. All problems of a file are collected
before failing, so a team fixes a file in one pass.

The file is read into typed drafts first (``_ElementDraft``, ``_QuestionDraft``), because a
question's ``when`` can only be checked once every question is known (``when.py``); the
frozen model is built from the drafts at the end. ``same_as`` between frameworks is checked
once all files are loaded (``references.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qualicoach.errors import FrameworkError, Problem
from qualicoach.frameworks.model import (
    ANSWER_TYPES,
    DEFAULT_SCALE_SCORES,
    DEFAULT_YES_NO_SCORES,
    GAP_VALUES,
    OPEN_STAGES,
    PERSPECTIVES,
    SCALE_VALUES,
    YES_NO_VALUES,
    AnswerType,
    Band,
    Choice,
    Element,
    Framework,
    Position,
    Question,
    WhenClause,
)
from qualicoach.frameworks.schema import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    QUESTION_TEXTS,
    keys_of,
    required_keys_of,
)
from qualicoach.frameworks.when import read_when
from qualicoach.yamlio.nodes import Node, read_yaml, read_yaml_file
from qualicoach.yamlio.reader import NodeReader

_ID_RE = re.compile(ID_PATTERN)
_SAME_AS_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MAX_PROBLEMS = 100


def load_framework(path: Path) -> Framework:
    """Read and validate one framework file; raise FrameworkError with every problem."""
    try:
        root = read_yaml_file(path)
    except OSError as exc:
        problem = Problem(str(path), 1, 1, f"cannot read file: {exc.strerror}")
        raise FrameworkError([problem]) from None
    return _build(root, str(path))


def parse_framework(data: bytes, filename: str) -> Framework:
    """Validate framework file contents; raise FrameworkError with every problem."""
    return _build(read_yaml(data, filename), filename)


def _build(root: Node | None, filename: str) -> Framework:
    reader = FrameworkReader(filename)
    framework = reader.framework(root)
    if reader.problems or framework is None:
        problems = sorted(reader.problems, key=lambda p: (p.line, p.column))
        if len(problems) > MAX_PROBLEMS:
            last = problems[MAX_PROBLEMS - 1]
            problems = [*problems[:MAX_PROBLEMS], Problem(
                filename, last.line, last.column,
                f"stopped after {MAX_PROBLEMS} problems ({len(reader.problems) - MAX_PROBLEMS}"
                " more); fix these and validate again")]
        raise FrameworkError(problems or [Problem(filename, 1, 1, "invalid framework")],
                             partial=reader.partial)
    return framework


@dataclass
class _QuestionDraft:
    """A question as read, before its ``when`` can be checked against the others."""

    question: Question
    when_node: Node | None = None

    def build(self, framework_id: str, element_id: str, when: tuple[WhenClause, ...],
              element_settle_by: str | None = None) -> Question:
        return replace(
            self.question, framework_id=framework_id, element_id=element_id, when=when,
            # A question without its own settle_by takes its element's.
            settle_by=self.question.settle_by or element_settle_by)


@dataclass
class _ElementDraft:
    """An element as read, with its question drafts."""

    id: str
    name: str
    position: Position
    description: str = ""
    weight: float = 1.0
    optional: bool = False
    settle_by: str | None = None
    questions: list[_QuestionDraft] = field(default_factory=list)

    def build(self, questions: tuple[Question, ...]) -> Element:
        return Element(id=self.id, name=self.name, questions=questions,
                       description=self.description, weight=self.weight,
                       optional=self.optional, settle_by=self.settle_by,
                       position=self.position)


class FrameworkReader(NodeReader):
    """The framework format on top of the typed node readers; keys come from the schema."""

    partial: Framework | None = None  # what was read of a framework with problems

    def pos(self, node: Node) -> Position:
        return Position(self.filename, node.line, node.column)

    def section(self, node: Node | None, what: str, definition: str,
                reported_elsewhere: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """A mapping checked against the schema's ``definition``; an element or question
        is named by its id in messages about its keys."""
        if node is not None and node.kind == "map" and definition in ("element", "question"):
            named = next((v.text for k, v in node.pairs
                          if k.text == "id" and v.kind == "scalar" and v.text), None)
            what = f"{what} '{named}'" if named else what
        return self.mapping(node, what, keys_of(definition), required_keys_of(definition),
                            reported_elsewhere)

    def ident(self, node: Node | None, what: str) -> str | None:
        value = self.text(node, what, required=True)
        if value is None or node is None:
            return value
        if not _ID_RE.match(value):
            self.error(node, f"{what} '{value}' is not a valid id: use lowercase letters, "
                       "digits and '_', starting with a letter")
            return None
        if len(value) > ID_MAX_LENGTH:
            self.error(node, f"{what} '{value[:20]}...' is {len(value)} characters long; "
                       f"an id has at most {ID_MAX_LENGTH}")
            return None
        if not node.quoted and value in ("true", "false"):
            # YAML (and so an editor) reads it as a boolean, not as the word.
            self.error(node, f"{what} {value} reads as a boolean in YAML; quote it "
                       f"(\"{value}\") or choose another id")
            return None
        return value

    def score(self, node: Node | None, what: str) -> float | None:
        return self.number(node, what, 0.0, 1.0)

    # --- the format ----------------------------------------------------------------------

    def framework(self, root: Node | None) -> Framework | None:
        if root is None:
            self.problems.append(Problem(self.filename, 1, 1, "file is empty; a framework "
                                         "needs id, name, version, perspective and elements"))
            return None
        keys = self.section(root, "framework", "framework")
        if keys is None:
            return None
        fw_id = self.ident(keys.get("id"), "framework id")
        name = self.text(keys.get("name"), "framework name", required=True)
        version = self.text(keys.get("version"), "version", required=True)
        perspective = self.choice_of(keys.get("perspective"), "perspective", PERSPECTIVES)
        description = self.text(keys.get("description"), "description") or ""
        source = self.text(keys.get("source"), "source") or ""

        element_ids: dict[str, Node] = {}
        question_ids: dict[str, Node] = {}
        drafts: list[_ElementDraft] = []
        for element_node in self.sequence(keys.get("elements"), "elements"):
            element = self.element(element_node, element_ids, question_ids)
            if element is not None:
                drafts.append(element)

        # Each question's place in asking order, so a condition checks "asked before" in
        # constant time (slicing the list per question made big frameworks quadratic).
        order: dict[str, int] = {}
        for element_draft in drafts:
            for question in element_draft.questions:
                order.setdefault(question.question.id, len(order))
        known = {d.question.id: d.question for element_draft in drafts
                 for d in element_draft.questions}
        elements = []
        asked = 0
        for element_draft in drafts:
            built = []
            for question in element_draft.questions:
                when = read_when(self, question.when_node,
                                 f"question '{question.question.id}'", known, order, asked)
                asked += 1
                built.append(question.build(fw_id or "", element_draft.id, when,
                                            element_draft.settle_by))
            elements.append(element_draft.build(tuple(built)))
        if perspective == "readiness":
            self.check_customer_answers(elements)
        if (self.problems or fw_id is None or name is None or version is None
                or perspective is None):
            if fw_id is not None:
                # Enough to check its same_as references with its other problems.
                self.partial = Framework(
                    id=fw_id, name=name or fw_id, version=version or "",
                    perspective=perspective or "fit", elements=tuple(elements),
                    position=self.pos(root))
            return None
        return Framework(
            id=fw_id, name=name, version=version, perspective=perspective,
            elements=tuple(elements), description=description, source=source,
            position=self.pos(root),
        )

    def check_customer_answers(self, elements: list[Element]) -> None:
        """A readiness question worded for the customer can be sent to them on a
        self-assessment, so each answer it offers needs their words too: the rep's labels
        ("Only our contact") would reach the customer otherwise."""
        for element in elements:
            for q in element.questions:
                missing = q.unworded_answers() if q.customer_prompt else ()
                if not missing:
                    continue
                where = ("every choice's customer_label" if q.type in ("choice", "multi")
                         else "customer_answers")
                self.problems.append(Problem(
                    q.position.file, q.position.line, q.position.column,
                    f"question '{q.id}': it has a customer_prompt, so each answer needs "
                    f"customer wording too; none for {', '.join(missing)} (add {where})"))

    def element(
        self, node: Node, element_ids: dict[str, Node], question_ids: dict[str, Node]
    ) -> _ElementDraft | None:
        label = "element"
        keys = self.section(node, label, "element")
        if keys is None:
            return None
        element_id = self.ident(keys.get("id"), "element id")
        if element_id is not None:
            label = f"element '{element_id}'"
            if element_id in element_ids:
                self.error(keys["id"], f"duplicate element id '{element_id}' (first at line "
                           f"{element_ids[element_id].line})")
            else:
                element_ids[element_id] = keys["id"]
        draft = _ElementDraft(
            id=element_id or "",
            name=self.text(keys.get("name"), f"{label}: name", required=True) or "",
            description=self.text(keys.get("description"), f"{label}: description") or "",
            weight=self._weight(keys.get("weight"), label),
            optional=bool(self.boolean(keys.get("optional"), f"{label}: optional")),
            settle_by=self.settle_by(keys.get("settle_by"), label),
            position=self.pos(node),
        )
        for question_node in self.sequence(keys.get("questions"), f"{label}: questions"):
            question = self.question(question_node, question_ids)
            if question is not None:
                draft.questions.append(question)
        return draft

    def settle_by(self, node: Node | None, label: str) -> str | None:
        """An open stage, or None when not given."""
        if node is None:
            return None
        return self.choice_of(node, f"{label}: settle_by", OPEN_STAGES)

    def _weight(self, node: Node | None, label: str) -> float:
        value = self.number(node, f"{label}: weight", low=0.0)
        return 1.0 if value is None else value

    def question(self, node: Node, question_ids: dict[str, Node]) -> _QuestionDraft | None:
        label = "question"
        keys = self.section(node, label, "question")
        if keys is None:
            return None
        question_id = self.ident(keys.get("id"), "question id")
        if question_id is not None:
            label = f"question '{question_id}'"
            if question_id in question_ids:
                self.error(keys["id"], f"duplicate question id '{question_id}' (first at line "
                           f"{question_ids[question_id].line}); answers are stored by id")
            else:
                question_ids[question_id] = keys["id"]
        answer_type = self.choice_of(keys.get("type"), f"{label}: type", ANSWER_TYPES)
        follow_ups = tuple(
            text for item in self.sequence(keys.get("follow_ups"), f"{label}: follow_ups",
                                           non_empty=False)
            if (text := self.text(item, f"{label}: follow-up", required=True)) is not None
        )
        # Each field is read before the question is built, in this order, the order its
        # problems are reported in.
        prompt = self.text(keys.get("prompt"), f"{label}: prompt", required=True) or ""
        texts: dict[str, Any] = {
            key: self.text(keys.get(key), f"{label}: {key}") or "" for key in QUESTION_TEXTS}
        weight = self._weight(keys.get("weight"), label)
        red_flag = bool(self.boolean(keys.get("red_flag"), f"{label}: red_flag"))
        settle_by = self.settle_by(keys.get("settle_by"), label)
        scoring = (self.answer_scoring(keys, answer_type, label)
                   if answer_type is not None else {})
        customer_answers = (self.customer_answers(keys.get("customer_answers"), answer_type,
                                                  label)
                            if answer_type is not None else {})
        same_as: dict[str, Any] = {}
        same_as_node = keys.get("same_as")
        if same_as_node is not None:
            target = self.text(same_as_node, f"{label}: same_as", required=True)
            if target is not None and not _SAME_AS_RE.match(target):
                self.error(same_as_node, f"{label}: same_as '{target}' must be "
                           "'framework_id.question_id'")
            elif target is not None:
                same_as = {"same_as": target, "same_as_position": self.pos(same_as_node)}
        question = Question(
            id=question_id or "",
            prompt=prompt,
            type=answer_type or "text",
            **texts,
            customer_answers=customer_answers,
            follow_ups=follow_ups,
            weight=weight,
            red_flag=red_flag,
            settle_by=settle_by,
            position=self.pos(node),
            **scoring,
            **same_as,
        )
        return _QuestionDraft(question, when_node=keys.get("when"))

    def answer_scoring(self, keys: dict[str, Node], answer_type: AnswerType,
                       label: str) -> dict[str, Any]:
        """The ``Question`` fields of choices, scores, bands and bounds, each read only where
        its type allows it."""
        scoring: dict[str, Any] = {}
        allowed = {
            "choices": ("choice", "multi"), "scores": ("yes_no", "scale"),
            "bands": ("number",), "min": ("number",), "max": ("number",),
        }
        for key, types in allowed.items():
            if key in keys and answer_type not in types:
                self.error(keys[key], f"{label}: '{key}' does not apply to a {answer_type} "
                           f"question (only to: {', '.join(types)})")
        if answer_type in ("choice", "multi"):
            if "choices" not in keys:
                self.error(keys.get("type") or next(iter(keys.values())),
                           f"{label}: a {answer_type} question needs 'choices', each with a "
                           "value and a score")
            else:
                scoring["choices"] = self.choices(keys["choices"], label)
        elif answer_type == "yes_no":
            scoring["scores"] = self.score_table(keys.get("scores"), label,
                                                 DEFAULT_YES_NO_SCORES)
        elif answer_type == "scale":
            scale = {str(k): v for k, v in DEFAULT_SCALE_SCORES.items()}
            scoring["scores"] = self.score_table(keys.get("scores"), label, scale)
        elif answer_type == "number":
            low = self.number(keys.get("min"), f"{label}: min")
            high = self.number(keys.get("max"), f"{label}: max")
            if low is not None and high is not None and low > high:
                self.error(keys["max"], f"{label}: max {high:g} is below min {low:g}")
            scoring.update(minimum=low, maximum=high)
            bands = []
            for band_node in self.sequence(keys.get("bands"), f"{label}: bands",
                                           non_empty=True) if "bands" in keys else []:
                band = self.section(band_node, f"{label}: band", "band")
                if band is None:
                    continue
                at_least = self.number(band.get("at_least"), f"{label}: band at_least")
                score = self.score(band.get("score"), f"{label}: band score")
                if at_least is not None and score is not None:
                    bands.append(Band(at_least, score))
            # Highest threshold first, so the first band an answer reaches is the right one.
            scoring["bands"] = tuple(sorted(bands, key=lambda b: -b.at_least))
        return scoring

    def choices(self, node: Node, label: str) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        seen: dict[str, Node] = {}
        items = self.sequence(node, f"{label}: choices")
        if len(items) == 1:
            self.error(node, f"{label}: choices needs at least 2 options")
        for item in items:
            keys = self.section(item, f"{label}: choice", "choice", reported_elsewhere=("score",))
            if keys is None:
                continue
            value = self.text(keys.get("value"), f"{label}: choice value", required=True)
            if value is None:
                continue
            where = keys["value"]
            if value in GAP_VALUES:
                self.error(where, f"{label}: choice value '{value}' is reserved: every "
                           "question already accepts 'unknown' and 'unclear'")
                continue
            if value in seen:
                self.error(where, f"{label}: duplicate choice '{value}' (first at line "
                           f"{seen[value].line})")
                continue
            seen[value] = where
            score: float | None = None
            if "score" not in keys:
                self.error(item, f"{label}: choice '{value}' has no score; add 'score:' "
                           "with a number from 0 (weak) to 1 (strong)")
            else:
                score = self.score(keys["score"], f"{label}: score of choice '{value}'")
            choice_label = self.text(keys.get("label"), f"{label}: label") or value
            customer_label = self.text(keys.get("customer_label"),
                                       f"{label}: customer_label") or ""
            # A choice whose score is wrong still exists: conditions that name it must not
            # be reported as naming an unknown answer. Its score error already keeps the
            # file from loading, so the stand-in score is never used.
            choices.append(Choice(value, choice_label, 0.0 if score is None else score,
                                  customer_label))
        return tuple(choices)

    def customer_answers(self, node: Node | None, answer_type: AnswerType,
                         label: str) -> dict[str, str]:
        """A yes_no or scale question's answers in the customer's voice, by value."""
        if node is None:
            return {}
        expected = {"yes_no": YES_NO_VALUES,
                    "scale": tuple(str(v) for v in SCALE_VALUES)}.get(answer_type)
        if expected is None:
            self.error(node, f"{label}: 'customer_answers' does not apply to a {answer_type} "
                       "question (only to: yes_no, scale; a choice has its customer_label)")
            return {}
        if node.kind != "map":
            self.error(node, f"{label}: customer_answers must map answers to words, e.g. "
                       "{yes: \"Yes, we have\", partial: \"In part\", no: \"Not yet\"}")
            return {}
        words: dict[str, str] = {}
        for key_node, value_node in node.pairs:
            key = key_node.text if key_node.kind == "scalar" else ""
            if key not in expected:
                self.error(key_node, f"{label}: customer_answers has unknown answer "
                           f"{key_node.describe()}; expected: {', '.join(expected)}")
                continue
            text = self.text(value_node, f"{label}: customer_answers '{key}'", required=True)
            if text is not None:
                words[key] = text
        return words

    def score_table(self, node: Node | None, label: str,
                    defaults: dict[str, float]) -> dict[str, float]:
        table = dict(defaults)
        if node is None:
            return table
        if node.kind != "map":
            self.error(node, f"{label}: scores must map answers to scores, e.g. "
                       "{yes: 1, partial: 0.5, no: 0}")
            return table
        for key_node, value_node in node.pairs:
            key = key_node.text if key_node.kind == "scalar" else ""
            if key not in defaults:
                self.error(key_node, f"{label}: scores has unknown answer {key_node.describe()}"
                           f"; expected: {', '.join(defaults)}")
                continue
            score = self.score(value_node, f"{label}: score of '{key}'")
            if score is not None:
                table[key] = score
        return table

