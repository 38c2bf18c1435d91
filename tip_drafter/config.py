"""The project's settings file, ``tipdraft.toml`` in the folder tipdraft runs from.

[render]
template_dir = "house-templates"      # or a list; relative to tipdraft.toml
"""

from __future__ import annotations

import re
from pathlib import Path

from . import output
from .errors import ERROR, Code, Diagnostic, Place, SettingsError

NAME = "tipdraft.toml"
KNOWN = {"render": ("template_dir",)}  # each table and its settings; anything else is a typo
TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def template_dirs(folder: Path) -> list[Path]:
    """Template folders the project's settings name, as absolute paths (none without a
    settings file); a problem in the file raises :class:`SettingsError`, located."""
    path = folder / NAME
    if not path.is_file():
        return []
    text = _read(path)
    value = _render_table(path, text).get("template_dir", [])
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _error(path, text, "template_dir", "[render] template_dir must be a folder name or a list of them")
    return [_folder(path, text, path.parent / n) for n in names]


def _folder(path: Path, text: str, name: Path) -> Path:
    """``name`` made absolute, if it is a folder; whatever the system says of it (no such
    folder, a name too long, no permission) is an error located at the setting."""
    try:
        name = name.resolve()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        problem: str | None = str(getattr(exc, "strerror", None) or exc)
    else:
        problem = output.folder_problem(name)
        if problem is None:
            return name
    raise _error(path, text, "template_dir", f"[render] template_dir: {problem}: {output.shown(name)}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _at(path, 1, 1, f"not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise _at(path, 0, 0, f"cannot read: {exc.strerror or exc}") from None


def _render_table(path: Path, text: str) -> dict[str, object]:
    """The ``[render]`` table (empty if there is none)."""
    import tomllib  # only for a project that has the file: ~10 ms off every start-up

    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = TOML_POSITION.search(str(exc))
        line, column = (int(position[1]), int(position[2])) if position else (1, 1)
        raise _at(path, line, column, TOML_POSITION.sub("", str(exc))) from None
    _known(path, text, settings, tuple(KNOWN), "")
    table = settings.get("render", {})
    if not isinstance(table, dict):
        raise _error(path, text, "render", "render must be a table: [render] on a line of its own, its settings below")
    _known(path, text, table, KNOWN["render"], "[render] ")
    return table


def _known(path: Path, text: str, table: dict[str, object], names: tuple[str, ...], where: str) -> None:
    """Refuse a table or setting tipdraft does not know (a misspelt one would be ignored)."""
    from .format.fields import suggest  # only for a project that has the file: ~75 ms off every start-up

    for key in table:
        if key not in names:
            known = ", ".join(names) if where else "; ".join(f"[{t}] with {', '.join(ks)}" for t, ks in KNOWN.items())
            message = f"{where}unknown setting {key!r}{suggest(key, names)}; tipdraft.toml knows {known}"
            raise _error(path, text, re.escape(key), message)


def _error(path: Path, text: str, key: str, message: str) -> SettingsError:
    """An error located at the line that sets ``key`` (or opens its table)."""
    pattern = re.compile(rf"\s*(\[\s*{key}\s*\]|{key}\s*=)")
    found = ((n, m.start(1) + 1) for n, t in enumerate(text.splitlines(), 1) if (m := pattern.match(t)))
    line, column = next(found, (1, 1))
    return _at(path, line, column, message)


def _at(path: Path, line: int, column: int, message: str) -> SettingsError:
    diagnostic = Diagnostic(str(path), line, column, ERROR, Place(), message, Code.SETTINGS)
    return SettingsError(diagnostic.format(), diagnostics=[diagnostic])
