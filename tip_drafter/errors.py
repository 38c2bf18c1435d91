"""Diagnostics and the one root exception that the CLI turns into messages and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
UNREVIEWED = "unreviewed"  # the code of an answer carried over and not yet reviewed


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, located by 1-based line and column."""

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
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.severity}: {where}{self.message}")

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


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Diagnostics as a JSON array, one object per problem."""
    return json.dumps([d.as_json() for d in diagnostics], indent=2)


class TipDraftError(Exception):
    """Root of every error tipdraft reports to its user; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, *, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class UsageError(TipDraftError):
    """The command was called wrongly: a missing file, a bad option value."""

    exit_code = 2


class InvalidCountryFile(TipDraftError):
    """A country file has errors; the located diagnostics say which."""


class TemplateProblem(TipDraftError):
    """A template is missing or broken; the message names the template file and line."""


class OutputError(TipDraftError):
    """An output file could not be written."""
