"""Write IMPLEMENTED.md from the path table and what the app answers: ``python3 tools/gen_implemented.py``.

Every row is a route of Druid's Coordinator or Overlord (``fakedruid.api.druid_paths``). Its status per profile
is measured, not typed: the generator asks a fresh fake for the route (template variables filled with ``fd_x``)
and writes ``501`` when the fake answers its "does not implement" text, ``404`` when the route is not Druid's in
that profile, and ``served`` (or ``differs``, where the answers of the two profiles differ, from :data:`NOTES`)
otherwise. ``tests/test_implemented_md.py`` fails when the file is not what this script writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakedruid import FakeCoordinator
from fakedruid.api import druid_paths

PROFILES = ("29", "latest")
GROUPS = (
    ("Coordinator `/druid/coordinator/v1`", "/druid/coordinator/v1"),
    ("Overlord `/druid/indexer/v1`", "/druid/indexer/v1"),
    ("Every process: `/status`", "/status"),
    ("Internal `/druid-internal/v1`", "/druid-internal/v1"),
    ("SQL-based ingestion, the Broker's MSQ task endpoint `/druid/v2/sql/task`", "/druid/v2/sql/task"),
)

#: (method, template) -> (answers differ between the profiles, note).
NOTES: dict[tuple[str, str], tuple[bool, str]] = {
    ("GET", "/druid/coordinator/v1/datasources"): (False, "`?simple`, `?full`; DataSegment JSON has `projections` in \"latest\""),
    ("GET", "/druid/coordinator/v1/datasources/{dataSourceName}"): (False, "`?full`"),
    ("POST", "/druid/coordinator/v1/datasources/{dataSourceName}"): (True, "body; Accept quirk (\"29\")"),
    ("DELETE", "/druid/coordinator/v1/datasources/{dataSourceName}"): (
        True,
        "`?kill=true&interval=`; body; `no indexing service found` fault (\"29\")",
    ),
    ("POST", "/druid/coordinator/v1/datasources/{dataSourceName}/markUsed"): (True, "payload rules, `versions`, 204 check, errors"),
    ("POST", "/druid/coordinator/v1/datasources/{dataSourceName}/markUnused"): (True, "payload rules, `versions`, 204 check"),
    ("POST", "/druid/coordinator/v1/datasources/{dataSourceName}/segments/{segmentId}"): (
        True,
        "id matching, body, Accept quirk",
    ),
    ("DELETE", "/druid/coordinator/v1/datasources/{dataSourceName}/segments/{segmentId}"): (
        True,
        "unparseable id 200 false / 400, body",
    ),
    ("DELETE", "/druid/coordinator/v1/datasources/{dataSourceName}/intervals/{interval}"): (
        False,
        "kill task payload: `markAsUnused` / `versions`",
    ),
    ("GET", "/druid/coordinator/v1/datasources/{dataSourceName}/intervals"): (False, "`?simple`, `?full`"),
    ("GET", "/druid/coordinator/v1/datasources/{dataSourceName}/segments"): (False, "`?full`"),
    ("GET", "/druid/coordinator/v1/loadstatus"): (
        True,
        "`?simple`, `?full`; `?simple`: a zero-replica segment counts as available in \"latest\"",
    ),
    ("GET", "/druid/coordinator/v1/metadata/datasources"): (False, "`?includeUnused`, `?full`"),
    ("GET", "/druid/coordinator/v1/metadata/datasources/{dataSourceName}/segments"): (False, "`?full`"),
    ("GET", "/druid/coordinator/v1/metadata/datasources/{dataSourceName}/segments/{segmentId}"): (
        True,
        "id parsed up front (400) in \"latest\"; raw-id fallback in \"29\"",
    ),
    ("GET", "/druid/coordinator/v1/metadata/datasources/{dataSourceName}/unusedSegments"): (
        True,
        "validation: Jetty 500 / 400 DruidException",
    ),
    ("GET", "/druid/coordinator/v1/metadata/segments"): (False, "`?includeOvershadowedStatus`; DataSegment keys per profile"),
    ("POST", "/druid/coordinator/v1/rules/{dataSourceName}"): (True, "partial-load rule types: 400 unknown type / 501"),
    ("GET", "/status"): (True, "`version` per profile"),
    ("GET", "/status/properties"): (True, "a small map following the fake's settings; key order per profile"),
    ("POST", "/druid/indexer/v1/task"): (
        True,
        "types `kill` (`markAsUnused` / `versions`), `index` and `index_parallel` (inline and local input, local "
        "files .gz/.bz2/.xz/.zip decompressed; `transformSpec.filter` selector/in/bound/and/or/not; other "
        "input sources, formats, filters 501); other types 501; duplicate id body",
    ),
    ("GET", "/druid/indexer/v1/task/{taskid}/reports"): (
        True,
        "kill tasks: KillTaskReport, fields per profile; ingestion tasks: `ingestionStatsAndErrors`, `multiStageQuery`",
    ),
    ("POST", "/druid/v2/sql/task"): (
        False,
        "`INSERT` / `REPLACE` only (`query_controller` tasks); constructs that do not decide segments 501 (see "
        "`fakedruid/msq.py`); needs the `sql` extra; with basic security WRITE on the datasource and READ on "
        "`EXTERNAL`",
    ),
    ("POST", "/druid/indexer/v1/datasources/{dataSourceName}/segments/{segmentId}"): (False, "parse error HTML-escaped"),
}

HEADER = """# Implemented endpoints

GENERATED by `tools/gen_implemented.py` from the path table (`fakedruid/api/druid_paths.py`: every route Druid
28.0.0, 29.0.1 and 37.0.0 serve on the Coordinator and the Overlord, read from their jars) and from what the fake
answers; `tests/test_implemented_md.py` keeps it current. Profiles: "29" = Druid 28-29 (the default), "latest" =
the newest verified Druid.

`served`: the fake answers as Druid does in that profile; `differs`: served in both profiles, and the two answer
differently (see `tests/api/test_version_differences.py`); `501`: Druid has the route, the fake does not implement
it (TEXT `fakedruid does not implement <METHOD> <path>`; strict mode fails the test); `404`: that Druid has no
such route. A path that is in no row is not Druid's: Jersey's empty 404 under Druid's API prefixes, Jetty's 404
page elsewhere; a wrong method on a known path is Jersey's 405 with `Allow`.
"""

#: druid-basic-security's routes are outside the path table (an extension's resources, not in the core jars).
FOOTER = """
## druid-basic-security `/druid-ext/basic-security` (with `--basic-security` only; 404 without)

| method | path | "29" | "latest" | note |
|---|---|---|---|---|
| GET | `/authentication/loadStatus`, `/authentication/refreshAll` | served | served | |
| GET | `/authentication/db/{authenticator}/users[/{user}]` | served | served | credentials as salt/hash/iterations |
| POST/DELETE | `/authentication/db/{authenticator}/users/{user}` | served | served | |
| POST | `/authentication/db/{authenticator}/users/{user}/credentials` | served | served | PBKDF2WithHmacSHA512 |
| GET | `/authentication/db/{authenticator}/cachedSerializedUserMap` | 501 | 501 | Smile |
| GET | `/authorization/loadStatus`, `/authorization/refreshAll` | served | served | |
| GET | `/authorization/db/{authorizer}/users[/{user}]` (`?full`, `?simplifyPermissions`) | served | served | |
| POST/DELETE | `/authorization/db/{authorizer}/users/{user}[/roles/{role}]` | served | served | |
| GET/POST/DELETE | `/authorization/db/{authorizer}/roles[/{role}]` (`?full`, `?simplifyPermissions`) | served | served | |
| GET/POST | `/authorization/db/{authorizer}/roles/{role}/permissions` | served | served | |
| GET/POST/DELETE | `/authorization/db/{authorizer}/groupMappings[/{group}[/roles/{role}]]` | served | served | |
| GET | `/authorization/db/{authorizer}/cachedSerializedUserMap` | 501 | 501 | Smile |

## Not Druid: the fake's own API `/fakedruid/v1`

`segments` (POST), `reset` (POST), `state` (GET, PUT), `clock` (GET, POST), `duties` (POST), `config/kill`
(GET, POST), `tasks/mode` (GET, POST), `tasks/release` (POST), `faults` (GET, POST, DELETE), `requests` (GET,
DELETE), `audit` (GET), `datasources/{ds}/timeline` (GET), `version` (GET), `openapi.json` (GET).

Pages (HTML, every app): `/fakedruid/`, `/fakedruid/datasources/{ds}`, `/fakedruid/tasks`,
`/fakedruid/requests`, `/fakedruid/audit`; `/` only in the dev server (`fakedruid serve`), a 404 elsewhere.
"""


def _sample(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "fd_x", template)


def _status(fake: FakeCoordinator, method: str, template: str, profile: str) -> str:
    if not any(r.method == method and r.path == template and r.in_profile(profile) for r in druid_paths.ROUTES):
        return "404"
    path = _sample(template)
    response = fake.client.open(path, method=method, headers={"Accept": "application/json"})
    if response.status_code == 501 and response.get_data(as_text=True) == f"fakedruid does not implement {method} {path}":
        return "501"
    differs, _ = NOTES.get((method, template), (False, ""))
    return "differs" if differs else "served"


def render() -> str:
    """The whole of IMPLEMENTED.md."""
    fakes = {p: FakeCoordinator(p, strict=False) for p in PROFILES}
    sources: dict[tuple[str, str], list[str]] = {}
    for route in druid_paths.ROUTES:
        names = sources.setdefault((route.method, route.path), [])
        if route.source_file not in names:
            names.append(route.source_file)
    rows: dict[str, list[str]] = {prefix: [] for _, prefix in GROUPS}
    for method, template in sorted(sources, key=lambda k: (k[1], k[0])):
        prefix = next(p for _, p in GROUPS if template == p or template.startswith(p + "/"))
        statuses = [_status(fakes[p], method, template, p) for p in PROFILES]
        _, note = NOTES.get((method, template), (False, ""))
        relative = template if prefix == "/status" else template[len(prefix) :]
        rows[prefix].append(
            f"| {method} | `{relative}` | {statuses[0]} | {statuses[1]} | {' / '.join(sources[(method, template)])} "
            f"| {note} |"
        )
    out = [HEADER]
    for title, prefix in GROUPS:
        out.append(f'\n## {title}\n\n| method | path | "29" | "latest" | Druid source | note |\n|---|---|---|---|---|---|')
        out.extend(rows[prefix])
    out.append(FOOTER)
    return "\n".join(out)


def main() -> int:
    (ROOT / "IMPLEMENTED.md").write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
