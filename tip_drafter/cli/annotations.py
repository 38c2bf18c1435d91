"""Diagnostics where teams work: SARIF 2.1.0 (what code-scanning tools read) and GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path, PurePath
from urllib.parse import quote

from .. import __version__
from ..errors import ERROR, Code, Diagnostic

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/tip-drafter/"
GENERAL = "tipdraft"  # the rule of a diagnostic that names no kind of problem
RULES: dict[
    str, str
] = {  # keyed by Code members (a StrEnum: its values are strings)  # what each kind of problem is, as a code-scanning page lists its rules
    Code.TYPE: "A value of the wrong kind (text, number, list, mapping)",
    Code.ENUM: "A value that is not one of the words allowed",
    Code.PATTERN: "A value not in the expected form",
    Code.EMPTY: "An empty answer or value",
    Code.REQUIRED: "A required key, paragraph or item is missing",
    Code.UNKNOWN_KEY: "A key the questionnaire does not have",
    Code.PLACEHOLDER: "A placeholder (TBD, [insert ...]) left in the text",
    Code.CHARSET: "A character a cable cannot carry",
    Code.CONVERTED: "A character converted to ASCII",
    Code.CLASSIFICATION: "A portion mark or classification rule broken",
    Code.MARK: "A paragraph's portion mark missing",
    Code.YEAR: "The date-time group or subject does not name the report's year",
    Code.DATE: "The date-time group is not a real date",
    Code.WIDTH: "A word wider than the cable's width",
    Code.SYNTAX: "A YAML syntax error",
    Code.ENCODING: "The file is not UTF-8 text",
    Code.FILE: "The file is missing or cannot be read",
    Code.UNREVIEWED: "An answer carried over from last year and not yet reviewed",
    Code.CAPITALS: "The subject is not in capitals",
    Code.ANSWERED_TWICE: "A letter answered both jointly and alone",
    Code.ORDER: "Paragraphs or letters out of order",
    Code.COUNTRY: "The country, its code and the post disagree",
    Code.TEMPLATE: "A template of the layout failed",
    Code.CONTAINS: "A tag the questionnaire requires is missing",
    Code.CAVEAT: "The SENSITIVE caveat does not match the classification",
}


def to_sarif(diagnostics: Sequence[Diagnostic], files: Sequence[Path]) -> str:
    """One SARIF 2.1.0 log of one run: a rule per kind of problem (its ``code``), a result per
    diagnostic at its file, line and column (a problem with the whole file: the file alone),
    the files checked as artifacts; paths relative to the folder tipdraft ran in where they can be."""
    codes = sorted({d.code or GENERAL for d in diagnostics})
    rules = [{"id": code, "shortDescription": {"text": RULES.get(code, f"tipdraft: {code}")}} for code in codes]
    run = {
        "tool": {"driver": {"name": "tipdraft", "version": __version__, "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "artifacts": [{"location": _location_uri(str(f))} for f in files],
        "results": [_result(d, codes.index(d.code or GENERAL)) for d in diagnostics],
        "columnKind": "unicodeCodePoints",
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def _result(d: Diagnostic, rule_index: int) -> dict[str, object]:
    where = f"{d.where}: " if d.where else ""
    location: dict[str, object] = {"artifactLocation": _location_uri(d.path)}
    if d.line:
        location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
    result: dict[str, object] = {
        "ruleId": d.code or GENERAL,
        "ruleIndex": rule_index,
        "level": "error" if d.severity == ERROR else "warning",
        "message": {"text": f"{where}{d.message}"},
        "locations": [{"physicalLocation": location}],
    }
    if d.pointer:
        result["properties"] = {"pointer": d.pointer, "where": d.where}
    return result


def _location_uri(path: str) -> dict[str, str]:
    """A relative path under the folder tipdraft ran in (SRCROOT), else an absolute file URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            resolved = Path(path).resolve()
        except (OSError, RuntimeError):  # a loop of links, a folder that cannot be read: as named
            resolved = Path(path)
        try:
            pure = resolved.relative_to(Path.cwd().resolve())
        except ValueError:
            return {"uri": resolved.as_uri()}
    return {"uri": "/".join(_escape_segment(part) for part in pure.parts), "uriBaseId": "SRCROOT"}


def _escape_segment(part: str) -> str:
    return quote(part, safe="")


def to_github(diagnostics: Sequence[Diagnostic]) -> str:
    """One workflow command per problem (``::error file=...,line=...,col=...,title=...::message``),
    escaped as GitHub Actions reads them, so no file name or answer can forge another command."""
    lines = []
    for d in diagnostics:
        kind = "error" if d.severity == ERROR else "warning"
        props = [f"file={_property(d.path)}"]
        if d.line:
            props += [f"line={d.line}", f"col={max(d.column, 1)}"]
        props.append(f"title={_property('tipdraft: ' + (d.where or d.code or 'problem'))}")
        where = f"{d.where}: " if d.where else ""
        lines.append(f"::{kind} {','.join(props)}::{_data(where + d.message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
