"""``same_as``: a question of one framework that asks the same as a question of another.

Checked once every framework is loaded, since the target may be in another file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qualicoach.errors import Problem
from qualicoach.frameworks.model import Framework, Question
from qualicoach.yamlio.words import did_you_mean


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
                f"{did_you_mean(target_fw_id, known)}; known: {', '.join(sorted(known))}")
    target = target_fw.question(target_q_id)
    if target is None:
        ids = [q.id for q in target_fw.questions()]
        return (f"names unknown question '{target_q_id}' of '{target_fw_id}'"
                f"{did_you_mean(target_q_id, ids)}")
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
