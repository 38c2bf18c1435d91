"""Shared fixtures: the project's files, the example cable, and small country-file trees."""

from __future__ import annotations

import copy
import io
import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tip_drafter.yamlio.load import CountryYAML


def pytest_configure(config: pytest.Config) -> None:
    """A run started in the background (``nohup``, ``&`` in a script) ignores SIGINT and
    SIGHUP, and so would every command the tests start (an ignored signal stays ignored across
    exec); the tests of Ctrl-C and hang-ups need them as a terminal gives them."""
    for signum, handler in ((signal.SIGINT, signal.default_int_handler), (signal.SIGHUP, signal.SIG_DFL)):
        if signal.getsignal(signum) is signal.SIG_IGN:
            signal.signal(signum, handler)


ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BELGIUM = ROOT / "countries" / "belgium.yaml"
EXAMPLE = DATA / "09BRUSSELS244.txt"
MARKER = re.compile(r"^\S.{0,9} \d{8} \d{3}(\.\d)? OF \d{3}$")
CLASSIFICATION = re.compile(r"^(UNCLAS|C O N F I D E N T I A L|S E C R E T)\b")

# Hypothesis profiles: a quick one for the edit-test loop (the default), and the thorough one
# CI runs (HYPOTHESIS_PROFILE=thorough, or pytest --hypothesis-profile=thorough). A test that
# needs more or fewer examples than another asks for a multiple of the profile's count with
# ``examples(weight)``, so the profile always decides.
_COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", _COMMON, max_examples=5)
settings.register_profile("thorough", _COMMON, max_examples=100, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def _profile(config: pytest.Config) -> str:
    """The run's profile: ``--hypothesis-profile``, else HYPOTHESIS_PROFILE, else quick."""
    return str(config.getoption("hypothesis_profile", None) or os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run the tests marked slow in a quick run too")


def _leaves_slow_out(config: pytest.Config) -> bool:
    """The quick profile's whole run (no test, file or marker named) leaves out the tests
    marked slow, so that it takes under a minute; the thorough profile (CI) runs them, as does
    a run that names them (a file, a test, ``-m slow``) or asks for them (``--slow``)."""
    named = config.option.file_or_dir or config.option.markexpr or config.getoption("slow")
    return _profile(config) == "quick" and not named


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _leaves_slow_out(config):
        slow = [item for item in items if item.get_closest_marker("slow")]
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_report_header(config: pytest.Config) -> str:
    if _leaves_slow_out(config):
        return "quick profile: the tests marked slow are left out (--slow, or HYPOTHESIS_PROFILE=thorough, runs them)"
    return f"{_profile(config)} profile, the tests marked slow included"


def examples(weight: float) -> int:
    """``weight`` times the active profile's example count (at least one)."""
    return max(1, round(weight * settings.default.max_examples))


def split_cable(lines: list[str]) -> tuple[list[str], list[str]]:
    """(transmission envelope, body from the classification line on)."""
    start = next(i for i, line in enumerate(lines) if CLASSIFICATION.match(line))
    return lines[:start], lines[start:]


def example_parts() -> tuple[list[str], list[str]]:
    """The example cable without the archive's additions: its metadata, the repeated header
    block and the lone '.' after the signature."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines = lines[lines.index("VZCZCXRO8220") :]
    envelope, body = split_cable(lines)
    repeat = next(i for i in range(1, len(body)) if body[i].strip() == body[0].strip())
    body = body[repeat:]
    last = max(i for i, line in enumerate(body) if line.strip() == "BUSH")
    return envelope, body[: last + 1]


def words(lines: list[str]) -> list[str]:
    """Whitespace-separated words, page-marker lines left out."""
    return [w for line in lines if not MARKER.match(line.strip()) for w in line.split()]


def without_total(tokens: list[str]) -> list[str]:
    """Words with the section total of ``SECTION 01 OF nn`` left out."""
    out = list(tokens)
    for i in range(len(out) - 3):
        if out[i] == "SECTION" and out[i + 2] == "OF":
            del out[i + 3]
            break
    return out


@pytest.fixture(scope="session", autouse=True)
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user cache of this test session (each xdist worker its own), never the real
    ``~/.cache/tipdraft``: set in the environment, so the commands the tests start use it too."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def _belgium_parsed() -> Any:
    return CountryYAML().load(BELGIUM.read_text(encoding="utf-8"))


@pytest.fixture
def belgium_data(_belgium_parsed: Any) -> Any:
    """The Belgium country file as round-trip YAML data, to mutate (a fresh copy for each test:
    copying is five times faster than parsing)."""
    return copy.deepcopy(_belgium_parsed)


@pytest.fixture
def write_country(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML data or text as a country file in a temporary folder."""

    def write(content: Any, name: str = "country.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            buffer = io.StringIO()
            CountryYAML().dump(content, buffer)
            path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    return write


def matches_golden(name: str, actual: str | bytes) -> bool:
    """Compare with ``tests/data/<name>``; with TIPDRAFT_UPDATE_GOLDEN=1 set, rewrite it first
    (then read the change in git diff before committing it)."""
    path = DATA / name
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if os.environ.get("TIPDRAFT_UPDATE_GOLDEN"):
        path.write_bytes(data)
    return path.read_bytes() == data
