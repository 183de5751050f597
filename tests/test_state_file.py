"""``fakedruid serve --state-file``: the whole state survives a restart and a SIGKILL; bad files stop start-up.

The crash test sends a stream of concurrent writes, kills the server with SIGKILL in the middle of it, restarts
it on the same file, and checks that every change answered 2xx is there.
"""

from __future__ import annotations

import http.client
import json
import pathlib
import signal
import subprocess
import threading

import pytest

from tests.serve_support import command, serve

WIKI = "wikipedia"


def _segment(n: int) -> dict[str, object]:
    return {
        "dataSource": WIKI,
        "interval": f"2020-01-01T{n % 24:02d}:00:00.000Z/2020-01-01T{n % 24 + 1:02d}:00:00.000Z",
        "version": f"v{n:05d}",
        "size": n,
    }


def test_state_survives_a_clean_restart(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "state.json")
    with serve("--state-file", path, "--basic-security", "--admin-password", "pw") as served:
        headers = {"Authorization": "Basic YWRtaW46cHc=", "Content-Type": "application/json", "Accept": "application/json"}
        assert served.request("POST", "/fakedruid/v1/segments", [_segment(1), _segment(2)], headers)[0] == 200
        rules = [{"type": "dropForever"}]
        assert served.request("POST", f"/druid/coordinator/v1/rules/{WIKI}", rules, headers)[0] == 200
        assert served.request("POST", "/druid-ext/basic-security/authentication/db/basic/users/bob", None, headers)[0] == 200
        sid = f"{WIKI}_2020-01-01T01:00:00.000Z_2020-01-01T02:00:00.000Z_v00001"
        assert served.request("DELETE", f"/druid/coordinator/v1/datasources/{WIKI}/segments/{sid}", None, headers)[0] == 200
        served.stop(signal.SIGTERM)
    with serve("--state-file", path, "--basic-security", "--admin-password", "pw") as served:
        headers = {"Authorization": "Basic YWRtaW46cHc="}
        status, body = served.request("GET", f"/druid/coordinator/v1/metadata/datasources/{WIKI}/segments", None, headers)
        assert status == 200 and len(json.loads(body)) == 1  # one of two left used
        status, body = served.request("GET", f"/druid/coordinator/v1/rules/{WIKI}", None, headers)
        assert json.loads(body) == [{"type": "dropForever"}]
        status, body = served.request("GET", "/druid-ext/basic-security/authentication/db/basic/users", None, headers)
        assert "bob" in json.loads(body)
        status, body = served.request("GET", "/druid/coordinator/v1/rules/history", None, headers)
        assert len(json.loads(body)) == 1  # the rule history too


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b'{"segments": {', "is not valid JSON"), (b"[1]", "must hold a JSON object"), (b'{"segments": {"x": 1}}', "invalid state")],
)
def test_corrupt_state_file_stops_start_up_and_is_not_overwritten(
    tmp_path: pathlib.Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    result = subprocess.run(
        command("serve", "--port", "0", "--state-file", str(path)), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert str(path) in result.stderr and problem in result.stderr
    assert path.read_bytes() == content


#: Writes acknowledged before the SIGKILL of test_acknowledged_writes_survive_sigkill.
ENOUGH_ACKS = 200
#: Seconds the writers get for them (a hung server, not a slow machine, exceeds it).
ACK_TIMEOUT = 600


def test_acknowledged_writes_survive_sigkill(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "state.json")
    acknowledged: list[tuple[str, int]] = []
    lock = threading.Lock()
    stop = threading.Event()
    #: Set by the writer whose acknowledgement is the ENOUGH_ACKS-th: the moment to kill the server.
    enough = threading.Event()
    with serve("--state-file", path) as served:

        def writer(worker: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                key = worker * 100_000 + n
                if n % 2:
                    kind = "segment"
                    status = served.request(
                        "POST", "/fakedruid/v1/segments", [_segment(key)], {"Content-Type": "application/json"}
                    )[0]
                else:
                    kind = "rule"
                    rules = [{"type": "loadByPeriod", "period": f"P{key}D", "tieredReplicants": {}}]
                    status = served.request(
                        "POST", f"/druid/coordinator/v1/rules/ds{key}", rules, {"Content-Type": "application/json"}
                    )[0]
                if 200 <= status < 300:
                    with lock:
                        acknowledged.append((kind, key))
                        if len(acknowledged) >= ENOUGH_ACKS:
                            enough.set()

        def guarded(worker: int) -> None:
            try:
                writer(worker)
            except (OSError, http.client.HTTPException):  # the connection dies with the server, also mid-answer
                pass

        threads = [threading.Thread(target=guarded, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        # Kill once a good number of writes were acknowledged, however long the machine takes to make them (each
        # one rewrites the state file): the writers signal it. The bound only keeps a hung server from hanging
        # the suite.
        if not enough.wait(ACK_TIMEOUT):
            stop.set()
            pytest.fail(f"only {len(acknowledged)} writes acknowledged in {ACK_TIMEOUT} s")
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait(timeout=60)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert len(acknowledged) >= ENOUGH_ACKS
    # The file always parses, and a restart on it has every acknowledged change.
    json.loads(pathlib.Path(path).read_text())
    with serve("--state-file", path) as served:
        status, body = served.request("GET", "/fakedruid/v1/state")
        state = json.loads(body)
        versions = {s["version"] for s in state["segments"]}
        rules = state["rules"]["rules"]
    missing = [
        (kind, key)
        for kind, key in acknowledged
        if (kind == "segment" and f"v{key:05d}" not in versions) or (kind == "rule" and f"ds{key}" not in rules)
    ]
    assert missing == []
    print(f"crash test: {len(acknowledged)} acknowledged writes, all present after SIGKILL")


def test_changes_made_by_the_periodic_cycle_are_persisted(tmp_path: pathlib.Path) -> None:
    """A change no request made (the duty cycle marking segments unused) reaches the file too."""
    from tests.serve_support import EXAMPLE
    from tests.test_cli_duties import WIKI as SEED_DS
    from tests.test_cli_duties import wait_until

    path = str(tmp_path / "state.json")
    with serve("--seed", str(EXAMPLE), "--state-file", path, "--duty-period", "PT0.2S") as served:
        status, _ = served.request_json("POST", f"/druid/coordinator/v1/rules/{SEED_DS}", [{"type": "dropForever"}])
        assert status == 200

        def all_unused() -> bool:
            _, state = served.request_json("GET", "/fakedruid/v1/state")
            return all(not s["used"] for s in state["segments"] if s["dataSource"] == SEED_DS)

        wait_until(all_unused, "the periodic cycle to drop every segment")
        _, state = served.request_json("GET", "/fakedruid/v1/state")
        count = sum(1 for s in state["segments"] if s["dataSource"] == SEED_DS)
        journal = pathlib.Path(path + ".journal")

        def journaled() -> bool:
            # Only the cycle's own commit can have written these rows (no request since changed them).
            return journal.read_text().count('"used":false') >= count

        wait_until(journaled, "the cycle's changes in the journal")
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait(timeout=60)
    with serve("--state-file", path) as served:
        _, state = served.request_json("GET", "/fakedruid/v1/state")
    segments = [s for s in state["segments"] if s["dataSource"] == SEED_DS]
    assert segments and all(not s["used"] for s in segments)
