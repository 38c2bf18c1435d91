"""tipdraft edit end to end, in a real headless chromium (Debian's, as the preview's test): fill in
an answer, fix the error shown at its field, mark an item reviewed, save; the file's ``git diff``
holds only those lines. A change made on disk meanwhile is merged or asked about; typing not
saved is offered back after a reload; the whole form works from the keyboard; axe-core finds no
serious or critical accessibility violation."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe import serious_violations
from processes import first_line, serving
from test_preview_browser import browser  # noqa: F401  (the fixture: Debian's chromium through its chromedriver)

from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM

pytestmark = pytest.mark.slow  # a real browser (the "slow" marker: pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=30, check=True)
    return done.stdout


@pytest.fixture
def edited(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Next year's draft of Belgium's file, committed in a git repository, open in ``tipdraft edit``."""
    source = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, source)
    path = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "draft")
    with serving(["edit", path.name, "--no-open", "--draft"], tmp_path) as url:
        yield url, path


class Page:
    """The form in the browser, found by its fields' ids in the file."""

    def __init__(self, driver: Any, url: str) -> None:
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.wait = WebDriverWait(driver, WAIT, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        driver.get(url)
        self.until(lambda: self.status().startswith(("Loaded", "Restored")) or not self.find("#recover").get_attribute("hidden"))

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def control(self, fid: str) -> Any:
        return self.find(f'[data-field="{fid}"] textarea, [data-field="{fid}"] input, [data-field="{fid}"] select')

    def problems(self, fid: str) -> str:
        return str(self.find(f'[data-field="{fid}"] .field-problems').text)

    def status(self) -> str:
        return str(self.find("#status").text)

    def until(self, condition: Any) -> None:
        from selenium.common.exceptions import TimeoutException

        try:
            self.wait.until(lambda _: condition())
        except TimeoutException:
            pytest.fail(f"waited in vain; the page says: {self.status()}")

    def type(self, fid: str, text: str) -> None:
        """Replace a field's text as a user does: select all, type."""
        from selenium.webdriver.common.keys import Keys

        control = self.control(fid)
        control.send_keys(Keys.CONTROL, "a")
        control.send_keys(Keys.DELETE)
        control.send_keys(text)


def diff_lines(folder: Path, name: str) -> list[str]:
    out = git(folder, "diff", "--unified=0", "--", name)
    return [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_fill_fix_review_save_and_git_diff_holds_only_those_lines(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    url, path = edited
    page = Page(browser, url)
    old_b = path.read_text().split("\n  24:\n", 1)[1].split("\n    B:\n", 1)[1].split("\n    C:", 1)[0]  # 24.B's lines
    page.type("answers/24/B:text", "The Ministry of Justice [TBD] coordinates the effort \u2192 \u6f22.")
    page.until(lambda: "has no ASCII form: a cable is plain ASCII" in page.problems("answers/24/B:text"))
    shown = page.problems("answers/24/B:text")
    assert "Error: para 24.B: character" in shown and "Warning: para 24.B: placeholder 'TBD'" in shown  # a draft's
    control = page.control("answers/24/B:text")
    described = control.get_attribute("aria-describedby").split()
    assert page.find('[data-field="answers/24/B:text"] .field-problems').get_attribute("id") in described
    assert control.get_attribute("aria-invalid") == "true"
    listed = page.find("#problem-list").text  # and in the list, errors apart, which jumps to the field
    assert listed.index("Errors (") < listed.index("Warnings (")
    jump = page.find("#problem-list ol.error button.jump")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", jump)
    jump.click()
    assert browser.switch_to.active_element == page.control("answers/24/B:text")
    page.type("answers/24/B:text", "The Ministry of Justice coordinates the effort.")
    page.until(lambda: page.problems("answers/24/B:text") == "")
    page.control("answers/25/E:reviewed").click()
    page.find("#save").click()
    page.until(lambda: page.status().startswith("Saved at"))
    diff = diff_lines(path.parent, path.name)
    added = [line for line in diff if line.startswith("+")]
    removed = [line for line in diff if line.startswith("-")]
    assert added == ["+      text: The Ministry of Justice coordinates the effort."], diff
    assert sum("carried_over:" in line for line in removed) == 1 and len(removed) > 2
    assert all(line[1:].strip() in old_b or "carried_over:" in line for line in removed)
    assert "carried_over" not in path.read_text().split("  25:\n", 1)[1].split("    E:\n", 1)[1].split("    F:", 1)[0]
    assert not browser.find_elements("css selector", '[data-field="answers/25/E:reviewed"]')  # reviewed: no control left


def test_a_change_on_disk_is_merged_or_asked_about(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    url, path = edited
    page = Page(browser, url)
    text = path.read_text()
    page.type("answers/23/D:text", "Belgium is not a source country of trafficked persons.")
    path.write_text(text.replace("signature: BUSH", "signature: SMITH"))  # another editor, a git pull
    page.find("#save").click()
    page.until(lambda: "Merged" in page.status())
    assert "Signature" in page.status() and "signature: SMITH" in path.read_text()
    assert "Belgium is not a source country of trafficked persons." in path.read_text()

    saved = path.read_text()
    page.type("answers/23/D:text", "Belgium is no source country.")
    path.write_text(saved.replace("Belgium is not a source country of trafficked persons.", "Belgium, not a source."))
    page.find("#save").click()
    page.until(lambda: page.find("#conflict").is_displayed())
    shown = page.find("#conflict-list").text
    assert "Belgium is no source country." in shown and "Belgium, not a source." in shown
    assert "Belgium, not a source." in path.read_text()  # nothing overwritten while asked
    page.find("#conflict-save").click()  # keeps what was typed (the default choice)
    page.until(lambda: page.status().startswith("Saved at"))
    assert "Belgium is no source country." in path.read_text() and "signature: SMITH" in path.read_text()

    saved = path.read_text()
    page.type("answers/23/D:text", "Mine, to be dropped.")
    path.write_text(saved.replace("Belgium is no source country.", "Theirs, to be kept."))
    page.find("#save").click()
    page.until(lambda: page.find("#conflict").is_displayed())
    page.find("#conflict-0-theirs").click()
    page.find("#conflict-save").click()
    page.until(lambda: page.status().startswith("Saved at"))
    assert "Theirs, to be kept." in path.read_text() and "Mine" not in path.read_text()
    assert page.control("answers/23/D:text").get_attribute("value") == "Theirs, to be kept."


def test_a_field_gone_from_the_file_is_asked_about_from_the_keyboard(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    """25.E marked reviewed on the page and by `tipdraft review` on disk meanwhile: the dialog
    shows the field, only the file's version can be kept (the other choice is disabled), Enter
    on the focused button saves, and axe-core finds nothing serious with the dialog open."""
    from selenium.webdriver.common.keys import Keys

    url, path = edited
    page = Page(browser, url)
    page.control("answers/25/E:reviewed").click()
    done = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "review", path.name, "25.E"],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    on_disk = path.read_text()
    page.find("#save").click()
    page.until(lambda: page.find("#conflict").is_displayed())
    shown = page.find("#conflict-list").text
    assert "25.E" in shown and "Marked reviewed" in shown and "no longer has this field" in shown and path.read_text() == on_disk
    assert not page.find("#conflict-0-mine").is_enabled() and page.find("#conflict-0-theirs").is_selected()
    assert serious_violations(browser) == []
    assert browser.switch_to.active_element == page.find("#conflict-save")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    page.until(lambda: page.status().startswith("Saved at"))
    assert path.read_text() == on_disk and not page.find("#conflict").is_displayed()


def test_typing_not_saved_is_offered_back_after_a_reload(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    url, path = edited
    page = Page(browser, url)
    before = path.read_text()
    page.type("answers/23/E:text", "Typed, never saved.")
    page.until(lambda: page.status().startswith("Not saved yet"))
    browser.refresh()
    page.until(lambda: page.find("#recover").is_displayed())
    assert "1 field(s)" in page.find("#recover-text").text
    page.find("#recover-yes").click()
    page.until(lambda: page.control("answers/23/E:text").get_attribute("value") == "Typed, never saved.")
    assert path.read_text() == before  # offered back, not written


def test_the_whole_form_from_the_keyboard_and_ctrl_s_saves(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, path = edited
    page = Page(browser, url)
    wanted = set(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('input, select, textarea, button, summary'))"
            ".filter(e => e.offsetParent !== null && !e.disabled).map(e => e.id || e.textContent)"
        )
    )
    reached: list[str] = []
    browser.find_element("css selector", "body").click()
    for _ in range(len(wanted) * 2 + 10):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        reached.append(active.get_attribute("id") or active.text)
        if len(reached) > 5 and reached[-1] == reached[0]:
            break
    assert not wanted - set(reached), sorted(wanted - set(reached))[:10]
    control = page.control("answers/27/A:text")
    control.click()
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", control)
    assert outline != "none"  # focus is visible
    control.send_keys(Keys.END, " Added from the keyboard.")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
    page.until(lambda: page.status().startswith("Saved at"))
    assert "Added from the keyboard." in path.read_text()


def test_axe_core_finds_no_serious_or_critical_violation(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    url, _ = edited
    page = Page(browser, url)
    page.type("answers/24/B:text", "A [TBD] answer \u2014 with problems.")
    page.until(lambda: "placeholder" in page.problems("answers/24/B:text"))
    browser.execute_script("document.querySelector('details.last-year').open = true")
    assert serious_violations(browser) == []


def test_what_is_still_to_review_is_counted_filtered_and_stepped_through(browser: Any, edited: tuple[str, Path]) -> None:  # noqa: F811
    url, _ = edited
    page = Page(browser, url)
    count = page.find("#review-count").text
    left = int(count.split()[0])
    assert left > 40 and "still to review" in count
    page.find("#review-next").click()
    first = browser.switch_to.active_element
    assert first.get_attribute("id") == page.control("unreviewed:contact").get_attribute("id") or first.tag_name in (
        "textarea",
        "input",
    )
    page.find("#review-next").click()
    assert browser.switch_to.active_element != first
    page.control("answers/23/A:reviewed").click()
    page.until(lambda: page.find("#review-count").text.startswith(f"{left - 1} item(s)"))
    page.find("#review-only").click()
    assert not page.control("answers/23/A:text").is_displayed()  # reviewed: filtered out
    assert page.control("answers/23/B:text").is_displayed()  # still to review
    assert not page.control("answers/24/A:to_follow").is_displayed() or page.control("answers/24/A:reviewed").is_displayed()


def test_typing_survives_a_crash_of_the_server(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    """Killed, then started again on the same file: the same address (the file's own port),
    so the page finds what was typed and not saved."""
    from urllib.parse import urlsplit

    path = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, path)
    command = [sys.executable, "-m", "tip_drafter", "edit", path.name, "--no-open"]
    first = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert first.stdout is not None
        url = first_line(first)
        page = Page(browser, url)
        page.type("answers/23/D:text", "Typed before the crash.")
        page.until(lambda: page.status().startswith("Not saved yet"))
    finally:
        first.kill()
        first.wait(15)
    second = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert second.stdout is not None
        again = first_line(second)
        assert urlsplit(again).port == urlsplit(url).port and again != url  # the same address, a new token
        page = Page(browser, again)
        page.until(lambda: page.find("#recover").is_displayed())
        page.find("#recover-yes").click()
        page.until(lambda: page.control("answers/23/D:text").get_attribute("value") == "Typed before the crash.")
        second.send_signal(signal.SIGINT)
        _, err = second.communicate(timeout=15)
        assert second.returncode == 130 and "Traceback" not in err, err
    finally:
        second.kill()
