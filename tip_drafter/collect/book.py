"""The book: every post's cable in one PDF, in country order, with an outline by country and paragraph,
page numbers across the book and the highest classification of any cable on every page."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import api, output
from ..cable.model import Cable
from ..cable.render import Rendered, bundled_templates, renderer_for
from ..domain import classification
from ..errors import ERROR, Code, Diagnostic, Place, TipDraftError
from ..pdf.job import PdfJob
from ..pdf.maker import PdfMaker
from .gather import Collection, Failure, SubmissionKey, failure_of, latest, submission_key

PAGE = "collect/book.html.j2"
MAIN = re.compile(r"<main>(.*)</main>", re.S)  # the cable's lines in its printable page


@dataclass(frozen=True)
class Chapter:
    """One post's cable in the book."""

    title: str  # BELGIUM: BRUSSELS 244, 2009
    country: str
    body: str  # the cable's lines as its printable page has them (escaped HTML)
    level: classification.Classification
    epoch: int
    columns: int  # its widest line, as the cable's own page makes its column (a word wider than the line)
    source: str  # the file it came from
    key: SubmissionKey  # its post, country and year: the book has one cable of each, as every output of collect


def chapters(paths: Sequence[Path], options: api.Options, found: Collection) -> list[Chapter]:
    """Each file's cable, rendered as ``render`` renders it (the bundled layout: every post's
    cable looks the same in the book), one of each submission (:func:`gather.latest`); a file
    that cannot be rendered is a failure of ``found``."""
    out = []
    for path in paths:
        try:
            checked = api.check(path, options)
        except TipDraftError as exc:  # one file no template can render (a limit): not in the book, the others are
            found.failures.append(failure_of(path, exc, "not in the book: "))
            continue
        if checked.cable is None or checked.rendered is None or checked.document is None:
            errors = tuple(d for d in checked.diagnostics if d.severity == ERROR) or (_not_rendered(path),)
            found.failures.append(Failure(str(path), errors))
        else:
            out.append(_chapter(checked.cable, checked.rendered, checked.document.data, options.paper, str(path)))
    kept = latest(out, lambda c: c.key, lambda c: c.source, found.notes)  # of one submission's files, the last named
    return sorted(kept, key=lambda c: (c.country, c.title))


def _chapter(cable: Cable, rendered: Rendered, data: Any, paper: str, source: str) -> Chapter:
    page = renderer_for(()).html(cable, rendered, cable.classification, paper)
    body = MAIN.search(page)
    level = classification.of_or_highest(cable.classification)
    named = data.get("cable") if isinstance(data, dict) else None
    country = str(named.get("country") or cable.post) if isinstance(named, dict) else cable.post
    title = f"{country}: {cable.post} {cable.serial}, {cable.year}"
    columns = max((len(line.text) for line in rendered.lines), default=0)
    key = submission_key(data, cable.year)
    return Chapter(title, country, body[1] if body else "", level, cable.sent_epoch, columns, source, key)


def _not_rendered(path: Path) -> Diagnostic:
    return Diagnostic(str(path), 0, 0, ERROR, Place(), "not in the book: the file cannot be rendered", Code.FILE)


def book_html(parts: Sequence[Chapter], paper: str = "Letter") -> str:
    """The book's printable page: its head from the bundled template, then each chapter (put
    together here: a book is bigger than any one template may write)."""
    banner = max((c.level for c in parts), key=lambda level: level.rank, default=classification.UNCLASSIFIED).word
    head = renderer_for(()).page(PAGE, banner=banner, paper=paper, chapters=parts, assets=bundled_templates().as_uri())
    opening, closing = head.split("<!-- chapters -->")
    body = "".join(
        f'<section class="chapter"><h1 data-label="{html.escape(c.title)}">{html.escape(c.title)}</h1>\n<main style="width: {c.columns}ch">{c.body}</main></section>\n'
        for c in parts
    )
    return opening + body + closing


def book_pdf(parts: Sequence[Chapter], paper: str, maker: PdfMaker) -> bytes:
    """The book as a PDF, made as every PDF of tipdraft's is (the same bytes for the same
    cables): by ``maker``'s worker, or in this process (a maker without workers)."""
    job = PdfJob(book_html(parts, paper), (bundled_templates().resolve(),), True, max((c.epoch for c in parts), default=0))
    return maker.submit(job).result()[0]


def write_book(paths: Sequence[Path], options: api.Options, found: Collection, out: Path, maker: PdfMaker) -> int:
    """The book of every file that renders, replaced all or nothing; of two files of one post,
    country and year, the one named last, as every output of ``collect`` keeps (with the same
    note). Nothing is written when no file renders. Returns the number of cables in it."""
    kept = chapters(paths, options, found)
    if kept:
        output.replace_all({out: book_pdf(kept, options.paper, maker)})
    return len(kept)
