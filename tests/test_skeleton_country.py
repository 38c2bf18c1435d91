"""skeleton and new --country fill the post and the country code from the country table."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.yamlio.load import CountryYAML

runner = CliRunner()


@pytest.mark.parametrize("command", [["skeleton"], ["new"]])
@pytest.mark.parametrize(
    ("name", "expected"),
    [("Norway", ("NORWAY", "OSLO", "NO")), ("the Netherlands", ("NETHERLANDS", "THE HAGUE", "NL"))],
)
def test_a_known_country_gets_its_post_and_code(
    tmp_path: Path, command: list[str], name: str, expected: tuple[str, str, str]
) -> None:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, [*command, "--country", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    cable = CountryYAML().load(out.read_text())["cable"]
    assert (cable["country"], cable["post"], cable["country_code"]) == expected
    assert "warning" not in result.stderr


def test_an_unknown_country_keeps_tbd_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["skeleton", "--country", "Atlantis", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cable = CountryYAML().load(out.read_text())["cable"]
    assert (cable["country"], cable["post"], cable["country_code"]) == ("ATLANTIS", "TBD", "TBD")
    assert "'Atlantis' is not in the country table: post and country_code left TBD to fill in" in result.stderr


def _edition_with(tmp_path: Path, defaults: str) -> Path:
    """A copy of the bundled 2009 edition, named ``own``, whose ``defaults:`` block is ``defaults``."""
    text = (Path(__file__).parent.parent / "tip_drafter" / "editions" / "2009.yaml").read_text(encoding="utf-8")
    start = text.index("\ndefaults:\n")
    end = text.index("\n\n", start + 1)
    folder = tmp_path / "editions"
    folder.mkdir()
    (folder / "own.yaml").write_text(text[:start] + defaults + text[end:], encoding="utf-8")
    return folder


def test_the_skeleton_starts_from_the_edition_s_defaults(tmp_path: Path) -> None:
    """SENSITIVE follows the classification (here UNCLASSIFIED: left out although listed), and
    every required tag is added to the edition's tags."""
    folder = _edition_with(
        tmp_path,
        "\ndefaults:\n  classification: UNCLASSIFIED\n  precedence: ROUTINE\n  caveats: [SIPDIS, SENSITIVE]\n"
        '  executive_order: "13526"\n  tags: [KCRM, SMIG]\n  mark: U',
    )
    out = tmp_path / "c.yaml"
    result = runner.invoke(
        app, ["skeleton", "--edition", "own", "--editions", str(folder), "--country", "Norway", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = CountryYAML().load(out.read_text())
    cable = data["cable"]
    assert (cable["precedence"], cable["classification"], cable["executive_order"]) == ("ROUTINE", "UNCLASSIFIED", "13526")
    assert (list(cable["caveats"]), list(cable["tags"])) == (["SIPDIS"], ["KCRM", "SMIG", "KTIP"])
    assert {answer["mark"] for answer in data["answers"].values()} == {"U"}


def test_an_edition_without_defaults_leaves_them_to_fill_in(tmp_path: Path) -> None:
    folder = _edition_with(tmp_path, "")
    out = tmp_path / "c.yaml"
    result = runner.invoke(
        app, ["skeleton", "--edition", "own", "--editions", str(folder), "--country", "Norway", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = CountryYAML().load(out.read_text())
    cable = data["cable"]
    assert (cable["precedence"], cable["classification"], cable["executive_order"]) == ("TBD", "TBD", "TBD")
    assert (list(cable["caveats"]), list(cable["tags"])) == ([], ["KTIP"])
    assert {answer["mark"] for answer in data["answers"].values()} == {"TBD"}
