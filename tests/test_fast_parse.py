"""validate and render read a country file with libyaml (in C); the commands that write it back
read it with ruamel's round-trip parser. The two must agree on every file: the same values of
the same types at the same lines and columns, and the same error for a file neither can read.
tipdraft's own data files are kept parsed in the user's cache."""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import TaggedScalar

from tip_drafter.errors import UnreadableFile
from tip_drafter.output import TMP_SUFFIX
from tip_drafter.yamlio import load as loader

from conftest import BELGIUM, examples

# Scalars that the YAML versions, the resolvers or the two parsers might read differently.
TRICKY = [
    "yes", "NO", "on", "Off", "y", "~", "null", "Null", "true", "TRUE", "010", "0o10", "0x1F", "1_000",
    "1e3", "1.5", ".inf", "-.Inf", ".nan", "2009-02-30", "2009-02-03", "2009-02-03 10:00:00", "12:30:00",
    "1:20", "<<", "=", "a: b", "a #b", "x'y", 'x"y', "\\e[31m", "caf\u00e9", "\u200b", "&a x", "*a",
    "!!str 12", "!!int 7", "!local x", "-", "?", ":", "%", "@x", "`x", "|", ">", "a\tb", "0", "-1", "+1",
]  # fmt: skip
STYLES = ["plain", "single", "double", "literal", "folded", "flow", "empty"]
# A document may open with directives: %YAML 1.1 reads ``no`` as false and ``010`` as 8.
HEADS = ["", "", "---\n", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "%TAG !e! tag:example.com,2000:\n---\n"]


def scalar(text: str, style: str, indent: int) -> str:
    """``text`` written in one YAML style (possibly not valid YAML: both parsers must then refuse it)."""
    pad = " " * (indent + 2)
    match style:
        case "single":
            return "'" + text.replace("'", "''") + "'"
        case "double":
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        case "literal" | "folded":
            return ("|" if style == "literal" else ">") + "\n" + pad + text + "\n" + pad + "second line"
        case "flow":
            return f"[{text}, {text}]"
        case "empty":  # nothing after the colon: placed differently by the two parsers unless told
            return ""
    return text


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A YAML document, perhaps with directives, of tricky keys and values."""
    return draw(st.sampled_from(HEADS)) + draw(mappings())


@st.composite
def mappings(draw: st.DrawFn, depth: int = 0, indent: int = 0) -> str:
    """A YAML mapping of tricky keys and values, some nested, some in a list."""
    lines = []
    pad = " " * indent
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from([*TRICKY[:20], "answers", "cable", "25", "E", "text"]))
        kind = draw(st.sampled_from(["scalar", "scalar", "map", "list"] if depth < 2 else ["scalar"]))
        if kind == "map":
            lines.append(f"{pad}{key}:\n" + draw(mappings(depth + 1, indent + 2)))
        elif kind == "list":
            items = draw(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=3))
            lines.append(f"{pad}{key}:\n" + "".join(f"{pad}  - {scalar(i, 'plain', indent + 2)}\n" for i in items))
        else:
            value = scalar(draw(st.sampled_from(TRICKY)), draw(st.sampled_from(STYLES)), indent)
            lines.append(f"{pad}{key}: {value}\n")
    return "".join(lines)


def read(text: str, keep_comments: bool) -> Any:
    """The parsed data, or the one error message."""
    try:
        return loader.parse(text, "f.yaml", keep_comments).data
    except UnreadableFile as exc:
        return [str(d) for d in exc.diagnostics] or str(exc)


def same(fast: Any, full: Any, path: str = "") -> None:
    """Equal values of equal types, at equal positions, all the way down."""
    assert type(fast) is type(full), path
    if isinstance(fast, dict):
        assert list(fast) == list(full), path
        for key in fast:
            assert fast.lc.key(key) == full.lc.key(key), f"{path}/{key}"
            assert fast.lc.value(key) == full.lc.value(key), f"{path}/{key}"
            same(fast[key], full[key], f"{path}/{key}")
    elif isinstance(fast, list):
        assert len(fast) == len(full), path
        for index, (a, b) in enumerate(zip(fast, full, strict=True)):
            if hasattr(fast, "lc"):
                assert fast.lc.item(index) == full.lc.item(index), f"{path}/{index}"
            same(a, b, f"{path}/{index}")
    elif isinstance(fast, TaggedScalar):  # a value with a tag is never text: its style is not used
        assert (fast.value, str(fast.tag)) == (full.value, str(full.tag)), path
    else:
        assert fast == full or repr(fast) == repr(full), path  # NaN is not equal to itself


def test_the_example_reads_the_same_both_ways() -> None:
    text = BELGIUM.read_text()
    assert loader._scan(text, "f.yaml") and loader._compose_in_c(text) is not None  # libyaml reads it
    same(read(text, False), read(text, True))


@pytest.mark.parametrize(
    "text",
    ["x:\ny: ~\n", "a:\n  x:\n  y: 1\n", "x: \n\n\ny: 2\n", "a: {x: , y: }\n", "a:\n  -\n  - b\n", "? x\n:\n"],
)
def test_empty_values_are_placed_at_their_key_by_both_parsers(text: str) -> None:
    assert loader._scan(text, "f.yaml") and loader._compose_in_c(text) is not None
    same(read(text, False), read(text, True))


@pytest.mark.parametrize("head", HEADS[3:])
def test_a_file_with_directives_is_read_by_the_round_trip_parser_alone(head: str) -> None:
    text = head + "a: no\nb: 010\n" + ("z: !e!thing 1\n" if "TAG" in head else "")
    assert not loader._scan(text, "f.yaml")
    same(read(text, False), read(text, True))
    if "1.1" in head:
        assert read(text, False) == {"a": False, "b": 8}


@settings(max_examples=examples(3))
@given(documents())
def test_generated_files_read_the_same_both_ways(text: str) -> None:
    same(read(text, False), read(text, True))


@settings(max_examples=examples(3))
@given(st.data())
def test_the_example_with_a_line_changed_reads_the_same_both_ways(data: st.DataObject) -> None:
    lines = BELGIUM.read_text().splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    head = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = head + data.draw(st.sampled_from([*TRICKY, "key: " + data.draw(st.sampled_from(TRICKY))])) + "\n"
    text = "".join(lines)
    same(read(text, False), read(text, True))


def test_a_file_libyaml_cannot_read_gets_the_round_trip_parsers_located_message() -> None:
    text = BELGIUM.read_text().replace("edition:", "edition: [", 1)
    fast, full = read(text, False), read(text, True)
    assert fast == full and isinstance(fast, list) and "YAML syntax error" in fast[0]


def test_bundled_data_is_kept_parsed_in_the_users_cache_and_a_bad_entry_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = "a: [1, 2]\nb: {c: text}\n"
    assert loader.read_data(text) == {"a": [1, 2], "b": {"c": "text"}}
    (entry,) = (tmp_path / "tipdraft" / "data").iterdir()
    entry.write_bytes(_entry(marshal.dumps({"a": "from the cache"})))
    assert loader.read_data(text) == {"a": "from the cache"}  # the cache is what is read
    entry.write_bytes(b"\xff not marshal data")
    assert loader.read_data(text) == {"a": [1, 2], "b": {"c": "text"}}  # a broken entry is parsed again
    assert _payload(entry) == {"a": [1, 2], "b": {"c": "text"}}  # and replaced
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(TMP_SUFFIX)]
    (tmp_path / "a-file").write_text("not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    assert loader.read_data("x: 1\n") == {"x": 1}  # no cache to be had: only slower


def test_the_cache_keeps_only_its_newest_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tip_drafter.yamlio import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for number in range(cache.KEEP + 6):  # an edition saved again and again, as in the preview
        assert loader.read_data(f"saved: {number}\n") == {"saved": number}
    entries = list((tmp_path / "tipdraft" / "data").iterdir())
    assert len(entries) == cache.KEEP
    newest = [_payload(p) for p in entries]
    assert {"saved": cache.KEEP + 5} in newest


def _entry(payload: bytes) -> bytes:
    """A cache entry: its header, the payload's sha256, the payload."""
    from tip_drafter.yamlio import cache

    return cache.MAGIC + hashlib.sha256(payload).digest() + payload


def _payload(entry: Path) -> Any:
    from tip_drafter.yamlio import cache

    raw = entry.read_bytes()
    assert raw.startswith(cache.MAGIC)
    return marshal.loads(raw[len(cache.MAGIC) + 32 :])


LONG = "https://www.example.org/a/very/long/path/that/never/ends/and/goes/on/forever.html"


@settings(max_examples=examples(0.5), deadline=None)
@given(data=st.data())
def test_a_problem_is_placed_in_its_own_value_whatever_else_the_file_holds(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """A word too wide and an escaped control character are placed inside the value they are
    in, and named by its item: the same place with a copy of them in a comment above, or a tab
    in a comment below (which sends the file to the other parser)."""
    from tip_drafter import api

    text = BELGIUM.read_text()
    lines = text.splitlines(keepends=True)
    prose = [i for i, line in enumerate(lines) if line.startswith("      ") and len(line.split()) > 3]
    index = data.draw(st.sampled_from(prose))
    words = lines[index].split(" ")
    first = next(
        n for n, word in enumerate(words) if word
    )  # after the indentation (6 or 8 spaces): a line indented less ends a block
    at = data.draw(st.integers(first + 1, len(words) - 1))
    lines[index] = " ".join([*words[:at], LONG, *words[at:]])
    plain = "".join(lines)
    folder = tmp_path_factory.mktemp("place")
    found = []
    for name, variant, shift in (("a", plain, 0), ("b", f"# {LONG}\n" + plain, 1), ("c", plain + "# a\tb\n", 0)):
        path = folder / f"{name}.yaml"
        path.write_text(variant)
        (problem,) = [d for d in api.check(path).diagnostics if d.code == "width"]
        found.append((problem.line - shift, problem.column, problem.where))
    assert found[0] == found[1] == found[2]
    assert found[0][:2] == (index + 1, lines[index].index(LONG) + 1) and found[0][2].startswith("para ")
