"""A shell client (bash and curl, as scripts in the wild use them) against the fake, both targets and profiles.

The script lists a datasource's segments, splits the JSON array on ``,`` and marks each segment unused. It works
against Druid because Jackson writes ``["a","b"]``; a space after the comma would start the second id with a blank,
and curl refuses that URL (exit 3).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.clients.conftest import TIMEOUT, Target

MARK_ALL_UNUSED = r"""
set -euo pipefail
list=$(curl -sSf -H 'Accept: application/json' "$URL/druid/coordinator/v1/datasources/$DS/segments" | tr -d '[]"')
IFS=, read -r -a ids <<< "$list"
for id in "${ids[@]}"; do
  curl -sSf -X DELETE -H 'Accept: application/json' -o /dev/null "$URL/druid/coordinator/v1/datasources/$DS/segments/$id"
done
"""


def run_script(druid: Target, datasource: str) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None and shutil.which("curl") is not None, "the shell client needs bash and curl"
    return subprocess.run(
        [bash, "-c", MARK_ALL_UNUSED],
        env={"URL": druid.url, "DS": datasource, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_script_marks_a_single_segment_unused(druid: Target) -> None:
    (only,) = druid.seed({"dataSource": "wiki", "interval": "2015-09-12/2015-09-13", "version": "2015-09-20T00:00:00.000Z"})
    done = run_script(druid, "wiki")
    assert done.returncode == 0, done.stderr
    assert druid.segment_ids("wiki", used=False) == {only}


def test_script_splitting_the_segment_list_on_commas_marks_all_unused(druid: Target) -> None:
    ids = druid.seed(
        *({"dataSource": "wiki", "interval": f"2015-09-{d}/2015-09-{d + 1}", "version": "2015-09-20T00:00:00.000Z"} for d in (12, 13, 14))
    )
    done = run_script(druid, "wiki")
    assert done.returncode == 0, done.stderr
    assert druid.segment_ids("wiki", used=False) == set(ids)
    status, raw = druid.call("GET", "/druid/coordinator/v1/datasources")
    assert (status, json.loads(raw)) == (200, [])


# ---------------------------------------------------------------- submitting a task from a spec file

#: Submit ./spec.json as the Druid docs show (curl -d @file), then poll the task's status (bounded) until it ends.
#: Prints "<task id> <status>"; exits 0 on SUCCESS, 1 on FAILED, 2 if the task never ended, curl's code on an
#: HTTP error (-f: 22).
SUBMIT_AND_POLL = r"""
set -euo pipefail
answer=$(curl -sSf -X POST -H 'Content-Type: application/json' -d @spec.json "$URL/druid/indexer/v1/task")
task=$(printf '%s' "$answer" | sed -E 's/.*"task":"([^"]+)".*/\1/')
for _ in $(seq 1 300); do
  status=$(curl -sSf "$URL/druid/indexer/v1/task/$task/status" | sed -E 's/.*"status":"(RUNNING|SUCCESS|FAILED)".*/\1/')
  case "$status" in
    SUCCESS) echo "$task $status"; exit 0 ;;
    FAILED) echo "$task $status"; exit 1 ;;
  esac
  sleep 0.1
done
exit 2
"""

INGEST_SPEC = {
    "type": "index_parallel",
    "spec": {
        "dataSchema": {
            "dataSource": "wiki",
            "timestampSpec": {"column": "time", "format": "iso"},
            "dimensionsSpec": {"dimensions": ["page"]},
            "granularitySpec": {"segmentGranularity": "day", "queryGranularity": "none"},
        },
        "ioConfig": {
            "type": "index_parallel",
            "inputSource": {"type": "inline", "data": '{"time": "2015-09-12T10:00:00Z", "page": "Main"}\n'
                                                      '{"time": "2015-09-13T10:00:00Z", "page": "Talk"}'},
            "inputFormat": {"type": "json"},
        },
        "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
    },
}


def submit_script(druid: Target, spec: dict[str, Any], cwd: Path) -> subprocess.Popen[str]:
    """Start the script in ``cwd`` with ``spec`` written, pretty-printed, to ``spec.json`` (``curl -d @file``
    drops the file's newlines; the JSON's ``\\n`` escapes are characters, not newlines, and survive)."""
    bash = shutil.which("bash")
    assert bash is not None and shutil.which("curl") is not None, "the shell client needs bash and curl"
    (cwd / "spec.json").write_text(json.dumps(spec, indent=2))
    return subprocess.Popen(
        [bash, "-c", SUBMIT_AND_POLL],
        cwd=cwd,
        env={"URL": druid.url, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, out, err


def test_curl_submits_a_spec_file_and_polls_until_success(druid: Target, tmp_path: Path) -> None:
    code, out, err = finish(submit_script(druid, INGEST_SPEC, tmp_path))
    assert code == 0, err
    task_id, status = out.split()
    assert status == "SUCCESS" and task_id.startswith("index_parallel_wiki_")
    assert len(druid.segment_ids("wiki", used=True)) == 2


def test_curl_polls_a_held_task_until_it_is_released(druid: Target, tmp_path: Path) -> None:
    druid.task_mode(hold=True)
    proc = submit_script(druid, INGEST_SPEC, tmp_path)
    try:
        deadline = time.monotonic() + TIMEOUT
        while sum(1 for r in druid.requests() if r["path"].endswith("/status")) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the script never polled twice"
            time.sleep(0.05)
        assert druid.segment_ids("wiki") == set()  # held: nothing published yet
        assert len(druid.release()) == 1
    finally:
        code, out, err = finish(proc)
    assert (code, out.split()[1]) == (0, "SUCCESS"), err
    assert len(druid.segment_ids("wiki", used=True)) == 2


def test_curl_reports_a_failed_task(druid: Target, tmp_path: Path) -> None:
    druid.task_mode(fail_with="Simulated failure")
    code, out, _err = finish(submit_script(druid, INGEST_SPEC, tmp_path))
    assert (code, out.split()[1]) == (1, "FAILED")
    assert druid.segment_ids("wiki") == set()


def test_curl_fails_on_a_rejected_spec(druid: Target, tmp_path: Path) -> None:
    spec = json.loads(json.dumps(INGEST_SPEC))
    del spec["spec"]["ioConfig"]["inputFormat"]
    code, out, err = finish(submit_script(druid, spec, tmp_path))
    assert (code, out) == (22, "") and "400" in err  # curl -f: exit 22 on an HTTP error
    status, raw = druid.call("GET", "/druid/indexer/v1/tasks")
    assert (status, json.loads(raw)) == (200, [])
