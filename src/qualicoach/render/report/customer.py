"""What we understood, for the customer to confirm or correct: its own document, not a
section of the internal report."""

from __future__ import annotations

from qualicoach.coaching.report import Report
from qualicoach.render.report.data import answer_text
from qualicoach.render.widgets import md


def customer_markdown(report: Report) -> str:
    """What we understood, for the customer to confirm or correct.

    Only the customer's own situation (readiness frameworks), the timeline and open
    questions: no scores, verdicts, seller-side judgements or private notes.
    """
    deal = report.deal
    out = [f"# {md(deal.account or deal.name)}: what we understood", "",
           "Thank you for the conversations so far. This is our understanding of where you "
           "are; please correct anything we got wrong.", ""]
    readiness = [f for f in report.frameworks if f.perspective == "readiness"]
    understood, open_questions = [], []
    for framework in readiness:
        for element in framework.elements:
            for q in element.questions:
                answer = report.answers.get(q.answer_key)
                if answer is None or answer.status != "answered":
                    open_questions.append(q.prompt)
                    continue
                line = f"- **{md(element.name)}**: {md(q.prompt)} {md(answer_text(q, answer))}"
                if answer.note and not answer.private:
                    line += f" ({md(answer.note)})"
                understood.append(line)
    out += ["## Your situation, goals and decision process", ""]
    out += understood or ["- We have not yet discussed this in detail."]
    out += ["", "## Timeline", ""]
    timeline = []
    if deal.close_date:
        timeline.append(f"- Decision expected by {deal.close_date.isoformat()}")
    for framework in report.frameworks:
        for q in framework.questions():
            answer = report.answers.get(q.answer_key)
            if q.type == "date" and answer is not None and answer.status == "answered":
                timeline.append(f"- {md(q.prompt)} {md(str(answer.value))}")
    if deal.next_step:
        timeline.append(f"- Next step: {md(deal.next_step)}")
    out += timeline or ["- To be agreed together."]
    out += ["", "## Questions we would like to settle together", ""]
    out += [f"- {md(p)}" for p in dict.fromkeys(open_questions)] or ["- None for now."]
    return "\n".join(out) + "\n"
