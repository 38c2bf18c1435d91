"""A cable given as text imported into a country file in memory: the library's ``import_cable_text``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..yamlio.load import CountryYAML
from . import cableinput
from .importer import imported


@dataclass(frozen=True)
class ImportedCable:
    """A cable read into a country file, nothing written: the file's text and data, the
    edition it answers, and what the user should know (``warnings``: check these; ``notes``:
    how the cable was read)."""

    text: str
    data: Any
    edition: str
    warnings: tuple[str, ...]
    notes: tuple[str, ...]


def import_cable_text(
    text: str, name: str = "<cable>", edition: str | None = None, editions: Sequence[Path] = (), force: bool = False
) -> ImportedCable:
    """Import the cable ``text`` as ``tipdraft import`` reads a cable file named ``name``.

    Without ``edition``: the one the cable's REF line or subject names, else the newest.
    Raises :class:`~tip_drafter.errors.NotACable` (a :class:`TipDraftError`) for text that is
    no cable, a cable that is no TIP report (unless ``force``), or an import that would lose text.
    """
    read = cableinput.decode(text.encode("utf-8", "surrogatepass"), name)
    result, chosen = imported(read, name, edition, editions, force)
    return ImportedCable(CountryYAML().text(result.data), result.data, chosen.name, tuple(result.warnings), tuple(result.notes))
