"""The differential machine's listed differences (differences.py) accept what they name and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract import differences as dif

pytestmark = pytest.mark.fake

DS = "fd_0a1b2c3d"
M = "/druid/coordinator/v1/metadata"


def _step(path: str, endpoint: str, case: str = "plain") -> dif.Step:
    return dif.Step("GET", path, None, endpoint, case, datasource=DS)


def _answer(status: int, body: Any) -> dif.Answer:
    return dif.Answer(status, "application/json", body, b"")


def _kept(step: dif.Step, real: dif.Answer, fake: dif.Answer) -> bool:
    return dif._cache_window_edge(step, real, fake) is not None


EMPTIED = {"name": DS, "properties": {"created": dif.MASK}, "segments": []}


@pytest.mark.parametrize(
    "step, real, fake",
    [
        (_step(f"{M}/datasources/{DS}", "GET /metadata/datasources/{ds}"), _answer(200, EMPTIED), _answer(404, None)),
        (_step(f"{M}/datasources/{DS}/segments", "GET /metadata/datasources/{ds}/segments"), _answer(200, []),
         _answer(404, None)),
        (_step(f"{M}/datasources", "GET /metadata/datasources"), _answer(200, [DS]), _answer(200, [])),
        (_step(f"{M}/datasources?full", "GET /metadata/datasources", "?full"), _answer(200, [EMPTIED]),
         _answer(200, [])),
    ],
    ids=["datasource", "segments", "list", "full list"],
)
def test_either_side_of_the_window_edge_is_listed(step: dif.Step, real: dif.Answer, fake: dif.Answer) -> None:
    assert _kept(step, real, fake)
    assert _kept(step, fake, real)  # the fake's window may be the one still open


@pytest.mark.parametrize(
    "step, real, fake",
    [
        # The datasource still has used segments on the real side: a real difference.
        (_step(f"{M}/datasources/{DS}", "GET /metadata/datasources/{ds}"),
         _answer(200, {**EMPTIED, "segments": [{"identifier": "x"}]}), _answer(404, None)),
        (_step(f"{M}/datasources/{DS}/segments", "GET /metadata/datasources/{ds}/segments"), _answer(200, ["x"]),
         _answer(404, None)),
        (_step(f"{M}/datasources?full", "GET /metadata/datasources", "?full"),
         _answer(200, [{**EMPTIED, "segments": [{"identifier": "x"}]}]), _answer(200, [])),
        # includeUnused lists datasources with unused rows on both sides: never the cache's window.
        (_step(f"{M}/datasources?includeUnused", "GET /metadata/datasources", "?includeUnused"), _answer(200, [DS]),
         _answer(200, [])),
        # Another endpoint, or both sides alike.
        (_step(f"{M}/segments?datasources={DS}", "GET /metadata/segments", "?datasources"), _answer(200, []),
         _answer(404, None)),
        (_step(f"{M}/datasources/{DS}", "GET /metadata/datasources/{ds}"), _answer(200, EMPTIED),
         _answer(200, EMPTIED)),
    ],
    ids=["datasource with segments", "segments listed", "full list with segments", "includeUnused",
         "other endpoint", "no difference"],
)
def test_other_answers_are_not_the_cache_window(step: dif.Step, real: dif.Answer, fake: dif.Answer) -> None:
    assert not _kept(step, real, fake)


def test_the_cache_window_is_listed_for_37_only() -> None:
    (listed,) = [d for d in dif.LISTED if d.name == "cache_window_edge"]
    assert listed.versions == ("37.0.0",)
