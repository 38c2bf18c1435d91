"""Render many country files: check each here, make their PDFs through one :class:`PdfMaker`.

With workers, this process checks each file and renders its text and HTML (cheap) while the
workers, started first, import WeasyPrint and then lay out the PDFs (dear). Even for one file
this overlaps WeasyPrint's import with the checks. A problem in one file never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import importing, write
from .errors import OutputError, TipDraftError, UsageError
from .pdfmaker import PdfMaker, Ticket

if TYPE_CHECKING:
    from . import api


@dataclass
class Outcome:
    """One file's render: its result, or the error that stopped it."""

    path: Path
    result: api.Result | None = None
    error: TipDraftError | None = None


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def pdf_maker(jobs: int | None, files: int, pdf: bool) -> PdfMaker:
    """The maker for ``files`` files: ``jobs`` worker processes at most (default: one per
    core), none if ``jobs`` is 1 or no PDF is wanted."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    return PdfMaker(min(jobs, files) if jobs > 1 and pdf else 0)


def _clashes(paths: Sequence[Path], out_dir: Path, options: api.Options) -> dict[Path, TipDraftError]:
    """Files whose outputs would land on another file's (``a/belgium.yaml``, ``b/belgium.yaml``):
    each is refused before anything is written."""
    from . import api

    by_target: dict[Path, list[Path]] = {}
    for path in paths:
        try:
            target = next(iter(api.output_targets(path, out_dir, options).values()))
        except TipDraftError:
            continue  # prepare reports it
        by_target.setdefault(target, []).append(path)
    return {
        path: OutputError(f"{path}: not rendered: {', '.join(map(str, group))} would all write {target.with_suffix('')}.*")
        for target, group in by_target.items()
        if len(group) > 1
        for path in group
    }


def render_files(paths: Sequence[Path], out_dir: Path, options: api.Options, maker: PdfMaker) -> Iterator[Outcome]:
    """Render every file, yielding outcomes in the order given; a failed file does not stop
    the others. Every file is checked before the first PDF is waited for."""
    with importing():
        from . import api

    pending: list[tuple[Path, api.Prepared | TipDraftError, Ticket | None]] = []
    write.clean_stale(out_dir)
    clashes = _clashes(paths, out_dir, options)
    for path in paths:
        if path in clashes:
            pending.append((path, clashes[path], None))
            continue
        try:
            ready = api.prepare(path, out_dir, options)
        except TipDraftError as exc:
            pending.append((path, exc, None))
            continue
        pending.append((path, ready, maker.submit(ready.pdf_job) if ready.pdf_job else None))
    for path, prepared, ticket in pending:
        if isinstance(prepared, TipDraftError):
            yield Outcome(path, error=prepared)
            continue
        try:
            yield Outcome(path, result=api.finish(prepared, api.made_pdf(prepared, ticket.result) if ticket else None))
        except TipDraftError as exc:
            yield Outcome(path, error=exc)
