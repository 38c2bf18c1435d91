"""What a PDF is made from (a :class:`PdfJob`) and what making it gives (:data:`PdfMade`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PdfMade = tuple[bytes, list[str]]  # the PDF, and the URLs it was refused


@dataclass(frozen=True)
class PdfJob:
    """What a PDF is made from; small and picklable, so a worker process can make it."""

    html: str
    assets: tuple[Path, ...]  # absolute folders whose files the PDF may read (stylesheets, fonts)
    strict: bool  # a refused fetch stops the PDF
    epoch: int  # the date stamped into the PDF and its fonts
    tagged: bool = True  # PDF/UA-1: tagged, for screen readers
