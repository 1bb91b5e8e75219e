"""The JSON Schema of a framework file, for editors (yaml-language-server) and CI.

The loader takes its allowed keys from here, so an editor's autocompletion and the
validator never disagree about which keys exist. The loader checks more than a schema can
say (duplicate ids, references between questions, YAML 1.1 pitfalls); the schema is the
part an editor can check as you type.
"""

from __future__ import annotations

from typing import Any

from qualicoach.frameworks.model import ANSWER_TYPES, CONDITION_OPS, OPEN_STAGES, PERSPECTIVES
from qualicoach.yamlio.words import FALSE_WORDS, TRUE_WORDS

SCHEMA_ID = "https://qualicoach.dev/schema/framework-1.json"
# The file name the docs and the starter file use for a copy of the schema beside a team's
# frameworks, so editors need no network.
SCHEMA_FILE_NAME = "framework.schema.json"

ID_PATTERN = "^[a-z][a-z0-9_]*$"
ID_MAX_LENGTH = 64
_ID = {"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH}
# The loader reads a text field as the characters written, so `name: 2024` or `label: 50`
# is text too; an editor reading YAML 1.2 sees a number there, which must not be flagged.
_TEXT = {"type": ["string", "number", "boolean"], "minLength": 1}
_OPTIONAL_TEXT = {"type": ["string", "number", "boolean", "null"]}
_SETTLE_BY = {"enum": list(OPEN_STAGES)}
_BOOLEAN = {"anyOf": [{"type": "boolean"}, {"enum": [*TRUE_WORDS, *FALSE_WORDS]}]}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}
_WEIGHT = {"type": "number", "minimum": 0}
_VALUE = {"type": ["string", "number", "boolean"]}

# A question's optional texts: each key is read as written into the ``Question`` field of
# the same name ("" when absent). A new one is added here and as a field of ``Question``;
# the loader and the schema follow (tests/frameworks/test_schema.py checks the fields).
QUESTION_TEXTS: dict[str, str] = {
    "why": "Why the answer matters.",
    "how_to_ask": "Coaching: how to ask it on a call.",
    "customer_prompt": "The question addressed to the customer, in their own voice, for "
    "what goes to them (their summary, a self-assessment). Without it the question is not "
    "sent to the customer.",
    "customer_why": "Why the question matters, told to the customer (their interest, not "
    "ours).",
}

_TEST: dict[str, Any] = {
    "description": "An answer value the earlier question must have, or one operator.",
    "oneOf": [
        _VALUE,
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": False,
            "properties": {
                "in": {"type": "array", "items": _VALUE, "minItems": 1,
                       "description": "The answer is one of these."},
                "not": {**_VALUE, "description": "The answer is anything but this."},
                "not_in": {"type": "array", "items": _VALUE, "minItems": 1,
                           "description": "The answer is none of these."},
                "at_least": {"type": "number",
                             "description": "A number or scale answer of at least this."},
                "at_most": {"type": "number",
                            "description": "A number or scale answer of at most this."},
            },
        },
    ],
}
assert set(_TEST["oneOf"][1]["properties"]) == set(CONDITION_OPS)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "qualicoach framework",
    "description": "A qualification framework for qualicoach (see docs/frameworks.md).",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "version", "perspective", "elements"],
    "properties": {
        "id": {**_ID, "description": "Short id, e.g. 'meddic'. A file with the same id as an "
               "earlier source overrides it."},
        "name": {**_TEXT, "description": "Display name."},
        "version": {"type": ["string", "number", "boolean"],
                    "description": "Version of this framework, e.g. '1.2'. Stored with each "
                    "interview so history stays comparable."},
        "description": {**_OPTIONAL_TEXT, "description": "What the framework is for."},
        "source": {**_OPTIONAL_TEXT, "description": "Where the method comes from (credit)."},
        "perspective": {"enum": list(PERSPECTIVES),
                        "description": "'fit': do we want this deal? 'readiness': has the "
                        "customer qualified themselves?"},
        "elements": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/element"}},
    },
    "$defs": {
        "element": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "name", "questions"],
            "properties": {
                "id": {**_ID, "description": "Element id, unique in the framework."},
                "name": {**_TEXT, "description": "Display name, e.g. 'Economic buyer'."},
                "description": {**_OPTIONAL_TEXT},
                "weight": {**_WEIGHT, "default": 1,
                           "description": "Relative weight of the element in the framework."},
                "optional": {**_BOOLEAN, "default": False,
                             "description": "Asked only when chosen (e.g. MEDDPICC extras); "
                             "unanswered optional elements are not gaps."},
                "settle_by": {**_SETTLE_BY, "description": "The stage by which every "
                              "question of the element must be settled (a question's own "
                              "settle_by wins). Default: qualified."},
                "questions": {"type": "array", "minItems": 1,
                              "items": {"$ref": "#/$defs/question"}},
            },
        },
        "question": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "prompt", "type"],
            "properties": {
                "id": {**_ID, "description": "Question id, unique in the framework."},
                "prompt": {**_TEXT, "description": "The question as the rep reads it."},
                "type": {"enum": list(ANSWER_TYPES), "description": "The answer type."},
                **{key: {**_OPTIONAL_TEXT, "description": description}
                   for key, description in QUESTION_TEXTS.items()},
                "customer_answers": {
                    "type": "object", "additionalProperties": _TEXT,
                    "description": "yes_no and scale: each answer in the customer's voice, "
                    "for their self-assessment ({yes: ..., partial: ..., no: ...}; a scale "
                    "needs at least its ends, 1 and 5). Needed in a readiness framework "
                    "wherever customer_prompt is given."},
                "follow_ups": {"type": ["array", "null"], "items": _TEXT,
                               "description": "Questions to ask next when the answer is weak."},
                "weight": {**_WEIGHT, "default": 1,
                           "description": "Relative weight in its element; 0 = not scored."},
                "red_flag": {**_BOOLEAN, "default": False,
                             "description": "A weak answer alone puts the deal at risk."},
                "settle_by": {**_SETTLE_BY, "description": "The stage by which the answer "
                              "must be settled: before it an unknown is still to learn, from "
                              "it on a gap that counts. Default: the element's, else "
                              "qualified."},
                "when": {"type": "object", "minProperties": 1,
                         "additionalProperties": _TEST,
                         "description": "Ask only when earlier answers match: "
                         "{question_id: value or {operator: value}}; all must hold."},
                "choices": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/choice"},
                            "description": "Options of a choice or multi question."},
                "scores": {"type": "object",
                           "additionalProperties": _SCORE,
                           "description": "yes_no: scores of yes/partial/no; scale: scores of "
                           "1..5. Defaults: yes 1, partial 0.5, no 0; scale linear."},
                "bands": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/band"},
                          "description": "number: the first band whose at_least the answer "
                          "reaches gives the score; below every band scores 0."},
                "min": {"type": "number", "description": "number: smallest accepted answer."},
                "max": {"type": "number", "description": "number: largest accepted answer."},
                "same_as": {"type": "string", "pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$",
                            "description": "'framework.question' this question also asks: "
                            "one answer counts in both, and the rep is asked once."},
            },
            "allOf": [
                {"if": {"properties": {"type": {"enum": ["choice", "multi"]}}},
                 "then": {"required": ["choices"]}},
            ],
        },
        "choice": {
            "type": "object",
            "additionalProperties": False,
            "required": ["value", "score"],
            "properties": {
                "value": {**_VALUE, "description": "The stored answer value."},
                "label": {**_OPTIONAL_TEXT, "description": "Text shown to the rep."},
                "customer_label": {**_OPTIONAL_TEXT, "description": "This answer said to the "
                                   "customer, in their voice, for what we send them. Needed "
                                   "on every choice of a readiness question that has a "
                                   "customer_prompt (their self-assessment offers it)."},
                "score": {**_SCORE, "description": "How good this answer is, 0 to 1."},
            },
        },
        "band": {
            "type": "object",
            "additionalProperties": False,
            "required": ["at_least", "score"],
            "properties": {
                "at_least": {"type": "number"},
                "score": _SCORE,
            },
        },
    },
}


def keys_of(definition: str) -> tuple[str, ...]:
    """The keys allowed in a framework (``"framework"``) or one of its ``$defs``."""
    node = SCHEMA if definition == "framework" else SCHEMA["$defs"][definition]
    return tuple(node["properties"])


def required_keys_of(definition: str) -> tuple[str, ...]:
    """The keys a framework or one of its ``$defs`` must have."""
    node = SCHEMA if definition == "framework" else SCHEMA["$defs"][definition]
    return tuple(node["required"])
