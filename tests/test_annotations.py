"""validate --format sarif and github: what code-scanning tools and GitHub Actions read, for every problem, escaped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter.cli.annotations import to_github, to_sarif
from tip_drafter.errors import Diagnostic

from conftest import BELGIUM, examples

BROKEN = BELGIUM.read_text(encoding="utf-8").replace("  post: BRUSSELS", "  post: TBD", 1).replace("mark: SBU", "mark: TS", 1)


def _validate(tmp_path: Path, name: str, fmt: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / name).write_text(BROKEN, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tip_drafter", "validate", "--format", fmt, name],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


@pytest.mark.slow
def test_sarif_is_read_by_a_sarif_reader_with_every_problem_at_its_place(tmp_path: Path) -> None:
    loader = pytest.importorskip("sarif.loader")
    done = _validate(tmp_path, "belgium.yaml", "sarif")
    assert done.returncode == 1
    log = json.loads(done.stdout)
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "tipdraft"
    (tmp_path / "out.sarif").write_text(done.stdout, encoding="utf-8")
    results = loader.load_sarif_file(str(tmp_path / "out.sarif")).get_results()
    text = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "validate", "belgium.yaml"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    ).stderr
    located = [line for line in text.splitlines() if line.startswith("belgium.yaml:")]
    assert len(results) == len(located) >= 2
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result, line in zip(run["results"], located, strict=True):
        where = result["locations"][0]["physicalLocation"]
        row, col = line.split(":")[1:3]
        assert where["artifactLocation"] == {"uri": "belgium.yaml", "uriBaseId": "SRCROOT"}
        assert (where["region"]["startLine"], where["region"]["startColumn"]) == (int(row), int(col))
        assert result["level"] in line and result["message"]["text"] in line
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_github_annotations_one_per_problem(tmp_path: Path) -> None:
    done = _validate(tmp_path, "belgium.yaml", "github")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines and all(
        line.startswith(("::error file=belgium.yaml,line=", "::warning file=belgium.yaml,line=")) for line in lines
    )
    assert any("placeholder 'TBD'" in line for line in lines)


@pytest.mark.slow
def test_a_file_name_is_escaped_in_both(tmp_path: Path) -> None:
    done = _validate(tmp_path, "a b,c:d%.yaml", "github")
    assert done.stdout.startswith("::error file=a b%2Cc%3Ad%25.yaml,line=")
    done = _validate(tmp_path, "a b,c:d%.yaml", "sarif")
    uri = json.loads(done.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%20b%2Cc%3Ad%25.yaml"


@settings(max_examples=examples(10))
@given(st.text(max_size=30), st.text(max_size=60), st.text(max_size=30))
def test_no_text_forges_another_workflow_command(path: str, message: str, where: str) -> None:
    """Whatever a file's name, an answer or a key holds, each problem is one line and one command."""
    lines = to_github([Diagnostic(path, 3, 4, "error", where, message)]).split("\n")
    assert len(lines) == 1
    head = lines[0][2:].partition("::")[0]
    assert "\r" not in lines[0] and "::" not in head
    assert head.startswith("error file=") and head.count(",") == 3  # file, line, col, title: no more properties


def test_a_problem_with_the_whole_file_has_no_region(tmp_path: Path) -> None:
    log = json.loads(to_sarif([Diagnostic(str(tmp_path / "gone.yaml"), 0, 0, "error", "", "no such file", "file")], []))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert "region" not in location and location["artifactLocation"]["uri"].endswith("gone.yaml")
