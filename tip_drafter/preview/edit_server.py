"""The form's web server: the preview's hand-written server (127.0.0.1, token and Host checks,
the gate's time limits and bounds) with the form's page and two JSON requests that change
state, ``/check`` and ``/save``. Every such request is refused unless it carries the token (a
header, or the page's cookie), comes from the page's own origin, is JSON and is small."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..cable import render
from ..errors import TipDraftError, UsageError
from .edit_session import EditSession, Stale
from .server import FIELD, STOP_SECONDS, Handler, Server, stop_within
from .state import Preview

MAX_BODY = 1024 * 1024  # the most a request body may hold (a whole country file is ~40 KB)
BODY_SECONDS = 10.0  # a request body arrives within this, whole
JOB_SECONDS = 60.0  # a check or save waits this long for the main thread
ASSETS = "edit"
STATIC = {"/edit.js": ("edit.js", "text/javascript"), "/edit.css": ("edit.css", "text/css")}
TOKEN_HEADER = "X-Tipdraft-Token"
OWN_PORTS = (20000, 32000)  # a file's own port is in this range (Linux hands out 32768 and up to clients)
Job = Callable[[], tuple[HTTPStatus, dict[str, Any]]]


class EditServer(Server):
    """The preview's server serving the form of one file; checks and saves are run by the
    main thread (``serve``), one at a time."""

    def __init__(self, session: EditSession, port: int = 0) -> None:
        super().__init__(Preview(session.path, session.options), port)
        self.session = session
        self.cookie = f"tipdraft-edit-{self.port}"
        assets = render.bundled_templates() / ASSETS
        self.static = {route: ((assets / name).read_bytes(), kind) for route, (name, kind) in STATIC.items()}
        self.index = (assets / "index.html").read_text(encoding="utf-8")
        self.origins = {f"http://{host}" for host in self.hosts}
        # where checks and saves run: here, unless ``serve`` hands them to its main thread
        self.run: Callable[[Job], tuple[HTTPStatus, dict[str, Any]]] = lambda job: job()

    def _answer(self, connection: Any, client_address: Any, head: bytes) -> None:
        try:
            EditHandler(connection, client_address, self, head)
        except Exception:
            self.handle_error(connection, client_address)
        finally:
            self.shutdown_request(connection)


class EditHandler(Handler):
    """The page, its assets, the form's fields (GET); a check and a save (POST)."""

    server: EditServer

    def _route(self, path: str) -> None:
        session = self.server.session
        if path == "/":
            token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
            values = {"name": html.escape(session.path.name), "query": f"?token={self.server.token}" if token else ""}
            self._send(HTTPStatus.OK, FIELD.sub(lambda m: values[m[1]], self.server.index).encode(), "text/html")
        elif path == "/cable.css":
            self._send(HTTPStatus.OK, session.styles.encode(), "text/css")
        elif path == "/form.json":
            self._json(*self.server.run(lambda: (HTTPStatus.OK, session.load())))
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found: the form serves its own page only\n", "text/plain")

    def do_POST(self) -> None:
        """A check or a save, once the request has shown it comes from the page."""
        refused = self._refusal()
        if refused is not None:
            self._json(refused[0], {"error": refused[1]})
            return
        try:
            request = json.loads(self._body(int(self.headers["Content-Length"])), parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON, not UTF-8, nested past Python's depth
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the request is not JSON"})
            return
        except (TimeoutError, ConnectionError):
            return  # a body that did not come: nothing to answer
        path = urlsplit(self.path).path
        if path not in ("/check", "/save"):
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        elif not _well_formed(request):
            self._json(HTTPStatus.BAD_REQUEST, {"error": "expected {digest: text, values: {field: value}}"})
        else:
            self._json(*self.server.run(lambda: _job(self.server.session, path, request)))

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why a request that changes something is refused, if it is: a foreign Host, no token,
        another origin (a page the user visits posting here), not JSON, no or too big a body."""
        headers = self.headers
        origin, site = headers.get("Origin"), headers.get("Sec-Fetch-Site")
        length = headers.get("Content-Length", "")
        if headers.get("Host", "") not in self.server.hosts:
            return HTTPStatus.FORBIDDEN, "refused: this server answers to 127.0.0.1 and localhost only"
        if not self._authorized(headers.get(TOKEN_HEADER, "")):
            return HTTPStatus.FORBIDDEN, "refused: wrong or no token (open the address tipdraft printed)"
        if (origin is not None and origin not in self.server.origins) or site not in (None, "same-origin"):
            return HTTPStatus.FORBIDDEN, "refused: a request from another site"
        if headers.get_content_type() != "application/json":
            return HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "refused: send JSON (Content-Type: application/json)"
        if "Transfer-Encoding" in headers or not length.isdigit():
            return HTTPStatus.LENGTH_REQUIRED, "refused: give the body's length (Content-Length)"
        if int(length) > MAX_BODY:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"refused: a request body may hold {MAX_BODY} bytes at most"
        return None

    def _body(self, length: int) -> bytes:
        """The body: what came with the head, then the rest, whole within ``BODY_SECONDS``."""
        got = bytearray(self.rfile.read(length))
        deadline = time.monotonic() + BODY_SECONDS
        while len(got) < length:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request body did not come in time")
            self.connection.settimeout(left)
            chunk = self.connection.recv(min(length - len(got), 65536))
            if not chunk:
                raise ConnectionError("the connection closed before the body came")
            got += chunk
        return bytes(got)

    def _json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")


def _no_constant(name: str) -> Any:
    """NaN and Infinity, which Python's JSON reader takes and JSON has not: refused."""
    raise ValueError(f"{name} is not JSON")


def _well_formed(request: Any) -> bool:
    return isinstance(request, dict) and isinstance(request.get("digest"), str) and isinstance(request.get("values"), dict)


def _job(session: EditSession, path: str, request: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
    """A check or a save; what a problem of the user's files is, said as the page shows it."""
    name, values = request["digest"], request["values"]
    try:
        if unknown := session.unknown(name, values):  # a page of another file or version: never dropped in silence
            fields = ", ".join(sorted(unknown)[:5])
            said = (
                f"this page was made for another version of the file (which has no {fields}): reload it; what you typed is kept"
            )
            return HTTPStatus.BAD_REQUEST, {"error": said}
        if mistyped := session.mistyped(name, values):  # not what the page sends: nothing of it is written
            return HTTPStatus.BAD_REQUEST, {"error": "not a value these fields take: " + "; ".join(mistyped[:5])}
        if path == "/check":
            return HTTPStatus.OK, session.check(name, values)
        saved, answer = session.save(name, values)
        return (HTTPStatus.OK if saved else HTTPStatus.CONFLICT), answer
    except Stale as exc:
        return HTTPStatus.GONE, {"error": str(exc)}
    except TipDraftError as exc:
        return HTTPStatus.CONFLICT, {"error": str(exc)}


def own_port(path: Path) -> int:
    """The port a file is edited on unless another is asked for: the same for the same file
    each time, below the system's ephemeral ports. The browser keeps unsaved typing per
    address (scheme, host and port): a form restarted after a crash, or the next day, is at
    the same address, and its page finds the typing again."""
    digest = hashlib.sha256(str(path.resolve()).encode()).digest()
    return OWN_PORTS[0] + int.from_bytes(digest[:4], "big") % (OWN_PORTS[1] - OWN_PORTS[0])


def listening(session: EditSession, port: int | None) -> EditServer:
    """The server on ``port``; with None, on the file's own port, or a free one if it is taken."""
    if port is not None:
        return EditServer(session, port)
    try:
        return EditServer(session, own_port(session.path))
    except UsageError:  # taken (the file open twice, or another program): any free one
        return EditServer(session, 0)


def serve(session: EditSession, port: int | None, ready: Callable[[str, str], None]) -> None:
    """Serve the form until Ctrl-C (or SIGTERM): listen (see :func:`listening`), call ``ready``
    with the page's address and the one-time address to open, run each check and save in this
    (main) thread, where a template's time limit works and Ctrl-C is seen at once."""
    server = listening(session, port)
    work: queue.Queue[Callable[[], object]] = queue.Queue()
    server.run = lambda job: _in_main(work, job)
    listener = threading.Thread(target=server.serve_forever, args=(0.2,), name="tipdraft-serve", daemon=True)
    try:
        listener.start()
        ready(server.url, server.opener)
        work.put(lambda: _warm(session))  # while the browser starts: its first check is then as quick as the next
        while True:
            with contextlib.suppress(queue.Empty):  # short waits: Ctrl-C is seen between them
                work.get(timeout=0.25)()
    finally:
        if listener.is_alive():
            stop_within(server, STOP_SECONDS)
        server.server_close()


def _warm(session: EditSession) -> None:
    """Check the file once as it is (templates compiled, the form built); a problem is the page's to show."""
    with contextlib.suppress(TipDraftError):
        session.check(session.load()["digest"], {})


def _in_main(work: queue.Queue[Callable[[], object]], job: Job) -> tuple[HTTPStatus, dict[str, Any]]:
    """``job`` run by the main thread; its result for the request thread, which waits at most
    ``JOB_SECONDS``."""
    done: Future[tuple[HTTPStatus, dict[str, Any]]] = Future()

    def run() -> None:
        if done.set_running_or_notify_cancel():
            try:
                done.set_result(job())
            except Exception as exc:
                done.set_exception(exc)

    work.put(run)
    try:
        return done.result(timeout=JOB_SECONDS)
    except FutureTimeout:
        done.cancel()
        return HTTPStatus.SERVICE_UNAVAILABLE, {"error": "tipdraft is busy: try again"}
    except TipDraftError as exc:
        return HTTPStatus.CONFLICT, {"error": str(exc)}
