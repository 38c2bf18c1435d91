"""The promise of one declared format: ``tipdraft validate`` finds a problem of form (type, enum,
pattern, required or unknown key) at a place if and only if the JSON Schema it writes does.

A valid file is changed at random places, in the ways an editor's user changes it: a value of
another type, another word, a key removed, a key added; then the diagnostics of the format are
compared with the errors of a JSON Schema validator, by JSON pointer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter.classification import WORDS as WORDS_OF_CLASSIFICATION
from tip_drafter.edition import load_edition
from tip_drafter.fields import FORMAT_CODES, json_pointer
from tip_drafter.load import Document, parse
from tip_drafter.schema import json_schema
from tip_drafter.validate import validate

from conftest import BELGIUM, examples

TEXT = BELGIUM.read_text(encoding="utf-8")
SCHEMA = json_schema(load_edition("2009"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
WORDS = ["U", "SBU", "C", "S", "X", "IMMEDIATE", "ROUTINE", "SECRET", "2009", "2010", "BE", "be", "TBD", "[insert date]",
         "B and C", "Z", "E", "201555Z FEB 09", "311200Z FEB 09", "01/02/2019", "a@b", "RUEHC", "0688", "12345"]  # fmt: skip
# Text an editor's user types: ASCII, spaces and the invisible characters a paste brings. Not a
# line break at the end (Python's `$` matches before one, ECMA-262's does not: JSON Schema means
# ECMA-262, which validate follows; the Python validator used here does not) and no integral
# floats (JSON Schema, from draft 6 on, counts 3.0 as an integer; validate does not).
texts = st.text(st.sampled_from([*"aZ09 .-@/:", "\u200b", "\u00a0", "\u00ad", "\t", "\n"]), max_size=6).filter(
    lambda t: not t.endswith("\n")
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    texts,
    st.sampled_from(WORDS),
)
values = st.one_of(scalars, st.lists(scalars, max_size=2), st.dictionaries(st.sampled_from(WORDS), scalars, max_size=2))


def places(node: Any, pointer: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and list item of the tree, as paths."""
    found: list[tuple[Any, ...]] = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        found.append((*pointer, key))
        found += places(value, (*pointer, key))
    return found


# The edition stays: with an edition it does not know, validate cannot check what depends on
# it, while the schema is one edition's (the edition itself is compared below).
PLACES = [p for p in places(parse(TEXT, "belgium.yaml").data) if p != ("edition",)]


# The places the rules between keys turn on, drawn as often as all the others, with the words
# they turn on: the edition's required tags (contains) and the SENSITIVE caveat (if/then).
RULE_PLACES: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
    ("cable", "classification"): st.sampled_from([*WORDS_OF_CLASSIFICATION, "SBU"]),
    ("cable", "caveats"): st.lists(st.sampled_from(["SENSITIVE", "SIPDIS"]), max_size=2),
    ("cable", "caveats", 0): st.sampled_from(["SENSITIVE", "SIPDIS"]),
    ("cable", "tags"): st.lists(st.sampled_from(["KTIP", "PHUM", "KCRM"]), max_size=3),
    ("cable", "tags", 1): st.sampled_from(["KTIP", "PHUM"]),
}


@st.composite
def changes(draw: st.DrawFn) -> list[tuple[str, tuple[Any, ...], Any]]:
    """One to three changes: (what, where, new value)."""
    picked = draw(st.lists(st.one_of(st.sampled_from(PLACES), st.sampled_from(list(RULE_PLACES))), min_size=1, max_size=3))
    what = st.sampled_from(["replace", "replace", "delete", "add"])
    return [(draw(what), place, draw(st.one_of(RULE_PLACES.get(place, values), values))) for place in picked]


def apply(data: Any, change: tuple[str, tuple[Any, ...], Any]) -> None:
    """Make one change, if its place still exists after the earlier ones."""
    what, place, value = change
    parent = data
    for key in place[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    key = place[-1]
    if not isinstance(parent, (dict, list)) or (isinstance(parent, dict) and key not in parent):
        return
    if isinstance(parent, list) and (not isinstance(key, int) or key >= len(parent)):
        return
    if what == "replace":
        parent[key] = value
    elif what == "delete":
        del parent[key]
    elif isinstance(parent, dict):
        parent["unknown_" + str(key)] = value


def deepest(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """Of an anyOf that failed, the errors of the one branch whose type fits the value (a
    mapping answer: its bad key, not the whole answer); the anyOf itself when several fit."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [errs for errs in branches.values() if not any(e.validator == "type" and not e.relative_path for e in errs)]
    if len(fitting) != 1:
        return [error]
    return [leaf for sub in fitting[0] for leaf in deepest(sub)]


def schema_pointers(data: Any) -> set[str]:
    """Where the JSON Schema validator finds errors, as JSON pointers to the value at fault."""
    as_json = json.loads(json.dumps(data))
    found: set[str] = set()
    for error in (leaf for top in VALIDATOR.iter_errors(as_json) for leaf in deepest(top)):
        path, instance = tuple(error.absolute_path), error.instance
        if error.validator == "required":
            found |= {json_pointer((*path, name)) for name in error.validator_value if name not in instance}
        elif error.validator == "additionalProperties":
            schema = error.schema
            patterns = list(schema.get("patternProperties", {}))
            extra = [k for k in instance if k not in schema.get("properties", {}) and not any(re.search(p, k) for p in patterns)]
            found |= {json_pointer((*path, key)) for key in extra}
        elif error.validator == "not" and "propertyNames" in error.validator_value:  # a required item: no key names its letter
            letter = re.search(r"\)\*([A-Z])\(", error.validator_value["propertyNames"]["not"]["pattern"])
            assert letter is not None
            found.add(json_pointer((*path, letter[1])))
        else:
            found.add(json_pointer(path))
    return found


def validate_pointers(data: Any) -> set[str]:
    """Where validate finds problems of form, as JSON pointers."""
    found = validate(Document("belgium.yaml", data, TEXT)).diagnostics
    assert all(d.code for d in found), [d for d in found if not d.code]  # every problem says what kind it is
    return {d.pointer for d in found if d.code in FORMAT_CODES}


def test_belgium_is_clean_for_both() -> None:
    data = parse(TEXT, "belgium.yaml").data
    assert schema_pointers(data) == set() == validate_pointers(data)


def test_one_known_change_is_found_by_both_at_the_same_pointer() -> None:
    data = parse(TEXT, "belgium.yaml").data
    data["cable"]["post"] = 123
    del data["answers"][25]["E"]
    data["cable"]["signatur"] = "BUSH"
    expected = {"/cable/post", "/answers/25/E", "/cable/signatur"}
    assert schema_pointers(data) == expected == validate_pointers(data)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"tags": ["PHUM", "KCRM"]}, "/cable/tags"),  # the edition requires KTIP: contains
        ({"caveats": ["SIPDIS"]}, "/cable/caveats"),  # FOR OFFICIAL USE ONLY without SENSITIVE: if/then
        ({"caveats": None}, "/cable/caveats"),  # ... with no caveats at all
        ({"classification": "UNCLASSIFIED"}, "/cable/caveats"),  # SENSITIVE under another classification
    ],
)
def test_the_rules_between_keys_are_in_the_json_schema_too(change: dict[str, Any], pointer: str) -> None:
    data = parse(TEXT, "belgium.yaml").data
    for key, value in change.items():
        if value is None:
            del data["cable"][key]
        else:
            data["cable"][key] = value
    assert schema_pointers(data) == {pointer} == validate_pointers(data)


def test_another_edition_is_found_by_both() -> None:
    data = parse(TEXT, "belgium.yaml").data
    data["edition"] = "1999"
    assert schema_pointers(data) == {"/edition"} == validate_pointers(data)


@settings(max_examples=examples(4))
@given(changes())
def test_validate_and_the_json_schema_find_the_same_problems(edits: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    data = parse(TEXT, "belgium.yaml").data
    for change in edits:
        apply(data, change)
    assert validate_pointers(data) == schema_pointers(data)
