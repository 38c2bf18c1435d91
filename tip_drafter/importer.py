"""Import a cable's text into a country file: the header into its fields, the answers under
their paragraph and letter, whatever fits nowhere kept (never dropped) with a warning."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, assert_never

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from . import cableparse, write
from .cableparse import Passage
from .classification import UNCLASSIFIED, higher_mark
from .edition import Edition, available_editions, load_edition
from .errors import UsageError
from .framing import KINDS
from .load import flow_list
from .passages import ItemStart, NumberedText, PlainText, QuestionStart, Step, TextEnd, classify
from .write import refuse_overwrite

SIGNATURE = re.compile(r"[A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){0,2}\s*\.?")
TO_FOLLOW = re.compile(r"^\(([^()a-z]{12,})\)\s*(.*)$")


@dataclass
class GatheredAnswer:
    """One lettered answer being gathered."""

    letters: list[str]
    mark: str
    paragraphs: list[str]
    line: int


@dataclass
class Gathered:
    """The body as it is read: framing paragraphs, questionnaire paragraphs, leftovers."""

    framing: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id -> (mark, paragraphs)
    marks: dict[int, str] = field(default_factory=dict)
    headings: dict[int, str] = field(default_factory=dict)
    answers: dict[int, list[GatheredAnswer]] = field(default_factory=dict)
    unplaced: list[Passage] = field(default_factory=list)
    signature: str = ""
    ended: bool = False
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Imported:
    """The country file's data and what the user should know about the import."""

    data: CommentedMap
    warnings: list[str]
    notes: list[str]


def import_cable(text: str, edition: Edition) -> Imported:
    """Read a cable (as sent, or as an archive printed it) into country-file data."""
    cable = cableparse.parse(text)
    gathered = _gather(cable.body, edition)
    data = CommentedMap()
    data["edition"] = edition.name
    data["cable"] = _cable_fields(cable, gathered)
    if cable.envelope:
        data["transmission"] = _transmission(cable)
    for frame in edition.framing:
        if frame.id in gathered.framing:
            data[frame.id] = _framing(frame.kind, frame.default, *gathered.framing[frame.id])
    data["answers"] = _answers(gathered, edition)
    if gathered.unplaced:
        data["unplaced"] = CommentedSeq(
            CommentedMap(lines=f"{b.first}-{b.last}", text=_literal([b.text])) for b in gathered.unplaced
        )
    warnings = (
        cable.warnings
        + gathered.warnings
        + _missing(gathered, edition)
        + [f"lines {b.first}-{b.last}: could not place this text; kept under 'unplaced'" for b in gathered.unplaced]
    )
    if not gathered.ended:
        warnings.append(f"line {cable.last_line}: no {edition.end.rstrip('.') or 'closing line'}: the cable may be cut short")
    return Imported(data, warnings, cable.notes + gathered.notes)


def _gather(blocks: list[Passage], edition: Edition) -> Gathered:
    return _Reader(edition).read(blocks)


class _Reader:
    """Walks the body's blocks, placing each under the paragraph and letter it belongs to."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.numbers = {p.number for p in edition.paragraphs}
        self.g = Gathered()
        self.question: int | None = None
        self.current: GatheredAnswer | list[str] | None = None  # where a following paragraph of text goes

    def read(self, blocks: list[Passage]) -> Gathered:
        steps = [classify(b, self.numbers, self.edition.end) for b in blocks]
        if blocks and SIGNATURE.fullmatch(blocks[-1].text) and not any(isinstance(s, TextEnd) for s in steps):
            self.g.signature, blocks = blocks[-1].text.rstrip(" ."), blocks[:-1]  # a name alone at the end
        for index, (block, step) in enumerate(zip(blocks, steps, strict=False)):
            if isinstance(step, TextEnd):
                self.g.ended = True
                self.g.signature = _signature(blocks[index + 1 :])
                break
            if not self._place(block, step):
                self.g.unplaced.append(block)
        return self.g

    def _place(self, block: Passage, step: Step) -> bool:
        """Take one step; False if the block has no place."""
        match step:
            case QuestionStart():
                return self._question(step)
            case ItemStart():
                return self._item(block, step)
            case NumberedText():
                return self._numbered(step)
            case PlainText():
                return self._text(block)
            case TextEnd():
                return True
        assert_never(step)

    def _question(self, step: QuestionStart) -> bool:
        self.question, self.current = step.number, None
        if step.mark:
            self.g.marks[step.number] = higher_mark(self.g.marks.get(step.number, ""), step.mark)
        if step.heading:
            self.g.headings[step.number] = step.heading
        return True

    def _item(self, block: Passage, step: ItemStart) -> bool:
        if step.number is not None:
            self.question = step.number
        if self.question is None:
            return False
        self.current = GatheredAnswer(step.letters, step.mark, [step.text] if step.text else [], block.first)
        self.g.answers.setdefault(self.question, []).append(self.current)
        if step.mark:
            self.g.marks[self.question] = higher_mark(self.g.marks.get(self.question, ""), step.mark)
        return True

    def _numbered(self, step: NumberedText) -> bool:
        role = _role(step.text, self.g.framing, self.edition) if self.question is None else None
        if role is None:
            self.current = None
            return False
        self.g.framing[role] = (step.mark, [step.text])
        self.current = self.g.framing[role][1]
        return True

    def _text(self, block: Passage) -> bool:
        if self.current is None:
            return False
        (self.current.paragraphs if isinstance(self.current, GatheredAnswer) else self.current).append(block.text)
        return True


def _role(text: str, taken: dict[str, Any], edition: Edition) -> str | None:
    """Which framing paragraph a numbered paragraph before the answers is (the first free one
    whose kind recognises it)."""
    free = [f for f in edition.framing if f.id not in taken]
    return next((f.id for f in free if KINDS[f.kind].recognises(text, f.default)), None)


def _signature(rest: list[Passage]) -> str:
    """The chief of mission's name after the closing line (an archive's stray '.' left out)."""
    for block in rest:
        words = [w for w in block.text.split() if re.search(r"[A-Za-z]", w)]
        if words:
            return " ".join(words)
    return ""


def _cable_fields(cable: cableparse.ParsedCable, g: Gathered) -> CommentedMap:
    h = cable.header
    out = CommentedMap()
    subject = h.get("subject", "")
    out["post"] = h.get("post", "TBD")
    out["country"] = (subject.split(":")[0].strip() if ":" in subject else h.get("post", "")) or "TBD"
    for key, default in (
        ("country_code", "TBD"),
        ("serial", "TBD"),
        ("date_time_group", "TBD"),
        ("precedence", "ROUTINE"),
        ("classification", UNCLASSIFIED.word),
    ):
        out[key] = h.get(key, default)
    if h.get("caveats"):
        out["caveats"] = flow_list(h["caveats"])
    if h.get("pass"):
        out["pass"] = CommentedSeq(h["pass"])
    out["executive_order"] = h.get("executive_order", "12958")
    _copy(h, out, ("declassify", "classified_by"))
    out["tags"] = flow_list(h.get("tags", []))
    out["subject"] = h.get("subject", "TBD")
    _copy(h, out, ("reference", "reference_note"))
    out["signature"] = g.signature or "TBD"
    return out


def _copy(h: dict[str, Any], out: CommentedMap, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in h:
            out[key] = h[key]


def _transmission(cable: cableparse.ParsedCable) -> CommentedMap:
    env = cable.envelope
    out = CommentedMap()
    for key in ("channel", "relays", "station", "sender"):
        if key in env:
            out[key] = flow_list(env[key]) if key == "relays" else env[key]
    precedence = cable.header.get("precedence", "")
    for kind in ("to", "info"):
        if env.get(kind):
            out[kind] = CommentedSeq(_addressee(a, precedence) for a in env[kind])
    return out


def _addressee(a: dict[str, str], precedence: str) -> CommentedMap:
    entry = CommentedMap(routing=a["routing"], address=a["address"])
    if a.get("serial"):
        entry["serial"] = a["serial"]
    if a.get("precedence", "ROUTINE") != precedence:  # only where it is not the cable's own
        entry["precedence"] = a.get("precedence", "ROUTINE")
    entry.fa.set_flow_style()
    return entry


def _framing(kind: str, default: str, mark: str, paragraphs: list[str]) -> CommentedMap:
    return CommentedMap([*([("mark", mark)] if mark else []), *KINDS[kind].imported(paragraphs, default, _literal)])


def _answers(g: Gathered, edition: Edition) -> CommentedMap:
    out = CommentedMap()
    for para in edition.paragraphs:
        found = g.answers.get(para.number)
        if not found and para.number not in g.marks:
            continue
        entry = out[para.number] = CommentedMap()
        if g.marks.get(para.number):
            entry["mark"] = g.marks[para.number]
        else:  # validate asks for one: a portion mark is the post's call, not ours
            g.warnings.append(f"para {para.number}: the cable gives it no portion mark; add one (mark: U, SBU, C or S)")
        heading = g.headings.get(para.number, "")
        if heading and heading != para.title:
            entry["heading"] = heading
        for answer in found or []:
            key = " and ".join(answer.letters)
            if key in entry:
                g.notes.append(f"line {answer.line}: {para.number}.{key} answered twice; the two answers are joined")
                entry[key] = _literal([str(entry[key]), *answer.paragraphs])
                continue
            entry[key] = _answer_value(_drop_question(answer, g))
    return out


def _drop_question(answer: GatheredAnswer, g: Gathered) -> list[str]:
    """Posts that repeat each question before answering it: keep the answer only."""
    if len(answer.paragraphs) > 1 and answer.paragraphs[0].rstrip().endswith("?"):
        g.notes.append(f"line {answer.line}: the question repeated before the answer was left out")
        return answer.paragraphs[1:]
    return answer.paragraphs


def _answer_value(paragraphs: list[str]) -> Any:
    if paragraphs and (m := TO_FOLLOW.match(paragraphs[0])):
        rest = [m[2], *paragraphs[1:]] if m[2] else paragraphs[1:]
        return CommentedMap([("to_follow", m[1].strip()), ("text", _literal(rest))])
    return _literal(paragraphs)


def _missing(g: Gathered, edition: Edition) -> list[str]:
    answered = {(n, letter) for n, answers in g.answers.items() for a in answers for letter in a.letters}
    lines = {n: answers[0].line for n, answers in g.answers.items() if answers}
    return [
        f"para {p.number}.{i.letter}: no answer found ({i.topic})"
        + (f"; paragraph {p.number} starts at line {lines[p.number]}" if p.number in lines else "")
        for p, i in edition.items()
        if i.required and (p.number, i.letter) not in answered
    ]


def _literal(paragraphs: Iterator[str] | list[str]) -> LiteralScalarString:
    """Paragraphs as a block of text wrapped for reading; rendering joins the lines again."""
    wrapped = ["\n".join(textwrap.wrap(p, 80, break_long_words=False, break_on_hyphens=False)) for p in paragraphs if p.strip()]
    text: LiteralScalarString = LiteralScalarString("\n\n".join(wrapped))
    return text


def import_file(
    cable: Path, output: Path | None, edition: str | None, editions: Sequence[Path] = (), force: bool = False
) -> tuple[Path, Imported]:
    """Import the cable at ``cable`` and write the country file (never over one unless ``force``).

    Without ``edition``, the year in the cable's subject names it, if there is such an
    edition; otherwise the newest edition available.
    """
    try:
        raw = cable.read_bytes()
    except OSError as exc:
        raise UsageError(f"{cable}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    chosen = load_edition(edition or _edition_for(text, editions), editions)
    result = import_cable(text, chosen)
    if output is None:
        country = str(result.data["cable"].get("country", "")).lower()
        output = Path("countries") / f"{'-'.join(re.findall(r'[a-z0-9]+', country)) or cable.stem.lower()}.yaml"
    refuse_overwrite(output, force)
    write.write_country(result.data, output, chosen)
    return output, result


def _edition_for(text: str, editions: Sequence[Path]) -> str:
    known = available_editions(editions)
    year = re.search(r"SUBJECT:.*?\b(20\d\d)\b", text)
    if year and year[1] in known:
        return year[1]
    return known[-1]  # never empty: the bundled editions are always there
