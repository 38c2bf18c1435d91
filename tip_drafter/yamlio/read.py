"""A YAML file's text, read safely: only a regular file, never past a size cap, UTF-8 with no
character YAML refuses; what is wrong is one located diagnostic naming the kind of file."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.reader import Reader

from ..errors import ERROR, Code, Diagnostic, Place, TipDraftError, UnreadableFile


@dataclass(frozen=True)
class FileKind:
    """What a file read here should be, in the words its messages use."""

    what: str  # "a country file"
    shape: str  # what it holds at the top, for an empty file's message
    full: str  # how many nodes a full one has, for the node limit's message


COUNTRY_FILE = FileKind("a country file", "a mapping with 'edition', 'cable', 'answers'", "a full one has about 2,000")
EDITION_FILE = FileKind("an edition file", "a mapping with 'edition', 'title', 'paragraphs'", "a full one has about 600")
MAX_BYTES = 4 * 1024 * 1024  # a full submission is ~40 KB; anything this big is not one
_NON_PRINTABLE = Reader.NON_PRINTABLE  # the characters ruamel's reader refuses (ESC, most controls)


def read_text(path: Path, shown: str, kind: FileKind = COUNTRY_FILE) -> str:
    """The file's text, or a located diagnostic saying why it is not UTF-8 YAML text.

    Only a regular file is read (a FIFO would hang, a device such as /dev/zero never ends),
    and never more than the cap, whatever its size says.
    """
    return decode(read_capped(path, shown, MAX_BYTES, kind.what), shown)


def read_capped(path: Path, shown: str, cap: int, what: str) -> bytes:
    """At most ``cap`` bytes of the regular file at ``path``; anything else is refused with a
    message naming ``shown`` (the path as the user wrote it)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    mode = os.fstat(fd).st_mode  # before fdopen, which refuses a folder with an OSError of its own
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise UnreadableFile.whole(shown, f"is a folder, not {what}")
        raise fatal(shown, 1, 1, f"not a regular file (a pipe, socket or device): cannot be {what}")
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(cap + 1)
        except OSError as exc:
            raise _unreadable(shown, exc) from None
    refuse_size(raw, shown, cap, what)
    return raw


def refuse_size(raw: bytes, shown: str, cap: int, what: str) -> None:
    if len(raw) > cap:
        raise fatal(shown, 1, 1, f"file is larger than the {cap // 1024 // 1024} MiB limit for {what}")


def check_text(raw: bytes, shown: str) -> str:
    """``raw`` as the loader would read it from a file named ``shown``: the text, or the same
    located diagnostic (over the size cap, NUL bytes, not UTF-8, a character YAML does not
    allow such as ESC), so nothing is written that every command would then refuse."""
    refuse_size(raw, shown, MAX_BYTES, "a country file")
    text = decode(raw, shown)
    if (found := _NON_PRINTABLE.search(text)) is not None:
        raise not_printable(shown, text, found.start(), found.group())
    return text


def _unreadable(shown: str, exc: OSError) -> TipDraftError:
    if isinstance(exc, FileNotFoundError):
        return UnreadableFile.whole(shown, "no such file")
    if isinstance(exc, PermissionError):
        return UnreadableFile.whole(shown, "permission denied: cannot read the file")
    return UnreadableFile.whole(shown, f"cannot read: {exc.strerror or exc}")


def decode(raw: bytes, shown: str) -> str:
    """Decode UTF-8 (with or without a BOM); a bad byte is reported at its line and column."""
    if b"\x00" in raw:
        line, col = _position(raw, raw.index(b"\x00"))
        raise fatal(shown, line, col, "file contains NUL bytes: this is a binary file, not YAML text", code="encoding")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        byte = raw[exc.start]
        hint = " (saved as Windows-1252 or Latin-1? save it as UTF-8)" if byte >= 0x80 else ""
        raise fatal(shown, line, col, f"not UTF-8 text: byte 0x{byte:02X} cannot be decoded{hint}", code="encoding") from None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, col


def _text_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def not_printable(shown: str, text: str, offset: int, character: str) -> UnreadableFile:
    line, col = _text_position(text, offset)
    return fatal(shown, line, col, f"character {character!r} is not allowed in YAML text", code="syntax")


def fatal(shown: str, line: int, col: int, message: str, where: Place | None = None, code: str = "file") -> UnreadableFile:
    diag = Diagnostic(shown, line, col, ERROR, where or Place(), " ".join(message.split()), Code(code))
    return UnreadableFile(diag.format(), diagnostics=[diag])
