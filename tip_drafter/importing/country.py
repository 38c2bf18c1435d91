"""The country an imported cable reports on, from every sign of it a reader would weigh: the
subject, the post, the codes in TAGS, the DE line's routing station, ``Embassy Panama's``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import countries
from ..countries import Country
from . import cableparse


@dataclass(frozen=True)
class Sign:
    """One sign of the country: where it is (subject, post, TAGS, DE line, body), what the
    cable writes there, and the country it names."""

    where: str
    what: str
    country: Country


def signs(cable: cableparse.ParsedCable) -> list[Sign]:
    """Each sign of the country a cable reports on, strongest first: the subject, the post (class
    line, else FM line), the countries' codes in TAGS (the last first), the DE line's routing
    station, and the first ``Embassy Panama`` in the body."""
    h, env = cable.header, cable.envelope
    tags = [*h.get("tags", []), *filter(None, [h.get("country_code", "")])]
    posts = [s for post in (h.get("post", ""), env.get("sender", "")) for s in _named("post", post, countries.by_post)]
    return [
        *_named("subject", h.get("subject", ""), countries.find),
        *posts[:1],
        *(s for tag in reversed(tags) if not countries.is_regional(tag) for s in _named("TAGS", tag, countries.by_code)),
        *_named("DE line", env.get("station", ""), countries.by_station),
        *next((_named("body", b.text, countries.embassy_in) for b in cable.body if countries.embassy_in(b.text)), []),
    ]


def _named(where: str, text: str, look: Callable[[str], Country | None]) -> list[Sign]:
    found = look(text) if text else None
    if found is None:
        return []
    return [Sign(where, f"Embassy {found.post.title()}" if where == "body" else text, found)]


def choose(found: list[Sign], post: str) -> Country | None:
    """The subject's country, else the post's (they win over TAGS, which may name a neighbour
    the cable speaks of); else of the codes in TAGS the one ``post`` reports on (an embassy
    accredited to several), else the last; else the station's or the body's."""
    first: dict[str, Country] = {}
    for sign in found:
        first.setdefault(sign.where, sign.country)
    served = [s.country for s in found if s.where == "TAGS" and countries.reports(s.country, post)]
    ranked = [*(first[w] for w in ("subject", "post") if w in first), *served, *(s.country for s in found)]
    return ranked[0] if ranked else None


def code_in(tags: list[str], country: Country | None) -> str:
    """The tag that is ``country``'s code (or a former one), the last if several: "" if none."""
    if country is None:
        return ""
    return next((t for t in reversed(tags) if not countries.is_regional(t) and countries.by_code(t) == country), "")


def disagreement(found: list[Sign], country: Country, tagged: bool) -> str:
    """One warning naming the signs that name another country than ``country``; "" if none do."""
    against = [s for s in found if not _agrees(s, country, tagged)]
    if not against:
        return ""
    agreeing = ", ".join(dict.fromkeys(s.where for s in found if s not in against)) or "nothing else"
    named = ", ".join(f"{s.where} {s.what} ({s.country.name})" for s in against)
    return (
        f"the cable's signs name different countries: read as {country.name} ({country.code}) from {agreeing}; "
        f"but {named}: check country and country_code"
    )


def _agrees(sign: Sign, country: Country, tagged: bool) -> bool:
    """A sign agrees when it names the country read; a post (or its station, or the body's
    embassy) when it reports on it; a code in TAGS when the country's own code is among the tags
    too (a cable may tag a neighbour it speaks of: Nassau's TAGS name Haiti)."""
    if sign.country == country:
        return True
    if sign.where == "TAGS":
        return tagged
    return sign.where != "subject" and any(countries.reports(country, post) for post in sign.country.posts)
