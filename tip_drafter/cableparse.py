"""Read a cable's text as a person would: envelope, header fields, and the body as blocks of
prose, with what archives add (metadata, a repeated header, page markers mid-sentence,
doubled blank lines) taken out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import country_format, layout
from .model import julian_day

CLASS_LINE = re.compile(
    r"^(?P<word>UNCLAS|C O N F I D E N T I A L|S E C R E T|CONFIDENTIAL|SECRET)\s+"
    r"(?:SECTION\s+\d+\s+OF\s+\d+\s+)?(?P<post>.+?)\s+(?P<serial>\d{6})$"
)
NUMBERED = re.compile(r"^(?P<number>\d+)\.\s+(?:\((?P<mark>U|SBU|C|S)\)\s*)?(?P<rest>.*)$", re.S)
ADDRESSEE = re.compile(
    r"^(?P<routing>[A-Z]{4,8})/(?P<address>.+?)(?: (?P<precedence>FLASH|IMMEDIATE|PRIORITY|ROUTINE))?(?: (?P<serial>\d{4}))?$"
)
STARTS_PARAGRAPH = re.compile(r"^(?:--\s*[A-Z]\.\s|\d+\.\s+\((?:U|SBU|C|S)\)\s)")
PASS_START = re.compile(r"^(?:[A-Z]+ )?(?:PASS|FOR)\b")
LETTER_WORD = {letter: word for word, letter in country_format.PRECEDENCE.items()}
CLASSIFIED = {
    "C O N F I D E N T I A L": "CONFIDENTIAL",
    "S E C R E T": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "SECRET": "SECRET",
}


@dataclass
class Block:
    """A paragraph of the body: its text on one line, and the cable lines it came from."""

    first: int
    last: int
    text: str


@dataclass
class Cable:
    """What was read, with 1-based line numbers in the warnings."""

    envelope: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    body: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    last_line: int = 0


def parse(text: str) -> Cable:
    """Split a cable into its envelope, header and body."""
    lines = [(n, line.replace("\u00a0", " ").rstrip()) for n, line in enumerate(text.splitlines(), start=1)]
    cable = Cable(last_line=len(lines))
    start = next((i for i, (_, line) in enumerate(lines) if line.startswith("VZCZC") or CLASS_LINE.match(line)), 0)
    if start:
        cable.notes.append(f"lines 1-{start}: not part of the cable (an archive's metadata), left out")
    lines = lines[start:]
    classification = next((i for i, (_, line) in enumerate(lines) if CLASS_LINE.match(line)), None)
    if classification is None:
        cable.warnings.append("no classification line (UNCLAS ... 000123) found: header fields left to fill in")
        cable.body = blocks(lines, cable)
        return cable
    cable.envelope = _envelope(lines[:classification], cable)
    body = next((i for i in range(classification + 1, len(lines)) if NUMBERED.match(lines[i][1])), len(lines))
    header = lines[classification:body]
    repeat = next((i for i in range(1, len(header)) if header[i][1] == header[0][1]), None)
    if repeat is not None:
        cable.notes.append(
            f"lines {header[repeat][0]}-{header[-1][0]}: the header printed a second time (an archive's copy), read once"
        )
        header = header[:repeat]
    cable.header = _header(header, cable)
    cable.body = blocks(lines[body:], cable)
    return cable


def blocks(lines: list[tuple[int, str]], cable: Cable) -> list[Block]:
    """Paragraphs separated by blank lines; page markers removed and the text they cut joined."""
    out: list[Block] = []
    current: list[tuple[int, str]] = []
    marker_between = False

    def close() -> None:
        nonlocal current, marker_between
        if current:
            text = " ".join(line.strip() for _, line in current)
            if out and _continues(out[-1].text, text, marker_between):
                out[-1] = Block(out[-1].first, current[-1][0], f"{out[-1].text} {text}")
            else:
                out.append(Block(current[0][0], current[-1][0], text))
            marker_between = False
        current = []

    for number, line in lines:
        if layout.MARKER.match(line.strip()):
            close()
            marker_between = True
            cable.notes.append(f"line {number}: page marker removed")
        elif not line.strip() or re.fullmatch(r"[-=_]{3,}", line.strip()):
            close()  # a blank line or a rule (posts set headings between dash rules)
        elif current and STARTS_PARAGRAPH.match(line):
            close()  # "-- B." or "4. (SBU)" opens a paragraph even with no blank line before it
            current.append((number, line))
        else:
            current.append((number, line))
    close()
    return out


def _continues(previous: str, text: str, marker_between: bool) -> bool:
    """Whether ``text`` carries on the sentence ``previous`` left open (across a page break)."""
    if NUMBERED.match(text) or re.match(r"^(?:--\s*)?[A-Z]\.\s", text):
        return False
    if text[:1].islower():
        return True
    return marker_between and not re.search(r"[.:;?!)\"']$", previous)


def _envelope(lines: list[tuple[int, str]], cable: Cable) -> dict[str, Any]:
    env: dict[str, Any] = {"to": [], "info": []}
    kind = ""
    for number, line in lines:
        if not line or re.match(r"^ZN[RY] ", line) or _routing_line(env, number, line):
            continue
        if m := re.match(r"^(TO|INFO) (.*)$", line):
            kind = m[1].lower()
            _add_addressee(env, kind, m[2], number, cable)
        elif kind and "/" in line:
            _add_addressee(env, kind, line, number, cable)
        else:
            cable.warnings.append(f"line {number}: not understood in the transmission header: {line!r}")
    return env


def _routing_line(env: dict[str, Any], number: int, line: str) -> bool:
    """The channel, precedence and relay, DE, date-time group and FM lines."""
    if line.startswith("VZCZC"):
        env["channel"] = line
    elif m := re.match(r"^(ZZ|OO|PP|RR)\b\s*(.*)$", line):
        env["relays"], env["letter"] = m[2].split(), m[1][0]
    elif m := re.match(r"^DE (\S+) #(\d{4})/\d+ (\d{7})", line):
        env["station"], env["de_serial"], env["julian"], env["de_line"] = m[1], m[2], m[3], number
    elif m := re.match(r"^([ZOPR]) (\d{6}Z [A-Z]{3} \d{2})$", line):
        env["letter"], env["date_time_group"] = m[1], m[2]
    elif line.startswith("FM "):
        env["sender"] = line[3:].strip()
    else:
        return False
    return True


def _add_addressee(env: dict[str, Any], kind: str, text: str, number: int, cable: Cable) -> None:
    if m := ADDRESSEE.match(text.strip()):
        env[kind].append({k: v for k, v in m.groupdict().items() if v})
    else:
        cable.warnings.append(f"line {number}: not an addressee (ROUTING/ADDRESS): {text!r}")


def _header(lines: list[tuple[int, str]], cable: Cable) -> dict[str, Any]:
    first = CLASS_LINE.match(lines[0][1])
    assert first is not None
    h: dict[str, Any] = {"post": first["post"], "serial": int(first["serial"]), "caveats": [], "pass": []}
    field_name = ""
    note: list[str] = []
    for number, line in lines[1:]:
        if not line:
            field_name = ""  # a blank line ends a wrapped caption
            continue
        caption = re.match(r"^(E\.O\.|TAGS:|SUBJECT:|REF:|Classified By:)\s*(.*)$", line, re.IGNORECASE)
        if caption:
            field_name = {"E.O.": "eo", "TAGS:": "tags", "SUBJECT:": "subject", "REF:": "reference"}.get(
                caption[1].upper(), "classified_by"
            )
            h[field_name] = caption[2]
        elif field_name in ("tags", "subject", "reference", "classified_by"):
            h[field_name] = f"{h[field_name]} {line.strip()}"
        elif "eo" not in h and re.fullmatch(r"[A-Z][A-Z ]{3,}", line.strip()) and not PASS_START.match(line.strip()):
            h["caveats"].append(line.strip())
        elif "eo" not in h:
            _add_pass(h["pass"], line.strip())
        elif "subject" in h:
            note.append(line.strip())
        else:
            cable.warnings.append(f"line {number}: not understood in the header: {line!r}")
    if note:
        h["reference_note"] = " ".join(note)
    return _header_fields(h, first["word"], cable)


def _add_pass(entries: list[str], line: str) -> None:
    if PASS_START.match(line) or not entries:
        entries.append(line)
    else:
        entries[-1] = f"{entries[-1]} {line}"


def _header_fields(h: dict[str, Any], word: str, cable: Cable) -> dict[str, Any]:
    eo = h.pop("eo", "")
    if m := re.match(r"^(\d+):\s*(?:DECL:\s*(\S+)|N/A)", eo):
        h["executive_order"] = m[1]
        if m[2]:
            h["declassify"] = m[2]
    tags = [t.strip(",") for t in h.pop("tags", "").split()]
    if tags and re.fullmatch(r"[A-Z]{2}", tags[-1]):
        h["country_code"] = tags.pop()
    h["tags"] = tags
    if word == "UNCLAS":
        h["classification"] = "UNCLASSIFIED//FOR OFFICIAL USE ONLY" if "SENSITIVE" in h["caveats"] else "UNCLASSIFIED"
    else:
        h["classification"] = CLASSIFIED[word]
    env = cable.envelope
    if env.get("date_time_group"):
        h["date_time_group"] = env["date_time_group"]
    if env.get("letter") in LETTER_WORD:
        h["precedence"] = LETTER_WORD[env["letter"]]
    _check_de_line(h, env, cable)
    for key in ("subject", "reference", "classified_by"):
        if key in h:
            h[key] = " ".join(h[key].split())
    return {k: v for k, v in h.items() if v not in ("", [], None)}


def _check_de_line(h: dict[str, Any], env: dict[str, Any], cable: Cable) -> None:
    """The DE line's serial and day of the year agree with the header, or the user hears of it."""
    if "julian" not in env or "date_time_group" not in env:
        return
    if julian_day(env["date_time_group"]) != env["julian"]:
        cable.warnings.append(
            f"line {env['de_line']}: the DE line's day and time {env['julian']} do not match the date-time group {env['date_time_group']}"
        )
    if int(env["de_serial"]) != h["serial"] % 10000:
        cable.warnings.append(
            f"line {env['de_line']}: the DE line's serial #{env['de_serial']} is not the cable's serial {h['serial']}"
        )
