"""Benchmark: `tipdraft edit`, the command itself in a process of its own, driven over HTTP as the page drives it.

    python bench/edit.py [--keys N] [--saves N] [--starts N]

- keystroke: a POST /check of one changed answer (what the page sends 300 ms after typing
  stops) to its answer: the problems of every field and the cable's HTML. Median and max
  over N for Belgium's file; target <= 150 ms (issue 21). Baseline, in this process: what
  `validate` does for the same file (api.check), warm.
- save: a POST /save of one changed answer to its answer, the file written by then (checked);
  target <= 100 ms.
- start: from starting the command to the page usable: its address printed, the page, its
  script and its form fields fetched and the first check answered (what the page does before
  a user can type); and, with selenium and Debian's chromium, the page in a running headless
  browser with its form built and the first check shown; target <= 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tip_drafter import api  # noqa: E402

FIELD = "answers/25/A:text"


class Served:
    """``tipdraft edit`` started on a copy of Belgium's file."""

    def __init__(self, path: Path) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tip_drafter", "edit", str(path), "--no-open"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        url = urlsplit(self.process.stdout.readline().strip())
        self.port = int(url.port or 0)
        self.token = parse_qs(url.query)["token"][0]

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "X-Tipdraft-Token": self.token} if body is not None else {}
        target = path if body is not None else f"{path}?token={self.token}"
        connection.request(method, target, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if is_json else data

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def usable(served: Served) -> tuple[str, str]:
    """What the page does before a user can type; its form's digest and the answer's text."""
    for asset in ("/", "/edit.js", "/edit.css"):
        assert served.call("GET", asset)[0] == 200
    status, page = served.call("GET", "/form.json")
    assert status == 200
    assert served.call("POST", "/check", {"digest": page["digest"], "values": {}})[0] == 200
    return page["digest"], next(f["value"] for f in page["fields"] if f["id"] == FIELD)


def timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tipdraft-bench-edit-"))
    path = folder / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    starts = []
    for _ in range(args.starts):
        served = Served(path)
        usable(served)
        starts.append((time.perf_counter() - served.started) * 1000)
        served.stop()
    served = Served(path)
    try:
        digest, text = usable(served)
        keys, saves = [], []
        for n in range(args.keys):
            values = {FIELD: text + " x" * (n + 1)}

            def check(values: dict[str, str] = values) -> None:
                status, answer = served.call("POST", "/check", {"digest": digest, "values": values})
                assert status == 200 and answer["cable"] and not answer["problems"], answer

            keys.append(timed(check))
        for n in range(args.saves):
            wanted = f"{text} Saved {n}."

            def save(wanted: str = wanted) -> None:
                nonlocal digest
                status, answer = served.call("POST", "/save", {"digest": digest, "values": {FIELD: wanted}})
                assert status == 200, answer
                digest = answer["digest"]

            saves.append(timed(save))
            assert f"Saved {n}." in path.read_text()
    finally:
        served.stop()
    baseline = [timed(lambda: api.check(path)) for _ in range(args.keys)]
    shown = in_browser(path, args.starts)
    report("keystroke -> problems and cable", keys, 150)
    report("baseline: api.check (validate's work), in process", baseline, None)
    report("save -> file written", saves, 100)
    report("command -> page usable", starts, 1000)
    if shown:
        report("command -> page usable in headless chromium (fields built, first check shown)", shown, 1000)
    shutil.rmtree(folder)


def in_browser(path: Path, runs: int) -> list[float]:
    """From starting the command to its page in a browser (Debian's headless chromium, already
    running) showing the form and the first check's answer; nothing without selenium and chromium."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return []
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        return []
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager downloads nothing: the driver and browser are given
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    times = []
    try:
        for _ in range(runs):
            served = Served(path)
            try:
                driver.get(f"http://127.0.0.1:{served.port}/?token={served.token}")
                WebDriverWait(driver, 30, poll_frequency=0.01).until(
                    lambda d: d.execute_script("return document.body.dataset.state") == "ready"
                )
                times.append((time.perf_counter() - served.started) * 1000)
            finally:
                served.stop()
    finally:
        driver.quit()
    return times


def report(name: str, times: list[float], target: float | None) -> None:
    median = statistics.median(times)
    verdict = "" if target is None else (" ok" if median <= target else " OVER TARGET")
    goal = "" if target is None else f" (target <= {target:.0f} ms){verdict}"
    print(f"{name}: median {median:.1f} ms, max {max(times):.1f} ms over {len(times)}{goal}")


if __name__ == "__main__":
    main()
