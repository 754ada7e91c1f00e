"""Fixtures for the consumers of the agenda: a test source with real alliances behind it.

The notifications app must not depend on the apps that publish dated items, so these tests
replace the registered sources with one test source for their duration.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest

from amity.alliances.models import Alliance
from amity.core import agenda
from amity.core.agenda import OPEN, AgendaItem

_uids = count(1)


def make_item(
    alliance: Alliance,
    day: date,
    *,
    kind: str = "commitment_due",
    title: str | None = None,
    uid: str | None = None,
    status: str = OPEN,
    start: datetime | None = None,
    end: datetime | None = None,
    recipients: tuple[int, ...] = (),
    url: str = "",
    description: str = "",
) -> AgendaItem:
    n = next(_uids)
    return AgendaItem(
        uid=uid or f"test-{n}",
        alliance_id=alliance.pk,
        kind=kind,
        title=title or f"Item {n}",
        day=day,
        url=url,
        status=status,
        start=start,
        end=end,
        description=description,
        recipients=recipients,
    )


@pytest.fixture(autouse=True)
def _only_test_sources(monkeypatch):
    """No other app's source takes part: these tests are about the consumers of the agenda."""
    monkeypatch.setattr(agenda, "_SOURCES", {})


@pytest.fixture
def agenda_items(db, _only_test_sources):
    """A list to append AgendaItems to; the test source serves those of the asked alliances.

    Like a real source it asks the database once per call, however many items there are.
    """
    entries: list[AgendaItem] = []

    def source(alliance_ids, start, end):
        ids = set(Alliance.objects.filter(pk__in=alliance_ids).values_list("pk", flat=True))
        return [
            e
            for e in entries
            if e.alliance_id in ids and (start is None or e.day >= start) and (end is None or e.day <= end)
        ]

    agenda.register("test", source)
    yield entries
    agenda._SOURCES.pop("test", None)


@pytest.fixture
def base_url(settings):
    settings.AMITY_BASE_URL = "https://amity.example.com"
    return settings.AMITY_BASE_URL
