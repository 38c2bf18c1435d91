"""Import loses nothing: every word of a generated cable's body is in the written country file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter.edition import load_edition
from tip_drafter.importing.importer import import_cable
from tip_drafter.importing.kept import words
from tip_drafter.yamlio.load import CountryYAML

from conftest import examples

EDITION = load_edition("2009")
ENVELOPE = (
    "VZCZCXYZ0001\nOO RUEHWEB\nDE RUEHMU #0155/01 0511555\nZNR UUUUU ZZH\nO 201555Z FEB 09\n"
    "FM AMEMBASSY MANAGUA\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 3456\n"
)
HEADERS = {
    "envelope": ENVELOPE,
    "no envelope": "",
    "from the DE line": ENVELOPE[ENVELOPE.index("DE ") :].replace("TO RUEHC/SECSTATE WASHDC IMMEDIATE 3456\n", ""),
}
CLASS_HEADER = (
    "UNCLAS MANAGUA 000155\n\nSENSITIVE\nSIPDIS\n\nE.O. 12958: N/A\nTAGS: KTIP PHUM XL NU\n"
    "SUBJECT: NICARAGUA: 2009 TIP REPORT PART 1 OF 2\n\nREF: 08 STATE 132759\n\n"
)
VOCABULARY = ["police", "victims", "shelter", "labor", "courts", "ministry", "border", "girls", "fines", "2008", "NGO"]

chunk = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=9).map(lambda w: " ".join(w) + ".")
dash_rule = "-" * 30


@st.composite
def section(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One piece of a body as a post may write it, and the sentences of text in it."""
    text = draw(chunk)
    kind = draw(st.sampled_from(["para heading", "numbered", "item", "quoted question", "plain", "contact"]))
    number = draw(st.integers(1, 40))
    mark = draw(st.sampled_from(["U", "SBU", "C"]))
    letter = draw(st.sampled_from("ABCDEFG"))
    if kind == "para heading":
        return f"{dash_rule}\nPara {number}: Overview {text}\n{dash_rule}", [text]
    if kind == "numbered":
        return f"{number}. ({mark}) {text}", [text]
    if kind == "item":
        return f"{draw(st.sampled_from(['', '-- ', f'{number} ']))}{letter}. {text}", [text]
    if kind == "quoted question":
        answer = draw(chunk)
        return f'{letter}. "{text[:-1]}?"\n\n{answer}', [text[:-1], answer]
    if kind == "contact":
        return f"{number}. (U) POC is Poloff {text}", [text]
    return text, [text]


@st.composite
def cables(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A whole cable: some header, some body, maybe an addendum, maybe cut short."""
    header = HEADERS[draw(st.sampled_from(sorted(HEADERS)))] + CLASS_HEADER
    body = draw(st.lists(section(), min_size=1, max_size=12))
    lines = "\n\n".join(text for text, _ in body).splitlines()
    sentences = [s for _, found in body for s in found]
    if draw(st.booleans()):
        addendum = draw(st.lists(chunk, min_size=1, max_size=3))
        lines += ["", "END TEXT OF REPORT.", "", "SANDINO", "", *addendum]
        sentences += addendum
    cut = draw(st.integers(1, len(lines))) if draw(st.booleans()) else len(lines)
    kept_text = "\n".join(lines[:cut])
    return header + "1. (SBU) Summary: " + kept_text + "\n", ["Summary:", *(s for s in sentences if s in kept_text)]


def texts(value: Any) -> Iterator[str]:
    """Every string in a part of the written file."""
    if isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
    else:
        yield str(value)


@settings(max_examples=examples(5))
@given(cables())
def test_every_word_of_the_body_is_in_the_written_file(cable: tuple[str, list[str]]) -> None:
    text, sentences = cable
    result = import_cable(text, EDITION, force=True)
    buffer = io.StringIO()
    CountryYAML().dump(result.data, buffer)
    written = CountryYAML().load(buffer.getvalue())
    found = " ".join(
        [
            *texts(written.get("answers", {})),
            *(t for frame in EDITION.framing for t in texts(written.get(frame.id, {}))),
            *texts(written.get("unplaced", [])),
            str(written["cable"]["signature"]),
        ]
    )
    where = words(found)
    at = 0
    for sentence in sentences:  # each sentence's words, and the sentences in the cable's order
        wanted = words(sentence)
        spots = [i for i in range(len(where)) if where[i : i + len(wanted)] == wanted]
        assert spots, f"{sentence!r} lost:\n{text}"
        later = [i for i in spots if i >= at]
        at = (later or spots)[0] + len(wanted)
