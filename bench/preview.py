"""Benchmark: `tipdraft preview`, in this process, run by the command's own `serve` (saves rendered in the main thread).

    python bench/preview.py [--saves N] [--pdfs N]

- save -> page: a copy of countries/belgium.yaml is saved N times (an answer's words changed,
  written to a new file renamed over the old one, as editors save); each time, the time from
  the rename to the event stream delivering the page state with the new text and its
  diagnostics. Target: <= 150 ms (issue 13), median and max.
- PDF link: GET /cable.pdf against WeasyPrint alone laying out and writing the same HTML
  (the same PDF/UA variant) in the same warm process, interleaved; the ratio of the medians.
  Target: <= 1.15x.
"""

from __future__ import annotations

import _thread
import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tip_drafter.preview import server as preview_http  # noqa: E402
from tip_drafter.preview import state as preview  # noqa: E402

WORDS = "The first anti-smuggling measures were taken"


@dataclass
class Address:
    """Where the page is served: its port and token."""

    port: int
    token: str


def events(server: Address) -> Iterator[dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/events?token={server.token}")
    response = conn.getresponse()  # kept: the stream closes with it
    for raw in response.fp:
        if raw.startswith(b"data: "):
            yield json.loads(raw[6:])


def get_pdf(server: Address) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", f"/cable.pdf?token={server.token}")
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, body
    conn.close()
    return body


def saves(server: Address, path: Path, count: int) -> list[float]:
    """Seconds from each rename-save to the page state holding its text."""
    stream = events(server)
    next(stream)
    original = path.read_text()
    took = []
    for n in range(count):
        marker = f"The first anti-smuggling measures (save {n}) were taken"
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(original.replace(WORDS, marker, 1))
        start = time.perf_counter()
        os.replace(temporary, path)
        while True:
            state = next(stream)
            if f"(save {n})" in " ".join(str(state["cable"]).split()) and isinstance(state["diagnostics"], list):
                took.append(time.perf_counter() - start)
                break
        time.sleep(0.1)
    return took


def pdfs(server: Address, page: preview.Preview, count: int) -> tuple[list[float], list[float]]:
    """Seconds for the PDF link, and for WeasyPrint alone on the same HTML, interleaved."""
    import weasyprint

    shown = page.snapshot.shown
    assert shown is not None
    job = shown.prepared.pdf_job
    assert job is not None
    base = job.assets[0].as_uri() + "/"
    get_pdf(server)  # warm both
    weasyprint.HTML(string=job.html, base_url=base).write_pdf(pdf_variant="pdf/ua-1")
    link, alone = [], []
    for _ in range(count):
        start = time.perf_counter()
        get_pdf(server)
        link.append(time.perf_counter() - start)
        start = time.perf_counter()
        weasyprint.HTML(string=job.html, base_url=base).write_pdf(pdf_variant="pdf/ua-1")
        alone.append(time.perf_counter() - start)
    return link, alone


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--pdfs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tipdraft-bench-"))
    path = folder / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    page = preview.Preview(path, settings=folder)
    measured: dict[str, list[float]] = {}

    def drive(url: str) -> None:
        """Measure against the page ``serve`` has just put up, then stop it as Ctrl-C would."""
        parts = urlsplit(url)
        server = Address(parts.port or 0, parse_qs(parts.query)["token"][0])
        try:
            time.sleep(0.5)  # the watcher's inotify watches are set up
            measured["took"] = saves(server, path, args.saves)
            measured["link"], measured["alone"] = pdfs(server, page, args.pdfs)
        finally:
            _thread.interrupt_main()

    try:  # the command's own loop, in the main thread: the saves are rendered there
        preview_http.serve(page, 0, lambda url, _opener: threading.Thread(target=drive, args=(url,), daemon=True).start())
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(folder)
    took, link, alone = measured["took"], measured["link"], measured["alone"]
    median, worst = statistics.median(took) * 1000, max(took) * 1000
    ratio = statistics.median(link) / statistics.median(alone)
    print(f"save -> page ({args.saves} saves): median {median:.0f} ms, max {worst:.0f} ms (target <= 150 ms)")
    print(
        f"PDF link ({args.pdfs} runs): {statistics.median(link):.3f} s; WeasyPrint alone {statistics.median(alone):.3f} s;"
        f" ratio {ratio:.2f} (target <= 1.15)"
    )
    return 0 if worst <= 150 and ratio <= 1.15 else 1


if __name__ == "__main__":
    sys.exit(main())
