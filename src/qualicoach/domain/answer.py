"""Answers: what a rep said, how sure it is, and the validation of every answer type."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, Union

from qualicoach.domain.deal import number_from_text
from qualicoach.errors import InvalidValueError
from qualicoach.frameworks.model import (
    GAP_VALUES,
    SCALE_VALUES,
    UNCLEAR,
    UNKNOWN,
    YES_NO_VALUES,
    Question,
)

Status = Literal["answered", "unknown", "unclear"]
Value = Union[str, float, list[str], None]  # noqa: UP007 - a runtime alias on Python 3.10

YES_NO_TITLES = {"yes": "Yes", "partial": "Partly", "no": "No"}
_YES_WORDS = {"yes", "y", "true", "1"}
_NO_WORDS = {"no", "n", "false", "0"}


class Evidence(NamedTuple):
    """Who said it, and whether the customer confirmed it or it is our assumption."""

    source: str
    verified: bool = False


@dataclass(frozen=True)
class Answer:
    """One answer to one question, with its evidence, note and times."""

    status: Status
    value: Value = None
    evidence: Evidence | None = None
    note: str = ""
    private: bool = False
    at: datetime | None = None
    confirmed: datetime | None = None

    def same_value(self, other: Answer | None) -> bool:
        """True when ``other`` says the same thing (status and value)."""
        return other is not None and (self.status, self.value) == (other.status, other.value)


def parse_value(question: Question, raw: Any) -> tuple[Status, Value]:
    """Validate a raw answer for ``question``: a status and a normalised value.

    ``unknown`` and ``unclear`` are valid for every question. Raises InvalidValueError saying
    what was expected.
    """
    if isinstance(raw, str) and raw.strip().lower() in GAP_VALUES:
        gap: Status = "unknown" if raw.strip().lower() == UNKNOWN else "unclear"
        return gap, None
    kind = question.type
    if kind == "yes_no":
        word = str(raw).strip().lower() if not isinstance(raw, bool) else str(raw).lower()
        if word in _YES_WORDS:
            return "answered", "yes"
        if word in _NO_WORDS:
            return "answered", "no"
        if word == "partial":
            return "answered", "partial"
        # The titles the interview shows ("Partly") are answers too.
        titled = next((value for value, title in YES_NO_TITLES.items()
                       if word == title.casefold()), None)
        if titled is not None:
            return "answered", titled
        raise InvalidValueError(f"'{raw}' is not an answer: expected {', '.join(YES_NO_VALUES)}, "
                                f"{UNKNOWN} or {UNCLEAR}")
    if kind == "choice":
        return "answered", _one_choice(question, raw)
    if kind == "multi":
        items = raw if isinstance(raw, list) else [p for p in re.split(r"\s*,\s*", str(raw)) if p]
        if not items:
            raise InvalidValueError("choose at least one option, or answer unknown or unclear")
        return "answered", list(dict.fromkeys(_one_choice(question, item) for item in items))
    if kind == "scale":
        number = _number(raw, "1 to 5")
        if number not in SCALE_VALUES:
            raise InvalidValueError(f"'{raw}' is not on the scale: expected a whole number "
                                    "from 1 to 5")
        return "answered", float(number)
    if kind == "number":
        number = _number(raw, "a number")
        low, high = question.minimum, question.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = (f"from {low:g} to {high:g}" if low is not None and high is not None
                      else f"of at least {low:g}" if low is not None else f"of at most {high:g}")
            raise InvalidValueError(f"{raw} is out of range: expected a number {bounds}")
        return "answered", number
    if kind == "date":
        text = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise InvalidValueError(f"'{raw}' is not a date: write it as YYYY-MM-DD")
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidValueError(f"'{raw}' is not a real date") from None
        return "answered", text
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise InvalidValueError("an answer is needed, or unknown or unclear")
    return "answered", text


def _one_choice(question: Question, raw: Any) -> str:
    text = str(raw).strip() if not isinstance(raw, bool) else ("yes" if raw else "no")
    for choice in question.choices:
        if text == choice.value or text.casefold() == choice.label.casefold():
            return choice.value
    options = ", ".join(c.value for c in question.choices)
    raise InvalidValueError(f"'{raw}' is not one of the options: {options}, {UNKNOWN} or {UNCLEAR}")


def _number(raw: Any, expected: str) -> float:
    if isinstance(raw, bool):
        raise InvalidValueError(f"'{raw}' is not a number: expected {expected}")
    if isinstance(raw, (int, float)):
        number: float | None = float(raw)
    else:
        text = str(raw).strip()
        try:
            number = float(text)
        except ValueError:
            number = number_from_text(text)  # 12,500 or 50k or 1.2m
    if number is None or not math.isfinite(number):
        raise InvalidValueError(f"'{raw}' is not a number: expected {expected}")
    return number


# A date this far from today is more often a typo (2020 for 2026) than a plan.
PAST_DAYS_CONFIRMED = 365
FUTURE_DAYS_CONFIRMED = 3 * 365


def date_warning(text: str, today: date) -> str | None:
    """Why a date should be confirmed before it is kept (far past or future), or None.
    Text that is not a date gives None: the answer check words that error."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    days = (day - today).days
    if -days > PAST_DAYS_CONFIRMED:
        return f"{day} is {_span(-days)} ago"
    if days > FUTURE_DAYS_CONFIRMED:
        return f"{day} is {_span(days)} from now"
    return None


def _span(days: int) -> str:
    years = int(days / 365.25)  # 'over 6 years', never rounded up past what it is
    return f"over {years} years" if years >= 2 else f"over {days // 30} months"


def describe_value(question: Question, answer: Answer) -> str:
    """The answer as a rep would say it: the choice label, 'unknown', '42', ..."""
    if answer.status != "answered":
        return answer.status
    value = answer.value
    if question.type == "yes_no":
        return YES_NO_TITLES.get(str(value), str(value))
    if question.type in ("choice", "multi"):
        values = value if isinstance(value, list) else [str(value)]
        return ", ".join((c.label if (c := question.choice(v)) else v) for v in values)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
