"""A real headless browser for the HTML tests: Debian's chromium and chromedriver, driven
through selenium. Tests that use it are slow (``pytest --all`` runs them) and are skipped,
saying why, only where no browser can be had; .ci/run installs one."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                               "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-default-apps", "--window-size=1000,1400")
PAGE_TIMEOUT = 30


def browser_marks(timeout: int = 180) -> list[pytest.MarkDecorator]:
    """The marks of a module of browser tests: slow, skipped without a browser, and given
    ``timeout`` seconds per test so a hung browser never hangs the run."""
    return [
        pytest.mark.slow,  # a real browser: pytest --all runs these
        pytest.mark.skipif(BROWSER is None or DRIVER is None,
                           reason="no headless browser here: install chromium and "
                           "chromedriver (Debian: apt-get install chromium "
                           "chromium-driver); .ci/run does"),
        pytest.mark.timeout(timeout),
    ]


@contextlib.contextmanager
def open_browser(tmp_path: Path, downloads: Path | None = None) -> Iterator[Any]:
    """A browser with a profile of its own (nothing carries over between tests), every
    request it makes in its performance log, and ``downloads`` (if given) where it saves
    files without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(BROWSER)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    if downloads is not None:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        driver.set_page_load_timeout(PAGE_TIMEOUT)
        driver.set_script_timeout(PAGE_TIMEOUT)
        if downloads is not None:
            driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                   {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: Any) -> list[str]:
    """Every URL the browser requested since the log was last read."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
