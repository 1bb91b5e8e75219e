"""The HTML report opened in a real headless browser (Debian's chromium and chromedriver,
through selenium): its title, the picture, that nothing is fetched from elsewhere, that it
fits a phone and prints. Skipped, saying why, only where no browser can be had; .ci/run
installs one."""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualicoach.render.report.export import report_export

from ..helpers.reports import sample_report

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                               "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,  # a real browser: pytest --all runs these
    pytest.mark.skipif(BROWSER is None or DRIVER is None,
                       reason="no headless browser here: install chromium and chromedriver "
                       "(Debian: apt-get install chromium chromium-driver); .ci/run does"),
    pytest.mark.timeout(180),
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    # One browser per test, with its own profile: nothing carries over between tests.
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(BROWSER)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps"):
        options.add_argument(flag)
    options.add_argument("--window-size=1000,1400")
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    # Every request the page makes is in the performance log.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "r.html"
    path.write_text(report_export(sample_report(), "html"), encoding="utf-8")
    return path


def requested_urls(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


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
