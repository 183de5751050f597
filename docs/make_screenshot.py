"""Remake ``docs/timeline.png``, the README's picture of the dev server.

Run from the repository root: ``python3 docs/make_screenshot.py`` (needs Debian's chromium and websocket-client).
It starts ``fakedruid serve --seed examples/wikipedia_hour.json``, makes the browser test's changes over HTTP (one
markUnused, one overshadowing update: :mod:`tests.browser.scenario`), opens the printed URL, hovers an
overshadowed box and saves the top of the page.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, ".")

from tests.browser import scenario
from tests.browser.chromium import Chromium, find_chromium
from tests.serve_support import EXAMPLE, serve

OUT = Path("docs/timeline.png")


def main() -> None:
    executable = find_chromium()
    if executable is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with serve("--seed", str(EXAMPLE)) as served, Chromium(executable, width=1200, height=560) as browser:
        scenario.apply(served)
        browser.navigate(served.url + "/")
        box = json.loads(browser.evaluate(
            f"JSON.stringify(document.querySelector('rect.seg[data-id=\"{scenario.segment_id(10)}\"]')"
            ".getBoundingClientRect())"
        ))
        browser.mouse("mouseMoved", box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        browser.wait_for("document.getElementById('info').textContent.includes('overshadowed')")
        # Down to the end of the first timeline, plus a margin.
        bottom = browser.evaluate("document.querySelector('svg.timeline[data-datasource]').getBoundingClientRect().bottom")
        browser.screenshot(OUT, clip={"x": 0, "y": 0, "width": 1200, "height": bottom + 14})
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
