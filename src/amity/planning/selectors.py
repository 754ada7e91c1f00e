"""Reads of joint planning. Every selector takes the user and starts from ``visible_to``;
pages and lists load what they show in a constant number of queries."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty, PartyRole
from amity.alliances.selectors import history_entries
from amity.core import periods
from amity.core.models import user_role
from amity.core.permissions import can
from amity.core.roles import EDITORS, Role

from .models import (
    CLOSED_MILESTONE,
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    MilestoneStatus,
    OfferingComponent,
    OfferingStatus,
    PlanAgreement,
    PlanObjective,
    PlanStatus,
    ResourceKind,
    day_label,
    number_label,
)

#: Status colours of the roadmap timeline (also its legend).
MILESTONE_COLORS = {
    MilestoneStatus.PLANNED: "#8d99ae",
    MilestoneStatus.IN_PROGRESS: "#2f6690",
    MilestoneStatus.DONE: "#198754",
    MilestoneStatus.CANCELLED: "#ced4da",
}
SLIP_COLOR = "#dc3545"


# --- plans --------------------------------------------------------------------------------


def active_parties() -> Prefetch:
    return Prefetch(
        "alliance__parties",
        queryset=AllianceParty.objects.active().select_related("organization").order_by("id"),
        to_attr="active_parties",
    )


def active_agreements() -> Prefetch:
    return Prefetch(
        "agreements",
        queryset=PlanAgreement.objects.active()
        .select_related("organization", "agreed_by")
        .order_by("agreed_at"),
        to_attr="active_agreements",
    )


def plan_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    """Plans the user may see, with what their sides and agreement need loaded."""
    qs = JointBusinessPlan.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("alliance", "owner").prefetch_related(
        active_parties(),
        active_agreements(),
        Prefetch("renewals", queryset=JointBusinessPlan.objects.active().only("id", "renewed_from_id")),
    )


def objective_list(*, user: Any, plan: JointBusinessPlan, include_archived: bool = False) -> QuerySet:
    qs = PlanObjective.objects.visible_to(user).filter(plan=plan)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("plan", "owning_side", "owner").order_by("order", "id")


@dataclass
class Side:
    """One party of the alliance and where it stands on the plan."""

    party: AllianceParty
    agreement: PlanAgreement | None

    @property
    def organization(self) -> Any:
        return self.party.organization

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    @property
    def is_host(self) -> bool:
        return self.party.role == PartyRole.HOST


def plan_sides(plan: JointBusinessPlan) -> list[Side]:
    """Every side of the plan's alliance, our company first, with its agreement (if given).

    Uses the prefetched parties and agreements of :func:`plan_list` when they are there.
    """
    parties = getattr(plan.alliance, "active_parties", None)
    if parties is None:
        parties = list(
            AllianceParty.objects.active().filter(alliance_id=plan.alliance_id).select_related("organization")
        )
    agreements = getattr(plan, "active_agreements", None)
    if agreements is None:
        agreements = list(plan.agreements.active().select_related("organization", "agreed_by"))
    by_org = {a.organization_id: a for a in agreements}
    ordered = sorted(parties, key=lambda p: (p.role != PartyRole.HOST, p.pk))
    return [Side(party, by_org.get(party.organization_id)) for party in ordered]


def agree_options(plan: JointBusinessPlan, user: Any, sides: list[Side]) -> dict[str, Any]:
    """Which sides this user may agree for right now.

    ``own``: the side they agree for themselves (our company for an internal editor, their
    organization for a partner user); ``on_behalf``: partner sides an internal editor may
    record an agreement for (with a note).
    """
    role = user_role(user)
    result: dict[str, Any] = {"own": None, "on_behalf": []}
    if plan.status != PlanStatus.PROPOSED or plan.archived_at is not None:
        return result
    waiting = [s for s in sides if not s.agreed]
    if role == Role.PARTNER:
        result["own"] = next((s for s in waiting if s.organization.pk == user.organization_id), None)
    elif role in EDITORS:
        result["own"] = next((s for s in waiting if s.is_host), None)
        result["on_behalf"] = [s for s in waiting if not s.is_host]
    return result


def plan_objectives_chart(plan: JointBusinessPlan, objectives: list[PlanObjective]) -> dict[str, Any]:
    """Actual as a % of target per quarter and objective (units differ, percentages compare)."""
    quarters = periods.fiscal_quarters(plan.fiscal_year)
    return {
        "quarters": [q.label.split(" ")[0] for q in quarters],
        "series": [
            {
                "name": o.title,
                "values": [
                    float(p.progress) if p.progress is not None else None
                    for p in o.quarters(plan.fiscal_year)
                ],
                "explanations": [p.explanation for p in o.quarters(plan.fiscal_year)],
            }
            for o in objectives
        ],
    }


def plan_history(plan: JointBusinessPlan, limit: int = 60, user: Any = None) -> list[dict[str, Any]]:
    """Every recorded change to the plan, its agreements and its objectives, newest first
    (without the changes to fields the visibility rule redacts for ``user``)."""
    entries = history_entries(
        JointBusinessPlan.history.filter(id=plan.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Plan",
        lambda r: r.title,
        user=user,
    )
    entries += history_entries(
        PlanAgreement.history.filter(plan_id=plan.pk)
        .select_related("history_user", "organization")
        .order_by("-history_date")[:limit],
        "Agreement",
        lambda r: r.organization.name,
    )
    entries += history_entries(
        PlanObjective.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Objective",
        lambda r: r.title,
    )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def plan_tab(*, user: Any, alliance: Alliance, plan_pk: int | None = None) -> dict[str, Any]:
    """The Plan tab: the chosen plan (this fiscal year's by default) and the earlier ones."""
    plans = list(plan_list(user=user).filter(alliance=alliance).order_by("-fiscal_year"))
    this_year = periods.fiscal_year_of(timezone.localdate())
    if plan_pk is not None:
        plan = next((p for p in plans if p.pk == plan_pk), None)
        if plan is None:
            # An archived plan is still reachable by its address (to restore it).
            plan = plan_list(user=user, include_archived=True).filter(alliance=alliance, pk=plan_pk).first()
            if plan is None:
                raise Http404("No plan matches the given query.")
    else:
        plan = next((p for p in plans if p.fiscal_year == this_year), None)
        if plan is None:
            plan = next((p for p in plans if p.fiscal_year < this_year), None) or (
                plans[-1] if plans else None
            )
    context: dict[str, Any] = {
        "plans": plans,
        "plan": plan,
        "this_year": this_year,
        "has_this_year": any(p.fiscal_year == this_year for p in plans),
        "next_year": this_year + 1,
        "can_create_plan": can(user, "create", JointBusinessPlan) and alliance.archived_at is None,
    }
    if plan is None:
        return context
    objectives = list(objective_list(user=user, plan=plan))
    sides = plan_sides(plan)
    # Another plan waiting for this user's side (e.g. next year's, proposed in November).
    awaiting = [
        p
        for p in plans
        if p.pk != plan.pk
        and p.status == PlanStatus.PROPOSED
        and agree_options(p, user, plan_sides(p))["own"] is not None
    ]
    renewal = next(iter(plan.renewals.all()), None)
    editable = can(user, "change", plan) and plan.archived_at is None
    context.update(
        {
            "objectives": objectives,
            "sides": sides,
            "awaiting_you": awaiting,
            "agreed_count": sum(1 for s in sides if s.agreed),
            "waiting_count": sum(1 for s in sides if not s.agreed),
            "agree": agree_options(plan, user, sides),
            "chart": plan_objectives_chart(plan, objectives),
            "history": plan_history(plan, user=user),
            "renewed_into": renewal,
            "renewed_from": next((p for p in plans if p.pk == plan.renewed_from_id), None),
            "statuses": _plan_steps(plan),
            "plan_editable": editable,
            "substance_editable": editable and plan.status != PlanStatus.CLOSED,
            "next_statuses": _plan_buttons(plan) if editable else [],
            "can_renew": editable
            and renewal is None
            and plan.status in (PlanStatus.AGREED, PlanStatus.ACTIVE, PlanStatus.CLOSED),
            "plan_can_archive": can(user, "archive", plan) and plan.archived_at is None,
            "plan_can_restore": can(user, "archive", plan) and plan.archived_at is not None,
            "on_track": sum(1 for o in objectives if o.on_track),
            "reported": sum(1 for o in objectives if o.on_track is not None),
            "quarter_now": _current_quarter(plan),
        }
    )
    return context


def _current_quarter(plan: JointBusinessPlan) -> int | None:
    today = timezone.localdate()
    for number, quarter in enumerate(periods.fiscal_quarters(plan.fiscal_year), start=1):
        if today in quarter:
            return number
    return None


def _plan_steps(plan: JointBusinessPlan) -> list[dict[str, Any]]:
    order = list(PlanStatus.values)
    current = order.index(plan.status)
    return [
        {
            "label": status.label,
            "state": "done" if i < current else "current" if i == current else "",
            "number": i + 1,
        }
        for i, status in enumerate(PlanStatus)
    ]


PLAN_BUTTONS = {
    PlanStatus.PROPOSED: ("Propose to every side", "bi-send", "btn-primary"),
    PlanStatus.DRAFT: ("Withdraw to draft", "bi-arrow-counterclockwise", "btn-outline-secondary"),
    PlanStatus.ACTIVE: ("Activate", "bi-play-circle", "btn-primary"),
    PlanStatus.CLOSED: ("Close the plan", "bi-lock", "btn-outline-secondary"),
}


def _plan_buttons(plan: JointBusinessPlan) -> list[dict[str, str]]:
    from .services import PLAN_TRANSITIONS

    buttons = []
    for status in PLAN_TRANSITIONS.get(plan.status, ()):
        label, icon, css = PLAN_BUTTONS[status]
        buttons.append({"status": status, "label": label, "icon": icon, "css": css})
    return buttons


# --- roadmap ------------------------------------------------------------------------------


def milestone_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    qs = Milestone.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("alliance", "owning_side", "owner").prefetch_related(
        Prefetch(
            "dependencies",
            queryset=Milestone.objects.active().order_by("due_date", "id"),
            to_attr="active_dependencies",
        )
    )


def initiative_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    qs = JointInitiative.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("alliance", "owner").prefetch_related(
        Prefetch(
            "resources",
            queryset=InitiativeResource.objects.active().select_related("organization").order_by("id"),
            to_attr="active_resources",
        )
    )


def offering_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    qs = JointOffering.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("alliance", "launch_milestone").prefetch_related(
        Prefetch(
            "components",
            queryset=OfferingComponent.objects.active().select_related("organization").order_by("id"),
            to_attr="active_components",
        )
    )


@dataclass
class Gap:
    """One side's resources of one kind and unit in an initiative: requested vs assigned."""

    organization: Any
    kind: str
    unit: str
    requested: Decimal = Decimal("0")
    assigned: Decimal = Decimal("0")
    items: list[str] = field(default_factory=list)

    @property
    def gap(self) -> Decimal:
        return self.requested - self.assigned

    @property
    def short(self) -> bool:
        return self.assigned < self.requested

    @property
    def kind_label(self) -> str:
        return ResourceKind(self.kind).label

    @property
    def explanation(self) -> str:
        what = f" ({', '.join(self.items)})" if self.items else ""
        base = (
            f"{self.organization.name}: {number_label(self.requested)} {self.unit} requested − "
            f"{number_label(self.assigned)} {self.unit} assigned{what}"
        )
        if self.short:
            return f"{base} = {number_label(self.gap)} {self.unit} short: intent is ahead of the ability to execute."
        if self.gap < 0:
            return f"{base}: {number_label(-self.gap)} {self.unit} more than requested."
        return f"{base}: fully assigned."


def resource_gaps(resources: list[InitiativeResource]) -> list[Gap]:
    """Resources summed per side, kind and unit; the gap is requested − assigned."""
    gaps: OrderedDict[tuple[int, str, str], Gap] = OrderedDict()
    for r in resources:
        key = (r.organization_id, r.kind, r.unit)
        gap = gaps.get(key)
        if gap is None:
            gap = gaps[key] = Gap(r.organization, r.kind, r.unit)
        gap.requested += r.requested
        gap.assigned += r.assigned
        if r.description:
            gap.items.append(r.description)
    return list(gaps.values())


def timeline_chart(milestones: list[Milestone], today: date) -> dict[str, Any]:
    """The roadmap timeline: one row per milestone at its due date, coloured by status, with
    the slip from the original date and arrows to what it depends on."""
    rows = []
    for m in milestones:
        rows.append(
            {
                "id": m.pk,
                "title": m.title,
                "category": m.get_category_display(),
                "status": m.status,
                "status_label": m.get_status_display(),
                "due": m.due_date.isoformat(),
                "original": (m.original_due_date or m.due_date).isoformat(),
                "completed": m.completed_on.isoformat() if m.completed_on else None,
                "slipped": m.slipped(today),
                "slip": m.slip_explanation(today),
                "side": m.owning_side.name if m.owning_side else "",
                "deps": [d.pk for d in getattr(m, "active_dependencies", [])],
                "url": f"#milestone-{m.pk}",
            }
        )
    return {
        "rows": rows,
        "today": today.isoformat(),
        "colors": {str(k): v for k, v in MILESTONE_COLORS.items()},
        "slipColor": SLIP_COLOR,
        "labels": {str(k): k.label for k in MilestoneStatus},
        "legend": [{"label": k.label, "color": MILESTONE_COLORS[k]} for k in MilestoneStatus],
    }


def roadmap_tab(*, user: Any, alliance: Alliance) -> dict[str, Any]:
    """The Roadmap tab: timeline, milestones with slips, initiatives with gaps, offerings."""
    today = timezone.localdate()
    milestones = list(milestone_list(user=user).filter(alliance=alliance).order_by("due_date", "id"))
    by_id = {m.pk: m for m in milestones}
    dependents: dict[int, list[Milestone]] = {}
    for m in milestones:
        for dep in getattr(m, "active_dependencies", []):
            dependents.setdefault(dep.pk, []).append(m)
    rows = []
    for m in milestones:
        blockers = [d for d in getattr(m, "active_dependencies", []) if d.status not in CLOSED_MILESTONE]
        rows.append(
            {
                "m": m,
                "slipped": m.slipped(today),
                "slip": m.slip_explanation(today),
                "overdue": m.overdue_days(today),
                "moved": m.moved_days,
                "blocked_by": blockers if not m.is_closed else [],
                "dependents": dependents.get(m.pk, []),
            }
        )
    initiatives = []
    for i in initiative_list(user=user).filter(alliance=alliance).order_by("start_date", "id"):
        gaps = resource_gaps(i.active_resources)
        initiatives.append({"i": i, "gaps": gaps, "short": [g for g in gaps if g.short]})
    offerings = list(offering_list(user=user).filter(alliance=alliance).order_by("name", "id"))
    for o in offerings:
        o.launch = by_id.get(o.launch_milestone_id) if o.launch_milestone_id else None
    open_milestones = [m for m in milestones if not m.is_closed]
    return {
        "today": today,
        "milestone_rows": rows,
        "milestones": milestones,
        "timeline": timeline_chart(milestones, today),
        "initiatives": initiatives,
        "offerings": offerings,
        "counts": {
            "milestones": len(milestones),
            "done": sum(1 for m in milestones if m.status == MilestoneStatus.DONE),
            "open": len(open_milestones),
            "slipped": sum(1 for r in rows if r["slipped"] and not r["m"].is_closed),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "initiatives": len(initiatives),
            "with_gap": sum(1 for i in initiatives if i["short"]),
            "offerings": len(offerings),
            "launched": sum(1 for o in offerings if o.status == OfferingStatus.LAUNCHED),
        },
        "can_create": can(user, "create", Milestone) and alliance.archived_at is None,
        "can_change": can(user, "change", Milestone) and alliance.archived_at is None,
        "next_milestone": next((m for m in open_milestones if m.due_date >= today), None),
    }


def roadmap_url(alliance_id: int) -> str:
    return reverse("planning:alliance_roadmap", args=[alliance_id])


def slip_summary(milestone: Milestone) -> str:
    """For the agenda: how far the milestone slipped from its original date."""
    if milestone.moved_days:
        return f"Slipped {milestone.moved_days} days from the original date {day_label(milestone.original_due_date)}."
    return ""


def alliance_planning_history(
    *, alliance_id: int, limit: int = 100, user: Any = None
) -> list[dict[str, Any]]:
    """Recorded changes to an alliance's plans, milestones, initiatives and offerings, for
    the alliance's History tab (without the changes to fields redacted for ``user``)."""
    sources = [
        (JointBusinessPlan.history.filter(alliance_id=alliance_id), "Plan", lambda r: r.title),
        (Milestone.history.filter(alliance_id=alliance_id), "Milestone", lambda r: r.title),
        (JointInitiative.history.filter(alliance_id=alliance_id), "Initiative", lambda r: r.title),
        (JointOffering.history.filter(alliance_id=alliance_id), "Offering", lambda r: r.name),
    ]
    entries: list[dict[str, Any]] = []
    for records, label, describe in sources:
        entries += history_entries(
            records.select_related("history_user").order_by("-history_date")[:limit],
            label,
            describe,
            user=user,
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
