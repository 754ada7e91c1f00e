"""Agenda sources of joint planning: milestones falling due, and plans waiting for a side's
agreement. Registered in ``PlanningConfig.ready()``; each source runs a fixed number of
queries however many items it yields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.core.agenda import DONE, OPEN, AgendaItem, Counted, counted, register

from .models import CLOSED_MILESTONE, JointBusinessPlan, Milestone, PlanAgreement, PlanStatus, day_label

#: Days the sides have to agree a proposed plan before it shows as overdue.
AGREEMENT_DAYS = 14
MILESTONE_DUE = "milestone_due"


def _milestones(alliance_ids: Any, start: date | None, end: date | None) -> Any:
    qs = (
        Milestone.objects.active()
        .filter(alliance_id__in=alliance_ids)
        .select_related("alliance", "owning_side")
    )
    if start is not None:
        qs = qs.filter(due_date__gte=start)
    if end is not None:
        qs = qs.filter(due_date__lte=end)
    return qs


def milestone_items(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """Every roadmap milestone on its due date; done or cancelled ones are DONE."""
    return _milestone_items(_milestones(alliance_ids, start, end))


def milestone_summary(alliance_ids: Any, start: date | None, end: date | None, limit: int) -> Counted:
    """The dashboard's count of open milestones, counted in the database (``core.agenda``)."""
    open_ones = _milestones(alliance_ids, start, end).exclude(status__in=CLOSED_MILESTONE)
    count, first = counted(open_ones, "due_date", limit, _milestone_items)
    return {MILESTONE_DUE: (count, first)} if count else {}


def _milestone_items(qs: Any) -> Iterator[AgendaItem]:
    for m in qs.order_by("due_date", "id"):
        closed = m.status in CLOSED_MILESTONE
        kind = "Milestone" if m.category == "other" else f"{m.get_category_display()} milestone"
        parts = [f"{kind} of {m.alliance.name}"]
        if m.owning_side_id:
            parts[0] += f", delivered by {m.owning_side.name}"
        parts[0] += f"; {m.get_status_display().lower()}."
        if m.moved_days:
            parts.append(
                f"Slipped {m.moved_days} day{'s' if m.moved_days != 1 else ''} from the original date "
                f"{day_label(m.original_due_date)}."
            )
        if m.completed_on:
            parts.append(f"Done on {day_label(m.completed_on)}.")
        recipient = m.owner_id or m.alliance.owner_id
        yield AgendaItem(
            uid=f"milestone-{m.pk}",
            alliance_id=m.alliance_id,
            kind=MILESTONE_DUE,
            title=f"Milestone due: {m.title}",
            day=m.due_date,
            url=reverse("planning:alliance_roadmap", args=[m.alliance_id]) + f"#milestone-{m.pk}",
            status=DONE if closed else OPEN,
            description=" ".join(parts),
            recipients=(recipient,) if recipient else (),
            data_kind="roadmap",
        )


def plan_agreement_items(alliance_ids: Any, start: date | None, end: date | None) -> Iterator[AgendaItem]:
    """A proposed plan not yet agreed by every side, due 14 days after it was proposed."""
    qs = (
        JointBusinessPlan.objects.active()
        .filter(alliance_id__in=alliance_ids, status=PlanStatus.PROPOSED, proposed_at__isnull=False)
        .select_related("alliance")
        .prefetch_related(
            Prefetch(
                "alliance__parties",
                queryset=AllianceParty.objects.active().select_related("organization").order_by("id"),
                to_attr="active_parties",
            ),
            Prefetch(
                "agreements",
                queryset=PlanAgreement.objects.active().only("id", "plan_id", "organization_id"),
                to_attr="active_agreements",
            ),
        )
    )
    # The item's day is the proposal's local date + 14 days: narrow on the proposal time,
    # with a day's margin either side for time zones, then decide on the exact local date.
    if start is not None:
        qs = qs.filter(proposed_at__gte=_moment(start - timedelta(days=AGREEMENT_DAYS + 1)))
    if end is not None:
        qs = qs.filter(proposed_at__lt=_moment(end - timedelta(days=AGREEMENT_DAYS - 2)))
    for plan in qs.order_by("proposed_at", "id"):
        proposed = timezone.localtime(plan.proposed_at).date()
        day = proposed + timedelta(days=AGREEMENT_DAYS)
        agreed = {a.organization_id for a in plan.active_agreements}
        waiting = [
            p.organization.name for p in plan.alliance.active_parties if p.organization_id not in agreed
        ]
        if not waiting:
            continue
        given = len(plan.alliance.active_parties) - len(waiting)
        recipient = plan.owner_id or plan.alliance.owner_id
        yield AgendaItem(
            uid=f"plan-{plan.pk}-agreement",
            alliance_id=plan.alliance_id,
            kind="plan_agreement",
            title=f"Plan agreement pending: {plan.title}",
            day=day,
            url=plan.get_absolute_url(),
            status=OPEN,
            description=(
                f"Proposed on {day_label(proposed)}; {given} of {len(plan.alliance.active_parties)} sides agreed. "
                f"Waiting for {', '.join(waiting)}. Due {AGREEMENT_DAYS} days after the proposal."
            ),
            recipients=(recipient,) if recipient else (),
            data_kind="plan",
        )


def _moment(day: date) -> Any:
    return timezone.make_aware(datetime.combine(day, time.min))


def register_sources() -> None:
    register("planning.milestones", milestone_items, summary=milestone_summary, data_kind="roadmap")
    register("planning.plan_agreement", plan_agreement_items)
