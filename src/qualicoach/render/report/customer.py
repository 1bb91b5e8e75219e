"""What we understood, written to the customer for them to confirm or correct: its own
document, not a section of the internal report.

Only questions a framework words for the customer (``customer_prompt``) go out, in that
wording; the rest are about our position and stay inside. No scores, verdicts, risk,
private notes or dates already past: a rep sends it as it is (docs/scoring.md, "The
customer summary").
"""

from __future__ import annotations

import re
from datetime import date

from qualicoach.coaching.report import Report
from qualicoach.coaching.scoring import answer_score
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.frameworks.model import Framework, Question
from qualicoach.render.widgets import md

# Answer labels are written for the rep, about the customer ("Their own rough estimate");
# said to the customer, the same words are about "you".
_SECOND_PERSON = [(re.compile(rf"\b{them}\b"), you) for them, you in (
    ("They", "You"), ("they", "you"), ("Their", "Your"), ("their", "your"),
    ("Them", "You"), ("them", "you"), ("themselves", "yourselves"))]


def to_customer(text: str) -> str:
    """A label written about the customer, said to them."""
    for pattern, replacement in _SECOND_PERSON:
        text = pattern.sub(replacement, text)
    return text


def customer_markdown(report: Report, weak_below: float = 0.5) -> str:
    """What we understood, for the customer to confirm or correct (Markdown that reads
    well pasted into an email)."""
    deal = report.deal
    today = report.now.date()
    understood: list[str] = []
    open_questions: list[str] = []
    seen: set[str] = set()
    for framework in _customer_first(report.frameworks):
        for q in framework.questions():
            if not q.customer_prompt or q.answer_key in seen:
                continue
            seen.add(q.answer_key)
            answer = report.answers.get(q.answer_key)
            said = _understood(q, answer, today, weak_below)
            if said is not None:
                understood.append(f"- **{md(q.customer_prompt)}**  \n  {said}")
            else:  # not known yet, weak, or a date already past: ask again
                why = f"  \n  *{md(q.customer_why)}*" if q.customer_why else ""
                open_questions.append(f"- {md(q.customer_prompt)}{why}")
    out = [f"# {md(deal.account or deal.name)}: what we have understood so far", "",
           "Thank you for the time you and your team have given us. Below is what we have "
           "understood about your situation and plans, and the questions still open on our "
           "side. Please correct anything we got wrong: it helps us both spend the time "
           "on what matters to you.", ""]
    out += ["## What we understood", ""]
    out += understood or ["- We have not yet discussed this in detail."]
    timeline = _timeline(report, today)
    if timeline:
        out += ["", "## Timeline", "", *timeline]
    out += ["", "## Questions for your team", ""]
    out += open_questions or ["- None for now."]
    return "\n".join(out) + "\n"


def _customer_first(frameworks: tuple[Framework, ...]) -> list[Framework]:
    """The customer's own readiness first: it is the part of the summary about them."""
    return sorted(frameworks, key=lambda f: f.perspective != "readiness")


def _understood(q: Question, answer: Answer | None, today: date,
                weak_below: float) -> str | None:
    """What we understood of an answer, in the customer's terms; None when it is still
    an open question (no answer, unknown, unclear, weak) or a date already past."""
    if answer is None or answer.status != "answered":
        return None
    if _is_past_date(q, answer, today):
        return None
    if q.type not in ("text", "number", "date") and answer_score(q, answer) < weak_below:
        return None
    if q.type == "yes_no":
        said = ("We understood this is in place." if answer.value == "yes"
                else "We understood this is partly in place.")
    elif q.type == "scale":
        said = f"{describe_value(q, answer)} on a scale of 1 to 5, as we understood it."
    elif q.type in ("choice", "multi"):
        said = f"As we understood it: {md(to_customer(describe_value(q, answer)))}."
    else:
        said = md(describe_value(q, answer))
    if answer.note and not answer.private:
        said += f" ({md(answer.note)})"
    return said


def _is_past_date(q: Question, answer: Answer, today: date) -> bool:
    if q.type != "date" or answer.value is None:
        return False
    try:
        return date.fromisoformat(str(answer.value)[:10]) < today
    except ValueError:
        return False


def _timeline(report: Report, today: date) -> list[str]:
    """Dates still ahead: a date already past is never sent as a plan."""
    deal = report.deal
    if deal.close_date and deal.close_date >= today:
        return [f"- We understood you would like to decide by "
                f"{deal.close_date:%-d %B %Y}."]
    return []
