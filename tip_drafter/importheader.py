"""The header of an imported cable into the country file's ``cable:`` and ``transmission:``
sections; the country and its code from the country table."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import cableparse, countries
from .classification import UNCLASSIFIED
from .load import flow_list


def cable_fields(cable: cableparse.ParsedCable, signature: str, warnings: list[str]) -> CommentedMap:
    """The ``cable:`` section: the header's fields, the country from the table, placeholders for the rest."""
    h = cable.header
    out = CommentedMap()
    out["post"] = h.get("post", "TBD")
    country = _country(cable, warnings)
    out["country"] = country.name if country else "TBD"
    out["country_code"] = h.get("country_code") or (country.code if country else "TBD")
    for key in ("serial", "date_time_group", "precedence"):
        out[key] = h.get(key, "TBD")
        if key not in h:
            warnings.append(f"no {key.replace('_', ' ')} found in the cable: {key}: TBD to fill in")
    out["classification"] = h.get("classification", UNCLASSIFIED.word)
    if h.get("caveats"):
        out["caveats"] = flow_list(h["caveats"])
    if h.get("pass"):
        out["pass"] = CommentedSeq(h["pass"])
    out["executive_order"] = h.get("executive_order", "12958")
    _copy(h, out, ("declassify", "classified_by"))
    out["tags"] = flow_list(h.get("tags", []))
    out["subject"] = h.get("subject", "TBD")
    _copy(h, out, ("reference", "reference_note"))
    out["signature"] = signature or "TBD"
    return out


def _country(cable: cableparse.ParsedCable, warnings: list[str]) -> countries.Country | None:
    """The country the cable reports on, from its signs (see :func:`evidence`): the first found
    of the subject, the post, TAGS, the DE line's station and an ``Embassy Panama's`` phrase;
    the country's code taken out of TAGS into ``country_code``. Signs that disagree are one
    warning naming them; none at all, a warning and TBD."""
    h = cable.header
    signs = evidence(cable)
    found = _chosen(signs, h.get("post") or cable.envelope.get("sender", ""))
    codes = h.pop("country_code", "")
    tags = [*h.get("tags", []), *([codes] if codes else [])]
    if found is None:
        h["tags"] = tags
        warnings.append("no country found in TAGS, the post or the subject: country and country_code left TBD")
        return None
    code = next((t for t in reversed(tags) if not countries.is_regional(t) and countries.by_code(t) == found), "")
    h["tags"] = [t for t in tags if t != code]
    h["country_code"] = code or found.code
    agree = {(where, what): _agrees(where, country, found, bool(code)) for where, what, country in signs}
    if not all(agree.values()):
        named = {(where, what): country for where, what, country in signs}
        against = [f"{where} {what} ({named[where, what].name})" for (where, what), ok in agree.items() if not ok]
        warnings.append(
            f"the cable's signs name different countries: read as {found.name} ({found.code}) from "
            f"{', '.join(where for (where, _), ok in agree.items() if ok)}; but {', '.join(against)}: check country and country_code"
        )
    return found


Sign = tuple[str, str, countries.Country]  # where (subject, post, TAGS ...), as written, the country


def evidence(cable: cableparse.ParsedCable) -> list[Sign]:
    """Each sign of the country a cable reports on, strongest first: the subject, the post (class
    line or FM line), the countries' codes in TAGS (the last first), the DE line's routing
    station, and the first ``Embassy Panama`` in the body."""
    h, env = cable.header, cable.envelope
    signs: list[Sign] = []
    if found := countries.find(h.get("subject", "")):
        signs.append(("subject", repr(h["subject"]), found))
    for post in (h.get("post", ""), env.get("sender", "")):
        if post and (found := countries.by_post(post)):
            signs.append(("post", post, found))
            break
    tags = [*h.get("tags", []), *([h["country_code"]] if h.get("country_code") else [])]
    signs += [("TAGS", tag, c) for tag in reversed(tags) if not countries.is_regional(tag) and (c := countries.by_code(tag))]
    if env.get("station") and (found := countries.by_station(env["station"])):
        signs.append(("DE line", env["station"], found))
    if found := next((c for b in cable.body if (c := countries.embassy_in(b.text))), None):
        signs.append(("body", f"Embassy {found.post.title()}", found))
    return signs


def _chosen(signs: list[Sign], post: str) -> countries.Country | None:
    """The subject's country, else the post's; else of the codes in TAGS the one the post
    reports on (an embassy accredited to several), else the last; else the station's or the body's."""
    first = {where: c for where, _, c in reversed(signs)}
    if "subject" in first or "post" in first:
        return first.get("subject") or first["post"]
    tagged = [c for where, _, c in signs if where == "TAGS"]
    return (
        next((c for c in tagged if countries.reports(c, post)), None)
        or next(iter(tagged), None)
        or next((c for _, _, c in signs), None)
    )


def _agrees(where: str, country: countries.Country, found: countries.Country, tagged: bool) -> bool:
    """A sign agrees when it names the country read; a post (or its station) when it reports on
    it; a code in TAGS when the country's own code is among the tags too (a cable may tag a
    neighbour it speaks of: Nassau's TAGS name Haiti)."""
    if where == "TAGS":
        return tagged or country == found
    return country == found or any(countries.reports(found, post) for post in country.posts)


def _copy(h: dict[str, Any], out: CommentedMap, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in h:
            out[key] = h[key]


def transmission(cable: cableparse.ParsedCable) -> CommentedMap:
    """The ``transmission:`` section: the envelope's routing and addressees."""
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
