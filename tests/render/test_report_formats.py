"""The coaching report in every format: its text (snapshot), JSON keys, escaping, and
the customer summary."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import datetime, timezone

from qualicoach.coaching.report import Report, report_from
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.render.report.customer import customer_markdown
from qualicoach.render.report.data import report_data
from qualicoach.render.report.export import report_export
from qualicoach.render.report.markdown import report_markdown
from qualicoach.render.report.sections import report_view
from qualicoach.render.widgets import md

from ..helpers.home import DATA
from ..helpers.reports import CATALOG, NOW, answer, at, render_text, sample_report

SNAPSHOT = DATA / "snapshots" / "report.txt"
HOSTILE = "[bold red]Evil[/] <script>alert(1)</script> \x1b[31mred\x1b[0m"


def test_text_report_matches_the_snapshot() -> None:
    text = render_text(sample_report())
    # Rewritten only on request: a missing snapshot is a failure, not a new baseline.
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text)
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing; UPDATE_SNAPSHOTS=1 writes it"
    assert text == SNAPSHOT.read_text()


def test_the_report_leads_with_the_verdict_and_the_reasons() -> None:
    text = render_text(sample_report())
    assert text.index("At risk of no decision") < text.index("Why") < text.index("Ask next")
    assert text.index("Ask next") < text.index("The rest of the risk")
    assert "Do they know what doing nothing costs them? unknown" in text
    assert "Unconfirmed:" in text


def test_json_has_stable_keys() -> None:
    data = report_data(sample_report())
    # Scripts read these keys: a new one goes at the end, and none is renamed or dropped.
    assert list(data) == [
        "format", "generated", "deal", "last_interview", "verdict", "verdict_kind", "fit",
        "readiness", "risk", "at_risk", "quadrant", "customer_gaps", "fit_gaps",
        "risk_causes", "to_learn", "unconfirmed_fit_answers", "frameworks", "ask_next",
        "changes", "missing_frameworks", "alignment", "answers"]
    assert data["last_interview"] == {"id": "acme-renewal#2", "started": at(2).isoformat(),
                                      "status": "finished", "age_days": 2}
    assert data["at_risk"] is True and data["quadrant"] == "high_fit_low_readiness"
    assert set(data["customer_gaps"][0]) == {"question", "framework", "element", "prompt",
                                             "kind", "answer", "red_flag", "why",
                                             "settle_by", "due"}
    # Every point is traced: the causes' shares add up to the risk (half up).
    assert int(sum(c["points"] for c in data["risk_causes"]) + 0.5) == data["risk"] == 79
    assert data["verdict_kind"] == "at_risk"
    assert data["changes"]["answers"][0] == {
        "question": "alignment.org_acknowledges_need",
        "prompt": "Who in their organisation agrees that they must change?",
        "before": "Our contact and some leaders", "after": "Only our contact",
        "direction": "worse"}
    assert data["changes"]["deal"][0]["field"] == "close_date"
    assert data["ask_next"][0]["whom"] == "Ann Lee (champion)"
    json.dumps(data)  # serialisable as it is


def test_json_shows_the_evidence_of_every_answer() -> None:
    data = report_data(sample_report())
    budget = next(a for a in data["answers"] if a["question"] == "bant.budget_status")
    assert budget == {"question": "bant.budget_status",
                      "prompt": "Is money set aside for this, and how firm is it?",
                      "status": "answered", "answer": "Approved for this purpose",
                      "source": "Ann Lee (COO)", "confirmed": True,
                      "at": at(2).isoformat(), "confirmed_at": at(2).isoformat(),
                      "note": None, "private": False}
    assert len({a["question"] for a in data["answers"]}) == len(data["answers"]) == 15


def test_the_full_report_shows_who_said_each_answer() -> None:
    text = render_text(sample_report(), width=2000)
    assert "Evidence: who said each answer" in text
    lines = [line.strip() for line in text.splitlines()]
    asked = lines.index("• Is money set aside for this, and how firm is it?")
    assert lines[asked + 1] == ("Approved for this purpose · Ann Lee (COO) · confirmed · "
                                "2026-11-21")


def test_the_full_report_shows_the_reps_notes_under_their_answers() -> None:
    report = sample_report(note="CFO leaves in March; do not say so to Ann")
    text = render_text(report, width=2000)
    lines = [line.strip() for line in text.splitlines()]
    asked = lines.index("• Who in their organisation agrees that they must change?")
    assert lines[asked + 1].startswith("Only our contact · Ann Lee (COO) · confirmed")
    assert lines[asked + 2] == "Private note: CFO leaves in March; do not say so to Ann"
    kpis = lines.index("• Have they defined, in their own terms, how they will measure "
                       "success?")
    assert lines[kpis + 2] == "Note: They will share KPIs"  # not private: no mark
    # An answer without a note has none.
    budget = lines.index("• Is money set aside for this, and how firm is it?")
    assert lines[budget + 2].startswith("•")

    markdown = report_markdown(report).splitlines()
    row = next(i for i, line in enumerate(markdown)
               if line.startswith("| Who in their organisation agrees"))
    assert markdown[row + 1] == ("| | ↳ **Private note:** CFO leaves in March; do not say "
                                 "so to Ann | | | |")
    row = next(i for i, line in enumerate(markdown)
               if line.startswith("| Have they defined, in their own terms, how they will measure"))
    assert markdown[row + 1] == "| | ↳ **Note:** They will share KPIs | | | |"

    page = report_export(report, "html")
    assert ('<div class="note private">Private note: CFO leaves in March; do not say so to '
            "Ann</div>") in page
    assert '<div class="note">Note: They will share KPIs</div>' in page
    # Never in what goes to the customer.
    assert "CFO leaves" not in customer_markdown(report)


def test_a_reps_note_says_which_answer_it_is_on_where_the_customers_own_answer_counts(
        ) -> None:
    rep = Interview("d#1", "d", {"alignment": "1.0"}, at(5), "finished", at(5),
                    {"alignment.priority_rank": answer("top", note="Ann said so, CFO did not",
                                                       private=True)})
    reply = Interview("d#2", "d", {"alignment": "1.0"}, at(2), "finished", at(2),
                      {"alignment.priority_rank": answer("nice_to_have", source="Bo Chen",
                                                         note="Busy with the ERP")},
                      respondent="Bo Chen")
    report = report_from(Deal(id="d", name="D", created=at(60), updated=at(1)), [rep, reply],
                         CATALOG, Settings(), NOW)
    view = report_view(report)
    assert view.evidence is not None
    row = next(r for r in view.evidence.rows if r.question.startswith("Where does this rank"))
    assert (row.answer, row.who) == ("Below their main initiatives", "Bo Chen")
    assert (row.note, row.note_title) == (
        "Ann said so, CFO did not", 'Private note on our answer "Their top priority in this '
        'area"')
    data = report_data(report)
    ranked = next(a for a in data["answers"] if a["question"] == "alignment.priority_rank")
    assert (ranked["note"], ranked["private"]) == ("Ann said so, CFO did not", True)


def test_json_answers_carry_the_reps_note_and_whether_it_is_private() -> None:
    data = report_data(sample_report(note="CFO leaves in March"))
    by_key = {a["question"]: a for a in data["answers"]}
    assert (by_key["alignment.org_acknowledges_need"]["note"],
            by_key["alignment.org_acknowledges_need"]["private"]) == ("CFO leaves in March",
                                                                       True)
    assert (by_key["meddic.metrics_defined"]["note"],
            by_key["meddic.metrics_defined"]["private"]) == ("They will share KPIs", False)
    assert (by_key["bant.budget_status"]["note"],
            by_key["bant.budget_status"]["private"]) == (None, False)


def test_answers_given_for_the_first_time_are_changes() -> None:
    deal = Deal(id="d", name="D", created=at(60), updated=at(1))
    interviews = [
        Interview("d#1", "d", {"bant": "1.0"}, at(40), "finished", at(40),
                  {"bant.budget_status": answer("approved", 40)}),
        Interview("d#2", "d", {"alignment": "1.0"}, at(2), "finished", at(2),
                  {"alignment.org_acknowledges_need": answer("organisation"),
                   "alignment.cost_of_inaction": answer("unknown")}),
    ]
    report = report_from(deal, interviews, CATALOG, Settings(), NOW)
    assert [(c.question.answer_key, c.before, c.after, c.direction)
            for c in report.answer_changes] == [
        ("alignment.org_acknowledges_need", None, "The leaders who would have to act on it", "new"),
        ("alignment.cost_of_inaction", None, "unknown", "new")]
    text = render_text(report)
    assert "No answers or deal fields changed" not in text
    assert ("new Who in their organisation agrees that they must change?: The leaders who "
            "would have to act on it") in text
    assert "new: Who in their organisation" in report_markdown(report)


def test_every_format_renders_the_same_sections() -> None:
    report = sample_report()
    view = report_view(report)
    assert view.brief is not None and view.causes is not None and view.gaps is not None
    assert view.evidence is not None and view.unconfirmed is not None
    expected = [
        view.verdict.short, *view.header.facts, view.unconfirmed.elements,
        *(r.text for r in view.brief.reasons), *(a.ask for a in view.brief.asks),
        *(a.whom for a in view.brief.asks), view.brief.since,
        *(row.message for row in view.causes.rows), *(row.why for row in view.causes.rows),
        *(g.prompt for g in view.gaps.items),
        *(r.question for r in view.evidence.rows), *(r.who for r in view.evidence.rows),
        *(c.question.prompt for c in report.answer_changes),
        *(s.framework.name for s in report.assessment.scores),
    ]
    titles = ["Why", "Ask next", "The rest of the risk, and why it matters",
              "Still to learn (no risk before its stage)", "Scorecards",
              "Evidence: who said each answer", "What changed since the previous interview"]
    # Wide enough that no line wraps, so each text appears whole.
    text = render_text(report, width=2000)
    markdown = report_markdown(report)
    page = html.unescape(re.sub(r"<[^>]*>", "", report_export(report, "html")))
    for item in [*expected, *titles]:
        assert item in text, item
        assert item in page, item
        assert md(item) in markdown or item in titles and f"## {item}" in markdown, item
    data = json.dumps(report_data(report), ensure_ascii=False)
    for item in [report.verdict, *(c.message for c in report.assessment.causes),
                 *(r.who for r in view.evidence.rows)]:
        assert json.dumps(item, ensure_ascii=False)[1:-1] in data, item


def hostile_report() -> Report:
    return sample_report(name=HOSTILE, note=HOSTILE, source=HOSTILE)


def test_hostile_text_is_literal_in_the_text_report() -> None:
    text = render_text(hostile_report())
    assert "[bold red]Evil[/]" in text
    assert "\x1b" not in text and "\\x1b[31mred" in text


def test_hostile_text_is_escaped_in_html() -> None:
    html = report_export(hostile_report(), "html")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "\x1b" not in html


def test_hostile_text_is_escaped_in_svg() -> None:
    svg = report_export(hostile_report(), "svg")
    assert "<script>" not in svg and "\x1b" not in svg


def test_hostile_text_is_escaped_in_markdown() -> None:
    markdown = report_markdown(hostile_report())
    assert "<script>" not in markdown and "\x1b" not in markdown
    assert "\\[bold red\\]Evil\\[/\\]" in markdown


def test_hostile_text_is_escaped_in_json() -> None:
    text = json.dumps(report_data(hostile_report()))
    assert "\x1b" not in text  # JSON escapes it as \\u001b
    assert json.loads(text)["deal"]["name"] == HOSTILE


def test_customer_summary_has_no_scores_verdicts_or_private_notes() -> None:
    summary = customer_markdown(sample_report(note="SECRET-NOTE"), most=100)
    assert "SECRET-NOTE" not in summary
    for internal in ("risk", "Risk", "Fit", "readiness", "red flag", "verdict", "/100",
                     "At risk", "no decision", "champion", "Ann Lee"):
        assert internal not in summary, internal
    assert "They will share KPIs" not in summary  # on a weak answer: an open question
    assert "How will you measure success, and by when?" in summary  # asked, in their words


def test_customer_summary_is_addressed_to_the_customer() -> None:
    summary = customer_markdown(sample_report())
    assert summary.count("you") >= 10
    # Never about them in the third person, in our words.
    for ours in (" their organisation", "They have", " they ", "Do they", "our contact",
                 "Our contact"):
        assert ours not in summary, ours
    assert "- How does this initiative rank among your team's priorities this year?" not in (
        summary)  # answered: under what we understood, not a question
    assert "**How does this initiative rank among your team's priorities this year?**" in (
        summary)
    assert "As we understood it: Among your top initiatives." in summary


def test_customer_summary_never_gives_our_close_date_as_their_decision_date() -> None:
    summary = customer_markdown(sample_report(), most=100)  # our close date: 2027-02-28
    assert "28 February 2027" not in summary and "2027-02-28" not in summary
    assert "decide by" not in summary
    # Their own date, which they told us, is read back.
    assert "**By when do you need it working?**  \n  1 March 2027" in summary


def test_customer_summary_asks_again_what_we_hold_only_in_our_words() -> None:
    summary = customer_markdown(sample_report(), most=100)
    for ours in ("We understood this is in place", "is partly in place", "on a scale of",
                 "Specific, with examples", "Covers it"):
        assert ours not in summary, ours
    confirm = summary.split("## In your own words\n", 1)[1].split("\n## ", 1)[0]
    for asked in ("- Who on your side will approve this decision?",  # yes_no
                  "- Have you named the people who would work on this, and set aside time "
                  "for the work?",  # yes_no
                  "- What problem do you want to solve, in your own words?",  # rep's label
                  "- How much does solving it matter to you and to the people affected?",  # 1-5
                  "- Is there a date or an event by which you must decide?"):
        assert asked in confirm, asked
    # A choice the framework words for the customer is still read back, in those words.
    assert "As we understood it: Among your top initiatives." in summary
    assert "As we understood it: Approved for this purpose." in summary
    assert "As we understood it: It covers the scope." in summary


def test_customer_summary_never_sends_a_past_date() -> None:
    report = sample_report()
    later = Report(report.deal, report.frameworks, report.interviews,
                   {**report.answers, "bant.target_date": answer("2026-11-01")},
                   report.assessment, report.ask_next, report.answer_changes,
                   report.deal_changes, datetime(2027, 3, 10, tzinfo=timezone.utc))
    summary = customer_markdown(later, most=100)
    assert "2027-02-28" not in summary and "February 2027" not in summary  # close passed
    assert "2026-11-01" not in summary  # their own target date, passed
    assert "By when do you need it working?" in summary  # asked again instead


def test_customer_summary_is_clean_markdown_for_an_email() -> None:
    summary = customer_markdown(sample_report(name="Deal (1-5) v2.0"))
    assert "\\(" not in summary and "\\-" not in summary and "\\." not in summary
    assert summary.startswith("# ACME Corp: what we have understood so far\n")


# --- the commands ---------------------------------------------------------------------------




def test_customer_summary_asks_at_most_eight_things_red_flags_first() -> None:
    from qualicoach.render.report.customer import customer_summary

    summary = customer_summary(sample_report())
    items = (*summary.differently, *summary.understood, *summary.to_confirm,
             *summary.open_questions)
    assert len(items) == 8 and summary.more
    assert "We have a few more questions for when we next talk." in customer_markdown(
        sample_report())
    # The first open question is a red flag of their readiness; none after it is one
    # while a red flag is left out.
    assert summary.open_questions[0].prompt.startswith("Who in your organisation agrees")
