"""JSON Schema (draft-07) of a country file for an edition, for editors (yaml-language-server)."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import schema
from .edition import Edition
from .schema import Field

DRAFT = "http://json-schema.org/draft-07/schema#"
MODELINE = "# yaml-language-server: $schema={}"


def json_schema(edition: Edition) -> dict[str, Any]:
    """The schema: every section and field as declared, every paragraph and item as the
    edition lists them (topic labels as descriptions), required items required."""
    properties: dict[str, Any] = {f.name: _field(f) for f in schema.TOP_LEVEL}
    properties["edition"] = {"description": schema.TOP_LEVEL[0].doc, "const": edition.name}
    properties["cable"] = _section(schema.CABLE, "the cable's metadata")
    properties["transmission"] = _section(schema.TRANSMISSION, "the transmission envelope")
    for frame in edition.framing:
        properties[frame.id] = _section(schema.FRAMING[frame.kind], f"{frame.title} ({frame.kind})", optional_mark=True)
    properties["answers"] = {
        "type": "object",
        "description": "the answers, keyed by paragraph number and letter",
        "properties": {str(p.number): _paragraph(p) for p in edition.paragraphs},
        "required": [str(p.number) for p in edition.paragraphs if any(i.required for i in p.items)],
        "additionalProperties": False,
    }
    required = [f.name for f in schema.TOP_LEVEL if f.required] + [f.id for f in edition.framing if f.required]
    return {
        "$schema": DRAFT,
        "$id": f"tipdraft-{edition.name}.schema.json",
        "title": f"tipdraft country file, {edition.name} questionnaire ({edition.instruction})",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def write_schema(edition: Edition, path: Path) -> None:
    """Write the schema as JSON (atomically)."""
    from .write import atomic_write

    atomic_write(path, (json.dumps(json_schema(edition), indent=2) + "\n").encode("utf-8"))


def modeline(schema_path: Path, country_file: Path) -> str:
    """The first line of a country file that points an editor at the schema (relative to
    the country file, as yaml-language-server resolves it)."""
    relative = os.path.relpath(schema_path.resolve(), country_file.resolve().parent)
    return MODELINE.format(Path(relative).as_posix())


def _field(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"description": f.doc}
    if f.kind == "integer":
        out.update(type="integer", minimum=1)
    elif f.kind == "choice":
        out["enum"] = list(f.choices)
    elif f.kind == "list":
        out.update(type="array", items=_text(f.pattern))
    elif f.kind == "addressees":
        out.update(type="array", items=_section(schema.ADDRESSEE, "an addressee"))
    elif f.kind == "mapping":
        out["type"] = "object"
    elif f.kind == "records":
        out.update(type="array", items={"type": "object"})
    else:
        out.update(_text(f.pattern))
        if f.name in ("serial", "executive_order", "edition"):
            out["type"] = ["string", "integer"]
    return out


def _text(pattern: str) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern or r"\S"}


def _section(fields: Sequence[Field], description: str, optional_mark: bool = False) -> dict[str, Any]:
    required = [f.name for f in fields if f.required and not (optional_mark and f.name == "mark")]
    return {
        "type": "object",
        "description": description,
        "properties": {f.name: _field(f) for f in fields},
        "required": required,
        "additionalProperties": False,
    }


def _paragraph(para: Any) -> dict[str, Any]:
    letters = "".join(i.letter for i in para.items)
    key = rf"^[{letters}](?:(?:, | and )[{letters}])*$"
    answer = {
        "oneOf": [
            {"type": "string", "pattern": r"\S"},
            _section(schema.ANSWER, "an answer with a note that data will follow"),
        ]
    }
    items = {i.letter: {**answer, "description": f"{para.number}.{i.letter}: {i.topic} ({i.kind})"} for i in para.items}
    present = [
        {"not": {"propertyNames": {"not": {"pattern": rf"^(?:[{letters}](?:, | and ))*{i.letter}(?:(?:, | and )[{letters}])*$"}}}}
        for i in para.items
        if i.required
    ]
    return {
        "type": "object",
        "description": f"{para.number}. {para.title}",
        "properties": {
            "mark": _field(schema.MARK),
            "heading": _field(schema.PARAGRAPH[1]),
            **items,
        },
        "patternProperties": {key: {**answer, "description": "one answer for several letters, e.g. 'B and C'"}},
        "required": ["mark"],
        "allOf": present,
        "additionalProperties": False,
    }


def default_path(edition: str) -> Path:
    """Where ``tipdraft schema`` writes: ``schemas/<edition>.schema.json``."""
    if not re.fullmatch(r"[\w.-]+", edition):
        raise ValueError(f"{edition!r} is not an edition name")
    return Path("schemas") / f"{edition}.schema.json"


def write_country(data: Any, output: Path, edition: Edition) -> None:
    """Write a country file tipdraft made: comments kept, a schema modeline first (the
    schema written to schemas/ if it is not there yet), atomically."""
    from .load import CountryYAML
    from .write import atomic_write

    schema_path = default_path(edition.name)
    if not schema_path.exists():
        write_schema(edition, schema_path)
    buffer = io.StringIO()
    CountryYAML().dump(data, buffer)
    lines = buffer.getvalue().split("\n")
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    atomic_write(output, "\n".join([modeline(schema_path, output), *lines]).encode("utf-8"))
