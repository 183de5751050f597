"""The README's pytest example, verbatim below the marker line (keep the two in sync)."""

# --- README snippet starts here ---
import requests


def test_mark_first_hour_unused(fake_coordinator):
    ids = [
        fake_coordinator.add_segment("wikipedia_hour", f"2015-09-12T{h:02d}/2015-09-12T{h + 1:02d}", "v1")
        for h in range(3)
    ]

    response = requests.post(
        f"{fake_coordinator.url}/druid/coordinator/v1/datasources/wikipedia_hour/markUnused",
        json={"interval": "2015-09-12T00:00/2015-09-12T01:00"},
    )

    assert response.json() == {"numChangedSegments": 1}
    assert fake_coordinator.segment_ids("wikipedia_hour", used=False) == {ids[0]}
    fake_coordinator.assert_called("POST", "/druid/coordinator/v1/datasources/wikipedia_hour/markUnused", times=1)
