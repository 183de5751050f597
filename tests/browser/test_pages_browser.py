"""The dev server's pages in a real browser: headless Debian chromium over the DevTools protocol.

Marked ``browser``: the fast suite leaves these out (``-m "not slow and not browser"``); ``.ci/run`` installs
chromium and runs them. Without chromium they skip with a message naming what is missing, except under
``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import scenario
from tests.browser.chromium import Chromium, find_chromium
from tests.serve_support import EXAMPLE, serve

pytestmark = pytest.mark.browser

#: Colours the legend promises, as the browser computes them.
FILLS = {
    ("visible", True): "rgb(29, 78, 216)",
    ("visible", False): "rgb(147, 197, 253)",
    ("overshadowed", False): "rgb(245, 158, 11)",
    ("unused", False): "rgb(229, 231, 235)",
}


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; .ci/run installs it, so under CI=true the browser tests must run")
    pytest.skip(f"{what} (the browser tests need Debian's chromium and the 'test' extra's websocket-client)")


@pytest.fixture
def browser() -> Iterator[Chromium]:
    """A fresh headless chromium with a fresh profile."""
    try:
        import websocket  # noqa: F401
    except ImportError:
        _missing("websocket-client is not installed (pip install websocket-client)")
    executable = find_chromium()
    if executable is None:
        _missing("chromium is not installed (apt-get install chromium; or set FAKEDRUID_CHROMIUM to its path)")
    with Chromium(executable) as chromium:
        yield chromium


BOXES_JS = """JSON.stringify(Array.from(document.querySelectorAll('svg.timeline rect.seg[data-id]')).map(r => {
  const b = r.getBBox();
  return {id: r.dataset.id, state: r.dataset.state, served: r.dataset.served === 'true',
          fill: getComputedStyle(r).fill, x: b.x, y: b.y, w: b.width, h: b.height};
}))"""


def test_landing_page_draws_every_segment_of_the_example_with_its_state(
    browser: Chromium, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        scenario.apply(served)
        browser.navigate(served.url + "/")
        boxes = {b["id"]: b for b in json.loads(browser.evaluate(BOXES_JS))}
        shot = browser.screenshot(tmp_path / "landing.png")
        with capsys.disabled():
            print(f"\nscreenshot of the landing page: {shot}")
        # The page reloads when the token changes: after its own load the server's token must be the page's.
        same = browser.evaluate(
            "fetch('/fakedruid/v1/version').then(r => r.json()).then(j => j.version === document.body.dataset.token)"
        )

    assert same is True
    expected = scenario.expected_states()
    assert {i: b["state"] for i, b in boxes.items()} == expected
    for sid, box in boxes.items():
        # What is used and visible is served (the example's rule loads everything); nothing else is.
        assert box["served"] == (expected[sid] == "visible"), sid
        assert box["fill"] == FILLS[(box["state"], box["served"])], sid
        assert box["w"] > 10 and box["h"] > 10, (sid, box)
    new = [boxes[i] for i in scenario.UPDATE_IDS]
    old = boxes[scenario.segment_id(8)]
    older = boxes[scenario.segment_id(5, "2023-08-09T22:41:17.512Z")]
    assert new[0]["y"] < old["y"] < older["y"], "lanes: newest version on top"
    assert new[0]["y"] < new[1]["y"] and new[0]["x"] == new[1]["x"], "partitions stack inside the lane"
    assert new[0]["x"] == pytest.approx(old["x"]) and new[0]["w"] == pytest.approx(4 * old["w"], rel=0.01)
    assert shot.stat().st_size > 10_000


def test_hovering_a_box_shows_its_segment(browser: Chromium) -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        scenario.apply(served)
        browser.navigate(f"{served.url}/fakedruid/datasources/{scenario.DS}")
        sid = scenario.UPDATE_IDS[1]
        rect = json.loads(browser.evaluate(
            f"JSON.stringify(document.querySelector('rect.seg[data-id=\"{sid}\"]').getBoundingClientRect())"
        ))
        browser.mouse("mouseMoved", rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2)
        info = browser.wait_for(f"document.getElementById('info').textContent.includes('{sid}') && "
                                "document.getElementById('info').textContent")
    assert "used, visible, served" in info
    assert "rows 3,620" in info and "partition 1" in info


def test_dragging_across_the_timeline_zooms_in(browser: Chromium) -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        browser.navigate(f"{served.url}/fakedruid/datasources/{scenario.DS}")
        first, last = (
            json.loads(browser.evaluate(
                f"JSON.stringify(document.querySelector('rect.seg[data-id=\"{scenario.segment_id(h)}\"]')"
                ".getBoundingClientRect())"
            ))
            for h in (2, 4)
        )
        y = first["y"] + first["height"] / 2
        # From the middle of 02:00-03:00 to the middle of 04:00-05:00.
        browser.mouse("mousePressed", first["x"] + first["width"] / 2, y)
        browser.mouse("mouseMoved", last["x"] + last["width"] / 2, y)
        browser.mouse("mouseReleased", last["x"] + last["width"] / 2, y)
        search = browser.wait_for("location.search.includes('start=') && location.search")
        browser.wait_for("document.readyState === 'complete' && document.querySelector('svg.timeline') !== null")
        ids = json.loads(browser.evaluate(
            "JSON.stringify(Array.from(document.querySelectorAll('svg.timeline rect.seg[data-id]'), r => r.dataset.id))"
        ))
    assert "start=2015-09-12T02:" in search and "end=2015-09-12T04:" in search
    assert set(ids) == {scenario.segment_id(h) for h in (2, 3, 4)}


def test_the_page_follows_a_change_made_over_http(browser: Chromium) -> None:
    with serve("--seed", str(EXAMPLE)) as served:
        browser.navigate(f"{served.url}/fakedruid/datasources/{scenario.DS}")
        selector = f"rect.seg[data-id=\"{scenario.MARKED_UNUSED}\"]"
        assert browser.evaluate(f"document.querySelector('{selector}').dataset.state") == "visible"
        scenario.apply(served)
        # The page polls /fakedruid/v1/version and reloads itself; no navigation here.
        state = browser.wait_for(
            f"document.querySelector('{selector}') && document.querySelector('{selector}').dataset.state === 'unused'"
            f" && document.querySelectorAll('rect.seg[data-id=\"{scenario.UPDATE_IDS[0]}\"]').length"
        )
    assert state == 1
