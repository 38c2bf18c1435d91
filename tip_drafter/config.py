"""The project's settings file, ``tipdraft.toml`` in the folder tipdraft runs from.

[render]
template_dir = "house-templates"      # or a list; relative to tipdraft.toml
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import UsageError

NAME = "tipdraft.toml"


def template_dirs(folder: Path) -> list[Path]:
    """Template folders the project's settings name (none without a settings file)."""
    path = folder / NAME
    if not path.is_file():
        return []
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from None
    value = settings.get("render", {}).get("template_dir", [])
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UsageError(f"{path}: [render] template_dir must be a folder name or a list of them")
    dirs = [(path.parent / n) for n in names]
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        raise UsageError(f"{path}: [render] template_dir: no such folder: {', '.join(missing)}")
    return dirs
