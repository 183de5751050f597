"""The README's marker and fault-injection example, verbatim below the marker line (keep the two in sync)."""

# --- README snippet starts here ---
import pytest
import requests


@pytest.mark.fake_coordinator(druid_version="latest", now="2024-05-01T00:00:00Z")
def test_retry_after_overlord_hiccup(fake_coordinator):
    fake_coordinator.add_segment("wikipedia_hour", "2015-09-12T00/2015-09-12T01", "v1")
    fake_coordinator.fail_next("POST", "/druid/coordinator/v1/datasources/*/markUnused", status=503)
    url = f"{fake_coordinator.url}/druid/coordinator/v1/datasources/wikipedia_hour/markUnused"
    body = {"interval": "2015-09-12/2015-09-13"}

    assert requests.post(url, json=body).status_code == 503  # injected; nothing changed
    assert requests.post(url, json=body).json() == {"numChangedSegments": 1, "segmentStateChanged": True}
    fake_coordinator.assert_called("POST", "/druid/coordinator/v1/datasources/wikipedia_hour/markUnused", times=2)
