"""Helpers for tests that start a command and signal it: wait on its output or its processes
(never on a sleep), always with a time limit, and find every process it left behind."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent, session) of a process, from /proc; None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[3])


def _all() -> dict[int, tuple[str, int, int]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def in_session(session: int) -> list[str]:
    """Every process of a session, by pid, state, parent and command line: the command's,
    when it was started with ``start_new_session=True``, whatever process groups it made
    inside. A zombie that init adopted has ended (reaping it is init's work, done whenever
    it likes); one whose parent is still in the session is listed."""
    table = _all()
    return [
        f"{pid} {state} (of {ppid}) {_command_line(pid)}"
        for pid, (state, ppid, sid) in table.items()
        if sid == session and (state != "Z" or table.get(ppid, ("", 0, 0))[2] == session)
    ]


def every_process_of(session: int, seconds: float = 2.0) -> list[str]:
    """Every process of a session, zombies adopted by init too (a worker its server left
    unreaped), still there ``seconds`` after the command ended (init reaps in its own time)."""
    deadline = time.monotonic() + seconds
    while True:
        left = [f"{pid} {state} (of {ppid})" for pid, (state, ppid, sid) in _all().items() if sid == session]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def children(pid: int) -> list[int]:
    """The living children of ``pid``."""
    return [p for p, (state, ppid, _) in _all().items() if ppid == pid and state != "Z"]


def workers(server: int) -> list[int]:
    """The PDF workers of a PDF worker server: its children that are forks of it (what its
    import runs, such as ``ldconfig``, is not)."""
    found = [pid for pid in children(server) if _command_line(pid) == _command_line(server)]
    if not found:
        return []
    time.sleep(0.05)  # a fork about to run another program (``ldconfig``) has its line for a moment only
    return [pid for pid in children(server) if pid in found and _command_line(pid) == _command_line(server)]


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (children, their children...)."""
    table = _all()
    found: list[int] = []
    parents = {pid}
    while True:
        new = [p for p, (state, ppid, _) in table.items() if ppid in parents and p not in found and state != "Z"]
        if not new:
            return found
        found += new
        parents = set(new)


def handles_sigterm(pid: int) -> bool:
    """Whether ``pid`` catches SIGTERM: tipdraft's entry point has started (its first act),
    the interpreter's own start-up is over."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def wait_until(condition: Callable[[], object], limit: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail the test after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {limit} s: {what}")
        time.sleep(0.005)


class Command:
    """A command in a session of its own (a terminal's Ctrl-C reaches every process of its
    foreground group; :meth:`interrupt` does the same), its output read as it comes."""

    def __init__(self, args: Sequence[str], **kwargs: object) -> None:
        self.process = subprocess.Popen(
            list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            **kwargs,  # type: ignore[call-overload]
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out, True), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err, False), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, into: list[str], announce: bool) -> None:
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            line = raw.decode(errors="replace")
            into.append(line)
            if announce:
                self.lines.put(line)

    def wait_for_line(self, contains: str, limit: float) -> None:
        """Wait until the command prints a line (on standard output) that holds ``contains``."""
        deadline = time.monotonic() + limit
        while True:
            try:
                if contains in self.lines.get(timeout=max(0.0, deadline - time.monotonic())):
                    return
            except queue.Empty:
                raise AssertionError(f"no line with {contains!r} within {limit} s: {''.join(self.err)}") from None

    def interrupt(self) -> None:
        """Ctrl-C, as a terminal sends it: to the command's process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)

    def finish(self, limit: float) -> tuple[int, str, str]:
        """Its exit status and output; if it is still running after ``limit`` seconds, every
        process of its session is killed and the test fails (a hang fails, it does not hang)."""
        try:
            status = self.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            where = _where(self.process.pid)
            for pid in [int(p.split()[0]) for p in in_session(self.process.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            raise AssertionError(f"still running {limit} s on: {''.join(self.err)}{where}") from None
        for reader in self._readers:
            reader.join(timeout=5)
        return status, "".join(self.out), "".join(self.err)


def _where(session: int) -> str:
    """What a command that did not stop was doing: its processes and, where py-spy is
    installed, every thread's Python stack (a hang's report says where it hung)."""
    processes = in_session(session)
    report = ["", *processes]
    for pid in [int(p.split()[0]) for p in processes]:  # its signals: pending, blocked, ignored, caught
        with contextlib.suppress(OSError):
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            report.append(
                f"{pid}: "
                + " ".join(
                    line.replace("\t", "")
                    for line in lines
                    if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"))
                )
            )
        for task in sorted(Path(f"/proc/{pid}/task").glob("*")) if Path(f"/proc/{pid}/task").exists() else []:
            with contextlib.suppress(OSError):
                lines = (task / "status").read_text().splitlines()
                report.append(
                    f"  thread {task.name}: "
                    + " ".join(line.replace("\t", "") for line in lines if line.startswith(("SigPnd", "SigBlk")))
                )
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if Path(spy).exists():
        for pid in [int(p.split()[0]) for p in processes]:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                run = subprocess.run([spy, "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=20)
                report.append(run.stdout + run.stderr)
    return "\n".join(report)


@contextlib.contextmanager
def serving(args: Sequence[str], cwd: Path) -> Iterator[str]:
    """A tipdraft page server (``preview``, ``edit``) run as a user runs it: its address, then
    a Ctrl-C that must end it with 130 and no traceback within 15 s; killed whatever happens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tip_drafter", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield first_line(process)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
        assert process.returncode == 130 and "Traceback" not in err, err
    finally:
        process.kill()
        process.wait(timeout=10)


def first_line(process: subprocess.Popen[str], seconds: float = 60) -> str:
    """The first line a process prints on stdout (the address a server prints), within
    ``seconds``: a process that prints none is killed and the test fails, never hangs."""
    assert process.stdout is not None
    stream = process.stdout
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout=seconds)
    if not got:
        process.kill()
        process.wait(timeout=10)
        pytest.fail(f"the command printed no line within {seconds:.0f} s")
    return got[0].strip()
