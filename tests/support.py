"""Helpers shared by fakedruid's own tests (seed data, headers)."""

from __future__ import annotations

from fakedruid import FakeCoordinator

#: The headers the seed documents tell callers to send.
DOC_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/plain"}
#: A fixed "now" so that timestamps and task ids are predictable.
NOW = "2024-05-01T10:00:00.123Z"

WIKI = "wikipedia_hour"
WIKI_VERSION = "2023-08-10T04:12:03.860Z"


def wiki_id(hour: int, version: str = WIKI_VERSION, partition: int = 0) -> str:
    """The id of the seed documents' hourly wikipedia_hour segment starting at ``hour`` on 2015-09-12."""
    base = f"{WIKI}_2015-09-12T{hour:02d}:00:00.000Z_2015-09-12T{hour + 1:02d}:00:00.000Z_{version}"
    return base if partition == 0 else f"{base}_{partition}"


def seed_wiki(
    fake: FakeCoordinator,
    *,
    hours: range = range(0, 23),
    unused: tuple[int, ...] = (),
    used_status_last_updated: str | None = None,
) -> list[str]:
    """Seed hourly segments of 2015-09-12 (hours in ``hours``), those in ``unused`` marked unused.

    :param used_status_last_updated: the rows' last used-status change (default: now).
    """
    extra = {} if used_status_last_updated is None else {"used_status_last_updated": used_status_last_updated}
    return [
        fake.add_segment(
            WIKI,
            f"2015-09-12T{h:02d}/2015-09-12T{h + 1:02d}",
            WIKI_VERSION,
            used=h not in unused,
            size=1000 + h,
            **extra,
        )
        for h in hours
    ]
