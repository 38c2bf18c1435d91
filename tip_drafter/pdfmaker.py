"""The PDF stage: a :class:`PdfJob` says what to make, a :class:`PdfMaker` makes it.

A maker is a pool of worker processes or, with no workers, this process. WeasyPrint is
imported only where a PDF is made (a worker, or :func:`make`): this module imports nothing
heavy, so ``validate`` and text rendering never load WeasyPrint, and the CLI can start the
workers early enough for their WeasyPrint import to overlap the checks.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from . import importing
from .errors import PdfFailed, UsageError

if TYPE_CHECKING:  # imported where a pool starts: validate and text rendering do without them
    from concurrent.futures import Future, ProcessPoolExecutor

PdfMade = tuple[bytes, list[str]]  # the PDF, and the URLs it was refused


@dataclass(frozen=True)
class PdfJob:
    """What a PDF is made from; small and picklable, so a worker process can make it."""

    html: str
    assets: tuple[Path, ...]  # absolute folders whose files the PDF may read (stylesheets, fonts)
    strict: bool  # a refused fetch stops the PDF
    epoch: int  # the date stamped into the PDF and its fonts
    tagged: bool = True  # PDF/UA-1: tagged, for screen readers


def make(job: PdfJob) -> PdfMade:
    """Make the PDF in this process (WeasyPrint is imported here, on first use)."""
    with importing():
        from . import pdf

    return pdf.write_pdf(job)


def _start_worker() -> None:
    """A worker's start: leave Ctrl-C to the main process, import WeasyPrint once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with importing():
        from . import pdf  # noqa: F401


def _ready() -> None:
    """Nothing: submitted on entry so that the pool starts its workers at once."""


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold back Ctrl-C while a worker process is being started: this process gets it just
    after (a worker half-started when this process ends prints a traceback), and processes
    started in here begin with it blocked, until their initializer ignores it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class Ticket:
    """A PDF asked of a :class:`PdfMaker`; :meth:`result` waits for it (or makes it)."""

    def __init__(self, maker: PdfMaker, job: PdfJob) -> None:
        self.maker = maker
        self.job = job
        self.future: Future[PdfMade] | None = None
        self.pool: ProcessPoolExecutor | None = None

    def result(self) -> PdfMade:
        """The PDF and its refused URLs; raises :class:`PdfFailed` if it could not be made."""
        return self.maker.collect(self)


class PdfMaker:
    """Makes PDFs in ``processes`` worker processes, or in this process if ``processes`` is 0.

    Use it as a context manager: the workers start (and import WeasyPrint) on entry and are
    stopped on exit. A worker that dies fails the PDF being collected; the pool is started
    again and the other PDFs still to make are asked of it.
    """

    def __init__(self, processes: int = 0) -> None:
        if processes < 0:
            raise UsageError(f"a negative number of PDF workers ({processes})")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[Ticket] = []

    def __enter__(self) -> PdfMaker:
        if self.processes:
            self._pool = self._start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is None:
            return
        stop = isinstance(exc, KeyboardInterrupt)
        if stop:
            # Stop the PDFs being made now rather than wait for them: the user asked to stop.
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        # Joined even then (it is quick once the workers are gone): left running, the pool's
        # thread races the interpreter's exit and prints a traceback.
        self._pool.shutdown(wait=exc is None or stop, cancel_futures=exc is not None)
        self._pool = None

    def submit(self, job: PdfJob) -> Ticket:
        """Ask for a PDF: sent to a worker now, or made here when its result is asked for."""
        ticket = Ticket(self, job)
        if self._pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                self._send(ticket, self._pool)
            except BrokenProcessPool:  # a worker died before this PDF was asked for
                self._after_break()
                self._send(ticket, self._pool)
            self._pending.append(ticket)
        return ticket

    def _after_break(self) -> None:
        """The pool broke while PDFs were still being sent: the oldest one it held is the one
        that fails (its worker died making it); the others go to a new pool."""
        held = [t for t in self._pending if t.pool is self._pool and not _made(t)]
        if held:
            self._restart(held[0])
        else:  # it died idle: nothing lost
            assert self._pool is not None
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()

    def collect(self, ticket: Ticket) -> PdfMade:
        """What :meth:`Ticket.result` returns."""
        if ticket.future is None:
            return make(ticket.job)
        from concurrent.futures.process import BrokenProcessPool

        try:
            return ticket.future.result()
        except BrokenProcessPool:
            self._restart(ticket)
            raise PdfFailed("PDF not made: the worker process making it died") from None
        finally:
            if ticket in self._pending:
                self._pending.remove(ticket)

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing.forkserver
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        if self.processes > 1 and "forkserver" in methods:
            # The fork server imports WeasyPrint once; every worker is forked from it with
            # WeasyPrint already loaded, instead of importing it again (~0.45 s of CPU each).
            # It starts now and imports while this process goes on; the first PDF asked for
            # starts the first worker.
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["tip_drafter.pdf"])
            # The server keeps an ignored Ctrl-C (across its exec too), and so do the workers
            # forked from it; only this quick start-up is unguarded for this process.
            main = _main_thread()  # only the main thread may set a signal's handler
            saved = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
            try:
                multiprocessing.forkserver.ensure_running()
            finally:
                if main:
                    signal.signal(signal.SIGINT, saved or signal.default_int_handler)
            return ProcessPoolExecutor(self.processes, mp_context=forkserver, initializer=_start_worker)
        # One worker: fork it at once; its import overlaps the checks in this process.
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_start_worker)
        with _ctrl_c_deferred():
            pool.submit(_ready)  # starts the worker now
        return pool

    def _send(self, ticket: Ticket, pool: ProcessPoolExecutor) -> None:
        with _ctrl_c_deferred():  # a fork server's pool starts a worker on demand
            ticket.future = pool.submit(make, ticket.job)
        ticket.pool = pool

    def _restart(self, failed: Ticket) -> None:
        """After a worker died: a new pool, and every PDF not yet made asked of it again."""
        if failed.pool is not self._pool or self._pool is None:
            return  # already restarted by an earlier ticket of the broken pool
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        for ticket in self._pending:
            if ticket is not failed and not _made(ticket):
                self._send(ticket, self._pool)


def _made(ticket: Ticket) -> bool:
    future = ticket.future
    return future is not None and future.done() and not future.cancelled() and future.exception() is None
