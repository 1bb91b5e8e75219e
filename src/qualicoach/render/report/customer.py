"""What we understood, written to the customer for them to confirm or correct: its own
document, not a section of the internal report.

Only questions a framework words for the customer (``customer_prompt``) go out, in that
wording; the rest are about our position and stay inside. An answer is read back only in
words written for the customer (a choice's ``customer_label``, or what they told us: a
number, a date, their words); the rep's labels and ratings are asked again instead. No
scores, verdicts, risk, private notes, our forecast close date or dates already past: a
rep sends it as it is (docs/scoring.md, "The customer summary").
"""

from __future__ import annotations

from datetime import date

from qualicoach.coaching.report import Report
from qualicoach.coaching.scoring import answer_score
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.frameworks.model import Framework, Question
from qualicoach.render.widgets import md


def customer_markdown(report: Report, weak_below: float = 0.5) -> str:
    """What we understood, for the customer to confirm or correct (Markdown that reads
    well pasted into an email)."""
    deal = report.deal
    today = report.now.date()
    understood: list[str] = []
    to_confirm: list[str] = []
    open_questions: list[str] = []
    seen: set[str] = set()
    for framework in _customer_first(report.frameworks):
        for q in framework.questions():
            if not q.customer_prompt or q.answer_key in seen:
                continue
            seen.add(q.answer_key)
            answer = report.answers.get(q.answer_key)
            said = _understood(q, answer, today, weak_below)
            if said is _IN_OUR_WORDS:
                to_confirm.append(f"- {md(q.customer_prompt)}")
            elif said is not None:
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
    if to_confirm:
        out += ["", "## In your own words", "",
                "We have talked about these; a line from you on each would make sure we "
                "understood them right:", "", *to_confirm]
    out += ["", "## Questions for your team", ""]
    out += open_questions or ["- None for now."]
    return "\n".join(out) + "\n"


def _customer_first(frameworks: tuple[Framework, ...]) -> list[Framework]:
    """The customer's own readiness first: it is the part of the summary about them."""
    return sorted(frameworks, key=lambda f: f.perspective != "readiness")


# A good answer we hold only in the rep's words: a yes/no, a rating on the scale, or a
# choice whose label is the rep's reading. Read back, "We understood this is in place"
# answers "Who on your side will approve this decision?" with nothing; it is asked instead.
_IN_OUR_WORDS = "in our words"


def _understood(q: Question, answer: Answer | None, today: date,
                weak_below: float) -> str | None:
    """What we understood of an answer, in the customer's terms; None when it is still
    an open question (no answer, unknown, unclear, weak) or a date already past;
    ``_IN_OUR_WORDS`` when it is good but we have no words for the customer to say it."""
    if answer is None or answer.status != "answered":
        return None
    if _is_past_date(q, answer, today):
        return None
    if q.type not in ("text", "number", "date") and answer_score(q, answer) < weak_below:
        return None
    if q.type in ("choice", "multi"):
        values = answer.value if isinstance(answer.value, list) else [str(answer.value)]
        chosen = [q.choice(v) for v in values]
        labels = [c.customer_label for c in chosen if c is not None and c.customer_label]
        if not labels or len(labels) != len(values):
            return _IN_OUR_WORDS
        said = f"As we understood it: {md(', '.join(labels))}."
    elif q.type in ("yes_no", "scale"):
        return _IN_OUR_WORDS
    elif q.type == "date":
        said = md(_spelled_date(str(answer.value)))
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


def _spelled_date(text: str) -> str:
    """'2027-07-18' as '18 July 2027', the way a letter writes it; other text as it is."""
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"
