"""Framing paragraphs (the post's own, around the answers), one handler per kind, in one table.

An edition names its framing paragraphs and gives each a kind (``contact``, ``hours``,
``text``). Everything tipdraft does with a kind is asked of its handler here: the fields it
takes (``format``), how it prints, how an imported paragraph is recognised and kept, what an
empty skeleton holds, and what next year's draft clears.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedSeq

from ..format.country_format import FRAMING, HOURS_PATTERN
from ..format.fields import Record

PLACEHOLDER = "TBD"
Literal = Callable[[list[str]], Any]  # paragraphs -> a block of text as the country file writes it


@dataclass(frozen=True)
class Kind:
    """What every kind of framing paragraph answers; the base kind is a line of text (``text``)."""

    name: str = "text"
    stale: bool = False  # holds who did what last year: next year's draft marks it for review

    @property
    def format(self) -> Record:
        """The fields this kind takes (the same declaration validate and the JSON Schema use)."""
        return FRAMING[self.name]

    def printed(self, value: Any, default: str, post: str) -> str:
        """The paragraph as the cable prints it (before ASCII conversion and wrapping)."""
        return str(value.get("text") or "").strip() or default

    def recognises(self, text: str, default: str) -> bool:
        """Whether a numbered paragraph of an imported cable is this one: it opens with the
        default's first words (``Begin Text ...``)."""
        words = re.findall(r"[A-Za-z]+", default)[:2]
        return bool(words) and re.match(r"\W*" + r"\W+".join(words), text, re.IGNORECASE) is not None

    def imported(self, paragraphs: list[str], default: str, literal: Literal) -> list[tuple[str, Any]]:
        """The fields of an imported paragraph (the text only where it is not the default)."""
        text = "\n\n".join(paragraphs)
        return [] if text == default else [("text", literal(paragraphs))]

    def blank(self) -> list[tuple[str, Any]]:
        """The fields of an empty skeleton."""
        return []

    def move_on(self, value: Any) -> bool:
        """Clear in ``value`` what was last year's, in place; True if anything was."""
        return False


@dataclass(frozen=True)
class Contact(Kind):
    """The point of contact: name, title, e-mail and phone, or the paragraph as printed."""

    name: str = "contact"
    stale: bool = True

    def printed(self, value: Any, default: str, post: str) -> str:
        """``POC for Brussels is Political Officer Aaron Jensen. Email: ...; Office: ...``."""
        if value.get("text"):
            return str(value["text"]).strip()
        who = " ".join(str(value[k]).strip() for k in ("title", "name") if value.get(k))
        reach = [f"{label}: {str(value[k]).strip()}" for k, label in (("email", "Email"), ("phone", "Office")) if value.get(k)]
        opening = f"POC for {post.title()} is {who}."
        return f"{opening} {'; '.join(reach)}." if reach else opening

    def recognises(self, text: str, default: str) -> bool:
        """``POC ...``, ``point of contact``."""
        return re.search(r"\bPOC\b|point of contact|contact", text, re.IGNORECASE) is not None

    def imported(self, paragraphs: list[str], default: str, literal: Literal) -> list[tuple[str, Any]]:
        """The paragraph as printed, and the e-mail address found in it."""
        email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "\n\n".join(paragraphs))
        return [*([("email", email[0])] if email else []), ("text", literal(paragraphs))]

    def blank(self) -> list[tuple[str, Any]]:
        """Name, title, e-mail and phone to fill in."""
        return [(key, PLACEHOLDER) for key in ("name", "title", "email", "phone")]


@dataclass(frozen=True)
class Hours(Kind):
    """Hours spent on the report: an intro and one line per employee, or the paragraph as printed."""

    name: str = "hours"
    stale: bool = True

    def printed(self, value: Any, default: str, post: str) -> str:
        """``<intro>: <employee>; <employee>.``."""
        if value.get("text"):
            return str(value["text"]).strip()
        entries = "; ".join(str(e).strip() for e in value["employees"])
        return f"{str(value['intro']).strip()}: {entries}."

    def recognises(self, text: str, default: str) -> bool:
        """A paragraph about hours."""
        return re.search(r"\bhours\b", text, re.IGNORECASE) is not None

    def imported(self, paragraphs: list[str], default: str, literal: Literal) -> list[tuple[str, Any]]:
        """Intro and employee lines when every line is in the form, else the paragraph as printed."""
        intro, _, rest = "\n\n".join(paragraphs).partition(":")
        employees = [e.strip() for e in rest.rstrip(" .").split(";")]
        if len(paragraphs) == 1 and all(re.match(HOURS_PATTERN, e) for e in employees):
            return [("intro", intro.strip()), ("employees", CommentedSeq(employees))]
        return [("text", literal(paragraphs))]

    def blank(self) -> list[tuple[str, Any]]:
        """An intro and one employee line to fill in."""
        line = f"{PLACEHOLDER} ({PLACEHOLDER}): {PLACEHOLDER} hours"
        return [("intro", "Hours spent by Embassy TBD preparing this report by employee"), ("employees", CommentedSeq([line]))]

    def move_on(self, value: Any) -> bool:
        """Last year's hours become TBD; the people stay (in place: comments between lines stay)."""
        employees = value.get("employees")
        if not isinstance(employees, list):
            return False
        for i, line in enumerate(employees):
            employees[i] = re.sub(r":\s*[\d.]+\s+hours?$", f": {PLACEHOLDER} hours", str(line))
        return True


KINDS: dict[str, Kind] = {kind.name: kind for kind in (Kind(), Contact(), Hours())}
