"""The commented starter file that ``qualicoach frameworks new`` writes."""

from __future__ import annotations

import re

from qualicoach.errors import InvalidValueError
from qualicoach.frameworks.model import PERSPECTIVES
from qualicoach.frameworks.schema import ID_MAX_LENGTH, ID_PATTERN, SCHEMA_FILE_NAME

_TEMPLATE = """\
# yaml-language-server: $schema={schema_file}
# (write that file once with: qualicoach frameworks schema > {schema_file})
# A qualicoach framework. The format is documented in docs/frameworks.md;
# check this file with:  qualicoach frameworks validate {file_name}
id: {framework_id}
name: {name}
version: "1.0"
# fit: do we want this deal? readiness: has the customer qualified themselves?
perspective: {perspective}
description: What this framework checks, in one or two sentences.
source: Where the method comes from (credit the authors).

elements:
  - id: pain
    name: Pain
    weight: 1            # relative to the other elements
    questions:
      - id: pain_confirmed
        prompt: Has the customer described the problem in their own words?
        type: yes_no     # yes_no, choice, multi, scale (1-5), number, date, text
        why: A problem we describe for them is not a reason for them to change.
        how_to_ask: "Ask: 'What happens today when this goes wrong?' and listen."
        # The same question for the customer, in their voice (their summary uses it):
        customer_prompt: "What happens today when this goes wrong, and who feels it?"
        customer_why: "Knowing who feels the problem tells us both whom to involve."
        # Each answer in their voice too (a readiness question with a customer_prompt
        # needs it: their self-assessment offers these instead of Yes / Partly / No):
        customer_answers: {{yes: "Yes, and we can say who", partial: "Partly", no: "Not really"}}
        follow_ups:
          - Who else feels this problem, and how do they describe it?
        red_flag: true   # a weak answer alone puts the deal at risk
        # The deal stage by which it must be known: before it, a gap is still to learn;
        # from it, a risk. prospect, discovery, qualified (the default), proposal or
        # negotiation; an element may set it for all its questions.
        settle_by: discovery
        # scores: {{yes: 1, partial: 0.5, no: 0}}   # these are the defaults

      - id: pain_cost
        prompt: How much does the problem cost them per year?
        type: number
        min: 0
        bands:           # the first band the answer reaches gives the score
          - {{at_least: 100000, score: 1}}
          - {{at_least: 10000, score: 0.5}}
        when: {{pain_confirmed: {{in: [yes, partial]}}}}   # asked only after such an answer

  - id: urgency
    name: Urgency
    questions:
      - id: urgency_level
        prompt: How urgent is it for them?
        customer_prompt: "By when do you need this solved, and what sets that date?"
        type: choice
        choices:
          - {{value: none, label: "No deadline", score: 0,
             customer_label: "No date yet"}}
          - {{value: this_year, label: "Needed this year", score: 0.6,
             customer_label: "Some time this year"}}
          - {{value: event, label: "A dated event forces it", score: 1,
             customer_label: "A dated event sets it"}}
"""


def starter_framework(framework_id: str, perspective: str = "fit", file_name: str = "") -> str:
    """A commented, valid framework file to start from."""
    if (not re.match(ID_PATTERN, framework_id) or len(framework_id) > ID_MAX_LENGTH
            or framework_id in ("true", "false")):
        raise InvalidValueError(f"framework id '{framework_id}' is not valid: use lowercase "
                                "letters, digits and '_', starting with a letter, at most "
                                f"{ID_MAX_LENGTH} characters")
    if perspective not in PERSPECTIVES:
        raise InvalidValueError(f"perspective '{perspective}' is not valid; expected fit or "
                                "readiness")
    return _TEMPLATE.format(
        schema_file=SCHEMA_FILE_NAME, framework_id=framework_id,
        name=framework_id.replace("_", " ").title(), perspective=perspective,
        file_name=file_name or f"{framework_id}.yaml",
    )
