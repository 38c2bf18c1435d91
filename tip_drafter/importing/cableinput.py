"""A cable file's bytes as text: capped like a country file, UTF-16/32 decoded by its byte order
mark, binary refused, control characters taken out before anything reaches a country file."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotACable
from ..yamlio import read

BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class CableText:
    """The text to import, and what the user should know about how it was read."""

    text: str
    warnings: list[str] = field(default_factory=list)


def read_cable(path: Path) -> CableText:
    """The text of the cable at ``path``, or :class:`NotACable` (binary, empty, undecodable)."""
    raw = read.read_capped(path, str(path), read.MAX_BYTES, "a cable")
    return decode(raw, str(path))


def decode(raw: bytes, shown: str) -> CableText:
    """Bytes as text: a BOM's UTF-16/32 with a warning, else UTF-8, else Windows-1252."""
    out = CableText("")
    bom = next((enc for mark, enc in BOMS if raw.startswith(mark)), None)
    if bom:
        try:
            out.text = raw.decode(bom)
        except UnicodeDecodeError:
            raise NotACable(f"{shown}: marked as {bom.upper()} but is not: not a cable") from None
        out.warnings.append(f"the file is {bom.upper()} (its byte order mark says so); read as such")
    elif b"\x00" in raw:
        raise NotACable(f"{shown}: binary data (NUL bytes): not a cable's text")
    else:
        try:
            out.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            out.text = raw.decode("cp1252", errors="replace")
    if "\x00" in out.text:
        raise NotACable(f"{shown}: binary data (NUL characters): not a cable's text")
    if not out.text.strip():
        raise NotACable(f"{shown}: empty: there is no cable to import")
    out.text = _clean(out, shown)
    return out


def _clean(out: CableText, shown: str) -> str:
    """Tabs as spaces, form feeds as line breaks, other control characters out (with a warning)."""
    text = out.text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\f", "\n")
    found = CONTROL.findall(text)
    if len(found) > max(8, len(text) // 100):
        raise NotACable(f"{shown}: {len(found)} control characters: binary data, not a cable's text")
    if found:
        out.warnings.append(f"{len(found)} control character(s) taken out (a cable cannot carry them)")
    return CONTROL.sub("", text)
