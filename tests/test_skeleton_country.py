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
