"""This process's side of its workers: the server it forks, the pool that sends jobs and
takes their outcomes, and its start and bounded stop."""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import shutil
import signal
import socket
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import interrupts
from .processes import DIED, NO_ROOM, NO_WORKER, Job, JobFailed, NoWorker, be_server

DEPTH = 2  # jobs a worker holds: the one it makes and the next, so it never waits for us
STOP_LIMIT = 1.0  # seconds the server has to stop its workers before it and they are killed
SIGNAL_CHECK = 0.05  # seconds between two looks for a Ctrl-C while waiting for the workers


class ForkServer:
    """The fork server, a child of this process in a process group of its own (so that the
    last resort, killing the group, reaches its workers too)."""

    def __init__(self, folder: Path, close: Sequence[socket.socket], warm: Sequence[str]) -> None:
        ours, theirs = socket.socketpair()
        pid = os.fork()  # the caller holds back the ending signals (see Pool._start)
        if pid == 0:
            os.setpgid(0, 0)
            be_server(theirs, folder, warm, close=[ours, *close])
        theirs.close()
        with contextlib.suppress(OSError):  # it may have done so already, or died
            os.setpgid(pid, pid)
        self.pid = pid
        self.control = ours
        self._reaped = False

    def worker(self) -> socket.socket | None:
        """A new worker's channel (it is forked when the server is ready); None if the
        server is gone."""
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self.control, [b"w"], [theirs.fileno()])
        except OSError:
            ours.close()
            return None
        finally:
            theirs.close()
        ours.setblocking(False)
        return ours

    def _gone(self, wait: bool = False) -> bool:
        if not self._reaped:
            try:
                self._reaped = os.waitpid(self.pid, 0 if wait else os.WNOHANG)[0] != 0
            except ChildProcessError:
                self._reaped = True
        return self._reaped

    def stop(self) -> None:
        """Stop the server and its workers, within :data:`STOP_LIMIT` seconds; safe to call
        again if interrupted."""
        self.control.close()
        if not self._gone():
            os.kill(self.pid, signal.SIGTERM)  # importing: dies at once; serving: kills its workers
        deadline = time.monotonic() + STOP_LIMIT
        while not self._gone() and time.monotonic() < deadline:
            time.sleep(0.002)
        # Whatever is left of its group: all of it if it did not stop in time, else what an
        # import it was in may have started (a library looked up with ``ldconfig``). The group
        # keeps its number while it has a member, so this reaches no one else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self._gone(wait=True)


class Pool:
    """Up to ``size`` workers running jobs; :meth:`submit` numbers a job, :meth:`result`
    waits for its outcome. Each worker holds up to :data:`DEPTH` jobs, so that it goes on
    while this process is busy with the next. A worker that dies fails the job it was
    running (the oldest it held); the others it held go to the other workers or a new one.
    ``warm``: the modules the workers need, imported once, by the server."""

    def __init__(self, size: int, warm: Sequence[str] = ()) -> None:
        self.size = size
        self.warm = tuple(warm)
        self.folder = Path(tempfile.mkdtemp(prefix="tipdraft-jobs-"))
        self.server: ForkServer | None = None
        try:
            self._start(())
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.held: dict[socket.socket, deque[int]] = {}  # each worker's jobs, oldest first
        self.queue: deque[int] = deque()
        self.done: dict[int, object] = {}
        self.count = 0
        self.restarts = 0

    def _start(self, close: Sequence[socket.socket]) -> None:
        """A new server, forked and recorded with the ending signals held back: a Ctrl-C can
        come only once it is ours to stop."""
        with interrupts.endings_held():
            self.server = ForkServer(self.folder, close, self.warm)

    def submit(self, job: Job[Any]) -> int:
        """Queue ``job``; it is sent to a worker as soon as one has room."""
        self.count += 1
        try:
            (self.folder / f"{self.count}.job").write_bytes(pickle.dumps(job))
        except OSError as exc:  # a full disk: the job is the caller's to do (NoWorker)
            (self.folder / f"{self.count}.job").unlink(missing_ok=True)
            self.done[self.count] = NoWorker(f"no room on the disk for the job: {exc.strerror or exc}")
            return self.count
        self.queue.append(self.count)
        self._wait(0)  # the answers already in: room for this job
        self._dispatch()
        return self.count

    def result(self, number: int, here: Job[Any] | None = None) -> Any:
        """The outcome of job ``number``: what its ``run()`` returned, or its exception raised
        (:class:`JobFailed` if it did not finish). A job no worker could run (no process, no
        room on the disk for its files) is run ``here``, in this process, as without workers
        (:class:`NoWorker` without it)."""
        try:
            return self._result(number)
        except NoWorker:
            if here is None:
                raise
            return here.run()

    def _result(self, number: int) -> Any:
        while number not in self.done:
            self._dispatch()
            if not any(self.held.values()):  # no worker could be started for it
                self.done[number] = NoWorker("no worker process could be started")
                break
            self._wait(None)
        outcome = self.done.pop(number)
        for suffix in ("job", "out"):
            (self.folder / f"{number}.{suffix}").unlink(missing_ok=True)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _room(self) -> socket.socket | None:
        """The worker to send the next job to: a new one while there are fewer than ``size``
        and all are busy, else the least busy with room."""
        channel = min(self.held, key=lambda c: len(self.held[c]), default=None)
        if (channel is None or self.held[channel]) and len(self.held) < self.size:
            new = self._new_worker()
            if new is not None:
                self.held[new] = deque()
                return new
        return channel if channel is not None and len(self.held[channel]) < DEPTH else None

    def _dispatch(self) -> None:
        while self.queue and (channel := self._room()) is not None:
            number = self.queue.popleft()
            try:
                channel.send(number.to_bytes(8, "big"))  # eight bytes: whole, or not at all
            except OSError:  # its end is closed: this job was never its; what it said before
                self.queue.appendleft(number)  # it went (answers, or no worker) still counts
                self._take(channel, ended=True)
                continue
            self.held[channel].append(number)

    def _new_worker(self) -> socket.socket | None:
        assert self.server is not None
        channel = self.server.worker()
        if channel is None and self.restarts < 3:  # the server died (killed): start another
            self.restarts += 1
            self.server.stop()
            self._start(list(self.held))
            assert self.server is not None
            channel = self.server.worker()
        return channel

    def _wait(self, timeout: float | None) -> None:
        """Take the answers of the workers, waiting up to ``timeout`` seconds (None: until
        one answers or dies, its end of file; a worker does one or the other).

        The wait is made of slices of :data:`SIGNAL_CHECK` seconds: a Ctrl-C that comes just
        before the system call starts (after Python last looked for signals) does not
        interrupt it, and is raised only when the call returns; and one whose exception was
        swallowed before the wait began is only on record (:mod:`tip_drafter.interrupts`).
        A wait in one piece kept a Ctrl-C waiting for the workers' PDFs, seconds under load."""
        with selectors.DefaultSelector() as selector:
            for channel, jobs in self.held.items():
                if jobs:
                    selector.register(channel, selectors.EVENT_READ, channel)
            ready = _ready(selector, timeout) if selector.get_map() else []
        for channel in ready:
            self._take(channel)

    def _take(self, channel: socket.socket, ended: bool = False) -> None:
        """A worker's answers, oldest job first; its end of file (or what no worker of ours
        says) means it died. ``ended``: its end is known to be closed (a job could not be sent
        to it), so once what it said is taken, it is gone."""
        try:
            received = channel.recv(8 * DEPTH)
        except OSError:
            received = b""
        if received[:8] == NO_WORKER.to_bytes(8, "big"):  # the server could not fork it
            self._no_worker(channel)
            return
        answers, jobs = received, self.held[channel]
        while answers and jobs and int.from_bytes(answers[:8], "big") in (jobs[0], jobs[0] | NO_ROOM):
            number = jobs.popleft()
            room = int.from_bytes(answers[:8], "big") == number
            self.done[number] = _load(self.folder / f"{number}.out") if room else NoWorker("no room on the disk for its outcome")
            answers = answers[8:]
        if ended or not received or answers:
            self._died(channel)

    def _no_worker(self, channel: socket.socket) -> None:
        """No worker behind ``channel`` (a process limit): its jobs go to the workers there
        are, and no more are asked for (with none, :meth:`result` says so)."""
        jobs = self.held.pop(channel)
        channel.close()
        self.queue.extendleft(reversed(jobs))
        self.size = len(self.held)

    def _died(self, channel: socket.socket) -> None:
        """A worker is gone: the job it was making fails, the others it held are sent again."""
        jobs = self.held.pop(channel)
        channel.close()
        if jobs:
            self.done[jobs.popleft()] = JobFailed(DIED)
            self.queue.extendleft(reversed(jobs))

    def close(self) -> None:
        """Stop every worker and the server (bounded), and remove the folder."""
        for channel in self.held:
            channel.close()
        if self.server is not None:
            self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _ready(selector: selectors.BaseSelector, timeout: float | None) -> list[socket.socket]:
    """The channels ready within ``timeout`` seconds (None: until one is), looked at in
    slices of :data:`SIGNAL_CHECK` seconds (see :meth:`Pool._wait`)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = SIGNAL_CHECK if deadline is None else min(SIGNAL_CHECK, deadline - time.monotonic())
        ready: list[socket.socket] = [key.data for key, _ in selector.select(max(0.0, left))]
        interrupts.check()  # a Ctrl-C whose exception something swallowed before this wait
        if ready or (deadline is not None and time.monotonic() >= deadline):
            return ready


def _load(path: Path) -> object:
    try:
        return pickle.loads(path.read_bytes())  # written by our worker, in our own folder
    except (OSError, pickle.UnpicklingError, EOFError):
        return JobFailed(DIED)


def _start(size: int, warm: Sequence[str]) -> Pool | None:
    """A pool of ``size`` workers; None where the system cannot give one (no fork, no room on
    the disk for the pool's folder, no more processes): the work is then done in this process,
    and what cannot be written there says which and why. Called with the ending signals held
    back (see :func:`running`)."""
    if not hasattr(os, "fork"):
        return None
    try:
        return Pool(size, warm)
    except OSError:
        return None


def stop(pool: Pool) -> None:
    """Stop the pool (within about :data:`STOP_LIMIT` seconds); a second Ctrl-C (or SIGTERM)
    meanwhile does not cut the stop short, it is raised once the processes are gone."""
    interrupted: BaseException | None = None
    while True:
        try:
            pool.close()
            break
        except (KeyboardInterrupt, SystemExit) as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted


@contextlib.contextmanager
def running(size: int, warm: Sequence[str] = ()) -> Iterator[Pool | None]:
    """A pool of ``size`` workers for the block (None for a ``size`` of 0, or where the system
    cannot give one), stopped however the block is left.

    The pool is started with the ending signals held back and is ours (recorded here) before
    they are let through: a Ctrl-C that came meanwhile is raised as they are, and the pool is
    stopped, its folder removed (a pool made and only then recorded was left behind)."""
    pool: Pool | None = None
    try:
        with interrupts.endings_held():
            pool = _start(size, warm) if size > 0 else None
        yield pool
    finally:
        if pool is not None:
            stop(pool)
