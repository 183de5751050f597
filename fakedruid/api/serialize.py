"""Model objects to Druid's JSON shapes (http-api.md section 1.10): the one place wire shapes are built.

Layer: api. Key order follows Druid's; the DataSegment codec itself lives in ``fakedruid.model.segments``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from fakedruid.model.cluster import SegmentRecord
from fakedruid.model.intervals import format_instant
from fakedruid.model.segments import DataSegment, data_segment_to_json
from fakedruid.profiles import Profile


def data_segment(segment: DataSegment, profile: Profile) -> dict[str, Any]:
    """A DataSegment as the profile's Druid writes it."""
    return data_segment_to_json(segment, projections=profile.segment_projections)


def bulk_update(n: int, profile: Profile) -> dict[str, Any]:
    """The answer of a bulk mark call: ``{"numChangedSegments": n}`` or a SegmentUpdateResponse."""
    if profile.segment_update_response:
        return {"numChangedSegments": n, "segmentStateChanged": n > 0}
    return {"numChangedSegments": n}


def bulk_update_response(n: int, profile: Profile) -> Response:
    """The 200 answer ``JSON bulk_update(n)`` (built here, in one step: every bulk update answers it)."""
    text = json.dumps(bulk_update(n, profile), ensure_ascii=False, separators=(",", ":"))  # Jackson's bytes
    return Response(text, status=200, content_type="application/json")


def single_update(changed: bool) -> dict[str, Any]:
    """The profile "29" answer of a single-segment mark call, ``{"segmentStateChanged": b}``.

    Profile "latest" answers every update with a SegmentUpdateResponse (:func:`bulk_update`).
    """
    return {"segmentStateChanged": changed}


def served_segment(segment: DataSegment, servers: list[str], profile: Profile) -> dict[str, Any]:
    """``{"metadata": <DataSegment>, "servers": [...]}``."""
    return {"metadata": data_segment(segment, profile), "servers": servers}


def immutable_datasource(
    name: str, properties: dict[str, Any], segments: list[DataSegment], profile: Profile
) -> dict[str, Any]:
    """ImmutableDruidDataSource: ``{"name", "properties", "segments"}``."""
    return {"name": name, "properties": properties, "segments": [data_segment(s, profile) for s in segments]}


def data_segment_plus(record: SegmentRecord, profile: Profile) -> dict[str, Any]:
    """DataSegmentPlus of ``unusedSegments``; in profile "latest" with the segments-table columns too."""
    updated = record.used_status_last_updated
    row: dict[str, Any] = {
        "dataSegment": data_segment(record.segment, profile),
        "createdDate": format_instant(record.created_date),
        "usedStatusLastUpdatedDate": None if updated is None else format_instant(updated),
    }
    if profile.unused_rows_carry_segment_columns:
        # Key order and values as Druid 33.0.0 answers: num_rows and schema_fingerprint are written only with
        # the centralized datasource schema (off by default, not modelled) and upgraded_from_segment_id only by
        # concurrent append/replace (not modelled), so all three are null; the fake's numRows (semantics 10.6)
        # is not the segments table's column.
        row["used"] = record.used if profile.unused_row_used_flag else None
        row["schemaFingerprint"] = None
        row["numRows"] = None
        row["upgradedFromSegmentId"] = None
    if profile.unused_rows_carry_indexing_state_fingerprint:
        # Measured on Druid 37.0.0: one more segments-table column, null for segments no compaction wrote.
        row["indexingStateFingerprint"] = None
    return row
