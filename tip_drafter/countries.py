"""The country table: each country's name as cables write it, its FIPS 10-4 code and its posts."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError

from . import resources
from .errors import TipDraftError
from .yamlio.load import read_data

TABLE = resources.DATA / "countries.yaml"  # the country table, as data

MARKER_WIDTH = 10  # a page marker prints the post cut to this many characters ("PORT AU PR")
_SENDERS = ("AMEMBASSY ", "AMCONSUL ", "USINT ", "AIT ")  # how an FM line names a post
_EDGE = "(?<![A-Z0-9])"  # a name is found as whole words only ...
_END = "(?![A-Z0-9])"  # ... whatever punctuation is around it (COSTA RICA'S, BELGIUM:)


@dataclass(frozen=True)
class Country:
    """One country of the table: its name as cables write it, FIPS 10-4 code and posts."""

    name: str
    code: str
    posts: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    former_codes: tuple[str, ...] = ()  # codes older cables or the older FIPS list give it
    reported_by: tuple[str, ...] = ()  # the embassies accredited to it, when it has no post

    @property
    def post(self) -> str:
        """The post that writes this country's cables: its own, else the embassy accredited to it."""
        return (self.posts or self.reported_by)[0]


@dataclass(frozen=True)
class _Table:
    countries: tuple[Country, ...]
    codes: dict[str, Country]  # code or former code -> country
    names: dict[str, Country]  # name or alias -> country
    forms: dict[str, str]  # a post as written, cut to 10 characters or squeezed -> the post
    owners: dict[str, Country]  # post -> the country it is the embassy of
    regional: frozenset[str]
    placeholders: frozenset[str]
    stations: dict[str, str]  # routing station (RUEHZP) -> the post that sends from it

    @functools.cached_property
    def named(self) -> re.Pattern[str]:
        """Any name or alias, longest first (compiled when an import first looks: validate never does)."""
        return re.compile(_EDGE + _either(self.names) + _END)

    @functools.cached_property
    def embassy(self) -> re.Pattern[str]:
        """``EMBASSY THE HAGUE``: a subject that names only the post."""
        return re.compile(rf"{_EDGE}(?:AM|US)?EMBASSY (?:IN )?(?P<post>{_either(self.owners)}){_END}")


def countries() -> tuple[Country, ...]:
    """Every country of the table, in the data file's (alphabetical) order."""
    return _table().countries


def regional_tags() -> frozenset[str]:
    """The TAGS codes that name a region, not a country (XL, the Caribbean)."""
    return _table().regional


def by_code(code: str) -> Country | None:
    """The country with this FIPS 10-4 code (or a former code); None for a regional tag or TBD."""
    return _table().codes.get(_words(code))


def by_name(text: str) -> Country | None:
    """The country with this name or alias, in any case; a leading THE is optional."""
    names = _table().names
    key = _words(text).strip(" .:;")
    bare = key.removeprefix("THE ").removesuffix(", THE")
    return names.get(key) or names.get(bare)


def by_post(post: str) -> Country | None:
    """The country whose embassy is ``post``, written as the FM line has it (with or without
    AMEMBASSY), as a page marker cuts it (``PORT AU PR``) or squeezed (``PORTAUPRINCE``)."""
    known = _post(post)
    return _table().owners.get(known) if known else None


def by_station(station: str) -> Country | None:
    """The country whose embassy sends from this routing station (``RUEHZP``: Panama), from
    the DE line ``DE RUEHZP #0123/01 ...``; None for a station the table does not list."""
    post = _table().stations.get(_words(station))
    return _table().owners.get(post) if post else None


def embassy_in(text: str) -> Country | None:
    """The country whose embassy a text names as a post does (``Embassy Panama's response``)."""
    found = _table().embassy.search(_words(text))
    return _table().owners[found.group("post")] if found else None


def reports(country: Country, post: str) -> bool:
    """Whether ``post`` (written any way :func:`by_post` reads) sends ``country``'s cables."""
    known = _post(post)
    return known is not None and _reports(country, known)


def find(text: str) -> Country | None:
    """The country a subject line names (``BELGIUM: 2009 TIP REPORT``, ``TIP REPORT FOR
    NICARAGUA``): the first name or alias in it as whole words, the longest where several
    start at one place; failing that, the post in ``EMBASSY THE HAGUE``."""
    table = _table()
    words = _words(text)
    found = table.named.search(words)
    if found:
        return table.names[found.group()]
    return embassy_in(words)


def is_regional(code: str) -> bool:
    """True for a TAGS code that names a region, not a country (XL, the Caribbean)."""
    return _words(code) in _table().regional


def is_placeholder(value: str) -> bool:
    """True for a value not filled in yet: blank, or a placeholder such as TBD."""
    key = _words(value)
    return not key or key in _table().placeholders


def mismatch(country: str, code: str, post: str) -> str | None:
    """A one-line message when a cable's country, code and post disagree, with the right
    value; None when they agree or a value is unknown, regional or a placeholder (TBD)."""
    named = None if is_placeholder(country) else by_name(country)
    coded = None if is_placeholder(code) else by_code(code)
    sent = None if is_placeholder(post) else _post(post)
    if named and coded and named != coded:
        return _other_code(named, coded, code, sent)
    return _other_post(named or coded, named is not None, sent)


def _other_code(named: Country, coded: Country, code: str, sent: str | None) -> str:
    """The message when the code is another country's: the country is wrong if the post
    sides with the code, else the code is."""
    if sent and _reports(coded, sent) and not _reports(named, sent):
        return f"country {named.name} does not match code {coded.code} and post {sent}, which are {coded.name}'s"
    return f"country {named.name} has code {named.code}, not {_words(code)}"


def _other_post(reference: Country | None, named: bool, sent: str | None) -> str | None:
    """The message when the post is not one that writes the country's (or code's) cables."""
    if reference is None or sent is None or _reports(reference, sent):
        return None
    whose = f"country {reference.name}" if named else f"code {reference.code} ({reference.name})"
    return f"{whose} has post {' or '.join(reference.posts or reference.reported_by)}, not {sent}"


def _reports(country: Country, post: str) -> bool:
    return post in country.posts or post in country.reported_by


def _post(text: str) -> str | None:
    """The table's spelling of a post written any of the ways :func:`by_post` accepts."""
    forms = _table().forms
    key = _words(text)
    for sender in _SENDERS:
        key = key.removeprefix(sender)
    return forms.get(key) or forms.get(_squeezed(key))


def _words(text: str) -> str:
    """How the table compares text: capitals without accents, straight apostrophes, single spaces."""
    letters = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return " ".join("".join(ch for ch in letters if not unicodedata.combining(ch)).upper().split())


def _squeezed(text: str) -> str:
    """A post as a cable's id writes it (09PORTAUPRINCE199): letters and digits only."""
    return re.sub(r"[^A-Z0-9]", "", text)


@functools.cache
def _table() -> _Table:
    """The table, read once per process from the package's data file."""
    source = TABLE
    try:
        return _build(read_data(source.read_text(encoding="utf-8")))
    except (OSError, YAMLError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise TipDraftError(f"{source}: not a valid country table: {exc}") from exc


def _build(data: dict[str, Any]) -> _Table:
    every = tuple(_country(entry) for entry in data["countries"])
    names = {key: c for c in every for key in (c.name, *c.aliases)}
    owners = {post: c for c in every for post in c.posts}
    return _Table(
        countries=every,
        codes={key: c for c in every for key in (c.code, *c.former_codes)},
        names=names,
        forms=_forms(owners),
        owners=owners,
        regional=frozenset(str(t) for t in data["regional_tags"]),
        placeholders=frozenset(str(t) for t in data["placeholders"]),
        stations=_stations(data, owners),
    )


def _stations(data: dict[str, Any], owners: dict[str, Country]) -> dict[str, str]:
    """The routing stations (optional), each checked to name a post of the table."""
    out = {_words(str(k)): _words(str(v)) for k, v in (data.get("stations") or {}).items()}
    unknown = sorted(f"{k}: {v}" for k, v in out.items() if v not in owners)
    if unknown:
        raise ValueError(f"stations of no post in the table: {', '.join(unknown)}")
    return out


def _country(entry: dict[str, Any]) -> Country:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(_words(str(v)) for v in entry.get(key) or ())

    country = Country(
        name=_words(str(entry["name"])),
        code=_words(str(entry["code"])),
        posts=strings("posts"),
        aliases=strings("aliases"),
        former_codes=strings("former_codes"),
        reported_by=strings("reported_by"),
    )
    if not (country.posts or country.reported_by):
        raise ValueError(f"{country.name} has neither a post nor an embassy reporting on it")
    return country


def _forms(owners: Iterable[str]) -> dict[str, str]:
    """Every way a post is written -> the post; the full spelling wins over a derived one."""
    squeezed = {_squeezed(p): p for p in owners}
    cut = {p[:MARKER_WIDTH].rstrip(): p for p in owners}
    return squeezed | cut | {p: p for p in owners}


def _either(keys: Iterable[str]) -> str:
    """A regular expression alternation of ``keys``, longest first (GUINEA-BISSAU before GUINEA)."""
    return "(?:" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + ")"
