"""``--answers FILE``: a whole interview's answers from YAML or JSON, validated together.

    {framework_id: {question_id: value or {value, evidence, verified, note, private}}}

Every problem is reported with its framework and question; nothing is stored if any is
found (the caller stores only what this returns).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .answers import Answer, Evidence, parse_value
from .catalog import Catalog
from .errors import InvalidValue, NotFound
from .framework import Framework, Question

_DETAIL_KEYS = {"value", "evidence", "verified", "note", "private"}


class AnswersFileError(InvalidValue):
    """Every problem of an answers file, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def lines(self) -> list[str]:
        return self.problems


def load_answers_file(path: Path, catalog: Catalog, now: datetime
                      ) -> tuple[list[Framework], dict[str, Answer]]:
    """The frameworks an answers file names and its answers by answer key."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"cannot read answers file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)  # JSON is YAML, so one parser reads both
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise InvalidValue(f"{path}{where}: not valid YAML or JSON") from None
    if not isinstance(data, dict) or not data:
        raise InvalidValue(f"{path}: expected {{framework_id: {{question_id: answer}}}}")
    problems: list[str] = []
    frameworks: list[Framework] = []
    answers: dict[str, Answer] = {}
    for fw_id, questions in data.items():
        try:
            framework = catalog.get(str(fw_id))
        except NotFound as exc:
            problems.append(f"{path}: {exc}")
            continue
        frameworks.append(framework)
        if not isinstance(questions, dict):
            problems.append(f"{path}: {fw_id}: expected question ids mapped to answers")
            continue
        for q_id, raw in questions.items():
            where = f"{path}: {fw_id}.{q_id}"
            question = framework.question(str(q_id))
            if question is None:
                ids = [q.id for q in framework.questions()]
                close = difflib.get_close_matches(str(q_id), ids, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(f"{where}: no such question in {fw_id}{hint}")
                continue
            try:
                answer = _answer(raw, question, now)
            except InvalidValue as exc:
                problems.append(f"{where}: {exc}")
                continue
            earlier = answers.get(question.answer_key)
            if earlier is not None and not earlier.same_value(answer):
                problems.append(f"{where}: asks the same as {question.answer_key}, which has "
                                "a different answer in this file")
                continue
            answers[question.answer_key] = answer
    if problems:
        raise AnswersFileError(problems)
    return frameworks, answers


def _answer(raw: Any, question: Question, now: datetime) -> Answer:
    details: Mapping[str, Any] = raw if isinstance(raw, dict) else {"value": raw}
    unknown = set(details) - _DETAIL_KEYS
    if unknown:
        raise InvalidValue(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected "
                           f"{', '.join(sorted(_DETAIL_KEYS))}")
    if "value" not in details:
        raise InvalidValue("a value is needed (or unknown or unclear)")
    status, value = parse_value(question, details["value"])
    source = details.get("evidence")
    if source is not None and not isinstance(source, str):
        raise InvalidValue("evidence must be text: who said it")
    verified = details.get("verified", False)
    if not isinstance(verified, bool):
        raise InvalidValue("verified must be true or false")
    note = details.get("note", "")
    if not isinstance(note, str):
        raise InvalidValue("note must be text")
    private = details.get("private", False)
    if not isinstance(private, bool):
        raise InvalidValue("private must be true or false")
    evidence = Evidence(source, verified) if source else None
    return Answer(status=status, value=value, evidence=evidence, note=note, private=private,
                  at=now, confirmed=now)
