"""The dependencies are declared as used: every package the code imports is in pyproject.toml,
only through its public modules, and the lowest versions CI tests are the declared floors."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PACKAGE = ROOT / "tip_drafter"


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {canonicalize_name(r.name): r for r in requirements}


def _imports() -> list[tuple[str, str]]:
    """(file:line, module) for every absolute import of the package's code, at the top of a
    module or inside a function."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]  # a module, or a name in one
            found += [(f"{path.relative_to(ROOT)}:{node.lineno}", name) for name in names]
    return found


def _third_party() -> list[tuple[str, str]]:
    own = {"tip_drafter", "__future__"}
    return [(at, name) for at, name in _imports() if name.split(".")[0] not in (*sys.stdlib_module_names, *own)]


def test_every_package_the_code_imports_is_a_declared_dependency() -> None:
    declared = set(_declared())
    owners = packages_distributions()
    undeclared = [
        (at, name)
        for at, name in _third_party()
        if not declared & {canonicalize_name(d) for d in owners.get(name.split(".")[0], [name.split(".")[0]])}
    ]
    assert undeclared == [], "imported but not in pyproject.toml's dependencies"


def test_no_private_module_of_a_dependency_is_imported() -> None:
    """fontTools names its public table modules after the tables' tags (``_h_e_a_d``: head)."""
    tables = "fontTools.ttLib.tables."
    private = [
        (at, name)
        for at, name in _third_party()
        if any(part.startswith("_") for part in name.removeprefix(tables).split("."))
        and not (name.startswith(tables) and len(name) == len(tables) + 8)
    ]
    assert private == [], "a private module: it may change in any release"


def test_the_lowest_versions_ci_tests_are_the_declared_floors() -> None:
    pinned = {}
    for line in (ROOT / "tests" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[canonicalize_name(name)] = version.strip()
    floors = {
        name: next(s.version for s in requirement.specifier if s.operator == ">=") for name, requirement in _declared().items()
    }
    assert set(pinned) == set(floors)
    for name, version in pinned.items():
        assert _declared()[name].specifier.contains(version), f"{name}=={version} is not allowed by pyproject.toml"
        assert tuple(map(int, version.split("."))) == _padded(floors[name], len(version.split("."))), name


def _padded(version: str, length: int) -> tuple[int, ...]:
    parts = tuple(map(int, version.split(".")))
    return parts + (0,) * (length - len(parts))
