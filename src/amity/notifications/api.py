"""REST API for calendar feeds, the agenda and notifications.

Feeds and notifications are personal: a user lists, creates and revokes only their own, and
another person's feed or notification answers 404 exactly like one that does not exist.
Every signed-in role may manage their own (like API tokens) - executives and partner users
included - because a feed or a read mark changes nothing about the alliances.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
    renamed_fields,
)

from . import selectors, services
from .ics import absolute_url
from .kinds import kind
from .models import CalendarFeed, Notification, Reason

router = Router()


class AllianceRef(Schema):
    id: int
    name: str


# --- calendar feeds ------------------------------------------------------------------------


class FeedOut(Schema):
    id: int
    name: str
    alliance: AllianceRef | None = Field(description="The alliance it covers; null for all your alliances.")
    prefix: str = Field(description="The first characters of the secret address's token.")
    created_at: datetime
    last_used_at: datetime | None = Field(description="When a calendar app last fetched it.")
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: CalendarFeed) -> bool:
        return obj.revoked_at is None


class FeedCreatedOut(FeedOut):
    url: str = Field(description="The secret address. Shown only in this answer: keep it.")
    webcal_url: str = Field(description="The same address for calendar apps (webcal://).")


class FeedIn(InputSchema):
    """A new feed: of one alliance you can see, or (without ``alliance_id``) of all of them."""

    name: Text = Field(
        "", max_length=100, description="Shown as the calendar's name; default: the alliance's."
    )
    alliance_id: Id | None = None


class FeedFilters(Schema):
    include_revoked: bool = Field(False, description="Also list revoked feeds.")


@router.get("/calendar/feeds", response={200: list[FeedOut], **READ_ERRORS}, tags=["calendar"])
@paginate(Page)
def feed_list(request: HttpRequest, filters: Query[FeedFilters]):
    return selectors.feed_list(user=acting_user(request), include_revoked=filters.include_revoked)


@router.post("/calendar/feeds", response={201: FeedCreatedOut, **WRITE_ERRORS}, tags=["calendar"])
def feed_create(request: HttpRequest, payload: FeedIn):
    user = acting_user(request)
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, payload.alliance_id, "alliance_id")
    resolve.check()
    with renamed_fields({"alliance": "alliance_id"}):
        feed, raw = services.feed_create(user=user, name=payload.name, alliance=alliance)
    # The address exists only in this answer: the token is not stored.
    feed.url, feed.webcal_url = services.feed_url(raw), services.webcal_url(raw)
    return Status(201, feed)


@router.delete("/calendar/feeds/{feed_id}", response={204: None, **WRITE_ERRORS}, tags=["calendar"])
def feed_revoke(request: HttpRequest, feed_id: int):
    """Revoke a feed: its address answers 404 from now on."""
    user = acting_user(request)
    feed = get_visible(CalendarFeed, user, feed_id, selectors.feed_list(user=user))
    services.feed_revoke(feed=feed, user=user)
    return Status(204, None)


# --- the agenda ----------------------------------------------------------------------------


class AgendaFilters(Schema):
    alliance: Id | None = Field(None, description="Only this alliance (id).")
    start: date | None = Field(None, description="First day (default: 90 days ago).")
    end: date | None = Field(None, description="Last day, inclusive (default: 400 days ahead).")


class AgendaItemOut(Schema):
    uid: str = Field(description="Stable id of the item (the calendar feeds' UID is `<uid>@amity`).")
    alliance: AllianceRef
    kind: str
    kind_label: str
    title: str
    day: date
    start: datetime | None = Field(description="Start of a timed item (meetings); null for all-day items.")
    end: datetime | None
    all_day: bool
    status: str = Field(description="open or done.")
    overdue: bool
    days_overdue: int
    url: str
    description: str
    data_kind: str


@router.get("/calendar/agenda", response={200: list[AgendaItemOut], **READ_ERRORS}, tags=["calendar"])
@paginate(Page)
def agenda(request: HttpRequest, filters: Query[AgendaFilters]):
    """The dated items of the alliances you can see (deadlines, due dates, meetings …)."""
    return selectors.agenda_json(
        user=acting_user(request), start=filters.start, end=filters.end, alliance_id=filters.alliance
    )


# --- notifications -------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    alliance: AllianceRef
    uid: str = Field(description="The agenda item reminded of.")
    reason: Reason
    kind: str
    kind_label: str
    title: str
    url: str
    day: date = Field(description="The item's due date.")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return kind(obj.kind).label

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return absolute_url(obj.url, obj.alliance_id)

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.read_at is None


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read.")


class ReadAllOut(Schema):
    marked: int = Field(description="How many notifications were marked read.")


def _own(user: Any, notification_id: int) -> Notification:
    return get_visible(Notification, user, notification_id, selectors.notification_list(user=user))


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS}, tags=["notifications"])
@paginate(Page)
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]):
    """Your notifications: unread first, then the newest."""
    return selectors.notification_list(user=acting_user(request), unread=filters.unread)


@router.post("/notifications/read-all", response={200: ReadAllOut, **WRITE_ERRORS}, tags=["notifications"])
def notification_read_all(request: HttpRequest):
    return {"marked": services.notification_mark_all_read(user=acting_user(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
    tags=["notifications"],
)
def notification_read(request: HttpRequest, notification_id: int):
    user = acting_user(request)
    return services.notification_mark_read(notification=_own(user, notification_id), user=user)
