"""axe-core (from npm) run on the page a browser test has open: the serious and critical violations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(browser: Any) -> list[tuple[str, str, list[Any]]]:
    """Each serious or critical violation on the open page: its rule, impact and first nodes.
    Without axe-core the test is skipped (it fails in CI, which installs it with npm ci)."""
    if not AXE.is_file():
        message = f"{AXE} not found: npm ci installs axe-core (package.json)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));"
    )
    assert isinstance(result, list), result
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result if v["impact"] in ("serious", "critical")
    ]
