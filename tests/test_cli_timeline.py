"""``fakedruid timeline URL DS`` against a running server, and the dev server's landing page."""

from __future__ import annotations

import socket
import subprocess

import pytest

from fakedruid import FakeCoordinator
from fakedruid.cli import main
from tests.serve_support import EXAMPLE, ROOT, TIMEOUT, command, serve

DS = "wikipedia_hour"


def test_timeline_prints_what_the_server_holds(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeCoordinator(now="2024-01-01T00:00:00Z", seed=EXAMPLE) as fake:
        fake.cluster.mark_all_unused(DS)
        assert main(["timeline", fake.url, DS, "--width", "80"]) == 0
        expected = fake.timeline(DS, width=80)
    out = capsys.readouterr().out
    assert out == expected + "\n"
    assert "0 visible (0 served), 0 overshadowed, 26 unused" in out


def test_timeline_of_unknown_datasource_exits_1_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeCoordinator(seed=EXAMPLE) as fake:
        assert main(["timeline", fake.url + "/", "nope"]) == 1
    err = capsys.readouterr().err
    assert "answered 404: No datasource [nope] (known: wikipedia_hour)" in err


def test_timeline_of_unreachable_server_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port once the socket is closed.
    assert main(["timeline", f"http://127.0.0.1:{port}", DS]) == 1
    assert "fakedruid: error: cannot read http://127.0.0.1:" in capsys.readouterr().err


def test_timeline_as_a_command_against_the_dev_server() -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        done = subprocess.run(
            command("timeline", served.url, DS), check=False, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
        )
        # The dev server answers "/" with the landing page (a fixture's app answers 404 there).
        status, page = served.request("GET", "/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"{DS}: 26 segments, 12.5 MiB: 23 visible (23 served), 1 overshadowed, 2 unused"
    )
    assert status == 200 and 'class="timeline"' in page and f'data-datasource="{DS}"' in page
