"""``fakedruid serve`` with basic security, the request log line, the bind warning and the body limit."""

from __future__ import annotations

import base64
import re
import signal

import pytest

from fakedruid import cli
from tests.serve_support import serve


def _auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_serve_with_basic_security() -> None:
    with serve("--basic-security", "--admin-password", "s3cret-pw", "--authorizer-name", "az") as served:
        status, _ = served.request("GET", "/status")
        assert status == 401
        status, _ = served.request("GET", "/status", headers=_auth("admin", "s3cret-pw"))
        assert status == 200
        status, body = served.request(
            "GET", "/druid-ext/basic-security/authorization/db/az/users", headers=_auth("admin", "s3cret-pw")
        )
        # Jackson's compact bytes, as Druid writes them (the fake wrote ", " before issue 11).
        assert (status, body) == (200, '["admin","druid_system"]')
        assert served.request("GET", "/status/health")[0] == 200
        served.stop(signal.SIGTERM)
        log = served.stderr()
    assert re.search(r"^fakedruid: GET /status 401 \d+\.\d ms$", log, re.M)
    assert re.search(r"^fakedruid: GET /status 200 \d+\.\d ms$", log, re.M)
    assert "s3cret-pw" not in log
    assert "warning" not in log


def test_security_options_need_basic_security() -> None:
    assert cli.main(["serve", "--admin-password", "x"]) == cli.EXIT_USAGE


def test_max_body_size_option() -> None:
    with serve("--max-body-size", "10") as served:
        status, text = served.request("POST", "/fakedruid/v1/clock", {"now": "2020-01-01T00:00:00Z"})
        assert status == 413 and "the limit is 10 bytes" in text


@pytest.mark.parametrize(
    ("host", "secured", "warns"),
    [
        ("127.0.0.1", False, False),
        ("::1", False, False),
        ("localhost", False, False),
        ("0.0.0.0", False, True),
        ("192.168.1.5", False, True),
        ("0.0.0.0", True, False),
    ],
)
def test_bind_warning(host: str, secured: bool, warns: bool) -> None:
    warning = cli.bind_warning(host, secured=secured)
    assert (warning is not None) is warns
    if warning:
        assert host in warning and "--basic-security" in warning


def test_default_bind_is_loopback() -> None:
    assert cli.build_parser().parse_args(["serve"]).host == "127.0.0.1"
