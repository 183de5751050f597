"""Expected answers and seed data for the contract suite, written from the spec (no fakedruid imports).

Layer: tests (contract). Only ``fakedruid.testing`` is imported, for the target type.
"""

from __future__ import annotations

import uuid
from typing import Any

from fakedruid.testing import DruidTarget

P = "/druid/coordinator/v1/datasources"
M = "/druid/coordinator/v1/metadata"
OVERLORD = "/druid/indexer/v1"

#: The seed documents' hourly wikipedia_hour data: version and day.
WIKI_VERSION = "2023-08-10T04:12:03.860Z"
WIKI_DAY = "2015-09-12"
#: The interval of the older seed page's payload table: hours 03 and 04.
EXAMPLE_INTERVAL = "2015-09-12T03:00:00.000Z/2015-09-12T05:00:00.000Z"

#: The RAW 400 body of an invalid markUsed/markUnused payload (http-api 2.3, confirmed by DSRT).
INVALID_PAYLOAD = {
    "29": "Invalid request payload, either interval or segmentIds array must be specified",
    "latest": "Invalid request payload. Specify either 'interval' or 'segmentIds', but not both. "
    "Optionally, include 'versions' only when 'interval' is provided.",
}
INVALID_PAYLOAD["31"] = INVALID_PAYLOAD["latest"]  # SegmentsToUpdateFilter since Druid 30 (PR #16141)
INVALID_PAYLOAD["33"] = INVALID_PAYLOAD["latest"]


# ---- profile "31" (Druid 30-31, measured on 31.0.1): its answers are 29's in some places, "latest"'s in others.
def before_30(target: DruidTarget) -> bool:
    """Druid 28-29's markUsed/markUnused (profile "29"): no ``versions``, the 204 of a datasource nobody serves,
    the old invalid-payload text."""
    return target.profile == "29"


def before_32(target: DruidTarget) -> bool:
    """Druid 28-31 (profiles "29" and "31"): the Coordinator writes the metadata store itself and answers with
    Java Maps (``{"numChangedSegments"}``, ``{"segmentStateChanged"}``, no ``@Produces``), and reads single ids
    raw."""
    return target.profile in ("29", "31")


def new_datasource() -> str:
    """A datasource name no other test uses: ``fd_<8 hex digits>``."""
    return f"fd_{uuid.uuid4().hex[:8]}"


def bulk(target: DruidTarget, n: int) -> dict[str, Any]:
    """A bulk update's success body in the target's profile."""
    if not before_32(target):
        return {"numChangedSegments": n, "segmentStateChanged": n > 0}
    return {"numChangedSegments": n}


def single(target: DruidTarget, changed: bool) -> dict[str, Any]:
    """A single-segment update's success body in the target's profile."""
    if not before_32(target):
        return {"numChangedSegments": int(changed), "segmentStateChanged": changed}
    return {"segmentStateChanged": changed}


def instant(hour: int, day: str = WIKI_DAY) -> str:
    """``<day>T<hour>:00:00.000Z``; hour 24 is the next day's midnight."""
    if hour == 24:
        y, m, d = (int(x) for x in day.split("-"))
        return f"{y:04d}-{m:02d}-{d + 1:02d}T00:00:00.000Z"
    return f"{day}T{hour:02d}:00:00.000Z"


def segment_json(
    datasource: str,
    start_hour: int,
    end_hour: int | None = None,
    *,
    version: str = WIKI_VERSION,
    partition: int = 0,
    partitions: int = 1,
    used: bool | None = True,
    size: int = 0,
) -> dict[str, Any]:
    """DataSegment JSON on 2015-09-12 from ``start_hour`` to ``end_hour`` (default one hour), for ``seed``;
    ``used=None`` leaves the flag to ``seed``."""
    end = start_hour + 1 if end_hour is None else end_hour
    interval = f"{instant(start_hour)}/{instant(end)}"
    obj: dict[str, Any] = {
        "dataSource": datasource,
        "interval": interval,
        "version": version,
        "loadSpec": {"type": "local", "path": f"/druid/segments/{datasource}/{interval}/{version}/{partition}"},
        "dimensions": "page,user",
        "metrics": "count,added",
        "shardSpec": {"type": "numbered", "partitionNum": partition, "partitions": partitions},
        "binaryVersion": 9,
        "size": size,
    }
    if used is not None:
        obj["used"] = used
    return obj


def segment_id(
    datasource: str, start_hour: int, end_hour: int | None = None, *, version: str = WIKI_VERSION, partition: int = 0
) -> str:
    """The id Druid gives :func:`segment_json`'s segment (semantics 5.1)."""
    end = start_hour + 1 if end_hour is None else end_hour
    base = f"{datasource}_{instant(start_hour)}_{instant(end)}_{version}"
    return base if partition == 0 else f"{base}_{partition}"


def seed_wiki(
    target: DruidTarget, datasource: str, *, hours: range = range(23), unused: tuple[int, ...] = ()
) -> list[str]:
    """Seed the documents' hourly segments of 2015-09-12 (``unused`` hours marked unused); returns their ids."""
    return target.seed([segment_json(datasource, h, used=h not in unused, size=1000 + h) for h in hours])


def used_ids(target: DruidTarget, datasource: str) -> set[str]:
    """Ids of the datasource's used segments (``GET M/datasources/{ds}/segments``: 404 when none)."""
    resp = target.get(f"{M}/datasources/{datasource}/segments")
    if resp.status_code == 404:
        assert resp.content == b""
        return set()
    assert resp.status_code == 200, resp.text
    return set(resp.json())


def unused_ids(target: DruidTarget, datasource: str) -> set[str]:
    """Ids of the datasource's unused segments (``GET M/datasources/{ds}/unusedSegments``).

    Druid 28.0.0 lacks that route (added in 29, answered 404): on a Druid this process runs, the ids are then read
    from its metadata store (``druid_segments``), as the differential machine reads state, so that a test that
    only checks state after a write runs on 28.0.0 too.
    """
    resp = target.get(f"{M}/datasources/{datasource}/unusedSegments")
    if resp.status_code == 404 and target.real is not None:
        rows = target.real.shell.query("SELECT id FROM druid_segments WHERE dataSource = ? AND used = ?", datasource,
                                       False)
        return {str(row[0]) for row in rows}
    if resp.status_code == 404:
        # Druid 28.0.0 has no such route: no poll will change that, so fail at once instead of an AssertionError
        # that ``eventually`` retries until its timeout.
        raise LookupError(f"GET .../unusedSegments answered 404: {resp.text!r}")
    assert resp.status_code == 200, resp.text
    return {row["dataSegment"]["identifier"] for row in resp.json()}


#: Druid 33.0.0's answer to a forwarded mark-used or single-segment update, made after the change (FORWARD_500;
#: profile switch ``forwarded_mark_used_500``).
FORWARD_500_BODY = {
    "error": "Unknown server error",
    "message": "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; no body",
}


def forwards_500(target: DruidTarget) -> bool:
    """The target answers a forwarded mark-used or single-segment update with FORWARD_500 (profile "33")."""
    from fakedruid.profiles import resolve_profile

    return resolve_profile(target.profile).forwarded_mark_used_500


def assert_update(resp: Any, target: DruidTarget, body: dict[str, Any], *, forwarded: bool = True) -> None:
    """A forwarded mark-used or single-segment update answered ``body`` (200), or, on profile "33", the
    FORWARD_500 made after the change (``forwarded`` false: an update 33.0.0 answers normally, markUnused)."""
    if forwarded and forwards_500(target):
        assert (resp.status_code, resp.json()) == (500, FORWARD_500_BODY), resp.text
    else:
        assert resp.status_code == 200, resp.text
        assert resp.json() == body


#: Jackson's source text for a request body read by Druid's Jetty.
JACKSON_SOURCE = "[Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: {line}, column: {column}]"


def located(target: DruidTarget, head: str, line: int, column: int, chain: str = "") -> str:
    """A mapping error Jackson raised on a token of the body, as the target's ``CustomExceptionMapper`` writes it.

    Druid 28 to 31 (profiles "29" and "31") write Jackson's whole message: the head, ``\\n at`` the token's
    location (line and column 1-based, the column in bytes of UTF-8) and the reference chain; Druid 32 and newer
    ("33" and "latest") keep its first line, the head.
    """
    if before_32(target):  # profiles "29" and "31" (31.0.1 measured)
        return f"{head}\n at {JACKSON_SOURCE.format(line=line, column=column)}{chain}"
    return head
