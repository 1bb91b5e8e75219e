"""The coaching report as sections of plain values, which every format renders.

``report_view`` decides what the report says, in which order and in which words; the
text, Markdown and export renderers only decide how it looks. So the formats cannot drift
apart: a section added here appears in all of them (tests/render/test_report_formats.py).
Nothing here scores: every figure comes from the ``Report``'s assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualicoach.coaching.report import ChangeDirection, Report
from qualicoach.coaching.risk import GapKind
from qualicoach.coaching.scoring import percent
from qualicoach.domain.deal import plain_value
from qualicoach.frameworks.model import Perspective
from qualicoach.render.deals import format_amount

GAPS_TITLE = "The customer's own qualification gaps"
CAUSES_TITLE = "Why: each point of risk"
SCORECARDS_TITLE = "Scorecards"
ASK_NEXT_TITLE = "Ask next"
CHANGES_TITLE = "What changed since the previous interview"
ALIGNMENT_TITLE = "Do their people agree? Their own answers"


@dataclass(frozen=True)
class Header:
    """Whose deal: its name and id, and the facts a rep checks first."""

    name: str
    id: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The verdict in one sentence, and why the figures may leave frameworks out."""

    text: str
    at_risk: bool
    missing: str | None
    kind: str = "on_track"  # the verdict's kind (coaching.risk), for its colour


@dataclass(frozen=True)
class Figures:
    """Fit, readiness (0..100, None when not assessed) and no-decision risk."""

    fit: float | None
    readiness: float | None
    risk: int
    at_risk: bool


@dataclass(frozen=True)
class Unconfirmed:
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


@dataclass(frozen=True)
class GapItem:
    """One customer gap; ``answer`` only when it says more than ``kind``."""

    prompt: str
    kind: GapKind
    answer: str | None
    red_flag: bool
    why: str
    learn_by: str | None = None  # the stage by which it must be settled, when not due yet


@dataclass(frozen=True)
class Gaps:
    """The customer's own qualification gaps, or why there are none to show."""

    items: tuple[GapItem, ...]
    empty_text: str
    assessed: bool
    title: str = GAPS_TITLE


@dataclass(frozen=True)
class SaidLine:
    """One stakeholder's own answer: who, what, their comment, and the day they replied."""

    who: str
    answer: str
    comment: str
    day: str


@dataclass(frozen=True)
class AlignmentItem:
    """One question their people answered: whether they agree, who said what, and what we
    believe when it differs from what they said."""

    prompt: str
    state: str  # "disagree", "agree", "one answer" or "in words" (not measured)
    said: tuple[SaidLine, ...]
    we_believe: str | None = None
    we_hope_more: bool = False


@dataclass(frozen=True)
class AlignmentView:
    """The customer's own answers from their self-assessment replies."""

    items: tuple[AlignmentItem, ...]
    respondents: str
    title: str = ALIGNMENT_TITLE


@dataclass(frozen=True)
class CauseRow:
    """Points of risk and their cause."""

    points: float
    message: str
    base: float = 0.0  # the cause's own points, before the causes above took their share


@dataclass(frozen=True)
class Causes:
    """Every point of no-decision risk, and the total (capped at 100)."""

    rows: tuple[CauseRow, ...]
    total: int
    title: str = CAUSES_TITLE
    total_label: str = "total: each cause takes its share of what is left (docs/scoring.md)"


@dataclass(frozen=True)
class ScoreLine:
    """A name with its score (0..1, for bars) and the same as a figure (0..100)."""

    name: str
    score: float | None
    figure: float | None


@dataclass(frozen=True)
class Scorecard:
    """One framework's score and its elements' scores."""

    framework: ScoreLine
    perspective: Perspective
    elements: tuple[ScoreLine, ...]


@dataclass(frozen=True)
class Scorecards:
    """A scorecard per framework."""

    frameworks: tuple[Scorecard, ...]
    title: str = SCORECARDS_TITLE


@dataclass(frozen=True)
class AskItem:
    """What to ask next, and the question and answer it follows up on."""

    lines: tuple[str, ...]
    prompt: str
    now: str


@dataclass(frozen=True)
class AskNext:
    """The questions for the next call, most important first."""

    items: tuple[AskItem, ...]
    title: str = ASK_NEXT_TITLE


@dataclass(frozen=True)
class AnswerChangeLine:
    """An answer that moved (``before`` None when it is new)."""

    direction: ChangeDirection
    prompt: str
    before: str | None
    after: str


@dataclass(frozen=True)
class FieldChangeLine:
    """A deal field that changed: the day, the field's label, old and new ("-" for none)."""

    day: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous interview; ``empty_text`` when nothing did."""

    answers: tuple[AnswerChangeLine, ...]
    deal_fields: tuple[FieldChangeLine, ...]
    empty_text: str | None
    title: str = CHANGES_TITLE


@dataclass(frozen=True)
class ReportView:
    """The report's sections in order. Before any interview only the header and verdict
    exist (the rest is None); ``ask_next`` is None when there is nothing to ask."""

    header: Header
    verdict: Verdict
    figures: Figures | None = None
    unconfirmed: Unconfirmed | None = None
    gaps: Gaps | None = None
    alignment: AlignmentView | None = None
    causes: Causes | None = None
    scorecards: Scorecards | None = None
    ask_next: AskNext | None = None
    changes: Changes | None = None


def report_view(report: Report) -> ReportView:
    """The sections ``report`` shows, in order."""
    a = report.assessment
    header = Header(report.deal.name, report.deal.id, _facts(report))
    verdict = Verdict(report.verdict, a.at_risk,
                      missing_frameworks_sentence(report.missing_frameworks)
                      if report.missing_frameworks else None, a.verdict)
    if not report.interviews:
        return ReportView(header, verdict)
    return ReportView(
        header=header, verdict=verdict,
        figures=Figures(a.fit, a.readiness, a.risk, a.at_risk),
        unconfirmed=(Unconfirmed(a.readiness is not None, _unconfirmed_elements(report))
                     if a.unconfirmed else None),
        gaps=_gaps(report),
        alignment=_alignment(report),
        causes=Causes(tuple(CauseRow(c.points, c.message, c.base) for c in a.causes), a.risk),
        scorecards=Scorecards(tuple(
            Scorecard(ScoreLine(s.framework.name, s.score, percent(s.score)),
                      s.framework.perspective,
                      tuple(ScoreLine(e.element.name, e.score, percent(e.score))
                            for e in s.elements))
            for s in a.scores)),
        ask_next=AskNext(tuple(AskItem(item.ask, item.question.prompt, item.answer_text)
                               for item in report.ask_next)) if report.ask_next else None,
        changes=_changes(report),
    )


def missing_frameworks_sentence(missing: tuple[str, ...]) -> str:
    """Why the figures leave out frameworks the deal was interviewed on, and the fix."""
    names = ", ".join(missing)
    them = "it" if len(missing) == 1 else "them"
    return (f"Scored without {names}: the deal was interviewed on {them}, but {them} "
            f"{'is' if len(missing) == 1 else 'are'} not installed here. Add the team's "
            "framework folder with --frameworks-dir or frameworks_dirs in config.yaml.")


def _facts(report: Report) -> tuple[str, ...]:
    deal = report.deal
    facts = [deal.account or "no account", deal.stage,
             format_amount(deal.amount, deal.currency),
             f"close {deal.close_date.isoformat()}" if deal.close_date else "no close date"]
    last = report.last_interview
    if last:
        age = (report.now - last.started).days
        facts.append(f"last interview {last.started:%Y-%m-%d} ({age} day{'s' if age != 1 else ''}"
                     f" ago{', interrupted' if last.status != 'finished' else ''})")
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


def _gaps(report: Report) -> Gaps:
    a = report.assessment
    items = tuple(
        GapItem(g.question.prompt, g.kind, g.answer_text if g.answer_text != g.kind else None,
                g.question.red_flag, g.question.why,
                None if g.due else g.question.settle_stage)
        for g in a.gaps if g.framework.perspective == "readiness")
    if a.readiness is None:
        empty = "Not assessed: run 'qualicoach interview' with the alignment framework."
    else:
        empty = "None: the customer's organisation looks aligned."
    return Gaps(items, empty, a.readiness is not None)


def _alignment(report: Report) -> AlignmentView | None:
    found = report.alignment
    if not found.questions:
        return None
    items = []
    for q in found.questions:
        state = ("one answer" if len(q.said) == 1 and q.question.type != "text"
                 else "in words" if q.agree is None else "agree" if q.agree else "disagree")
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
    if not report.answer_changes and not report.deal_changes:
        empty = ("Nothing yet." if len(report.interviews) < 2
                 else "No answers or deal fields changed.")
    return Changes(
        answers=tuple(AnswerChangeLine(c.direction, c.question.prompt, c.before, c.after)
                      for c in report.answer_changes),
        deal_fields=tuple(FieldChangeLine(f"{c.at:%Y-%m-%d}", c.field.replace("_", " "),
                                          str(plain_value(c.old) or "-"),
                                          str(plain_value(c.new) or "-"))
                          for c in report.deal_changes),
        empty_text=empty,
    )
