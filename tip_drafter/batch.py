"""Many country files at once, on every core.

Render: this process checks each file and renders its text and HTML (cheap) while the PDF
workers, started first, import WeasyPrint and then lay out the PDFs (dear). Even for one file
this overlaps WeasyPrint's import with the checks. Check (``validate``, ``status``): each file
is a job (:class:`Check`, or another :class:`~tip_drafter.workers.Job`), run by workers forked
from this process once it has loaded the pipeline. A problem in one file never stops the others.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import output, workers
from .errors import Code, Diagnostic, OutputError, Place, Severity, TipDraftError, UsageError
from .options import Options
from .pdf.maker import PdfMaker, Ticket
from .startup import importing
from .workers import Job, JobFailed

if TYPE_CHECKING:
    from . import api

T = TypeVar("T")
FEWEST = 8  # files below which the checks are not worth starting workers for (each takes ~20 ms)


@dataclass
class Outcome:
    """One file's render: its result, or the error that stopped it."""

    path: Path
    result: api.Result | None = None
    error: TipDraftError | None = None


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _jobs(jobs: int | None) -> int:
    """The worker processes ``--jobs`` asks for (default: one per core)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    return jobs


def pdf_maker(jobs: int | None, files: int, pdf: bool) -> PdfMaker:
    """The maker for ``files`` files: ``jobs`` worker processes at most (default: one per
    core), none if ``jobs`` is 1 or no PDF is wanted. For the command: a one-shot process."""
    jobs = _jobs(jobs)
    return PdfMaker(min(jobs, files) if jobs > 1 and pdf else 0, one_shot=True)


@dataclass(frozen=True)
class Check:
    """One file's check (:func:`api.check`), as a job: its problems."""

    path: Path
    options: Options

    def run(self) -> list[Diagnostic]:
        from . import api

        return api.check(self.path, self.options).diagnostics


@contextlib.contextmanager
def outcomes(jobs: Sequence[Job[T]], processes: int | None) -> Iterator[Iterator[T | JobFailed]]:
    """What each job returns, in the jobs' order, as they finish: run by ``processes`` workers
    (default: one per core; none for 1, or for fewer than :data:`FEWEST` jobs), or here (a job
    no worker could run, too). A job whose worker died is a :class:`JobFailed` in its place;
    the others go on. The workers are
    forked from this process: load what the jobs run before. They are stopped when the block
    is left, however (a Ctrl-C included)."""
    wanted = _jobs(processes)  # checked whatever the number of jobs
    size = min(wanted, len(jobs)) if len(jobs) >= FEWEST and wanted > 1 else 0
    with workers.running(size) as pool:
        yield _in_order(jobs, pool)


def not_checked(path: Path, failed: JobFailed) -> Diagnostic:
    """The problem of a file whose check did not finish (its worker died)."""
    return Diagnostic(str(path), 0, 0, Severity.ERROR, Place(), f"not checked: {failed}", Code.FILE)


def _in_order(jobs: Sequence[Job[T]], pool: workers.Pool | None) -> Iterator[T | JobFailed]:
    if pool is None:
        yield from (job.run() for job in jobs)
        return
    numbers = [pool.submit(job) for job in jobs]  # small jobs: all sent at once, files on the disk
    for job, number in zip(jobs, numbers, strict=True):
        try:
            yield pool.result(number, here=job)
        except JobFailed as exc:
            yield exc


def _clashes(paths: Sequence[Path], out_dir: Path, options: api.Options) -> dict[Path, TipDraftError]:
    """Files whose outputs would land on another file's (``a/belgium.yaml``, ``b/belgium.yaml``):
    each is refused before anything is written."""
    from . import api  # loaded by render_files, after the PDF workers started (see there)

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
    with importing():  # the pipeline, loaded once the workers started: their WeasyPrint import overlaps ours
        from . import api

    pending: list[tuple[Path, api.Prepared | TipDraftError, Ticket | None]] = []
    output.clean_stale(out_dir)
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
