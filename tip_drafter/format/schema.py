"""JSON Schema (draft-07) of a country file for an edition, for editors (yaml-language-server).

Written from the same declarations ``validate`` checks with (``country_format``), so the two
agree; patterns are ECMA-262, as JSON Schema wants them. A country file tipdraft writes
(``write_country``) opens with the modeline that points an editor at it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..edition import Edition
from ..errors import OutputError, UsageError
from ..output import atomic_write
from ..yamlio.load import CountryYAML
from ..yamlio.rewrite import create
from .country_format import country_file

DRAFT = "http://json-schema.org/draft-07/schema#"
MODELINE = "# yaml-language-server: $schema={}"


def json_schema(edition: Edition) -> dict[str, Any]:
    """The schema: every section and field as declared, every paragraph and item as the
    edition lists them (topic labels as descriptions), required items required."""
    body = country_file(edition).json()
    return {"$schema": DRAFT, "$id": f"tipdraft-{edition.name}.schema.json", "title": body.pop("description"), **body}


def write_schema(edition: Edition, path: Path, force: bool = False) -> None:
    """Write the schema as JSON (atomically); a file there that is not a schema tipdraft wrote
    (a country file, say) is never replaced unless ``force``."""
    if not force and not _replaceable(path):
        raise OutputError(f"{path}: exists and is not a schema tipdraft wrote; not overwritten (use --force to replace it)")
    atomic_write(path, (json.dumps(json_schema(edition), indent=2) + "\n").encode("utf-8"))


def _replaceable(path: Path) -> bool:
    """Nothing there, or a schema of tipdraft's (its ``$id`` says so)."""
    try:
        if not path.exists():
            return True
        if not path.is_file() or path.stat().st_size > 4 * 1024 * 1024:
            return False
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and str(found.get("$id", "")).startswith("tipdraft-")


def modeline(schema_path: Path, country_file: Path) -> str:
    """The first line of a country file that points an editor at the schema (relative to
    the country file, as yaml-language-server resolves it)."""
    relative = os.path.relpath(schema_path.resolve(), country_file.resolve().parent)
    return MODELINE.format(Path(relative).as_posix())


def default_path(edition: str) -> Path:
    """Where ``tipdraft schema`` writes: ``schemas/<edition>.schema.json``."""
    if not re.fullmatch(r"[\w.-]{1,100}", edition):
        raise UsageError(f"{edition!r} is not an edition name")
    return Path("schemas") / f"{edition}.schema.json"


def write_country(data: Any, output: Path, edition: Edition, exclusive: bool = False) -> None:
    """Write a country file tipdraft made: comments kept, a schema modeline first (the
    schema written to schemas/ if it is not there yet), atomically; ``exclusive``: only as a
    new file, never over one made meanwhile."""
    schema_path = default_path(edition.name)
    if not schema_path.exists():
        write_schema(edition, schema_path)
    lines = CountryYAML().text(data).split("\n")
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    (create if exclusive else atomic_write)(output, "\n".join([modeline(schema_path, output), *lines]).encode("utf-8"))
