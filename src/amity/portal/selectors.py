"""Reads of the partner portal: who has access, the invitations, the partner home and the shared
dashboard of one alliance.

Every domain read starts from ``visible_to(user)`` (directly or through the owning app's
selectors), so what an alliance shares with a partner is decided by the one visibility rule;
this module never decides it again. ``sharing.shared_kinds`` (and, for many alliances at once,
``shared_alliance_ids``) only say *which* sections to show and in what words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone

from amity.accounts.models import User
from amity.agreements import selectors as agreement_selectors
from amity.agreements.models import OPEN_STATUSES as COMMITMENT_OPEN
from amity.alliances import selectors as alliance_selectors
from amity.alliances import sharing
from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.assessments.models import Assessment, AssessmentStatus, Response
from amity.core.models import user_role
from amity.core.permissions import is_editor
from amity.core.roles import EDITORS, Role
from amity.funds import selectors as fund_selectors
from amity.funds.models import ClaimStatus, RequestStatus
from amity.governance.models import ActionItem, ActionStatus
from amity.partners.models import Organization
from amity.pipeline import selectors as pipeline_selectors
from amity.pipeline.models import RegistrationStatus
from amity.planning import selectors as planning_selectors
from amity.planning.models import JointBusinessPlan, MilestoneStatus, PlanAgreement, PlanStatus

from .models import AccessChange, Invitation, InvitationStatus, open_q

#: Rows per list on the partner home before "and N more".
HOME_LIST = 8
#: An approved registration whose protection ends within this many days is flagged.
PROTECTION_WARNING_DAYS = 30


# --- who may do what ---------------------------------------------------------------------------


def can_manage_access(user: Any) -> bool:
    """Admins and alliance managers invite, and switch partner users' access off and on."""
    return is_editor(user)


def require_manager(user: Any) -> None:
    """Partner users get a 404 (the page does not exist for them); other internal users a 403."""
    role = user_role(user)
    if role == Role.PARTNER or role is None:
        raise Http404("No such page.")
    if role not in EDITORS:
        raise PermissionDenied("Only admins and alliance managers manage partner access.")


def require_partner(user: Any) -> None:
    if user_role(user) != Role.PARTNER or not getattr(user, "organization_id", None):
        raise PermissionDenied("The partner home is for partner users.")


# --- access: partner users and invitations -----------------------------------------------------


def invitation_list(*, user: Any) -> QuerySet:
    """Every invitation, for access managers only (others: none)."""
    if not can_manage_access(user):
        return Invitation.objects.none()
    return Invitation.objects.visible_to(user).select_related(
        "organization", "invited_by", "revoked_by", "user"
    )


def filter_invitations(qs: QuerySet, status: str | None, now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    if status == InvitationStatus.OPEN:
        return qs.filter(open_q(now))
    if status == InvitationStatus.ACCEPTED:
        return qs.filter(accepted_at__isnull=False)
    if status == InvitationStatus.REVOKED:
        return qs.filter(revoked_at__isnull=False)
    if status == InvitationStatus.EXPIRED:
        return qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    return qs


def _last_change(field: str) -> Subquery:
    return Subquery(AccessChange.objects.filter(user=OuterRef("pk")).order_by("-at", "-pk").values(field)[:1])


def partner_user_list(*, user: Any) -> QuerySet:
    """Partner users with their organization, who invited them and when, and the last change to
    their access - all in one query, for access managers only (others: none)."""
    if not can_manage_access(user):
        return User.objects.none()
    accepted = Invitation.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(role=Role.PARTNER)
        .select_related("organization")
        .annotate(
            invited_at=Subquery(accepted.values("created_at")[:1]),
            invited_by_first=Subquery(accepted.values("invited_by__first_name")[:1]),
            invited_by_last=Subquery(accepted.values("invited_by__last_name")[:1]),
            invited_by_username=Subquery(accepted.values("invited_by__username")[:1]),
            access_action=_last_change("action"),
            access_changed_at=_last_change("at"),
            access_changed_by_username=_last_change("changed_by__username"),
        )
    )


def filter_partner_users(
    qs: QuerySet,
    *,
    organization_id: int | None = None,
    active: bool | None = None,
    q: str = "",
    signed_in: str = "",
    now: datetime | None = None,
) -> QuerySet:
    """``signed_in``: "never", or "stale" (not in the last 90 days, or never)."""
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(organization__name__icontains=q)
        )
    if signed_in == "never":
        qs = qs.filter(last_login__isnull=True)
    elif signed_in == "stale":
        since = (now or timezone.now()) - timedelta(days=90)
        qs = qs.filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
    return qs


def invited_by_name(row: Any) -> str:
    full = f"{getattr(row, 'invited_by_first', '') or ''} {getattr(row, 'invited_by_last', '') or ''}".strip()
    return full or getattr(row, "invited_by_username", "") or ""


def organization_access(
    *, user: Any, organization: Organization, now: datetime | None = None
) -> dict[str, Any]:
    """Everything the People-with-access page of one organization shows (five queries)."""
    now = now or timezone.now()
    users = list(
        partner_user_list(user=user)
        .filter(organization=organization)
        .order_by("-is_active", "last_name", "username")
    )
    for row in users:
        row.invited_by_name = invited_by_name(row)
    invitations = invitation_list(user=user).filter(organization=organization)
    open_invitations = list(invitations.filter(open_q(now)).order_by("-created_at", "-pk"))
    past = list(invitations.exclude(open_q(now)).order_by("-created_at", "-pk")[:20])
    return {
        "organization": organization,
        "users": users,
        "active_count": sum(1 for u in users if u.is_active),
        "inactive_count": sum(1 for u in users if not u.is_active),
        "open_invitations": open_invitations,
        "past_invitations": past,
        "now": now,
    }


def access_card(
    *, user: Any, organization: Organization, now: datetime | None = None
) -> dict[str, Any] | None:
    """The counts of the organization page's "People with access" card (None: not shown)."""
    if not can_manage_access(user) or organization.is_home:
        return None
    counts = User.objects.filter(role=Role.PARTNER, organization=organization).aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
        never=Count("pk", filter=Q(is_active=True, last_login__isnull=True)),
    )
    counts["open"] = Invitation.objects.filter(open_q(now), organization=organization).count()
    return {"organization": organization, **counts}


# --- the partner home --------------------------------------------------------------------------


def shared_by_alliance(organization_id: int, alliance_ids: list[int]) -> dict[int, dict[str, bool]]:
    """For each alliance, every kind of data and whether it is shared with the organization.

    One query however many alliances: the union of ``shared_alliance_ids`` - the rule the
    visibility rule itself uses - for each kind.
    """
    result = {pk: dict.fromkeys(DataKind.values, False) for pk in alliance_ids}
    if not alliance_ids:
        return result
    union = None
    for kind in DataKind.values:
        part = (
            shared_alliance_ids(organization_id, kind)
            .filter(alliance_id__in=alliance_ids)
            .annotate(kind=Value(kind, output_field=CharField()))
            .values_list("alliance_id", "kind")
            .order_by()
        )
        union = part if union is None else union.union(part, all=True)
    for alliance_id, kind in union:
        result[alliance_id][kind] = True
    return result


@dataclass
class Listed:
    """The first rows of a list and how many there are in all."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _listed(qs: QuerySet, limit: int = HOME_LIST) -> Listed:
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Listed(rows, len(rows))
    return Listed(rows[:limit], qs.count())


def due_from_us(*, user: Any, today: date) -> dict[str, Any]:
    """What the partner's own organization owes: its open commitments, the open action items of its
    people, and the proposed plans it has not agreed to - each through ``visible_to``."""
    org_id = user.organization_id
    commitments = (
        agreement_selectors.commitment_list(user=user)
        .filter(party_id=org_id, status__in=COMMITMENT_OPEN)
        .order_by("due_date", "pk")
    )
    actions = (
        ActionItem.objects.visible_to(user)
        .active()
        .filter(status=ActionStatus.OPEN, owner__organization_id=org_id)
        .select_related("alliance", "owner")
        .order_by("due_date", "pk")
    )
    agreed = PlanAgreement.objects.filter(organization_id=org_id, archived_at__isnull=True).values("plan_id")
    plans = (
        JointBusinessPlan.objects.visible_to(user)
        .active()
        .filter(status=PlanStatus.PROPOSED)
        .exclude(pk__in=agreed)
        .select_related("alliance")
        .order_by("proposed_at", "pk")
    )
    result = {
        "commitments": _listed(commitments),
        "actions": _listed(actions),
        "plans": _listed(plans),
    }
    overdue = 0
    for c in result["commitments"].rows:
        c.overdue_now = c.overdue_on(today)
        overdue += c.overdue_now
    for a in result["actions"].rows:
        a.overdue_now = a.due_date < today
        overdue += a.overdue_now
    result["overdue_shown"] = overdue
    result["total"] = sum(result[k].total for k in ("commitments", "actions", "plans"))
    return result


def registrations(*, user: Any, today: date) -> dict[str, Any]:
    """The deals the organization registered: counts by status, the latest, protections ending."""
    qs = pipeline_selectors.registration_list(user=user).filter(archived_at__isnull=True)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    latest = _listed(qs.order_by("-submitted_on", "-pk"))
    soon = today + timedelta(days=PROTECTION_WARNING_DAYS)
    for r in latest.rows:
        protected = r.status == RegistrationStatus.APPROVED and r.protection_until is not None
        r.protection_ending = protected and today <= r.protection_until <= soon
        # Until the daily pass marks it expired, an approved registration may be past its window.
        r.protection_ended = protected and r.protection_until < today
    rows = [
        {"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in RegistrationStatus
    ]
    return {
        "counts": rows,
        "summary": " · ".join(f"{r['count']} {r['label'].lower()}" for r in rows if r["count"]),
        "total": sum(counts.values()),
        "latest": latest,
    }


def mdf(*, user: Any, today: date) -> dict[str, Any]:
    """The organization's market development funds: budgets still running (balances from the
    budget's running columns, which the ledger service keeps), and what waits on whom."""
    budgets = list(
        fund_selectors.budget_list(user=user)
        .active()
        .filter(expiry_date__gte=today)
        .order_by("expiry_date", "program__name", "pk")
    )
    requests = (
        fund_selectors.request_list(user=user)
        .active()
        .filter(status__in=(RequestStatus.DRAFT, RequestStatus.SUBMITTED))
        .order_by("status", "-created_at", "-pk")
    )
    claims = (
        fund_selectors.claim_list(user=user)
        .active()
        .filter(status__in=(ClaimStatus.SUBMITTED, ClaimStatus.APPROVED))
        .order_by("status", "-created_at", "-pk")
    )
    return {"budgets": budgets, "requests": _listed(requests), "claims": _listed(claims)}


def assessments_waiting(*, user: Any) -> dict[str, Any]:
    """Open two-sided assessments of our alliances, with how many of our people handed in answers
    and whether the user did; those nobody of ours answered yet come first. ``waiting``: how many
    the user has not answered."""
    org_id = user.organization_id
    ours = Q(
        responses__organization_id=org_id,
        responses__submitted_at__isnull=False,
        responses__archived_at__isnull=True,
    )
    mine = Response.objects.filter(
        assessment=OuterRef("pk"), respondent=user, submitted_at__isnull=False, archived_at__isnull=True
    )
    qs = (
        Assessment.objects.visible_to(user)
        .active()
        .filter(status=AssessmentStatus.OPEN)
        .select_related("alliance", "instrument")
        .annotate(ours_submitted=Count("responses", filter=ours), mine_submitted=Exists(mine))
        .order_by("ours_submitted", "closes_on", "-opened_on", "pk")
    )
    return {"listed": _listed(qs), "waiting": qs.filter(mine_submitted=False).count()}


def partner_home(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Everything the partner home shows for the user's organization, in a constant number of
    queries whatever the number of alliances."""
    require_partner(user)
    today = today or timezone.localdate()
    organization = user.organization
    alliances = list(alliance_selectors.alliance_list(user=user).order_by("name"))
    shared = shared_by_alliance(user.organization_id, [a.pk for a in alliances])
    for a in alliances:
        a.shared = shared[a.pk]
        a.shared_sentence = sharing.describe(organization.name, a.shared)
        a.other_parties = [
            p.organization.name for p in a.active_parties if p.organization_id != user.organization_id
        ]
    return {
        "organization": organization,
        "today": today,
        "alliances": alliances,
        "due": due_from_us(user=user, today=today),
        "registrations": registrations(user=user, today=today),
        "mdf": mdf(user=user, today=today),
        "assessments": assessments_waiting(user=user),
    }


# --- the shared dashboard of one alliance ------------------------------------------------------


def alliance_dashboard(*, user: Any, pk: int, today: date | None = None) -> dict[str, Any]:
    """What one alliance shares with the partner user's organization, as figures and charts.

    Sections follow ``shared_kinds`` (the same settings the visibility rule reads); the rows in
    them come through the owning apps' selectors, that is through ``visible_to``. A kind that is
    not shared is named, never shown.
    """
    require_partner(user)
    today = today or timezone.localdate()
    alliance = alliance_selectors.alliance_detail(user=user, pk=pk)  # 404 unless it is ours
    organization = user.organization
    shared = sharing.shared_kinds(user.organization_id, alliance.pk)
    context: dict[str, Any] = {
        "alliance": alliance,
        "organization": organization,
        "today": today,
        "shared": shared,
        "shared_sentence": sharing.describe(organization.name, shared),
        "kinds": [
            {
                "kind": k,
                "label": DataKind(k).label,
                "phrase": sharing.PHRASES[DataKind(k)],
                "shared": shared[k],
            }
            for k in DataKind.values
        ],
        "other_parties": [
            p.organization.name for p in alliance.active_parties if p.organization_id != user.organization_id
        ],
    }
    if shared[DataKind.PLAN]:
        context["plan"] = _plan_section(user, alliance)
    if shared[DataKind.ROADMAP]:
        context["roadmap"] = _roadmap_section(user, alliance, today)
    if shared[DataKind.COMMITMENTS]:
        context["commitments"] = agreement_selectors.commitment_summary(
            user=user, alliance=alliance, on=today
        )
    if shared[DataKind.PIPELINE]:
        context["pipeline"] = _pipeline_section(user, alliance, today, revenue=shared[DataKind.REVENUE])
    if shared[DataKind.REVENUE]:
        from amity.pipeline.forecast import forecast

        context["revenue"] = forecast(user=user, alliance=alliance, today=today)
    # The organization's own registrations in this alliance (a partner always sees its own).
    counts = dict(
        pipeline_selectors.alliance_registrations(alliance=alliance, user=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    context["registrations"] = [
        {"status": s.value, "label": s.label, "count": counts[s.value]}
        for s in RegistrationStatus
        if counts.get(s.value)
    ]
    return context


def _plan_section(user: Any, alliance: Alliance) -> dict[str, Any] | None:
    plan = planning_selectors.plan_list(user=user).filter(alliance=alliance).order_by("-fiscal_year").first()
    if plan is None:
        return None
    objectives = list(planning_selectors.objective_list(user=user, plan=plan))
    sides = planning_selectors.plan_sides(plan)
    return {
        "plan": plan,
        "objectives": objectives,
        "chart": planning_selectors.plan_objectives_chart(plan, objectives),
        "sides": sides,
        "waiting_for_us": plan.status == PlanStatus.PROPOSED
        and any(not s.agreed and s.organization.pk == user.organization_id for s in sides),
    }


def _roadmap_section(user: Any, alliance: Alliance, today: date) -> dict[str, Any]:
    milestones = list(
        planning_selectors.milestone_list(user=user).filter(alliance=alliance).order_by("due_date", "id")
    )
    timeline = planning_selectors.timeline_chart(milestones, today)
    for row in timeline["rows"]:
        row["url"] = f"#milestone-{row['id']}"
    open_ones = [m for m in milestones if not m.is_closed]
    return {
        "milestones": milestones,
        "timeline": timeline,
        "done": sum(1 for m in milestones if m.status == MilestoneStatus.DONE),
        "open": len(open_ones),
        "slipped": sum(1 for m in open_ones if m.slipped(today)),
        "next": next((m for m in open_ones if m.due_date >= today), None),
    }


def _pipeline_section(user: Any, alliance: Alliance, today: date, *, revenue: bool) -> dict[str, Any]:
    summary = pipeline_selectors.alliance_pipeline_summary(alliance=alliance, user=user, today=today)
    stages = [s for s in summary.by_stage if s["count"]]
    return {
        "summary": summary,
        "with_amounts": revenue,
        "chart": {
            "labels": [s["label"] for s in stages],
            "values": [s["count"] for s in stages],
            "rotate": 20,
        },
    }
