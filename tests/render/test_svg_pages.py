"""The SVG timeline and the HTML pages: structure, states, aggregation; served by every app under /fakedruid/."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.api.pages import enable_landing_page
from fakedruid.model.intervals import parse_instant
from fakedruid.render.snapshot import SegmentView, TimelineSnapshot, take_snapshot
from fakedruid.render.svg import MAX_LANES, render_svg
from tests.serve_support import EXAMPLE

SVG = "{http://www.w3.org/2000/svg}"
DS = "wikipedia_hour"
HOUR = 3_600_000


def hour_id(hour: int) -> str:
    """The id of the example's segment of that hour (hours 0 to 22) in its newest version."""
    return f"{DS}_2015-09-12T{hour:02d}:00:00.000Z_2015-09-12T{hour + 1:02d}:00:00.000Z_2023-08-10T04:12:03.860Z"


@pytest.fixture
def fake() -> FakeCoordinator:
    return FakeCoordinator(now="2024-01-01T00:00:00Z", seed=EXAMPLE)


def boxes(svg_text: str) -> dict[str, dict[str, str]]:
    root = ET.fromstring(svg_text)
    return {r.get("data-id", ""): dict(r.attrib) for r in root.iter(f"{SVG}rect") if r.get("data-id")}


def svg_of(html: str) -> str:
    start = html.index('<svg class="timeline" xmlns')
    return html[start : html.index("</svg>", start) + len("</svg>")]


def test_svg_draws_every_segment_with_its_state_and_lane(fake: FakeCoordinator) -> None:
    fake.cluster.mark_unused_by_ids(DS, [hour_id(3)])
    fake.add_segment(DS, "2015-09-12T00:00/2015-09-12T02:00", "2024-01-01", partition_num=0, partitions=2)
    fake.add_segment(DS, "2015-09-12T00:00/2015-09-12T02:00", "2024-01-01", partition_num=1, partitions=2)
    snap = take_snapshot(fake.cluster, DS)
    drawn = boxes(render_svg(snap))
    assert set(drawn) == {s.id for s in snap.segments}
    for s in snap.segments:
        box = drawn[s.id]
        assert box["data-state"] == s.state and box["data-served"] == str(s.served).lower()
        assert box["class"].split()[:2] == ["seg", s.state]
    states = {sid: b["data-state"] for sid, b in drawn.items()}
    assert list(states.values()).count("unused") == 3 and list(states.values()).count("overshadowed") == 3
    new0, new1 = (drawn[f"{DS}_2015-09-12T00:00:00.000Z_2015-09-12T02:00:00.000Z_2024-01-01{p}"] for p in ("", "_1"))
    hour0 = drawn[f"{DS}_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_2023-08-10T04:12:03.860Z"]
    assert float(new0["y"]) < float(new1["y"]) < float(hour0["y"])  # newest lane on top, partitions stacked
    assert float(new0["width"]) == pytest.approx(2 * float(hour0["width"]), abs=0.2)


def test_svg_title_names_segment_size_and_rows(fake: FakeCoordinator) -> None:
    root = ET.fromstring(render_svg(take_snapshot(fake.cluster, DS)))
    sid = f"{DS}_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_2023-08-10T04:12:03.860Z"
    rect = next(r for r in root.iter(f"{SVG}rect") if r.get("data-id") == sid)
    title = rect.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.splitlines() == [
        sid,
        "2015-09-12T00:00:00.000Z/2015-09-12T01:00:00.000Z partition 0",
        "used, visible, served",
        "size 276.6 KiB (283,284 bytes), rows 876",
    ]


def _many(n: int, versions: int) -> TimelineSnapshot:
    segs = tuple(
        SegmentView(f"s{i}", i * HOUR, (i + 1) * HOUR, f"v{i % versions:03d}", 0, 100, 10,
                    used=i % 7 != 0, tombstone=False, overshadowed=i % 5 == 0 and i % 7 != 0, served=i % 3 == 0)
        for i in range(n)
    )
    return TimelineSnapshot("big", 0, segs)


def test_svg_of_ten_thousand_segments_aggregates_boxes_too_small_to_see() -> None:
    snap = _many(10_000, 4)
    root = ET.fromstring(render_svg(snap))
    aggregates = [g for g in root.iter(f"{SVG}g") if g.get("class") == "agg"]
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("data-id")]
    # Every segment is counted once, and the drawing stays small.
    assert sum(int(g.get("data-count", "0")) for g in aggregates) == 10_000
    assert len(aggregates) < 1_200
    assert all(g.find(f"{SVG}title") is not None for g in aggregates)


def test_svg_zoom_shows_only_the_range_and_boxes_become_visible_again() -> None:
    snap = _many(10_000, 4)
    drawn = boxes(render_svg(snap, start=100 * HOUR, end=150 * HOUR))
    assert set(drawn) == {f"s{i}" for i in range(100, 150)}


def test_svg_merges_lanes_past_the_limit() -> None:
    snap = _many(200, 100)
    root = ET.fromstring(render_svg(snap))
    lanes = [g.get("data-version") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert len(lanes) == MAX_LANES + 1 and lanes[0] == "v099" and lanes[-1] == f"{100 - MAX_LANES} older versions"


# ---------------------------------------------------------------------- pages over the test client


def test_timeline_page_is_html_with_the_svg_legend_and_table(fake: FakeCoordinator) -> None:
    answer = fake.client.get(f"/fakedruid/datasources/{DS}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert set(boxes(svg_of(html))) == fake.segment_ids(DS)
    for legend in ('data-legend="visible served"', 'data-legend="overshadowed"', 'data-legend="unused"',
                   'data-legend="visible"', 'data-legend="visible served tombstone"', 'data-legend="agg"'):
        assert legend in html
    assert html.count('<tr data-id="') == 26
    assert "<script" in html and "http://" not in html.split("<main>")[0]  # no external assets


def test_timeline_page_zooms_by_query_parameters(fake: FakeCoordinator) -> None:
    zoom = "start=2015-09-12T02:00:00Z&end=2015-09-12T04:00"
    html = fake.client.get(f"/fakedruid/datasources/{DS}?{zoom}").get_data(as_text=True)
    svg = svg_of(html)
    root = ET.fromstring(svg)
    assert (int(root.get("data-lo", "")), int(root.get("data-hi", ""))) == (
        parse_instant("2015-09-12T02:00:00Z"), parse_instant("2015-09-12T04:00:00Z"))
    assert len(boxes(svg)) == 2 and html.count('<tr data-id="') == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=yesterday", "Bad [start] [yesterday]"),
        ("start=2015-09-13&end=2015-09-12", "[end] must be after [start]"),
    ],
)
def test_timeline_page_bad_zoom_is_400_naming_it(fake: FakeCoordinator, query: str, message: str) -> None:
    answer = fake.client.get(f"/fakedruid/datasources/{DS}?{query}")
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)


def test_timeline_page_of_unknown_datasource_is_404_naming_the_known_ones(fake: FakeCoordinator) -> None:
    answer = fake.client.get("/fakedruid/datasources/nope")
    assert answer.status_code == 404 and "No datasource [nope] (known: wikipedia_hour)" in answer.get_data(as_text=True)


def test_datasources_page_counts(fake: FakeCoordinator) -> None:
    html = fake.client.get("/fakedruid/").get_data(as_text=True)
    row = html[html.index('<tr data-datasource="wikipedia_hour">'):]
    row = row[: row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:-1]]
    assert cells == ["26", "24", "1", "2", "23", "12.5 MiB"]


def test_tasks_requests_and_audit_pages_list_what_happened(fake: FakeCoordinator) -> None:
    client: FlaskClient = fake.client
    sid = f"{DS}_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_2023-08-10T04:12:03.860Z"
    marked = client.post(f"/druid/coordinator/v1/datasources/{DS}/markUnused", json={"segmentIds": [sid]})
    assert marked.status_code == 200
    task = client.delete(f"/druid/coordinator/v1/datasources/{DS}/intervals/2015-09-12_2015-09-13").status_code
    assert task == 200
    tasks = client.get("/fakedruid/tasks").get_data(as_text=True)
    assert tasks.count("<tr data-task=") == 1 and "SUCCESS" in tasks
    journal = client.get("/fakedruid/requests").get_data(as_text=True)
    assert f"/druid/coordinator/v1/datasources/{DS}/markUnused" in journal
    assert journal.count("<tr><td class=num>") == 2  # the page views themselves are not recorded
    audit = client.get("/fakedruid/audit").get_data(as_text=True)
    assert "segment.markUnused" in audit and "segment.kill" in audit


def test_version_token_changes_with_the_state_and_only_then(fake: FakeCoordinator) -> None:
    def token() -> str:
        return str(fake.client.get("/fakedruid/v1/version").get_json()["version"])

    first = token()
    assert token() == first
    fake.client.get(f"/fakedruid/datasources/{DS}")  # pages are not recorded, so they change nothing
    assert token() == first
    fake.cluster.mark_unused_by_ids(DS, [hour_id(0)])
    second = token()
    assert second != first
    fake.client.get("/druid/coordinator/v1/datasources")  # a recorded request: the journal page changes
    assert token() != second


def test_timeline_json_is_what_the_page_draws(fake: FakeCoordinator) -> None:
    answer = fake.client.get(f"/fakedruid/v1/datasources/{DS}/timeline")
    assert answer.status_code == 200
    assert TimelineSnapshot.from_json(json.loads(answer.data)) == take_snapshot(fake.cluster, DS)
    missing = fake.client.get("/fakedruid/v1/datasources/nope/timeline")
    assert (missing.status_code, missing.get_data(as_text=True)) == (
        404,
        "No datasource [nope] (known: wikipedia_hour)",
    )


def test_root_is_404_unless_the_landing_page_is_enabled(fake: FakeCoordinator) -> None:
    assert fake.client.get("/").status_code == 404
    assert fake.client.post("/").status_code == 404
    dev = FakeCoordinator(now="2024-01-01T00:00:00Z", seed=EXAMPLE)
    enable_landing_page(dev.app)
    assert dev.client.post("/").status_code == 405
    html = dev.client.get("/").get_data(as_text=True)
    assert set(boxes(svg_of(html))) == fake.segment_ids(DS)
    # The page's own request (recorded in the journal) must not change the token, or it would reload forever.
    token = html.split('data-token="', 1)[1].split('"', 1)[0]
    assert dev.client.get("/fakedruid/v1/version").get_json() == {"version": token}
    for link in ('href="/fakedruid/"', 'href="/fakedruid/tasks"', 'href="/fakedruid/requests"',
                 'href="/fakedruid/audit"', "API reference"):
        assert link in html
