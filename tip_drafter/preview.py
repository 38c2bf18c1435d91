"""The live preview: a page on 127.0.0.1 that shows the cable as it will print and follows every save."""

from __future__ import annotations

import contextlib
import errno
import html
import json
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import api, config, edition, pdfmaker, render
from .console import Console
from .errors import ERROR, Diagnostic, FileProblem, InvalidCountryFile, TipDraftError, UsageError
from .options import Options

ASSETS = "preview"  # the page's own files: a folder of the bundled templates
STATIC = {"/preview.js": ("preview.js", "text/javascript"), "/preview.css": ("preview.css", "text/css")}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
OUTPUT = Path("output")  # where render would write: only the PDF's file name is taken from it
CATCH_UP_MS = 1000  # the watcher's idle wake-up, at which it refreshes once after moving to other folders
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream (proxies and browsers keep it open)
PLACE = re.compile(r"para (\d+)(?:\.([A-Z]))?")
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
FIELD = re.compile(r"\{\{ (name|token) \}\}")  # what index.html is filled in with
BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    """The last cable that rendered: its page (body and stylesheet), what its diagnostics can
    point at, and ``tipdraft render``'s PDF job for it (made only when the link is followed)."""

    version: int
    body: str
    styles: str
    anchors: frozenset[str]
    framing: dict[str, int]  # a framing paragraph's key (contact) -> its number in the cable
    at: str  # the time it rendered
    prepared: api.Prepared


@dataclass(frozen=True)
class Snapshot:
    """What the page shows after one refresh: the diagnostics of the file as saved, and the
    last good cable (the one just rendered, or an earlier one when this save has errors)."""

    version: int
    ok: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    problem: str = ""  # an error that is not located in the file (a broken template)
    shown: Shown | None = None
    reason: str = ""  # why the file was not rendered (render's one line: errors, or items not yet reviewed)

    def as_json(self) -> dict[str, Any]:
        """The page's state, as the event stream sends it."""
        shown = self.shown
        return {
            "version": self.version,
            "ok": self.ok,
            "summary": self.summary(),
            "cable": shown.body if shown else None,
            "shown_version": shown.version if shown else None,
            "diagnostics": [self._entry(d) for d in self.diagnostics]
            + ([{"severity": ERROR, "text": self.problem, "anchor": ""}] if self.problem else []),
        }

    def summary(self) -> str:
        """One line on the page's top: how the last save went."""
        errors = sum(d.severity == ERROR for d in self.diagnostics) + bool(self.problem)
        counts = f"{errors} error(s), {len(self.diagnostics) + bool(self.problem) - errors} warning(s)"
        if self.ok:
            return f"Rendered at {self.shown.at if self.shown else '?'}: {counts}."
        head = self.reason or f"Not rendered: {counts}"
        if self.shown is None:
            return f"{head}. No good cable to show yet."
        return f"{head}. Below: the last good cable, rendered at {self.shown.at}."

    def _entry(self, d: Diagnostic) -> dict[str, str]:
        return {"severity": d.severity, "text": d.format(), "anchor": anchor(d, self.shown) if self.shown else ""}


def anchor(d: Diagnostic, shown: Shown) -> str:
    """The id in the shown cable nearest to what ``d`` is about: its item, else its paragraph,
    the header for the cable's metadata; "" if it is about nothing shown."""
    place = PLACE.fullmatch(d.where.split(" and ")[0]) or PLACE.match(d.where)
    key = d.where.split(".")[0]
    if place:
        wanted = [f"item-{place[1]}-{place[2]}", f"para-{place[1]}"] if place[2] else [f"para-{place[1]}"]
    elif key in shown.framing:
        wanted = [f"para-{shown.framing[key]}"]
    else:
        wanted = ["header"] if key in ("cable", "transmission") else []
    return next((w for w in wanted if w in shown.anchors), "")


@dataclass
class Preview:
    """The page's state for one country file: re-checks and re-renders it on each save, keeps
    the last good cable, and wakes the event streams waiting for a new snapshot.

    ``options.template_dirs`` are the command line's; a ``tipdraft.toml`` in ``settings``
    (read again at each refresh, since it may be saved too) adds its own after them.
    """

    path: Path
    options: Options = field(default_factory=Options)
    settings: Path = Path()
    snapshot: Snapshot = field(default_factory=lambda: Snapshot(0, False, problem="starting"))
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _pdf: threading.Lock = field(default_factory=threading.Lock)  # one PDF at a time (WeasyPrint, SOURCE_DATE_EPOCH)
    _closed: bool = False
    _edition: Path | None = None
    _template_dirs: tuple[Path, ...] = ()

    def refresh(self, changed: Iterable[Path] = (), reread: bool = False) -> Snapshot:
        """Check and render the file as saved now; publish and return the new snapshot.
        ``changed``: the files saved; an edition or a template among them (or ``reread``) is read again."""
        if reread or set(changed) - {self.path.resolve()}:
            edition.forget_editions()
            render.renderer_for.cache_clear()
        version = self.snapshot.version + 1
        try:
            snapshot = self._render(version)
        except InvalidCountryFile as exc:  # what render refuses: the file's errors, items not yet reviewed
            snapshot = Snapshot(version, False, tuple(exc.diagnostics), "", self.snapshot.shown, str(exc))
        except TipDraftError as exc:  # a broken template or tipdraft.toml, an unknown edition
            snapshot = Snapshot(version, False, tuple(exc.diagnostics), "" if exc.diagnostics else str(exc), self.snapshot.shown)
        except OSError as exc:  # a folder the settings name, refused by the system
            snapshot = Snapshot(version, False, (), str(FileProblem.of(exc)), self.snapshot.shown)
        with self._changed:
            self.snapshot = snapshot
            self._changed.notify_all()
        return snapshot

    def _render(self, version: int) -> Snapshot:
        """Check the file as ``tipdraft render`` would (the same refusals), and render the page."""
        dirs = [*self.options.template_dirs, *config.template_dirs(self.settings)]
        options = replace(self.options, template_dirs=dirs, formats=("pdf",))
        self._template_dirs = tuple(options.template_dirs)
        checked = api.check(self.path, options)
        # raises what render would refuse; renders every template now, in the thread the
        # template time limit works in (the main one), so the PDF link has only WeasyPrint to run
        prepared = api.prepare_checked(self.path, checked, OUTPUT, options)
        assert checked.cable is not None and checked.rendered is not None and checked.report.edition is not None
        self._edition = checked.report.edition.source.resolve()
        page = render.renderer_for(self._template_dirs).html(
            checked.cable, checked.rendered, api.banner(checked.cable, options), options.paper, anchors=True
        )
        body = BODY.search(page)
        data = checked.document.data if checked.document else {}
        framing = [f.id for f in checked.report.edition.framing if data.get(f.id) is not None]
        shown = Shown(
            version,
            body[1] if body else page,
            "\n".join(STYLE.findall(page)),
            frozenset(render.anchor_ids(checked.rendered.lines)) - {""},
            {key: number for number, key in enumerate(framing, start=1)},
            time.strftime("%H:%M:%S"),
            prepared,
        )
        return Snapshot(version, True, tuple(checked.diagnostics), "", shown)

    def wait(self, seen: int, timeout: float) -> Snapshot | None:
        """The snapshot after version ``seen`` (or the same one after ``timeout``); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self.snapshot.version != seen, timeout)
            return None if self._closed else self.snapshot

    def close(self) -> None:
        """Wake every waiting event stream, to end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def pdf(self) -> tuple[bytes, str] | None:
        """The current cable's PDF, prepared and made as ``tipdraft render`` does, and its file
        name; None while the file as saved has errors."""
        shown = self.snapshot.shown
        if not self.snapshot.ok or shown is None:
            return None
        prepared = shown.prepared
        assert prepared.pdf_job is not None
        with self._pdf:
            made, _refused = pdfmaker.make(prepared.pdf_job)
        return made, prepared.targets["pdf"].name

    def watched(self) -> tuple[set[Path], set[Path]]:
        """The files whose saves count (the country file, its edition, tipdraft.toml) and the
        template folders (any file in them counts)."""
        files = {self.path.resolve(), (self.settings / config.NAME).resolve()}
        if self._edition is not None:
            files.add(self._edition)
        return files, set(self._template_dirs)

    def folders(self) -> list[Path]:
        """The folders to watch: editors save by writing a new file and renaming it over the
        old one, so a file's folder is watched, not the file."""
        files, dirs = self.watched()
        return sorted(d for d in {f.parent for f in files} | dirs if d.is_dir())

    def wants(self, _change: object, name: str) -> bool:
        """Whether a change to ``name`` calls for a refresh (watchfiles' filter)."""
        path = Path(name)
        files, dirs = self.watched()
        return path in files or path.parent in dirs


def watch(preview: Preview, stop: threading.Event, ready: threading.Event | None = None) -> None:
    """Refresh ``preview`` after each save until ``stop`` is set (a thread's target)."""
    from watchfiles import watch as changes

    missed = False  # a save made while the watch moved to other folders: refresh once it is back
    while not stop.is_set():
        folders = preview.folders()
        if ready is not None:
            ready.set()
        found = changes(
            *folders,
            watch_filter=preview.wants,
            stop_event=stop,
            recursive=False,
            debounce=400,
            step=10,
            rust_timeout=CATCH_UP_MS,
            yield_on_timeout=True,
            raise_interrupt=threading.current_thread() is threading.main_thread(),
        )
        for batch in found:
            if batch or missed:
                preview.refresh((Path(name) for _, name in batch), reread=missed)
                missed = False
            if preview.folders() != folders:
                missed = True  # the file now names an edition elsewhere, or a template folder came or went
                break


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
        data, name = made
        self._send(HTTPStatus.OK, data, "application/pdf", {"Content-Disposition": f'attachment; filename="{name}"'})

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

    The saves are followed in the calling (main) thread, the requests answered in others: a
    template override's time limit is a timer signal, which only the main thread receives."""
    server = Server(preview, port)
    stop = threading.Event()
    listener = threading.Thread(target=server.serve_forever, args=(0.2,), name="tipdraft-serve", daemon=True)
    try:
        preview.refresh()
        listener.start()
        threading.Thread(target=_warm, name="tipdraft-warm", daemon=True).start()
        ready(server.url)
        watch(preview, stop)
    finally:
        stop.set()
        preview.close()
        if listener.is_alive():
            server.shutdown()
        server.server_close()
