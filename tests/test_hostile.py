"""Broken and hostile files: a located message, exit 1 (or 2 for usage), never a traceback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app

runner = CliRunner()

BOMB = "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def run(path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


CASES: list[tuple[str, bytes, str]] = [
    (
        "tabs",
        b'edition: "2009"\ncable:\n\tpost: X\n',
        ":3:1: error: cable: YAML syntax error: while scanning for the next token; found character '\\t' that cannot start any token (YAML does not allow tabs for indentation: use spaces)",
    ),
    ("empty", b"", ":1:1: error: file is empty: expected a country file (a mapping with 'edition', 'cable', 'answers')"),
    ("only-comments", b"# nothing yet\n", ":1:1: error: file is empty"),
    ("list", b"- a\n- b\n", ":1:1: error: expected a mapping of keys at the top level, found a list"),
    ("scalar", b"just words\n", ":1:1: error: expected a mapping of keys at the top level, found text"),
    (
        "binary",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ":3:1: error: file contains NUL bytes: this is a binary file, not YAML text",
    ),
    (
        "latin1",
        b'edition: "2009"\ncable:\n  post: Li\xe8ge\n',
        ":3:11: error: not UTF-8 text: byte 0xE8 cannot be decoded (saved as Windows-1252 or Latin-1? save it as UTF-8)",
    ),
    (
        "syntax",
        b'edition: "2009"\ncable: {post: [unclosed\n',
        ":3:1: error: cable: YAML syntax error: while parsing a flow sequence; expected ',' or ']', but got '<stream end>': a [ or { is opened and never closed",
    ),
    ("bad-date", b"edition: 2009-02-30\n", ":1:10: error: edition: no questionnaire edition '2009-02-30'"),
    ("deep", b"[" * 3000 + b"]" * 3000, ":1:101: error: cannot read YAML: the data is nested more than 100 levels deep"),
    (
        "deep-blocks",
        "".join(f"{' ' * i}k{i}:\n" for i in range(150)).encode(),
        ":101:101: error: cannot read YAML: the data is nested more than 100 levels deep",
    ),
    ("complex-key", b'edition: "2009"\n? [a, b]\n: c\n', ":2:3: error: unknown key '<list used as a key>'"),
    (
        "bomb",
        (BOMB + "edition: *i\ncable: *i\nanswers: *i\n").encode(),
        ":9:4: error: edition: expected an edition name such as 2009, found a list",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_gets_a_located_message(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    code, err = run(path)
    assert code == 1
    assert f"{path}{expected}" in err


def test_a_20_megabyte_file_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 20_000_000 + b"\n")
    code, err = run(path)
    assert code == 1
    assert f"{path}:1:1: error: file is larger than the 4 MiB limit for a country file" in err


def test_an_empty_folder_is_a_usage_error_and_a_missing_file_a_file_error(tmp_path: Path) -> None:
    assert run(tmp_path) == (2, f"tipdraft: error: {tmp_path}: no country files (*.yaml) in this folder\n")
    assert run(tmp_path / "nope.yaml") == (1, f"{tmp_path / 'nope.yaml'}: error: no such file\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("edition: '2009'\n")
    path.chmod(0)
    assert run(path) == (1, f"{path}: error: permission denied: cannot read the file\n")


def test_line_breaks_in_keys_stay_on_one_line_of_output(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text('edition: {"\\r": "\\x80"}\n"a\\u2028b": 1\n', encoding="utf-8")
    code, err = run(path)
    assert code == 1
    lines = err.split("\n")[:-1]
    assert all(line.startswith(f"{path}:") for line in lines), lines
    assert (
        f"{path}:1:17: error: edition.\\r: character '\\x80' (U+0080, a control character) has no ASCII form: a cable is plain ASCII"
        in lines
    )


def test_an_empty_answers_section_is_an_error_not_a_crash(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "countries" / "belgium.yaml").read_text()
    path = tmp_path / "no-answers.yaml"
    path.write_text(text[: text.index("\nanswers:\n") + len("\nanswers:\n")])
    code, err = run(path)
    assert code == 1
    line = path.read_text().splitlines().index("answers:") + 1
    assert f"{path}:{line}:1: error: answers: expected a mapping of paragraphs, found nothing" in err


def test_a_file_that_may_not_be_read_is_a_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("edition: '2009'\n")

    real_open = os.open

    def denied(name: Any, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:  # root may read anything: deny this one file as chmod 000 would
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    assert run(path) == (1, f"{path}: error: permission denied: cannot read the file\n")


@pytest.mark.parametrize("value", [[], {"a": 1}, 7, None])
def test_a_list_or_mapping_where_a_word_is_expected_is_an_error(tmp_path: Path, value: Any) -> None:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((Path(__file__).parent.parent / "countries" / "belgium.yaml").read_text())
    data["cable"]["classification"] = value
    data["cable"]["precedence"] = value
    data["answers"][24]["mark"] = value
    path = tmp_path / "odd.yaml"
    YAML().dump(data, path)
    code, err = run(path)
    assert code == 1
    assert "cable.classification: " in err and "cable.precedence: " in err and "para 24" in err


def test_deep_nesting_is_refused_without_libyaml_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tip_drafter.yamlio import load

    monkeypatch.setattr(load, "LibyamlParser", None)  # as on an interpreter without ruamel.yaml.clib
    path = tmp_path / "deep.yaml"
    path.write_bytes(b"[" * 600 + b"]" * 600)
    code, err = run(path)
    assert code == 1
    assert f"{path}:1:1: error: cannot read YAML: the data is nested too deeply" in err
