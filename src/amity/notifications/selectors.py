"""Reads: the agenda as one person may see it, the dashboard panels, feeds and notifications.

Every read takes the user and starts from ``visible_to``: the agenda of a user is the
agenda of the alliances ``Alliance.objects.visible_to(user)`` admits, asked of every
registered source in one bulk call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from amity.alliances import sharing
from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.core import agenda
from amity.core.agenda import AgendaItem
from amity.core.permissions import is_internal

from .ics import absolute_url
from .kinds import Kind, kind
from .models import CalendarFeed, Notification

#: The calendar feeds show items from this many days back …
FEED_DAYS_BACK = 90
#: … to this many days ahead.
FEED_DAYS_AHEAD = 400
#: The dashboard's "due this week": today and the next seven days.
WEEK_DAYS = 7
#: How far back an open item still counts as overdue (on the dashboard and in reminders).
OVERDUE_LOOKBACK_DAYS = 365
#: Days the agenda API accepts (far-off dates are typing mistakes, and keep date arithmetic safe).
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
#: The longest window the agenda API answers in one request.
MAX_AGENDA_DAYS = 731
#: Items shown per kind in a dashboard panel before "and N more".
PANEL_ITEMS_PER_KIND = 4


def visible_alliance_ids(*, user: Any) -> QuerySet:
    """Ids of the active alliances ``user`` can see now (a subquery, not a list)."""
    return Alliance.objects.visible_to(user).active().values_list("pk", flat=True)


def alliance_names(ids: set[int]) -> dict[int, str]:
    """Names of the given alliances, in one query (ids come from visible items only)."""
    if not ids:
        return {}
    return dict(Alliance.objects.filter(pk__in=ids).values_list("pk", "name"))


def agenda_for(
    *, user: Any, start: date | None, end: date | None, alliance_id: int | None = None
) -> list[AgendaItem]:
    """The agenda items of the alliances ``user`` can see (one alliance when given)."""
    ids = visible_alliance_ids(user=user)
    if alliance_id is not None:
        ids = ids.filter(pk=alliance_id)
    items = agenda.items(ids, start, end)
    if not is_internal(user):
        # A partner's agenda (dashboard, calendar feed) holds only the kinds its alliances share.
        sees = sharing.kind_filter(getattr(user, "organization_id", None))
        items = [i for i in items if sees(i.alliance_id, i.data_kind)]
    return items


def feed_window(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)


# --- the dashboard panels ------------------------------------------------------------------


@dataclass
class PanelEntry:
    item: AgendaItem
    alliance_name: str
    days: int  # days overdue (overdue panel) or days until due (due-this-week panel)

    @property
    def url(self) -> str:
        return self.item.url or reverse("alliances:alliance_detail", args=[self.item.alliance_id])


@dataclass
class PanelGroup:
    kind: Kind
    entries: list[PanelEntry] = field(default_factory=list)  # the first ones (at most PANEL_ITEMS_PER_KIND)
    count: int = 0  # all of the kind in the panel

    @property
    def shown(self) -> list[PanelEntry]:
        return self.entries[:PANEL_ITEMS_PER_KIND]

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.shown))


def panel_counts(
    *, user: Any, windows: list[tuple[date, date]], limit: int = PANEL_ITEMS_PER_KIND
) -> list[agenda.Counted]:
    """For each window (first day, last day), per kind the open agenda items ``user`` may see:
    how many, and the first ``limit`` of them. Sources with a summary count in the database (a
    big program's open deals); the others are read item by item once for all the windows, as
    ``agenda_for`` reads them."""
    ids = visible_alliance_ids(user=user)
    organization_id = None if is_internal(user) else getattr(user, "organization_id", None)
    sees = None if is_internal(user) else sharing.kind_filter(organization_id)
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    results: list[agenda.Counted] = [{} for _ in windows]
    for source in agenda.registered().values():
        if source.summary is not None and (sees is None or source.data_kind in DataKind.values):
            scope = (
                ids
                if sees is None
                else ids.filter(pk__in=shared_alliance_ids(organization_id, source.data_kind))
            )
            for counted, (start, end) in zip(results, windows, strict=True):
                agenda.merge(counted, source.summary(scope, start, end, limit), limit)
            continue
        found = [i for i in source.source(ids, first, last) if agenda.within(i, first, last)]
        if sees is not None:
            found = [i for i in found if sees(i.alliance_id, i.data_kind)]
        for counted, (start, end) in zip(results, windows, strict=True):
            agenda.merge(
                counted, agenda.summarize((i for i in found if agenda.within(i, start, end)), limit), limit
            )
    return results


def _groups(counted: agenda.Counted, names: dict[int, str], days) -> list[PanelGroup]:
    groups = [
        PanelGroup(
            kind(code),
            [PanelEntry(i, names.get(i.alliance_id, ""), days(i)) for i in first],
            count,
        )
        for code, (count, first) in counted.items()
        if count
    ]
    return sorted(groups, key=lambda g: (g.kind.order, g.kind.label))


def dashboard_agenda(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """ "Overdue" (open, before today, looking back a year) and "Due this week" (open, today …
    today + 7): per kind how many and the first few - the longest overdue first, the soonest due
    first. Counted per source (in the database where a source can), then one query for the
    alliance names."""
    today = today or timezone.localdate()
    week_end = today + timedelta(days=WEEK_DAYS)
    since = today - timedelta(days=OVERDUE_LOOKBACK_DAYS)
    overdue, due = panel_counts(user=user, windows=[(since, today - timedelta(days=1)), (today, week_end)])
    names = alliance_names({i.alliance_id for c in (overdue, due) for _, first in c.values() for i in first})
    return {
        "today": today,
        "week_end": week_end,
        "overdue_since": since,
        "overdue_groups": _groups(overdue, names, lambda i: (today - i.day).days),
        "overdue_count": sum(count for count, _ in overdue.values()),
        "due_groups": _groups(due, names, lambda i: (i.day - today).days),
        "due_count": sum(count for count, _ in due.values()),
    }


# --- calendar feeds ------------------------------------------------------------------------


def feed_list(*, user: Any, include_revoked: bool = True) -> QuerySet:
    """The user's own feeds (nobody sees another person's feeds)."""
    qs = CalendarFeed.objects.visible_to(user).filter(owner_id=user.pk).select_related("alliance")
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("revoked_at", "-created_at", "-id")


# --- notifications -------------------------------------------------------------------------


def notification_list(*, user: Any, unread: bool | None = None) -> QuerySet:
    """The user's own notifications: unread first, then the newest."""
    qs = (
        Notification.objects.visible_to(user)
        .filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("alliance")
    )
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.annotate(
        read_rank=Case(
            When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("read_rank", "-created_at", "day", "-id")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_list(user=user, unread=True).count()


def item_json(item: AgendaItem, *, alliance_name: str, today: date) -> dict[str, Any]:
    """One agenda item as the API answers it (recipients are internal: left out)."""
    return {
        "uid": item.uid,
        "alliance": {"id": item.alliance_id, "name": alliance_name},
        "kind": item.kind,
        "kind_label": kind(item.kind).label,
        "title": item.title,
        "day": item.day,
        "start": item.start,
        "end": item.end,
        "all_day": item.start is None,
        "status": item.status,
        "overdue": item.overdue_on(today),
        "days_overdue": (today - item.day).days if item.overdue_on(today) else 0,
        "url": absolute_url(item.url, item.alliance_id),
        "description": item.description,
        "data_kind": item.data_kind,
    }


def agenda_json(
    *,
    user: Any,
    start: date | None = None,
    end: date | None = None,
    alliance_id: int | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """The agenda of ``user`` between ``start`` and ``end`` (default: the feeds' window).

    An alliance the user cannot see reads "not found", like one that does not exist.
    """
    today = today or timezone.localdate()
    default_start, default_end = feed_window(today)
    start = start or default_start
    end = end or default_end
    for name, day in (("start", start), ("end", end)):
        if not EARLIEST <= day <= LATEST:
            raise ValidationError({name: [f"Use a day between {EARLIEST} and {LATEST}."]})
    if end < start:
        raise ValidationError({"end": [f"The end ({end}) is before the start ({start})."]})
    if (end - start).days >= MAX_AGENDA_DAYS:
        raise ValidationError({"end": [f"Ask for at most {MAX_AGENDA_DAYS} days at a time."]})
    if alliance_id is not None and not visible_alliance_ids(user=user).filter(pk=alliance_id).exists():
        raise ValidationError({"alliance": [f"Alliance {alliance_id} not found."]})
    items = agenda_for(user=user, start=start, end=end, alliance_id=alliance_id)
    names = alliance_names({i.alliance_id for i in items})
    return [item_json(i, alliance_name=names.get(i.alliance_id, ""), today=today) for i in items]


# --- pages ---------------------------------------------------------------------------------

#: The calendar page previews this many days of what the feeds hold …
PREVIEW_DAYS = 30
#: … showing at most this many items.
PREVIEW_ITEMS = 12


def calendar_page(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """The user's feeds and a preview of the next weeks of their agenda."""
    today = today or timezone.localdate()
    items = agenda_for(user=user, start=today, end=today + timedelta(days=PREVIEW_DAYS))
    names = alliance_names({i.alliance_id for i in items[:PREVIEW_ITEMS]})
    feeds = list(feed_list(user=user))
    return {
        "feeds": feeds,
        "active_feed_count": sum(1 for f in feeds if f.revoked_at is None),
        "preview": [
            {"item": i, "kind": kind(i.kind), "alliance_name": names.get(i.alliance_id, "")}
            for i in items[:PREVIEW_ITEMS]
        ],
        "preview_total": len(items),
        "preview_days": PREVIEW_DAYS,
        "window_back": FEED_DAYS_BACK,
        "window_ahead": FEED_DAYS_AHEAD,
        "today": today,
    }
