"""Writes: calendar feeds, reminders and their e-mail digest, the daily schedule guard."""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from amity.accounts.models import User
from amity.alliances import sharing
from amity.alliances.models import Alliance
from amity.core import agenda
from amity.core.agenda import OPEN, AgendaItem
from amity.core.models import user_role
from amity.core.permissions import is_internal
from amity.core.roles import INTERNAL_ROLES
from amity.core.services import require, set_history_user

from . import selectors
from .ics import absolute_url, calendar_bytes
from .kinds import SHORT_NOTICE_DAYS, kind, reminder_days
from .models import CalendarFeed, Notification, Reason, ScheduledRun

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "cal_"
#: ``last_used_at`` is written at most this often (a calendar client polls every few minutes).
TOUCH_EVERY = timedelta(minutes=5)


# --- calendar feeds ------------------------------------------------------------------------


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_url(raw: str) -> str:
    """The absolute https:// (or http://) address of a feed."""
    return settings.AMITY_BASE_URL + reverse("notifications:feed", args=[raw])


def webcal_url(raw: str) -> str:
    """The same address with the webcal:// scheme, which calendar apps open as a subscription."""
    return "webcal://" + feed_url(raw).split("://", 1)[-1]


def feed_create(*, user: Any, name: str = "", alliance: Alliance | None = None) -> tuple[CalendarFeed, str]:
    """Create a feed for ``user``; return it and the raw token, which is never stored."""
    require(user, "create", CalendarFeed)
    if alliance is not None:
        if not Alliance.objects.visible_to(user).filter(pk=alliance.pk).exists():
            raise ValidationError({"alliance": f"Alliance {alliance.pk} not found."})
        if alliance.archived_at is not None:
            raise ValidationError({"alliance": f"{alliance} is archived."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        owner=user,
        alliance=alliance,
        name=(name or "").strip() or (alliance.name if alliance else "All my alliances"),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=_digest(raw),
    )
    feed.full_clean()
    set_history_user(feed, user)
    with transaction.atomic():
        feed.save()
    return feed, raw


def feed_revoke(*, feed: CalendarFeed, user: Any) -> CalendarFeed:
    """Revoke a feed: its URL answers 404 from now on. Revoking twice changes nothing."""
    require(user, "change", feed)
    if feed.revoked_at is not None:
        return feed
    with transaction.atomic():
        current = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        current.revoked_at = timezone.now()
        current.version += 1
        current._change_reason = "revoked"
        set_history_user(current, user)
        current.save()
    return current


def feed_resolve(token: str) -> CalendarFeed:
    """The active feed of an active owner for a raw token; 404 for anything else."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise Http404("No such calendar.")
    feed = CalendarFeed.objects.select_related("owner", "alliance").filter(digest=_digest(token)).first()
    if feed is None or not feed.is_active or not feed.owner.is_active:
        raise Http404("No such calendar.")
    return feed


def feed_render(*, token: str, now: datetime | None = None) -> bytes:
    """The iCalendar document of a feed, read as its owner sees the alliances *now*.

    A feed of one alliance the owner can no longer see is as unknown as a wrong token (404).
    """
    now = now or timezone.now()
    feed = feed_resolve(token)
    owner = feed.owner
    if (
        feed.alliance_id is not None
        and not Alliance.objects.visible_to(owner).filter(pk=feed.alliance_id).exists()
    ):
        raise Http404("No such calendar.")
    start, end = selectors.feed_window(timezone.localdate(now))
    items = selectors.agenda_for(user=owner, start=start, end=end, alliance_id=feed.alliance_id)
    names = selectors.alliance_names({i.alliance_id for i in items} | ({feed.alliance_id} - {None}))
    if feed.last_used_at is None or now - feed.last_used_at > TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    title = f"Amity: {feed.name}"
    return calendar_bytes(
        items, name=title, alliance_names=names, now=now, single_alliance=feed.alliance_id is not None
    )


# --- notifications -------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    require(user, "change", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        set_history_user(notification, user)
        with transaction.atomic():
            notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; return how many."""
    with transaction.atomic():
        return (
            Notification.objects.visible_to(user)
            .filter(user_id=user.pk, read_at__isnull=True)
            .update(read_at=timezone.now(), updated_at=timezone.now())
        )


# --- reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    user_id: int
    item: AgendaItem
    reason: str


def reminder_reason(item: AgendaItem, today: date) -> str | None:
    """Why an item is reminded today: overdue, due soon, or not at all."""
    if item.status != OPEN:
        return None
    if item.day < today:
        return Reason.OVERDUE
    if item.day <= today + timedelta(days=reminder_days(item.kind)):
        return Reason.DUE_SOON
    return None


def _may_see(user: User, alliance_id: int, partner_alliances: dict[int, set[int]]) -> bool:
    role = user_role(user)
    if role in INTERNAL_ROLES:
        return True
    return alliance_id in partner_alliances.get(user.pk, set())


def reminders_due(*, today: date) -> list[Reminder]:
    """Every (recipient, item, reason) that should be reminded today, visible or not yet given.

    Recipients are the item's own (owners, attendees) or else the alliance owner; a person
    who cannot see the alliance (a partner user of another organization, an inactive user)
    is never reminded of it.
    """
    alliances = Alliance.objects.active()
    owners = dict(alliances.values_list("pk", "owner_id"))
    ahead = max(settings.AMITY_REMINDER_DAYS, SHORT_NOTICE_DAYS)
    since = today - timedelta(days=selectors.OVERDUE_LOOKBACK_DAYS)
    items = agenda.items(alliances.values_list("pk", flat=True), since, today + timedelta(days=ahead))
    wanted: list[tuple[int, AgendaItem, str]] = []
    for item in items:
        reason = reminder_reason(item, today)
        if reason is None:
            continue
        recipients = item.recipients or ((owners[item.alliance_id],) if owners.get(item.alliance_id) else ())
        wanted += [(user_id, item, reason) for user_id in dict.fromkeys(recipients)]
    if not wanted:
        return []
    users = {u.pk: u for u in User.objects.filter(pk__in={w[0] for w in wanted}, is_active=True)}
    # Partner users: what each may see, through the one visibility rule (a query per partner),
    # and of each alliance only the kinds of data it shares with the partner's organization.
    partner_alliances = {
        u.pk: set(Alliance.objects.visible_to(u).values_list("pk", flat=True))
        for u in users.values()
        if not is_internal(u)
    }
    kinds = {
        org_id: sharing.kind_filter(org_id)
        for org_id in {users[pk].organization_id for pk in partner_alliances if users[pk].organization_id}
    }

    def shared(user: Any, item: AgendaItem) -> bool:
        sees = kinds.get(user.organization_id) if user.pk in partner_alliances else None
        return sees is None or sees(item.alliance_id, item.data_kind)

    return [
        Reminder(user_id, item, reason)
        for user_id, item, reason in wanted
        if user_id in users
        and _may_see(users[user_id], item.alliance_id, partner_alliances)
        and shared(users[user_id], item)
    ]


def _notifications_for(reminders: list[Reminder], now: datetime) -> list[Notification]:
    given = set(
        Notification.objects.filter(uid__in={r.item.uid for r in reminders}).values_list(
            "user_id", "uid", "reason"
        )
    )
    return [
        Notification(
            user_id=r.user_id,
            alliance_id=r.item.alliance_id,
            uid=r.item.uid,
            reason=r.reason,
            kind=r.item.kind[:40],
            title=r.item.title[:300],
            url=r.item.url[:500],
            day=r.item.day,
            created_at=now,
        )
        for r in reminders
        if (r.user_id, r.item.uid, r.reason) not in given
    ]


def daily_run(*, today: date | None = None) -> int:
    """The daily job: every app's daily pass (``agenda.run_daily``), then the reminders.

    Returns the number of reminders created (idempotent like its parts)."""
    agenda.run_daily(today)
    return reminders_send(today=today)


def reminders_send(*, today: date | None = None, email: bool = True) -> int:
    """Create today's reminders and e-mail each person one digest; return how many were created.

    Idempotent: a reminder is given at most once per (person, item, reason), so a second run
    on the same day creates nothing and sends nothing. A digest that fails to send is tried
    again on the next run (its notifications stay marked as not e-mailed).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    reminders = reminders_due(today=today)
    created: list[Notification] = []
    for attempt in range(2):
        try:
            with transaction.atomic():
                new = _notifications_for(reminders, now)
                if new:
                    created = bulk_create_with_history(
                        new, Notification, default_change_reason="reminder", default_date=now
                    )
            break
        except IntegrityError:
            # Another run gave some of these reminders meanwhile: look again, once.
            if attempt:
                raise
    if email:
        digests_send(today=today)
    return len(created)


def _digest_subject(context: dict[str, Any]) -> str:
    overdue, soon = len(context["overdue"]), len(context["due_soon"])
    parts = [f"{overdue} overdue"] if overdue else []
    parts += [f"{soon} due soon"] if soon else []
    return f"Amity reminders: {', '.join(parts)}"


def digest_context(user: User, notes: list[Notification], today: date) -> dict[str, Any]:
    """What a digest lists: each item once, as it stands today (a reminder given as "due
    soon" that was not e-mailed before its day is listed as overdue)."""
    entries: dict[str, dict[str, Any]] = {}
    for n in notes:
        entries[n.uid] = {
            "title": n.title,
            "alliance": n.alliance.name,
            # The alliance in brackets only where the title does not already name it.
            "alliance_note": "" if n.alliance.name in n.title else f" ({n.alliance.name})",
            "kind": kind(n.kind).label,
            "day": n.day,
            "days": abs((today - n.day).days),
            "url": absolute_url(n.url, n.alliance_id),
        }
    ordered = sorted(entries.values(), key=lambda e: (e["day"], e["title"]))
    return {
        "user": user,
        "today": today,
        "overdue": [e for e in ordered if e["day"] < today],
        "due_soon": [e for e in ordered if e["day"] >= today],
        "inbox_url": settings.AMITY_BASE_URL + reverse("notifications:notification_list"),
        "calendar_url": settings.AMITY_BASE_URL + reverse("notifications:calendar"),
    }


def digests_send(*, today: date | None = None) -> int:
    """One e-mail per person listing their unread reminders not e-mailed yet; return how many."""
    today = today or timezone.localdate()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, archived_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "alliance")
        .order_by("user_id", "day", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in pending:
        by_user[note.user_id].append(note)
    sent = 0
    connection = get_connection()
    for notes in by_user.values():
        user = notes[0].user
        context = digest_context(user, notes, today)
        message = EmailMultiAlternatives(
            subject=_digest_subject(context),
            body=render_to_string("notifications/email/digest.txt", context),
            to=[user.email],
            connection=connection,
        )
        message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("The reminder digest for %s could not be sent; it is retried next run.", user)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
        sent += 1
    return sent


# --- the daily schedule --------------------------------------------------------------------

DAILY_REMINDERS = "send_daily_reminders"


def daily_reminders_schedule(*, today: date | None = None) -> bool:
    """Enqueue today's reminder run unless some worker already did; True when this call did.

    The guard is a database row with a unique (task, day): of any number of workers asking at
    the same moment exactly one inserts it, and its task is enqueued in the same transaction.
    """
    from .tasks import send_daily_reminders

    today = today or timezone.localdate()
    with transaction.atomic():
        run, created = ScheduledRun.objects.get_or_create(task=DAILY_REMINDERS, day=today)
        if not created:
            return False
        result = send_daily_reminders.enqueue(today.isoformat())
        ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id)[:64])
    return True
