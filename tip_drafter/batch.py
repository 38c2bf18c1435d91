"""Render many country files: PDFs in worker processes, one WeasyPrint import per worker.

The workers start first and import WeasyPrint while the main process imports the rest and
checks each file, rendering its text and HTML (cheap); then the workers lay out the PDFs
(dear). Even for one file this overlaps WeasyPrint's import with the checks. This module
imports nothing heavy, so the CLI can start the workers before it loads the pipeline.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from . import write
from .errors import TipDraftError, UsageError

if TYPE_CHECKING:
    from . import api

PdfFuture = Future[tuple[bytes, list[str]]]


@dataclass
class Outcome:
    """One file's render: its result, or the error that stopped it."""

    path: Path
    result: api.Result | None = None
    error: TipDraftError | None = None


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _warm() -> None:
    """Worker start-up: import WeasyPrint once, before the first PDF is asked for."""
    from . import pdf  # noqa: F401


class PdfWorkers:
    """A pool of PDF worker processes, started (and importing WeasyPrint) on entry."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise UsageError(f"--jobs must be at least 1, not {workers}")
        methods = multiprocessing.get_all_start_methods()
        context: multiprocessing.context.BaseContext
        if workers > 1 and "forkserver" in methods:
            # The fork server imports WeasyPrint once; every worker is forked from it with
            # WeasyPrint already loaded, instead of importing it again (~0.45 s of CPU each).
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["tip_drafter.pdf"])
            context = forkserver
        else:
            # One worker: fork it at once; its import overlaps the checks in this process.
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm)

    def __enter__(self) -> PdfWorkers:
        self.pool.submit(_warm)  # spawns the workers now
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.pool.shutdown(wait=exc is None, cancel_futures=exc is not None)

    def submit(self, job: write.PdfJob) -> PdfFuture:
        """Make a PDF in a worker."""
        return self.pool.submit(write.pdf_bytes, job)


def render_files(paths: Sequence[Path], out_dir: Path, options: api.Options, workers: PdfWorkers | None) -> Iterator[Outcome]:
    """Render every file, yielding outcomes in the order given; a failed file does not stop
    the others. Without ``workers``, everything happens in this process, one file after another."""
    from . import api

    if workers is None:
        yield from (_local(api, path, out_dir, options) for path in paths)
        return
    pending: list[tuple[Path, api.Prepared | TipDraftError, PdfFuture | None]] = []
    for path in paths:
        try:
            ready = api.prepare(path, out_dir, options)
        except TipDraftError as exc:
            pending.append((path, exc, None))
            continue
        pending.append((path, ready, workers.submit(ready.pdf_job) if ready.pdf_job else None))
    for path, prepared, job in pending:
        if isinstance(prepared, TipDraftError):
            yield Outcome(path, error=prepared)
            continue
        try:
            yield Outcome(path, result=api.finish(prepared, job.result() if job else None))
        except TipDraftError as exc:
            yield Outcome(path, error=exc)


def _local(api: object, path: Path, out_dir: Path, options: api.Options) -> Outcome:
    try:
        return Outcome(path, result=api.render_file(path, out_dir, options))  # type: ignore[attr-defined]
    except TipDraftError as exc:
        return Outcome(path, error=exc)
