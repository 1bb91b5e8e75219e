"""The coaching report: its text (snapshot), JSON keys, every format's escaping, the
customer summary, and the report, history and demo commands."""

from __future__ import annotations

import io
import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console

from qualicoach.coaching.report import Report, report_from
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.render.report import (
    customer_markdown,
    report_data,
    report_export,
    report_markdown,
    report_renderable,
)
from qualicoach.storage.store import Interview, Store

from .conftest import Home, Run

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
SNAPSHOT = Path(__file__).parent / "data" / "snapshots" / "report.txt"
HOSTILE = "[bold red]Evil[/] <script>alert(1)</script> \x1b[31mred\x1b[0m"
CATALOG = load_catalog([Source("built-in", builtin_folder())])


def at(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


def answer(value: object, days_ago: int = 2, source: str | None = "Ann Lee (COO)",
           verified: bool = True, note: str = "", private: bool = False) -> Answer:
    status = value if value in ("unknown", "unclear") else "answered"
    return Answer(status, None if status != "answered" else value,  # type: ignore[arg-type]
                  Evidence(source, verified) if source else None, note, private,
                  at(days_ago), at(days_ago))


def sample_report(name: str = "ACME renewal", note: str = "", source: str = "Ann Lee (COO)"
                  ) -> Report:
    deal = Deal(
        id="acme-renewal", name=name, account="ACME Corp", owner="ana", stage="proposal",
        amount=120000.0, currency="EUR", close_date=date(2027, 2, 28), next_step="Demo",
        contacts=(Contact("Ann Lee", "champion", "COO"),), created=at(60), updated=at(1),
        history=(Change("close_date", date(2026, 12, 31), date(2027, 2, 28), at(10)),),
    )
    first = {"bant.budget_status": answer("approved", 40),
             "alignment.org_acknowledges_need": answer("some_leaders", 40)}
    second = {
        "bant.budget_status": answer("approved"),
        "bant.budget_fits": answer("covers"),
        "meddic.economic_buyer_identified": answer("yes"),
        "meddic.economic_buyer_access": answer("met"),
        "meddic.pain_identified": answer("specific"),
        "bant.need_importance": answer(5.0),
        "bant.compelling_event": answer("yes"),
        "bant.target_date": answer("2027-03-01"),
        "bant.timeline_source": answer("their_plan"),
        "alignment.org_acknowledges_need": answer("contact_only", note=note, private=True,
                                                  source=source),
        "alignment.cost_of_inaction": answer("unknown"),
        "alignment.outcomes_shared": answer("unclear"),
        "meddic.metrics_defined": answer("none", note="They will share KPIs"),
        "alignment.priority_rank": answer("top_five"),
        "alignment.resources_named": answer("yes"),
    }
    interviews = [
        Interview("acme-renewal#1", "acme-renewal", {"bant": "1.0", "alignment": "1.0"}, at(40),
                  "finished", at(40), first),
        Interview("acme-renewal#2", "acme-renewal", {"bant": "1.0", "alignment": "1.0"}, at(2),
                  "finished", at(2), second),
    ]
    return report_from(deal, interviews, CATALOG, Settings(), NOW)


def render_text(report: Report, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False,
                      emoji=False)
    console.print(report_renderable(report))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def test_text_report_matches_the_snapshot() -> None:
    text = render_text(sample_report())
    # Rewritten only on request: a missing snapshot is a failure, not a new baseline.
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text)
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing; UPDATE_SNAPSHOTS=1 writes it"
    assert text == SNAPSHOT.read_text()


def test_the_report_leads_with_the_verdict_and_the_customer_gaps() -> None:
    text = render_text(sample_report())
    assert text.index("At risk of no decision") < text.index("The customer's own")
    assert text.index("The customer's own") < text.index("Why: each point of risk")
    assert "Do they know what doing nothing costs them?  unknown  red flag" in text
    assert "Unconfirmed:" in text


def test_json_has_stable_keys() -> None:
    data = report_data(sample_report())
    assert list(data) == [
        "format", "generated", "deal", "last_interview", "verdict", "fit", "readiness",
        "risk", "at_risk", "quadrant", "customer_gaps", "fit_gaps", "risk_causes",
        "unconfirmed_fit_answers", "frameworks", "ask_next", "changes",
        "missing_frameworks"]
    assert data["last_interview"] == {"id": "acme-renewal#2", "started": at(2).isoformat(),
                                      "status": "finished", "age_days": 2}
    assert data["at_risk"] is True and data["quadrant"] == "high_fit_low_readiness"
    assert set(data["customer_gaps"][0]) == {"question", "framework", "element", "prompt",
                                             "kind", "answer", "red_flag", "why"}
    # Every point is explained: the causes add up past the cap of 100.
    assert sum(c["points"] for c in data["risk_causes"]) > 100 and data["risk"] == 100
    assert data["changes"]["answers"][0] == {
        "question": "alignment.org_acknowledges_need",
        "prompt": "Who in their organisation agrees that they must change?",
        "before": "Our contact and some leaders", "after": "Only our contact",
        "direction": "worse"}
    assert data["changes"]["deal"][0]["field"] == "close_date"
    json.dumps(data)  # serialisable as it is


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
    summary = customer_markdown(sample_report(note="SECRET-NOTE"))
    assert "SECRET-NOTE" not in summary
    for internal in ("risk", "Risk", "Fit", "readiness", "red flag", "verdict", "/100"):
        assert internal not in summary
    assert "They will share KPIs" in summary  # not private
    assert "Do they know what doing nothing costs them?" in summary  # an open question
    assert "Decision expected by 2027-02-28" in summary


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def acme(run: Run, home: Home) -> str:
    deal_id = run("deal", "add", "ACME renewal", "--close", "2027-01-31", ok=True).stdout.strip()
    path = home.root / "answers.yaml"
    path.write_text("bant: {budget_status: approved, compelling_event: yes}\n"
                    "alignment: {org_acknowledges_need: nobody, priority_rank: top}\n")
    run("interview", deal_id, "--answers", str(path), ok=True)
    return deal_id


@pytest.mark.parametrize("fmt,marker", [("text", "At risk of no decision"),
                                        ("markdown", "# ACME renewal"),
                                        ("json", '"verdict"'), ("html", "<html"),
                                        ("svg", "<svg")])
def test_report_command_formats(run: Run, acme: str, fmt: str, marker: str) -> None:
    result = run("report", acme, "--format", fmt, ok=True)
    assert marker in result.stdout


def test_report_to_a_file(run: Run, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    result = run("report", acme, "-f", "markdown", "-o", str(target), ok=True)
    assert target.read_text().startswith("# ACME renewal")
    assert result.stdout == ""


@pytest.mark.parametrize("name,start,what", [
    ("r.html", "<!DOCTYPE html>", "report as HTML"), ("r.htm", "<!DOCTYPE html>", "report as HTML"),
    ("r.md", "# ACME renewal", "report as Markdown"), ("r.json", '{\n  "format"', "report as JSON"),
    ("r.svg", "<svg", "report as SVG"),
    ("r.txt", "ACME renewal  acme-renewal", "report as plain text"),
    ("report", "ACME renewal  acme-renewal", "report as plain text"),
])
def test_report_output_takes_its_format_from_the_extension(
        run: Run, acme: str, tmp_path: Path, name: str, start: str, what: str) -> None:
    target = tmp_path / name
    result = run("report", acme, "-o", str(target), ok=True)
    assert target.read_text().startswith(start)
    assert result.stdout == "" and result.stderr == f"wrote the {what} to {target}\n"


def test_report_format_wins_over_the_extension(run: Run, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = run("report", acme, "-f", "markdown", "-o", str(target), ok=True)
    assert target.read_text().startswith("# ACME renewal")
    assert result.stderr == f"wrote the report as Markdown to {target}\n"


def test_customer_summary_to_a_file(run: Run, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "for-them.md"
    result = run("report", acme, "--for", "customer", "-o", str(target), ok=True)
    assert target.read_text().startswith("# ACME renewal: what we understood")
    assert result.stderr == f"wrote the customer summary (Markdown) to {target}\n"
    refused = run("report", acme, "--for", "customer", "-o", str(tmp_path / "them.html"))
    assert refused.exit_code == 2 and refused.stderr == (
        "qualicoach: the customer summary is Markdown, not html: use a .md file name\n")
    assert not (tmp_path / "them.html").exists()


@pytest.mark.parametrize("name", ["r.html", "r.txt", "r.md"])
def test_report_into_a_missing_folder_is_a_one_line_error(
        run: Run, acme: str, tmp_path: Path, name: str) -> None:
    target = tmp_path / "missing" / name
    result = run("report", acme, "-o", str(target))
    assert result.exit_code == 3
    assert result.stderr == f"qualicoach: cannot write {target}: No such file or directory\n"


def test_customer_summary_command(run: Run, acme: str) -> None:
    out = run("report", acme, "--for", "customer", ok=True).stdout
    assert out.startswith("# ACME renewal: what we understood")
    assert run("report", acme, "--for", "customer", "-f", "json").exit_code == 2  # usage


def test_report_of_a_deal_never_interviewed(run: Run) -> None:
    run("deal", "add", "Fresh", ok=True)
    assert "Not qualified yet" in run("report", "fresh", ok=True).stdout


def test_history_shows_each_interview(run: Run, home: Home, acme: str) -> None:
    path = home.root / "more.yaml"
    path.write_text("alignment: {org_acknowledges_need: organisation}\n")
    run("interview", acme, "--answers", str(path), ok=True)
    data = json.loads(run("history", acme, "-f", "json", ok=True).stdout)
    assert [i["id"] for i in data["interviews"]] == ["acme-renewal#1", "acme-renewal#2"]
    first, second = data["interviews"]
    assert second["readiness"] > first["readiness"]
    assert "acme-renewal#2" in run("history", acme, ok=True).stdout


def test_demo_fills_a_separate_sample_database(run: Run, home: Home) -> None:
    result = run("demo", "--deals", "30", ok=True)
    sample = home.db.with_name("demo.json")
    assert Store(sample).counts()[0] == 30
    assert not home.db.exists()  # the real database is untouched
    assert "Deals most at risk of no decision" in result.stdout
    assert "The customer's own qualification gaps" in result.stdout
    run("demo", "--deals", "5", ok=True)  # a sample database may be refilled
    assert Store(sample).counts()[0] == 5


def test_demo_never_fills_a_real_database(run: Run, home: Home) -> None:
    run("deal", "add", "Real deal", ok=True)
    result = run("demo", "--db", str(home.db))
    assert result.exit_code == 3 and "holds real deals" in result.stderr
    assert Store(home.db).counts() == (1, 0)
