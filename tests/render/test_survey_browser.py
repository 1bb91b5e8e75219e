"""The HTML self-assessment in a real headless browser (Debian's chromium, driven by
Selenium): filled in, saved, and the saved reply imported; and it makes no request.

Skipped, with the reason, only where no chromium and chromedriver are installed
(.ci/run installs them with apt-get). Every wait is bounded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..helpers.browser import browser_marks, open_browser, requested_urls
from ..helpers.home import Run
from ..helpers.survey import PEOPLE, deal_with_people, report_json

DOWNLOAD_TIMEOUT = 15

pytest.importorskip("selenium.webdriver",
                    reason="selenium is not installed (pip install '.[test]')")
pytestmark = browser_marks(120)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with open_browser(tmp_path, downloads) as driver:
        driver.downloads = downloads
        yield driver


def html_form(run: Run, tmp_path: Path, person: str = "Ann Lee") -> tuple[str, Path]:
    deal_id = deal_with_people(run, *PEOPLE)
    run("survey", "send", deal_id, "--to", person, "-o", str(tmp_path / "forms"), ok=True)
    (page,) = (tmp_path / "forms").glob("*.html")
    return deal_id, page


def choose(driver: Any, question: int, letter: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, f'input[name="q{question}"][value="{letter}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    assert box.is_selected()


def saved_reply(folder: Path, ending: str = ".txt") -> Path:
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(ending)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no reply saved in {folder} within {DOWNLOAD_TIMEOUT} s")




def test_the_form_is_filled_in_saved_and_the_reply_imports(run: Run, browser: Any,
                                                           tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    deal_id, page = html_form(run, tmp_path)
    browser.get(page.as_uri())
    choose(browser, 5, "D")  # priority: their top priority
    choose(browser, 7, "A")  # a senior sponsor owns the change: yes
    comment = browser.find_element(By.CSS_SELECTOR, 'textarea[name="q5-comment"]')
    comment.send_keys("The board <b>ranked</b> it first")
    save = browser.find_element(By.ID, "save")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", save)
    save.click()
    reply = saved_reply(browser.downloads)
    assert reply.name.startswith("reply-") and reply.stat().st_size < 2000  # small
    shown = browser.find_element(By.ID, "reply").get_attribute("value")
    assert shown == reply.read_text(encoding="utf-8")
    run("survey", "import", deal_id, str(reply), "--from", "Ann Lee", ok=True)
    said = {a["question"]: a["said"][0] for a in report_json(run, deal_id)["alignment"]}
    assert said["alignment.priority_rank"]["answer"] == "Their top priority in this area"
    assert said["alignment.priority_rank"]["comment"] == "The board <b>ranked</b> it first"
    assert said["alignment.sponsor_owns_change"]["answer"] == "Yes"


def test_the_copied_reply_imports_from_standard_input(run: Run, browser: Any,
                                                      tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    deal_id, page = html_form(run, tmp_path, "Bob Ray")
    browser.get(page.as_uri())
    choose(browser, 5, "A")
    copy = browser.find_element(By.ID, "copy")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", copy)
    copy.click()
    text = browser.find_element(By.ID, "reply").get_attribute("value")
    result = run("survey", "import", deal_id, "-", "--from", "Bob Ray", input=text, ok=True)
    assert "1 answer(s)" in result.output


def test_the_page_makes_no_network_request(run: Run, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    _, page = html_form(run, tmp_path)
    browser.get_log("performance")  # what came before this page (a new profile's tab)
    browser.get(page.as_uri())
    choose(browser, 1, "C")
    browser.find_element(By.ID, "copy").click()
    browser.find_element(By.ID, "save").click()
    saved_reply(browser.downloads)
    urls = requested_urls(browser)
    # The page itself, and the reply it hands to the browser as a blob: nothing else.
    assert [u for u in urls if not u.startswith(("blob:", "data:"))] == [page.as_uri()]
    # And the page forbids any other (a script from elsewhere, a fetch, a form post).
    blocked = browser.execute_async_script(
        "var done = arguments[0];"
        "fetch('http://127.0.0.1:9/x').then(function () { done('sent'); },"
        " function () { done('blocked'); });")
    assert blocked == "blocked"
    assert not [u for u in requested_urls(browser) if u.startswith("http")]


# What three of their people answer, by question number on the form (the alignment
# checklist in its order: 5 the priority, 7 a senior owner, 9 room for the change, 12
# a date to decide), with a comment each that must stay between them and us.
THREE = {
    "Ann Lee": ({5: "D", 7: "A", 9: "B", 12: "A"}, "ANN-IN-CONFIDENCE board ranked it first"),
    "Bob Ray": ({5: "A", 7: "C", 9: "A", 12: "C"}, "BOB-IN-CONFIDENCE not this year"),
    "Cy Diaz": ({5: "C", 7: "B", 9: "B", 12: "B"}, "CY-IN-CONFIDENCE after the ERP upgrade"),
}


def test_three_stakeholders_answer_in_their_words_and_the_rep_reads_their_replies(
        run: Run, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    deal_id = deal_with_people(run, *PEOPLE)
    answers = tmp_path / "rep.json"
    answers.write_text(json.dumps({"alignment": {
        "priority_rank": "top", "sponsor_owns_change": "yes", "change_capacity": "ready",
        "decision_date_committed": "yes"}}))
    run("interview", deal_id, "--answers", str(answers), ok=True)
    before = report_json(run, deal_id)["risk"]
    run("survey", "send", deal_id, "--to", "Ann Lee", "--to", "Bob Ray", "--to", "Cy Diaz",
        "-o", str(tmp_path / "forms"), ok=True)
    for person, (marks, comment) in THREE.items():
        slug = person.lower().replace(" ", "-")
        browser.get((tmp_path / "forms" / f"self-assessment-acme-corp-{slug}.html").as_uri())
        page = browser.find_element(By.TAG_NAME, "body").text
        # Their words on every box: none of ours about them.
        assert "Your top priority in this area" in page and "No date yet" in page
        for ours in ("Their top priority", "Only our contact", "Only our estimate",
                     "They have not"):
            assert ours not in page, ours
        assert "We do not show your answers or comments to your colleagues" in page
        for number, letter in marks.items():
            choose(browser, number, letter)
        box = browser.find_element(By.CSS_SELECTOR, 'textarea[name="q5-comment"]')
        box.send_keys(comment)
        save = browser.find_element(By.ID, "save")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", save)
        save.click()
        reply = saved_reply(browser.downloads, f"-{slug}.txt")
        run("survey", "import", deal_id, str(reply), "--from", person, ok=True)

    data = report_json(run, deal_id)
    priority = next(a for a in data["alignment"] if a["question"] == "alignment.priority_rank")
    assert priority["state"] == "disagree"
    asks = [a["ask"][0] for a in data["ask_next"] if a["ask"][0].startswith("Bring")]
    assert ('Bring Ann Lee (CFO), Cy Diaz (IT lead) and Bob Ray (Head of Operations) '
            'together on "Where does this rank among their other initiatives?": Ann "Their '
            'top priority in this area", Cy "Among their top initiatives", Bob "Not ranked; '
            'one idea among many".') in asks
    assert len(asks) == len(set(asks))
    # What changed: their replies, and how the risk moved.
    after = data["risk"]
    assert after > before
    brief = " ".join(run("report", deal_id, ok=True).output.split())
    assert (f"Ann Lee (CFO), Bob Ray (Head of Operations) and Cy Diaz (IT lead) replied; "
            f"risk {before} → {after}.") in brief
    history = run("history", deal_id, ok=True).output
    for who in ("Ann Lee (CFO)", "Bob Ray (Head of Operations)", "Cy Diaz (IT lead)"):
        assert f"reply from {who}" in history
    # What goes back to them names nobody and quotes nothing of theirs.
    for fmt in ("text", "markdown", "html"):
        summary = " ".join(run("report", deal_id, "--for", "customer", "-f", fmt,
                               ok=True).output.split())
        assert "Where your team sees it differently" in summary
        for person, (_, comment) in THREE.items():
            assert comment.split()[0] not in summary and person not in summary
