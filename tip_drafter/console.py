"""What the CLI prints: diagnostics (coloured on a terminal), progress, and the quiet/verbose levels."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from .errors import ERROR, Diagnostic, TipDraftError, one_line

if TYPE_CHECKING:
    from .batch import Outcome

T = TypeVar("T")
COLOURS = {"error": "red", "warning": "yellow"}


def colour_wanted(stream: object) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


def safe(text: str) -> str:
    """``text`` for a terminal: what came from a file or a file name may hold escape sequences
    (a window title, a cleared screen) or line breaks that forge a line: every character that
    does not print is written as an escape, line by line."""
    return "\n".join(one_line(line) for line in text.split("\n"))


@dataclass
class Console:
    """Prints to stdout (results) and stderr (diagnostics, progress) at a verbosity level:
    -1 quiet (errors only), 0 normal, 1 verbose."""

    level: int = 0
    # While a progress bar is on the terminal, the rich console that draws it: a line for the
    # terminal is printed through it, above the bar, never glued to the bar's last frame.
    _live: Any = field(default=None, repr=False)

    def _echo(self, text: str, err: bool = False) -> None:
        stream = sys.stderr if err else sys.stdout
        # Under the bar, sys.stdout is rich's stand-in, which before rich 15 says it is no terminal.
        if self._live is None or not getattr(stream, "rich_proxied_file", stream).isatty():
            typer.echo(text, err=err)
            return
        from rich.text import Text

        self._live.print(Text.from_ansi(text), soft_wrap=True, markup=False, highlight=False)

    def result(self, text: str) -> None:
        """The command's result (stdout; a table, a diff, JSON), kept even when quiet; its lines
        are its own, so each part that came from a file was escaped where it was put in."""
        self._echo(safe(text))

    def info(self, text: str) -> None:
        """A progress or summary line: not shown when quiet."""
        if self.level >= 0:
            self._echo(one_line(text))

    def detail(self, text: str) -> None:
        """Only when verbose."""
        if self.level > 0:
            self._echo(one_line(text), err=True)

    def diagnostics(self, found: Iterable[Diagnostic]) -> None:
        """Each diagnostic on one line of stderr; warnings hidden when quiet."""
        colour = colour_wanted(sys.stderr)
        for d in found:
            if d.severity != ERROR and self.level < 0:
                continue
            line = d.format()
            if colour:
                head = one_line(f"{d.location}: ")
                line = head + typer.style(d.severity, fg=COLOURS.get(d.severity), bold=True) + line[len(head) + len(d.severity) :]
            self._echo(line, err=True)

    def problem(self, text: str, severity: str = "error") -> None:
        """A problem that has no place in a file: ``tipdraft: error: ...``."""
        if severity != ERROR and self.level < 0:
            return
        label = typer.style(severity, fg=COLOURS.get(severity), bold=True) if colour_wanted(sys.stderr) else severity
        self._echo(f"tipdraft: {label}: {one_line(text)}", err=True)

    def error(self, exc: TipDraftError) -> None:
        """An error: its located diagnostics, or its message."""
        self.diagnostics(exc.diagnostics)
        if not exc.diagnostics:
            self.problem(str(exc))

    def outcome(self, outcome: Outcome) -> bool:
        """One file's render: its problems and what it wrote; True if it was written."""
        if outcome.error is not None:
            self.diagnostics(outcome.error.diagnostics)
            self.problem(str(outcome.error))
            return False
        result = outcome.result
        assert result is not None
        self.diagnostics(result.diagnostics)
        for note in result.notes:
            self.problem(note, "warning")
        self.info(f"{result.source}: wrote {', '.join(str(p) for p in result.written)} ({result.pages} sections)")
        return True

    @contextmanager
    def progress(self, items: Iterable[T], total: int, label: str) -> Iterator[Iterator[T]]:
        """Iterate ``items`` with a progress bar on a terminal (for more than one item);
        plain iteration otherwise, so logs and pipes get plain lines."""
        if self.level < 0 or total < 2 or not sys.stderr.isatty():
            yield iter(items)
            return
        from rich.console import Console as RichConsole
        from rich.progress import Progress

        with Progress(transient=True, console=RichConsole(stderr=True, no_color="NO_COLOR" in os.environ)) as bar:
            task = bar.add_task(label, total=total)

            def advance() -> Iterator[T]:
                for item in items:
                    yield item
                    bar.advance(task)

            self._live = bar.console
            try:
                yield advance()
            finally:
                self._live = None
