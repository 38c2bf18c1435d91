"""tipdraft preview against a hostile local user and a slow browser: half-open connections,
the token's visibility in ``ps``, a ``$BROWSER`` that never returns, process-wide state
changed from request threads; and the page's words for a drafter."""

from __future__ import annotations

import _thread
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from processes import first_line

from tip_drafter.preview import gate
from tip_drafter.preview import server as preview_http
from tip_drafter.preview import state as preview

ROOT = Path(__file__).resolve().parent.parent
FIRST_WORDS = "The first anti-smuggling measures were taken"


@contextlib.contextmanager
def serving(path: Path) -> Iterator[preview_http.Server]:
    """``path`` served in this process (no watcher: the tests refresh it themselves)."""
    page = preview.Preview(path, settings=path.parent)
    page.refresh()
    server = preview_http.Server(page)
    listener = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    listener.start()
    try:
        yield server
    finally:
        page.close()
        server.shutdown()
        server.server_close()
        listener.join(5)


@pytest.fixture
def belgium(tmp_path: Path) -> Path:
    path = tmp_path / "belgium.yaml"
    shutil.copy(ROOT / "countries" / "belgium.yaml", path)
    return path


def get(port: int, target: str, headers: dict[str, str] | None = None, timeout: float = 10) -> http.client.HTTPResponse:
    """GET ``target`` from 127.0.0.1:``port`` (the Host it answers to), the response unread."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", target, headers=headers or {})
    return conn.getresponse()


def closed_within(client: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``client`` within ``seconds`` (it sends nothing before)."""
    client.settimeout(seconds)
    try:
        return client.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.slow
def test_half_open_connections_hold_no_thread_and_are_closed_in_time(belgium: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """200 clients that send half a request line (no token needed): the server answers a real
    request at once, holds no thread for them, and closes them after the head's time limit."""
    monkeypatch.setattr(gate, "HEAD_SECONDS", 1.5)
    with serving(belgium) as server:
        threads = threading.active_count()
        clients = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(200)]
        try:
            for client in clients:
                client.sendall(b"GET /?tok")
            started = time.monotonic()
            response = get(server.port, f"/?token={server.token}", timeout=5)
            assert response.status == 200 and b"tipdraft preview" in response.read()
            assert time.monotonic() - started < 2.0  # promptly, not after the slow ones
            assert threading.active_count() - threads < 10  # no thread per slow client
            assert all(closed_within(client, 5) for client in clients)  # each dropped at its time limit
        finally:
            for client in clients:
                client.close()


def test_more_waiting_connections_than_the_bound_close_the_oldest(belgium: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "MAX_WAITING", 20)
    with serving(belgium) as server:
        clients = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(30)]
        try:
            for client in clients:
                client.sendall(b"GET / HT")
                time.sleep(0.01)  # in order: the first ones are the oldest
            assert all(closed_within(client, 3) for client in clients[:10])
            assert get(server.port, f"/?token={server.token}", timeout=5).status == 200
        finally:
            for client in clients:
                client.close()


def test_requests_answered_at_once_are_bounded_and_the_rest_told_503(belgium: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "MAX_ANSWERING", 3)
    with serving(belgium) as server:
        streams = [get(server.port, f"/events?token={server.token}", timeout=5) for _ in range(3)]  # each holds its thread
        try:
            assert all(stream.status == 200 for stream in streams)
            busy = get(server.port, f"/?token={server.token}", timeout=5)
            assert busy.status == 503
        finally:
            for stream in streams:
                stream.close()


def test_the_browser_is_opened_with_a_one_time_code_exchanged_for_a_cookie(belgium: Path) -> None:
    with serving(belgium) as server:
        assert server.token not in server.opener and "/open?code=" in server.opener
        target = server.opener.split(str(server.port), 1)[1]
        response = get(server.port, target)
        assert response.status == 303 and response.getheader("Location") == "/"
        cookie = response.getheader("Set-Cookie", "")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and server.token in cookie
        jar = {"Cookie": cookie.split(";", 1)[0]}
        page = get(server.port, "/", jar)
        body = page.read()
        assert page.status == 200 and server.token.encode() not in body  # nor in the page's own address
        for route in ("/preview.js", "/preview.css", "/cable.css", "/cable.pdf"):
            assert get(server.port, route, jar).status == 200, route
        events = get(server.port, "/events", jar)
        assert events.status == 200
        events.close()
        assert get(server.port, target).status == 403  # once only: whoever read it in ps comes too late
        again = get(server.port, target, jar)  # the browser that has the cookie (a restored tab)
        assert again.status == 303 and again.getheader("Set-Cookie") is None
        assert get(server.port, "/", {"Cookie": f"{server.cookie}=not-the-token"}).status == 403
        assert get(server.port, "/", {"Cookie": "tipdraft-preview-1=" + server.token, "Host": "evil.example"}).status == 403
        assert get(server.port, f"/?token={server.token}").status == 200  # the printed address still works


def test_a_used_or_old_code_is_refused(belgium: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview_http, "CODE_SECONDS", 0.0)
    with serving(belgium) as server:
        target = server.opener.split(str(server.port), 1)[1]
        assert get(server.port, target).status == 403
        assert get(server.port, "/open?code=").status == 403


def _browser_script(tmp_path: Path) -> tuple[Path, Path]:
    """A $BROWSER that writes down its command line and pid, then stays open (as a browser does)."""
    record = tmp_path / "browser-argv.json"
    script = tmp_path / "browser.py"
    script.write_text(
        "import json, os, sys, time\n"
        f"open({str(record)!r} + '.tmp', 'w').write(json.dumps({{'argv': sys.argv, 'pid': os.getpid()}}))\n"
        f"os.replace({str(record)!r} + '.tmp', {str(record)!r})\n"
        "time.sleep(60)\n"
    )
    launcher = tmp_path / "browser"
    launcher.write_text(f'#!/bin/sh\nexec {sys.executable} {script} "$@"\n')
    launcher.chmod(0o700)
    return launcher, record


def _state(url: str) -> dict[str, Any]:
    """The page's state now, as its event stream first sends it."""
    port = int(url.split(":")[2].split("/")[0])
    response = get(port, "/events" + url[url.index("?") :], timeout=10)
    try:
        line = next(line for line in response.fp if line.startswith(b"data: "))
    finally:
        response.close()
    return dict(json.loads(line[6:]))


def test_a_browser_that_stays_open_neither_sees_the_token_nor_holds_up_the_saves(belgium: Path, tmp_path: Path) -> None:
    launcher, record = _browser_script(tmp_path)
    env = {**os.environ, "NO_COLOR": "1", "BROWSER": str(launcher)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tip_drafter", "preview", belgium.name],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    browser_pid = None
    try:
        assert process.stdout is not None
        url = first_line(process)
        token = url.split("token=", 1)[1]
        deadline = time.monotonic() + 20
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        opened = json.loads(record.read_text())
        browser_pid = opened["pid"]
        assert not any(token in arg for arg in opened["argv"]), opened["argv"]  # nothing in ps to steal
        assert any("/open?code=" in arg for arg in opened["argv"])
        # the browser still runs; a save is shown all the same
        belgium.write_text(belgium.read_text().replace(FIRST_WORDS, "Saved while the browser runs, " + FIRST_WORDS, 1))
        deadline = time.monotonic() + 10
        while "Saved while the browser runs" not in str(_state(url)["cable"]):
            assert time.monotonic() < deadline, "a save was not shown while the browser command ran"
            time.sleep(0.1)
    finally:
        if browser_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(browser_pid, signal.SIGKILL)
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=15)
        finally:
            process.kill()
    assert process.returncode == 130


class Recording(dict[str, str]):
    """``os.environ`` for a test: each change, by the thread that made it."""

    changed_by: list[str]

    def __setitem__(self, key: str, value: str) -> None:
        self.changed_by.append(threading.current_thread().name)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.changed_by.append(threading.current_thread().name)
        super().__delitem__(key)


@pytest.mark.slow
def test_no_request_thread_changes_the_process_s_environment(belgium: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF link's PDF (WeasyPrint sets SOURCE_DATE_EPOCH) is made by the main thread, between
    two saves, not by the request's thread while others read the environment."""
    environment = Recording(os.environ)
    environment.changed_by = []
    monkeypatch.setattr(os, "environ", environment)
    page = preview.Preview(belgium, settings=belgium.parent)
    answers: list[tuple[int, bytes]] = []

    def drive(url: str, _opener: str) -> None:
        def run() -> None:
            try:
                port = int(url.split(":")[2].split("/")[0])
                response = get(port, "/cable.pdf" + url[url.index("?") :], timeout=60)
                answers.append((response.status, response.read()))
            finally:
                _thread.interrupt_main()

        threading.Thread(target=run, daemon=True).start()

    with pytest.raises(KeyboardInterrupt):
        preview_http.serve(page, 0, drive)
    assert answers and answers[0][0] == 200 and answers[0][1].startswith(b"%PDF")
    assert set(environment.changed_by) <= {threading.main_thread().name}, environment.changed_by


def _new_draft(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "countries" / "belgium.yaml", tmp_path / "belgium.yaml")
    subprocess.run(
        [sys.executable, "-m", "tip_drafter", "new", "--from", "belgium.yaml", "--year", "2010", "-o", "my draft.yaml"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return tmp_path / "my draft.yaml"


def test_a_new_draft_previewed_without_draft_says_what_to_do(tmp_path: Path) -> None:
    path = _new_draft(tmp_path)
    state = preview.Preview(path, settings=tmp_path).refresh().as_json()
    assert not state["ok"] and state["cable"] is None
    quoted = f"'{path}'"  # a path with a space, shell-quoted: it can be pasted
    assert state["advice"] == (
        "This is a draft: its answers are not yet reviewed. "
        f"Run tipdraft preview --draft {quoted}, or mark them reviewed with tipdraft review {quoted}"
    )
    assert str(tmp_path) not in str(state["summary"])
    drafted = preview.Preview(path, preview.Options(draft=True), settings=tmp_path).refresh().as_json()
    assert drafted["ok"] and drafted["advice"] == ""


def test_a_file_with_other_errors_gets_no_draft_advice(belgium: Path) -> None:
    belgium.write_text(belgium.read_text().replace(f"    A: |-\n      {FIRST_WORDS}", "    A: ''\n    Q: |-\n      x", 1))
    state = preview.Preview(belgium, settings=belgium.parent).refresh().as_json()
    assert not state["ok"] and state["advice"] == ""


def test_the_page_lists_errors_first_in_the_drafter_s_words(belgium: Path) -> None:
    text = belgium.read_text()
    # a warning early in the file (a TBD in a draft is one), an error late
    broken = text.replace(FIRST_WORDS, "TBD " + FIRST_WORDS, 1).replace("  27:\n", "  27:\n    Z: stray\n", 1)
    belgium.write_text(broken)
    state = preview.Preview(belgium, preview.Options(draft=True), settings=belgium.parent).refresh().as_json()
    entries = state["diagnostics"]
    severities = [d["severity"] for d in entries]
    assert "warning" in severities and "error" in severities
    assert severities == sorted(severities)  # "error" < "warning": every error before every warning
    for d in entries:
        assert str(belgium.parent) not in json.dumps(d), d  # the file's name, never its folder
        assert d["detail"].startswith("belgium.yaml:")  # line and column, apart from the words
    error = next(d for d in entries if d["severity"] == "error")
    assert error["place"].startswith("para 27") and "belgium.yaml" not in error["text"]
