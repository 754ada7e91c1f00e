"""Agenda items as an RFC 5545 calendar, built with ``icalendar``.

Dated items (deadlines, due dates) are all-day events: ``DTSTART;VALUE=DATE`` and an
exclusive ``DTEND`` on the next day. Timed items (meetings) carry their start and end in UTC,
so every calendar client shows them at the right local time whatever its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from amity.core.agenda import DONE, AgendaItem

from .kinds import kind

PRODID = "-//Amity//Alliance agenda//EN"
#: A timed item without an end lasts this long.
DEFAULT_DURATION = timedelta(hours=1)
#: How often calendar clients should fetch the feed again.
REFRESH = timedelta(hours=1)


def absolute_url(url: str, alliance_id: int) -> str:
    """An item's link for use outside Amity (calendars, e-mails)."""
    if url.startswith(("http://", "https://")):
        return url
    path = url or reverse("alliances:alliance_detail", args=[alliance_id])
    return settings.AMITY_BASE_URL + (path if path.startswith("/") else "/" + path)


def event_for(
    item: AgendaItem, *, alliance_name: str, stamp: datetime, with_alliance_in_summary: bool
) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@amity")
    event.add("dtstamp", stamp)
    named = alliance_name and alliance_name not in item.title  # many titles already name it
    summary = f"{alliance_name}: {item.title}" if with_alliance_in_summary and named else item.title
    if item.status == DONE:
        summary = "✓ " + summary
    event.add("summary", summary)
    url = absolute_url(item.url, item.alliance_id)
    lines = [item.description.strip()] if item.description.strip() else []
    lines += [f"{kind(item.kind).label} · {alliance_name}".strip(" ·"), url]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    if item.start is not None:
        start = item.start.astimezone(UTC)
        end = item.end.astimezone(UTC) if item.end is not None else start + DEFAULT_DURATION
        event.add("dtstart", start)
        event.add("dtend", max(end, start))
        event.add("transp", "OPAQUE")
    else:
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("status", "CONFIRMED")
    event.add("categories", [item.kind])
    event.add("x-amity-status", item.status)
    return event


def calendar_bytes(
    items: Iterable[AgendaItem],
    *,
    name: str,
    alliance_names: dict[int, str],
    now: datetime,
    single_alliance: bool = False,
) -> bytes:
    """The whole VCALENDAR for ``items``; ``now`` stamps every event (DTSTAMP)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # X-WR-CALNAME is not a TEXT property, so icalendar does not escape it: a line break in a
    # feed or alliance name would break the document (and icalendar refuses to write it).
    cal.add("x-wr-calname", " ".join(name.split()))
    cal.add("x-wr-caldesc", "Deadlines, due dates and meetings of your alliances, from Amity.")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for item in items:
        cal.add_component(
            event_for(
                item,
                alliance_name=alliance_names.get(item.alliance_id, ""),
                stamp=stamp,
                with_alliance_in_summary=not single_alliance,
            )
        )
    return cal.to_ical()
