"""The customer's self-assessment: the forms we send, their replies kept as
their own, and alignment measured from what their people said."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..helpers.home import Home, Run
from ..helpers.survey import (
    PEOPLE,
    database_bytes,
    deal_with_people,
    fill,
    import_reply,
    report_json,
    send,
)

PRIORITY = "alignment.priority_rank"
# The priority question's boxes: A not ranked, B below their main initiatives, C among
# their top initiatives, D their top priority.


@pytest.fixture
def deal(run: Run) -> str:
    return deal_with_people(run, *PEOPLE)


def rep_answers(run: Run, deal_id: str, tmp_path: Path, answers: dict[str, Any]) -> None:
    path = tmp_path / "rep.json"
    path.write_text(json.dumps({"alignment": answers}))
    run("interview", deal_id, "--answers", str(path), ok=True)


def reply(run: Run, deal_id: str, person: str, tmp_path: Path, marks: dict[str, str],
          comments: dict[str, str] | None = None, quote: bool = False) -> None:
    form = send(run, deal_id, person, tmp_path / "forms")
    import_reply(run, deal_id, person, fill(form, marks, comments, quote), tmp_path)


def causes(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in data["risk_causes"] if c["kind"] == kind]


# --- what we send -------------------------------------------------------------------


def test_send_writes_an_html_and_a_text_form_per_stakeholder(run: Run, deal: str,
                                                             tmp_path: Path) -> None:
    result = run("survey", "send", deal, "--to", "Ann Lee", "--to", "bob ray", "-o",
                 str(tmp_path), ok=True)
    for name in ("ann-lee", "bob-ray"):
        assert (tmp_path / f"self-assessment-acme-corp-{name}.html").exists()
        assert (tmp_path / f"self-assessment-acme-corp-{name}.txt").exists()
    assert "Bob Ray: 12 questions" in result.output


def test_a_team_picks_the_questions(run: Run, deal: str, tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path, "-q", PRIORITY, "-q",
                "alignment.sponsor_owns_change")
    assert form.count("--- ") == 3  # two questions and the end line
    assert "--- 1 [alignment.priority_rank] ---" in form


def test_send_refuses_seller_fit_questions_and_unknown_people(run: Run, deal: str,
                                                              tmp_path: Path) -> None:
    fit = run("survey", "send", deal, "--to", "Ann Lee", "-q", "bant.budget_status",
              "-o", str(tmp_path))
    assert fit.exit_code == 3 and "seller-fit question" in fit.stderr
    stranger = run("survey", "send", deal, "--to", "Zed", "-o", str(tmp_path))
    assert stranger.exit_code == 4
    assert stranger.stderr.count("\n") == 1 and "'Zed' is not a stakeholder" in stranger.stderr


def test_a_first_name_finds_the_one_stakeholder_of_that_name(run: Run, deal: str,
                                                               tmp_path: Path) -> None:
    result = run("survey", "send", deal, "--to", "bob", "-o", str(tmp_path), ok=True)
    assert "Bob Ray: 12 questions" in result.output
    assert (tmp_path / "self-assessment-acme-corp-bob-ray.txt").exists()


def test_a_name_two_stakeholders_start_with_is_refused(run: Run, tmp_path: Path) -> None:
    deal = deal_with_people(run, ("Dana Ruiz", "champion", ""), ("Dana Cole", "user", ""))
    result = run("survey", "send", deal, "--to", "Dana", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "'Dana' could be Dana Ruiz or Dana Cole; give the full name" in result.stderr


def test_the_forms_hold_no_scores_notes_or_other_stakeholders_answers(
        run: Run, deal: str, tmp_path: Path) -> None:
    rep_answers(run, deal, tmp_path, {"priority_rank": {
        "value": "top_five", "note": "OUR-SECRET-NOTE", "evidence": "Cy Diaz"}})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"}, {PRIORITY: "BOB-SAYS-NO"})
    run("survey", "send", deal, "--to", "Ann Lee", "-o", str(tmp_path / "out"), ok=True)
    for suffix in (".html", ".txt"):
        form = (tmp_path / "out" / f"self-assessment-acme-corp-ann-lee{suffix}").read_text()
        for secret in ("OUR-SECRET-NOTE", "BOB-SAYS-NO", "Bob Ray", "score", "0.7",
                       "top_five", "red_flag", "acme-renewal", "ACME renewal"):
            assert secret not in form, (suffix, secret)


# --- their replies, kept as theirs --------------------------------------------------


def test_a_reply_is_kept_as_that_persons_confirmed_answers_beside_the_reps(
        run: Run, deal: str, tmp_path: Path) -> None:
    rep_answers(run, deal, tmp_path, {"priority_rank": "top"})
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "B"}, quote=True)
    data = report_json(run, deal)
    (priority,) = data["alignment"]
    assert priority["said"][0]["respondent"] == "Ann Lee"
    assert priority["said"][0]["answer"] == "Below their main initiatives"
    assert priority["rep_answer"] == "Their top priority in this area"  # not overwritten
    # Readiness uses the customer's own answer: the rep's "top" is not a gap, hers is.
    gap = next(g for g in data["customer_gaps"] if g["question"] == PRIORITY)
    assert gap["answer"] == "Below their main initiatives"


def test_importing_the_same_reply_twice_changes_nothing(run: Run, deal: str, home: Home,
                                                        tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path)
    text = fill(form, {PRIORITY: "D"})
    import_reply(run, deal, "Ann Lee", text, tmp_path)
    before = database_bytes(home)
    again = import_reply(run, deal, "Ann Lee", text, tmp_path)
    assert "already imported; nothing changed" in again.output
    assert database_bytes(home) == before


def test_a_later_reply_is_a_new_dated_answer_and_history_shows_it(
        run: Run, deal: str, tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path)
    march = fill(form, {PRIORITY: "D"}).replace("Sent:", "Answered: 2026-03-02T10:00:00Z\nSent:")
    import_reply(run, deal, "Ann Lee", march, tmp_path)
    import_reply(run, deal, "Ann Lee", fill(form, {PRIORITY: "B"}), tmp_path)
    data = report_json(run, deal)
    (said,) = data["alignment"][0]["said"]
    assert said["answer"] == "Below their main initiatives"  # her latest view
    change = next(c for c in data["changes"]["answers"] if c["question"] == PRIORITY)
    assert (change["before"], change["after"], change["direction"]) == (
        "Their top priority in this area", "Below their main initiatives", "worse")
    points = json.loads(run("history", deal, "-f", "json", ok=True).output)
    assert len(points["interviews"]) == 2


# --- alignment measured -------------------------------------------------------------


def test_three_respondents_who_disagree_on_priority_make_a_misalignment_cause(
        run: Run, deal: str, tmp_path: Path) -> None:
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"})
    reply(run, deal, "Cy Diaz", tmp_path, {PRIORITY: "C"})
    data = report_json(run, deal)
    (cause,) = causes(data, "misaligned")
    assert cause["question"] == PRIORITY
    assert cause["message"] == (
        "Their people disagree on Customer alignment: Where does this rank among their "
        "other initiatives? (Ann Lee (CFO): Their top priority in this area; Cy Diaz (IT "
        "lead): Among their top initiatives; Bob Ray (Head of Operations): Not ranked; one "
        "idea among many)")
    # From proposal on, their people disagreeing is at risk by itself: 40, no close date.
    assert cause["base"] == 40.0
    assert data["verdict_kind"] == "at_risk"
    assert data["alignment"][0]["agree"] is False
    # The lower middle of their answers counts for readiness: "among their top", no gap.
    assert PRIORITY not in {g["question"] for g in data["customer_gaps"]}
    text = run("report", deal, "--full", ok=True).output
    assert "Where does this rank among their other initiatives?  disagree" in text


def test_their_people_disagreeing_before_proposal_is_a_warning_not_yet_at_risk(
        run: Run, tmp_path: Path) -> None:
    from .test_judgement import ALIGNMENT

    deal_id = deal_with_people(run, *PEOPLE, stage="qualified")
    # Everything else strong and confirmed, so the disagreement is all there is.
    answers = tmp_path / "rep.json"
    answers.write_text(json.dumps({"alignment": {
        key: {"value": value, "evidence": "Ann Lee", "verified": True}
        for key, value in ALIGNMENT.items()}}))
    run("interview", deal_id, "--answers", str(answers), ok=True)
    for person, box in (("Ann Lee", "D"), ("Cy Diaz", "C"), ("Bob Ray", "A")):
        reply(run, deal_id, person, tmp_path, {PRIORITY: box})
    data = report_json(run, deal_id)
    (cause,) = causes(data, "misaligned")
    assert cause["base"] == 20.0  # points_disagreement_early: a warning
    assert data["verdict_kind"] == "on_track"
    assert "Watch: their people disagree on Customer alignment: Where does this rank" in \
        data["verdict"]
    run("deal", "edit", deal_id, "--stage", "proposal", ok=True)
    data = report_json(run, deal_id)
    assert data["verdict_kind"] == "at_risk"
    (cause,) = causes(data, "misaligned")
    assert cause["base"] == 40.0  # from proposal on: at risk by itself, and the main reason
    assert data["verdict"].startswith("At risk of no decision (")
    assert "): their people disagree on Customer alignment" in data["verdict"]


def test_three_respondents_who_agree_make_no_misalignment_cause(run: Run, deal: str,
                                                                tmp_path: Path) -> None:
    for person, box in (("Ann Lee", "D"), ("Bob Ray", "C"), ("Cy Diaz", "D")):
        reply(run, deal, person, tmp_path, {PRIORITY: box})
    data = report_json(run, deal)
    assert causes(data, "misaligned") == []
    assert data["alignment"][0]["agree"] is True
    assert data["alignment"][0]["spread"] == pytest.approx(0.3)
    # Near, but not the same answer: never called agreement.
    assert data["alignment"][0]["state"] == "close"
    text = run("report", deal, "--full", ok=True).output
    assert "other initiatives?  close" in text and "  agree" not in text


def test_not_sure_beside_an_answer_is_not_agreement(run: Run, deal: str,
                                                    tmp_path: Path) -> None:
    track = "alignment.track_record"
    reply(run, deal, "Ann Lee", tmp_path, {track: "A"})  # mostly abandoned
    reply(run, deal, "Bob Ray", tmp_path, {track: "?"})
    (item,) = report_json(run, deal)["alignment"]
    assert item["state"] == "not sure"
    assert [s["answer"] for s in item["said"]] == ["Mostly abandoned or stalled", "not sure"]


def test_a_difference_between_the_rep_and_the_customer_is_shown(run: Run, deal: str,
                                                                tmp_path: Path) -> None:
    rep_answers(run, deal, tmp_path, {"priority_rank": "top"})
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "B"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "B"})
    item = report_json(run, deal)["alignment"][0]
    assert item["rep_differs"] is True
    text = run("report", deal, "--full", ok=True).output
    assert "We believe: Their top priority in this area  (more than they said)" in text
    markdown = run("report", deal, "-f", "markdown", ok=True).output
    assert "*We believe:* Their top priority in this area (more than they said)" in markdown


def test_ask_next_brings_the_people_who_disagree_together(run: Run, deal: str,
                                                          tmp_path: Path) -> None:
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"})
    first = report_json(run, deal)["ask_next"][0]
    assert first["question"] == PRIORITY
    assert first["ask"][0] == (
        'Bring Ann Lee (CFO) and Bob Ray (Head of Operations) together on "Where does this '
        'rank among their other initiatives?": Ann "Their top priority in this area", Bob '
        '"Not ranked; one idea among many".')
    assert first["whom"] == ""  # the ask names them: named once


def test_one_ask_per_disagreement_each_naming_its_question(run: Run, deal: str,
                                                            tmp_path: Path) -> None:
    marks = {"Ann Lee": {PRIORITY: "D", "alignment.change_capacity": "C",
                         "alignment.track_record": "A"},
             "Bob Ray": {PRIORITY: "A", "alignment.change_capacity": "A",
                         "alignment.track_record": "C"},
             "Cy Diaz": {PRIORITY: "B", "alignment.change_capacity": "A",
                         "alignment.track_record": "C"}}
    for person, boxes in marks.items():
        reply(run, deal, person, tmp_path, boxes)
    text = run("report", deal, ok=True).output
    asks = [a["ask"][0] for a in report_json(run, deal)["ask_next"]
            if a["ask"][0].startswith("Bring")]
    assert len(asks) == len(set(asks)) == 3  # one per question, none alike
    # Each person is named once per line: the names are not repeated as whom to ask.
    for line in text.splitlines():
        assert line.count("Bob Ray") <= 1, line


# --- bad replies --------------------------------------------------------------------


def _other_deals_reply(run: Run, form: str, tmp_path: Path) -> str:
    other = deal_with_people(run, ("Ann Lee", "champion", "CFO"), name="Globex pilot")
    return fill(send(run, other, "Ann Lee", tmp_path / "other"), {PRIORITY: "D"})


BAD_REPLIES = {
    "another deal": (_other_deals_reply,
                     "is a reply for another deal (globex-pilot), not acme-renewal"),
    "cut short": (lambda run, form, tmp: fill(form, {PRIORITY: "D"})[:-40],
                  "is damaged: it stops before '--- end of form ---' (cut short?)"),
    "unknown question": (lambda run, form, tmp: fill(form, {PRIORITY: "D"}).replace(
        "[alignment.sponsor_owns_change]", "[alignment.nope]"),
        "unknown question 'alignment.nope' (not in the installed frameworks)"),
    "not a reply": (lambda run, form, tmp: "Thanks, will look next week!\n",
                    "is not a self-assessment reply (no 'QUALICOACH SELF-ASSESSMENT' line)"),
    "two boxes": (lambda run, form, tmp: fill(fill(form, {PRIORITY: "D"}), {PRIORITY: "A"}),
                  "2 boxes are marked; one is expected"),
    "someone else's": (lambda run, form, tmp: fill(form, {PRIORITY: "D"}).replace(
        "For: Ann Lee", "For: Bob Ray"), "was filled in for 'Bob Ray', not 'Ann Lee'"),
    "nothing marked": (lambda run, form, tmp: form, "answers no question"),
}


@pytest.mark.parametrize("case", sorted(BAD_REPLIES))
def test_a_bad_reply_is_refused_in_one_line_and_nothing_is_stored(
        run: Run, deal: str, home: Home, tmp_path: Path, case: str) -> None:
    form = send(run, deal, "Ann Lee", tmp_path)
    make, expected = BAD_REPLIES[case]
    text = make(run, form, tmp_path)
    before = database_bytes(home)
    result = import_reply(run, deal, "Ann Lee", text, tmp_path, ok=None)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and expected in lines[0], lines
    assert lines[0].endswith("; nothing was imported")
    assert database_bytes(home) == before


def test_a_binary_file_is_refused_as_damaged(run: Run, deal: str, home: Home,
                                             tmp_path: Path) -> None:
    path = tmp_path / "reply.bin"
    path.write_bytes(b"QUALICOACH SELF-ASSESSMENT\n\xff\xfe\x00garbage")
    before = database_bytes(home)
    result = run("survey", "import", deal, str(path), "--from", "Ann Lee")
    assert result.exit_code == 3 and "is damaged: not UTF-8 text" in result.stderr
    assert database_bytes(home) == before


# --- hostile text -------------------------------------------------------------------

HOSTILE = "[bold red]Evil[/] <script>alert(1)</script> \x1b[31mred =HYPERLINK(\"x\")"


def test_hostile_text_in_a_reply_stays_text_everywhere(run: Run, deal: str,
                                                       tmp_path: Path) -> None:
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"}, {PRIORITY: HOSTILE})
    # The alignment section is part of the full report; as wrapped for 100 columns.
    text = " ".join(run("report", deal, "--full", ok=True).output.split())
    assert "[bold red]Evil[/] <script>alert(1)</script> \\x1b[31mred =HYPERLINK" in text
    assert "\x1b" not in text
    markdown = run("report", deal, "-f", "markdown", ok=True).output
    assert "<script>" not in markdown and "\\[bold red\\]Evil" in markdown
    page = run("report", deal, "-f", "html", ok=True).output
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = report_json(run, deal)
    assert data["alignment"][0]["said"][0]["comment"] == HOSTILE


def test_hostile_framework_and_stakeholder_text_stays_text_on_the_form(
        run: Run, home: Home, tmp_path: Path) -> None:
    home.write_framework("evil.yaml", """\
        id: evil
        name: Evil
        version: "1"
        perspective: readiness
        elements:
          - id: e
            name: E
            questions:
              - id: q
                prompt: "</script><script>alert(1)</script> <b>bold</b> & {braces}"
                type: yes_no
        """)
    deal_id = deal_with_people(run, ("<img src=x onerror=alert(1)>", "user", ""))
    run("survey", "send", deal_id, "--to", "<img src=x onerror=alert(1)>", "--framework",
        "evil", "-o", str(tmp_path), ok=True)
    (page,) = tmp_path.glob("*.html")
    html_text = page.read_text()
    assert "</script><script>alert" not in html_text
    assert "<img src=x" not in html_text and "<b>bold</b>" not in html_text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_worked_example_3_of_the_scoring_doc(run: Run, tmp_path: Path) -> None:
    from datetime import date, timedelta

    deal_id = deal_with_people(run, *PEOPLE)
    close = (date.today() + timedelta(days=60)).isoformat()
    run("deal", "edit", deal_id, "--close", close, ok=True)  # urgency x1.5
    rep_answers(run, deal_id, tmp_path, {"priority_rank": "top"})
    for person, box in (("Ann Lee", "D"), ("Cy Diaz", "C"), ("Bob Ray", "A")):
        reply(run, deal_id, person, tmp_path, {PRIORITY: box})
    data = report_json(run, deal_id)
    (cause,) = causes(data, "misaligned")
    assert cause["base"] == 40.0  # 40 x 1.5 = 60, and no single cause is worth over 40
    item = data["alignment"][0]
    assert item["customer_answer"] == "Among their top initiatives"  # the lower middle
    assert item["rep_differs"] is False  # top (1) is 0.3 from it
    assert not [c for c in causes(data, "red_flag_readiness") if c["question"] == PRIORITY]
    assert data["ask_next"][0]["ask"][0] == (
        'Bring Ann Lee (CFO), Cy Diaz (IT lead) and Bob Ray (Head of Operations) together '
        'on "Where does this rank among their other initiatives?": Ann "Their top priority '
        'in this area", Cy "Among their top initiatives", Bob "Not ranked; one idea among '
        'many".')


def test_the_form_speaks_in_the_customers_voice_and_says_where_it_cannot(
        run: Run, deal: str, home: Home, tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path, "-q", PRIORITY)
    assert "How does this initiative rank among your team's priorities this year?" in form
    assert "Where does this rank among their other initiatives?" not in form
    home.write_framework("plain.yaml", """\
        id: plain
        name: Plain
        version: "1"
        perspective: readiness
        elements:
          - id: e
            name: E
            questions:
              - id: q
                prompt: Is their board behind it?
                why: REP-ONLY-REASONING
                type: yes_no
        """)
    result = run("survey", "send", deal, "--to", "Ann Lee", "--framework", "plain", "-o",
                 str(tmp_path / "plain"), ok=True)
    assert result.stderr == ("note: 1 question(s) have no customer wording (customer_prompt) "
                             "in their framework and use the rep's: plain.q\n")
    text = (tmp_path / "plain" / "self-assessment-acme-corp-ann-lee.txt").read_text()
    assert "Is their board behind it?" in text and "REP-ONLY-REASONING" not in text


def test_a_reply_to_a_form_sent_before_the_customer_wording_still_imports(
        run: Run, deal: str, tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path, "-q", PRIORITY)
    assert "[ ] D. Your top priority in this area" in form
    old = fill(form, {PRIORITY: "D"}).replace("Your top priority in this area",
                                              "Their top priority in this area")
    import_reply(run, deal, "Ann Lee", old, tmp_path)
    said = report_json(run, deal)["alignment"][0]["said"][0]
    assert said["answer"] == "Their top priority in this area"


def test_the_form_says_who_sees_the_answers_and_names_no_deal(run: Run, deal: str,
                                                              tmp_path: Path) -> None:
    form = send(run, deal, "Ann Lee", tmp_path / "forms", "-q", PRIORITY)
    assert "Your answers go only to us" not in form
    assert ("We do not show your answers or comments to your colleagues or to anyone "
            "else") in " ".join(form.split())
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == [
        "self-assessment-acme-corp-ann-lee.html", "self-assessment-acme-corp-ann-lee.txt"]


# --- kept in confidence -------------------------------------------------------------

TALK = """\
id: talk
name: Talk
version: "1"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - id: pain
        prompt: What hurts them?
        customer_prompt: What hurts you most today?
        type: text
"""


def test_no_respondents_answer_or_comment_reaches_anything_we_send_the_customer(
        run: Run, deal: str, home: Home, tmp_path: Path) -> None:
    home.write_framework("talk.yaml", TALK)
    markers = {"Ann Lee": "ANN-MARKER-51", "Bob Ray": "BOB-MARKER-52"}
    for person, box in (("Ann Lee", "D"), ("Bob Ray", "A")):
        form = send(run, deal, person, tmp_path / person, "-q", PRIORITY, "-q", "talk.pain")
        text = fill(form, {PRIORITY: box}, {PRIORITY: markers[person]}).replace(
            "Answer (in your words):", f"Answer (in your words): said {markers[person]}-TEXT")
        import_reply(run, deal, person, text, tmp_path)
    # The rep's report has them: the marker is really there to be found.
    assert "ANN-MARKER-51" in run("report", deal, "-f", "json", ok=True).output
    outputs = {}
    for fmt in ("text", "markdown", "html"):
        outputs[f"summary {fmt}"] = run("report", deal, "--for", "customer", "-f", fmt,
                                        ok=True).output
    run("survey", "send", deal, "--to", "Ann Lee", "--to", "Bob Ray", "--to", "Cy Diaz",
        "-q", PRIORITY, "-q", "talk.pain", "-o", str(tmp_path / "again"), ok=True)
    for path in (tmp_path / "again").iterdir():
        outputs[path.name] = path.read_text(encoding="utf-8")
    assert len(outputs) == 9
    for name, text in outputs.items():
        flat = " ".join(text.split())
        for marker in markers.values():
            assert marker not in flat, (name, marker)
        # Nor what they chose (a form offers every answer; a summary reads back none of
        # theirs: the rep gave none here).
        for said in ("Your top priority", "Not ranked yet", "Their top priority"):
            assert name.startswith("self-assessment") or said not in flat, (name, said)
    # Their disagreement is said, naming the question and nobody.
    summary = " ".join(outputs["summary text"].split())
    assert "Where your team sees it differently" in summary
    assert ("How does this initiative rank among your team's priorities this year?"
            in summary)
    for person in ("Ann", "Bob", "Cy Diaz"):
        assert person not in summary, person


# --- replies read as replies ----------------------------------------------------------


def test_history_lists_replies_as_replies_and_no_session_without_an_answer(
        run: Run, deal: str, home: Home, tmp_path: Path) -> None:
    from qualicoach.storage.store import Store

    rep_answers(run, deal, tmp_path, {"priority_rank": "top"})
    store = Store(home.db)
    stopped = store.start_interview(deal, {"alignment": "1.2"})  # Ctrl-C at once
    store.end_interview(stopped.id, "interrupted")
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"})
    text = run("history", deal, ok=True).output
    assert "reply from Ann Lee (CFO)" in text
    assert "reply from Bob Ray (Head of Operations)" in text
    assert "interrupted" not in text and f"{deal}#2" not in text
    data = json.loads(run("history", deal, "-f", "json", ok=True).output)
    assert [(p["kind"], p["respondent"]) for p in data["interviews"]] == [
        ("interview", None), ("reply", "Ann Lee"), ("reply", "Bob Ray")]


def test_what_changed_says_who_replied_and_how_the_risk_moved(run: Run, deal: str,
                                                              tmp_path: Path) -> None:
    rep_answers(run, deal, tmp_path, {"priority_rank": "top", "change_capacity": "ready"})
    before = report_json(run, deal)["risk"]
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"})
    data = report_json(run, deal)
    after = data["risk"]
    assert after > before  # their disagreement is a risk of its own
    assert (data["changes"]["event"], data["changes"]["respondents"]) == (
        "replies", ["Ann Lee (CFO)", "Bob Ray (Head of Operations)"])
    brief = " ".join(run("report", deal, ok=True).output.split())
    assert (f"Ann Lee (CFO) and Bob Ray (Head of Operations) replied; risk {before} → "
            f"{after}.") in brief


def test_what_changed_after_their_replies_shows_what_the_rep_changed(
        run: Run, deal: str, tmp_path: Path) -> None:
    rep_answers(run, deal, tmp_path, {"priority_rank": "top", "change_capacity": "ready",
                                      "track_record": "finished"})
    reply(run, deal, "Ann Lee", tmp_path, {PRIORITY: "D"})
    reply(run, deal, "Bob Ray", tmp_path, {PRIORITY: "A"})
    # The rep's view of the priority moves too, though their people's answers count.
    rep_answers(run, deal, tmp_path, {"priority_rank": "top_five",
                                      "change_capacity": "overloaded",
                                      "track_record": "abandoned"})
    data = report_json(run, deal)
    assert data["changes"]["event"] == "interview"
    moved = {c["question"]: (c["before"], c["after"]) for c in data["changes"]["answers"]}
    assert moved == {
        PRIORITY: ("Their top priority in this area", "Among their top initiatives"),
        "alignment.change_capacity": ("Capacity and a plan to manage it",
                                      "Overloaded with other changes"),
        "alignment.track_record": ("Mostly finished as planned",
                                   "Mostly abandoned or stalled")}
    brief = " ".join(run("report", deal, ok=True).output.split())
    assert "your answers: 3 worse;" in brief
    full = run("report", deal, "--full", ok=True).output
    assert "No answers or deal fields changed" not in full
