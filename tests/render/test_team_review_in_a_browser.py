"""The team review's HTML page opened in a real headless browser (Debian's chromium and
chromedriver, through selenium): its charts drawn, nothing fetched from elsewhere, and it
prints on A4 and Letter. Skipped, saying why, only where no browser can be had; .ci/run
installs one."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from qualicoach.storage.store import Store

from ..helpers.browser import browser_marks, open_browser, requested_urls
from ..helpers.build import builtin_catalog, deal_with_answers
from ..helpers.home import Run

pytest.importorskip("selenium.webdriver",
                    reason="selenium is not installed (pip install '.[test]')")
pytestmark = browser_marks(180)
WEAK = "alignment: {org_acknowledges_need: nobody, priority_rank: unranked}\n"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with open_browser(tmp_path) as driver:
        yield driver


@pytest.fixture
def page(run: Run, tmp_path: Path) -> Path:
    """The review of two reps' databases, in two currencies, written by the command."""
    catalog = builtin_catalog()
    soon = date.today() + timedelta(days=20)
    for rep, currency in (("ana", "EUR"), ("ben", "USD")):
        path = tmp_path / "team" / f"{rep}.json"
        path.parent.mkdir(exist_ok=True)
        store = Store(path)
        deal_with_answers(store, catalog, f"{rep} big deal", WEAK, owner=rep,
                          amount=120000.0, currency=currency, stage="proposal",
                          close_date=soon)
        deal_with_answers(store, catalog, f"{rep} new deal", owner=rep, amount=30000.0,
                          currency=currency, stage="discovery")
    out = tmp_path / "review.html"
    run("team", "review", str(tmp_path / "team"), "-o", str(out), ok=True)
    return out




def test_the_review_draws_its_charts_and_fetches_nothing(browser: Any, page: Path) -> None:
    browser.get_log("performance")  # what came before this page
    browser.get(page.as_uri())
    assert browser.title.startswith("Team review")
    drawn = browser.execute_script("""
        const bars = sel => [...document.querySelectorAll(sel)]
            .map(r => r.getBoundingClientRect().width).filter(w => w > 0).length;
        return {amounts: document.querySelectorAll('figure.amounts').length,
                open: bars('figure.amounts rect.open'), risk: bars('figure.amounts rect.risk'),
                stages: bars('figure.stages rect[class]'),
                owners: document.querySelectorAll('table.owners tbody tr').length};""")
    # One amount chart per currency, never one of both added up.
    assert drawn["amounts"] == 2
    assert drawn["open"] == 2 and drawn["risk"] >= 1
    assert drawn["stages"] >= 2
    assert drawn["owners"] == 3  # ana, ben and the team
    urls = requested_urls(browser)
    leaving = [u for u in urls if u.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")]
    assert leaving == [], leaving
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)") == []


@pytest.mark.parametrize("paper", [(21.0, 29.7), (21.59, 27.94)], ids=["A4", "Letter"])
def test_the_review_prints(browser: Any, page: Path, paper: tuple[float, float]) -> None:
    from selenium.webdriver.common.print_page_options import PrintOptions

    browser.get(page.as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = paper
    pdf = base64.b64decode(browser.print_page(options))
    assert pdf.startswith(b"%PDF")
    assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 4
    # Nothing is wider than the paper: the page does not scroll sideways at its width.
    browser.set_window_size(int(paper[0] / 2.54 * 96), 1000)
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
