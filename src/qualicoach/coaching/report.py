"""The coaching report of one deal: gathered here, rendered by ``qualicoach.render.report``.

Data flows one way: store (deal, interviews) -> frameworks -> ``risk.assess`` -> ``Report``
-> a renderer (text, Markdown, JSON, HTML, SVG) or the customer-facing summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, NamedTuple

from qualicoach.coaching.alignment import (
    Alignment,
    QuestionAlignment,
    deal_answers,
    is_reply,
    rep_answers,
    who_is,
)
from qualicoach.coaching.risk import (
    Assessment,
    Gap,
    assess,
    closed_headline,
    learn_next,
    said,
)
from qualicoach.coaching.scoring import answer_score
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.domain.deal import Change, Deal
from qualicoach.domain.interview import Interview
from qualicoach.frameworks.catalog import Catalog
from qualicoach.frameworks.model import Framework, Question
from qualicoach.storage.store import Store

ASK_NEXT_LIMIT = 8


# How an answer moved since the previous interview ("new": given for the first time;
# "not_reasked": an answer recorded again as unknown or unclear, which says the question
# was not asked again, not that the customer went backwards).
ChangeDirection = Literal["better", "worse", "changed", "new", "not_reasked"]


class AskNext(NamedTuple):
    """A question for the next call, the answer it follows up on, and whom to ask."""

    framework: Framework
    question: Question
    ask: tuple[str, ...]
    answer_text: str
    whom: str = "your contact"


# Whom to ask, by perspective: the customer's own alignment is best heard from the people
# who decide; a seller-side fact first from the champion, who helps us find it.
_ROLE_ORDER = {
    "readiness": ("economic_buyer", "decision_maker", "champion", "influencer", "user",
                  "unknown"),
    "fit": ("champion", "economic_buyer", "decision_maker", "influencer", "user", "unknown"),
}


class LastEvent(NamedTuple):
    """The deal's latest event, and the deal just before it: the rep's interview, or the
    replies of the customer's people since the rep's last interview ("Dana Ruiz and Sam
    Okafor replied"). Sessions stopped before any answer are no event."""

    kind: Literal["interview", "replies"]
    respondents: tuple[str, ...]  # who replied, with their title: "Dana Ruiz (VP Finance)"
    previous: datetime | None  # when the event before it started (None: the first one)
    before: Assessment | None  # the deal's assessment before it (None: the first one)


class AnswerChange(NamedTuple):
    """An answer that changed since the previous interview, or was given for the first time
    (``before`` None, direction "new")."""

    question: Question
    before: str | None
    after: str
    direction: ChangeDirection


@dataclass(frozen=True)
class Report:
    """Everything the report shows for one deal."""

    deal: Deal
    frameworks: tuple[Framework, ...]
    interviews: tuple[Interview, ...]
    answers: dict[str, Answer]
    assessment: Assessment
    ask_next: tuple[AskNext, ...]
    answer_changes: tuple[AnswerChange, ...]
    deal_changes: tuple[Change, ...]
    now: datetime
    missing_frameworks: tuple[str, ...] = ()
    alignment: Alignment = Alignment()
    last_event: LastEvent | None = None

    @property
    def last_interview(self) -> Interview | None:
        """The rep's most recent interview, if any (customer replies are not interviews)."""
        return next((i for i in reversed(self.interviews) if not is_reply(i)), None)

    @property
    def replies(self) -> tuple[Interview, ...]:
        """The customer's self-assessment replies, oldest first."""
        return tuple(i for i in self.interviews if is_reply(i))

    @property
    def rep_answers(self) -> dict[str, Answer]:
        """The rep's own latest answer to each question, with its note (``answers`` has
        the customer's own answer where they replied; this never does)."""
        return rep_answers(self.interviews)

    @property
    def verdict(self) -> str:
        """The verdict in one sentence, with its main reason."""
        return self.assessment.headline


def frameworks_of(interviews: list[Interview], catalog: Catalog
                  ) -> tuple[list[Framework], list[str]]:
    """The frameworks a deal was interviewed on, as the catalog has them now, and the ids
    the catalog no longer has."""
    ids = list(dict.fromkeys(fw for i in interviews for fw in i.frameworks))
    found = [catalog.entries[i].framework for i in ids if i in catalog.entries]
    return found, [i for i in ids if i not in catalog.entries]


def build_report(store: Store, catalog: Catalog, deal_ref: str, settings: Settings,
                 now: datetime | None = None) -> Report:
    """Gather the report of the deal ``deal_ref`` names."""
    deal = store.deal(deal_ref)
    interviews = store.interviews(deal.id)
    return report_from(deal, interviews, catalog, settings, now or store.clock())


def report_from(deal: Deal, interviews: list[Interview], catalog: Catalog, settings: Settings,
                now: datetime) -> Report:
    """The report of a deal from its interviews (pure)."""
    frameworks, missing = frameworks_of(interviews, catalog)
    answers, _, alignment, assessment = assess_interviews(deal, interviews, frameworks,
                                                          now, settings)
    before, last = split_last_event(interviews)
    previous = before[-1].started if before else None
    event = None
    changes: tuple[AnswerChange, ...] = ()
    if last:
        replies = is_reply(last[-1])
        event = LastEvent(
            "replies" if replies else "interview",
            tuple(dict.fromkeys(who_is(deal, i.respondent) for i in last)) if replies else (),
            previous,
            assess_interviews(deal, before, frameworks, now, settings)[3] if before else None)
        if before and replies:
            # Their answers as the deal counts them, before and after they replied.
            earlier, _ = deal_answers(deal, before, frameworks, settings.disagree_from)
            touched = {key for i in last for key in i.answers}
            changes = _answer_changes(frameworks, {k: v for k, v in answers.items()
                                                   if k in touched}, earlier)
        elif before:
            # The rep's own answers: where their people replied, ``answers`` holds theirs,
            # and what the rep changed would not show.
            changes = _answer_changes(frameworks, rep_answers(interviews), rep_answers(before))
    return Report(deal, tuple(frameworks), tuple(interviews), answers, assessment,
                  _ask_next(assessment, deal, alignment), changes,
                  _deal_changes(deal, previous), now, tuple(missing), alignment, event)


def split_last_event(interviews: Sequence[Interview]
                     ) -> tuple[list[Interview], list[Interview]]:
    """The deal's events before its latest, and its latest: the rep's last interview, or
    the replies that came after it. Oldest first; sessions with no answer are left out
    (a session stopped before its first answer changed nothing)."""
    events = sorted((i for i in interviews if i.answers), key=lambda i: i.started)
    if not events:
        return [], []
    start = len(events) - 1
    if is_reply(events[-1]):
        # Replies in a row are one event, until someone in it replies again (a later
        # reply of theirs is news of its own: how their view moved).
        who = {events[-1].respondent.casefold()}
        while (start > 0 and is_reply(events[start - 1])
               and events[start - 1].respondent.casefold() not in who):
            start -= 1
            who.add(events[start].respondent.casefold())
    return events[:start], events[start:]


def assess_interviews(deal: Deal, interviews: list[Interview], frameworks: list[Framework],
                      now: datetime, settings: Settings
                      ) -> tuple[dict[str, Answer], dict[str, Answer], Alignment, Assessment]:
    """The answers a deal is scored on (the rep's, with the customer's own where they
    replied), the same before the last interview or reply, the alignment, and the
    assessment: one computation for the report, the pipeline and the look back.

    A closed deal is assessed as it stood when it closed (its last open stage, its
    history and interviews up to the close, the clock at the close), so its last risk is
    the same in the report, the listing and the look back; its verdict is "closed".
    """
    if deal.is_closed:
        at = deal.closed_at or deal.updated
        stood = replace(deal, stage=deal.open_stage,
                        history=tuple(c for c in deal.history if c.at < at))
        answers, earlier, alignment, assessment = assess_interviews(
            stood, [i for i in interviews if i.started <= at], frameworks, at, settings)
        return answers, earlier, alignment, replace(
            assessment, verdict="closed", headline=closed_headline(deal))
    answers, alignment = deal_answers(deal, interviews, frameworks, settings.disagree_from)
    earlier, before = deal_answers(deal, interviews[:-1], frameworks, settings.disagree_from)
    # A stakeholder replying for the first time adds a voice; it is not an answer getting
    # worse (their disagreement is its own cause). So what moved is compared only where
    # the same people had answered before.
    voices = {q.question.answer_key: {s.respondent.casefold() for s in q.said}
              for q in before.questions}
    for q in alignment.questions:
        key = q.question.answer_key
        if key in voices and voices[key] != {s.respondent.casefold() for s in q.said}:
            earlier[key] = answers[key]
    assessment = assess(deal, frameworks, answers, earlier, now, settings,
                        interviewed=bool(interviews), alignment=alignment)
    return answers, earlier, alignment, assessment


def merged_answers(interviews: list[Interview]) -> dict[str, Answer]:
    """The rep's latest answer to each question over ``interviews`` (oldest first);
    customer replies are left out (``alignment.deal_answers`` adds them for scoring)."""
    return rep_answers(interviews)


def _ask_next(assessment: Assessment, deal: Deal, alignment: Alignment | None = None
              ) -> tuple[AskNext, ...]:
    # Where their own people disagree, the rep leads them to one answer (Brock: help them
    # align everyone on a common view); then gaps that count now (red flags first, then
    # the customer's own, already first in gaps), then what is still to learn, the soonest
    # to settle first.
    if assessment.verdict == "closed":
        return ()  # nothing left to ask: the look back says what was missing
    if assessment.verdict == "poor_fit":
        return _confirm_before_walking_away(assessment, deal)
    disagreements = alignment.disagreements if alignment else ()
    # The ask names the people itself: no one else to name as whom to ask.
    picked = [AskNext(q.framework, q.question, _bring_together(q),
                      "their answers differ", "")
              for q in disagreements][:ASK_NEXT_LIMIT]
    due = sorted((g for g in assessment.gaps if g.due), key=lambda g: not g.question.red_flag)
    asked = {p.question.answer_key for p in picked}
    gaps = [g for g in (*due, *learn_next(assessment, deal))
            if g.question.answer_key not in asked]
    for gap in gaps[:ASK_NEXT_LIMIT - len(picked)]:
        q = gap.question
        ask = q.follow_ups if gap.kind == "weak" and q.follow_ups else (
            (q.how_to_ask,) if q.how_to_ask else (q.prompt,))
        picked.append(AskNext(gap.framework, q, tuple(ask), gap.answer_text,
                              whom_to_ask(deal, gap.framework.perspective, gap.answer)))
    return tuple(picked)


def _confirm_before_walking_away(assessment: Assessment, deal: Deal) -> tuple[AskNext, ...]:
    """A poor fit's asks: confirm what disqualifies it (its disqualifying answers, then its
    weakest fit answers), not the customer's readiness: walking away from a deal on a
    misheard answer costs as much as chasing one that never fits."""
    picked: list[AskNext] = []
    for qs in assessment.disqualifiers:
        q = qs.question
        picked.append(AskNext(
            next(s.framework for s in assessment.scores if q in s.framework.questions()), q,
            (f"Confirm before walking away: {q.prompt}", *q.follow_ups[:1]),
            said(qs),
            whom_to_ask(deal, "fit", qs.answer)))
    seen = {p.question.answer_key for p in picked}
    weak: list[Gap] = sorted((g for g in assessment.gaps if g.framework.perspective == "fit"
                              and g.kind == "weak" and g.question.answer_key not in seen),
                             key=lambda g: not g.question.red_flag)
    for gap in weak[:ASK_NEXT_LIMIT - len(picked)]:
        q = gap.question
        picked.append(AskNext(gap.framework, q, tuple(q.follow_ups or (q.how_to_ask or q.prompt,)),
                              gap.answer_text, whom_to_ask(deal, "fit", gap.answer)))
    return tuple(picked[:ASK_NEXT_LIMIT])


def _joined(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _bring_together(q: QuestionAlignment) -> tuple[str, ...]:
    """'Bring Ann Lee (CFO) and Bob Ray (user) together on "Where does this rank...?":
    Ann "Their top priority", Bob "Not ranked".' One line per question, naming it (an
    element's name is too broad: most have several questions) and each answer."""
    joined = _joined([s.who for s in q.said])
    firsts = [s.respondent.split()[0] if s.respondent.split() else s.respondent
              for s in q.said]
    names = firsts if len({n.casefold() for n in firsts}) == len(firsts) else [
        s.respondent for s in q.said]
    quoted = ", ".join(f'{name} "{s.text}"' for name, s in zip(names, q.said, strict=True))
    return (f'Bring {joined} together on "{q.question.prompt}": {quoted}.',
            "Ask each of them why they see it that way, and agree one answer they all "
            "stand behind.")


def whom_to_ask(deal: Deal, perspective: str, answer: Answer | None) -> str:
    """The stakeholder to put a question to (docs/scoring.md, "Whom to ask").

    A weak, unclear or assumed answer wants a second voice: someone other than the person
    who gave it, when the deal names anyone else. Among the rest, the customer's alignment
    goes to the people who decide, a seller-side fact to the champion first.
    """
    said_by = answer.evidence.source if answer is not None and answer.evidence else ""
    contacts = [c for c in deal.contacts if c.role != "blocker"]
    others = [c for c in contacts if not (said_by and said_by.startswith(c.name))]
    pool = others or contacts
    if not pool:
        return f"{said_by}, and who else is involved" if said_by else "your contact"
    order = _ROLE_ORDER.get(perspective, _ROLE_ORDER["fit"])
    best = min(pool, key=lambda c: order.index(c.role) if c.role in order else len(order))
    role = best.role.replace("_", " ")
    # The role says why this person; the title only when the role is not known.
    about = role if role != "unknown" else best.title
    return f"{best.name} ({about})" if about else best.name


def _answer_changes(frameworks: list[Framework], answers: dict[str, Answer],
                    earlier: dict[str, Answer]) -> tuple[AnswerChange, ...]:
    # What a rep learnt for the first time is news too: answers that changed come first.
    changes, first_answers, seen = [], [], set()
    for framework in frameworks:
        for q in framework.questions():
            key = q.answer_key
            before, after = earlier.get(key), answers.get(key)
            if key in seen or after is None:
                continue
            seen.add(key)
            if before is None:
                first_answers.append(AnswerChange(q, None, describe_value(q, after), "new"))
                continue
            if after.same_value(before):
                continue
            old, new = answer_score(q, before), answer_score(q, after)
            direction: ChangeDirection = (
                "not_reasked" if after.status != "answered" and before.status == "answered"
                else "better" if new > old else "worse" if new < old else "changed")
            changes.append(AnswerChange(q, describe_value(q, before), describe_value(q, after),
                                        direction))
    return tuple(changes + first_answers)


def _deal_changes(deal: Deal, previous: datetime | None) -> tuple[Change, ...]:
    """Field changes since the previous event began (all of them before a second one)."""
    if previous is None:
        return deal.history
    return tuple(c for c in deal.history if c.at >= previous)
