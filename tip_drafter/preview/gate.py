"""The preview server's door: a connection gets a thread only once its whole request head has
arrived, within a time limit, and only while fewer than a bounded number are being answered."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HEAD_SECONDS = 5.0  # a request's line and headers arrive within this, or the connection is closed
IO_SECONDS = 10.0  # each read or write of an answered request (a PDF to a reader that stopped reading)
MAX_HEAD = 64 * 1024  # the most a request head may hold (http.server's own line limit)
MAX_WAITING = 256  # connections whose head is still coming; a new one beyond closes the oldest
MAX_ANSWERING = 128  # requests answered at once (each open page holds one, its event stream)
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

Answer = Callable[[socket.socket, Any, bytes], None]  # answers one request, given its head


@dataclass
class Waiting:
    """A connection whose request head has not all arrived yet."""

    address: Any
    since: float
    head: bytearray = field(default_factory=bytearray)


class Gate:
    """Holds new connections without a thread (one selector for all) until their request head
    is complete, then hands each to ``answer`` in a thread of its own. A client that sends half
    a request holds a file descriptor for at most ``HEAD_SECONDS``, never a thread; at most
    ``MAX_ANSWERING`` requests are answered at once (more are told 503 at once)."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.slots = threading.BoundedSemaphore(MAX_ANSWERING)
        self._selector = selectors.DefaultSelector()
        self._waiting: dict[socket.socket, Waiting] = {}
        self._new: list[tuple[socket.socket, Any]] = []
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="tipdraft-gate", daemon=True)
        self._thread.start()

    def add(self, connection: socket.socket, address: Any) -> None:
        """A connection just accepted (from the listening thread)."""
        with self._lock:
            self._new.append((connection, address))
        self._wake()

    def close(self) -> None:
        """Close every waiting connection and end the gate's thread."""
        self._closed = True
        self._wake()
        self._thread.join(timeout=2)
        for connection in [*self._waiting, *(c for c, _ in self._new)]:
            _drop(connection)
        self._waiting.clear()
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # the pipe is full: the gate is awake already
            self._wake_w.send(b"x")

    def _run(self) -> None:
        while not self._closed:
            ready = self._selector.select(timeout=self._next_deadline())
            for key, _ in ready:
                if key.fileobj is self._wake_r:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
                else:
                    self._read(key.fileobj)  # type: ignore[arg-type]
            self._admit()
            self._expire()

    def _next_deadline(self) -> float:
        if not self._waiting:
            return 1.0
        oldest = next(iter(self._waiting.values())).since
        return max(0.0, min(1.0, oldest + HEAD_SECONDS - time.monotonic()))

    def _admit(self) -> None:
        with self._lock:
            new, self._new = self._new, []
        for connection, address in new:
            if len(self._waiting) >= MAX_WAITING:
                self._forget(next(iter(self._waiting)))  # the oldest: the likeliest to be stalling
            try:
                connection.setblocking(False)
                self._selector.register(connection, selectors.EVENT_READ)
            except (OSError, ValueError):  # closed by the system meanwhile
                _drop(connection)
                continue
            self._waiting[connection] = Waiting(address, time.monotonic())

    def _expire(self) -> None:
        limit = time.monotonic() - HEAD_SECONDS
        for connection in [c for c, w in self._waiting.items() if w.since < limit]:
            self._forget(connection)

    def _read(self, connection: socket.socket) -> None:
        waiting = self._waiting[connection]
        try:
            data = connection.recv(MAX_HEAD)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        waiting.head += data
        complete = b"\n\r\n" in waiting.head or b"\n\n" in waiting.head
        if not data or len(waiting.head) > MAX_HEAD:
            self._forget(connection)  # gone before its request was whole; or a head too big
        elif complete:
            self._selector.unregister(connection)
            del self._waiting[connection]
            self._hand_over(connection, waiting)

    def _hand_over(self, connection: socket.socket, waiting: Waiting) -> None:
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                connection.send(BUSY)
            _drop(connection)
            return
        connection.settimeout(IO_SECONDS)
        thread = threading.Thread(target=self._answer, args=(connection, waiting), name="tipdraft-request", daemon=True)
        thread.start()

    def _answer(self, connection: socket.socket, waiting: Waiting) -> None:
        try:
            self.answer(connection, waiting.address, bytes(waiting.head))
        finally:
            self.slots.release()

    def _forget(self, connection: socket.socket) -> None:
        self._selector.unregister(connection)
        del self._waiting[connection]
        _drop(connection)


def _drop(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.close()
