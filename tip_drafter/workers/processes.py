"""The worker processes' own side: a job (:class:`Job`) and how it fails, the fork server
and the workers it forks, and the ending signals held back across a fork."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import pickle
import signal
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, Protocol, TypeVar

from .. import interrupts
from ..startup import importing

T = TypeVar("T", covariant=True)

DIED = "the worker process making it died"
# What a worker's channel carries besides a job's number (8 bytes, big-endian):
NO_ROOM = 1 << 63  # or'ed into the number: the outcome could not be written (a full disk)
NO_WORKER = (1 << 64) - 1  # from the server: no worker could be forked for this channel
Handler = Callable[[int, FrameType | None], None] | int  # what signal.signal takes


class Job(Protocol[T]):
    """Work for a worker: picklable (its class importable by name), its outcome too."""

    def run(self) -> T:
        """Do the work in the worker; what it returns, or raises, comes back to :meth:`Pool.result`."""


class JobFailed(Exception):
    """A job that did not finish: its worker died, or what it raised could not be sent back
    (its words are)."""


class NoWorker(JobFailed):
    """A job no worker could run (no process to be had, no room on the disk for its files):
    nothing of it was done, and it can be done in this process."""


def child(body: Callable[[], None], close: Sequence[socket.socket], on_term: Handler) -> NoReturn:
    """Run ``body`` in a forked child and leave by ``os._exit``: never back into the parent's
    code, its ``finally`` blocks or its exit handlers, and silently whatever happens."""
    status = 1
    try:
        for sock in close:
            sock.close()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us, not the terminal
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.ENDINGS)
        sys.unraisablehook = _unraisable
        body()
        status = 0
    except BaseException:  # a child of ours prints nothing: the parent tells the user what failed
        pass
    finally:
        os._exit(status)


def _unraisable(info: sys.UnraisableHookArgs) -> None:
    """A child prints nothing; a SIGTERM that landed where Python cannot raise it (a weak
    reference's callback, during the server's import) is not lost: it ends the child at once."""
    if issubclass(info.exc_type, SystemExit):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def _quit(signum: int, frame: FrameType | None) -> None:
    """The server's SIGTERM: leave by the ``finally`` blocks, which reap what it started."""
    raise SystemExit(0)


def serve(control: socket.socket, folder: Path, warm: Sequence[str]) -> None:
    """The fork server: import the modules ``warm`` names (so every worker starts with them
    loaded: WeasyPrint for the PDFs), then fork a worker for each socket sent; on SIGTERM or
    the end of ``control``, kill and reap them.

    SIGTERM ends it by an exception even while it imports: what the import runs (``ldconfig``,
    to find a library) is waited for, not left behind."""
    # What the jobs leave in the temporary folder goes in the pool's own (WeasyPrint's fonts: a
    # killed worker never removes its folder), which this process's parent removes at the end.
    tempfile.tempdir = str(folder)
    with importing():  # a one-shot process: what the import makes is set aside for good
        for module in warm:
            importlib.import_module(module)
    workers: list[int] = []
    try:
        while True:
            data, fds, _flags, _address = socket.recv_fds(control, 1, 1)
            if not data or not fds:
                return
            with socket.socket(fileno=fds[0]) as channel:
                if (pid := _fork_worker(channel, control, folder)) is not None:
                    workers.append(pid)
            workers = [w for w in workers if os.waitpid(w, os.WNOHANG)[0] == 0]
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the parent's SIGTERM must not cut the reaping short
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        for pid in workers:
            os.waitpid(pid, 0)


def _fork_worker(channel: socket.socket, control: socket.socket, folder: Path) -> int | None:
    """A worker on ``channel``, its pid; where no process can be had (a process limit), the
    channel says so (:data:`NO_WORKER`) and the server goes on serving the workers it has."""
    with interrupts.endings_held():  # a SIGTERM now would lose the new worker's pid
        try:
            pid = os.fork()
        except OSError:
            with contextlib.suppress(OSError):
                channel.sendall(NO_WORKER.to_bytes(8, "big"))
            return None
        if pid == 0:
            child(functools.partial(_work, channel, folder), close=[control], on_term=signal.SIG_DFL)
    return pid


def _work(channel: socket.socket, folder: Path) -> None:
    """A worker: run the job of each number received, answer with the same number once its
    outcome (what it returned, or the exception) is in the folder; end at the end of ``channel``."""
    while len(message := channel.recv(8, socket.MSG_WAITALL)) == 8:
        number = int.from_bytes(message, "big")
        job: Job[Any] = pickle.loads((folder / f"{number}.job").read_bytes())  # our own folder (mkdtemp: 0700)
        outcome: object
        try:
            outcome = job.run()
        except Exception as exc:  # raised again in the parent, as a process pool does
            outcome = exc
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an outcome that cannot travel: its words can
            data = pickle.dumps(JobFailed(str(outcome)))
        try:
            (folder / f"{number}.out").write_bytes(data)
        except OSError:  # a full disk: the parent does the job itself
            (folder / f"{number}.out").unlink(missing_ok=True)
            message = (number | NO_ROOM).to_bytes(8, "big")
        channel.sendall(message)


def be_server(control: socket.socket, folder: Path, warm: Sequence[str], close: Sequence[socket.socket]) -> NoReturn:
    """In a child just forked: be the fork server (:func:`serve`); a SIGTERM leaves by its
    ``finally`` blocks, which reap its workers."""
    child(functools.partial(serve, control, folder, warm), close=close, on_term=_quit)
