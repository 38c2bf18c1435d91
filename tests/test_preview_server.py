"""tipdraft preview without a browser: the token, the address, the routes, the page state, the PDF."""

from __future__ import annotations

import contextlib
import html
import http.client
import io
import itertools
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from processes import first_line, handles_sigterm, wait_until

from tip_drafter import api
from tip_drafter.cable import render
from tip_drafter.options import Options
from tip_drafter.preview import server as preview_http
from tip_drafter.preview import state as preview

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ("/", "/preview.js", "/preview.css", "/cable.css", "/events", "/cable.pdf")
FIRST_WORDS = "The first anti-smuggling measures were taken"


@dataclass
class Live:
    """A preview served in this process, watching a copy of Belgium's file."""

    server: preview_http.Server
    page: preview.Preview
    path: Path

    def get(self, target: str, token: str | None = None, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """GET ``target`` with the page's token (or ``token``) and Host 127.0.0.1:PORT (or ``host``)."""
        token = self.server.token if token is None else token
        sep = "&" if "?" in target else "?"
        url = f"{target}{sep}token={token}" if token else target
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.putrequest("GET", url, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.server.port}")
        conn.endheaders()
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        body = b"" if target.startswith("/events") and response.status == 200 else response.read()
        conn.close()
        return response.status, headers, body

    def events(self) -> Iterator[dict[str, object]]:
        """The event stream's updates, as the page gets them."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("GET", f"/events?token={self.server.token}")
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type", "").startswith("text/event-stream")
        try:
            for raw in response.fp:
                line = raw.decode()
                if line.startswith("data: "):
                    yield json.loads(line[6:])
        finally:
            conn.close()


def cable(state: dict[str, object]) -> str:
    """The text of the cable a page state shows."""
    return html.unescape(str(state["cable"]))


def save(path: Path, text: str) -> None:
    """Save as vim and VS Code do: write a new file, rename it over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@contextlib.contextmanager
def serving(page: preview.Preview, follow: bool = True) -> Iterator[Live]:
    """``page`` served in this process, and (``follow``) watched, as ``tipdraft preview`` runs it."""
    first = page.refresh()
    server = preview_http.Server(page)
    stop, watching = threading.Event(), threading.Event()
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)]
    if follow:
        threads.append(threading.Thread(target=preview.watch, args=(page, stop, watching), daemon=True))
    for thread in threads:
        thread.start()
    if follow:
        assert watching.wait(10), "the watch did not start"
        # Once its watches are set, the watch refreshes the page once (a save it may have
        # missed): that refresh says it is watching.
        deadline = time.monotonic() + 10
        while page.snapshot.version == first.version:
            assert time.monotonic() < deadline, "the watch did not begin"
            time.sleep(0.01)
    try:
        yield Live(server, page, page.path)
    finally:
        stop.set()
        page.close()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(5)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A copy of Belgium's file served (refreshed by the test itself)."""
    path = tmp_path / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    with serving(preview.Preview(path, settings=tmp_path), follow=False) as served:
        yield served


@pytest.fixture
def following(tmp_path: Path) -> Iterator[Live]:
    """A copy of Belgium's file served and watched: each save refreshes it."""
    path = tmp_path / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    with serving(preview.Preview(path, settings=tmp_path)) as served:
        yield served


def test_every_route_is_refused_without_the_token_and_served_with_it(live: Live) -> None:
    for route in ROUTES:
        assert live.get(route, token="")[0] == 403, route
        assert live.get(route, token="not-the-token")[0] == 403, route
        assert live.get(route, token=live.server.token[:-1])[0] == 403, route
        status, headers, _ = live.get(route)
        assert status == 200, route
        assert (
            "default-src 'self'" in headers["content-security-policy"]
            and "unsafe-inline" not in headers["content-security-policy"]
        )
        assert headers["x-content-type-options"] == "nosniff"
    assert live.get("/", token="")[2].startswith(b"refused: wrong or no token")


def test_it_listens_on_127_0_0_1_only_and_prints_that_address(live: Live) -> None:
    assert live.server.server_address[0] == "127.0.0.1"
    assert live.server.url.startswith(f"http://127.0.0.1:{live.server.port}/?token=")
    assert len(live.server.token) >= 32
    others = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1", "127.0.1.1"}
    for address in others:  # the machine's other addresses (if it has any) do not answer
        with pytest.raises(OSError), socket.create_connection((address, live.server.port), timeout=2):
            pass


def test_a_foreign_host_header_is_refused(live: Live) -> None:
    """A page of another site whose name the attacker points at 127.0.0.1 (DNS rebinding)."""
    port = live.server.port
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}", ""):
        assert live.get("/", host=host)[0] == 403, host
    assert live.get("/", host=f"localhost:{port}")[0] == 200


@pytest.mark.parametrize(
    "target",
    [
        "/../pyproject.toml",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/preview/%2e%2e/cable.html.j2",
        "//etc/passwd",
        "/etc/passwd",
        "/cable.html.j2",
        "/index.html",
        "/fonts/DejaVuSansMono.ttf",
        "/preview.js/../../pyproject.toml",
        f"/{ROOT}/pyproject.toml",
    ],
)
def test_nothing_but_the_page_s_own_routes_is_served(live: Live, target: str) -> None:
    status, _, body = live.get(target)
    assert status == 404
    assert b"root:" not in body and b"[project]" not in body and b"{%" not in body


def test_hostile_answer_text_is_data_on_the_page(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> <img src=http://evil.example/x.png> {{ 7*7 }} "quoted"'
    path = tmp_path / "belgium.yaml"
    path.write_text((ROOT / "countries" / "belgium.yaml").read_text().replace(FIRST_WORDS, f"{hostile} {FIRST_WORDS}", 1))
    page = preview.Preview(path, settings=tmp_path)
    state = page.refresh().as_json()
    cable = str(state["cable"])
    assert state["ok"], state["diagnostics"]
    assert (
        "-- A. &lt;script&gt;alert(1)&lt;/script&gt; &lt;img\nsrc=http://evil.example/x.png&gt; {{ 7*7 }} &#34;quoted&#34;"
        in cable
    )
    assert "<script" not in cable.lower() and "<img" not in cable.lower() and " 49 " not in cable
    # the file name too, on the page around the cable
    odd = tmp_path / "<img src=x>.yaml"
    shutil.copy(path, odd)
    server = preview_http.Server(preview.Preview(odd, settings=tmp_path))
    try:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        status, _, body = Live(server, server.preview, odd).get("/")
        assert status == 200 and b"&lt;img src=x&gt;.yaml" in body and b"<img" not in body
    finally:
        server.shutdown()
        server.server_close()


def test_an_invalid_save_shows_its_errors_at_their_items_and_keeps_the_last_good_cable(live: Live) -> None:
    good = live.page.snapshot
    assert good.ok and good.shown is not None and 'id="item-25-A"' in good.shown.body
    text = live.path.read_text()
    live.path.write_text(text.replace(f"    A: |-\n      {FIRST_WORDS}", f"    A: ''\n    Q: |-\n      {FIRST_WORDS}", 1))
    state = live.page.refresh([live.path]).as_json()
    assert not state["ok"] and state["shown_version"] == good.version and state["cable"] == good.shown.body
    assert str(state["summary"]).startswith("Not rendered: 2 error(s). Below: the last good cable, rendered at")
    found = {(d["anchor"], f"{d['place']}: {d['text']}") for d in state["diagnostics"]}  # type: ignore[union-attr, index]
    assert ("item-25-A", "para 25.A: answer is empty") in found
    assert any(a == "para-25" and "no item Q" in t for a, t in found)
    assert live.get("/cable.pdf")[0] == 409  # no PDF of a file with errors
    for broken in ("answers: [\n", ""):  # a YAML syntax error; an empty file
        live.path.write_text(broken)
        state = live.page.refresh().as_json()
        assert not state["ok"] and state["cable"] == good.shown.body and state["diagnostics"]
    live.path.unlink()  # removed for a moment, as some editors do
    state = live.page.refresh().as_json()
    assert "no such file" in json.dumps(state["diagnostics"]) and state["cable"] == good.shown.body
    live.path.write_text(text)
    assert live.page.refresh().as_json()["ok"]


@pytest.mark.slow
def test_the_event_stream_sends_the_new_cable_after_a_rename_save(following: Live) -> None:
    live = following
    stream = live.events()
    first = next(stream)
    assert first["ok"] and FIRST_WORDS in str(first["cable"])
    save(live.path, live.path.read_text().replace(FIRST_WORDS, "The earliest anti-smuggling measures were taken", 1))
    second = next(stream)
    assert second["ok"] and int(second["version"]) > int(first["version"])  # type: ignore[call-overload]
    assert "The earliest anti-smuggling" in str(second["cable"]) and FIRST_WORDS not in str(second["cable"])
    save(live.path, live.path.read_text().replace("  25:\n    mark: SBU", "  25:\n    mark: SBU\n  bad: [", 1))
    third = next(stream)
    assert not third["ok"] and third["cable"] == second["cable"] and "syntax" in json.dumps(third["diagnostics"]).lower()


@pytest.mark.slow
def test_saving_the_edition_a_template_or_tipdraft_toml_renders_again(tmp_path: Path) -> None:
    editions, house = tmp_path / "editions", tmp_path / "house"
    editions.mkdir()
    house.mkdir()
    shutil.copy(ROOT / "tip_drafter" / "editions" / "2009.yaml", editions / "2009.yaml")
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    page = preview.Preview(tmp_path / "belgium.yaml", Options(editions=[editions]), settings=tmp_path)
    with serving(page) as live:
        stream = live.events()
        assert "23. (SBU) THE COUNTRY'S TIP SITUATION" in cable(next(stream))
        edition = (editions / "2009.yaml").read_text()
        save(editions / "2009.yaml", edition.replace("THE COUNTRY'S TIP SITUATION", "THE COUNTRY'S SITUATION", 1))
        assert "23. (SBU) THE COUNTRY'S SITUATION" in cable(next(stream))
        body = (ROOT / "templates" / "cable.txt.j2").read_text()
        (house / "cable.txt.j2").write_text(
            body.replace("SUBJECT: {{ cable.subject }}\n", "SUBJECT: {{ cable.subject }}\nHOUSE LINE\n")
        )
        save(tmp_path / "tipdraft.toml", '[render]\ntemplate_dir = "house"\n')  # a new file in the watched folder
        assert "\nHOUSE LINE\n" in cable(next(stream))
        # the watcher now watches house/ too; a save there while it moves is caught up at once after
        save(
            house / "cable.txt.j2", body.replace("SUBJECT: {{ cable.subject }}\n", "SUBJECT: {{ cable.subject }}\nHOUSE LINE 2\n")
        )
        assert any("\nHOUSE LINE 2\n" in cable(state) for state in itertools.islice(stream, 2))
        save(tmp_path / "tipdraft.toml", '[render]\ntemplate_dir = "nowhere"\n')
        state = next(stream)
        assert not state["ok"] and "no such folder" in json.dumps(state["diagnostics"]) and "HOUSE LINE 2" in cable(state)


@pytest.mark.slow
def test_the_pdf_link_returns_the_pdf_tipdraft_render_writes(live: Live, tmp_path: Path) -> None:
    status, headers, body = live.get("/cable.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == "attachment; filename=\"belgium.pdf\"; filename*=UTF-8''belgium.pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "INVESTIGATION AND PROSECUTION OF TRAFFICKERS" in text
    written = api.render_file(live.path, tmp_path / "out", api.Options(formats=("pdf",)))
    assert written.written[0].read_bytes() == body


def _start(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tip_drafter", "preview", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return process, first_line(process)


@pytest.mark.parametrize(("ending", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_the_command_prints_the_address_first_and_stops_cleanly(tmp_path: Path, ending: signal.Signals, status: int) -> None:
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    process, url = _start("belgium.yaml", "--no-open", cwd=tmp_path)
    try:
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url
        port = int(url.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", url[len(f"http://127.0.0.1:{port}") :])
        assert conn.getresponse().status == 200
        conn.close()
        process.send_signal(ending)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == status
    assert "Traceback" not in err and "Traceback" not in out, err


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tip_drafter", "preview", "belgium.yaml", "--no-open", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"tipdraft: error: port {port} is in use (choose another with --port, or --port 0 for a free one)\n"


def test_a_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "preview", "nowhere.yaml", "--no-open"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "nowhere.yaml: error: no such file\n")


def test_a_dropped_connection_prints_no_traceback(live: Live, capfd: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", live.server.port)) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /")  # a keep-alive, then gone
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closed by a reset
    assert live.get("/")[0] == 200  # served after the three were taken in: their threads are running
    deadline = time.monotonic() + 10  # until they are done with them, not for a while that may be too short
    while any(t.name.endswith("(process_request_thread)") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the dropped connections are still being handled"
        time.sleep(0.01)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("template", ["cable.txt.j2", "cable.html.j2"])
def test_an_override_that_never_ends_is_stopped_at_its_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    """Every template of the cable, the PDF's page too, runs at the save, in any thread
    (the time limit is a deadline the sandbox checks, no signal); the PDF link has only WeasyPrint left to run."""
    monkeypatch.setattr(render, "MAX_SECONDS", 0.3)
    house = tmp_path / "house"
    house.mkdir()
    (house / template).write_text("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n")
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    page = preview.Preview(tmp_path / "belgium.yaml", Options(template_dirs=[house]), settings=tmp_path)
    snapshot = page.refresh()
    assert not snapshot.ok
    assert f"{template}:1: template error: still running after 0.3 s" in snapshot.problem + " ".join(
        d.message for d in snapshot.diagnostics
    )


def test_a_fault_of_tipdraft_on_one_save_is_shown_and_the_next_save_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    page = preview.Preview(tmp_path / "belgium.yaml", settings=tmp_path)
    good = page.refresh()
    assert good.ok
    real = api.check

    def broken(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(api, "check", broken)
    faulty = page.refresh()
    assert not faulty.ok and faulty.shown is good.shown  # the last good cable stays
    assert "could not render this save (RecursionError: maximum recursion depth exceeded)" in faulty.problem
    monkeypatch.setattr(api, "check", real)
    assert page.refresh().ok


@pytest.mark.parametrize(("ending", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_first_render_stops_it_cleanly(tmp_path: Path, ending: signal.Signals, status: int) -> None:
    """Before the address is printed (the CLI loading, or the first render of a big file): the
    same exit, no traceback."""
    text = (ROOT / "countries" / "belgium.yaml").read_text()
    big = text.replace("    A: |-\n", "    A: |-\n" + "      Words enough to take a while to lay out.\n" * 20000, 1)
    (tmp_path / "belgium.yaml").write_text(big)
    process = subprocess.Popen(
        [sys.executable, "-m", "tip_drafter", "preview", "belgium.yaml", "--no-open"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: handles_sigterm(process.pid), 30, "tipdraft starts")
        process.send_signal(ending)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert out == ""  # it came before the address
    assert process.returncode == status, err
    assert "Traceback" not in err and "Error" not in err, err


@pytest.mark.slow
def test_a_save_just_after_the_address_is_printed_is_shown(tmp_path: Path) -> None:
    """The watch begins a moment after the address is printed: a save in between is caught
    once it runs."""
    path = tmp_path / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    process, url = _start("belgium.yaml", "--no-open", cwd=tmp_path)
    try:
        save(path, path.read_text().replace(FIRST_WORDS, "Saved at once, " + FIRST_WORDS, 1))
        port = int(url.split(":")[2].split("/")[0])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/events" + url[url.index("?") :])
            response = conn.getresponse()
            state = json.loads(next(line for line in response.fp if line.startswith(b"data: "))[6:])
            conn.close()
            if "Saved at once" in cable(state):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the save made just after the address was printed never reached the page")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


@pytest.mark.parametrize("name", ['a"b.pdf', "x\r\nSet-Cookie: y=1.pdf", "caf\u00e9 \u200b.pdf", "back\\slash.pdf"])
def test_a_file_name_cannot_break_out_of_the_download_header(name: str) -> None:
    header = preview_http.attachment(name)
    assert header.isascii() and header.isprintable()  # no CR, LF or other control to end the header
    plain = header.split('filename="', 1)[1].split('"; filename*=', 1)[0]
    assert '"' not in plain and "\\" not in plain  # the quoted name ends where it should
    encoded = header.rsplit("filename*=UTF-8''", 1)[1]
    assert urllib.parse.unquote(encoded) == name  # and the exact name is kept


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "f.yaml:1:1: error: not a regular file (a pipe, socket or device): cannot be a country file"),
        (os.mkdir, "f.yaml: error: is a folder, not a country file"),
        (lambda path: None, "f.yaml: error: no such file"),
    ],
)
def test_a_file_that_cannot_be_a_country_file_is_said_at_once_as_validate_says_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any, message: str
) -> None:
    from typer.testing import CliRunner

    from tip_drafter.cli.main import app

    monkeypatch.chdir(tmp_path)
    make("f.yaml")
    result = CliRunner().invoke(app, ["preview", "f.yaml", "--no-open"])
    assert (result.exit_code, result.stderr.strip(), result.stdout) == (1, message, "")
