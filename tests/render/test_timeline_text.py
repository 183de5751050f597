"""The text timeline (fakedruid.render.timeline_text) and the assertion helpers that show it."""

from __future__ import annotations

import pytest

from fakedruid import FakeCoordinator
from fakedruid.render.snapshot import SegmentView, TimelineSnapshot, take_snapshot
from fakedruid.render.timeline_text import LEGEND, render_text
from tests.serve_support import EXAMPLE

DS = "wikipedia_hour"
OLD = "2023-08-10T04:12:03.860Z"
OLDER = "2023-08-09T22:41:17.512Z"


def hour_id(hour: int, version: str = OLD) -> str:
    end = "2015-09-13T00" if hour == 23 else f"2015-09-12T{hour + 1:02d}"
    return f"{DS}_2015-09-12T{hour:02d}:00:00.000Z_{end}:00:00.000Z_{version}"


@pytest.fixture
def fake() -> FakeCoordinator:
    return FakeCoordinator(now="2024-01-01T00:00:00Z", seed=EXAMPLE)


def lanes(text: str) -> dict[str, str]:
    """Lane label -> the drawn cells, for lines that start with a version or a partition label."""
    out = {}
    for line in text.splitlines():
        label, cells = line[:26].strip(), line[26:]
        if label and not line.startswith(("#", "from ")) and ": " not in line:
            out[label] = cells
    return out


def test_timeline_of_the_example_draws_one_lane_per_version_newest_first(fake: FakeCoordinator) -> None:
    text = fake.timeline(DS)
    lines = text.splitlines()
    assert lines[0] == f"{DS}: 26 segments, 12.5 MiB: 23 visible (23 served), 1 overshadowed, 2 unused"
    assert lines[1] == "from 2015-09-12T00:00:00.000Z to 2015-09-13T00:00:00.000Z, 1 day"
    assert lines[2].lstrip().startswith("|2015-09-12 00:00")
    assert [line[:24] for line in lines[3:5]] == [OLD, OLDER]
    assert lines[-1] == LEGEND
    drawn = lanes(text)
    # 24 hours of the newest version: 23 served boxes and one unused (18:00).
    assert drawn[OLD].count("[#") == 23 and drawn[OLD].count("[.]") == 1
    assert drawn[OLDER].split() == ["[o]", "[.]"]  # 05:00 overshadowed, 16:00 unused


def test_timeline_marks_overshadowed_unused_and_stacked_partitions(fake: FakeCoordinator) -> None:
    fake.cluster.mark_unused_by_ids(DS, [hour_id(3)])
    for p in (0, 1, 2, 3):
        fake.add_segment(DS, "2015-09-12T12:00/2015-09-12T18:00", "2024-05-01", partition_num=p, partitions=4)
    drawn = lanes(fake.timeline(DS, width=126))  # 100 columns
    assert set(drawn) == {"2024-05-01", "p1", "p2+", OLD, OLDER}
    old = drawn[OLD]
    assert old[12:16] == "[..]"  # 03:00 marked unused
    assert set(old[50:75]) == {"[", "o", "]"}  # 12:00-18:00 under the update
    assert drawn["2024-05-01"] == " " * 50 + "[" + "#" * 23 + "]"  # columns 50 to 74
    assert drawn["p1"] == drawn["p2+"] == drawn["2024-05-01"]  # the other partitions, stacked below


def test_text_timeline_of_tombstones_and_unserved_segments_uses_their_characters() -> None:
    def seg(i: int, **flags: bool) -> SegmentView:
        base = {"used": True, "tombstone": False, "overshadowed": False, "served": False}
        base.update(flags)
        return SegmentView(f"s{i}", i * 3_600_000, (i + 1) * 3_600_000, "v1", 0, 0, None, **base)

    snap = TimelineSnapshot("ds", 0, (seg(0, served=True), seg(1), seg(2, tombstone=True), seg(3, used=False)))
    cells = render_text(snap, width=66).splitlines()[3][26:]
    assert cells == "[########][========][tttttttt][........]"


def test_text_timeline_of_an_unknown_datasource_says_so(fake: FakeCoordinator) -> None:
    assert fake.timeline("nope") == (
        "nope: 0 segments, 0 B: 0 visible (0 served), 0 overshadowed, 0 unused\n(no segments)"
    )


def test_eternity_segment_does_not_squash_the_axis() -> None:
    fake = FakeCoordinator(now="2024-01-01T00:00:00Z")
    fake.add_segment("e", "2000-01-01/2000-01-02", "v1")
    eternity = "-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z"
    fake.add_segment("e", eternity, "v2", shard_spec={"type": "tombstone"})
    text = fake.timeline("e", width=66)
    assert "from 2000-01-01T00:00:00.000Z to 2000-01-02T00:00:00.000Z" in text
    assert lanes(text)["v2"] == "<" + "t" * 38 + ">"


def test_assert_used_passes_on_exactly_the_used_ids(fake: FakeCoordinator) -> None:
    used = fake.segment_ids(DS, used=True)
    fake.assert_used(DS, used)
    fake.assert_unused(DS, [hour_id(18), hour_id(16, OLDER)])


def test_assert_used_failure_names_the_differences_and_shows_the_timeline(fake: FakeCoordinator) -> None:
    expected = (fake.segment_ids(DS, used=True) - {hour_id(0)}) | {hour_id(18), "no_such_segment"}
    with pytest.raises(AssertionError) as info:
        fake.assert_used(DS, expected)
    message = str(info.value)
    assert message.startswith(
        f"fakedruid: the used segments of [{DS}] are not the expected ones (expected 25, found 24 used)\n"
        f"  expected used, but unused (1):\n    {hour_id(18)}\n"
        "  expected used, but no such segment (1):\n    no_such_segment\n"
        f"  used, but not expected (1):\n    {hour_id(0)}\n"
    )
    assert fake.timeline(DS) in message


def test_assert_unused_failure_shows_the_timeline(fake: FakeCoordinator) -> None:
    with pytest.raises(AssertionError) as info:
        fake.assert_unused(DS, [])
    assert "unused, but not expected (2):" in str(info.value) and LEGEND in str(info.value)


def test_assert_used_refuses_one_string(fake: FakeCoordinator) -> None:
    with pytest.raises(TypeError, match="not one string"):
        fake.assert_used(DS, hour_id(0))


def test_assert_called_failure_shows_the_timeline_of_the_datasource_in_the_path(fake: FakeCoordinator) -> None:
    fake.add_segment("other", "2020-01-01/2020-01-02", "v1")
    with pytest.raises(AssertionError) as info:
        fake.assert_called("POST", f"/druid/coordinator/v1/datasources/{DS}/markUnused")
    message = str(info.value)
    assert "the fake's segment timelines:\n" + fake.timeline(DS) + "\n\n" + fake.timeline("other") in message


def test_snapshot_json_round_trips(fake: FakeCoordinator) -> None:
    snap = take_snapshot(fake.cluster, DS)
    assert TimelineSnapshot.from_json(snap.to_json()) == snap


def test_text_timeline_draws_the_newest_twenty_versions_and_counts_the_rest() -> None:
    segs = tuple(
        SegmentView(f"s{i}", i * 3_600_000, (i + 1) * 3_600_000, f"v{i:02d}", 0, 0, None,
                    used=True, tombstone=False, overshadowed=False, served=True)
        for i in range(25)
    )
    text = render_text(TimelineSnapshot("ds", 0, segs))
    labels = [line[:26].strip() for line in text.splitlines() if line.startswith("v")]
    assert labels == [f"v{i:02d}" for i in range(24, 4, -1)]
    assert text.splitlines()[-2] == "... 5 older versions (5 segments) not drawn"
