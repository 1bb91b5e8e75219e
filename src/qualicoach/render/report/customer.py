"""What we understood, written to the customer for them to confirm or correct: its own
document, not a section of the internal report, as Markdown, plain text for the body of an
e-mail, or a standalone HTML page.

Only questions a framework words for the customer (``customer_prompt``) go out, in that
wording; the rest are about our position and stay inside. An answer is read back only in
words written for the customer (a choice's ``customer_label``, or what they told us: a
number, a date, their words); the rep's labels and ratings are asked again instead. No
scores, verdicts, risk, private notes, our forecast close date or dates already past: a
rep sends it as it is (docs/scoring.md, "The customer summary").

What their people answered on a self-assessment is kept in confidence: the summary reads
back only the rep's own answers, never a reply's answer or comment. Where their people
disagree it says so, naming the question and nobody (docs/self-assessment.md).
"""

from __future__ import annotations

import textwrap
from datetime import date
from html import escape
from typing import NamedTuple

from qualicoach.coaching.report import Report
from qualicoach.coaching.scoring import answer_score
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.frameworks.model import Framework, Question
from qualicoach.render.console import visible
from qualicoach.render.widgets import md

# About one e-mail's worth: a customer answers a short list, not a questionnaire.
MOST_ITEMS = 8
# Of those, at most three in eight read back what we understood (the rest ask something).
UNDERSTOOD_SHARE = 3 / 8

INTRO = ("Thank you for the time you and your team have given us. Below is what we have "
         "understood about your situation and plans, and the questions still open on our "
         "side. Please correct anything we got wrong: it helps us both spend the time on "
         "what matters to you.")
DIFFERENTLY_TITLE = "Where your team sees it differently"
DIFFERENTLY_TEXT = ("People on your team see these differently. Could you agree on one "
                    "answer among yourselves? We are glad to help bring everyone together.")
UNDERSTOOD_TITLE = "What we understood"
CONFIRM_TITLE = "In your own words"
CONFIRM_TEXT = ("We have talked about these; a line from you on each would make sure we "
                "understood them right:")
OPEN_TITLE = "Questions for your team"
MORE_TEXT = "We have a few more questions for when we next talk."


class Item(NamedTuple):
    """One question of the summary, in the customer's words; ``said``: what we understood
    (plain text), ``why``: why it matters to them."""

    prompt: str
    said: str = ""
    why: str = ""


class CustomerSummary(NamedTuple):
    """What the summary says, before any format: each section's items, most important
    first, and whether questions were left for the next conversation."""

    title: str
    differently: tuple[Item, ...]
    understood: tuple[Item, ...]
    to_confirm: tuple[Item, ...]
    open_questions: tuple[Item, ...]
    more: bool


def customer_summary(report: Report, weak_below: float = 0.5,
                     most: int = MOST_ITEMS) -> CustomerSummary:
    """The summary's items: where their people disagree, what we understood (the rep's own
    answers only), what to confirm and what is still open; at most ``most`` in all."""
    deal = report.deal
    today = report.now.date()
    ours = report.rep_answers
    disagreed = {q.question.answer_key for q in report.alignment.disagreements}
    # What their people answered and do not disagree on is left out: not asked again (they
    # told us), not read back from their replies (they told us in confidence), and not
    # read back from ours either (where it differs from theirs, we would not have listened).
    replied = {q.question.answer_key for q in report.alignment.questions}
    # (rank, position, section, item): rank orders by importance, position by framework.
    ranked: list[tuple[int, int, str, Item]] = []
    seen: set[str] = set()
    for framework in _customer_first(report.frameworks):
        for q in framework.questions():
            if not q.customer_prompt or q.answer_key in seen:
                continue
            seen.add(q.answer_key)
            readiness = framework.perspective == "readiness"
            position = len(seen)
            if q.answer_key in disagreed:
                ranked.append((0, position, "differently", Item(q.customer_prompt)))
                continue
            if q.answer_key in replied:
                continue
            said = _understood(q, ours.get(q.answer_key), today, weak_below)
            if said is _IN_OUR_WORDS:
                ranked.append((5, position, "to_confirm", Item(q.customer_prompt)))
            elif said is not None:
                ranked.append((2 if readiness else 3, position, "understood",
                               Item(q.customer_prompt, said)))
            else:  # not known yet, weak, or a date already past: ask again
                rank = 1 if q.red_flag else 3 if readiness else 4
                ranked.append((rank, position, "open", Item(q.customer_prompt,
                                                            why=q.customer_why)))
    # A few things we understood, for them to confirm; then the questions, the most
    # important first, as many as the rest of the room allows.
    by_rank = sorted(ranked, key=lambda e: (e[0], e[1]))
    kept = [e for e in by_rank if e[2] == "understood"][:max(1, int(most * UNDERSTOOD_SHARE))]
    room = most - len(kept)
    questions = [e for e in by_rank if e[2] != "understood"]
    kept += questions[:room]

    def section(name: str) -> tuple[Item, ...]:
        return tuple(e[3] for e in sorted(kept, key=lambda e: (e[0], e[1])) if e[2] == name)

    title = (f"{deal.account}: what we have understood so far" if deal.account
             else "What we have understood so far")
    return CustomerSummary(title, section("differently"), section("understood"),
                           section("to_confirm"), section("open"), len(questions) > room)


def customer_markdown(report: Report, weak_below: float = 0.5, most: int = MOST_ITEMS) -> str:
    """The summary as Markdown that reads well pasted into an e-mail."""
    s = customer_summary(report, weak_below, most)
    out = [f"# {md(s.title)}", "", INTRO, ""]
    if s.differently:
        out += [f"## {DIFFERENTLY_TITLE}", "", DIFFERENTLY_TEXT, "",
                *(f"- {md(i.prompt)}" for i in s.differently), ""]
    out += [f"## {UNDERSTOOD_TITLE}", ""]
    out += [f"- **{md(i.prompt)}**  \n  {md(i.said)}" for i in s.understood] or [
        "- We have not yet discussed this in detail."]
    if s.to_confirm:
        out += ["", f"## {CONFIRM_TITLE}", "", CONFIRM_TEXT, "",
                *(f"- {md(i.prompt)}" for i in s.to_confirm)]
    if s.open_questions or not s.more:
        out += ["", f"## {OPEN_TITLE}", ""]
        out += [f"- {md(i.prompt)}" + (f"  \n  *{md(i.why)}*" if i.why else "")
                for i in s.open_questions] or ["- None for now."]
    if s.more:
        out += ["", MORE_TEXT]
    return "\n".join(out) + "\n"


def customer_text(report: Report, weak_below: float = 0.5, most: int = MOST_ITEMS,
                  width: int = 72) -> str:
    """The summary as plain text for the body of an e-mail: no markup, lines of at most
    ``width`` characters (a word longer than that stays whole)."""
    s = customer_summary(report, weak_below, most)

    def para(text: str) -> list[str]:
        return textwrap.wrap(visible(text), width, break_long_words=False) or [""]

    def bullet(text: str, *more: str) -> list[str]:
        lines = textwrap.wrap(visible(text), width, initial_indent="- ",
                              subsequent_indent="  ", break_long_words=False)
        for extra in more:
            lines += textwrap.wrap(visible(extra), width, initial_indent="  ",
                                   subsequent_indent="  ", break_long_words=False)
        return lines

    title = visible(s.title)
    out = [title, "=" * min(len(title), width), "", *para(INTRO), ""]
    if s.differently:
        out += [DIFFERENTLY_TITLE, "-" * len(DIFFERENTLY_TITLE), *para(DIFFERENTLY_TEXT), ""]
        for i in s.differently:
            out += bullet(i.prompt)
        out.append("")
    out += [UNDERSTOOD_TITLE, "-" * len(UNDERSTOOD_TITLE)]
    for i in s.understood:
        out += bullet(i.prompt, i.said)
    if not s.understood:
        out += bullet("We have not yet discussed this in detail.")
    if s.to_confirm:
        out += ["", CONFIRM_TITLE, "-" * len(CONFIRM_TITLE), *para(CONFIRM_TEXT)]
        for i in s.to_confirm:
            out += bullet(i.prompt)
    if s.open_questions or not s.more:
        out += ["", OPEN_TITLE, "-" * len(OPEN_TITLE)]
        for i in s.open_questions:
            out += bullet(i.prompt, *((f"({i.why})",) if i.why else ()))
        if not s.open_questions:
            out += bullet("None for now.")
    if s.more:
        out += ["", *para(MORE_TEXT)]
    return "\n".join(out) + "\n"


_CSS = """
body { margin: 0; color: #1d1d1f; background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 44rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .8rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem;
  border-bottom: 1px solid #d9d9de; }
ul { padding-left: 1.4rem; } li { margin: .45rem 0; }
.said { display: block; } .why, .more { color: #5f6368; }
.why { display: block; font-size: .92rem; font-style: italic; }
@media (max-width: 480px) { body { font-size: 15px; } main { padding: .75rem; } }
@media print { @page { margin: 15mm; } body { font-size: 11pt; } main { max-width: none;
  padding: 0; } h2 { break-after: avoid; } li { break-inside: avoid; } }
"""


def customer_html(report: Report, weak_below: float = 0.5, most: int = MOST_ITEMS) -> str:
    """The summary as a standalone HTML page: the same standards as the report's page
    (offline, fetches nothing, escaped, prints, reads on a phone)."""
    s = customer_summary(report, weak_below, most)

    def h(text: str) -> str:
        return escape(visible(text))

    def items(found: tuple[Item, ...], empty: str) -> list[str]:
        rows = [f"<li><b>{h(i.prompt)}</b>" + (f'<span class="said">{h(i.said)}</span>'
                                               if i.said else "")
                + (f'<span class="why">{h(i.why)}</span>' if i.why else "") + "</li>"
                for i in found]
        return ["<ul>", *(rows or [f"<li>{h(empty)}</li>"]), "</ul>"]

    body = [f"<h1>{h(s.title)}</h1>", f"<p>{h(INTRO)}</p>"]
    if s.differently:
        body += [f"<h2>{h(DIFFERENTLY_TITLE)}</h2>", f"<p>{h(DIFFERENTLY_TEXT)}</p>",
                 *items(s.differently, "")]
    body += [f"<h2>{h(UNDERSTOOD_TITLE)}</h2>",
             *items(s.understood, "We have not yet discussed this in detail.")]
    if s.to_confirm:
        body += [f"<h2>{h(CONFIRM_TITLE)}</h2>", f"<p>{h(CONFIRM_TEXT)}</p>",
                 *items(s.to_confirm, "")]
    if s.open_questions or not s.more:
        body += [f"<h2>{h(OPEN_TITLE)}</h2>", *items(s.open_questions, "None for now.")]
    if s.more:
        body.append(f'<p class="more">{h(MORE_TEXT)}</p>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # Nothing may leave the machine when the page opens.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'\">\n"
            f"<title>{h(s.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body><main>\n"
            + "\n".join(body) + "\n</main></body>\n</html>\n")


def _customer_first(frameworks: tuple[Framework, ...]) -> list[Framework]:
    """The customer's own readiness first: it is the part of the summary about them."""
    return sorted(frameworks, key=lambda f: f.perspective != "readiness")


# A good answer we hold only in the rep's words: a yes/no, a rating on the scale, or a
# choice whose label is the rep's reading. Read back, "We understood this is in place"
# answers "Who on your side will approve this decision?" with nothing; it is asked instead.
_IN_OUR_WORDS = "in our words"


def _understood(q: Question, answer: Answer | None, today: date,
                weak_below: float) -> str | None:
    """What we understood of an answer, in the customer's terms (plain text); None when
    it is still an open question (no answer, unknown, unclear, weak) or a date already
    past; ``_IN_OUR_WORDS`` when it is good but we have no words for the customer to say
    it."""
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
        said = f"As we understood it: {', '.join(labels)}."
    elif q.type in ("yes_no", "scale"):
        return _IN_OUR_WORDS
    elif q.type == "date":
        said = _spelled_date(str(answer.value))
    else:
        said = describe_value(q, answer)
    if answer.note and not answer.private:
        said += f" ({answer.note})"
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
