"""The editor promise, in the real editor backend: yaml-language-server (what VS Code's YAML
extension runs) reads the schema tipdraft writes and flags what ``tipdraft validate`` flags.

The server comes from npm (``npm ci`` installs it from package.json; ``.ci/run`` does). Without
it the test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from yaml_ls import YamlLanguageServer, server_command

from tip_drafter import api
from tip_drafter.edition import load_edition
from tip_drafter.format.schema import json_schema

from conftest import BELGIUM


@pytest.fixture(scope="module")
def server() -> Iterator[YamlLanguageServer]:
    command = server_command()
    if command is None:
        message = "yaml-language-server is not installed: run `npm ci` in the project folder"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    started = YamlLanguageServer(command, BELGIUM.parent.parent)
    yield started
    started.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the schema where country files' modeline points: ../schemas/."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "2009.schema.json").write_text(json.dumps(json_schema(load_edition("2009"))))
    (tmp_path / "countries").mkdir()
    return tmp_path


def lines_flagged_by_validate(path: Path) -> set[int]:
    return {d.line for d in api.check(path).diagnostics if d.severity == "error"}


@pytest.mark.slow
def test_the_bundled_example_gets_no_diagnostic(server: YamlLanguageServer, project: Path) -> None:
    copy = project / "countries" / "belgium.yaml"
    shutil.copy(BELGIUM, copy)
    assert server.diagnostics(copy) == []
    assert lines_flagged_by_validate(copy) == set()


@pytest.mark.slow
def test_an_unknown_key_and_a_wrongly_typed_field_are_flagged_where_validate_flags_them(
    server: YamlLanguageServer, project: Path
) -> None:
    copy = project / "countries" / "broken.yaml"
    text = BELGIUM.read_text(encoding="utf-8")
    text = text.replace("  post: BRUSSELS\n", "  post: 123\n").replace(
        "  signature: BUSH\n", "  signature: BUSH\n  signatur: BUSH\n"
    )
    copy.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    post, unknown = lines.index("  post: 123") + 1, lines.index("  signatur: BUSH") + 1
    flagged = {d["range"]["start"]["line"] + 1 for d in server.diagnostics(copy)}
    assert flagged == {post, unknown}
    assert lines_flagged_by_validate(copy) == {post, unknown}
