"""A shell client (bash and curl, as scripts in the wild use them) against the fake, both targets and profiles.

The script lists a datasource's segments, splits the JSON array on ``,`` and marks each segment unused. It works
against Druid because Jackson writes ``["a","b"]``; a space after the comma would start the second id with a blank,
and curl refuses that URL (exit 3).
"""

from __future__ import annotations

import json
import shutil
import subprocess

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
    (only,) = druid.seed({"dataSource": "wiki", "interval": "2015-09-12/2015-09-13", "version": "v1"})
    done = run_script(druid, "wiki")
    assert done.returncode == 0, done.stderr
    assert druid.segment_ids("wiki", used=False) == {only}


def test_script_splitting_the_segment_list_on_commas_marks_all_unused(druid: Target) -> None:
    ids = druid.seed(
        *({"dataSource": "wiki", "interval": f"2015-09-{d}/2015-09-{d + 1}", "version": "v1"} for d in (12, 13, 14))
    )
    done = run_script(druid, "wiki")
    assert done.returncode == 0, done.stderr
    assert druid.segment_ids("wiki", used=False) == set(ids)
    status, raw = druid.call("GET", "/druid/coordinator/v1/datasources")
    assert (status, json.loads(raw)) == (200, [])
