"""The live preview's web server: 127.0.0.1 only, a token on every request, the page, its
assets, the event stream and the PDF; and ``serve``, which runs it beside the file watcher.

The token comes in the address's query (the address printed on the terminal) or in a cookie:
the browser tipdraft opens is given a one-time code instead (its command line is readable by
every local user), which the server exchanges once for the cookie."""

from __future__ import annotations

import contextlib
import errno
import html
import io
import json
import queue
import re
import secrets
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..cable import render
from ..console import Console
from ..errors import TipDraftError, UsageError
from .gate import IO_SECONDS, Gate
from .state import Preview, Snapshot, watch

ASSETS = "preview"  # the page's own files: a folder of the bundled templates
STATIC = {"/preview.js": ("preview.js", "text/javascript"), "/preview.css": ("preview.css", "text/css")}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
Made = tuple[bytes, str, list[str]] | None  # what Preview.pdf returns
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream (proxies and browsers keep it open)
FIELD = re.compile(r"\{\{ (name|query) \}\}")  # what index.html is filled in with
PDF_SECONDS = 120.0  # a PDF link waits this long for the main thread to make the PDF
CODE_SECONDS = 120.0  # the one-time code the browser is opened with is good for this long
STOP_SECONDS = 2.0  # the server's loop is waited for this long when the command stops


class Server(HTTPServer):
    """The preview's HTTP server: 127.0.0.1 only, every request with the page's token; each
    connection one request, answered in a thread once its head has come through the gate."""

    request_queue_size = 128  # connections the system queues before they are accepted (5 by default)

    def __init__(self, preview: Preview, port: int = 0) -> None:
        try:
            # each request is given to Handler by the gate (with its head), not by the server
            super().__init__(("127.0.0.1", port), BaseHTTPRequestHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use (choose another with --port, or --port 0 for a free one)") from None
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        self.preview = preview
        self.token = secrets.token_urlsafe(24)
        self.port = int(self.server_address[1])
        self.cookie = f"tipdraft-preview-{self.port}"  # cookies do not tell ports apart: the name does
        self._code: str | None = secrets.token_urlsafe(24)
        self._code_until = time.monotonic() + CODE_SECONDS
        self._code_lock = threading.Lock()
        self.gate = Gate(self._answer)
        # where the PDF link's PDF is made: here, unless ``serve`` hands it to its main thread
        self.in_main: Callable[[Callable[[], Made]], Made] = lambda job: job()
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        assets = render.bundled_templates() / ASSETS
        self.static = {route: ((assets / name).read_bytes(), kind) for route, (name, kind) in STATIC.items()}
        self.index = (assets / "index.html").read_text(encoding="utf-8")

    def process_request(self, request: Any, client_address: Any) -> None:
        """A new connection: to the gate, which waits for its request without a thread."""
        self.gate.add(request, client_address)

    def _answer(self, connection: Any, client_address: Any, head: bytes) -> None:
        try:
            Handler(connection, client_address, self, head)
        except Exception:
            self.handle_error(connection, client_address)
        finally:
            self.shutdown_request(connection)

    def server_close(self) -> None:
        """Stop listening and close the connections still waiting at the gate."""
        super().server_close()
        gate: Gate | None = getattr(self, "gate", None)  # none yet when the port was refused
        if gate is not None:
            gate.close()

    def redeem(self, code: str) -> bool:
        """Whether ``code`` is the one-time code, unused and in time; it is good once."""
        with self._code_lock:
            good = (
                self._code is not None
                and time.monotonic() < self._code_until
                and secrets.compare_digest(code.encode(), self._code.encode())
            )
            if good:
                self._code = None
            return good

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that drops a connection (a closed tab, a reset keep-alive) is no error;
        anything else is one line on stderr, never a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            Console().problem(f"preview: a request failed: {type(exc).__name__}: {exc}")

    @property
    def url(self) -> str:
        """The page's address, with its token."""
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    @property
    def opener(self) -> str:
        """The address the browser is opened with: a one-time code, not the token (a command
        line is readable by every local user); the server exchanges it once for a cookie."""
        return f"http://127.0.0.1:{self.port}/open?code={self._code or ''}"


class Handler(BaseHTTPRequestHandler):
    """Serves the page, its two assets, the cable's stylesheet, the event stream and the PDF."""

    server: Server
    protocol_version = "HTTP/1.1"
    timeout = IO_SECONDS

    def __init__(self, request: Any, client_address: Any, server: Server, head: bytes) -> None:
        self.head = head
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        """Read the request from the head the gate received (one request per connection)."""
        super().setup()
        self.rfile = io.BytesIO(self.head)

    def do_GET(self) -> None:
        """Refuse a foreign Host or a missing token; serve one of the few routes; else 404."""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if self.headers.get("Host", "") not in self.server.hosts:
            self._send(HTTPStatus.FORBIDDEN, b"refused: this server answers to 127.0.0.1 and localhost only\n", "text/plain")
        elif parts.path == "/open":
            self._open(query.get("code", [""])[0])
        elif not self._authorized(query.get("token", [""])[0]):
            self._send(HTTPStatus.FORBIDDEN, b"refused: wrong or no token (open the address tipdraft printed)\n", "text/plain")
        elif parts.path in self.server.static:
            self._send(HTTPStatus.OK, *self.server.static[parts.path])
        else:
            self._route(parts.path)

    def _authorized(self, token: str) -> bool:
        """The token in the query (the printed address) or in the cookie (the opened browser)."""
        try:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            jar = SimpleCookie()
        kept = jar[self.server.cookie].value if self.server.cookie in jar else ""
        expected = self.server.token.encode()
        return any(secrets.compare_digest(given.encode(), expected) for given in (token, kept))

    def _open(self, code: str) -> None:
        """The one-time code exchanged for the token's cookie, then the page, with neither in
        its address; a browser that has the cookie already (a restored tab) goes to the page."""
        if self.server.redeem(code):
            cookie = f"{self.server.cookie}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": "/", "Set-Cookie": cookie})
        elif self._authorized(""):
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": "/"})
        else:
            refused = b"refused: this one-time address was used or is too old (open the address tipdraft printed)\n"
            self._send(HTTPStatus.FORBIDDEN, refused, "text/plain")

    def _route(self, path: str) -> None:
        preview = self.server.preview
        if path == "/":
            token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
            query = f"?token={self.server.token}" if token else ""  # else the cookie carries it
            values = {"name": html.escape(preview.path.name), "query": query}
            page = FIELD.sub(lambda m: values[m[1]], self.server.index)
            self._send(HTTPStatus.OK, page.encode(), "text/html")
        elif path == "/cable.css":
            shown = preview.snapshot.shown
            self._send(HTTPStatus.OK, (shown.styles if shown else "").encode(), "text/css")
        elif path == "/events":
            self._events()
        elif path == "/cable.pdf":
            self._pdf()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found: the preview serves its own page only\n", "text/plain")

    def _pdf(self) -> None:
        try:
            made = self.server.in_main(self.server.preview.pdf)
        except TipDraftError as exc:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"{exc}\n".encode(), "text/plain")
            return
        if made is None:
            self._send(HTTPStatus.CONFLICT, b"the file as saved has errors: fix them to download its PDF\n", "text/plain")
            return
        data, name, notes = made
        for note in notes:
            Console().problem(f"preview: {note}", "warning")
        self._send(HTTPStatus.OK, data, "application/pdf", {"Content-Disposition": attachment(name)})

    def _events(self) -> None:
        """Server-sent events: the current state at once, then each new one; a comment when idle."""
        self.send_response(HTTPStatus.OK)
        self._headers("text/event-stream", {})
        self.close_connection = True
        seen = -1
        with contextlib.suppress(OSError):  # the page was closed or reloaded
            for snapshot in _snapshots(self.server.preview, seen):
                if snapshot is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    data = json.dumps(snapshot.as_json())
                    self.wfile.write(f"event: update\nid: {snapshot.version}\ndata: {data}\n\n".encode())
                self.wfile.flush()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self._headers(kind, {"Content-Length": str(len(body)), **(extra or {})})
        self.wfile.write(body)

    def _headers(self, kind: str, extra: dict[str, str]) -> None:
        charset = "" if kind == "application/pdf" else "; charset=utf-8"
        headers = {
            "Content-Type": kind + charset,
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Connection": "close",  # one request per connection: each next one comes through the gate
            **extra,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is the user's, not a request log."""


def attachment(name: str) -> str:
    """A Content-Disposition header naming ``name`` (RFC 6266): a plain ASCII name for every
    browser and the exact one percent-encoded (RFC 8187); a quote, CR or LF in a file's name
    can neither end the value nor start a header of its own."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def _snapshots(preview: Preview, seen: int) -> Iterator[Snapshot | None]:
    """Each new snapshot after version ``seen``; None for each idle ``KEEP_ALIVE``; ends when closed."""
    while (snapshot := preview.wait(seen, KEEP_ALIVE)) is not None:
        yield None if snapshot.version == seen else snapshot
        seen = snapshot.version


def serve(preview: Preview, port: int, ready: Callable[[str, str], None]) -> None:
    """Serve ``preview`` until Ctrl-C (or SIGTERM): check and render the file, listen, call
    ``ready`` with the page's address and the one-time address to open a browser with, follow
    the saves. Ends cleanly, whatever ends it. ``ready`` must not wait: the saves are
    rendered in this thread.

    Requests are answered and saves watched in other threads; the file is rendered again, and
    the PDF link's PDF made, in this (main) one: a template override's time limit is a timer
    signal, which only the main thread receives; Ctrl-C reaches it at once, waiting in Python
    for the next save; and WeasyPrint changes what is the whole process's (os.environ's
    SOURCE_DATE_EPOCH, the collector on its import), which no request thread may do while
    others run."""
    server = Server(preview, port)
    stop = threading.Event()
    work: queue.Queue[Callable[[], object]] = queue.Queue()
    server.in_main = lambda job: _in_main(work, job)
    watcher = threading.Thread(
        target=watch,
        args=(preview, stop, None, lambda *save: work.put(lambda: preview.refresh(*save))),
        name="tipdraft-watch",
        daemon=True,
    )
    listener = threading.Thread(target=server.serve_forever, args=(0.2,), name="tipdraft-serve", daemon=True)
    try:
        preview.refresh()
        listener.start()
        watcher.start()
        threading.Thread(target=_warm, name="tipdraft-warm", daemon=True).start()  # not in the saves' way
        ready(server.url, server.opener)
        while True:
            with contextlib.suppress(queue.Empty):  # a wait in short steps: Ctrl-C is seen between them
                work.get(timeout=0.25)()
    finally:
        stop.set()
        preview.close()
        if listener.is_alive():
            stop_within(server, STOP_SECONDS)
        server.server_close()
        if watcher.is_alive():  # not started when Ctrl-C came during the first render
            watcher.join(timeout=2)


def stop_within(server: HTTPServer, seconds: float) -> None:
    """Stop ``server``'s loop, waiting for it at most ``seconds``: a Ctrl-C is never held up by
    a loop that does not come round (the process ends, and its threads with it)."""
    stopper = threading.Thread(target=server.shutdown, name="tipdraft-stop", daemon=True)
    stopper.start()
    stopper.join(timeout=seconds)


def _warm() -> None:
    """Import WeasyPrint now, so the first PDF link is answered as quickly as the next."""
    from ..pdf import weasy  # noqa: F401


def _in_main(work: queue.Queue[Callable[[], object]], job: Callable[[], Made]) -> Made:
    """``job`` run by the main thread, between two saves; its result (or its exception) for
    this request thread, which waits at most ``PDF_SECONDS``."""
    done: Future[Made] = Future()

    def run() -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            done.set_result(job())
        except Exception as exc:
            done.set_exception(exc)
        except BaseException:  # Ctrl-C: the request is told so, and the main thread stops
            done.set_exception(TipDraftError("the preview was stopped while it made the PDF"))
            raise

    work.put(run)
    try:
        return done.result(timeout=PDF_SECONDS)
    except FutureTimeout:
        done.cancel()
        raise TipDraftError(f"the PDF was not made within {PDF_SECONDS:.0f} s: try again") from None
