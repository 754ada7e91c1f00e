"""Governance's dates on the agenda: meetings, action items due, cadences due and escalations
awaiting a decision. Registered in ``GovernanceConfig.ready()``.

Each source queries in bulk - a fixed number of queries however many alliances - and never
decides visibility itself: ``alliance_ids`` is already the visibility rule's answer.
Recipients are the alliance owner plus, where the item names people, the users whose e-mail
address matches theirs (attendees, the action item's owner, the person escalated to).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.urls import reverse

from amity.core.agenda import DONE, OPEN, AgendaItem, register

from .models import (
    ESCALATION_DAYS,
    ActionItem,
    ActionStatus,
    Cadence,
    Escalation,
    EscalationStatus,
    Meeting,
    MeetingStatus,
)
from .selectors import cadence_statuses, day_start

DATA_KIND = "governance"


def _users_by_email(emails: Iterable[str]) -> dict[str, list[int]]:
    """Active users by lower-cased e-mail address, in one query."""
    wanted = {e.strip().lower() for e in emails if e and e.strip()}
    if not wanted:
        return {}
    found: dict[str, list[int]] = {}
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted)
        .values_list("email_lower", "pk")
    )
    for email, pk in rows:
        found.setdefault(email, []).append(pk)
    return found


def _recipients(owner_id: int | None, emails: Iterable[str], users: dict[str, list[int]]) -> tuple[int, ...]:
    ids: list[int] = [owner_id] if owner_id else []
    for email in emails:
        for pk in users.get((email or "").strip().lower(), []):
            if pk not in ids:
                ids.append(pk)
    return tuple(ids)


def meeting_source(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """Every meeting, timed; done once held or cancelled."""
    qs = Meeting.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True).select_related(
        "alliance", "body"
    )
    if start is not None:
        qs = qs.filter(scheduled_start__gte=day_start(start))
    if end is not None:
        qs = qs.filter(scheduled_start__lt=day_start(min(end, date(9998, 12, 30)) + timedelta(days=1)))
    meetings = list(qs.prefetch_related("attendees").order_by("scheduled_start", "pk"))
    users = _users_by_email(c.email for m in meetings for c in m.attendees.all())
    for m in meetings:
        status = "" if m.status == MeetingStatus.PLANNED else f" ({m.get_status_display().lower()})"
        description = m.agenda or m.get_kind_display()
        if m.location:
            description = f"{description}\n\nWhere: {m.location}"
        yield AgendaItem(
            uid=f"meeting-{m.pk}",
            alliance_id=m.alliance_id,
            kind="meeting",
            title=f"{m.title}{status} · {m.alliance.name}",
            day=m.day,
            url=reverse("governance:meeting_detail", args=[m.pk]),
            status=OPEN if m.status == MeetingStatus.PLANNED else DONE,
            start=m.scheduled_start,
            end=m.end,
            description=description,
            recipients=_recipients(m.alliance.owner_id, (c.email for c in m.attendees.all()), users),
            data_kind=DATA_KIND,
        )


def action_item_source(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """Action items on their due date; done once done or cancelled."""
    qs = ActionItem.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True)
    if start is not None:
        qs = qs.filter(due_date__gte=start)
    if end is not None:
        qs = qs.filter(due_date__lte=end)
    items = list(qs.select_related("alliance", "owner__organization", "meeting").order_by("due_date", "pk"))
    users = _users_by_email(i.owner.email for i in items)
    for item in items:
        yield AgendaItem(
            uid=f"action-item-{item.pk}",
            alliance_id=item.alliance_id,
            kind="action_item_due",
            title=f"Action due: {item.title} ({item.owner}, {item.owner.organization}) · {item.alliance.name}",
            day=item.due_date,
            url=item.get_absolute_url(),
            status=OPEN if item.status == ActionStatus.OPEN else DONE,
            description=item.notes or (f"From {item.meeting}" if item.meeting_id else ""),
            recipients=_recipients(item.alliance.owner_id, [item.owner.email], users),
            data_kind=DATA_KIND,
        )


def cadence_source(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """The next due date of every active cadence (two queries for any number of alliances)."""
    cadences = (
        Cadence.objects.filter(
            alliance_id__in=alliance_ids,
            archived_at__isnull=True,
            active=True,
            alliance__archived_at__isnull=True,
        )
        .select_related("alliance")
        .order_by("pk")
    )
    for status in cadence_statuses(cadences, alliance_ids=alliance_ids):
        due = status.next_due
        if due is None or (start is not None and due < start) or (end is not None and due > end):
            continue
        c = status.cadence
        yield AgendaItem(
            uid=f"cadence-{c.pk}-{due:%Y%m%d}",
            alliance_id=c.alliance_id,
            kind="cadence_due",
            title=f"{c.get_meeting_kind_display()} due · {c.alliance.name}",
            day=due,
            url=c.get_absolute_url(),
            status=OPEN,
            description=status.explanation,
            recipients=_recipients(c.alliance.owner_id, [], {}),
            data_kind=DATA_KIND,
        )


def escalation_source(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """Escalations on the day their 30 days to a decision run out; done once decided or withdrawn."""
    qs = Escalation.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True)
    # The item's day is raised_on + 30, so the date window shifts by 30 days.
    if start is not None and start > date.min + timedelta(days=ESCALATION_DAYS):
        qs = qs.filter(raised_on__gte=start - timedelta(days=ESCALATION_DAYS))
    if end is not None:
        qs = qs.filter(
            raised_on__lte=max(end, date.min + timedelta(days=ESCALATION_DAYS))
            - timedelta(days=ESCALATION_DAYS)
        )
    escalations = list(
        qs.select_related("alliance", "to_body", "to_sponsor__contact", "to_contact", "raised_by").order_by(
            "raised_on", "pk"
        )
    )
    emails = [e.to_contact.email for e in escalations if e.to_contact_id] + [
        e.to_sponsor.contact.email for e in escalations if e.to_sponsor_id
    ]
    users = _users_by_email(emails)
    for e in escalations:
        person = e.to_contact if e.to_contact_id else (e.to_sponsor.contact if e.to_sponsor_id else None)
        recipients = _recipients(e.alliance.owner_id, [person.email] if person else [], users)
        if e.raised_by_id and e.raised_by_id not in recipients:
            recipients += (e.raised_by_id,)
        yield AgendaItem(
            uid=f"escalation-{e.pk}",
            alliance_id=e.alliance_id,
            kind="escalation_open",
            title=f"Escalation awaiting decision for {ESCALATION_DAYS} days: {e.title} · {e.alliance.name}",
            day=e.decision_due,
            url=e.get_absolute_url(),
            status=OPEN if e.status == EscalationStatus.OPEN else DONE,
            description=f"Raised on {e.raised_on:%d %b %Y} to {e.target_label}. {e.description}".strip(),
            recipients=recipients,
            data_kind=DATA_KIND,
        )


SOURCES = {
    "governance.meetings": meeting_source,
    "governance.action_items": action_item_source,
    "governance.cadences": cadence_source,
    "governance.escalations": escalation_source,
}


def register_sources() -> None:
    for name, source in SOURCES.items():
        register(name, source)
