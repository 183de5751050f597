"""The picture the browser test checks and the README shows: the ``wikipedia_hour`` example after one
markUnused and one overshadowing update, both made over HTTP as a user's code would."""

from __future__ import annotations

from typing import Any

from tests.serve_support import Served

DS = "wikipedia_hour"
OLD = "2023-08-10T04:12:03.860Z"
#: The version of the overshadowing update (newer than every version of the example).
NEW = "2024-01-15T10:00:00.000Z"
UPDATE_INTERVAL = "2015-09-12T08:00:00.000Z/2015-09-12T12:00:00.000Z"


def segment_id(hour: int, version: str = OLD) -> str:
    """The id of the example's one-hour segment starting at ``hour``."""
    end = "2015-09-13T00" if hour == 23 else f"2015-09-12T{hour + 1:02d}"
    return f"{DS}_2015-09-12T{hour:02d}:00:00.000Z_{end}:00:00.000Z_{version}"


#: The segment the scenario marks unused.
MARKED_UNUSED = segment_id(14)
#: The update: two partitions of a new version over 08:00-12:00.
UPDATE_IDS = (
    f"{DS}_2015-09-12T08:00:00.000Z_2015-09-12T12:00:00.000Z_{NEW}",
    f"{DS}_2015-09-12T08:00:00.000Z_2015-09-12T12:00:00.000Z_{NEW}_1",
)


def _update_segment(partition: int) -> dict[str, Any]:
    return {
        "dataSource": DS,
        "interval": UPDATE_INTERVAL,
        "version": NEW,
        "loadSpec": {"type": "local", "path": f"/tmp/{DS}/update/{partition}/index.zip"},
        "dimensions": "channel,page,user",
        "metrics": "count",
        "shardSpec": {"type": "numbered", "partitionNum": partition, "partitions": 2},
        "binaryVersion": 9,
        "size": 1_100_000 + partition * 50_000,
        "numRows": 3_500 + partition * 120,
    }


def apply(served: Served) -> None:
    """Mark one segment unused, then publish a newer version over four hours (two partitions)."""
    status, body = served.request_json(
        "POST", f"/druid/coordinator/v1/datasources/{DS}/markUnused", {"segmentIds": [MARKED_UNUSED]}
    )
    assert (status, body) == (200, {"numChangedSegments": 1}), (status, body)
    status, body = served.request_json("POST", "/fakedruid/v1/segments", [_update_segment(0), _update_segment(1)])
    assert (status, body) == (200, {"segmentIds": list(UPDATE_IDS)}), (status, body)


def expected_states() -> dict[str, str]:
    """Every segment's state after :func:`apply`, worked out from the example by hand (not by the fake)."""
    states = {segment_id(h): "visible" for h in range(24)}
    for h in (8, 9, 10, 11):
        states[segment_id(h)] = "overshadowed"  # under the update
    states[segment_id(5, "2023-08-09T22:41:17.512Z")] = "overshadowed"  # the example's older version
    states[segment_id(16, "2023-08-09T22:41:17.512Z")] = "unused"  # unused in the example
    states[segment_id(18)] = "unused"  # unused in the example
    states[MARKED_UNUSED] = "unused"
    for sid in UPDATE_IDS:
        states[sid] = "visible"
    return states
