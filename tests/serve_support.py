"""Running ``fakedruid serve`` as a subprocess in tests: start it, talk HTTP to it, stop it."""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "wikipedia_hour.json"
LISTENING = re.compile(r"fakedruid listening on (http://127\.0\.0\.1:(\d+))\n\Z")
#: Upper bound for the server to start, answer or stop; the tests wait on events, this only stops a hung run.
TIMEOUT = 60


class Served:
    """A running ``fakedruid serve`` subprocess."""

    def __init__(self, proc: subprocess.Popen[str], line: str, stderr: IO[str]) -> None:
        self.proc = proc
        self.line = line
        self._stderr = stderr
        match = LISTENING.match(line)
        assert match, f"unexpected first line {line!r}; stderr: {self.stderr()}"
        self.url = match.group(1)
        self.port = int(match.group(2))

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """Send a request (``body`` as JSON); returns the status and the body text."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def request_json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """As :meth:`request` with ``Content-Type: application/json``; a JSON answer is decoded."""
        headers = {} if body is None else {"Content-Type": "application/json"}
        status, text = self.request(method, path, body, headers)
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def stop(self, signum: int) -> int:
        """Send ``signum`` and wait for the exit code."""
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=TIMEOUT)


def command(*args: str) -> list[str]:
    """``python -m fakedruid ARGS``."""
    return [sys.executable, "-m", "fakedruid", *args]


@contextmanager
def serve(*args: str) -> Iterator[Served]:
    """Start ``fakedruid serve --port 0 ARGS`` and wait for its listening line; always kill it afterwards."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        proc = subprocess.Popen(
            command("serve", "--port", "0", *args),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
            assert ready, "fakedruid serve printed nothing"
            yield Served(proc, proc.stdout.readline(), stderr)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=TIMEOUT)
            if proc.stdout is not None:
                proc.stdout.close()
