"""The one loader that validates framework files and builds the framework model.

Every rule in docs/frameworks.md is checked here, and every problem is reported with file,
line and column, what is wrong and what was expected. All problems of a file are collected
before failing, so a team fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualicoach.errors import FrameworkError, Problem
from qualicoach.frameworks.model import (
    ANSWER_TYPES,
    CONDITION_OPS,
    DEFAULT_SCALE_SCORES,
    DEFAULT_YES_NO_SCORES,
    GAP_VALUES,
    PERSPECTIVES,
    Band,
    Choice,
    ConditionValue,
    Element,
    Framework,
    Position,
    Question,
    WhenClause,
)
from qualicoach.frameworks.schema import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    keys_of,
    required_keys_of,
)
from qualicoach.yamlio.nodes import MAX_NODES, Node, cyclic_gc_paused, read_yaml, read_yaml_file
from qualicoach.yamlio.words import FALSE_WORDS, TRUE_WORDS

_ID_RE = re.compile(ID_PATTERN)
_NUMBER_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
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
    reader = _Reader(filename)
    with cyclic_gc_paused():
        framework = reader.framework(root)
    if reader.problems or framework is None:
        raise FrameworkError(reader.problems[:MAX_PROBLEMS] or
                             [Problem(filename, 1, 1, "invalid framework")])
    return framework


def check_references(
    frameworks: Iterable[Framework], known: Mapping[str, Framework]
) -> list[Problem]:
    """Problems with ``same_as`` references of ``frameworks``, resolved against ``known``.

    A shared question must name an existing question of another framework that is not
    itself shared, and both must take the same kind of answer, so one answer is valid
    for both.
    """
    problems: list[Problem] = []
    for framework in frameworks:
        for question in framework.questions():
            if question.same_as is None:
                continue
            pos = question.same_as_position
            target_fw_id, _, target_q_id = question.same_as.partition(".")
            message = _same_as_problem(framework, question, known, target_fw_id, target_q_id)
            if message:
                problems.append(Problem(pos.file, pos.line, pos.column,
                                        f"question '{question.id}': same_as {message}"))
    return problems


def _same_as_problem(framework: Framework, question: Question, known: Mapping[str, Framework],
                     target_fw_id: str, target_q_id: str) -> str | None:
    if target_fw_id == framework.id:
        return "must name a question of another framework"
    target_fw = known.get(target_fw_id)
    if target_fw is None:
        return (f"names unknown framework '{target_fw_id}'"
                f"{_did_you_mean(target_fw_id, known)}; known: {', '.join(sorted(known))}")
    target = target_fw.question(target_q_id)
    if target is None:
        ids = [q.id for q in target_fw.questions()]
        return (f"names unknown question '{target_q_id}' of '{target_fw_id}'"
                f"{_did_you_mean(target_q_id, ids)}")
    if target.same_as is not None:
        return (f"names '{question.same_as}', which is itself shared with "
                f"'{target.same_as}'; point to '{target.same_as}' directly")
    if target.type != question.type:
        return (f"names '{question.same_as}' of type {target.type}, but this question "
                f"is of type {question.type}; shared questions take the same answers")
    if [c.value for c in target.choices] != [c.value for c in question.choices]:
        return (f"names '{question.same_as}', whose choices differ; shared questions "
                "take the same answers")
    return None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class _PendingQuestion:
    """A question read so far, with its raw condition checked once all questions are known."""

    fields: dict[str, object]
    when_node: Node | None
    node: Node


@dataclass
class _Reader:
    filename: str
    problems: list[Problem] = field(default_factory=list)
    visited: int = 0

    def visit(self, node: Node, count: int) -> None:
        """Count values read: an alias used many times is read each time, so a small file
        of aliases of aliases could otherwise make millions of questions."""
        self.visited += count
        if self.visited > MAX_NODES:
            raise FrameworkError([Problem(
                self.filename, node.line, node.column, f"more than {MAX_NODES:,} values "
                "once aliases are expanded; write the values out or use fewer aliases")])

    # --- reporting -------------------------------------------------------------------

    def error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.filename, node.line, node.column, message))

    def pos(self, node: Node) -> Position:
        return Position(self.filename, node.line, node.column)

    # --- scalar readers ----------------------------------------------------------------

    def mapping(self, node: Node | None, what: str, definition: str,
                reported_elsewhere: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """Check a mapping's keys against the schema; return its values by key.

        Missing keys in ``reported_elsewhere`` are left to the caller, which can say more.
        """
        if node is None or node.kind != "map":
            if node is not None:
                self.error(node, f"{what} must be a mapping of keys to values, "
                           f"got {node.describe()}")
            return None
        self.visit(node, len(node.pairs))
        if definition in ("element", "question"):
            named = next((v.text for k, v in node.pairs
                          if k.text == "id" and v.kind == "scalar" and v.text), None)
            what = f"{what} '{named}'" if named else what
        allowed = keys_of(definition)
        values: dict[str, Node] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.pairs:
            if key_node.kind != "scalar":
                self.error(key_node, f"{what}: keys must be plain names, got {key_node.describe()}")
                continue
            key = key_node.text
            if key in first_seen:
                self.error(key_node, f"{what}: duplicate key '{key}' (first at line "
                           f"{first_seen[key].line}); YAML would silently keep only the last")
                continue
            first_seen[key] = key_node
            if key not in allowed:
                self.error(key_node, f"{what}: unknown key '{key}'{_did_you_mean(key, allowed)}; "
                           f"expected one of: {', '.join(allowed)}")
                continue
            values[key] = value_node
        for key in required_keys_of(definition):
            if key not in first_seen and key not in reported_elsewhere:
                self.error(node, f"{what}: missing required key '{key}'")
        return values

    def text(self, node: Node | None, what: str, required: bool = False) -> str | None:
        if node is None or (node.is_null and not required):
            return None
        if node.kind != "scalar" or node.is_null:
            self.error(node, f"{what} must be text, got {node.describe()}")
            return None
        if required and not node.text.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return node.text

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

    def number(self, node: Node | None, what: str, low: float | None = None,
               high: float | None = None) -> float | None:
        if node is None:
            return None
        if node.kind != "scalar" or node.quoted or not _NUMBER_RE.match(node.text):
            self.error(node, f"{what} must be a number, got {node.describe()}")
            return None
        value = float(node.text)
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                expected = f"a number of at least {low:g}"
            else:
                expected = f"a number from {low:g} to {high:g}"
            self.error(node, f"{what} {node.text} is out of range: expected {expected}")
            return None
        return value

    def score(self, node: Node | None, what: str) -> float | None:
        return self.number(node, what, 0.0, 1.0)

    def boolean(self, node: Node | None, what: str) -> bool | None:
        if node is None:
            return None
        word = node.text if node.kind == "scalar" and not node.quoted else None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(node, f"{what} must be true or false, got {node.describe()}")
        return None

    def sequence(self, node: Node | None, what: str, non_empty: bool = True) -> list[Node]:
        if node is None or node.is_null and not non_empty:
            return []
        if node.kind != "seq":
            self.error(node, f"{what} must be a list, got {node.describe()}")
            return []
        if non_empty and not node.items:
            self.error(node, f"{what} must not be empty")
        self.visit(node, len(node.items))
        return node.items

    def choice_of(self, node: Node | None, what: str, options: Sequence[str]) -> str | None:
        value = self.text(node, what, required=True)
        if value is None or node is None:
            return None
        if value not in options:
            self.error(node, f"{what} '{value}' is not valid{_did_you_mean(value, options)}; "
                       f"expected one of: {', '.join(options)}")
            return None
        return value

    # --- the format ----------------------------------------------------------------------

    def framework(self, root: Node | None) -> Framework | None:
        if root is None:
            self.problems.append(Problem(self.filename, 1, 1, "file is empty; a framework "
                                         "needs id, name, version, perspective and elements"))
            return None
        keys = self.mapping(root, "framework", "framework")
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
        pending: list[tuple[dict[str, object], list[_PendingQuestion]]] = []
        for element_node in self.sequence(keys.get("elements"), "elements"):
            element = self.element(element_node, element_ids, question_ids)
            if element is not None:
                pending.append(element)

        # Each question's place in asking order, so a condition checks "asked before" in
        # constant time (slicing the list per question made big frameworks quadratic).
        order: dict[str, int] = {}
        for _, questions in pending:
            for question in questions:
                order.setdefault(str(question.fields["id"]), len(order))
        known = {str(q.fields["id"]): q for _, questions in pending for q in questions}
        elements = []
        asked = 0
        for element_fields, questions in pending:
            built = []
            for question in questions:
                when = self.condition(question, known, order, asked)
                asked += 1
                built.append(Question(
                    framework_id=fw_id or "", element_id=str(element_fields["id"]),
                    when=when, **question.fields,  # type: ignore[arg-type]
                ))
            elements.append(Element(questions=tuple(built), **element_fields))  # type: ignore[arg-type]
        if self.problems or None in (fw_id, name, version, perspective):
            return None
        return Framework(
            id=fw_id or "", name=name or "", version=version or "",
            perspective=perspective,  # type: ignore[arg-type]
            elements=tuple(elements), description=description, source=source,
            position=self.pos(root),
        )

    def element(
        self, node: Node, element_ids: dict[str, Node], question_ids: dict[str, Node]
    ) -> tuple[dict[str, object], list[_PendingQuestion]] | None:
        label = "element"
        keys = self.mapping(node, label, "element")
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
        fields: dict[str, object] = {
            "id": element_id or "",
            "name": self.text(keys.get("name"), f"{label}: name", required=True) or "",
            "description": self.text(keys.get("description"), f"{label}: description") or "",
            "weight": self._weight(keys.get("weight"), label),
            "optional": bool(self.boolean(keys.get("optional"), f"{label}: optional")),
            "position": self.pos(node),
        }
        questions = []
        for question_node in self.sequence(keys.get("questions"), f"{label}: questions"):
            question = self.question(question_node, question_ids)
            if question is not None:
                questions.append(question)
        return fields, questions

    def _weight(self, node: Node | None, label: str) -> float:
        value = self.number(node, f"{label}: weight", low=0.0)
        return 1.0 if value is None else value

    def question(self, node: Node, question_ids: dict[str, Node]) -> _PendingQuestion | None:
        label = "question"
        keys = self.mapping(node, label, "question")
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
        fields: dict[str, object] = {
            "id": question_id or "",
            "prompt": self.text(keys.get("prompt"), f"{label}: prompt", required=True) or "",
            "type": answer_type or "text",
            "why": self.text(keys.get("why"), f"{label}: why") or "",
            "how_to_ask": self.text(keys.get("how_to_ask"), f"{label}: how_to_ask") or "",
            "follow_ups": follow_ups,
            "weight": self._weight(keys.get("weight"), label),
            "red_flag": bool(self.boolean(keys.get("red_flag"), f"{label}: red_flag")),
            "position": self.pos(node),
        }
        if answer_type is not None:
            fields.update(self.answer_scoring(keys, answer_type, label))
        same_as = keys.get("same_as")
        if same_as is not None:
            target = self.text(same_as, f"{label}: same_as", required=True)
            if target is not None and not re.match(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", target):
                self.error(same_as, f"{label}: same_as '{target}' must be "
                           "'framework_id.question_id'")
            elif target is not None:
                fields["same_as"] = target
                fields["same_as_position"] = self.pos(same_as)
        return _PendingQuestion(fields, keys.get("when"), node)

    def answer_scoring(self, keys: dict[str, Node], answer_type: str,
                       label: str) -> dict[str, object]:
        """Read choices, scores, bands and bounds, each only where its type allows it."""
        allowed = {
            "choices": ("choice", "multi"), "scores": ("yes_no", "scale"),
            "bands": ("number",), "min": ("number",), "max": ("number",),
        }
        for key, types in allowed.items():
            if key in keys and answer_type not in types:
                self.error(keys[key], f"{label}: '{key}' does not apply to a {answer_type} "
                           f"question (only to: {', '.join(types)})")
        fields: dict[str, object] = {}
        if answer_type in ("choice", "multi"):
            if "choices" not in keys:
                self.error(keys.get("type") or next(iter(keys.values())),
                           f"{label}: a {answer_type} question needs 'choices', each with a "
                           "value and a score")
            else:
                fields["choices"] = self.choices(keys["choices"], label)
        elif answer_type == "yes_no":
            fields["scores"] = self.score_table(keys.get("scores"), label,
                                                DEFAULT_YES_NO_SCORES)
        elif answer_type == "scale":
            scale = {str(k): v for k, v in DEFAULT_SCALE_SCORES.items()}
            fields["scores"] = self.score_table(keys.get("scores"), label, scale)
        elif answer_type == "number":
            low = self.number(keys.get("min"), f"{label}: min")
            high = self.number(keys.get("max"), f"{label}: max")
            if low is not None and high is not None and low > high:
                self.error(keys["max"], f"{label}: max {high:g} is below min {low:g}")
            fields["minimum"], fields["maximum"] = low, high
            bands = []
            for band_node in self.sequence(keys.get("bands"), f"{label}: bands",
                                           non_empty=True) if "bands" in keys else []:
                band = self.mapping(band_node, f"{label}: band", "band")
                if band is None:
                    continue
                at_least = self.number(band.get("at_least"), f"{label}: band at_least")
                score = self.score(band.get("score"), f"{label}: band score")
                if at_least is not None and score is not None:
                    bands.append(Band(at_least, score))
            # Highest threshold first, so the first band an answer reaches is the right one.
            fields["bands"] = tuple(sorted(bands, key=lambda b: -b.at_least))
        return fields

    def choices(self, node: Node, label: str) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        seen: dict[str, Node] = {}
        items = self.sequence(node, f"{label}: choices")
        if len(items) == 1:
            self.error(node, f"{label}: choices needs at least 2 options")
        for item in items:
            keys = self.mapping(item, f"{label}: choice", "choice", reported_elsewhere=("score",))
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
            # A choice whose score is wrong still exists: conditions that name it must not
            # be reported as naming an unknown answer. Its score error already keeps the
            # file from loading, so the stand-in score is never used.
            choices.append(Choice(value, choice_label, 0.0 if score is None else score))
        return tuple(choices)

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

    def condition(self, question: _PendingQuestion, known: dict[str, _PendingQuestion],
                  order: dict[str, int], asked: int) -> tuple[WhenClause, ...]:
        """The clauses of a question's ``when``; ``asked`` questions come before it."""
        node = question.when_node
        label = f"question '{question.fields['id']}'"
        if node is None:
            return ()
        if node.kind != "map" or not node.pairs:
            self.error(node, f"{label}: when must map earlier question ids to answers, "
                       "e.g. {budget_exists: yes}")
            return ()
        clauses: list[WhenClause] = []
        for key_node, test_node in node.pairs:
            ref = key_node.text
            target = known.get(ref)
            if target is None:
                self.error(key_node, f"{label}: when names unknown question '{ref}'"
                           f"{_did_you_mean(ref, known)}")
                continue
            if order[ref] >= asked:
                self.error(key_node, f"{label}: when names '{ref}', which is not asked before "
                           "it; a condition can only use earlier answers")
                continue
            clause = self.read_clause(ref, target, test_node, label)
            if clause is not None:
                clauses.append(clause)
        return tuple(clauses)

    def read_clause(self, ref: str, target: _PendingQuestion, node: Node,
                    label: str) -> WhenClause | None:
        op = "equals"
        value_node: Node = node
        if node.kind == "map":
            if len(node.pairs) != 1:
                self.error(node, f"{label}: condition on '{ref}' must have exactly one "
                           f"operator: {', '.join(CONDITION_OPS)}")
                return None
            op_node, value_node = node.pairs[0]
            op = op_node.text if op_node.kind == "scalar" else ""
            if op not in CONDITION_OPS:
                self.error(op_node, f"{label}: unknown condition operator {op_node.describe()}"
                           f"{_did_you_mean(op, CONDITION_OPS)}; expected one of: "
                           f"{', '.join(CONDITION_OPS)}")
                return None
        if op in ("in", "not_in"):
            raw = self.sequence(value_node, f"{label}: '{op}' on '{ref}'")
        else:
            raw = [value_node]
        answer_type = str(target.fields["type"])
        values: list[ConditionValue] = []
        for item in raw:
            if op in ("at_least", "at_most"):
                if answer_type not in ("number", "scale"):
                    self.error(item, f"{label}: '{op}' needs a number or scale question, "
                               f"but '{ref}' is {answer_type}")
                    return None
                number = self.number(item, f"{label}: '{op}' on '{ref}'")
                if number is None:
                    return None
                values.append(number)
                continue
            value = self.text(item, f"{label}: condition value", required=True)
            if value is None:
                return None
            valid = _condition_values(target)
            if valid is not None and value not in valid:
                self.error(item, f"{label}: '{ref}' has no answer '{value}'"
                           f"{_did_you_mean(value, valid)}; expected one of: {', '.join(valid)}")
                return None
            values.append(value)
        return WhenClause(ref, op, tuple(values), self.pos(node))  # type: ignore[arg-type]


def _condition_values(target: _PendingQuestion) -> list[str] | None:
    """The answers a condition may compare with, or None where any text is acceptable."""
    answer_type = target.fields["type"]
    if answer_type == "yes_no":
        values = list(DEFAULT_YES_NO_SCORES)
    elif answer_type in ("choice", "multi"):
        values = [c.value for c in target.fields.get("choices", ())]  # type: ignore[attr-defined]
    elif answer_type == "scale":
        values = [str(v) for v in DEFAULT_SCALE_SCORES]
    else:
        return None
    return values + list(GAP_VALUES)
