"""A headless Debian chromium driven over the DevTools protocol (``websocket-client``), for the browser tests
and ``docs/make_screenshot.py``.

Only the system's chromium is used (``FAKEDRUID_CHROMIUM`` or ``chromium`` / ``chromium-browser`` on PATH),
never a downloaded browser build. It runs with ``--headless --no-sandbox --disable-gpu`` and a fresh profile
directory, which is removed afterwards.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

#: Upper bound for chromium to start or a page to load; the helpers wait on events, this only stops a hang.
TIMEOUT = 30.0


def find_chromium() -> str | None:
    """The chromium executable to use, or None."""
    explicit = os.environ.get("FAKEDRUID_CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One headless chromium with one page, closed by :meth:`close` (or ``with``)."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900) -> None:
        import websocket  # websocket-client, in the "test" extra

        self._profile = tempfile.mkdtemp(prefix="fakedruid-chromium-")
        self._proc = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={self._profile}",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--window-size={width},{height}",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-default-browser-check",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []
        try:
            port = self._wait_for_port()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as answer:
                targets = json.loads(answer.read())
            page = next(t for t in targets if t.get("type") == "page")
            self._ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=TIMEOUT, suppress_origin=True)
            self.send("Page.enable")
            self.send("Runtime.enable")
        except BaseException:
            self.close()
            raise

    def _wait_for_port(self) -> int:
        """Chromium writes the port it picked to ``DevToolsActivePort`` in the profile directory."""
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RuntimeError(f"chromium exited with {self._proc.returncode}: {err[-2000:]}")
            text = marker.read_text() if marker.exists() else ""
            if text.strip():
                return int(text.splitlines()[0])
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop chromium and remove its profile directory."""
        ws = getattr(self, "_ws", None)
        if ws is not None:
            ws.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stderr:
            self._proc.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result; events that arrive meanwhile are kept."""
        call_id = next(self._ids)
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self._events.append(message)

    def wait_event(self, method: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first kept or new event named ``method`` (consumed)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method:
                    return self._events.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} event within {timeout} s")
            self._ws.settimeout(remaining)
            try:
                message = json.loads(self._ws.recv())
            finally:
                self._ws.settimeout(TIMEOUT)
            if "method" in message:
                self._events.append(message)

    # ------------------------------------------------------------------ page

    def navigate(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        self._events = [e for e in self._events if e["method"] != "Page.loadEventFired"]
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = TIMEOUT) -> Any:
        """Poll a JavaScript expression until it is truthy (a bounded wait, not a sleep); returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None  # the page is reloading
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression} stayed falsy for {timeout} s")
            time.sleep(0.1)

    def mouse(self, kind: str, x: float, y: float) -> None:
        """A mouse event at page coordinates (``mousePressed``, ``mouseMoved``, ``mouseReleased``)."""
        self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(
        self, path: str | os.PathLike[str], *, full_page: bool = True, clip: dict[str, float] | None = None
    ) -> Path:
        """Save a PNG of the page: the whole page (default), the window, or ``clip`` (x, y, width, height)."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
            params["captureBeyondViewport"] = True
        elif full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        out = Path(path)
        out.write_bytes(base64.b64decode(data))
        return out
