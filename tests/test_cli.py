"""The ``fakedruid`` command: ``fakedruid serve`` as a subprocess, and ``main(argv)`` in process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fakedruid.cli import main
from tests.serve_support import EXAMPLE, ROOT, TIMEOUT, command, serve
from tests.support import DOC_HEADERS, WIKI, wiki_id

_COORDINATOR = "/druid/coordinator/v1"


# ------------------------------------------------------------------ fakedruid serve (subprocess)


def test_serve_seed_lists_seeded_datasource() -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        assert served.port != 0

        status, body = served.request("GET", f"{_COORDINATOR}/datasources")

        assert (status, json.loads(body)) == (200, [WIKI])


def test_serve_mark_unused_with_doc_headers_changes_segment() -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        status, body = served.request(
            "POST",
            f"{_COORDINATOR}/datasources/{WIKI}/markUnused",
            {"segmentIds": [wiki_id(16)]},
            DOC_HEADERS,
        )

        assert (status, json.loads(body)) == (200, {"numChangedSegments": 1})
        _, state = served.request("GET", "/fakedruid/v1/state")
        used = {s["identifier"]: s["used"] for s in json.loads(state)["segments"]}
        assert used[wiki_id(16)] is False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stop_signal_exits_0(signum: int) -> None:
    with serve() as served:
        assert served.request("GET", "/fakedruid/v1/clock")[0] == 200

        code = served.stop(signum)

        assert code == 0, served.stderr()
        assert served.proc.stdout is not None
        assert served.proc.stdout.read() == ""  # exactly one line on stdout
        assert f"{signal.Signals(signum).name} received" in served.stderr()


def test_serve_stop_signal_refuses_connections_afterwards() -> None:
    with serve() as served:
        served.stop(signal.SIGTERM)

        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"{served.url}/fakedruid/v1/clock", timeout=TIMEOUT)


def test_serve_no_accept_quirk_answers_map_endpoint_without_accept() -> None:
    # Profile "29" answers 500 for POST /datasources/{ds} without a JSON Accept header (http-api 1.5);
    # --no-accept-quirk turns that off. The seed has exactly one unused segment eligible for markUsed.
    with serve("--seed", str(EXAMPLE), "--no-accept-quirk") as served:
        status, body = served.request("POST", f"{_COORDINATOR}/datasources/{WIKI}", headers={"Accept": "*/*"})

        assert (status, json.loads(body)) == (200, {"numChangedSegments": 1})


def test_serve_accept_quirk_default_answers_500_without_json_accept() -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        status, _ = served.request("POST", f"{_COORDINATOR}/datasources/{WIKI}", headers={"Accept": "*/*"})

        assert status == 500


def test_serve_unknown_druid_version_exits_2_listing_accepted_values() -> None:
    result = subprocess.run(
        command("serve", "--port", "0", "--druid-version", "27"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert "Unknown druid_version [27]" in result.stderr
    assert "'29', '31', '33', 'latest' or a Druid release from 28 to 39" in result.stderr


def test_serve_port_in_use_exits_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = subprocess.run(
            command("serve", "--port", str(port)), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
        )

    assert result.returncode == 1
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


# ------------------------------------------------------------------ main(argv) in process


def test_main_unknown_druid_version_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--druid-version", "bogus"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("fakedruid: error: Unknown druid_version [bogus]")
    assert "'29', '31', '33', 'latest'" in err


def test_main_no_command_returns_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2

    assert "serve" in capsys.readouterr().err


def test_main_help_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0

    out = capsys.readouterr().out
    for option in ("--host", "--port", "--druid-version", "--seed", "--no-accept-quirk", "--duty-period"):
        assert option in out


@pytest.mark.parametrize("port", ["x", "-1", "65536"])
def test_main_bad_port_returns_2(capsys: pytest.CaptureFixture[str], port: str) -> None:
    assert main(["serve", "--port", port]) == 2

    assert f"invalid port [{port}]" in capsys.readouterr().err


def test_main_bad_duty_period_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--duty-period", "every minute"]) == 2

    assert "Invalid --duty-period [every minute]" in capsys.readouterr().err


def test_main_missing_seed_file_returns_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"

    assert main(["serve", "--seed", str(missing)]) == 2

    assert f"Cannot read state file [{missing}]" in capsys.readouterr().err


def test_main_invalid_seed_file_returns_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"segments": [{"dataSource": WIKI}]}), encoding="utf-8")

    assert main(["serve", "--seed", str(seed)]) == 2

    err = capsys.readouterr().err
    assert f"State file [{seed}]" in err
    assert "[interval]" in err
