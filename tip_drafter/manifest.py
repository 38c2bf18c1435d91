"""Which render each output comes from: a small manifest beside the outputs, so a pair left
mixed by a render killed between its renames (``belgium.txt`` new, ``belgium.pdf`` old) is
seen (``tipdraft status``) and repaired (the next render replaces both).

``output/.belgium.tipdraft.json`` (``.belgium.draft.tipdraft.json`` for a draft) holds the
country file's digest and, for each output, the digest of what this render wrote and of what
it replaced. It is renamed into place before the outputs, in the same all-or-nothing step, so
whenever a render stops, each output is either what the manifest says was written or what it
says was replaced: all of one or all of the other is a whole pair, a mix is not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import output
from .errors import WARNING, Code, Diagnostic, Place
from .options import FORMATS

SUFFIX = ".tipdraft.json"
MIXED = Code.MIXED_OUTPUTS  # the diagnostic's code
LIMIT = 64 * 1024  # a manifest is a few hundred bytes: a bigger file there is not ours


def path_for(target: Path) -> Path:
    """The manifest of the outputs ``target`` belongs to (``output/belgium.txt`` ->
    ``output/.belgium.tipdraft.json``)."""
    return target.parent / f".{target.stem}{SUFFIX}"


def digest(data: bytes) -> str:
    """The digest a manifest records."""
    return hashlib.sha256(data).hexdigest()


def _on_disk(path: Path) -> str | None:
    """The digest of the file at ``path`` now (None: there is none, or it cannot be read)."""
    try:
        return digest(path.read_bytes()) if path.is_file() else None
    except OSError:
        return None


def _read(manifest: Path) -> dict[str, Any] | None:
    """A manifest's content, or None where there is none (or not one tipdraft wrote)."""
    try:
        if not manifest.is_file() or manifest.stat().st_size > LIMIT:
            return None
        content = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return None
    ok = isinstance(content, dict) and isinstance(content.get("outputs"), dict)
    return content if ok else None


def mixed(targets: Mapping[str, Path]) -> list[Path]:
    """The outputs among ``targets`` (by format) that a manifest shows are not from one render
    (empty if they are, or if no manifest says)."""
    if not targets:
        return []
    content = _read(path_for(next(iter(targets.values()))))
    if content is None:
        return []
    listed = [t for t in targets.values() if t.name in content["outputs"]]
    states = {_came_from(t, content["outputs"], content.get("replacing")) for t in listed}
    return listed if len(listed) > 1 and states not in ({"new"}, {"old"}) else []


def _came_from(target: Path, written: dict[str, Any], replaced: Any) -> str:
    """``new``: what the last render wrote; ``old``: what it replaced; ``other``: neither."""
    now = _on_disk(target)
    if now is not None and now == written[target.name]:
        return "new"
    if isinstance(replaced, dict) and target.name in replaced and now == replaced[target.name]:
        return "old"
    return "other"


def recorded(folder_target: Path) -> dict[str, Path]:
    """Every output the manifest of ``folder_target``'s outputs lists, by format (in the order
    text, PDF, HTML)."""
    content = _read(path_for(folder_target))
    if content is None:
        return {}
    names = {f: f"{folder_target.stem}.{f}" for f in FORMATS}  # only ours: a name it lists is never followed
    return {f: folder_target.parent / name for f, name in names.items() if name in content["outputs"]}


def made(source: Path, source_bytes: bytes | None, outputs: Mapping[Path, bytes]) -> tuple[Path, bytes]:
    """The manifest for a render writing ``outputs``: its path and content. What it replaces is
    recorded only if that was a whole pair; after a mixed one, only all-new counts as whole."""
    first = next(iter(outputs))
    before = {t.name: _on_disk(t) for t in outputs}
    whole = not mixed({t.suffix.lstrip("."): t for t in outputs})
    content = {
        "tipdraft": 1,
        "source": str(source),
        "source_sha256": digest(source_bytes) if source_bytes is not None else None,
        "outputs": {t.name: digest(data) for t, data in outputs.items()},
        "replacing": before if whole else None,
    }
    return path_for(first), (json.dumps(content, indent=1, sort_keys=True) + "\n").encode("ascii")


def said(targets: list[Path], then: str = "render again") -> str:
    """``output/belgium.txt and .pdf are from different renders; render again``."""
    first, *others = targets
    return f"{first} and {', '.join(t.suffix for t in others)} are from different renders; {then}"


def problems(source: Path, out_dir: Path) -> list[Diagnostic]:
    """What ``tipdraft status`` says of ``source``'s outputs in ``out_dir`` (final and draft):
    a warning for each set a manifest shows is mixed."""
    found = []
    for draft in (False, True):
        broken = mixed(recorded(out_dir / f"{output.stem(source, draft)}.txt"))
        if broken:
            found.append(Diagnostic(str(source), 0, 0, WARNING, Place(), said(broken), MIXED))
    return found
