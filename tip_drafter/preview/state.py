"""The live preview: a page on 127.0.0.1 that shows the cable as it will print and follows every save."""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import api, config
from ..cable import render
from ..errors import ERROR, Diagnostic, FileProblem, InvalidCountryFile, TipDraftError, has_errors
from ..options import Options
from ..pdf import maker

OUTPUT = Path("output")  # where render would write: only the PDF's file name is taken from it
CATCH_UP_MS = 1000  # the watcher's idle wake-up, at which it refreshes once after moving to other folders
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
COMMAND = re.compile(r"(?::\s*|^)(tipdraft \S.*)$")  # a command a message ends with: machine detail on the page


@dataclass(frozen=True)
class Shown:
    """The last cable that rendered: its page (body and stylesheet), what its diagnostics can
    point at, and ``tipdraft render``'s PDF job for it (made only when the link is followed)."""

    version: int
    body: str
    styles: str
    anchors: frozenset[str]
    numbers: dict[str, int]  # a paragraph's key in the file (contact, 25) -> its number in the cable (as the model numbers it)
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
    advice: str = ""  # what to do when the file renders as a draft only (a new draft, previewed without --draft)

    def as_json(self) -> dict[str, Any]:
        """The page's state, as the event stream sends it: the problems errors first, each in
        the drafter's words at its place, the file's line and column apart (small on the page)."""
        shown = self.shown
        problems = sorted(self.diagnostics, key=lambda d: d.severity != ERROR)  # stable: file order kept within each
        return {
            "version": self.version,
            "ok": self.ok,
            "summary": self.summary(),
            "advice": self.advice,
            "cable": shown.body if shown else None,
            "shown_version": shown.version if shown else None,
            "diagnostics": [self._entry(d) for d in problems]
            + (
                [{"severity": ERROR, "place": "", "text": self.problem, "command": "", "detail": "", "anchor": ""}]
                if self.problem
                else []
            ),
        }

    def summary(self) -> str:
        """One line on the page's top: how the last save went."""
        errors = sum(d.severity == ERROR for d in self.diagnostics) + bool(self.problem)
        counts = f"{errors} error(s), {len(self.diagnostics) + bool(self.problem) - errors} warning(s)"
        if self.ok:
            return f"Rendered at {self.shown.at if self.shown else '?'}: {counts}."
        head = f"Not rendered: {self.reason.split(': not rendered: ', 1)[-1]}" if self.reason else f"Not rendered: {counts}"
        if self.shown is None:
            return f"{head}. No good cable to show yet."
        return f"{head}. Below: the last good cable, rendered at {self.shown.at}."

    def _entry(self, d: Diagnostic) -> dict[str, str]:
        name = Path(d.path).name
        found = COMMAND.search(d.message)
        words = d.message[: found.start()] if found else d.message
        command = found[1].replace(d.path, shlex.quote(d.path)) if found and d.path else (found[1] if found else "")
        return {
            "severity": d.severity,
            "place": d.where,
            "text": words.replace(d.path, name) if d.path else words,
            "command": command,
            "detail": d.location.replace(d.path, name, 1) if d.path else d.location,
            "anchor": anchor(d, self.shown) if self.shown else "",
        }


def anchor(d: Diagnostic, shown: Shown) -> str:
    """The id in the shown cable nearest to what ``d`` is about: its item (the first of an
    answer to several), else its paragraph, the header for the cable's metadata; "" if it is
    about nothing shown. Read from the diagnostic's place, never from its label."""
    place = d.place
    key = str(place.field_path[0]) if place.field_path else ""
    if isinstance(place.paragraph, int):
        para = f"para-{place.paragraph}"
        wanted = [f"item-{place.paragraph}-{place.letters[0]}", para] if place.letters else [para]
    elif place.paragraph is None and key in shown.numbers:
        wanted = [f"para-{shown.numbers[key]}"]
    else:
        wanted = ["header"] if place.paragraph is None and key in ("cable", "transmission") else []
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
            api.read_again()
        version = self.snapshot.version + 1
        try:
            snapshot = self._render(version)
        except InvalidCountryFile as exc:  # what render refuses: the file's errors, items not yet reviewed
            advice = self._draft_advice()
            snapshot = Snapshot(version, False, tuple(exc.diagnostics), "", self.snapshot.shown, str(exc), advice)
        except TipDraftError as exc:  # a broken template or tipdraft.toml, an unknown edition
            snapshot = Snapshot(version, False, tuple(exc.diagnostics), "" if exc.diagnostics else str(exc), self.snapshot.shown)
        except OSError as exc:  # a folder the settings name, refused by the system
            snapshot = Snapshot(version, False, (), str(FileProblem.of(exc)), self.snapshot.shown)
        except Exception as exc:  # a fault of tipdraft's own: shown, and the next save is tried
            problem = f"tipdraft could not render this save ({type(exc).__name__}: {exc}); please report it"
            snapshot = Snapshot(version, False, (), problem, self.snapshot.shown)
        with self._changed:
            self.snapshot = snapshot
            self._changed.notify_all()
        return snapshot

    def _draft_advice(self) -> str:
        """What to do when the file fails only on what ``--draft`` allows (answers not yet
        reviewed, placeholders): "" when it has other errors, or is previewed as a draft."""
        if self.options.draft:
            return ""
        options = replace(self.options, template_dirs=[*self._template_dirs], draft=True)
        try:
            as_draft = api.check(self.path, options)
        except TipDraftError:
            return ""
        if as_draft.cable is None or has_errors(as_draft.diagnostics, options.strict):
            return ""
        file = shlex.quote(str(self.path))
        return (
            "This is a draft: its answers are not yet reviewed. "
            f"Run tipdraft preview --draft {file}, or mark them reviewed with tipdraft review {file}"
        )

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
        page = api.page(checked.cable, checked.rendered, options, anchors=True)
        body = BODY.search(page)
        numbers = {section.key: section.number for section in checked.cable.sections}
        shown = Shown(
            version,
            body[1] if body else page,
            "\n".join(STYLE.findall(page)),
            frozenset(render.anchor_ids(checked.rendered.lines)) - {""},
            numbers,
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

    def pdf(self) -> tuple[bytes, str, list[str]] | None:
        """The current cable's PDF, prepared and made as ``tipdraft render`` does, its file
        name and what was refused in making it; None while the file as saved has errors."""
        snapshot = self.snapshot  # once: a save may publish a new one meanwhile
        if not snapshot.ok or snapshot.shown is None:
            return None
        prepared = snapshot.shown.prepared
        assert prepared.pdf_job is not None
        with self._pdf:
            made, refused = maker.make(prepared.pdf_job)
        return made, prepared.targets["pdf"].name, api.refused_notes(refused)

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


Refresh = Callable[[list[Path], bool], object]  # the files saved; whether to read everything again


def watch(preview: Preview, stop: threading.Event, ready: threading.Event | None = None, refresh: Refresh | None = None) -> None:
    """Refresh ``preview`` after each save until ``stop`` is set (a thread's target); or hand
    each save to ``refresh`` (``serve`` renders in the main thread)."""
    from watchfiles import watch as changes

    refresh = refresh or (lambda saved, reread: preview.refresh(saved, reread))
    # a save the watch may have missed: one made before it first began (after the first
    # render), or while it moved to other folders; refreshed once the watch is running
    missed = True
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
            raise_interrupt=False,
        )
        for batch in found:
            if batch or missed:
                refresh([Path(name) for _, name in batch], missed)
                missed = False
            if preview.folders() != folders:
                missed = True  # the file now names an edition elsewhere, or a template folder came or went
                break
