"""tipdraft preview end to end: a real headless chromium (Debian's, through its chromedriver)
follows the page while the country file is edited, broken and fixed.

Without the browser the test is skipped on a developer's machine and fails in CI (``CI`` set):
``apt-get install chromium chromium-driver``; ``.ci/run`` installs them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import serving

pytestmark = pytest.mark.slow  # a real browser (the "slow" marker: pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FIRST_WORDS = "The first anti-smuggling measures were taken"
EDITED_WORDS = "The earliest anti-smuggling measures were taken"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
)


def _no_browser(reason: str) -> None:
    message = f"no browser for the preview's end-to-end test: {reason} (Debian: apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run it")
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _no_browser("selenium is not installed (pip install -e '.[test]')")
    for program in (CHROMIUM, CHROMEDRIVER):
        if not os.access(program, os.X_OK):
            _no_browser(f"{program} not found")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager downloads nothing: the driver and browser are given
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)  # a page that never loads fails its test (Selenium's own limit is 300 s)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = tmp_path / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    with serving(["preview", path.name, "--no-open"], tmp_path) as url:
        yield url, path


def save(path: Path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_the_page_follows_edits_and_shows_an_error_at_its_item(browser: object, served: tuple[str, Path]) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    url, path = served
    browser.get(url)
    # an element looked up just before an update replaces it is stale: look again
    wait = WebDriverWait(browser, 30, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    def cable() -> str:
        return str(browser.find_element(By.ID, "cable").shadow_root.find_element(By.CSS_SELECTOR, ".cable").text)

    def notes() -> list[str]:
        found = browser.find_element(By.ID, "cable").shadow_root.find_elements(By.CSS_SELECTOR, ".tip-diagnostic")
        return [str(note.text) for note in found]

    wait.until(lambda _: FIRST_WORDS in cable())
    assert "UNCLASSIFIED//FOR OFFICIAL USE ONLY" in cable().splitlines()[0]  # the banner, on screen
    assert browser.find_element(By.ID, "pdf").is_displayed() and notes() == []
    status = browser.find_element(By.ID, "status")  # stays the same element: the page is never reloaded
    original = path.read_text()

    save(path, original.replace(FIRST_WORDS, EDITED_WORDS, 1))
    wait.until(lambda _: EDITED_WORDS in cable())
    assert FIRST_WORDS not in cable()

    save(path, original.replace(f"    A: |-\n      {FIRST_WORDS}", f"    A: ''\n    Z: |-\n      {FIRST_WORDS}", 1))
    wait.until(lambda _: any("para 25.A: answer is empty" in note for note in notes()))
    shadow = browser.find_element(By.ID, "cable").shadow_root
    note = next(n for n in shadow.find_elements(By.CSS_SELECTOR, ".tip-diagnostic") if "25.A: answer is empty" in n.text)
    assert browser.execute_script("return arguments[0].nextElementSibling.id", note) == "item-25-A"  # at its item
    assert EDITED_WORDS in cable()  # the last good cable stays below the errors
    assert "Not rendered: 2 error(s)" in status.text and not browser.find_element(By.ID, "pdf").is_displayed()
    listed = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#diagnostics li")]
    assert any("para 25.A: answer is empty" in text for text in listed)

    save(path, original)
    wait.until(lambda _: FIRST_WORDS in cable() and notes() == [])
    try:
        assert status.text.startswith("Rendered at")
    except StaleElementReferenceException:
        pytest.fail("the page was reloaded: it should update itself in place")


def test_the_opened_browser_gets_the_page_by_cookie_with_no_token_in_its_address(browser: object, tmp_path: Path) -> None:
    """What ``tipdraft preview`` opens: the one-time address; the page then lives at ``/``,
    its script, stylesheet and event stream let in by the cookie; errors listed first, under
    headings that say so."""
    import threading

    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    from tip_drafter.preview import server as preview_http
    from tip_drafter.preview import state

    assert isinstance(browser, WebDriver)
    path = tmp_path / "belgium.yaml"
    text = (ROOT / "countries" / "belgium.yaml").read_text()
    path.write_text(text.replace(f"    A: |-\n      {FIRST_WORDS}", f"    A: ''\n    Z: |-\n      {FIRST_WORDS}", 1))
    page = state.Preview(path, settings=tmp_path)
    page.refresh()
    server = preview_http.Server(page)
    listener = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    listener.start()
    try:
        browser.get(server.opener)
        wait = WebDriverWait(browser, 30, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, "#diagnostics h2"))
        assert browser.current_url == f"http://127.0.0.1:{server.port}/" and server.token not in browser.page_source
        headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#diagnostics h2")]
        assert headings[0] == "Errors (2)", headings
        first = browser.find_element(By.CSS_SELECTOR, "#diagnostics ol li")
        assert first.text.startswith("para 25.A: answer is empty") and "belgium.yaml:" in first.text
        assert str(tmp_path) not in browser.find_element(By.ID, "diagnostics").text
    finally:
        page.close()
        server.shutdown()
        server.server_close()
        listener.join(5)
