"""Walk a draft's carried-over answers one by one beside last year's text: reviewed, skip, edit,
quit. Each decision is saved at once, into the file as it is then (see :mod:`review`)."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.scalarstring import LiteralScalarString

from ..errors import UnreadableFile
from ..yamlio import rewrite
from ..yamlio.load import CountryYAML
from ..yamlio.read import check_text
from .compare import answer_text
from .review import Pending, Session

PROMPT = "[r]eviewed, [s]kip, [e]dit, [q]uit? "
FIELD_PROMPT = "[r]eviewed, [s]kip, [q]uit? "  # a kept field is edited in the file itself
STOP = ("", "\x04")  # the input ended, or Ctrl-D: the user stopping, as with q
RED, GREEN, PLAIN = "\x1b[31m", "\x1b[32m", "\x1b[0m"


class EditorFailed(Exception):
    """The editor did not finish its work (it exited non-zero, as vim's ``:cq``, or could not
    start): the answer stays as it was."""


@dataclass
class Prompter:
    """How an interactive review talks to its user (a terminal, or a test)."""

    show: Callable[[str], None]
    ask: Callable[[str], str]  # one key; "" or Ctrl-D when the input ended
    edit: Callable[[str], bytes]  # text -> the file as the user's editor left it (or EditorFailed)
    colour: bool = False  # the word diff in colour


def walk(session: Session, io: Prompter) -> tuple[int, int]:
    """Show each pending answer beside last year's; the user marks it reviewed, skips it,
    edits it, quits or stops (Ctrl-D). Every decision is saved at once; an answer reviewed or
    removed in the file meanwhile is passed over. Returns (reviewed, left)."""
    pending = session.pending()
    reviewed = 0
    for index, item in enumerate(pending, start=1):
        session.refresh()
        if item not in session.pending():
            continue
        choice = _decide(session, item, f"({index} of {len(pending)})", io)
        if choice in STOP:
            io.show("stopped (end of input, Ctrl-D)")
        if choice in ("q", *STOP):
            break
        if choice == "r" and session.commit(functools.partial(session.mark_reviewed, item)):
            reviewed += 1
    session.refresh()
    return reviewed, len(session.pending())


def _decide(session: Session, item: Pending, place: str, io: Prompter) -> str:
    """The user's choice for ``item``: r, s, q or a STOP (an edit is made here, then asked again)."""
    choices, prompt = ("rseq", PROMPT) if item.number else ("rsq", FIELD_PROMPT)
    io.show(_page(session, item, place, io.colour))
    while (key := io.ask(prompt)) not in STOP:
        choice = key.strip().lower()[:1]
        if choice and choice in choices and choice != "e":
            return choice
        if choice == "e" and item.number:
            _edit(session, item, io)
            if item not in session.pending():
                return "s"
            io.show(_page(session, item, place, io.colour))
        else:
            io.show(
                "choose r (reviewed), s (skip), e (edit) or q (quit)"
                if item.number
                else "choose r (reviewed), s (skip) or q (quit)"
            )
    return key


class _Changed(Exception):
    """The answer changed in the file while the user edited it."""


def _edit(session: Session, item: Pending, io: Prompter) -> None:
    """Edit the answer's text in the user's editor; what cannot go into the file (an editor
    that failed, an empty text, one the loader would refuse, an answer changed meanwhile) is
    said, the file left as it was and the typed text kept beside it."""
    session.refresh()
    value = session.answer(item)
    if value is None:
        return
    before = str(value.get("text") or "")
    try:
        raw = io.edit(before)
    except EditorFailed as exc:
        io.show(f"{item.label}: {exc}: no change")
        return
    try:
        after = check_text(raw, "")
    except UnreadableFile as exc:
        _keep(session, item, raw, io, exc)
        return
    if not after.strip():
        io.show(
            f"{item.label}: the edited text is empty: the old text is kept (to empty an answer, delete it in the file itself)"
        )
        return
    if after.strip() == before.strip():
        io.show(f"{item.label}: no change")
        return

    def change() -> bool:
        current = session.answer(item)
        if current is None or str(current.get("text") or "") != before:
            raise _Changed
        current["text"] = LiteralScalarString(after.strip("\n"))
        return True

    try:
        session.commit(change)
    except (_Changed, UnreadableFile) as exc:
        _keep(session, item, raw, io, exc)


def _keep(session: Session, item: Pending, raw: bytes, io: Prompter, why: Exception) -> None:
    """Keep the user's text in a file beside the country file and say why it is not in it."""
    kept = rewrite.keep_beside(session.path, item.label, raw)
    if isinstance(why, _Changed):
        reason = "the answer was changed in the file while you edited it"
    else:
        diagnostics = getattr(why, "diagnostics", None) or []
        named = [dataclasses.replace(d, path=str(kept)) for d in diagnostics if not d.path] + [d for d in diagnostics if d.path]
        reason = "; ".join(d.format() for d in named) or str(why)
    io.show(f"{item.label}: your edit is not saved ({reason}); {session.path.name} is unchanged; your text is kept in {kept}")


def _page(session: Session, item: Pending, place: str, colour: bool) -> str:
    head = f"-- {item.label} {place}"
    if not item.number:
        return f"{head}: kept from last year; is it still right?\n{_field(session, item.key)}"
    value = session.answer(item)
    now = answer_text(value) if value is not None else ""
    then = session.last_year(item)
    head += f": {item.topic}"
    if not then:
        return f"{head}\n{_wrapped(now)}\n(last year's file not found: add previous: <its path> to compare)"
    if then == now:
        return f"{head}\nunchanged since last year:\n{_wrapped(now)}"
    shown = _wrapped(word_diff(then, now))
    return f"{head}\nchanged since last year ([-removed-] {{+added+}}):\n{coloured(shown) if colour else shown}"


def _field(session: Session, place: str) -> str:
    """A kept field's value as the file writes it."""
    value: Any = session.document.data
    for part in place.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return CountryYAML().text({place: value}).rstrip("\n")


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


_MARKED = re.compile(r"\[-.*?-\]|\{\+.*?\+\}", re.DOTALL)


def coloured(diff: str) -> str:
    """A word diff for a colour terminal: removed words red, added green, the marks kept (so
    the change still reads without colour); each line coloured on its own."""

    def paint(found: re.Match[str]) -> str:
        colour = RED if found.group().startswith("[-") else GREEN
        return "\n".join(f"{colour}{line}{PLAIN}" for line in found.group().split("\n"))

    return _MARKED.sub(paint, diff)


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.fill(p, 78, break_long_words=False) for p in text.split("\n\n"))
