"""A minimal client of yaml-language-server (what VS Code's YAML extension runs), over stdio."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def server_command() -> list[str] | None:
    """How to start the server: ``YAML_LANGUAGE_SERVER``, a local npm install, or the PATH."""
    named = os.environ.get("YAML_LANGUAGE_SERVER")
    candidates = [named] if named else []
    candidates += [str(ROOT / "node_modules" / ".bin" / "yaml-language-server"), shutil.which("yaml-language-server") or ""]
    found = next((c for c in candidates if c and Path(c).is_file()), None)
    return [found, "--stdio"] if found else None


class YamlLanguageServer:
    """Start the server, open documents, collect the diagnostics it publishes."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
        self.notify("initialized", {})
        settings = {"yaml": {"validate": True, "schemaStore": {"enable": False}, "format": {"enable": False}}}
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (header := stream.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            if not header:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification."""
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        """Send a request and wait for its answer (answering the server's own requests meanwhile)."""
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")
            self._answer(message)

    def _answer(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" in message:  # the server asks (configuration, ...): answer plainly
            result: Any = (
                [{}] * len(message["params"].get("items", [])) if message["method"] == "workspace/configuration" else None
            )
            self._send({"id": message["id"], "result": result})

    def diagnostics(self, path: Path, timeout: float = 60) -> list[dict[str, Any]]:
        """Open ``path`` and return the diagnostics the server publishes for it."""
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return list(message["params"]["diagnostics"])
            self._answer(message)
        raise TimeoutError(f"yaml-language-server published no diagnostics for {path}")

    def close(self) -> None:
        """Stop the server."""
        self.process.kill()
        self.process.wait()
