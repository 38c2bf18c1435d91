"""Diagnostics (severity, code and place as data, the one label of a place), exit statuses, and every error class."""

from __future__ import annotations

import functools
import json
import shlex
import signal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import ClassVar


class Severity(StrEnum):
    """How bad a problem is: an error stops a render, a warning does not (unless ``--strict``)."""

    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """The kind of a problem, as ``validate --format json`` names it (README, "Commands")."""

    NONE = ""  # a problem no caller acts on by its kind
    TYPE = "type"
    ENUM = "enum"
    PATTERN = "pattern"
    EMPTY = "empty"
    REQUIRED = "required"
    UNKNOWN_KEY = "unknown-key"
    CONTAINS = "contains"  # a required tag
    CAVEAT = "caveat"  # SENSITIVE
    PLACEHOLDER = "placeholder"
    CHARSET = "charset"
    CONVERTED = "converted"  # a character transliterated to ASCII
    CLASSIFICATION = "classification"
    MARK = "mark"
    YEAR = "year"
    DATE = "date"
    CAPITALS = "capitals"
    COUNTRY = "country"
    WIDTH = "width"
    ORDER = "order"
    SEQUENCE = "sequence"
    ANSWERED_TWICE = "answered-twice"
    UNREVIEWED = "unreviewed"  # an answer carried over and not yet reviewed
    KEPT = "kept"
    SYNTAX = "syntax"
    ENCODING = "encoding"
    DUPLICATE_KEY = "duplicate-key"
    FILE = "file"  # the whole file: missing, unreadable
    SETTINGS = "settings"  # tipdraft.toml
    TEMPLATE = "template"
    IMPORT = "import"
    MIXED_OUTPUTS = "mixed-outputs"  # outputs left from two renders
    # an edition file's own
    NAME = "name"
    DUPLICATE = "duplicate"
    PREVIOUS = "previous"
    CONTINUES = "continues"
    FRAMING = "framing"


ERROR = Severity.ERROR
WARNING = Severity.WARNING
UNREVIEWED = Code.UNREVIEWED


@functools.total_ordering
@dataclass(frozen=True)
class Place:
    """Where a problem is in the questionnaire, as data: a paragraph's number (or its key as
    written, when that is no number), the letters of its item, then the keys and list indexes
    below (``field_path``). A problem outside the answers has only a ``field_path``
    (``("cable", "subject")``). Ordered as its label reads."""

    paragraph: int | str | None = None
    letters: tuple[str, ...] = ()
    field_path: tuple[str | int, ...] = ()

    @classmethod
    def item(cls, number: object, letters: Iterable[str] = ()) -> Place:
        """A questionnaire paragraph's place, or its item's: ``number`` as the file keys it
        (``25`` or ``"25"``: the number; a key that is no number: as written)."""
        if isinstance(number, int) and not isinstance(number, bool):
            return cls(number, tuple(letters))
        text = str(number)
        return cls(int(text) if text.isascii() and text.isdigit() else text, tuple(letters))

    @classmethod
    def named(cls, text: str) -> Place:
        """The place outside the answers that ``text`` names, key by key (``cable.subject``)."""
        return cls(field_path=tuple(text.split("."))) if text else cls()

    def child(self, part: str | int) -> Place:
        """The place one key (or list index) deeper."""
        return Place(self.paragraph, self.letters, (*self.field_path, part))

    @property
    def label(self) -> str:
        """How messages name this place: see :func:`label`."""
        return label(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Place):
            return NotImplemented
        return label(self) < label(other)


def label(place: Place) -> str:
    """The one way a place is written for the user: ``para 25``, ``para 25.E``, ``para 25.B/C``
    (an answer to several items), ``para 25.E.text``, ``cable.subject``, ``contact[2].name``."""
    out = ""
    if place.paragraph is not None:
        out = f"para {place.paragraph}" + (f".{'/'.join(place.letters)}" if place.letters else "")
    for part in place.field_path:
        out += f"[{part + 1}]" if isinstance(part, int) and out else f"{'.' if out else ''}{part}"
    return out


def para_label(number: object, letters: Iterable[str] = ()) -> str:
    """``para 25`` or ``para 25.E``: the label of a questionnaire paragraph or item (:func:`label`)."""
    return label(Place.item(number, letters))


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
    severity: Severity
    place: Place  # where in the questionnaire (``where`` is its label)
    message: str
    code: Code = Code.NONE  # a machine-readable kind
    pointer: str = ""  # the value's JSON pointer (RFC 6901) in the file, where the format found it

    def __post_init__(self) -> None:
        # callers outside the package may pass plain strings: the enums are string enums
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "code", Code(self.code))
        if isinstance(self.place, str):
            object.__setattr__(self, "place", Place.named(self.place))

    @property
    def where(self) -> str:
        """The questionnaire place as the user reads it (``para 25.E``, ``cable.subject``)."""
        return label(self.place)

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
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "where": self.where,
            "place": {
                "paragraph": self.place.paragraph,
                "letters": list(self.place.letters),
                "field_path": list(self.place.field_path),
            },
            "message": self.message,
            "code": str(self.code),
            "pointer": self.pointer,
        }


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

    def about(self, path: object) -> str:
        """The message said of ``path``, as a diagnostic of it says it (the file's name not twice)."""
        return str(self).removeprefix(f"{path}: ")


class UsageError(TipDraftError):
    """The command line cannot be understood: a bad option value, a folder with no country files."""

    status = ExitStatus.USAGE


class UnreadableFile(TipDraftError):
    """A file could not be read or parsed at all; ``diagnostics`` says where and why."""

    @classmethod
    def whole(cls, path: str, message: str) -> UnreadableFile:
        """A problem with the whole file (missing, a folder, no permission): ``FILE: error: ...``."""
        return cls(f"{path}: {message}", diagnostics=[Diagnostic(path, 0, 0, ERROR, Place(), message, Code.FILE)])


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
