"""The agenda: every dated thing an alliance must not miss, from every app, in one shape.

Apps register a *source* - ``source(alliance_ids, start, end) -> Iterable[AgendaItem]`` -
that yields their due dates (agreement notice deadlines, commitments, milestones, meetings,
action items, cadences …) for the given alliances. One reader then serves the dashboard's
"due this week" and "overdue" panels, the iCalendar feeds and the reminders, so a new kind
of date shows up everywhere by registering once.

``alliance_ids`` is always the result of the visibility rule for the person asking, so a
source never decides visibility itself; a source must query in bulk (no query per item).

A source with many items (a big program's open deals) also registers a *summary* for the
dashboard's panels: per kind the count of its OPEN items and the first few, counted in the
database (``counted``) - exactly what ``summarize`` would answer over its items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

#: Up to this many open items of a kind, ``counted`` builds them all rather than look up the
#: last day it needs (one query less; a few dozen items cost less than a query).
FEW = 40

#: How an item stands on a given day.
OPEN, DONE = "open", "done"


@dataclass(frozen=True)
class AgendaItem:
    """One dated thing. ``uid`` is stable across runs (reminders and ICS UIDs rely on it)."""

    uid: str  # e.g. "agreement-12-notice"; unique across all sources
    alliance_id: int
    kind: str  # e.g. "agreement_notice", "commitment_due", "meeting", "action_item"
    title: str
    day: date  # the due date (or the meeting's date)
    url: str = ""
    status: str = OPEN  # OPEN or DONE: done items never count as overdue
    start: datetime | None = None  # timed events (meetings); all-day when None
    end: datetime | None = None
    description: str = ""
    #: user ids to remind (owners, attendees); empty = the alliance owner
    recipients: tuple[int, ...] = field(default_factory=tuple)
    #: which sharing kind the item belongs to (plan, roadmap, commitments, agreements, governance)
    data_kind: str = ""

    def overdue_on(self, today: date) -> bool:
        return self.status == OPEN and self.day < today


Source = Callable[[Any, date | None, date | None], Iterable[AgendaItem]]
#: Per kind: how many OPEN items, and the first ones of them (``order``), at most a limit.
Counted = dict[str, tuple[int, list[AgendaItem]]]
#: A source's fast path for the dashboard panels: ``summary(alliance_ids, start, end, limit)``
#: counts its OPEN items per kind in the database instead of building every one (a big
#: program has hundreds of thousands of open deals). It must answer what ``summarize`` would
#: answer over the source's items.
Summary = Callable[[Any, date | None, date | None, int], Counted]


@dataclass(frozen=True)
class Registered:
    source: Source
    summary: Summary | None = None
    #: The sharing kind of every item of the source, when it is one (``summary`` is then asked
    #: for the alliances that share that kind only); "" when the items differ.
    data_kind: str = ""


_SOURCES: dict[str, Registered] = {}


def register(name: str, source: Source, *, summary: Summary | None = None, data_kind: str = "") -> None:
    """Register a source under a unique name (idempotent: re-registering replaces it)."""
    _SOURCES[name] = Registered(source, summary, data_kind)


def sources() -> dict[str, Source]:
    return {name: r.source for name, r in _SOURCES.items()}


def registered() -> dict[str, Registered]:
    return dict(_SOURCES)


def order(item: AgendaItem) -> tuple:
    """The agenda's order: by day, timed items by their start, then by uid."""
    return (item.day, item.start.timestamp() if item.start else 0.0, item.uid)


def within(item: AgendaItem, start: date | None, end: date | None) -> bool:
    return (start is None or item.day >= start) and (end is None or item.day <= end)


def items(alliance_ids: Any, start: date | None = None, end: date | None = None) -> list[AgendaItem]:
    """Every registered item of these alliances with ``start <= day <= end`` (open bounds: None)."""
    found: list[AgendaItem] = []
    for registered_source in _SOURCES.values():
        found.extend(i for i in registered_source.source(alliance_ids, start, end) if within(i, start, end))
    found.sort(key=order)
    return found


def summarize(found: Iterable[AgendaItem], limit: int) -> Counted:
    """Count OPEN items per kind and keep the first ``limit`` of each (the slow path of a summary)."""
    by_kind: dict[str, list[AgendaItem]] = {}
    for item in found:
        if item.status == OPEN:
            by_kind.setdefault(item.kind, []).append(item)
    return {k: (len(v), sorted(v, key=order)[:limit]) for k, v in by_kind.items()}


def counted(
    qs: Any, day_field: str, limit: int, build: Callable[[Any], Iterable[AgendaItem]]
) -> tuple[int, list[AgendaItem]]:
    """The fast path for one kind: ``qs`` holds exactly its OPEN rows; count them in the
    database and build only the first ``limit`` items - from the rows on the earliest days,
    every row of the last such day included (ties are ordered by uid, as the agenda orders)."""
    count = qs.count()
    if not count or limit <= 0:
        return count, []
    if count <= FEW:  # a small program: building them all is cheaper than another query
        return count, sorted(build(qs), key=order)[:limit]
    days = list(qs.order_by(day_field).values_list(day_field, flat=True)[:limit])
    if not days:  # archived meanwhile
        return count, []
    return count, sorted(build(qs.filter(**{f"{day_field}__lte": days[-1]})), key=order)[:limit]


def merge(into: Counted, more: Counted, limit: int) -> None:
    for kind, (count, first) in more.items():
        had, kept = into.get(kind, (0, []))
        into[kind] = (had + count, sorted([*kept, *first], key=order)[:limit])


#: Daily passes that change state before the day's reminders are given (e.g. agreements that
#: auto-renew or expire). ``pass_(today)`` must be idempotent.
_DAILY: dict[str, Callable[[date | None], Any]] = {}


def register_daily(name: str, daily_pass: Callable[[date | None], Any]) -> None:
    _DAILY[name] = daily_pass


def run_daily(today: date | None = None) -> dict[str, Any]:
    """Run every registered daily pass; return each one's result by name."""
    return {name: daily_pass(today) for name, daily_pass in _DAILY.items()}
