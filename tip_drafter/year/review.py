"""Review carried-over answers: mark them reviewed by item, by paragraph or all at once (the
walk one by one is in :mod:`review_walk`). The file is rewritten with its comments kept, and
never over a save made meanwhile."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..cable.model import answers_by_item
from ..domain.numbering import letters_of, paragraph_number
from ..edition import Edition, Paragraph, load_edition
from ..errors import OutputError, TipDraftError, UsageError
from ..format.validate import edition_of
from ..yamlio import rewrite
from ..yamlio.load import CountryYAML, Document, load, parse
from ..yamlio.read import MAX_BYTES, decode, read_capped
from .compare import answer_text


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
    """A country file open for review: its document as last read, its edition, and last year's
    answers. Every change is applied to the file as it is on disk at that moment (read again
    if it changed, say in an editor) and written only if it is still that (see ``commit``)."""

    path: Path
    raw: bytes  # the file's bytes the document was read from
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

    def answer(self, pending: Pending) -> CommentedMap | None:
        """The answer mapping of ``pending`` in the document (None if it is no longer there)."""
        answers = self.document.data.get("answers")
        para = (
            next((v for k, v in answers.items() if paragraph_number(k) == pending.number), None)
            if isinstance(answers, dict)
            else None
        )
        value = para.get(pending.key) if isinstance(para, dict) else None
        return value if isinstance(value, CommentedMap) else None

    def mark_reviewed(self, pending: Pending) -> bool:
        """Remove the answer's ``carried_over`` (its comments stay with the file), or the
        field from ``unreviewed`` (the list with it, once empty); False if it is not pending
        any more (reviewed or removed in the file meanwhile)."""
        if pending not in self.pending():
            return False
        if not pending.number:
            places = self.document.data["unreviewed"]
            places.remove(pending.key)
            if not places:
                del self.document.data["unreviewed"]
            return True
        value = self.answer(pending)
        assert value is not None  # pending, so there
        value.ca.items.pop("carried_over", None)  # its own comment ("delete this line ...") goes with it
        del value["carried_over"]
        return True

    def last_year(self, pending: Pending) -> str:
        """Last year's answer to the same items, as printed ("" when unknown)."""
        texts = [self.previous[i][1] for i in pending.ids if i in self.previous]
        return "\n\n".join(dict.fromkeys(texts))

    def refresh(self) -> bool:
        """Read the file again if it changed on disk since it was read; whether it had. A file
        that can no longer be read stops the review (TipDraftError, located)."""
        raw = read_capped(self.path, str(self.path), MAX_BYTES, "a country file")
        if raw == self.raw:
            return False
        self.document = parse(decode(raw, str(self.path)), str(self.path), keep_comments=True)
        self.raw = raw
        return True

    def commit(self, change: Callable[[], bool]) -> bool:
        """Apply ``change`` (which edits ``document``; False: nothing to do) to the file as it
        is now and write it back, comments and formatting kept; if the file is saved elsewhere
        between the reading and the writing, read it again and apply the change again. What
        the loader would refuse is never written. Whether anything was written."""
        deadline = time.monotonic() + _PATIENCE
        while time.monotonic() < deadline:
            self.refresh()
            if not change():
                return False
            data = CountryYAML().text(self.document.data).encode("utf-8")
            if rewrite.replace_if_unchanged(self.path, data, self.raw):
                self.raw = data
                return True
            self.raw = b""  # changed under us: the document holds our change; read the file again
        raise TipDraftError(f"{self.path}: the file keeps changing (is it being saved elsewhere?): not written; try again")


_PATIENCE = 10.0  # seconds of saves made elsewhere faster than a change can be applied (~0.2 s)


def _pending(questions: Paragraph, name: object, value: object) -> Pending | None:
    """The answer under ``name`` if it is still to review."""
    letters = letters_of(name) if isinstance(name, str) else None
    if not letters or not isinstance(value, dict) or "carried_over" not in value:
        return None
    items = [i for letter in letters if (i := questions.item(letter)) is not None]
    return Pending(questions.number, str(name), tuple(letters), tuple(i.id for i in items), "; ".join(i.topic for i in items))


def open_session(path: Path, editions: Sequence[Path] = ()) -> Session:
    """Load a country file for review, with last year's answers when the file names the file
    it was started from (``previous``, written by ``tipdraft new``). A file review could not
    write back (a link, a FIFO) is refused here, before anything is asked."""
    shown = str(path)
    if os.path.islink(path):
        raise OutputError(
            f"{shown}: is a symbolic link; review writes the file back: name the file itself ({os.path.realpath(path)})"
        )
    raw = read_capped(path, shown, MAX_BYTES, "a country file")
    document = parse(decode(raw, shown), shown, keep_comments=True)
    session = Session(path, raw, document, edition_of(document, editions))
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
    """Mark the answers named (or all) reviewed and save, applied to the file as it is when
    written; (those marked, how many are left)."""
    session = open_session(path, editions)
    chosen = list(session.pending()) if everything else select(session.pending(), wanted, session.edition)
    marked: list[Pending] = []

    def change() -> bool:
        marked[:] = [item for item in (session.pending() if everything else chosen) if session.mark_reviewed(item)]
        return bool(marked)

    session.commit(change)
    return marked, len(session.pending())
