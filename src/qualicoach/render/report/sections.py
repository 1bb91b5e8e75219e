"""The coaching report as sections of plain values, which every format renders.

``report_view`` decides what the report says, in which order and in which words; the
text, Markdown and export renderers only decide how it looks. So the formats cannot drift
apart: a section added here appears in all of them (tests/render/test_report_formats.py).
Nothing here scores: every figure comes from the ``Report``'s assessment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from qualicoach.coaching.alignment import QuestionAlignment
from qualicoach.coaching.report import ChangeDirection, Report, whom_to_ask
from qualicoach.coaching.risk import Cause, Gap, GapKind, why_they_differ
from qualicoach.coaching.scoring import percent
from qualicoach.domain.answer import describe_value
from qualicoach.domain.deal import plain_value
from qualicoach.domain.wording import counted
from qualicoach.frameworks.model import Perspective
from qualicoach.render.deals import format_amount

REASONS_TITLE = "Why"
ASK_NEXT_TITLE = "Ask next"
GAPS_TITLE = "Still to learn (no risk before its stage)"
CAUSES_TITLE = "The rest of the risk, and why it matters"
SCORECARDS_TITLE = "Scorecards"
EVIDENCE_TITLE = "Evidence: who said each answer"
CHANGES_TITLE = "What changed since the previous interview"
REPLIES_CHANGES_TITLE = "What changed with their replies"
ALIGNMENT_TITLE = "Do their people agree? Their own answers"
# How many reasons and questions the brief shows: one screen before a call.
BRIEF_ITEMS = 3


class Header(NamedTuple):
    """Whose deal: its name and id, and the facts a rep checks first."""

    name: str
    id: str
    facts: tuple[str, ...]


class Verdict(NamedTuple):
    """The verdict in one sentence, and why the figures may leave frameworks out."""

    text: str
    at_risk: bool
    missing: str | None
    kind: str = "on_track"  # the verdict's kind (coaching.risk), for its colour
    # Why the verdict and the picture tell different stories, in one line ('' if not).
    differs: str = ""

    @property
    def short(self) -> str:
        """The verdict without its main reason, which the brief lists under "Why"."""
        if self.kind == "early":
            return self.text.split(". ", 1)[0].rstrip(".") + "."
        found = re.match(r"(At risk of no decision|At risk of slipping|Stalled|On track) "
                         r"\(\d+/100\)", self.text)
        if not found:
            return self.text
        soon = re.search(r" Closes in \d+ days?\.", self.text)
        return found.group(1) + "." + (soon.group(0) if soon else "")


class Figures(NamedTuple):
    """Fit, readiness (0..100, None when not assessed) and no-decision risk."""

    fit: float | None
    readiness: float | None
    risk: int
    at_risk: bool


class Unconfirmed(NamedTuple):
    """Good seller-side answers that stay hopes until the customer has decided."""

    readiness_assessed: bool
    elements: str

    @property
    def text(self) -> str:
        """Why they are unconfirmed, ending where the element names follow."""
        return ("readiness is low, so the customer has not decided internally yet; "
                if self.readiness_assessed else
                "nobody has checked whether the customer has decided internally; "
                ) + "until they do, these good seller-side answers are hopes, not facts: "


class GapItem(NamedTuple):
    """One customer gap; ``answer`` only when it says more than ``kind``."""

    prompt: str
    kind: GapKind
    answer: str | None
    red_flag: bool
    why: str
    learn_by: str | None = None  # the stage by which it must be settled, when not due yet
    ask: tuple[str, ...] = ()  # how to ask it; empty when the brief already asks it
    whom: str = ""


class Gaps(NamedTuple):
    """The customer's own qualification gaps, or why there are none to show."""

    items: tuple[GapItem, ...]
    empty_text: str
    assessed: bool
    title: str = GAPS_TITLE


class SaidLine(NamedTuple):
    """One stakeholder's own answer: who, what, their comment, and the day they replied."""

    who: str
    answer: str
    comment: str
    day: str


class AlignmentItem(NamedTuple):
    """One question their people answered: whether they agree, who said what, and what we
    believe when it differs from what they said."""

    prompt: str
    state: str  # QuestionAlignment.state: "disagree", "close", "agree", "not sure", ...
    said: tuple[SaidLine, ...]
    we_believe: str | None = None
    we_hope_more: bool = False


class AlignmentView(NamedTuple):
    """The customer's own answers from their self-assessment replies."""

    items: tuple[AlignmentItem, ...]
    respondents: str
    title: str = ALIGNMENT_TITLE


class CauseRow(NamedTuple):
    """Points of risk and their cause."""

    points: float
    message: str
    base: float = 0.0  # the cause's own points, before the causes above took their share
    why: str = ""  # for a gap: why the answer matters
    ask: tuple[str, ...] = ()  # for a gap: what to ask, unless the brief already asks it
    whom: str = ""
    asked_in_brief: int | None = None  # the brief's question number that follows it up


class Causes(NamedTuple):
    """Every point of no-decision risk, and the total (capped at 100)."""

    rows: tuple[CauseRow, ...]
    total: int
    title: str = CAUSES_TITLE
    total_label: str = "total: each cause takes its share of what is left (qualicoach help scoring)"
    in_brief: float = 0.0  # the points of the brief's reasons, not repeated here


class ScoreLine(NamedTuple):
    """A name with its score (0..1, for bars) and the same as a figure (0..100)."""

    name: str
    score: float | None
    figure: float | None


class Scorecard(NamedTuple):
    """One framework's score and its elements' scores."""

    framework: ScoreLine
    perspective: Perspective
    elements: tuple[ScoreLine, ...]


class Scorecards(NamedTuple):
    """A scorecard per framework."""

    frameworks: tuple[Scorecard, ...]
    title: str = SCORECARDS_TITLE


class AnswerChangeLine(NamedTuple):
    """An answer that moved (``before`` None when it is new)."""

    direction: ChangeDirection
    prompt: str
    before: str | None
    after: str

    @property
    def word(self) -> str:
        """The direction as a reader says it: 'worse', 'not re-asked'."""
        return "not re-asked" if self.direction == "not_reasked" else self.direction


class FieldChangeLine(NamedTuple):
    """A deal field that changed: the day, the field's label, old and new ("-" for none)."""

    day: str
    field: str
    old: str
    new: str


class Changes(NamedTuple):
    """What changed since the previous interview; ``empty_text`` when nothing did."""

    answers: tuple[AnswerChangeLine, ...]
    deal_fields: tuple[FieldChangeLine, ...]
    empty_text: str | None
    title: str = CHANGES_TITLE


class Reason(NamedTuple):
    """One of the brief's reasons: the points it adds and the cause in a few words."""

    points: float
    text: str
    red_flag: bool = False


class BriefAsk(NamedTuple):
    """One of the brief's questions: what to ask, whom, and which reason it follows up
    (``reason``: its number in the brief; else ``about``, the gap in a few words)."""

    ask: str
    whom: str
    reason: int | None
    about: str


class Brief(NamedTuple):
    """The one screen a rep reads before a call, after the header, verdict and figures."""

    reasons: tuple[Reason, ...]
    reasons_total: float  # how many of the risk's points the reasons make up
    cause_count: int
    asks: tuple[BriefAsk, ...]
    since: str  # what changed since the last interview, in one line
    asked: tuple[str, ...] = ()  # the answer keys the asks follow up, in order
    reasons_title: str = REASONS_TITLE
    asks_title: str = ASK_NEXT_TITLE


class Evidence(NamedTuple):
    """Every answer with who gave it, whether the customer confirmed it, and when."""

    rows: tuple[EvidenceRow, ...]
    title: str = EVIDENCE_TITLE


class EvidenceRow(NamedTuple):
    """One answer's evidence; ``who`` empty when nobody was named. ``note``: the rep's
    note on their answer to the question ('' when none), ``private`` when the rep marked
    it so; ``note_on``: the rep's answer it was written on, when the answer shown is the
    customer's own. ``key`` (where the answer is stored), ``status``, ``at`` and
    ``confirmed_at`` are for the JSON report, which renders these rows too."""

    question: str
    answer: str
    who: str
    confirmed: bool
    key: str
    status: str
    at: datetime | None = None
    confirmed_at: datetime | None = None
    note: str = ""
    private: bool = False
    note_on: str = ""
    gap: bool = False  # unknown or unclear: a gap, neither confirmed nor assumed

    @property
    def standing(self) -> str:
        """'confirmed', 'assumed', or for an unknown or unclear answer 'a gap'."""
        return "a gap" if self.gap else "confirmed" if self.confirmed else "assumed"

    @property
    def when(self) -> str:
        """The day the answer was confirmed, else given; '-' when not known."""
        day = self.confirmed_at or self.at
        return f"{day:%Y-%m-%d}" if day else "-"

    @property
    def note_title(self) -> str:
        """'Private note', 'Note', or 'Private note on our answer "Yes"'."""
        title = "Private note" if self.private else "Note"
        return f'{title} on our answer "{self.note_on}"' if self.note_on else title


class ReportView(NamedTuple):
    """The report's sections in order: the brief (header, verdict, figures, brief), then
    the full report. Before any interview only the header and verdict exist (the rest is
    None). No gap appears twice: the full part leaves out the brief's reasons and says
    which of its questions follow a gap up."""

    header: Header
    verdict: Verdict
    figures: Figures | None = None
    brief: Brief | None = None
    unconfirmed: Unconfirmed | None = None
    alignment: AlignmentView | None = None
    causes: Causes | None = None
    gaps: Gaps | None = None
    scorecards: Scorecards | None = None
    evidence: Evidence | None = None
    changes: Changes | None = None

    @property
    def full(self) -> tuple[object | None, ...]:
        """The sections after the brief, in order."""
        return (self.unconfirmed, self.alignment, self.causes, self.gaps, self.scorecards,
                self.evidence, self.changes)


def report_view(report: Report) -> ReportView:
    """The sections ``report`` shows, in order."""
    a = report.assessment
    header = Header(report.deal.name, report.deal.id, _facts(report))
    verdict = Verdict(report.verdict, a.at_risk,
                      missing_frameworks_sentence(report.missing_frameworks)
                      if report.missing_frameworks else None, a.verdict,
                      why_they_differ(a, report.deal.open_stage))
    if not report.interviews:
        return ReportView(header, verdict)
    brief = _brief(report)
    asked = {key: n for n, key in enumerate(brief.asked, 1)}
    questions = {q.answer_key: q for f in report.frameworks for q in f.questions()}
    rest = []
    for c in a.causes[BRIEF_ITEMS:]:
        q = questions.get(c.key) if c.key else None
        item = next((i for i in report.ask_next if c.key and i.question.answer_key == c.key),
                    None)
        rest.append(CauseRow(c.points, c.message, c.base, q.why if q else "",
                             item.ask if item and c.key not in asked else (),
                             item.whom if item else "", asked.get(c.key or "")))
    return ReportView(
        header=header, verdict=verdict,
        figures=Figures(a.fit, a.readiness, a.risk, a.at_risk),
        brief=brief,
        unconfirmed=(Unconfirmed(a.readiness is not None, _unconfirmed_elements(report))
                     if a.unconfirmed else None),
        alignment=_alignment(report),
        causes=Causes(tuple(rest), a.risk, in_brief=brief.reasons_total),
        gaps=_gaps(report, asked),
        scorecards=Scorecards(tuple(
            Scorecard(ScoreLine(s.framework.name, s.score, percent(s.score)),
                      s.framework.perspective,
                      tuple(ScoreLine(e.element.name, e.score, percent(e.score))
                            for e in s.elements))
            for s in a.scores)),
        evidence=_evidence(report),
        changes=_changes(report),
    )


def _brief(report: Report) -> Brief:
    a = report.assessment
    top = a.causes[:BRIEF_ITEMS]
    reason_of = {c.key: n for n, c in enumerate(top, 1) if c.key}
    # The questions that follow up the reasons first, in the reasons' order: the brief
    # reads as "why" then "what to do about it".
    picked = sorted(report.ask_next, key=lambda i: reason_of.get(i.question.answer_key,
                                                                 BRIEF_ITEMS + 1))
    asks = []
    for item in picked[:BRIEF_ITEMS]:
        key = item.question.answer_key
        element = next((e.name for e in item.framework.elements
                        if e.id == item.question.element_id), item.question.element_id)
        asks.append(BriefAsk(item.ask[0], item.whom, reason_of.get(key),
                             f"{element}: {item.answer_text}"))
    gaps = {g.question.answer_key: g for g in a.gaps}
    replied = {q.question.answer_key: q for q in report.alignment.questions}
    return Brief(tuple(Reason(c.points, _reason_text(c, gaps, replied),
                              c.kind.startswith("red_flag")) for c in top),
                 round(sum(c.points for c in top), 1), len(a.causes), tuple(asks),
                 _since(report), tuple(i.question.answer_key for i in picked[:BRIEF_ITEMS]))


# The causes that are one question's gap (coaching.risk._gap_causes).
_GAP_CAUSES = ("red_flag_readiness", "red_flag_fit", "unknown", "unclear", "weak", "fit_gap")


def _reason_text(cause: Cause, gaps: dict[str, Gap],
                 replied: dict[str, QuestionAlignment]) -> str:
    """A gap cause as its question and answer (the element alone is too vague to act
    on), any other cause in its few words. Taken from the gap itself, not read back out
    of the cause's sentence: a prompt may hold brackets of its own ("(1-5)?")."""
    gap = gaps.get(cause.key or "") if cause.kind in _GAP_CAUSES else None
    if gap is None:
        return cause.brief
    answer = gap.answer_text if gap.kind == "weak" or gap.answer is None else gap.kind
    # An answer from their own replies says whose it is: the rep must not take it for
    # their own reading, nor one person's view for the organisation's.
    theirs = replied.get(gap.question.answer_key)
    return f"{gap.question.prompt} {answer}" + (f", said {theirs.whose()}" if theirs
                                                  else "")


def _since(report: Report) -> str:
    """What the deal's latest event changed, in one line: who replied or what the rep
    changed, and how the risk moved."""
    event = report.last_event
    if event is None or event.previous is None or event.before is None:
        return "First interview: nothing to compare yet." if not report.replies else (
            "First answers: nothing to compare yet.")
    parts = []
    if event.kind == "replies":
        head = f"{_names(event.respondents)} replied"
    else:
        words = {"not_reasked": "not re-asked"}
        counts = [f"{sum(c.direction == d for c in report.answer_changes)} {words.get(d, d)}"
                  for d in ("worse", "better", "changed", "not_reasked", "new")
                  if any(c.direction == d for c in report.answer_changes)]
        head = ("your answers: " + ", ".join(counts)) if counts else "your answers unchanged"
    parts.append(head)
    # A field that changed several times: from where it was to where it is.
    fields: dict[str, list[object]] = {}
    for c in report.deal_changes:
        fields.setdefault(c.field, [c.old, c.new])[1] = c.new
    parts += [f"{field.replace('_', ' ')} {plain_value(old) or '-'} → {plain_value(new) or '-'}"
              for field, (old, new) in fields.items()]
    before, after = event.before.risk, report.assessment.risk
    parts.append(f"risk {before} → {after}" if before != after else f"risk still {after}")
    return f"Since {event.previous:%Y-%m-%d}: " + "; ".join(parts) + "."


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _evidence(report: Report) -> Evidence:
    rows, seen = [], set()
    ours = report.rep_answers
    for framework in report.frameworks:
        for q in framework.questions():
            answer = report.answers.get(q.answer_key)
            if answer is None or q.answer_key in seen:
                continue
            seen.add(q.answer_key)
            # The rep's note, even where the customer's own answer is the one that counts
            # (their comments are in the alignment section): it says which answer it is on.
            rep = ours.get(q.answer_key)
            noted = rep if rep is not None and rep.note else None
            rows.append(EvidenceRow(
                q.prompt, describe_value(q, answer),
                answer.evidence.source if answer.evidence else "",
                bool(answer.evidence and answer.evidence.verified),
                q.answer_key, answer.status, answer.at, answer.confirmed,
                noted.note if noted else "", bool(noted and noted.private),
                describe_value(q, noted) if noted is not None and noted is not answer else "",
                answer.status != "answered"))
    return Evidence(tuple(rows))


def missing_frameworks_sentence(missing: tuple[str, ...]) -> str:
    """Why the figures leave out frameworks the deal was interviewed on, and the fix."""
    names = ", ".join(missing)
    them = "it" if len(missing) == 1 else "them"
    return (f"Scored without {names}: the deal was interviewed on {them}, but {them} "
            f"{'is' if len(missing) == 1 else 'are'} not installed here. Add the team's "
            "framework folder with --frameworks-dir or frameworks_dirs in config.yaml.")


def missing_frameworks_warning(missing: Iterable[str]) -> str:
    """The one warning a listing gives when some deals' answers use frameworks not
    installed here: its figures then differ from a machine that has them."""
    ids = sorted(set(missing))
    names = ", ".join(ids)
    them = "it" if len(ids) == 1 else "them"
    return (f"warning: some deals were interviewed on {names}, not installed here: their "
            f"figures leave {them} out. Add the team's framework folder with "
            "--frameworks-dir or frameworks_dirs in config.yaml.")


def _facts(report: Report) -> tuple[str, ...]:
    deal = report.deal
    facts = [deal.account or "no account", deal.stage,
             format_amount(deal.amount, deal.currency),
             f"close {deal.close_date.isoformat()}" if deal.close_date else "no close date"]
    last = report.last_interview
    if last:
        age = (report.now - last.started).days
        when = "today" if age == 0 else f"{counted(age, 'day')} ago"
        facts.append(f"interviewed {when}"
                     f"{' (interrupted)' if last.status != 'finished' else ''}")
    else:
        facts.append("no interview yet")
    return tuple(facts)


def _unconfirmed_elements(report: Report, most: int = 6) -> str:
    names = {(f.id, e.id): e.name for f in report.frameworks for e in f.elements}
    elements = list(dict.fromkeys(
        names.get((qs.question.framework_id, qs.question.element_id), qs.question.element_id)
        for qs in report.assessment.unconfirmed))
    shown = ", ".join(elements[:most])
    return shown + (f" and {len(elements) - most} more" if len(elements) > most else "")


def _gaps(report: Report, asked: dict[str, int]) -> Gaps:
    """What is still to learn: gaps before their stage, which add no risk yet."""
    items = tuple(
        GapItem(g.question.prompt, g.kind, g.answer_text if g.answer_text != g.kind else None,
                g.question.red_flag, g.question.why, g.question.settle_stage,
                () if g.question.answer_key in asked else
                ((g.question.how_to_ask,) if g.question.how_to_ask else ()),
                whom_to_ask(report.deal, g.framework.perspective, g.answer))
        for g in report.assessment.to_learn)
    return Gaps(items, "Nothing: every question due later is answered.", True)


def _alignment(report: Report) -> AlignmentView | None:
    found = report.alignment
    if not found.questions:
        return None
    items = []
    for q in found.questions:
        state = q.state
        said = tuple(SaidLine(s.who, s.text, s.answer.note,
                              f"{s.answer.at:%Y-%m-%d}" if s.answer.at else "")
                     for s in q.said)
        items.append(AlignmentItem(q.question.prompt, state, said,
                                   q.rep_text if q.rep_differs else None,
                                   q.rep_differs and q.rep_hopes_more))
    # Where they disagree first, then where we believe otherwise, then the rest.
    items.sort(key=lambda i: (i.state != "disagree", i.we_believe is None))
    return AlignmentView(tuple(items), ", ".join(found.respondents))


def _changes(report: Report) -> Changes:
    empty = None
    event = report.last_event
    if not report.answer_changes and not report.deal_changes:
        empty = ("Nothing yet." if event is None or event.previous is None
                 else "Their replies changed no answer the deal is scored on, and no deal "
                 "field changed." if event.kind == "replies"
                 else "No answers or deal fields changed.")
    return Changes(
        answers=tuple(AnswerChangeLine(c.direction, c.question.prompt, c.before, c.after)
                      for c in report.answer_changes),
        deal_fields=tuple(FieldChangeLine(f"{c.at:%Y-%m-%d}", c.field.replace("_", " "),
                                          str(plain_value(c.old) or "-"),
                                          str(plain_value(c.new) or "-"))
                          for c in report.deal_changes),
        empty_text=empty,
        title=CHANGES_TITLE if event is None or event.kind == "interview"
        else REPLIES_CHANGES_TITLE,
    )
