"""``--answers FILE``: a whole interview's answers from YAML or JSON, validated together.

    {answered_by: who, framework_id: {question_id: value or {value, evidence, verified,
                                                              note, private}}}

``answered_by`` (optional) names who gave the file's answers, as the interview's "Who gave
you these answers?": every answer without its own ``evidence`` is confirmed by them. A
value may be written as the interview shows it ("Partly", a choice's label) or as stored
("partial"). docs/answers-file.md has examples.

The file is read by the same guarded YAML reader as framework files (size, depth and
value limits; no tags), so a hostile file gets an error rather than the machine's memory.
Values stay the text that was written: ``no`` is the answer "no", ``2026-02-30`` a date to
check, never a boolean or a crash. Every problem is reported with its file, line, column,
framework and question; nothing is stored if any is found (the caller stores only what
this returns).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qualicoach.domain.answer import Answer, Evidence, Value, parse_value
from qualicoach.errors import AnswersFileError, FrameworkError, InvalidValueError, NotFoundError
from qualicoach.frameworks.catalog import Catalog
from qualicoach.frameworks.model import Framework, Question
from qualicoach.yamlio.nodes import Node, read_yaml_file
from qualicoach.yamlio.reader import NodeReader
from qualicoach.yamlio.words import did_you_mean

_DETAIL_KEYS = ("value", "evidence", "verified", "note", "private")
# The file's own key beside the frameworks: who gave every answer without its own evidence.
ANSWERED_BY = "answered_by"


def load_answers_file(path: Path, catalog: Catalog, now: datetime
                      ) -> tuple[list[Framework], dict[str, Answer]]:
    """The frameworks an answers file names and its answers by answer key."""
    try:
        root = read_yaml_file(path, "answers file")  # JSON is YAML, so one reader for both
    except OSError as exc:
        raise InvalidValueError(f"cannot read answers file {path}: {exc.strerror}") from None
    except FrameworkError as exc:
        raise AnswersFileError(exc.lines()) from None
    reader = NodeReader(str(path))
    if root is None or root.kind != "map" or not root.pairs:
        at = reader.where(root) if root is not None else reader.filename
        raise InvalidValueError(f"{at}: expected {{framework_id: {{question_id: answer}}}}")
    try:
        frameworks, answers = _read(reader, root, catalog, now)
    except FrameworkError as exc:  # too many values once aliases are expanded
        raise AnswersFileError(exc.lines()) from None
    if reader.problems:
        raise AnswersFileError(reader.lines())
    return frameworks, answers


def _read(reader: NodeReader, root: Node, catalog: Catalog, now: datetime
          ) -> tuple[list[Framework], dict[str, Answer]]:
    frameworks: list[Framework] = []
    answers: dict[str, Answer] = {}
    # Read first, for every answer, wherever it stands in the file; its problems are
    # noted in line order with the rest.
    given_by = next((node for key, node in root.pairs
                     if key.kind == "scalar" and key.text == ANSWERED_BY), None)
    source = (Evidence(given_by.text, verified=True) if given_by is not None
              and given_by.kind == "scalar" and not given_by.is_null
              and given_by.text.strip() else None)
    for fw_id, fw_key, questions in reader.pairs(root):
        if fw_id == ANSWERED_BY:
            reader.text(questions, ANSWERED_BY, required=True)  # notes what is wrong with it
            continue
        try:
            framework = catalog.get(fw_id)
        except NotFoundError as exc:
            reader.error(fw_key, str(exc))
            continue
        frameworks.append(framework)
        if questions.kind != "map":
            reader.error(questions, f"{fw_id}: expected question ids mapped to answers")
            continue
        for q_id, q_key, raw in reader.pairs(questions):
            question = framework.question(q_id)
            if question is None:
                ids = [q.id for q in framework.questions()]
                reader.error(q_key, f"{fw_id}.{q_id}: no such question in {fw_id}"
                             f"{did_you_mean(q_id, ids)}")
                continue
            answer = _answer(reader, raw, question, f"{fw_id}.{q_id}", now, source)
            if answer is None:
                continue
            earlier = answers.get(question.answer_key)
            if earlier is not None and not earlier.same_value(answer):
                reader.error(q_key, f"{fw_id}.{q_id}: asks the same as {question.answer_key}, "
                             "which has a different answer in this file")
                continue
            answers[question.answer_key] = answer
    return frameworks, answers


def _answer(reader: NodeReader, raw: Node, question: Question, label: str,
            now: datetime, given_by: Evidence | None = None) -> Answer | None:
    """The answer a node gives; None when it has problems (noted on the reader).
    ``given_by``: who gave the file's answers, for one without its own evidence."""
    found = len(reader.problems)
    if raw.kind == "map":
        details = {key: value for key, _, value in reader.pairs(raw)}
        if len(reader.problems) > found:
            return None
        unknown = set(details) - set(_DETAIL_KEYS)
        if unknown:
            reader.error(raw, f"{label}: unknown key(s) {', '.join(sorted(unknown))}; "
                         f"expected {', '.join(sorted(_DETAIL_KEYS))}")
            return None
        if "value" not in details:
            reader.error(raw, f"{label}: a value is needed (or unknown or unclear)")
            return None
        value_node = details["value"]
    else:
        details, value_node = {}, raw
    written = _value(reader, value_node, label)
    if len(reader.problems) > found:
        return None
    try:
        status, value = parse_value(question, written)
    except InvalidValueError as exc:
        reader.error(value_node, f"{label}: {exc}")
        return None
    source = reader.text(details.get("evidence"), f"{label}: evidence (who said it)")
    verified = bool(reader.boolean(details.get("verified"), f"{label}: verified"))
    note = reader.text(details.get("note"), f"{label}: note") or ""
    private = bool(reader.boolean(details.get("private"), f"{label}: private"))
    if len(reader.problems) > found:
        return None
    evidence = Evidence(source, verified) if source else given_by
    return Answer(status=status, value=value, evidence=evidence, note=note, private=private,
                  at=now, confirmed=now)


def _value(reader: NodeReader, node: Node, label: str) -> Value:
    """A scalar's text (None when empty) or a list of texts, as written."""
    if node.kind == "scalar":
        return None if node.is_null else node.text
    if node.kind == "seq":
        items: list[str] = []
        for item in reader.sequence(node, label, non_empty=False):
            if item.kind != "scalar" or item.is_null:
                reader.error(item, f"{label}: a list of answers holds options, got "
                             f"{item.describe()}")
                return None
            items.append(item.text)
        return items
    reader.error(node, f"{label}: the value must be an answer or a list of options, got a "
                 "mapping")
    return None
