"""Reads for governance. Every selector takes the user and starts from ``visible_to``.

The cadence arithmetic lives here: for many cadences at once, the last held and next
planned meeting of each (alliance, kind, body) come from *one* aggregate query, so the
governance tab, the API and the agenda cost the same for one alliance or a thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Min, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from amity.alliances.models import Alliance, AllianceMember, MemberRole
from amity.core.periods import add_months
from amity.partners.models import Contact

from .models import (
    ESCALATION_DAYS,
    ActionItem,
    ActionStatus,
    BodyKind,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    program_date,
    program_today,
)


def today() -> date:
    """Today in the program's time zone."""
    return program_today()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the program's time zone, as an aware datetime.

    Clamped to years 2..9998 so that converting it to UTC can never leave the calendar.
    """
    day = min(max(day, date(2, 1, 1)), date(9998, 12, 31))
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _fmt(day: date | None) -> str:
    return date_format(day, "j M Y") if day else "—"


# --- cadences: last held, next due, overdue ------------------------------------------------------


@dataclass(frozen=True)
class CadenceStatus:
    """Where one cadence stands on ``today``, with the inputs that produced it."""

    cadence: Cadence
    today: date
    last_held: date | None
    basis: str  # "last_held", "start_date" or "created": what the interval is added to
    basis_date: date
    next_due: date | None  # None when the cadence is inactive
    next_planned: datetime | None

    @property
    def overdue(self) -> bool:
        return self.next_due is not None and self.next_due < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.next_due).days if self.overdue and self.next_due else 0

    @property
    def days_until(self) -> int | None:
        return (self.next_due - self.today).days if self.next_due is not None else None

    @property
    def state(self) -> str:
        """overdue · due-soon (within 14 days) · on-track · inactive"""
        if self.next_due is None:
            return "inactive"
        if self.overdue:
            return "overdue"
        return "due-soon" if (self.days_until or 0) <= 14 else "on-track"

    @property
    def explanation(self) -> str:
        c = self.cadence
        kind = c.get_meeting_kind_display()
        months = f"{c.interval_months} month{'s' if c.interval_months != 1 else ''}"
        if self.basis == "last_held":
            start = f"Last {kind.lower()} held {_fmt(self.basis_date)}"
        elif self.basis == "start_date":
            start = f"No {kind.lower()} held yet: alliance start {_fmt(self.basis_date)}"
        else:
            start = f"No {kind.lower()} held yet and no alliance start date: cadence set up {_fmt(self.basis_date)}"
        if self.next_due is None:
            return f"{start} + {months}; inactive, so never due."
        text = f"{start} + {months} = {_fmt(self.next_due)}"
        if self.overdue:
            text += f", {self.days_overdue} day{'s' if self.days_overdue != 1 else ''} ago (overdue)."
        else:
            text += "."
        return text


def cadence_statuses(
    cadences: Iterable[Cadence], *, on: date | None = None, alliance_ids: Any = None
) -> list[CadenceStatus]:
    """The status of each cadence on ``on`` (default today) in two queries at most.

    Cadences need ``alliance`` loaded (``select_related("alliance")``). ``alliance_ids`` may be
    a subquery to keep the meeting aggregate from listing every id; it defaults to the
    cadences' own alliances. Meetings recorded without a body count for every cadence of their
    kind; meetings of a body count for cadences of that body and for cadences without one.
    """
    cadences = list(cadences)
    if not cadences:
        return []
    on = on or today()
    if alliance_ids is None:
        alliance_ids = {c.alliance_id for c in cadences}
    kinds = {c.meeting_kind for c in cadences}
    rows = (
        Meeting.objects.filter(
            alliance_id__in=alliance_ids,
            archived_at__isnull=True,
            kind__in=kinds,
            status__in=[MeetingStatus.HELD, MeetingStatus.PLANNED],
        )
        .order_by()
        .values("alliance_id", "kind", "body_id")
        .annotate(
            last_held=Max("scheduled_start", filter=Q(status=MeetingStatus.HELD)),
            next_planned=Min(
                "scheduled_start", filter=Q(status=MeetingStatus.PLANNED, scheduled_start__gte=day_start(on))
            ),
        )
    )
    found: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault((row["alliance_id"], row["kind"]), []).append(row)
    statuses = []
    for cadence in cadences:
        relevant = [
            r
            for r in found.get((cadence.alliance_id, cadence.meeting_kind), [])
            if cadence.body_id is None or r["body_id"] in (None, cadence.body_id)
        ]
        held = [r["last_held"] for r in relevant if r["last_held"] is not None]
        planned = [r["next_planned"] for r in relevant if r["next_planned"] is not None]
        last_held = program_date(max(held)) if held else None
        if last_held is not None:
            basis, basis_date = "last_held", last_held
        elif cadence.alliance.start_date:
            basis, basis_date = "start_date", cadence.alliance.start_date
        else:
            basis, basis_date = "created", program_date(cadence.created_at)
        next_due = _plus_months(basis_date, cadence.interval_months) if cadence.active else None
        statuses.append(
            CadenceStatus(
                cadence=cadence,
                today=on,
                last_held=last_held,
                basis=basis,
                basis_date=basis_date,
                next_due=next_due,
                next_planned=min(planned) if planned else None,
            )
        )
    return statuses


def _plus_months(day: date, months: int) -> date:
    """``add_months``, saturating at the end of the calendar (a start date in 9999 is data too)."""
    try:
        return add_months(day, months)
    except (ValueError, OverflowError):
        return date.max


class StatusPage:
    """A cadence queryset that computes statuses only for the slice a page shows.

    ninja's pagination slices it and asks its length; each slice costs two queries.
    ``transform`` turns each :class:`CadenceStatus` into what the page returns.
    """

    def __init__(self, queryset: QuerySet, transform: Any = None, on: date | None = None):
        self.queryset = queryset
        self.transform = transform or (lambda status: status)
        self.on = on

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, key: slice) -> list[Any]:
        return [self.transform(s) for s in cadence_statuses(self.queryset[key], on=self.on)]


def cadence_queryset(*, user: Any) -> QuerySet:
    return Cadence.objects.visible_to(user).select_related("alliance", "body", "template")


def overdue_cadence_ids(qs: QuerySet, *, on: date | None = None) -> list[int]:
    """Ids of the cadences in ``qs`` that are overdue (status computed in bulk)."""
    return [s.cadence.pk for s in cadence_statuses(qs.select_related("alliance"), on=on) if s.overdue]


# --- the governance tab ---------------------------------------------------------------------------


def party_contacts(alliance: Alliance, user: Any) -> QuerySet:
    """Contacts of the alliance's active parties that the user may see (either side)."""
    orgs = alliance.parties.filter(archived_at__isnull=True).values("organization_id")
    return (
        Contact.objects.visible_to(user)
        .active()
        .filter(organization_id__in=orgs)
        .select_related("organization")
        .order_by("-organization__is_home", "organization__name", "last_name", "first_name")
    )


def sponsors(alliance: Alliance, user: Any) -> QuerySet:
    return (
        AllianceMember.objects.visible_to(user)
        .active()
        .filter(alliance=alliance, role=MemberRole.SPONSOR)
        .select_related("contact__organization")
        .order_by("-contact__organization__is_home", "contact__last_name")
    )


def active_members() -> Prefetch:
    return Prefetch(
        "members",
        queryset=BodyMember.objects.active()
        .select_related("contact__organization")
        .order_by("role", "-contact__organization__is_home", "contact__last_name"),
        to_attr="active_members",
    )


def body_queryset(*, user: Any) -> QuerySet:
    return GovernanceBody.objects.visible_to(user).prefetch_related(active_members())


#: Bodies top-down: the executive layer first (domain notes: three layers).
BODY_ORDER = Case(
    *[When(kind=kind, then=Value(i)) for i, kind in enumerate(BodyKind.values)],
    default=Value(99),
    output_field=IntegerField(),
)


def bodies(*, alliance: Alliance, user: Any) -> list[GovernanceBody]:
    return list(
        GovernanceBody.objects.visible_to(user)
        .active()
        .filter(alliance=alliance)
        .prefetch_related(active_members())
        .order_by(BODY_ORDER, "name", "pk")
    )


def meetings_of(*, user: Any) -> QuerySet:
    return (
        Meeting.objects.visible_to(user)
        .select_related("body", "alliance")
        .annotate(
            decision_count=Count("decisions", filter=Q(decisions__archived_at__isnull=True), distinct=True),
            action_count=Count(
                "action_items", filter=Q(action_items__archived_at__isnull=True), distinct=True
            ),
        )
    )


def action_items_of(*, user: Any) -> QuerySet:
    return ActionItem.objects.visible_to(user).select_related("alliance", "owner__organization", "meeting")


def escalations_of(*, user: Any) -> QuerySet:
    return Escalation.objects.visible_to(user).select_related(
        "alliance", "to_body", "to_sponsor__contact", "to_contact", "raised_by", "decided_by_contact"
    )


def governance_overview(
    *, alliance: Alliance, user: Any, on: date | None = None, past_limit: int = 8
) -> dict[str, Any]:
    """Everything the governance tab shows, in a constant number of queries."""
    on = on or today()
    start_of_today = day_start(on)
    cadences = list(
        Cadence.objects.visible_to(user)
        .active()
        .filter(alliance=alliance)
        .select_related("body", "alliance", "template")
        .order_by("interval_months", "meeting_kind", "id")
    )
    statuses = cadence_statuses(cadences, on=on)
    meetings = meetings_of(user=user).active().filter(alliance=alliance)
    upcoming = list(
        meetings.filter(scheduled_start__gte=start_of_today).order_by("scheduled_start", "id")[:10]
    )
    past_qs = meetings.filter(scheduled_start__lt=start_of_today).order_by("-scheduled_start", "-id")
    past = list(past_qs[: past_limit + 1])
    more_past = len(past) > past_limit
    past = past[:past_limit]
    actions = list(
        action_items_of(user=user)
        .active()
        .filter(alliance=alliance, status=ActionStatus.OPEN)
        .order_by("due_date", "id")
    )
    escalations = list(
        escalations_of(user=user).active().filter(alliance=alliance).order_by("-raised_on", "-id")[:25]
    )
    open_escalations = [e for e in escalations if e.status == EscalationStatus.OPEN]
    year_start = date(on.year, 1, 1)
    held_this_year = (
        Meeting.objects.visible_to(user)
        .active()
        .filter(alliance=alliance, status=MeetingStatus.HELD, scheduled_start__gte=day_start(year_start))
        .count()
    )
    qbr = next((s for s in statuses if s.cadence.meeting_kind == "qbr" and s.next_due), None)
    return {
        "today": on,
        "bodies": bodies(alliance=alliance, user=user),
        "cadences": statuses,
        "overdue_cadences": [s for s in statuses if s.overdue],
        "next_qbr": qbr,
        "upcoming": upcoming,
        "past": past,
        "more_past": more_past,
        "stale_meetings": [m for m in past if m.status == MeetingStatus.PLANNED],
        "actions": actions,
        "overdue_actions": [a for a in actions if a.due_date < on],
        "escalations": escalations,
        "open_escalations": open_escalations,
        "late_escalations": [e for e in open_escalations if e.is_overdue(on)],
        "held_this_year": held_this_year,
        "escalation_days": ESCALATION_DAYS,
    }


def meeting_detail(*, user: Any, pk: int) -> Meeting:
    """One visible meeting with what its page shows; 404 otherwise."""
    qs = (
        Meeting.objects.visible_to(user)
        .select_related("alliance", "body")
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=Contact.objects.select_related("organization").order_by(
                    "-organization__is_home", "organization__name", "last_name"
                ),
            )
        )
    )
    try:
        return qs.get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No meeting matches the given query.") from None


def meeting_decisions(*, meeting: Meeting, user: Any) -> list[Decision]:
    return list(
        Decision.objects.visible_to(user)
        .active()
        .filter(meeting=meeting)
        .select_related("recorded_by")
        .order_by("id")
    )


def meeting_actions(*, meeting: Meeting, user: Any) -> list[ActionItem]:
    return list(
        action_items_of(user=user).active().filter(meeting=meeting).order_by("status", "due_date", "id")
    )


def escalation_detail(*, user: Any, pk: int) -> Escalation:
    try:
        return escalations_of(user=user).get(pk=pk)
    except (Escalation.DoesNotExist, ValueError, TypeError):
        raise Http404("No escalation matches the given query.") from None


def overdue_escalation_q(on: date | None = None) -> Q:
    """Open escalations raised more than 30 days ago."""
    on = on or today()
    return Q(status=EscalationStatus.OPEN, raised_on__lt=on - timedelta(days=ESCALATION_DAYS))


def overdue_action_q(on: date | None = None) -> Q:
    return Q(status=ActionStatus.OPEN, due_date__lt=on or today())


def alliance_governance_history(*, alliance_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """Recorded changes to an alliance's bodies, meetings, action items and escalations,
    for the alliance's History tab."""
    from amity.alliances.selectors import history_entries

    sources = [
        (GovernanceBody.history.filter(alliance_id=alliance_id), "Governance body", lambda r: r.name),
        (Meeting.history.filter(alliance_id=alliance_id), "Meeting", lambda r: r.title),
        (ActionItem.history.filter(alliance_id=alliance_id), "Action item", lambda r: r.title),
        (Escalation.history.filter(alliance_id=alliance_id), "Escalation", lambda r: r.title),
    ]
    entries: list[dict[str, Any]] = []
    for records, label, describe in sources:
        entries += history_entries(
            records.select_related("history_user").order_by("-history_date")[:limit], label, describe
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
