"""The report as plain data (``--format json``), with stable keys documented in
docs/scoring.md. Its keys follow the sections of ``sections.ReportView``: the deal and last
interview (header), verdict, figures, gaps, causes, unconfirmed answers, scorecards, ask
next (with whom to ask), changes and every answer with its evidence."""

from __future__ import annotations

from typing import Any

from qualicoach.coaching.alignment import QuestionAlignment
from qualicoach.coaching.report import Report
from qualicoach.coaching.risk import Gap
from qualicoach.coaching.scoring import FrameworkScore, percent
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.domain.deal import plain_value
from qualicoach.frameworks.model import Question
from qualicoach.render.deals import deal_data
from qualicoach.render.report.sections import report_view

REPORT_FORMAT_VERSION = 1


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data with stable keys (documented in docs/scoring.md)."""
    a = report.assessment
    last = report.last_interview
    return {
        "format": REPORT_FORMAT_VERSION,
        "generated": report.now.isoformat(),
        "deal": deal_data(report.deal),
        "last_interview": None if last is None else {
            "id": last.id, "started": last.started.isoformat(), "status": last.status,
            "age_days": (report.now - last.started).days,
        },
        "verdict": report.verdict,
        "verdict_kind": a.verdict,
        "fit": a.fit, "readiness": a.readiness, "risk": a.risk, "at_risk": a.at_risk,
        "quadrant": a.quadrant,
        "customer_gaps": [_gap_data(g) for g in a.gaps if g.framework.perspective == "readiness"],
        "fit_gaps": [_gap_data(g) for g in a.gaps if g.framework.perspective == "fit"],
        "risk_causes": [{"kind": c.kind, "points": c.points, "base": c.base,
                         "message": c.message, "question": c.key} for c in a.causes],
        "to_learn": [_gap_data(g) for g in a.to_learn],
        "unconfirmed_fit_answers": [
            {"question": qs.question.answer_key, "prompt": qs.question.prompt,
             "answer": answer_text(qs.question, qs.answer)} for qs in a.unconfirmed],
        "frameworks": [_framework_data(s) for s in a.scores],
        "ask_next": [{"question": n.question.answer_key, "framework": n.framework.id,
                      "prompt": n.question.prompt, "answer": n.answer_text,
                      "ask": list(n.ask), "whom": n.whom} for n in report.ask_next],
        "changes": {
            # The latest event the changes are since: the rep's interview or their replies.
            "event": report.last_event.kind if report.last_event else None,
            "respondents": list(report.last_event.respondents) if report.last_event else [],
            "since": (report.last_event.previous.isoformat()
                      if report.last_event and report.last_event.previous else None),
            "risk_before": (report.last_event.before.risk
                            if report.last_event and report.last_event.before else None),
            "answers": [{"question": c.question.answer_key, "prompt": c.question.prompt,
                         "before": c.before, "after": c.after, "direction": c.direction}
                        for c in report.answer_changes],
            "deal": [{"field": c.field, "old": plain_value(c.old), "new": plain_value(c.new),
                      "at": c.at.isoformat()} for c in report.deal_changes],
        },
        "missing_frameworks": list(report.missing_frameworks),
        "alignment": [_alignment_data(q) for q in report.alignment.questions],
        "answers": _answers_data(report),
    }


def _alignment_data(q: QuestionAlignment) -> dict[str, Any]:
    return {
        "question": q.question.answer_key, "framework": q.framework.id,
        "prompt": q.question.prompt, "state": q.state, "agree": q.agree, "spread": q.spread,
        "said": [{"respondent": s.respondent, "who": s.who, "answer": s.text,
                  "value": s.answer.value, "status": s.answer.status,
                  "comment": s.answer.note,
                  "at": s.answer.at.isoformat() if s.answer.at else None} for s in q.said],
        "customer_answer": describe_value(q.question, q.customer),
        "rep_answer": q.rep_text, "rep_differs": q.rep_differs,
    }


def _answers_data(report: Report) -> list[dict[str, Any]]:
    """Every answer with its evidence (who said it, confirmed or assumed, and when) and
    the rep's note on it, private or not: the rows of the report's evidence section."""
    evidence = report_view(report).evidence
    return [{
        "question": row.key, "prompt": row.question, "status": row.status,
        "answer": row.answer, "source": row.who or None, "confirmed": row.confirmed,
        "at": row.at.isoformat() if row.at else None,
        "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
        "note": row.note or None, "private": row.private,
    } for row in (evidence.rows if evidence is not None else ())]


def answer_text(question: Question, answer: Answer | None) -> str:
    """An answer as the rep gave it, or "not answered"."""
    return describe_value(question, answer) if answer is not None else "not answered"


def _gap_data(gap: Gap) -> dict[str, Any]:
    q = gap.question
    return {"question": q.answer_key, "framework": gap.framework.id, "element": q.element_id,
            "prompt": q.prompt, "kind": gap.kind, "answer": gap.answer_text,
            "red_flag": q.red_flag, "why": q.why, "settle_by": q.settle_stage, "due": gap.due}


def _framework_data(s: FrameworkScore) -> dict[str, Any]:
    return {
        "id": s.framework.id, "name": s.framework.name, "version": s.framework.version,
        "perspective": s.framework.perspective, "score": percent(s.score),
        "elements": [{"id": e.element.id, "name": e.element.name, "score": percent(e.score)}
                     for e in s.elements],
    }
