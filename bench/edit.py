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
  a user can type); target <= 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
    report("keystroke -> problems and cable", keys, 150)
    report("baseline: api.check (validate's work), in process", baseline, None)
    report("save -> file written", saves, 100)
    report("command -> page usable", starts, 1000)
    shutil.rmtree(folder)


def report(name: str, times: list[float], target: float | None) -> None:
    median = statistics.median(times)
    verdict = "" if target is None else (" ok" if median <= target else " OVER TARGET")
    goal = "" if target is None else f" (target <= {target:.0f} ms){verdict}"
    print(f"{name}: median {median:.1f} ms, max {max(times):.1f} ms over {len(times)}{goal}")


if __name__ == "__main__":
    main()
