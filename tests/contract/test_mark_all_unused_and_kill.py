"""Contract: ``DELETE .../datasources/{ds}`` (mark all unused, deprecated kill) and
``DELETE .../datasources/{ds}/intervals/{interval}`` (kill) (http-api 2.5, 2.6)."""

from __future__ import annotations

import pytest
import requests

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import (
    OVERLORD,
    WIKI_DAY,
    M,
    P,
    assert_update,
    bulk,
    seed_wiki,
    segment_id,
    single,
    unused_ids,
    used_ids,
)

DAY_PATH = "2015-09-12_2015-09-13"


# ---------------------------------------------------------------------- mark all unused


def test_mark_all_unused_unknown_datasource_is_200_with_zero(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.delete(f"{P}/{datasource}")
    assert resp.status_code == 200
    assert resp.json() == bulk(coordinator, 0)


def test_mark_all_unused_kill_not_true_marks_instead(coordinator: DruidTarget, datasource: str) -> None:
    # kill is a Boolean: only "true" (any case) kills; "1" takes the mark-all-unused branch.
    resp = coordinator.delete(f"{P}/{datasource}", params={"kill": "1", "interval": DAY_PATH})
    assert resp.status_code == 200
    assert resp.json() == bulk(coordinator, 0)


@pytest.mark.fake_only
def test_mark_all_unused_counts_changed_segments(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, unused=(0,))
    resp = coordinator.delete(f"{P}/{datasource}")
    assert resp.status_code == 200
    assert resp.json() == bulk(coordinator, 22)
    coordinator.eventually(lambda: _assert_equal(used_ids(coordinator, datasource), set()))
    # Nothing is served any more.
    assert coordinator.get(f"{P}/{datasource}").status_code == 204
    _assert_emptied_view(coordinator, datasource)


def test_mark_unused_of_an_unknown_id_files_a_datasource_with_no_rows(
    coordinator: DruidTarget, datasource: str
) -> None:
    # Druid 37.0.0 (measured): the segment metadata cache files any id of the datasource, a row or not, and its
    # metadata view shows that datasource with no segments until the cache's sync 10 s later (unit-tested on the
    # fake's clock, tests/unit/test_cluster.py); 28.0.0 and 33.0.0 know no such datasource.
    sid = f"{datasource}_2020-01-01T00:00:00.000Z_2020-01-02T00:00:00.000Z_2024-01-01T00:00:00.000Z"
    coordinator.delete(f"{P}/{datasource}/segments/{sid}")  # its answer per release: test_single_segment.py
    keeps = resolve_profile(coordinator.profile).metadata_keeps_emptied_datasources

    def view() -> tuple[int, object, bool]:
        resp = coordinator.get(f"{M}/datasources/{datasource}/segments")
        listed = datasource in coordinator.get(f"{M}/datasources").json()
        result = (resp.status_code, resp.json() if resp.status_code == 200 else None, listed)
        assert result == ((200, [], True) if keeps else (404, None, False))
        return result

    coordinator.eventually(view)
    assert coordinator.get(f"{M}/datasources", params={"includeUnused": ""}).json().count(datasource) == 0


def _assert_emptied_view(coordinator: DruidTarget, datasource: str) -> None:
    """The metadata view of a datasource whose used segments all became unused (its unused rows remain)."""
    resp = coordinator.get(f"{M}/datasources/{datasource}")
    listed = datasource in coordinator.get(f"{M}/datasources").json()
    if not resolve_profile(coordinator.profile).metadata_keeps_emptied_datasources:
        # 28.0.0 and 33.0.0: gone from the view.
        assert (resp.status_code, resp.content, listed) == (404, b"", False)
        assert coordinator.get(f"{M}/datasources/{datasource}/segments").status_code == 404
        return
    # 37.0.0 (measured): kept, with no segments, for 10 s after the call (read at once here).
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["name", "properties", "segments"]
    assert (body["name"], list(body["properties"]), body["segments"]) == (datasource, ["created"], [])
    assert listed
    full = [d for d in coordinator.get(f"{M}/datasources", params={"full": ""}).json() if d["name"] == datasource]
    assert [d["segments"] for d in full] == [[]]
    for params in ({}, {"full": ""}):
        segments = coordinator.get(f"{M}/datasources/{datasource}/segments", params=params)
        assert (segments.status_code, segments.json()) == (200, [])


@pytest.mark.historical
def test_metadata_view_after_every_segment_is_marked_unused(coordinator: DruidTarget, datasource: str) -> None:
    # With a Historical serving the datasource: profile "29" (28.0.0) answers markUnused with 204 'not served'
    # when nothing serves it (http-api 1.8).
    seed_wiki(coordinator, datasource, hours=range(2))
    resp = coordinator.post(
        f"{P}/{datasource}/markUnused", json={"interval": f"{WIKI_DAY}T00:00:00.000Z/{WIKI_DAY}T01:00:00.000Z"}
    )
    assert resp.status_code == 200
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"segmentIds": [segment_id(datasource, 1)]})
    assert resp.status_code == 200
    coordinator.eventually(lambda: _assert_equal(used_ids(coordinator, datasource), set()))
    _assert_emptied_view(coordinator, datasource)
    # Not served either way (once the Historical has dropped the segments), and listed with includeUnused either
    # way.
    coordinator.eventually(lambda: _assert_equal(coordinator.get(f"{P}/{datasource}").status_code, 204))
    assert datasource in coordinator.get(f"{M}/datasources", params={"includeUnused": ""}).json()


@pytest.mark.fake_only
def test_metadata_view_of_a_datasource_never_used(coordinator: DruidTarget, datasource: str) -> None:
    # Only unused rows from the start: out of the metadata view in every release measured (28.0.0, 33.0.0, 37.0.0).
    ids = seed_wiki(coordinator, datasource, hours=range(2), unused=(0, 1))
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), set(ids)))
    assert coordinator.get(f"{M}/datasources/{datasource}").status_code == 404
    assert coordinator.get(f"{M}/datasources/{datasource}/segments").status_code == 404
    assert datasource not in coordinator.get(f"{M}/datasources").json()
    assert datasource in coordinator.get(f"{M}/datasources", params={"includeUnused": ""}).json()


# ---------------------------------------------------------------------- kill


def test_kill_unknown_datasource_is_200_empty(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.delete(f"{P}/{datasource}/intervals/{DAY_PATH}")
    assert resp.status_code == 200
    assert resp.content == b""


def _assert_no_page(resp: requests.Response) -> None:
    """An uncaught exception on DELETE: Jetty's ErrorHandler writes a page only for GET, POST and HEAD, so Druid
    (28.0.0 and 33.0.0, measured) answers ``500 Server Error`` with no body and no Content-Type."""
    assert resp.status_code == 500
    assert resp.reason == "Server Error"
    assert "Content-Type" not in resp.headers
    assert resp.content == b""


def test_kill_unparseable_interval_is_500(coordinator: DruidTarget, datasource: str) -> None:
    # An uncaught DruidException ("Invalid interval"), written as no page.
    _assert_no_page(coordinator.delete(f"{P}/{datasource}/intervals/2015-09-12"))


def test_deprecated_kill_without_interval_is_500(coordinator: DruidTarget, datasource: str) -> None:
    # An uncaught NullPointerException (interval.replace on the missing parameter), written as no page.
    _assert_no_page(coordinator.delete(f"{P}/{datasource}", params={"kill": "true"}))


def test_deprecated_kill_unparseable_interval_is_500(coordinator: DruidTarget, datasource: str) -> None:
    _assert_no_page(coordinator.delete(f"{P}/{datasource}", params={"kill": "TRUE", "interval": "yesterday"}))


@pytest.mark.fake_only
def test_kill_deletes_only_unused_segments_inside_interval(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, unused=(1, 2, 3))
    resp = coordinator.delete(f"{P}/{datasource}/intervals/{DAY_PATH}")
    assert resp.status_code == 200
    assert resp.content == b""
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), set()))
    assert used_ids(coordinator, datasource) == {i for h, i in enumerate(ids) if h not in (1, 2, 3)}
    # A killed id is unknown from now on.
    resp = coordinator.post(f"{P}/{datasource}/segments/{ids[1]}")
    assert_update(resp, coordinator, single(coordinator, False))


@pytest.mark.fake_only
def test_kill_leaves_partly_overlapping_unused_segments(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(4), unused=(1, 2))
    resp = coordinator.delete(f"{P}/{datasource}/intervals/2015-09-12T01:30_2015-09-12T04")
    assert resp.status_code == 200
    # The kill task runs asynchronously on a real Overlord.
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), {segment_id(datasource, 1)}))


@pytest.mark.fake_only
def test_kill_submits_a_visible_kill_task(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    coordinator.delete(f"{P}/{datasource}/intervals/{DAY_PATH}")

    def kill_task() -> dict[str, object]:
        tasks = coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json()
        assert len(tasks) == 1
        return tasks[0]  # type: ignore[no-any-return]

    task = coordinator.eventually(kill_task)
    assert task["type"] == "kill"
    assert str(task["id"]).startswith(f"api-issued_kill_{datasource}_")
    status = coordinator.eventually(
        lambda: _finished(coordinator.get(f"{OVERLORD}/task/{task['id']}/status").json())
    )
    assert status["statusCode"] == "SUCCESS"
    # The runner no longer knows a complete task: WAITING on its status, NONE in the task list (measured on
    # 33.0.0 for kill tasks, on 28.0.0 and 33.0.0 for ingestion tasks).
    assert status["runnerStatusCode"] == "WAITING"
    (listed,) = coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json()
    assert (listed["id"], listed["runnerStatusCode"]) == (task["id"], "NONE")


@pytest.mark.fake_only
def test_deprecated_kill_deletes_only_unused_segments(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(3), unused=(1,))
    resp = coordinator.delete(f"{P}/{datasource}", params={"kill": "true", "interval": DAY_PATH})
    assert resp.status_code == 200
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), set()))
    assert used_ids(coordinator, datasource) == {ids[0], ids[2]}


def _finished(body: dict[str, object]) -> dict[str, object]:
    status = body["status"]
    assert isinstance(status, dict) and status["statusCode"] != "RUNNING"
    return status


def _assert_equal(actual: object, expected: object) -> None:
    assert actual == expected
