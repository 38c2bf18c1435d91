"""The live preview's web server: 127.0.0.1 only, a token on every request, the page, its
assets, the event stream and the PDF; and ``serve``, which runs it beside the file watcher."""

from __future__ import annotations

import contextlib
import errno
import html
import json
import queue
import re
import secrets
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import render
from .console import Console
from .errors import TipDraftError, UsageError
from .preview import Preview, Snapshot, watch

ASSETS = "preview"  # the page's own files: a folder of the bundled templates
STATIC = {"/preview.js": ("preview.js", "text/javascript"), "/preview.css": ("preview.css", "text/css")}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream (proxies and browsers keep it open)
FIELD = re.compile(r"\{\{ (name|token) \}\}")  # what index.html is filled in with


class Server(ThreadingHTTPServer):
    """The preview's HTTP server: 127.0.0.1 only, every request with the page's token."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, preview: Preview, port: int = 0) -> None:
        try:
            super().__init__(("127.0.0.1", port), Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use (choose another with --port, or --port 0 for a free one)") from None
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        self.preview = preview
        self.token = secrets.token_urlsafe(24)
        self.port = int(self.server_address[1])
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        assets = render.bundled_templates() / ASSETS
        self.static = {route: ((assets / name).read_bytes(), kind) for route, (name, kind) in STATIC.items()}
        self.index = (assets / "index.html").read_text(encoding="utf-8")

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


class Handler(BaseHTTPRequestHandler):
    """Serves the page, its two assets, the cable's stylesheet, the event stream and the PDF."""

    server: Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Refuse a foreign Host or a missing token; serve one of the few routes; else 404."""
        parts = urlsplit(self.path)
        token = parse_qs(parts.query).get("token", [""])[0]
        if self.headers.get("Host", "") not in self.server.hosts:
            self._send(HTTPStatus.FORBIDDEN, b"refused: this server answers to 127.0.0.1 and localhost only\n", "text/plain")
        elif not secrets.compare_digest(token.encode(), self.server.token.encode()):
            self._send(HTTPStatus.FORBIDDEN, b"refused: wrong or no token (open the address tipdraft printed)\n", "text/plain")
        elif parts.path in self.server.static:
            self._send(HTTPStatus.OK, *self.server.static[parts.path])
        else:
            self._route(parts.path)

    def _route(self, path: str) -> None:
        preview = self.server.preview
        if path == "/":
            values = {"name": html.escape(preview.path.name), "token": self.server.token}
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
            made = self.server.preview.pdf()
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
        self._headers("text/event-stream", {"Connection": "close"})
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


def _warm() -> None:
    """Import WeasyPrint now, in the background, so the first PDF link is answered as quickly as the next."""
    from . import pdf  # noqa: F401


def serve(preview: Preview, port: int, ready: Callable[[str], None]) -> None:
    """Serve ``preview`` until Ctrl-C (or SIGTERM): check and render the file, listen, call
    ``ready`` with the page's address, follow the saves. Ends cleanly, whatever ends it.

    Requests are answered and saves watched in other threads; the file is rendered again in
    this (main) one: a template override's time limit is a timer signal, which only the main
    thread receives, and Ctrl-C reaches it at once, waiting in Python for the next save."""
    server = Server(preview, port)
    stop = threading.Event()
    saves: queue.Queue[tuple[list[Path], bool]] = queue.Queue()
    watcher = threading.Thread(
        target=watch, args=(preview, stop, None, lambda *save: saves.put(save)), name="tipdraft-watch", daemon=True
    )
    listener = threading.Thread(target=server.serve_forever, args=(0.2,), name="tipdraft-serve", daemon=True)
    try:
        preview.refresh()
        listener.start()
        watcher.start()
        threading.Thread(target=_warm, name="tipdraft-warm", daemon=True).start()
        ready(server.url)
        while True:
            with contextlib.suppress(queue.Empty):  # a wait in short steps: Ctrl-C is seen between them
                preview.refresh(*saves.get(timeout=0.25))
    finally:
        stop.set()
        preview.close()
        if listener.is_alive():
            server.shutdown()
        server.server_close()
        if watcher.is_alive():  # not started when Ctrl-C came during the first render
            watcher.join(timeout=2)
