"""Diagnostics, exit statuses, and every error class, each with the status the CLI exits with."""

from __future__ import annotations

import json
import shlex
import signal
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import ClassVar

ERROR = "error"
WARNING = "warning"
UNREVIEWED = "unreviewed"  # the code of an answer carried over and not yet reviewed


def command(*words: object) -> str:
    """A ``tipdraft`` command line suggested to the user, each word shell-quoted so that it
    can be pasted as it stands (a path with a space, a quote or a ``$`` in it)."""
    return shlex.join(["tipdraft", *(str(word) for word in words)])


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, located by 1-based line and column (0 and 0: the whole file)."""

    path: str
    line: int
    column: int
    severity: str
    where: str
    message: str
    code: str = ""  # a machine-readable kind, for the few that callers act on
    pointer: str = ""  # the value's JSON pointer (RFC 6901) in the file, where the format found it

    def format(self) -> str:
        """Render GCC style: ``FILE:LINE:COL: error: para 25.E: answer is empty``, on one line
        whatever the file's keys and values hold."""
        where = f"{self.where}: " if self.where else ""
        return one_line(f"{self.location}: {self.severity}: {where}{self.message}")

    @property
    def location(self) -> str:
        """``FILE:LINE:COL``, or ``FILE`` for a problem with the whole file (e.g. it is missing)."""
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    def as_json(self) -> dict[str, object]:
        """The same content as :meth:`format`, as a JSON-ready mapping."""
        return asdict(self)


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters written as escapes (``\\r``)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """True if any diagnostic is an error (or, with ``strict``, a warning)."""
    fatal = {ERROR, WARNING} if strict else {ERROR}
    return any(d.severity in fatal for d in diagnostics)


def to_json(diagnostics: Sequence[Diagnostic], files: int, strict: bool = False) -> str:
    """Diagnostics as JSON: one object per problem (each with a ``code``: what kind of problem),
    and a summary, as the text form's last line gives it."""
    errors = sum(d.severity == ERROR for d in diagnostics)
    summary = {
        "files": files,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "strict": strict,
        "failed": has_errors(diagnostics, strict),
    }
    return json.dumps({"diagnostics": [d.as_json() for d in diagnostics], "summary": summary}, indent=2)


def signalled(signum: int) -> int:
    """The status of a command ended by signal ``signum``, as shells report it: 128 + its
    number (SIGINT 130, SIGTERM 143)."""
    return 128 + signum


class ExitStatus(IntEnum):
    """What the ``tipdraft`` command exits with; the only statuses it uses (and
    :func:`signalled`'s, for SIGTERM and SIGHUP)."""

    OK = 0
    FAILED = 1  # a problem in the user's files: missing, unreadable, invalid; an unwritable output
    USAGE = 2  # a command line that cannot be understood
    INTERRUPTED = signalled(signal.SIGINT)  # Ctrl-C: 130


class TipDraftError(Exception):
    """Root of every error tipdraft reports to its user; ``status`` is what the CLI exits with.

    ``diagnostics``, when there are any, locate the problem; the CLI prints them instead of
    the message.
    """

    status: ClassVar[ExitStatus] = ExitStatus.FAILED

    def __init__(self, message: str, *, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class UsageError(TipDraftError):
    """The command line cannot be understood: a bad option value, a folder with no country files."""

    status = ExitStatus.USAGE


class UnreadableFile(TipDraftError):
    """A file could not be read or parsed at all; ``diagnostics`` says where and why."""

    @classmethod
    def whole(cls, path: str, message: str) -> UnreadableFile:
        """A problem with the whole file (missing, a folder, no permission): ``FILE: error: ...``."""
        return cls(f"{path}: {message}", diagnostics=[Diagnostic(path, 0, 0, ERROR, "", message, "file")])


class InvalidCountryFile(TipDraftError):
    """A country file has errors; the located diagnostics say which."""


class SettingsError(TipDraftError):
    """``tipdraft.toml`` cannot be read or names something wrong; located in that file."""


class TemplateProblem(TipDraftError):
    """A template is missing or broken; the message names the template file and line."""


class OutputError(TipDraftError):
    """An output file could not be written."""


class FileProblem(TipDraftError):
    """The system refused a path the user named (a name too long, a folder that is a file)."""

    @classmethod
    def of(cls, exc: OSError) -> FileProblem:
        """The one line for an OSError: the path, then the system's reason."""
        where = exc.filename if exc.filename is not None else "a file"
        return cls(f"{where}: {exc.strerror or exc}")


class PdfFailed(TipDraftError):
    """A PDF could not be made: a refused fetch in strict mode, or a PDF worker that died."""


class NotACable(TipDraftError):
    """The input is not a cable tipdraft can read (binary, empty, no TIP report, or its import
    would lose text): nothing is written."""
