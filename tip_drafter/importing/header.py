"""The header of an imported cable into the country file's ``cable:`` and ``transmission:``
sections; the country and its code from the country table."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import countries
from ..domain.classification import UNCLASSIFIED
from ..format.country_format import EXECUTIVE_ORDER
from ..yamlio.load import flow_list
from . import cableparse
from . import country as importcountry


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
    out["executive_order"] = h.get("executive_order", EXECUTIVE_ORDER)
    _copy(h, out, ("declassify", "classified_by"))
    out["tags"] = flow_list(h.get("tags", []))
    out["subject"] = h.get("subject", "TBD")
    _copy(h, out, ("reference", "reference_note"))
    out["signature"] = signature or "TBD"
    return out


def _country(cable: cableparse.ParsedCable, warnings: list[str]) -> countries.Country | None:
    """The country the cable reports on (see :mod:`importcountry`), its code taken out of TAGS
    into ``country_code``; signs that disagree are one warning, none at all a warning and TBD."""
    h = cable.header
    signs = importcountry.signs(cable)
    found = importcountry.choose(signs, h.get("post") or cable.envelope.get("sender", ""))
    tags = [*h.get("tags", []), *filter(None, [h.pop("country_code", "")])]
    code = importcountry.code_in(tags, found)
    h["tags"] = [t for t in tags if t != code]
    if found is None:
        warnings.append("no country found in TAGS, the post or the subject: country and country_code left TBD")
        return None
    h["country_code"] = code or found.code
    if disagreement := importcountry.disagreement(signs, found, bool(code)):
        warnings.append(disagreement)
    return found


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
