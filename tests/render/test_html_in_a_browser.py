"""The HTML report opened in a real headless browser (Debian's chromium and chromedriver,
through selenium): its title, the picture, that nothing is fetched from elsewhere, that it
fits a phone and prints. Skipped, saying why, only where no browser can be had; .ci/run
installs one."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualicoach.render.report.export import report_export

from ..helpers.browser import browser_marks, open_browser, requested_urls
from ..helpers.reports import sample_report

pytest.importorskip("selenium.webdriver",
                    reason="selenium is not installed (pip install '.[test]')")
pytestmark = browser_marks(180)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with open_browser(tmp_path) as driver:
        yield driver


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "r.html"
    path.write_text(report_export(sample_report(), "html"), encoding="utf-8")
    return path




def test_the_page_has_its_title_and_fetches_nothing(browser: Any, page: Path) -> None:
    browser.get_log("performance")  # what came before this page
    browser.get(page.as_uri())
    assert browser.title == "ACME renewal: qualification report"
    urls = requested_urls(browser)
    assert page.as_uri() in urls
    # The browser's own pages (chrome://, a fresh profile's new tab) stay inside it; what
    # would leave the machine is a network scheme.
    leaving = [u for u in urls if u.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")]
    assert leaving == [], leaving
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []


def test_the_picture_puts_the_deal_in_the_no_decision_corner(browser: Any, page: Path
                                                              ) -> None:
    browser.get(page.as_uri())
    box = browser.execute_script("""
        const dot = document.querySelector('svg circle.deal').getBoundingClientRect();
        const corner = document.querySelector('svg rect.no-decision').getBoundingClientRect();
        return {dot: [dot.x + dot.width / 2, dot.y + dot.height / 2],
                corner: [corner.left, corner.top, corner.right, corner.bottom],
                text: document.querySelector('figure').textContent};""")
    (x, y), (left, top, right, bottom) = box["dot"], box["corner"]
    assert left <= x <= right + 1 and top <= y <= bottom, box
    assert "NO DECISION" in box["text"] and "the no-decision corner" in box["text"]


def test_the_page_fits_a_phone_without_sideways_scrolling(browser: Any, page: Path) -> None:
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def test_on_a_phone_the_verdict_comes_before_the_picture(browser: Any, page: Path) -> None:
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    verdict, picture = browser.execute_script(
        "return ['.verdict', 'figure svg'].map("
        "s => document.querySelector(s).getBoundingClientRect().top)")
    assert verdict < picture


@pytest.mark.parametrize("paper", [(21.0, 29.7), (21.59, 27.94)], ids=["A4", "Letter"])
def test_the_page_prints(browser: Any, page: Path, paper: tuple[float, float]) -> None:
    from selenium.webdriver.common.print_page_options import PrintOptions

    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    options = PrintOptions()
    options.page_width, options.page_height = paper
    pdf = base64.b64decode(browser.print_page(options))
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 8, pages
