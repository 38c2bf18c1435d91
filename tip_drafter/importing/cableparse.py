"""Read a cable's text as a person would: envelope, header fields, and the body as blocks of
prose, with what archives add (metadata, a repeated header, page markers mid-sentence,
doubled blank lines) taken out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..cable import layout
from ..domain import dtg
from ..domain.classification import MARK_PATTERN, UNCLASSIFIED, ClassLine, read_class_line
from ..domain.dtg import DateTimeGroup
from ..format import country_format

NUMBERED = re.compile(rf"^(?P<number>\d+)\.\s+(?:\((?P<mark>{MARK_PATTERN})\)\s*)?(?P<rest>.*)$", re.S)
ADDRESSEE = re.compile(
    rf"^(?P<routing>[A-Z]{{4,8}})/(?P<address>.+?)(?: (?P<precedence>{'|'.join(country_format.PRECEDENCE)}))?(?: (?P<serial>\d{{4}}))?$"
)
STARTS_PARAGRAPH = re.compile(rf"^(?:--\s*[A-Z]\.\s|\d+\.\s+\((?:{MARK_PATTERN})\)\s)")
PASS_START = re.compile(r"^(?:[A-Z]+ )?(?:PASS|FOR)\b")
# A line of the routing envelope: channel, precedence and relays, DE, ZNR, date-time group, FM, TO, INFO, addressee
ROUTING = re.compile(rf"^(?:VZCZC|(?:ZZ|OO|PP|RR)\b|DE \S+ #|ZN[RY] |[ZOPR] {dtg.FORM}$|FM |TO |INFO |[A-Z]{{4,8}}/)")
ENVELOPE_START = re.compile(rf"^(?:VZCZC|(?:ZZ|OO|PP|RR) [A-Z]|DE [A-Z]{{4,}} #|[ZOPR] {dtg.FORM}$)")
LETTER_WORD = {letter: word for word, letter in country_format.PRECEDENCE.items()}


@dataclass
class Passage:
    """A paragraph of the body: its text on one line, and the cable lines it came from."""

    first: int
    last: int
    text: str


@dataclass
class ParsedCable:
    """What was read, with 1-based line numbers in the warnings."""

    envelope: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    body: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    leftovers: list[Passage] = field(default_factory=list)  # header lines not understood: kept, not read
    last_line: int = 0


def parse(text: str) -> ParsedCable:
    """Split a cable into its envelope, header and body."""
    lines = [(n, line.replace("\u00a0", " ").rstrip()) for n, line in enumerate(text.splitlines(), start=1)]
    cable = ParsedCable(last_line=len(lines))
    lines = _from_start(lines, cable)
    body = next((i for i, (_, line) in enumerate(lines) if NUMBERED.match(line)), len(lines))
    lines = _without_markers(lines[:body], cable) + lines[body:]
    classification = next((i for i, (_, line) in enumerate(lines) if read_class_line(line)), None)
    if classification is None:
        cable.warnings.append(f"no classification line ({UNCLASSIFIED.opening} ... 000123) found: header fields left to fill in")
        return _without_class_line(lines, body, cable)
    cable.envelope = _envelope(lines[:classification], cable)
    body = next((i for i in range(classification + 1, len(lines)) if NUMBERED.match(lines[i][1])), len(lines))
    header = _read_once(lines[classification:body], cable)
    cable.header = _header(header[1:], cable, read_class_line(header[0][1]))
    cable.body = blocks(lines[body:], cable)
    return cable


def _without_class_line(lines: list[tuple[int, str]], body: int, cable: ParsedCable) -> ParsedCable:
    """An archive's extract with no class line (``DE RUEHZP #0382/01 ...``, ``E.O. 12958: N/A``,
    ``REF: ...``, then the numbered paragraphs): its routing lines and captions still read. With
    no caption (E.O., TAGS, SUBJECT, REF) before its first numbered paragraph there is no
    header; with no numbered paragraph at all, everything is body, as it comes."""
    routing = next((i for i, (_, line) in enumerate(lines[:body]) if line and not ROUTING.match(line)), body)
    if body == len(lines):
        routing = body = 0  # prose: nothing read as a cable's
    elif not any(CAPTION.match(line) for _, line in lines[routing:body]):
        body = routing  # no header: what follows the routing lines is body
    cable.envelope = _envelope(lines[:routing], cable)
    cable.header = _header(lines[routing:body], cable, None)
    cable.body = blocks(lines[body:], cable)
    return cable


def _from_start(lines: list[tuple[int, str]], cable: ParsedCable) -> list[tuple[int, str]]:
    """The lines from the envelope or the class line on (an archive's metadata left out)."""
    start = next((i for i, (_, line) in enumerate(lines) if ENVELOPE_START.match(line) or read_class_line(line)), 0)
    if start:
        cable.notes.append(f"lines 1-{start}: not part of the cable (an archive's metadata), left out")
    return lines[start:]


def _without_markers(lines: list[tuple[int, str]], cable: ParsedCable) -> list[tuple[int, str]]:
    """The envelope and header without their page markers (a short page puts one mid-header);
    the body's are taken out as its paragraphs are joined, see :func:`blocks`."""
    out = []
    for number, line in lines:
        if layout.MARKER.match(line.strip()):
            cable.notes.append(f"line {number}: page marker removed")
        else:
            out.append((number, line))
    return out


def _read_once(header: list[tuple[int, str]], cable: ParsedCable) -> list[tuple[int, str]]:
    """The header, without the second copy an archive may print."""
    repeat = next((i for i in range(1, len(header)) if header[i][1] == header[0][1]), None)
    if repeat is None:
        return header
    cable.notes.append(
        f"lines {header[repeat][0]}-{header[-1][0]}: the header printed a second time (an archive's copy), read once"
    )
    return header[:repeat]


def blocks(lines: list[tuple[int, str]], cable: ParsedCable) -> list[Passage]:
    """Paragraphs separated by blank lines; page markers removed and the text they cut joined."""
    out: list[Passage] = []
    current: list[tuple[int, str]] = []
    marker_between = False

    def close() -> None:
        nonlocal current, marker_between
        if current:
            text = " ".join(line.strip() for _, line in current)
            if out and _continues(out[-1].text, text, marker_between):
                out[-1] = Passage(out[-1].first, current[-1][0], f"{out[-1].text} {text}")
            else:
                out.append(Passage(current[0][0], current[-1][0], text))
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


def _envelope(lines: list[tuple[int, str]], cable: ParsedCable) -> dict[str, Any]:
    env: dict[str, Any] = {"to": [], "info": []}
    kind = ""
    if not any(line for _, line in lines):
        return {}
    for number, line in lines:
        if not line or re.match(r"^ZN[RY] ", line) or _routing_line(env, number, line):
            continue
        if m := re.match(r"^(TO|INFO) (.*)$", line):
            kind = m[1].lower()
            _add_addressee(env, kind, m[2], number, cable)
        elif kind and "/" in line:
            _add_addressee(env, kind, line, number, cable)
        else:
            cable.warnings.append(f"line {number}: not understood in the transmission header: kept under 'unplaced'")
            cable.leftovers.append(Passage(number, number, line.strip()))
    return env


def _routing_line(env: dict[str, Any], number: int, line: str) -> bool:
    """The channel, precedence and relay, DE, date-time group and FM lines."""
    if line.startswith("VZCZC"):
        env["channel"] = line
    elif m := re.match(r"^(ZZ|OO|PP|RR)\b\s*(.*)$", line):
        env["relays"], env["letter"] = m[2].split(), m[1][0]
    elif m := re.match(r"^DE (\S+) #(\d{4})/\d+ (\d{7})", line):
        env["station"], env["de_serial"], env["julian"], env["de_line"] = m[1], m[2], m[3], number
    elif m := re.match(rf"^([ZOPR]) ({dtg.FORM})$", line):
        env["letter"], env["date_time_group"] = m[1], m[2]
    elif line.startswith("FM "):
        env["sender"] = line[3:].strip()
    else:
        return False
    return True


def _add_addressee(env: dict[str, Any], kind: str, text: str, number: int, cable: ParsedCable) -> None:
    if m := ADDRESSEE.match(text.strip()):
        env[kind].append({k: v for k, v in m.groupdict().items() if v})
    else:
        cable.warnings.append(f"line {number}: not an addressee (ROUTING/ADDRESS): {text!r}")


CAPTION = re.compile(r"^(E\.O\.|TAGS:|SUBJECT:|REF:|Classified By:)\s*(.*)$", re.IGNORECASE)
CAPTIONS = {"E.O.": "eo", "TAGS:": "tags", "SUBJECT:": "subject", "REF:": "reference", "CLASSIFIED BY:": "classified_by"}
WRAPPED = ("tags", "subject", "reference", "classified_by")  # captions whose text may go on


def _header(lines: list[tuple[int, str]], cable: ParsedCable, first: ClassLine | None) -> dict[str, Any]:
    """The header's fields from the lines after the class line ``first`` (None: there is none)."""
    h: dict[str, Any] = {"post": first.post, "serial": first.serial} if first else {}
    h |= {"caveats": [], "pass": []}
    caption = ""
    note: list[str] = []
    for number, line in lines:
        found = _header_line(h, caption, line, note)
        if found is None:
            cable.warnings.append(f"line {number}: not understood in the header: kept under 'unplaced'")
            cable.leftovers.append(Passage(number, number, line.strip()))
        else:
            caption = found
    if note:
        h["reference_note"] = " ".join(note)
    return _header_fields(h, first, cable)


def _header_line(h: dict[str, Any], caption: str, line: str, note: list[str]) -> str | None:
    """Read one header line into ``h``: the caption the next line may continue, None if the
    line is not understood."""
    if not line:
        return ""  # a blank line ends a wrapped caption
    if m := CAPTION.match(line):
        caption = CAPTIONS[m[1].upper()]
        h[caption] = m[2]
        return caption
    text = line.strip()
    if caption in WRAPPED:
        h[caption] = f"{h[caption]} {text}"
    elif "eo" in h:  # after the E.O. line, before the subject: not understood
        if "subject" not in h:
            return None
        note.append(text)
    elif re.fullmatch(r"[A-Z][A-Z ]{3,}", text) and not PASS_START.match(text):
        h["caveats"].append(text)
    else:
        _add_pass(h["pass"], text)
    return caption


def _add_pass(entries: list[str], line: str) -> None:
    if PASS_START.match(line) or not entries:
        entries.append(line)
    else:
        entries[-1] = f"{entries[-1]} {line}"


def _header_fields(h: dict[str, Any], first: ClassLine | None, cable: ParsedCable) -> dict[str, Any]:
    _eo_fields(h)
    tags = [t.strip(",") for t in h.pop("tags", "").split()]
    if tags and re.fullmatch(r"[A-Z]{2}", tags[-1]):
        h["country_code"] = tags.pop()
    h["tags"] = tags
    if first is not None:
        h["classification"] = first.classification(h["caveats"]).word
    _envelope_fields(h, cable.envelope, cable)
    for key in ("subject", "reference", "classified_by"):
        if key in h:
            h[key] = " ".join(h[key].split())
    return {k: v for k, v in h.items() if v not in ("", [], None)}


def _eo_fields(h: dict[str, Any]) -> None:
    """``E.O. 12958: DECL: 02/20/2019`` into the executive order and the declassification date."""
    if m := re.match(r"^(\d+):\s*(?:DECL:\s*(\S+)|N/A)", h.pop("eo", "")):
        h["executive_order"] = m[1]
        if m[2]:
            h["declassify"] = m[2]


def _envelope_fields(h: dict[str, Any], env: dict[str, Any], cable: ParsedCable) -> None:
    """What the envelope says of the cable: its date-time group and precedence."""
    if env.get("date_time_group"):
        h["date_time_group"] = env["date_time_group"]
    if env.get("letter") in LETTER_WORD:
        h["precedence"] = LETTER_WORD[env["letter"]]
    _check_de_line(h, env, cable)


def _check_de_line(h: dict[str, Any], env: dict[str, Any], cable: ParsedCable) -> None:
    """The DE line's serial and day of the year agree with the header, or the user hears of it."""
    if "julian" not in env or "date_time_group" not in env:
        return
    sent = DateTimeGroup.read(env["date_time_group"])
    if sent is None or sent.julian != env["julian"]:
        cable.warnings.append(
            f"line {env['de_line']}: the DE line's day and time {env['julian']} do not match the date-time group {env['date_time_group']}"
        )
    if "serial" in h and int(env["de_serial"]) != h["serial"] % 10000:
        cable.warnings.append(
            f"line {env['de_line']}: the DE line's serial #{env['de_serial']} is not the cable's serial {h['serial']}"
        )
