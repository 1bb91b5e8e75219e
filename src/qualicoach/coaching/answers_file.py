"""``--answers FILE``: a whole interview's answers from YAML or JSON, validated together.

    {framework_id: {question_id: value or {value, evidence, verified, note, private}}}

The file is read by the same guarded YAML reader as framework files (size, depth and
value limits; no tags), so a hostile file gets an error rather than the machine's memory.
Values stay the text that was written: ``no`` is the answer "no", ``2026-02-30`` a date to
check, never a boolean or a crash. Every problem is reported with its file, line, column,
framework and question; nothing is stored if any is found (the caller stores only what
this returns).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from qualicoach.domain.answer import Answer, Evidence, Value, parse_value
from qualicoach.errors import AnswersFileError, FrameworkError, InvalidValueError, NotFoundError
from qualicoach.frameworks.catalog import Catalog
from qualicoach.frameworks.model import Framework, Question
from qualicoach.yamlio.nodes import MAX_NODES, Node, read_yaml_file, where, word_to_bool

_DETAIL_KEYS = {"value", "evidence", "verified", "note", "private"}


class _Bad(Exception):
    """A problem at a node of the file (turned into one line of AnswersFileError)."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node


class _Reader:
    """Walks the nodes, counting every one it visits: an alias used many times is counted
    each time, so a few bytes of aliases cannot make it walk millions of values."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.visited = 0

    def visit(self, node: Node) -> None:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise InvalidValueError(f"{where(self.filename, node)}: more than {MAX_NODES:,} values "
                                    "(counting each use of an alias); this is not an answers file")

    def pairs(self, node: Node, problems: list[str]) -> Iterator[tuple[str, Node, Node]]:
        """A mapping's keys (as text) and values; duplicate and non-text keys are problems."""
        first: dict[str, Node] = {}
        for key, value in node.pairs:
            self.visit(key)
            self.visit(value)
            if key.kind != "scalar":
                problems.append(f"{where(self.filename, key)}: keys must be plain names, "
                                f"got {key.describe()}")
                continue
            if key.text in first:
                problems.append(f"{where(self.filename, key)}: duplicate key '{key.text}' "
                                f"(first at line {first[key.text].line}); YAML would "
                                "silently keep only the last")
                continue
            first[key.text] = key
            yield key.text, key, value

    def value(self, node: Node) -> Value:
        """A scalar's text (None when empty) or a list of texts, as written."""
        if node.kind == "scalar":
            return None if node.is_null else node.text
        if node.kind == "seq":
            items: list[str] = []
            for item in node.items:
                self.visit(item)
                if item.kind != "scalar" or item.is_null:
                    raise _Bad(item, f"a list of answers holds options, got {item.describe()}")
                items.append(item.text)
            return items
        raise _Bad(node, "the value must be an answer or a list of options, got a mapping")


def load_answers_file(path: Path, catalog: Catalog, now: datetime
                      ) -> tuple[list[Framework], dict[str, Answer]]:
    """The frameworks an answers file names and its answers by answer key."""
    try:
        root = read_yaml_file(path, "answers file")  # JSON is YAML, so one reader for both
    except OSError as exc:
        raise InvalidValueError(f"cannot read answers file {path}: {exc.strerror}") from None
    except FrameworkError as exc:
        raise AnswersFileError(exc.lines()) from None
    filename = str(path)
    if root is None or root.kind != "map" or not root.pairs:
        at = where(filename, root) if root is not None else filename
        raise InvalidValueError(f"{at}: expected {{framework_id: {{question_id: answer}}}}")
    reader = _Reader(filename)
    problems: list[str] = []
    frameworks: list[Framework] = []
    answers: dict[str, Answer] = {}
    for fw_id, fw_key, questions in reader.pairs(root, problems):
        try:
            framework = catalog.get(fw_id)
        except NotFoundError as exc:
            problems.append(f"{where(filename, fw_key)}: {exc}")
            continue
        frameworks.append(framework)
        if questions.kind != "map":
            problems.append(f"{where(filename, questions)}: {fw_id}: expected question ids "
                            "mapped to answers")
            continue
        for q_id, q_key, raw in reader.pairs(questions, problems):
            question = framework.question(q_id)
            if question is None:
                ids = [q.id for q in framework.questions()]
                close = difflib.get_close_matches(q_id, ids, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(f"{where(filename, q_key)}: {fw_id}.{q_id}: no such question "
                                f"in {fw_id}{hint}")
                continue
            try:
                answer = _answer(reader, raw, question, now, problems)
            except _Bad as exc:
                problems.append(f"{where(filename, exc.node)}: {fw_id}.{q_id}: {exc}")
                continue
            if answer is None:
                continue
            earlier = answers.get(question.answer_key)
            if earlier is not None and not earlier.same_value(answer):
                problems.append(f"{where(filename, q_key)}: {fw_id}.{q_id}: asks the same as "
                                f"{question.answer_key}, which has a different answer in "
                                "this file")
                continue
            answers[question.answer_key] = answer
    if problems:
        raise AnswersFileError(problems)
    return frameworks, answers


def _answer(reader: _Reader, raw: Node, question: Question, now: datetime,
            problems: list[str]) -> Answer | None:
    """The answer a node gives; None when only its keys had problems (already listed)."""
    if raw.kind == "map":
        found = len(problems)
        details = {key: value for key, _, value in reader.pairs(raw, problems)}
        if len(problems) > found:
            return None
        unknown = set(details) - _DETAIL_KEYS
        if unknown:
            raise _Bad(raw, f"unknown key(s) {', '.join(sorted(unknown))}; expected "
                       f"{', '.join(sorted(_DETAIL_KEYS))}")
        if "value" not in details:
            raise _Bad(raw, "a value is needed (or unknown or unclear)")
        value_node = details["value"]
    else:
        details, value_node = {}, raw
    try:
        status, value = parse_value(question, reader.value(value_node))
    except InvalidValueError as exc:
        raise _Bad(value_node, str(exc)) from None
    source = _text(details.get("evidence"), "evidence must be text: who said it")
    verified = _flag(details.get("verified"), "verified")
    note = _text(details.get("note"), "note must be text") or ""
    private = _flag(details.get("private"), "private")
    evidence = Evidence(source, verified) if source else None
    return Answer(status=status, value=value, evidence=evidence, note=note, private=private,
                  at=now, confirmed=now)


def _text(node: Node | None, problem: str) -> str | None:
    if node is None or node.is_null:
        return None
    if node.kind != "scalar":
        raise _Bad(node, problem)
    return node.text


def _flag(node: Node | None, name: str) -> bool:
    if node is None:
        return False
    value = word_to_bool(node)
    if value is None:
        raise _Bad(node, f"{name} must be true or false, got {node.describe()}")
    return value
