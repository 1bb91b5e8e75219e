"""``when:``: a question asked only if earlier answers compare as written.

Read after every question of the framework is known, since a condition names questions
by id and may only use answers given before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from qualicoach.frameworks.model import (
    CONDITION_OPS,
    DEFAULT_SCALE_SCORES,
    DEFAULT_YES_NO_SCORES,
    GAP_VALUES,
    AnswerType,
    Choice,
    ConditionOp,
    ConditionValue,
    Position,
    WhenClause,
)
from qualicoach.yamlio.nodes import Node
from qualicoach.yamlio.reader import NodeReader
from qualicoach.yamlio.words import did_you_mean


class Target(Protocol):
    """What a condition needs to know of the question it names."""

    @property
    def type(self) -> AnswerType: ...

    @property
    def choices(self) -> tuple[Choice, ...]: ...


def read_when(reader: NodeReader, node: Node | None, label: str, known: Mapping[str, Target],
              order: Mapping[str, int], asked: int) -> tuple[WhenClause, ...]:
    """The clauses of a question's ``when``; the first ``asked`` questions in ``order``
    come before it."""
    if node is None:
        return ()
    if node.kind != "map" or not node.pairs:
        reader.error(node, f"{label}: when must map earlier question ids to answers, "
                     "e.g. {budget_exists: yes}")
        return ()
    clauses: list[WhenClause] = []
    for key_node, test_node in node.pairs:
        ref = key_node.text
        target = known.get(ref)
        if target is None:
            reader.error(key_node, f"{label}: when names unknown question '{ref}'"
                         f"{did_you_mean(ref, known)}")
            continue
        if order[ref] >= asked:
            reader.error(key_node, f"{label}: when names '{ref}', which is not asked before "
                         "it; a condition can only use earlier answers")
            continue
        clause = read_clause(reader, ref, target, test_node, label)
        if clause is not None:
            clauses.append(clause)
    return tuple(clauses)


def read_clause(reader: NodeReader, ref: str, target: Target, node: Node,
                label: str) -> WhenClause | None:
    """One clause: ``ref: value`` (equals) or ``ref: {operator: value(s)}``."""
    op: ConditionOp = "equals"
    value_node: Node = node
    if node.kind == "map":
        if len(node.pairs) != 1:
            reader.error(node, f"{label}: condition on '{ref}' must have exactly one "
                         f"operator: {', '.join(CONDITION_OPS)}")
            return None
        op_node, value_node = node.pairs[0]
        word = op_node.text if op_node.kind == "scalar" else ""
        named = next((o for o in CONDITION_OPS if o == word), None)
        if named is None:
            reader.error(op_node, f"{label}: unknown condition operator {op_node.describe()}"
                         f"{did_you_mean(word, CONDITION_OPS)}; expected one of: "
                         f"{', '.join(CONDITION_OPS)}")
            return None
        op = named
    if op in ("in", "not_in"):
        raw = reader.sequence(value_node, f"{label}: '{op}' on '{ref}'")
    else:
        raw = [value_node]
    values: list[ConditionValue] = []
    for item in raw:
        if op in ("at_least", "at_most"):
            if target.type not in ("number", "scale"):
                reader.error(item, f"{label}: '{op}' needs a number or scale question, "
                             f"but '{ref}' is {target.type}")
                return None
            number = reader.number(item, f"{label}: '{op}' on '{ref}'")
            if number is None:
                return None
            values.append(number)
            continue
        value = reader.text(item, f"{label}: condition value", required=True)
        if value is None:
            return None
        valid = condition_values(target)
        if valid is not None and value not in valid:
            reader.error(item, f"{label}: '{ref}' has no answer '{value}'"
                         f"{did_you_mean(value, valid)}; expected one of: {', '.join(valid)}")
            return None
        values.append(value)
    return WhenClause(ref, op, tuple(values),
                      Position(reader.filename, node.line, node.column))


def condition_values(target: Target) -> list[str] | None:
    """The answers a condition may compare with, or None where any text is acceptable."""
    if target.type == "yes_no":
        values = list(DEFAULT_YES_NO_SCORES)
    elif target.type in ("choice", "multi"):
        values = [c.value for c in target.choices]
    elif target.type == "scale":
        values = [str(v) for v in DEFAULT_SCALE_SCORES]
    else:
        return None
    return values + list(GAP_VALUES)
