"""collect's dashboard in a real browser (Debian's chromium): the table, the filters, the counts, no script
from elsewhere, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe import serious_violations
from posts import make_posts
from test_preview_browser import browser  # noqa: F401  (the fixture: Debian's chromium through its chromedriver)

from tip_drafter import api
from tip_drafter.collect.dashboard import write_dashboard
from tip_drafter.collect.gather import collect

pytestmark = pytest.mark.slow  # a real browser (the "slow" marker: pyproject.toml)


def until(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the page did not change in time"
        time.sleep(0.05)


@pytest.fixture
def dashboard(tmp_path: Path) -> tuple[Path, Any]:
    found = collect(make_posts(tmp_path / "posts", 8), api.Options())
    path = tmp_path / "dashboard.html"
    write_dashboard(found, path)
    return path, found


def test_the_dashboard_filters_by_post_and_status(browser: Any, dashboard: tuple[Path, Any]) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    path, found = dashboard
    browser.get(path.as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(found.submissions) == 8
    assert browser.find_element(By.ID, "shown").text == "8 post(s) shown"
    first = found.submissions[0]
    browser.find_element(By.ID, "post-filter").send_keys(first.country.lower())
    until(lambda: browser.find_element(By.ID, "shown").text == "1 post(s) shown")
    visible = [r for r in rows if r.is_displayed()]
    assert len(visible) == 1 and first.post in visible[0].text
    browser.find_element(By.ID, "post-filter").clear()
    browser.execute_script("document.getElementById('post-filter').dispatchEvent(new Event('input'))")
    Select(browser.find_element(By.ID, "status-filter")).select_by_visible_text("carried over, not reviewed")
    unreviewed = {a.post for a in found.answers if a.status == "carried over, not reviewed"}
    until(lambda: browser.find_element(By.ID, "shown").text == f"{len(unreviewed)} post(s) shown")
    assert {r.find_element(By.TAG_NAME, "th").text.split(" (")[0] for r in rows if r.is_displayed()} == unreviewed
    scripts = browser.execute_script("return [...document.scripts].map(s => s.src)")
    assert scripts == [""]  # its own script, inline: nothing fetched from elsewhere


def test_axe_core_finds_no_serious_or_critical_violation_on_the_dashboard(browser: Any, dashboard: tuple[Path, Any]) -> None:  # noqa: F811
    browser.get(dashboard[0].as_uri())
    assert serious_violations(browser) == []
