"""The PDF stage: a :class:`PdfJob` (see :mod:`.job`) says what to make, a :class:`PdfMaker` makes it.

A maker is a pool of worker processes (:mod:`tip_drafter.workers`) or, with no workers, this
process. WeasyPrint is imported only where a PDF is made (a worker, or :func:`make`): this
module imports nothing heavy, so ``validate`` and text rendering never load WeasyPrint, and
the CLI can start the workers early enough for their WeasyPrint import to overlap the checks.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import PdfFailed, UsageError
from ..startup import importing
from .job import PdfJob, PdfMade

if TYPE_CHECKING:  # imported where a pool starts: validate and text rendering do without it
    from ..workers import Pool

WARM = ("tip_drafter.pdf.weasy",)  # what the workers import once, before the first PDF


def make(job: PdfJob) -> PdfMade:
    """Make the PDF in this process (WeasyPrint is imported here, on first use).

    A library call: it changes nothing process-wide (no ``gc.freeze``, no environment)."""
    from . import weasy

    return weasy.write_pdf(job)


@dataclass(frozen=True)
class _Making:
    """A PDF job as a worker runs it (see :class:`tip_drafter.workers.Job`)."""

    job: PdfJob

    def run(self) -> PdfMade:
        return make(self.job)


class Ticket:
    """A PDF asked of a :class:`PdfMaker`; :meth:`result` waits for it (or makes it)."""

    def __init__(self, maker: PdfMaker, job: PdfJob, number: int | None) -> None:
        self.maker = maker
        self.job = job
        self.number = number  # in the maker's pool; None: made here when asked for

    def result(self) -> PdfMade:
        """The PDF and its refused URLs; raises :class:`PdfFailed` if it could not be made."""
        return self.maker.collect(self)


class PdfMaker:
    """Makes PDFs in ``processes`` worker processes, or in this process if ``processes`` is 0
    (or the system cannot fork).

    Use it as a context manager: the workers' server starts (and imports WeasyPrint) on entry;
    on exit, however it is left (Ctrl-C included), every process it started is gone within
    about a second (:data:`tip_drafter.workers.pool.STOP_LIMIT`). Unlike black, which lets running
    work finish on Ctrl-C, a PDF being made is dropped: the stop must stay short, and nothing
    of it was written yet. A worker that dies fails the PDF it was making; the others are made.
    """

    def __init__(self, processes: int = 0, one_shot: bool = False) -> None:
        if processes < 0:
            raise UsageError(f"a negative number of PDF workers ({processes})")
        self.processes = processes
        self.one_shot = one_shot  # this process is a command: WeasyPrint's import may be frozen
        self._pool: Pool | None = None
        self._running: AbstractContextManager[Pool | None] | None = None

    def __enter__(self) -> PdfMaker:
        if self.processes:
            from ..workers import running

            self._running = running(self.processes, WARM)
            self._pool = self._running.__enter__()  # a Ctrl-C meanwhile: the pool is stopped there
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._running is not None:
            ending, self._running, self._pool = self._running, None, None
            ending.__exit__(None, None, None)

    def submit(self, job: PdfJob) -> Ticket:
        """Ask for a PDF: sent to a worker as soon as one is free, or made here when its
        result is asked for."""
        return Ticket(self, job, self._pool.submit(_Making(job)) if self._pool is not None else None)

    def collect(self, ticket: Ticket) -> PdfMade:
        """What :meth:`Ticket.result` returns."""
        if ticket.number is None or self._pool is None:
            if self.one_shot:  # as a worker does: what lives now is never walked by the collector again
                with importing():  # (WeasyPrint's import the first time; its caches after)
                    from . import weasy  # noqa: F401
            return make(ticket.job)
        from ..workers import JobFailed

        try:  # a PDF no worker could make (no process, no room for its files): made here
            made: PdfMade = self._pool.result(ticket.number, here=_Making(ticket.job))
        except JobFailed as exc:
            raise PdfFailed(f"PDF not made: {exc}") from None
        return made
