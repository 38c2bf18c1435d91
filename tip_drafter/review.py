"""Review carried-over answers: mark them reviewed by item, by paragraph or all at once, or walk
them one by one beside last year's text. The file is rewritten with its comments kept."""

from __future__ import annotations

import difflib
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from .compare import answer_text
from .country_format import letters_of, paragraph_number
from .edition import Edition, Paragraph, load_edition
from .errors import TipDraftError, UsageError
from .load import CountryYAML, Document, load
from .model import answers_by_item
from .validate import edition_of
from .write import atomic_write


@dataclass(frozen=True)
class Pending:
    """One answer carried over and not yet reviewed."""

    number: int  # its paragraph
    key: str  # its key in the paragraph: "E", "B and C"
    letters: tuple[str, ...]
    ids: tuple[str, ...]  # the questionnaire items it answers
    topic: str

    @property
    def label(self) -> str:
        """``25.E``, ``25.B/C``; a kept field by its place (``contact``, ``cable.signature``)."""
        return f"{self.number}.{'/'.join(self.letters)}" if self.number else self.key


@dataclass
class Session:
    """A country file open for review: its document, edition, and what is still to review."""

    path: Path
    document: Document
    edition: Edition
    previous: dict[str, tuple[str, str]] = field(default_factory=dict)  # item id -> (place, last year's text)

    def pending(self) -> list[Pending]:
        """Every field kept from last year and not yet reviewed (``unreviewed``), then every
        answer still marked ``carried_over``, in the file's order."""
        answers = self.document.data.get("answers")
        found = self._kept_fields()
        for key, para in answers.items() if isinstance(answers, dict) else ():
            number = paragraph_number(key)
            questions = self.edition.paragraph(number) if number is not None else None
            if questions is not None and isinstance(para, dict):
                found += [p for name, value in para.items() if (p := _pending(questions, name, value))]
        return found

    def _kept_fields(self) -> list[Pending]:
        places = self.document.data.get("unreviewed")
        names = [p for p in places if isinstance(p, str)] if isinstance(places, list) else []
        return [Pending(0, name, (), (), "kept from last year") for name in names]

    def answer(self, pending: Pending) -> CommentedMap:
        """The answer mapping of ``pending`` in the document."""
        answers = self.document.data["answers"]
        para = next(v for k, v in answers.items() if paragraph_number(k) == pending.number)
        value: CommentedMap = para[pending.key]
        return value

    def mark_reviewed(self, pending: Pending) -> None:
        """Remove the answer's ``carried_over`` (its comments stay with the file), or the
        field from ``unreviewed`` (the list with it, once empty)."""
        if not pending.number:
            places = self.document.data["unreviewed"]
            places.remove(pending.key)
            if not places:
                del self.document.data["unreviewed"]
            return
        value = self.answer(pending)
        value.ca.items.pop("carried_over", None)  # its own comment ("delete this line ...") goes with it
        del value["carried_over"]

    def last_year(self, pending: Pending) -> str:
        """Last year's answer to the same items, as printed ("" when unknown)."""
        texts = [self.previous[i][1] for i in pending.ids if i in self.previous]
        return "\n\n".join(dict.fromkeys(texts))

    def save(self) -> None:
        """Write the file back, atomically, comments and formatting kept."""
        buffer = io.StringIO()
        CountryYAML().dump(self.document.data, buffer)
        atomic_write(self.path, buffer.getvalue().encode("utf-8"))


def _pending(questions: Paragraph, name: object, value: object) -> Pending | None:
    """The answer under ``name`` if it is still to review."""
    letters = letters_of(name) if isinstance(name, str) else None
    if not letters or not isinstance(value, dict) or "carried_over" not in value:
        return None
    items = [i for letter in letters if (i := questions.item(letter)) is not None]
    return Pending(questions.number, str(name), tuple(letters), tuple(i.id for i in items), "; ".join(i.topic for i in items))


def open_session(path: Path, editions: Sequence[Path] = ()) -> Session:
    """Load a country file for review, with last year's answers when the file names the file
    it was started from (``previous``, written by ``tipdraft new``)."""
    document = load(path, keep_comments=True)
    session = Session(path, document, edition_of(document, editions))
    source = document.data.get("previous")
    if isinstance(source, str) and source.strip():
        session.previous = _answers_of(path.parent / source, editions)
    return session


def _answers_of(path: Path, editions: Sequence[Path]) -> dict[str, tuple[str, str]]:
    """Item id -> (place, text) of another country file; nothing if it cannot be read."""
    try:
        document = load(path, keep_comments=True)
        edition = load_edition(str(document.data.get("edition")), editions)
    except (TipDraftError, OSError):  # missing, unreadable, invalid: the pages say it was not found
        return {}
    found = answers_by_item(document.data.get("answers"), edition)
    return {i: (place, answer_text(value)) for i, (place, value, _) in found.items()}


def select(pending: Sequence[Pending], wanted: Sequence[str], edition: Edition) -> list[Pending]:
    """The pending answers named by item (``25.E``) or paragraph (``26``); a name the edition
    does not know is a usage error."""
    chosen: list[Pending] = []
    for name in wanted:
        chosen += [p for p in _named(pending, name, edition) if p not in chosen]
    return chosen


def _named(pending: Sequence[Pending], name: str, edition: Edition) -> list[Pending]:
    """The pending entries ``name`` means: a kept field by its place, else an item or paragraph."""
    fields = [p for p in pending if not p.number and p.key == name.strip()]
    if fields:
        return fields
    number, letter = _item(name, edition)
    return [p for p in pending if p.number == number and (not letter or letter in p.letters)]


def _item(name: str, edition: Edition) -> tuple[int, str]:
    """``25.E`` -> (25, "E"), ``26`` -> (26, ""), if the edition has them."""
    number, _, letter = name.strip().upper().partition(".")
    para = edition.paragraph(int(number)) if number.isdigit() else None
    if para is None or (letter and para.item(letter) is None):
        known = ", ".join(str(p.number) for p in edition.paragraphs)
        raise UsageError(f"{name!r} is not an item (25.E) or paragraph (26) of the {edition.name} questionnaire ({known})")
    return para.number, letter


def mark(path: Path, wanted: Sequence[str], everything: bool, editions: Sequence[Path] = ()) -> tuple[list[Pending], int]:
    """Mark the answers named (or all) reviewed and save; (those marked, how many are left)."""
    session = open_session(path, editions)
    pending = session.pending()
    chosen = list(pending) if everything else select(pending, wanted, session.edition)
    for item in chosen:
        session.mark_reviewed(item)
    if chosen:
        session.save()
    return chosen, len(pending) - len(chosen)


PROMPT = "[r]eviewed, [s]kip, [e]dit, [q]uit? "
CHOICES = ("r", "s", "e", "q")


@dataclass
class Prompter:
    """How an interactive review talks to its user (a terminal, or a test)."""

    show: Callable[[str], None]
    ask: Callable[[str], str]
    edit: Callable[[str], str]  # text -> the text after the user's editor


def walk(session: Session, io: Prompter) -> tuple[int, int]:
    """Show each pending answer beside last year's; the user marks it reviewed, skips it,
    edits it or quits. Every decision is saved at once. Returns (reviewed, left)."""
    pending = session.pending()
    reviewed = 0
    for index, item in enumerate(pending, start=1):
        io.show(_page(session, item, index, len(pending)))
        while (choice := io.ask(PROMPT).strip().lower()[:1]) not in CHOICES or choice == "e":
            if choice == "e":
                _edit(session, item, io)
                io.show(_page(session, item, index, len(pending)))
            else:
                io.show("choose r (reviewed), s (skip), e (edit) or q (quit)")
        if choice == "q":
            break
        if choice == "r":
            session.mark_reviewed(item)
            session.save()
            reviewed += 1
    return reviewed, len(pending) - reviewed


def _edit(session: Session, item: Pending, io: Prompter) -> None:
    if not item.number:
        io.show(f"edit {item.label} in the file itself, then mark it reviewed")
        return
    value = session.answer(item)
    before = str(value.get("text") or "")
    after = io.edit(before)
    if after.strip() != before.strip():
        value["text"] = LiteralScalarString(after.strip("\n"))
        session.save()


def _page(session: Session, item: Pending, index: int, total: int) -> str:
    if not item.number:
        return f"-- {item.label} ({index} of {total}): kept from last year; is it still right?\n{_field(session, item.key)}"
    now = answer_text(session.answer(item))
    then = session.last_year(item)
    head = f"-- {item.label} ({index} of {total}): {item.topic}"
    if not then:
        return f"{head}\n{_wrapped(now)}\n(last year's file not found: add previous: <its path> to compare)"
    if then == now:
        return f"{head}\nunchanged since last year:\n{_wrapped(now)}"
    return f"{head}\nchanged since last year ([-removed-] {{+added+}}):\n{_wrapped(word_diff(then, now))}"


def _field(session: Session, place: str) -> str:
    """A kept field's value as the file writes it."""
    value: Any = session.document.data
    for part in place.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    buffer = io.StringIO()
    CountryYAML().dump({place: value}, buffer)
    return buffer.getvalue().rstrip("\n")


def word_diff(old: str, new: str) -> str:
    """``old`` to ``new`` with removed words as ``[-...-]`` and added ones as ``{+...+}``."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if op in ("replace", "insert"):
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
        if op == "equal":
            out.append(" ".join(a[i1:i2]))
    return " ".join(out)


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.fill(p, 78, break_long_words=False) for p in text.split("\n\n"))
