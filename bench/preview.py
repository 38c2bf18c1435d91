"""Benchmark: `tipdraft preview`, in this process (its server and watcher threads, as the command runs them).

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tip_drafter import preview, preview_http  # noqa: E402

WORDS = "The first anti-smuggling measures were taken"


def events(server: preview_http.Server) -> Iterator[dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/events?token={server.token}")
    response = conn.getresponse()  # kept: the stream closes with it
    for raw in response.fp:
        if raw.startswith(b"data: "):
            yield json.loads(raw[6:])


def get_pdf(server: preview_http.Server) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", f"/cable.pdf?token={server.token}")
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, body
    conn.close()
    return body


def saves(server: preview_http.Server, path: Path, count: int) -> list[float]:
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


def pdfs(server: preview_http.Server, page: preview.Preview, count: int) -> tuple[list[float], list[float]]:
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
    page.refresh()
    server = preview_http.Server(page)
    stop, watching = threading.Event(), threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=preview.watch, args=(page, stop, watching), daemon=True).start()
    watching.wait(5)
    time.sleep(0.5)
    try:
        took = saves(server, path, args.saves)
        link, alone = pdfs(server, page, args.pdfs)
    finally:
        stop.set()
        page.close()
        server.shutdown()
        shutil.rmtree(folder)
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
