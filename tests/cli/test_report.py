"""The report, history and demo commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from qualicoach.storage.store import Store

from ..helpers.build import catalog_of, deal_with_answers
from ..helpers.home import Home, Run

ACME_ANSWERS = ("bant: {budget_status: approved, compelling_event: yes}\n"
                "alignment: {org_acknowledges_need: nobody, priority_rank: top}\n")


@pytest.fixture
def acme(home: Home) -> str:
    """One deal with one interview, built through the library."""
    return deal_with_answers(Store(home.db), catalog_of(home), "ACME renewal", ACME_ANSWERS,
                             close_date=date(2027, 1, 31))


def test_a_deal_added_and_interviewed_on_the_command_line_is_reported(
        run: Run, acme: str, tmp_path: Path) -> None:
    """The end-to-end path that the ``acme`` fixture takes through the library."""
    db = str(tmp_path / "cli.json")
    deal_id = run("--db", db, "deal", "add", "ACME renewal", "--close", "2027-01-31",
                  ok=True).stdout.strip()
    path = tmp_path / "answers.yaml"
    path.write_text(ACME_ANSWERS)
    run("--db", db, "interview", deal_id, "--answers", str(path), ok=True)
    assert deal_id == acme
    assert "At risk of no decision" in run("--db", db, "report", deal_id, ok=True).stdout

    def scored(*db_option: str) -> dict[str, object]:
        report = json.loads(run(*db_option, "report", deal_id, "-f", "json", ok=True).stdout)
        for key in ("generated", "last_interview"):  # times of day
            del report[key]
        del report["deal"]["created"], report["deal"]["updated"]
        for answer in report["answers"]:  # the two interviews may fall in different seconds
            answer.pop("at", None), answer.pop("confirmed_at", None)
        return dict(report)

    assert scored("--db", db) == scored()


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


@pytest.mark.parametrize("command", [("report", "-f", "json"), ("export", "--format", "csv")])
def test_files_written_with_output_are_private_to_their_owner(
        run: Run, acme: str, tmp_path: Path, command: tuple[str, ...]) -> None:
    import stat

    target = tmp_path / "private-notes"
    args = (command[0], acme, *command[1:]) if command[0] == "report" else command
    run(*args, "-o", str(target), ok=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


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


@pytest.mark.parametrize("name,hint", [
    ("brief.pdf", "cannot write a .pdf file: write .html and print it to PDF from the browser"),
    ("brief.docx", "cannot write a .docx file: write .html (a page to print or send), .md, "),
])
@pytest.mark.parametrize("options", [(), ("-f", "html")])
def test_an_extension_the_report_cannot_write_is_refused_with_a_hint(
        run: Run, acme: str, tmp_path: Path, name: str, hint: str,
        options: tuple[str, ...]) -> None:
    target = tmp_path / name
    result = run("report", acme, *options, "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"qualicoach: {hint}")
    assert not target.exists()


def test_report_format_wins_over_the_extension(run: Run, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = run("report", acme, "-f", "markdown", "-o", str(target), ok=True)
    assert target.read_text().startswith("# ACME renewal")
    assert result.stderr == f"wrote the report as Markdown to {target}\n"


def test_customer_summary_to_a_file(run: Run, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "for-them.md"
    result = run("report", acme, "--for", "customer", "-o", str(target), ok=True)
    assert target.read_text().startswith("# What we have understood so far")
    assert result.stderr == f"wrote the customer summary (Markdown) to {target}\n"
    page = tmp_path / "customer.html"
    result = run("report", acme, "--for", "customer", "-o", str(page), ok=True)
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert "<h1>What we have understood so far</h1>" in page.read_text()
    assert result.stderr == f"wrote the customer summary (HTML) to {page}\n"
    refused = run("report", acme, "--for", "customer", "-o", str(tmp_path / "them.json"))
    assert refused.exit_code == 2 and refused.stderr == (
        "qualicoach: the customer summary is text, Markdown or HTML, not json: use a .txt, "
        ".md or .html file name\n")
    assert not (tmp_path / "them.json").exists()


@pytest.mark.parametrize("name", ["r.html", "r.txt", "r.md"])
def test_report_into_a_missing_folder_is_a_one_line_error(
        run: Run, acme: str, tmp_path: Path, name: str) -> None:
    target = tmp_path / "missing" / name
    result = run("report", acme, "-o", str(target))
    assert result.exit_code == 3
    assert result.stderr == f"qualicoach: cannot write {target}: No such file or directory\n"


def test_customer_summary_command(run: Run, acme: str) -> None:
    out = run("report", acme, "--for", "customer", ok=True).stdout
    # Plain text, for the body of an e-mail: no Markdown to show raw in a terminal, and
    # never our deal's name.
    assert out.startswith("What we have understood so far\n====")
    assert "**" not in out and "##" not in out and "ACME renewal" not in out
    assert max(len(line) for line in out.splitlines()) <= 72
    assert run("report", acme, "--for", "customer", "-f", "json").exit_code == 2  # usage


def test_report_of_a_deal_never_interviewed(run: Run) -> None:
    run("deal", "add", "Fresh", ok=True)
    assert "Early: nothing asked yet." in run("report", "fresh", ok=True).stdout


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
    assert "Ask next" in result.stdout
    run("demo", "--deals", "5", ok=True)  # a sample database may be refilled
    assert Store(sample).counts()[0] == 5


def test_demo_never_fills_a_real_database(run: Run, home: Home) -> None:
    run("deal", "add", "Real deal", ok=True)
    result = run("demo", "--db", str(home.db))
    assert result.exit_code == 3 and "holds real deals" in result.stderr
    assert Store(home.db).counts() == (1, 0)



def test_report_opens_with_the_brief_and_full_adds_the_rest(run: Run, acme: str) -> None:
    brief = run("report", acme, ok=True).stdout
    assert "Ask next" in brief and "Evidence: who said each answer" not in brief
    assert f"qualicoach report {acme} --full" in " ".join(brief.split()) or "--full" in brief
    full = run("report", acme, "--full", ok=True).stdout
    assert full.startswith(brief.split("\n", 1)[0])
    assert "Evidence: who said each answer" in full and "Scorecards" in full


def test_the_reps_notes_are_in_the_full_report_and_never_in_the_customer_summary(
        run: Run, home: Home, acme: str) -> None:
    path = home.root / "notes.yaml"
    path.write_text(
        "bant:\n"
        "  budget_status: {value: approved, note: CFO wants it under 100k, private: true}\n"
        "alignment:\n"
        "  priority_rank: {value: top, note: They said so in the kick-off}\n")
    run("interview", acme, "--answers", str(path), ok=True)
    full = " ".join(run("report", acme, "--full", ok=True).stdout.split())
    assert "Private note: CFO wants it under 100k" in full
    assert "Note: They said so in the kick-off" in full
    assert "CFO wants" not in run("report", acme, ok=True).stdout  # the brief: not there
    for fmt in ("markdown", "html", "json"):
        assert "CFO wants it under 100k" in run("report", acme, "-f", fmt, ok=True).stdout, fmt
    summary = " ".join(run("report", acme, "--for", "customer", ok=True).stdout.split())
    assert "CFO wants" not in summary
    assert "They said so in the kick-off" in summary  # not private: the customer may see it


@pytest.mark.parametrize("fmt", ["html", "svg"])
def test_html_and_svg_fetch_nothing_and_name_no_font(run: Run, acme: str, fmt: str) -> None:
    out = run("report", acme, "-f", fmt, ok=True).stdout
    without_namespace = out.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        "http-equiv", "")
    assert "http" not in without_namespace and "@font-face" not in out and "url(" not in out
    assert "<script" not in out and "<link" not in out
    assert "<circle" in out and "NO DECISION" in out


def test_html_is_a_standalone_document(run: Run, acme: str) -> None:
    page = run("report", acme, "-f", "html", ok=True).stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>ACME renewal: qualification report</title>" in page
    assert '<meta name="viewport"' in page and "<style>" in page and "@media print" in page
    assert "<pre" not in page  # a document, not a terminal dump


@pytest.mark.parametrize("args", [(), ("--full",)])
def test_a_report_sent_to_a_pipe_or_file_has_no_spaces_at_line_ends(
        run: Run, acme: str, tmp_path: Path, args: tuple[str, ...]) -> None:
    printed = run("report", acme, *args, ok=True).stdout
    target = tmp_path / "report.txt"
    run("report", acme, "-o", str(target), ok=True)
    for text in (printed, target.read_text()):
        assert "Why" in text
        assert [line for line in text.splitlines() if line != line.rstrip()] == []


def test_a_console_for_a_file_trims_line_ends_and_keeps_the_rest() -> None:
    import io

    from rich.console import Console
    from rich.padding import Padding

    from qualicoach.render.console import make_console

    indented = Padding("acme  94  at risk", (0, 0, 0, 2))  # Rich pads it to the full width
    padded, trimmed = io.StringIO(), io.StringIO()
    Console(file=padded, width=60).print(indented)
    make_console(file=trimmed, width=60).print(indented)
    assert padded.getvalue() != trimmed.getvalue()
    assert trimmed.getvalue() == "\n".join(
        line.rstrip() for line in padded.getvalue().splitlines()) + "\n"
