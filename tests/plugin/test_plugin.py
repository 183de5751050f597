"""The pytest plugin (conftest_plugin.py), run inside pytester projects.

Most runs are in process (fast); the xdist and import checks use subprocesses.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

#: Options for every inner run: no cache files in the temporary project, no benchmark plugin.
INNER = ("-p", "no:cacheprovider", "-p", "no:benchmark")

#: Imports and helpers every inner test module starts with.
PRELUDE = """
import json
import urllib.error
import urllib.request

import pytest


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
"""


def _project(pytester: pytest.Pytester, body: str, name: str = "test_inner") -> None:
    pytester.makepyfile(**{name: PRELUDE + textwrap.dedent(body)})


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*INNER, *args)


# ---------------------------------------------------------------------- the fixture


def test_fixture_serves_real_http_on_loopback(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        from fakedruid import FakeCoordinator

        def test_http(fake_coordinator):
            assert isinstance(fake_coordinator, FakeCoordinator)
            assert fake_coordinator.url.startswith("http://127.0.0.1:")
            status, body = get(fake_coordinator.url + "/status")
            assert status == 200
            assert json.loads(body)["version"] == "29.0.1"

        def test_client(fake_coordinator):
            response = fake_coordinator.client.get("/status/health")
            assert response.status_code == 200
            assert response.json is True
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_fixture_one_server_per_session(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        SEEN = []

        def test_one(fake_coordinator, fake_coordinator_server):
            assert fake_coordinator is fake_coordinator_server
            SEEN.append((id(fake_coordinator), fake_coordinator.url))

        def test_two(fake_coordinator):
            SEEN.append((id(fake_coordinator), fake_coordinator.url))
            assert SEEN[0] == SEEN[1]
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_fixture_reset_isolates_tests(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        def test_dirty(fake_coordinator):
            fake_coordinator.add_segment("wiki", "2015-09-12/2015-09-13", "v1")
            fake_coordinator.submit_kill_task("wiki", "2000/2001")
            fake_coordinator.fail_next("GET", "/status")
            fake_coordinator.set_leader(False)
            fake_coordinator.overlord_mode = "unreachable"
            fake_coordinator.set_now("2020-01-01")
            fake_coordinator.set_tiers({"hot": 1})
            fake_coordinator.accept_quirk = False
            get(fake_coordinator.url + "/druid/coordinator/v1/isLeader")
            assert fake_coordinator.requests

        def test_clean(fake_coordinator):
            assert fake_coordinator.segment_ids("wiki") == set()
            assert fake_coordinator.requests == []
            assert fake_coordinator.faults == []
            assert fake_coordinator.is_leader
            assert fake_coordinator.overlord_mode == "ok"
            assert fake_coordinator.accept_quirk is True
            assert fake_coordinator.cluster.layout.to_json() == {
                "_default_tier": ["fakedruid-historical-1:8083", "fakedruid-historical-2:8083"]
            }
            assert type(fake_coordinator.cluster.clock).__name__ == "SystemClock"
            status, body = get(fake_coordinator.url + "/druid/indexer/v1/tasks")
            assert (status, json.loads(body)) == (200, [])
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_fixture_not_requested_starts_nothing(pytester: pytest.Pytester) -> None:
    _project(pytester, "def test_plain():\n    pass\n")

    result = _run(pytester, "--setup-show")

    result.assert_outcomes(passed=1)
    assert "fake_coordinator" not in result.stdout.str()


# ---------------------------------------------------------------------- the marker


def test_marker_druid_version_switches_profile_for_one_test(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        @pytest.mark.fake_coordinator(druid_version="latest")
        def test_latest(fake_coordinator):
            assert fake_coordinator.profile.name == "latest"
            status, body = get(fake_coordinator.url + "/status")
            assert json.loads(body)["version"] == "37.0.0"

        @pytest.mark.fake_coordinator(druid_version=36)
        def test_release_number(fake_coordinator):
            assert fake_coordinator.profile.name == "latest"

        def test_default_after(fake_coordinator):
            status, body = get(fake_coordinator.url + "/status")
            assert json.loads(body)["version"] == "29.0.1"
        """,
    )

    _run(pytester).assert_outcomes(passed=3)


def test_marker_now_freezes_clock_for_one_test(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        @pytest.mark.fake_coordinator(now="2024-05-01T10:00:00.123Z")
        def test_frozen(fake_coordinator):
            status, body = get(fake_coordinator.url + "/fakedruid/v1/clock")
            assert json.loads(body) == {"now": "2024-05-01T10:00:00.123Z"}

        def test_system_clock_after(fake_coordinator):
            assert fake_coordinator.cluster.now() != 1714557600123
            assert type(fake_coordinator.cluster.clock).__name__ == "SystemClock"
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_marker_rules_sets_rules_per_datasource(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        @pytest.mark.fake_coordinator(
            rules={"wiki": [{"type": "dropBeforeByPeriod", "period": "P30D"}, {"type": "loadForever"}]}
        )
        def test_rules(fake_coordinator):
            from fakedruid.model.rules import rules_to_json

            assert [r["type"] for r in rules_to_json(fake_coordinator.cluster.rules.get("wiki"))] == [
                "dropBeforeByPeriod", "loadForever"
            ]
            assert [e.key for e in fake_coordinator.cluster.rules.history(count=5, now=0)] == ["wiki"]
        """,
    )

    _run(pytester).assert_outcomes(passed=1)


def test_marker_segments_seeds_segments(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        SEGMENT = {
            "dataSource": "wiki",
            "interval": "2015-09-12T00:00:00.000Z/2015-09-12T01:00:00.000Z",
            "version": "v1",
            "shardSpec": {"type": "numbered", "partitionNum": 0, "partitions": 1},
            "size": 10,
        }
        UNUSED = dict(SEGMENT, version="v0", used=False)

        @pytest.mark.fake_coordinator(segments=[SEGMENT, UNUSED])
        def test_segments(fake_coordinator):
            assert fake_coordinator.segment_ids("wiki", used=True) == {
                "wiki_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_v1"
            }
            assert len(fake_coordinator.segment_ids("wiki", used=False)) == 1
            status, body = get(fake_coordinator.url + "/druid/coordinator/v1/datasources")
            assert json.loads(body) == ["wiki"]
        """,
    )

    _run(pytester).assert_outcomes(passed=1)


def test_marker_tiers_replaces_historicals_for_one_test(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        @pytest.mark.fake_coordinator(
            tiers={"hot": 1},
            rules={"wiki": [{"type": "loadForever", "tieredReplicants": {"hot": 1}}]},
        )
        def test_hot(fake_coordinator):
            fake_coordinator.add_segment("wiki", "2015-09-12/2015-09-13", "v1")
            status, body = get(fake_coordinator.url + "/druid/coordinator/v1/datasources/wiki/tiers")
            assert json.loads(body) == ["hot"]

        def test_default_after(fake_coordinator):
            assert list(fake_coordinator.cluster.layout.to_json()) == ["_default_tier"]
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_marker_accept_quirk_false_turns_emulation_off(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        # The Flask test client sends no Accept header: profile "29" answers this Map endpoint with 500.
        def test_quirk_on_by_default(fake_coordinator):
            assert fake_coordinator.client.post("/druid/coordinator/v1/datasources/wiki").status_code == 500

        @pytest.mark.fake_coordinator(accept_quirk=False)
        def test_quirk_off(fake_coordinator):
            response = fake_coordinator.client.post("/druid/coordinator/v1/datasources/wiki")
            assert (response.status_code, response.json) == (200, {"numChangedSegments": 0})
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_marker_closest_wins_over_module_marker(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        pytestmark = pytest.mark.fake_coordinator(druid_version="latest", now="2024-01-01")

        def test_module_marker(fake_coordinator):
            assert fake_coordinator.profile.name == "latest"

        @pytest.mark.fake_coordinator(druid_version="29")
        def test_function_marker_wins(fake_coordinator):
            assert fake_coordinator.profile.name == "29"
            assert fake_coordinator.cluster.now() == 1704067200000
        """,
    )

    _run(pytester).assert_outcomes(passed=2)


def test_marker_registered(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        @pytest.mark.fake_coordinator(now="2024-01-01")
        def test_marked(fake_coordinator):
            pass
        """,
    )

    assert "@pytest.mark.fake_coordinator(druid_version=" in _run(pytester, "--markers").stdout.str()
    _run(pytester, "--strict-markers").assert_outcomes(passed=1)


MARK = "@pytest.mark.fake_coordinator"


#: Misconfigured markers and the setup error each one gets.
BAD_MARKERS = [
    ("bogus=1", f"{MARK}: unknown argument(s) bogus; expected some of: druid_version, now, rules, *"),
    ('"latest"', f"{MARK} takes keyword arguments only, got positional ('latest',)*"),
    ('druid_version="30x"', f"{MARK}: druid_version: Unknown druid_version [[]30x[]]*"),
    ('now="yesterday"', f"{MARK}: now: Invalid instant [[]yesterday[]]*"),
    ("rules=[]", f"{MARK}: rules: expected a dict, got [[][[][]][]]"),
    ('rules={"wiki": [{"type": "nope"}]}', f"{MARK}: rules[[]'wiki'[]]: *type 'nope'*"),
    ('segments=[{"dataSource": "wiki"}]', f"{MARK}: segments: segment [[]0[]]*"),
    ('segments="wiki"', f"{MARK}: segments: expected a list of DataSegment JSON objects*"),
    ('tiers={"hot": -1}', f"{MARK}: tiers: Tier [[]hot[]] needs a server count >= 0*"),
    ('accept_quirk="no"', f"{MARK}: accept_quirk: expected True or False, got [[]'no'[]]"),
]


def test_marker_misconfigured_fails_at_setup_naming_argument(pytester: pytest.Pytester) -> None:
    tests = "".join(
        f"\n@pytest.mark.fake_coordinator({marker})\ndef test_bad_{i}(fake_coordinator):\n    pass\n"
        for i, (marker, _) in enumerate(BAD_MARKERS)
    )
    _project(
        pytester,
        tests
        + """
def test_next_is_clean(fake_coordinator):
    assert fake_coordinator.profile.name == "29"
    assert fake_coordinator.segment_ids("wiki") == set()
""",
    )

    result = _run(pytester)

    result.assert_outcomes(errors=len(BAD_MARKERS), passed=1)
    expected = []
    for i, (_, message) in enumerate(BAD_MARKERS):
        expected += [f"*ERROR at setup of test_bad_{i} *", message]
    result.stdout.fnmatch_lines(expected)


# ---------------------------------------------------------------------- option and environment


_STATUS_VERSION = """
def test_version(fake_coordinator):
    status, body = get(fake_coordinator.url + "/status")
    print("VERSION", json.loads(body)["version"])
"""


def test_option_sets_default_druid_version(pytester: pytest.Pytester) -> None:
    _project(pytester, _STATUS_VERSION)

    result = _run(pytester, "-s", "--fakedruid-druid-version=latest")

    result.assert_outcomes(passed=1)
    assert "VERSION 37.0.0" in result.stdout.str()


def test_env_sets_default_druid_version(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKEDRUID_DRUID_VERSION", "latest")
    _project(pytester, _STATUS_VERSION)

    result = _run(pytester, "-s")

    result.assert_outcomes(passed=1)
    assert "VERSION 37.0.0" in result.stdout.str()


def test_option_wins_over_env(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKEDRUID_DRUID_VERSION", "latest")
    _project(pytester, _STATUS_VERSION)

    result = _run(pytester, "-s", "--fakedruid-druid-version=28")

    result.assert_outcomes(passed=1)
    assert "VERSION 29.0.1" in result.stdout.str()


def test_option_misconfigured_fails_at_setup_naming_option(pytester: pytest.Pytester) -> None:
    _project(pytester, _STATUS_VERSION + "\n\ndef test_without_fixture():\n    pass\n")

    result = _run(pytester, "--fakedruid-druid-version=27")

    result.assert_outcomes(errors=1, passed=1)
    assert "fakedruid: --fakedruid-druid-version=27: Unknown druid_version [27]" in result.stdout.str()


def test_env_misconfigured_fails_at_setup_naming_variable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKEDRUID_DRUID_VERSION", "druid-29")
    _project(pytester, _STATUS_VERSION)

    result = _run(pytester)

    result.assert_outcomes(errors=1)
    assert "fakedruid: FAKEDRUID_DRUID_VERSION=druid-29: Unknown druid_version" in result.stdout.str()


# ---------------------------------------------------------------------- failures in the server thread


def test_server_thread_exception_fails_test_that_caused_it(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        def test_before(fake_coordinator):
            get(fake_coordinator.url + "/druid/coordinator/v1/datasources")

        def test_causes_bug(fake_coordinator, monkeypatch):
            def broken():
                raise RuntimeError("boom in the server thread")

            monkeypatch.setattr(fake_coordinator.cluster, "served_datasources", broken)
            status, body = get(fake_coordinator.url + "/druid/coordinator/v1/datasources")
            assert status == 500

        def test_after(fake_coordinator):
            status, body = get(fake_coordinator.url + "/druid/coordinator/v1/datasources")
            assert status == 200
        """,
    )

    result = _run(pytester)

    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_causes_bug*",
            "*ServerError: fakedruid failed while serving GET /druid/coordinator/v1/datasources?: "
            "RuntimeError('boom in the server thread')*",
        ]
    )


# ---------------------------------------------------------------------- disabling, xdist, import cost


def test_disabled_with_p_no_fakedruid(pytester: pytest.Pytester) -> None:
    _project(pytester, "def test_needs_fixture(fake_coordinator):\n    pass\n")

    result = _run(pytester, "-p", "no:fakedruid")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'fake_coordinator' not found*"])
    assert "--fakedruid-druid-version" not in _run(pytester, "-p", "no:fakedruid", "--help").stdout.str()


def test_xdist_two_workers_each_serve_on_own_port(pytester: pytest.Pytester) -> None:
    out = pytester.path / "urls"
    out.mkdir()
    _project(
        pytester,
        f"""
        import os
        import pathlib

        @pytest.mark.parametrize("n", range(6))
        def test_worker(fake_coordinator, n):
            fake_coordinator.add_segment("wiki", f"2015-09-{{10 + n}}/2015-09-{{11 + n}}", "v1")
            status, body = get(fake_coordinator.url + "/fakedruid/v1/state")
            assert [s["identifier"] for s in json.loads(body)["segments"]] == list(
                fake_coordinator.segment_ids("wiki")
            )
            worker = os.environ["PYTEST_XDIST_WORKER"]
            (pathlib.Path({str(out)!r}) / f"{{worker}}-{{n}}").write_text(fake_coordinator.url)
        """,
    )

    # Two fresh interpreters per run: leave out the plugins this project does not need, to start faster.
    result = pytester.runpytest_subprocess(*INNER, "-p", "no:flask", "-p", "no:hypothesispytest", "-n", "2")

    result.assert_outcomes(passed=6)
    by_worker: dict[str, set[str]] = {}
    for path in out.iterdir():
        by_worker.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert len(by_worker) == 2
    urls = [next(iter(u)) for u in by_worker.values()]
    assert all(len(u) == 1 for u in by_worker.values())
    assert urls[0] != urls[1]


def test_plugin_import_loads_neither_fakedruid_nor_flask() -> None:
    code = (
        "import sys, conftest_plugin\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('fakedruid', 'flask', 'werkzeug'))\n"
        "print(loaded)\n"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------------- strict mode


def test_unimplemented_endpoint_fails_the_test_that_called_it(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        def test_calls_unimplemented(fake_coordinator):
            status, _ = get(fake_coordinator.url + "/druid/coordinator/v1/servers")
            assert status == 501

        @pytest.mark.fake_coordinator(strict=False)
        def test_allowed(fake_coordinator):
            status, _ = get(fake_coordinator.url + "/druid/coordinator/v1/servers")
            assert status == 501

        def test_next_is_strict_again(fake_coordinator):
            assert fake_coordinator.strict is True
        """,
    )

    result = _run(pytester)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*does not implement GET /druid/coordinator/v1/servers*"])
