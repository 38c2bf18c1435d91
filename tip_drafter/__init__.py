"""tipdraft: draft a post's TIP report submission from a YAML country file.

The library's entry points (see README, "Using tipdraft from Python") are imported when first
used, not with the package: ``tipdraft --version`` and the CLI's start-up do not pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> the module that defines it (the types are in __init__.pyi, for type checkers)
_EXPORTS = {
    "check": "api",
    "check_text": "api",
    "check_data": "api",
    "render": "api",
    "write": "api",
    "Checked": "api",
    "Result": "api",
    "Options": "options",
    "import_cable_text": "importing.text",
    "ImportedCable": "importing.text",
    "Diagnostic": "errors",
    "Severity": "errors",
    "Code": "errors",
    "Place": "errors",
    "label": "errors",
    "TipDraftError": "errors",
    "InvalidCountryFile": "errors",
}
__all__ = [  # noqa: RUF022 (in the order of _EXPORTS)
    "__version__",
    "check",
    "check_text",
    "check_data",
    "render",
    "write",
    "Checked",
    "Result",
    "Options",
    "import_cable_text",
    "ImportedCable",
    "Diagnostic",
    "Severity",
    "Code",
    "Place",
    "label",
    "TipDraftError",
    "InvalidCountryFile",
]


def __getattr__(name: str) -> Any:
    """One of the library's entry points, imported on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
