"""The form's server: a request that changes something is refused without the token, from
another site, as anything but JSON, or with a body too big or that never comes."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tip_drafter.options import Options
from tip_drafter.preview import edit_server
from tip_drafter.preview.edit_server import EditServer
from tip_drafter.preview.edit_session import EditSession

from conftest import BELGIUM


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EditServer]:
    path = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, path)
    served = EditServer(EditSession.open(path, Options()))
    listener = threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    listener.start()
    try:
        yield served
    finally:
        served.shutdown()
        served.server_close()
        listener.join(5)


def request(
    server: EditServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(data) if kind.startswith("application/json") else data
    finally:
        connection.close()


def form(server: EditServer) -> dict[str, Any]:
    status, page = request(server, "GET", f"/form.json?token={server.token}")
    assert status == 200
    return dict(page)


def post(server: EditServer, path: str, payload: Any, **headers: str) -> tuple[int, Any]:
    sent = {"Content-Type": "application/json", edit_server.TOKEN_HEADER: server.token, **headers}
    return request(server, "POST", path, json.dumps(payload).encode(), {k: v for k, v in sent.items() if v})


def test_a_check_from_the_page_is_answered(server: EditServer) -> None:
    page = form(server)
    origin = f"http://127.0.0.1:{server.port}"
    status, answer = post(
        server, "/check", {"digest": page["digest"], "values": {}}, Origin=origin, **{"Sec-Fetch-Site": "same-origin"}
    )
    assert status == 200 and answer["problems"] == [] and "BRUSSELS" in answer["cable"]


def test_the_cookie_carries_the_token_for_the_opened_browser(server: EditServer) -> None:
    page = form(server)
    cookie = f"{server.cookie}={server.token}"
    status, _ = post(
        server, "/check", {"digest": page["digest"], "values": {}}, **{edit_server.TOKEN_HEADER: "", "Cookie": cookie}
    )
    assert status == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({edit_server.TOKEN_HEADER: ""}, 403),  # no token
        ({edit_server.TOKEN_HEADER: "guess"}, 403),
        ({"Origin": "http://evil.example"}, 403),  # a page the user visits, posting here
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Host": "evil.example"}, 403),  # DNS rebinding
        ({"Content-Type": "text/plain"}, 415),  # what a form on another site can send without asking
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ],
)
def test_a_request_not_from_the_page_is_refused_and_changes_nothing(
    server: EditServer, headers: dict[str, str], status: int
) -> None:
    page = form(server)
    before = server.session.path.read_bytes()
    got, answer = post(server, "/save", {"digest": page["digest"], "values": {"cable/signature": "EVIL"}}, **headers)
    assert got == status and "refused" in answer["error"]
    assert server.session.path.read_bytes() == before


def test_bodies_are_json_of_the_right_shape_and_small(server: EditServer) -> None:
    headers = {"Content-Type": "application/json", edit_server.TOKEN_HEADER: server.token}
    assert request(server, "POST", "/check", b"{not json", headers)[0] == 400
    assert request(server, "POST", "/check", b"[1, 2]", headers)[0] == 400
    assert request(server, "POST", "/check", json.dumps({"digest": 1, "values": []}).encode(), headers)[0] == 400
    # Too big: refused by its length, before a byte of it is read (the head alone is sent, so
    # the refusal cannot break a pipe still being written, as a whole body under load could).
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        head = f"POST /check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
        raw.sendall(
            f"{head}{edit_server.TOKEN_HEADER}: {server.token}\r\nContent-Length: {edit_server.MAX_BODY + 1}\r\n\r\n".encode()
        )
        answer = b"".join(iter(lambda: raw.recv(4096), b""))  # to the end: the server closes the connection
    assert answer.startswith(b"HTTP/1.1 413 ") and b"at most" in answer
    assert request(server, "POST", "/elsewhere", b"{}", headers)[0] == 404


def test_a_body_without_a_length_is_refused(server: EditServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        head = f"POST /check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
        raw.sendall(f"{head}{edit_server.TOKEN_HEADER}: {server.token}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 411 ")


def test_a_body_that_never_comes_frees_its_thread(server: EditServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit_server, "BODY_SECONDS", 0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        head = f"POST /check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
        raw.sendall(f"{head}{edit_server.TOKEN_HEADER}: {server.token}\r\nContent-Length: 1000\r\n\r\n{{".encode())
        started = time.monotonic()
        assert raw.recv(100) == b""  # closed, unanswered, once the time is up
        assert time.monotonic() - started < 5


def test_a_save_writes_the_file_and_a_conflict_is_409(server: EditServer) -> None:
    page = form(server)
    path = server.session.path
    status, answer = post(server, "/save", {"digest": page["digest"], "values": {"cable/signature": "SMITH"}})
    assert status == 200 and "signature: SMITH" in path.read_text()
    path.write_text(path.read_text().replace("signature: SMITH", "signature: JONES"))
    status, answer = post(server, "/save", {"digest": answer["digest"], "values": {"cable/signature": "BROWN"}})
    assert status == 409 and answer["conflict"][0]["theirs"] == "JONES" and "signature: JONES" in path.read_text()
    status, answer = post(server, "/check", {"digest": "f" * 64, "values": {}})
    assert status == 410 and "reload" in answer["error"]


def test_a_file_is_edited_at_its_own_port_or_a_free_one_if_taken(tmp_path: Path) -> None:
    path = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, path)
    session = EditSession.open(path, Options())
    own = edit_server.own_port(path)
    assert edit_server.OWN_PORTS[0] <= own < edit_server.OWN_PORTS[1] and own == edit_server.own_port(
        tmp_path / "." / "belgium.yaml"
    )
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", own))
        except OSError:
            pytest.skip(f"port {own} is in use here")
        taken.listen()
        server = edit_server.listening(session, None)
        try:
            assert server.port != own
        finally:
            server.server_close()
    server = edit_server.listening(session, None)
    try:
        assert server.port == own
    finally:
        server.server_close()


def test_a_field_the_file_does_not_have_is_refused_not_dropped(server: EditServer) -> None:
    page = form(server)
    origin = f"http://127.0.0.1:{server.port}"
    before = server.session.path.read_bytes()
    status, answer = post(
        server,
        "/save",
        {"digest": page["digest"], "values": {"answers/25/B:text": "x"}},
        Origin=origin,
        **{"Sec-Fetch-Site": "same-origin"},
    )
    assert status == 400 and "answers/25/B:text" in answer["error"]
    assert server.session.path.read_bytes() == before


@pytest.mark.parametrize(
    "values",
    [
        {"cable/subject": ["a", "b"]},
        {"cable/subject": {"a": 1}},
        {"cable/subject": None},
        {"cable/subject": 5},
        {"cable/tags": [["a"], {"b": 1}]},
        {"hours/employees": 7},
        {"answers/23/D:to_follow": {"text": "x"}},
    ],
)
def test_a_value_the_page_cannot_send_is_refused_and_nothing_is_written(server: EditServer, values: dict[str, Any]) -> None:
    page = form(server)
    before = server.session.path.read_bytes()
    for path in ("/check", "/save"):
        status, answer = post(server, path, {"digest": page["digest"], "values": values})
        assert status == 400 and "not a value these fields take" in answer["error"], answer
    assert server.session.path.read_bytes() == before


def test_bodies_python_reads_but_json_has_not_are_refused_as_not_json(server: EditServer) -> None:
    page = form(server)
    headers = {"Content-Type": "application/json", edit_server.TOKEN_HEADER: server.token}
    nested = ("[" * 100_000 + "]" * 100_000).encode()  # deeper than Python's recursion limit
    nan = b'{"digest": "%s", "values": {"cable/subject": NaN}}' % page["digest"].encode()
    for body in (nested, nan):
        status, answer = request(server, "POST", "/save", body, headers)
        assert status == 400 and answer["error"] == "the request is not JSON"
    status, answer = post(server, "/check", {"digest": page["digest"], "values": {"cable/serial": "9" * 5000}})
    assert status == 200 and any(p["field"] == "cable/serial" for p in answer["problems"])
