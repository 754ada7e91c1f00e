"""The agenda: every dated thing an alliance must not miss, from every app, in one shape.

Apps register a *source* - ``source(alliance_ids, start, end) -> Iterable[AgendaItem]`` -
that yields their due dates (agreement notice deadlines, commitments, milestones, meetings,
action items, cadences …) for the given alliances. One reader then serves the dashboard's
"due this week" and "overdue" panels, the iCalendar feeds and the reminders, so a new kind
of date shows up everywhere by registering once.

``alliance_ids`` is always the result of the visibility rule for the person asking, so a
source never decides visibility itself; a source must query in bulk (no query per item).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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
_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Register a source under a unique name (idempotent: re-registering replaces it)."""
    _SOURCES[name] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def items(alliance_ids: Any, start: date | None = None, end: date | None = None) -> list[AgendaItem]:
    """Every registered item of these alliances with ``start <= day <= end`` (open bounds: None)."""
    found: list[AgendaItem] = []
    for source in _SOURCES.values():
        for item in source(alliance_ids, start, end):
            if (start is None or item.day >= start) and (end is None or item.day <= end):
                found.append(item)
    found.sort(key=lambda i: (i.day, i.start.timestamp() if i.start else 0.0, i.uid))
    return found


#: Daily passes that change state before the day's reminders are given (e.g. agreements that
#: auto-renew or expire). ``pass_(today)`` must be idempotent.
_DAILY: dict[str, Callable[[date | None], Any]] = {}


def register_daily(name: str, daily_pass: Callable[[date | None], Any]) -> None:
    _DAILY[name] = daily_pass


def run_daily(today: date | None = None) -> dict[str, Any]:
    """Run every registered daily pass; return each one's result by name."""
    return {name: daily_pass(today) for name, daily_pass in _DAILY.items()}
