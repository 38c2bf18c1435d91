"""Questionnaire editions: the paragraphs, lettered items and framing paragraphs of one year."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import resources
from .errors import TipDraftError, UsageError

BUNDLED_EDITIONS = resources.EDITIONS
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # an edition's name: its file is <name>.yaml
ANSWER_KINDS = ("prose", "statistics", "contact", "hours", "text")


@dataclass(frozen=True)
class Item:
    """One lettered question of a numbered paragraph."""

    id: str
    letter: str
    topic: str
    kind: str
    required: bool
    continues: tuple[str, ...] = ()  # ids in the previous edition this item carries on


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph of the questionnaire (e.g. 25, INVESTIGATION AND ...)."""

    id: str
    number: int
    title: str
    items: tuple[Item, ...]

    def item(self, letter: str) -> Item | None:
        """The item with this letter, if the paragraph has one."""
        return next((i for i in self.items if i.letter == letter), None)


@dataclass(frozen=True)
class Framing:
    """A numbered paragraph of the post's own around the answers (contact, hours, begin)."""

    id: str
    title: str
    kind: str
    required: bool
    mark: str
    default: str = ""


@dataclass(frozen=True)
class Defaults:
    """What a new country file starts with (``tipdraft new --country``): the cable's usual
    header words and each answer paragraph's portion mark, as the edition's ``defaults:`` gives
    them; what it leaves out ("") is left for the post to fill in."""

    classification: str = ""
    precedence: str = ""
    caveats: tuple[str, ...] = ()
    executive_order: str = ""
    tags: tuple[str, ...] = ()
    mark: str = ""


@dataclass(frozen=True)
class Edition:
    """A questionnaire edition, read from its data file."""

    name: str
    title: str
    instruction: str
    report_year: int
    required_tags: tuple[str, ...]
    framing: tuple[Framing, ...]
    end: str
    paragraphs: tuple[Paragraph, ...]
    source: Path = field(compare=False)
    previous: str = ""  # the edition this one follows, whose item ids ``continues`` names
    defaults: Defaults = Defaults()

    def paragraph(self, number: int) -> Paragraph | None:
        """The paragraph with this number in this edition."""
        return next((p for p in self.paragraphs if p.number == number), None)

    def items(self) -> list[tuple[Paragraph, Item]]:
        """Every item, with its paragraph, in questionnaire order."""
        return [(p, i) for p in self.paragraphs for i in p.items]

    def sources(self, item: Item) -> tuple[str, ...]:
        """The previous edition's ids an item carries on: those it names, or its own id."""
        return item.continues or (item.id,)


def find_edition(name: str, search: Sequence[Path] = ()) -> Path:
    """The file of edition ``name``: user folders first, then the bundled editions. An edition
    is found by its name only: a path (``../x``, ``/etc/x``) is not a name."""
    if not NAME.fullmatch(name):
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise UsageError(f"{shown!r} is not an edition name (letters, digits, '.', '-' or '_', such as 2009)")
    for folder in [*search, BUNDLED_EDITIONS]:
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    known = ", ".join(available_editions(search)) or "none"
    raise UsageError(f"no questionnaire edition {name!r} (available: {known}; looked in {_names(search)})")


def available_editions(search: Sequence[Path] = ()) -> list[str]:
    """Names of every edition found in the search path, sorted."""
    names = {p.stem for folder in [*search, BUNDLED_EDITIONS] for p in folder.glob("*.yaml")}
    return sorted(names)


def default_edition() -> str:
    """The edition a command uses when none is named: the newest bundled one."""
    return max((p.stem for p in BUNDLED_EDITIONS.glob("*.yaml")), key=lambda name: (len(name), name))


def report_year(data: Any, edition: Edition) -> int:
    """The year a country file reports on: its own ``year:`` (a draft started from last year's
    file), else its edition's."""
    year = data.get("year") if isinstance(data, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else edition.report_year


def load_edition(name: str, search: Sequence[Path] = ()) -> Edition:
    """Read and check an edition file; a malformed one is reported with its file name."""
    return _load(find_edition(name, search))


def forget_editions() -> None:
    """Read edition files again from now on (the live preview, after one is saved)."""
    _load.cache_clear()


@functools.lru_cache(maxsize=16)
def _load(path: Path) -> Edition:
    """One read per edition file and process (a batch renders many files of one edition)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # here: the CLI imports this module for its defaults only

    from .yamlio.load import describe, read_data  # and ruamel.yaml with it: ~55 ms off every start-up

    try:
        data = read_data(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError(f"expected a mapping of keys (edition, report_year, paragraphs, ...), found {describe(data)}")
        return _build(data, path)
    except OSError as exc:
        raise TipDraftError(f"{path}: cannot read the edition: {exc.strerror or exc}") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise TipDraftError(
            f"{where}: not a valid questionnaire edition: YAML syntax error: {exc.problem or exc.context}"
        ) from None
    except KeyError as exc:
        raise TipDraftError(f"{path}: not a valid questionnaire edition: no {exc.args[0]!r} key where one is needed") from None
    except (YAMLError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        raise TipDraftError(f"{path}: not a valid questionnaire edition: {exc}") from None


def _names(search: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in [*search, BUNDLED_EDITIONS])


def _build(data: dict[str, Any], path: Path) -> Edition:
    framing = data.get("framing") or {}
    edition = Edition(
        name=str(data["edition"]),
        title=str(data.get("title", "")),
        instruction=str(data.get("instruction", "")),
        report_year=int(data["report_year"]),
        required_tags=tuple(str(t) for t in data.get("required_tags", ())),
        framing=tuple(_framing(f) for f in framing.get("before", ())),
        end=str(framing.get("end", "")),
        paragraphs=tuple(_paragraph(p) for p in data["paragraphs"]),
        source=path,
        previous=str(data.get("previous", "")),
        defaults=_defaults(data.get("defaults") or {}),
    )
    if found := repeats(data):
        raise ValueError(f"duplicate {found[0].what}: {found[0].value}")
    return edition


def _defaults(data: object) -> Defaults:
    """The edition's ``defaults:``, key by key as :class:`Defaults` declares them (a list
    where its default is one, a word otherwise)."""
    if not isinstance(data, dict):
        raise TypeError(f"defaults: expected a mapping of keys ({', '.join(f.name for f in fields(Defaults))})")
    given: dict[str, Any] = {
        f.name: tuple(str(v) for v in _as_list(data[f.name])) if f.default == () else str(data[f.name])
        for f in fields(Defaults)
        if f.name in data
    }
    return Defaults(**given)


def _framing(data: dict[str, Any]) -> Framing:
    return Framing(
        id=str(data["id"]),
        title=str(data["title"]),
        kind=_kind(data["kind"]),
        required=bool(data.get("required", True)),
        mark=str(data.get("mark", "U")),
        default=str(data.get("default", "")),
    )


def _paragraph(data: dict[str, Any]) -> Paragraph:
    return Paragraph(
        id=str(data["id"]),
        number=int(data["number"]),
        title=str(data["title"]),
        items=tuple(
            Item(
                id=str(i["id"]),
                letter=str(i["letter"]).upper(),
                topic=str(i["topic"]),
                kind=_kind(i.get("kind", "prose")),
                required=bool(i.get("required", True)),
                continues=tuple(str(c) for c in _as_list(i.get("continues", ()))),
            )
            for i in data["items"]
        ),
    )


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _kind(value: object) -> str:
    if value not in ANSWER_KINDS:
        raise ValueError(f"unknown answer kind {value!r} (known: {', '.join(ANSWER_KINDS)})")
    return str(value)


DataPath = tuple[str | int, ...]  # keys and list indices from an edition's top to a value


@dataclass(frozen=True)
class Repeat:
    """A value an edition must hold once, held again: what it is (``id``, ``paragraph
    number``, ``letter``), the value, and where each is in the edition's data."""

    what: str
    value: str
    first: DataPath
    again: DataPath


def repeats(data: Mapping[str, Any]) -> list[Repeat]:
    """Every value an edition's data must hold once and holds again: an id (of a framing
    paragraph, a paragraph or an item), a paragraph number, a letter within a paragraph.

    The one statement of the rule: loading an edition refuses the first repeat, ``tipdraft
    edition check`` locates each."""
    values: list[tuple[str, str, DataPath]] = []
    framing = (data.get("framing") or {}).get("before") or []
    values += [("id", str(f["id"]), ("framing", "before", n, "id")) for n, f in enumerate(framing)]
    for n, para in enumerate(data["paragraphs"]):
        number = str(int(para["number"]))  # as the loader reads it: "023" and 23.0 are 23
        values += [
            ("id", str(para["id"]), ("paragraphs", n, "id")),
            ("paragraph number", number, ("paragraphs", n, "number")),
        ]
        for k, item in enumerate(para["items"]):
            at: DataPath = ("paragraphs", n, "items", k)
            values += [
                ("id", str(item["id"]), (*at, "id")),
                ("letter", f"{number}.{str(item['letter']).upper()}", (*at, "letter")),
            ]
    first: dict[tuple[str, str], DataPath] = {}
    found = []
    for what, value, path in values:
        if (what, value) in first:
            found.append(Repeat(what, value, first[what, value], path))
        first.setdefault((what, value), path)
    return found
