"""Every write of joint planning: plans and their agreement, objectives, review and renew,
milestones with dependencies, initiatives with resources, joint offerings with components.

Each service validates with ``full_clean()``, writes inside ``transaction.atomic()`` (so a
refused write leaves nothing half-written), bumps ``version`` and leaves the reason of a
change in history where the change is not self-explanatory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty, PartyRole
from amity.core import events, periods
from amity.core.models import user_role
from amity.core.permissions import is_editor
from amity.core.roles import Role
from amity.core.services import ConflictError, model_archive, require, set_history_user
from amity.partners.models import Organization

from .models import (
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    MilestoneStatus,
    OfferingComponent,
    PlanAgreement,
    PlanObjective,
    PlanStatus,
    ResourceKind,
    day_label,
)

PLAN_FIELDS = (*JointBusinessPlan.SUBSTANCE, "owner")
OBJECTIVE_FIELDS = (
    "order",
    "title",
    "metric",
    "unit",
    "owning_side",
    "owner",
    *(f"target_q{q}" for q in range(1, 5)),
    *(f"actual_q{q}" for q in range(1, 5)),
)
MILESTONE_FIELDS = (
    "title",
    "category",
    "description",
    "due_date",
    "status",
    "completed_on",
    "owning_side",
    "owner",
)
INITIATIVE_FIELDS = ("title", "goal", "status", "start_date", "end_date", "owner")
RESOURCE_FIELDS = ("organization", "kind", "description", "requested", "assigned", "unit")
OFFERING_FIELDS = ("name", "value_proposition", "target_markets", "launch_milestone", "status")

#: The plan statuses a person moves a plan to with a button; "agreed" is reached by agreeing.
PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.PROPOSED,),
    PlanStatus.PROPOSED: (PlanStatus.DRAFT,),
    PlanStatus.AGREED: (PlanStatus.ACTIVE, PlanStatus.CLOSED),
    PlanStatus.ACTIVE: (PlanStatus.CLOSED,),
    PlanStatus.CLOSED: (),
}


# --- helpers ------------------------------------------------------------------------------


def _only(data: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    return dict(data)


def _lock(instance: models.Model) -> Any:
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def _check_version(current: Any, expected: int | None) -> None:
    if expected is not None and current.version != expected:
        raise ConflictError(current, expected)


def _save(instance: Any, user: Any, reason: str = "", *, bump: bool = True) -> None:
    if bump and instance.pk:
        instance.version += 1
    if reason:
        instance._change_reason = reason
    set_history_user(instance, user)
    instance.save()


def _open_alliance(alliance: Alliance) -> None:
    if alliance.archived_at is not None:
        raise ValidationError({"alliance": f"{alliance} is archived; restore it before planning with it."})


def _field_labels(model: type[models.Model], names: Iterable[str]) -> str:
    labels = []
    for name in names:
        label = str(model._meta.get_field(name).verbose_name)
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def _changed(current: Any, data: dict[str, Any]) -> list[str]:
    return [name for name, value in data.items() if getattr(current, name) != value]


def _rekey(exc: ValidationError, prefix: str) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {f"{prefix}.{k}": [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {prefix: list(exc.messages)}


# --- joint business plans -----------------------------------------------------------------


def plan_default_title(alliance: Alliance, fiscal_year: int) -> str:
    return f"{alliance.name} joint business plan FY{fiscal_year}"


def plan_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> JointBusinessPlan:
    """A draft plan for one fiscal year (this one unless given); one per alliance and year."""
    require(user, "create", JointBusinessPlan)
    _open_alliance(alliance)
    data = _only(data, PLAN_FIELDS)
    if not data.get("fiscal_year"):
        data["fiscal_year"] = periods.fiscal_year_of(timezone.localdate())
    if not (data.get("title") or "").strip():
        data["title"] = plan_default_title(alliance, data["fiscal_year"])
    if "owner" not in data:
        data["owner"] = user if is_editor(user) else alliance.owner
    plan = JointBusinessPlan(alliance=alliance, status=PlanStatus.DRAFT, **data)
    plan.full_clean()
    with transaction.atomic():
        _save(plan, user)
    return plan


def _reset_agreement(plan: JointBusinessPlan, what: str, user: Any) -> str:
    """Archive the agreements given to a plan whose substance changed; say so in history.

    An agreed or active plan goes back to proposed: every side must agree again.
    """
    if plan.status not in (PlanStatus.PROPOSED, PlanStatus.AGREED, PlanStatus.ACTIVE):
        return ""
    agreements = list(plan.agreements.active().select_related("organization"))
    was = plan.get_status_display().lower()
    if not agreements and plan.status == PlanStatus.PROPOSED:
        return ""
    now = timezone.now()
    for agreement in agreements:
        agreement.archived_at = now
        _save(agreement, user, f"Agreement reset: {what} changed after it was given")
    names = ", ".join(a.organization.name for a in agreements) or "the sides"
    if plan.status in (PlanStatus.AGREED, PlanStatus.ACTIVE):
        plan.status = PlanStatus.PROPOSED
        plan.agreed_at = None
        plan.activated_at = None
    plan.proposed_at = now
    return (
        f"Agreement reset: {what} changed after {names} had agreed (the plan was {was}); "
        "every side must agree again."
    )


def plan_update(
    *, plan: JointBusinessPlan, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[JointBusinessPlan, list[str]]:
    """Edit a plan. Changing its substance after a side agreed resets the agreement."""
    require(user, "change", plan)
    data = _only(data, PLAN_FIELDS)
    with transaction.atomic():
        current = _lock(plan)
        _check_version(current, expected_version)
        if "title" in data and not (data["title"] or "").strip():
            data["title"] = plan_default_title(
                current.alliance, data.get("fiscal_year") or current.fiscal_year
            )
        changed = _changed(current, data)
        substance = [name for name in changed if name in JointBusinessPlan.SUBSTANCE]
        if substance and current.status == PlanStatus.CLOSED:
            raise ValidationError(
                {substance[0]: "A closed plan is a record and cannot change; renew it to plan the next year."}
            )
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        if changed:
            reason = (
                _reset_agreement(current, _field_labels(JointBusinessPlan, substance), user)
                if substance
                else ""
            )
            _save(current, user, reason)
    return current, changed


def plan_set_status(
    *,
    plan: JointBusinessPlan,
    status: str,
    user: Any,
    expected_version: int | None = None,
) -> JointBusinessPlan:
    """Propose, withdraw, activate or close a plan (agreement happens through ``plan_agree``)."""
    require(user, "change", plan)
    with transaction.atomic():
        current = _lock(plan)
        _check_version(current, expected_version)
        if current.archived_at is not None:
            raise ValidationError({"status": "The plan is archived; restore it first."})
        if status == current.status:
            return current
        if status == PlanStatus.AGREED:
            raise ValidationError(
                {"status": "A plan becomes agreed when every side has agreed to it (use agree)."}
            )
        allowed = PLAN_TRANSITIONS.get(current.status, ())
        if status not in allowed:
            label = PlanStatus(status).label.lower() if status in PlanStatus.values else repr(status)
            options = ", ".join(PlanStatus(s).label.lower() for s in allowed) or "nothing (it is closed)"
            raise ValidationError(
                {
                    "status": f"A {current.get_status_display().lower()} plan cannot become {label}; "
                    f"it can become {options}."
                }
            )
        now = timezone.now()
        reason = ""
        if status == PlanStatus.PROPOSED:
            current.proposed_at = now
            reason = "Proposed to every side for agreement"
        elif status == PlanStatus.DRAFT:
            withdrawn = list(current.agreements.active())
            for agreement in withdrawn:
                agreement.archived_at = now
                _save(agreement, user, "Agreement reset: the plan was withdrawn to draft")
            current.proposed_at = None
            reason = "Withdrawn to draft" + (" (agreements given so far were reset)" if withdrawn else "")
        elif status == PlanStatus.ACTIVE:
            current.activated_at = now
            reason = "Activated: the sides now work the plan"
        elif status == PlanStatus.CLOSED:
            current.closed_at = now
            reason = "Closed"
        current.status = status
        _save(current, user, reason)
    return current


def plan_sides(plan: JointBusinessPlan) -> list[AllianceParty]:
    """The parties that must agree: every active party of the alliance, our company first."""
    parties = AllianceParty.objects.filter(alliance_id=plan.alliance_id, archived_at__isnull=True)
    return sorted(parties.select_related("organization"), key=lambda p: (p.role != PartyRole.HOST, p.pk))


def plan_agree(
    *,
    plan: JointBusinessPlan,
    user: Any,
    organization: Organization | None = None,
    note: str = "",
) -> JointBusinessPlan:
    """Agree to a proposed plan for one side; when every side agreed, the plan is agreed.

    An internal editor agrees for our company, or records a partner side's agreement with
    ``organization`` and a ``note`` saying how the partner agreed. A partner user agrees
    for their own organization, which must be a party of the alliance.
    """
    role = user_role(user)
    if role not in (Role.ADMIN, Role.MANAGER, Role.PARTNER):
        raise PermissionDenied("You may not agree to plans.")
    with transaction.atomic():
        current = _lock(plan)
        if current.archived_at is not None:
            raise ValidationError({"status": "The plan is archived."})
        if current.status != PlanStatus.PROPOSED:
            raise ValidationError(
                {
                    "status": f"Only a proposed plan can be agreed; this plan is "
                    f"{current.get_status_display().lower()}."
                }
            )
        sides = {p.organization_id: p for p in plan_sides(current)}
        on_behalf = False
        if role == Role.PARTNER:
            if user.organization_id not in sides:
                raise PermissionDenied("Your organization is not a party of this alliance.")
            if organization is not None and organization.pk != user.organization_id:
                raise ValidationError(
                    {"organization": f"You can agree only for your own organization, {user.organization}."}
                )
            side = sides[user.organization_id].organization
        else:
            host = next((p for p in sides.values() if p.role == PartyRole.HOST), None)
            if organization is None or (host is not None and organization.pk == host.organization_id):
                if host is None:
                    raise ValidationError({"organization": "Our company is not a party of this alliance."})
                side = host.organization
            else:
                if organization.pk not in sides:
                    raise ValidationError(
                        {"organization": f"{organization} is not a party of this alliance."}
                    )
                if not note.strip():
                    raise ValidationError(
                        {
                            "note": f"Say how {organization} agreed (for example, a signed copy received), "
                            "since you record it for them."
                        }
                    )
                side, on_behalf = sides[organization.pk].organization, True
        given = current.agreements.active().filter(organization=side).select_related("agreed_by").first()
        if given is not None:
            raise ValidationError(
                {
                    "organization": f"{side} already agreed to this plan on "
                    f"{day_label(timezone.localtime(given.agreed_at).date())} ({given.agreed_by})."
                }
            )
        agreement = PlanAgreement(
            plan=current,
            organization=side,
            agreed_by=user,
            agreed_at=timezone.now(),
            on_behalf=on_behalf,
            note=note,
        )
        agreement.full_clean()
        recorded = f"recorded by {user} on their behalf" if on_behalf else f"by {user}"
        _save(agreement, user, f"Agreed for {side} ({recorded})")
        agreed = set(current.agreements.active().values_list("organization_id", flat=True))
        if set(sides) <= agreed:
            current.status = PlanStatus.AGREED
            current.agreed_at = timezone.now()
            names = ", ".join(p.organization.name for p in sides.values())
            _save(current, user, f"Agreed by every side: {names}")
            events.emit(
                "plan.agreed",
                alliance_id=current.alliance_id,
                kind="plan",
                data={
                    "id": current.pk,
                    "title": current.title,
                    "fiscal_year": current.fiscal_year,
                    "status": current.status,
                    "revenue_target": current.revenue_target,
                    "revenue_growth_pct": current.revenue_growth_pct,
                    "currency": current.currency,
                    "url": current.get_absolute_url(),
                },
                actor=user,
            )
    return current


def _next_title(title: str, year: int, next_year: int) -> str:
    for old, new in ((f"FY{year}", f"FY{next_year}"), (str(year), str(next_year))):
        if old in title:
            return title.replace(old, new)
    return f"{title} (FY{next_year})"[:200]


def plan_renew(*, plan: JointBusinessPlan, user: Any) -> JointBusinessPlan:
    """Review and renew: next fiscal year's plan as a draft copying the thesis, expectations
    and objectives (targets carried over, actuals empty); the reviewed plan is closed.

    A plan is renewed once: a second renewal is refused.
    """
    require(user, "create", JointBusinessPlan)
    require(user, "change", plan)
    with transaction.atomic():
        current = _lock(plan)
        if current.archived_at is not None:
            raise ValidationError({"plan": "The plan is archived; restore it first."})
        renewal = JointBusinessPlan.objects.active().filter(renewed_from=current).first()
        if renewal is not None:
            raise ValidationError(
                {"plan": f"This plan was already renewed into “{renewal.title}” (FY{renewal.fiscal_year})."}
            )
        if current.status in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
            raise ValidationError(
                {
                    "status": f"Only an agreed, active or closed plan can be reviewed and renewed; this plan is "
                    f"{current.get_status_display().lower()}."
                }
            )
        next_year = current.fiscal_year + 1
        clash = (
            JointBusinessPlan.objects.active()
            .filter(alliance_id=current.alliance_id, fiscal_year=next_year)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {"fiscal_year": f"The alliance already has a plan for FY{next_year} (“{clash.title}”)."}
            )
        renewed = JointBusinessPlan(
            alliance_id=current.alliance_id,
            fiscal_year=next_year,
            title=_next_title(current.title, current.fiscal_year, next_year),
            thesis=current.thesis,
            revenue_target=current.revenue_target,
            currency=current.currency,
            revenue_growth_pct=current.revenue_growth_pct,
            capability_expectations=current.capability_expectations,
            owner=current.owner,
            status=PlanStatus.DRAFT,
            renewed_from=current,
        )
        renewed.full_clean()
        _save(renewed, user, f"Renewed from “{current.title}” (FY{current.fiscal_year})")
        for objective in current.objectives.active().order_by("order", "id"):
            copy = PlanObjective(
                plan=renewed,
                order=objective.order,
                title=objective.title,
                metric=objective.metric,
                unit=objective.unit,
                owning_side_id=objective.owning_side_id,
                owner_id=objective.owner_id,
                **{f"target_q{q}": objective.target(q) for q in range(1, 5)},
            )
            _save(copy, user, f"Carried over from FY{current.fiscal_year} (targets kept, actuals empty)")
        reason = f"Reviewed and renewed into “{renewed.title}” (FY{next_year})"
        if current.status != PlanStatus.CLOSED:
            current.status = PlanStatus.CLOSED
            current.closed_at = timezone.now()
        _save(current, user, reason)
    return renewed


def plan_restore(*, plan: JointBusinessPlan, user: Any) -> JointBusinessPlan:
    """Bring an archived plan back, unless another plan took its fiscal year meanwhile."""
    require(user, "archive", plan)
    if plan.archived_at is None:
        return plan
    with transaction.atomic():
        current = _lock(plan)
        current.archived_at = None
        current.full_clean()
        if (
            current.renewed_from_id
            and JointBusinessPlan.objects.active()
            .filter(renewed_from_id=current.renewed_from_id)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise ValidationError({"plan": "The plan it was renewed from has been renewed again meanwhile."})
        _save(current, user, "restored from archive")
    return current


# --- objectives ---------------------------------------------------------------------------


def _plan_for_objectives(plan: JointBusinessPlan) -> JointBusinessPlan:
    if plan.archived_at is not None:
        raise ValidationError({"plan": "The plan is archived."})
    return plan


def _objective_changed(plan: JointBusinessPlan, what: str, user: Any) -> None:
    """A change to what the sides agreed: reset the agreement, recorded on the plan."""
    current = _lock(plan)
    if current.status == PlanStatus.CLOSED:
        raise ValidationError(
            {"plan": "A closed plan is a record and cannot change; renew it to plan the next year."}
        )
    reason = _reset_agreement(current, what, user)
    if reason:
        _save(current, user, reason)


def objective_create(*, plan: JointBusinessPlan, data: dict[str, Any], user: Any) -> PlanObjective:
    require(user, "create", PlanObjective)
    require(user, "change", plan)
    _plan_for_objectives(plan)
    data = _only(data, OBJECTIVE_FIELDS)
    if data.get("order") is None:
        last = plan.objectives.aggregate(m=models.Max("order"))["m"]
        data["order"] = 0 if last is None else last + 1
    for q in range(1, 5):
        if data.get(f"target_q{q}") is None:
            data[f"target_q{q}"] = Decimal("0")
    objective = PlanObjective(plan=plan, **data)
    objective.full_clean()
    with transaction.atomic():
        _objective_changed(plan, f"objective “{objective.title}” added", user)
        _save(objective, user)
    return objective


def objective_update(
    *, objective: PlanObjective, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[PlanObjective, list[str]]:
    """Edit an objective. Actuals are reported freely; a change to what was agreed (title,
    metric, unit, owning side, targets) resets the plan's agreement."""
    require(user, "change", objective)
    data = _only(data, OBJECTIVE_FIELDS)
    for q in range(1, 5):
        if f"target_q{q}" in data and data[f"target_q{q}"] is None:
            data[f"target_q{q}"] = Decimal("0")
    with transaction.atomic():
        current = _lock(objective)
        _check_version(current, expected_version)
        _plan_for_objectives(current.plan)
        changed = _changed(current, data)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        substance = [name for name in changed if name in PlanObjective.SUBSTANCE]
        if substance:
            labels = _field_labels(PlanObjective, substance)
            _objective_changed(current.plan, f"objective “{current.title}” ({labels})", user)
        if changed:
            _save(current, user)
    return current, changed


def objective_archive(*, objective: PlanObjective, user: Any) -> PlanObjective:
    require(user, "archive", objective)
    if objective.archived_at is not None:
        return objective
    with transaction.atomic():
        _objective_changed(objective.plan, f"objective “{objective.title}” removed", user)
        return model_archive(instance=objective, user=user, reason="removed from the plan")


# --- milestones ---------------------------------------------------------------------------


def _completion(current: Milestone, data: dict[str, Any], previous_status: str | None) -> None:
    """Done records when (today unless given); leaving done clears it."""
    if current.status == MilestoneStatus.DONE:
        if current.completed_on is None:
            current.completed_on = timezone.localdate()
    elif "completed_on" not in data or previous_status == MilestoneStatus.DONE:
        current.completed_on = None


def _dependency_cycle(milestone: Milestone, dependencies: list[Milestone]) -> list[int] | None:
    """The cycle the dependencies would close through ``milestone``, as a list of ids."""
    if milestone.pk is None:
        return None
    through = Milestone.dependencies.through
    edges: dict[int, set[int]] = {}
    rows = through.objects.filter(
        from_milestone__alliance_id=milestone.alliance_id,
        from_milestone__archived_at__isnull=True,
        to_milestone__archived_at__isnull=True,
    ).values_list("from_milestone_id", "to_milestone_id")
    for source, target in rows:
        edges.setdefault(source, set()).add(target)
    edges[milestone.pk] = {d.pk for d in dependencies}
    # Depth-first from each dependency: reaching the milestone again closes a cycle.
    for start in sorted(edges[milestone.pk]):
        stack: list[tuple[int, list[int]]] = [(start, [milestone.pk, start])]
        seen: set[int] = set()
        while stack:
            node, path = stack.pop()
            if node == milestone.pk:
                return path
            if node in seen:
                continue
            seen.add(node)
            for nxt in sorted(edges.get(node, ())):
                stack.append((nxt, [*path, nxt]))
    return None


def _check_dependencies(milestone: Milestone, dependencies: list[Milestone]) -> None:
    problems = []
    for dep in dependencies:
        if milestone.pk is not None and dep.pk == milestone.pk:
            problems.append("A milestone cannot depend on itself.")
        elif dep.alliance_id != milestone.alliance_id:
            problems.append(f"“{dep}” is a milestone of another alliance.")
        elif dep.archived_at is not None:
            problems.append(f"“{dep}” is archived.")
    if problems:
        raise ValidationError({"dependencies": problems})
    cycle = _dependency_cycle(milestone, dependencies)
    if cycle:
        titles = dict(Milestone.objects.filter(pk__in=cycle).values_list("pk", "title"))
        titles[milestone.pk] = milestone.title
        chain = " → ".join(f"“{titles.get(pk, pk)}”" for pk in cycle)
        raise ValidationError(
            {"dependencies": f"These dependencies make a cycle: {chain}. A milestone cannot wait on itself."}
        )


def milestone_create(
    *,
    alliance: Alliance,
    data: dict[str, Any],
    user: Any,
    dependencies: list[Milestone] | None = None,
) -> Milestone:
    """A roadmap milestone; its original due date is fixed now so slips stay visible."""
    require(user, "create", Milestone)
    _open_alliance(alliance)
    data = _only(data, MILESTONE_FIELDS)
    milestone = Milestone(alliance=alliance, **data)
    milestone.original_due_date = milestone.due_date
    _completion(milestone, data, None)
    milestone.full_clean()
    dependencies = list(dependencies or [])
    _check_dependencies(milestone, dependencies)
    with transaction.atomic():
        _save(milestone, user)
        if dependencies:
            milestone.dependencies.set(dependencies)
    return milestone


def milestone_update(
    *,
    milestone: Milestone,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    dependencies: list[Milestone] | None = None,
) -> tuple[Milestone, list[str]]:
    """Edit a milestone; ``dependencies`` (when given) replaces the list. A cycle is refused."""
    require(user, "change", milestone)
    data = _only(data, MILESTONE_FIELDS)
    with transaction.atomic():
        current = _lock(milestone)
        _check_version(current, expected_version)
        previous_status, previous_due = current.status, current.due_date
        before = {name: getattr(current, name) for name in MILESTONE_FIELDS}
        for name, value in data.items():
            setattr(current, name, value)
        _completion(current, data, previous_status)
        changed = [name for name in MILESTONE_FIELDS if getattr(current, name) != before[name]]
        current.full_clean()
        deps_changed = False
        if dependencies is not None:
            dependencies = list(dependencies)
            _check_dependencies(current, dependencies)
            before = set(current.dependencies.values_list("pk", flat=True))
            deps_changed = before != {d.pk for d in dependencies}
        if changed or deps_changed:
            reason = ""
            if current.due_date != previous_due:
                reason = f"Due date moved from {day_label(previous_due)} to {day_label(current.due_date)}"
                if current.moved_days:
                    reason += f" ({current.moved_days} days after the original {day_label(current.original_due_date)})"
            _save(current, user, reason)
            if deps_changed:
                current.dependencies.set(dependencies or [])
        if current.status == MilestoneStatus.DONE and previous_status != MilestoneStatus.DONE:
            events.emit(
                "milestone.done",
                alliance_id=current.alliance_id,
                kind="roadmap",
                data={
                    "id": current.pk,
                    "title": current.title,
                    "status": current.status,
                    "due_date": current.due_date,
                    "completed_on": current.completed_on,
                    "url": current.get_absolute_url(),
                },
                actor=user,
            )
    return current, changed + (["dependencies"] if deps_changed else [])


def milestone_set_status(
    *,
    milestone: Milestone,
    status: str,
    user: Any,
    completed_on: date | None = None,
    expected_version: int | None = None,
) -> Milestone:
    """Start, finish (recording the day it was done) or cancel a milestone."""
    if status not in MilestoneStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    data: dict[str, Any] = {"status": status}
    if completed_on is not None:
        data["completed_on"] = completed_on
    current, _ = milestone_update(
        milestone=milestone, data=data, user=user, expected_version=expected_version
    )
    return current


# --- initiatives --------------------------------------------------------------------------


def _default_unit(row: dict[str, Any]) -> None:
    if not (row.get("unit") or "").strip():
        from amity.core.money import default_currency

        row["unit"] = default_currency() if row.get("kind") == ResourceKind.BUDGET else "FTE"
    elif row.get("kind") == ResourceKind.BUDGET:
        row["unit"] = row["unit"].strip().upper()


def _save_rows(
    *,
    parent: Any,
    parent_field: str,
    model: type[models.Model],
    rows: list[dict[str, Any]],
    fields: tuple[str, ...],
    prefix: str,
    user: Any,
    prepare: Any = None,
) -> None:
    """Replace the child rows of ``parent``: rows with an ``id`` update that row, rows
    without one are added, active rows not listed are archived. Errors name the row."""
    existing = {row.pk: row for row in model.objects.active().filter(**{parent_field: parent})}
    errors: dict[str, list[str]] = {}
    pending = []
    for i, row in enumerate(rows):
        row = dict(row)
        pk = row.pop("id", None)
        if prepare:
            prepare(row)
        unknown = set(row) - set(fields)
        if unknown:
            errors.update({f"{prefix}.{i}.{name}": ["This field cannot be set here."] for name in unknown})
            continue
        if pk is not None:
            instance = existing.pop(pk, None)
            if instance is None:
                errors[f"{prefix}.{i}.id"] = [f"Row {pk} is not part of this {parent._meta.verbose_name}."]
                continue
            changed = _changed(instance, row)
        else:
            instance = model(**{parent_field: parent})
            changed = list(row)
        for name, value in row.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except ValidationError as exc:
            errors.update(_rekey(exc, f"{prefix}.{i}"))
            continue
        if changed:
            pending.append(instance)
    if errors:
        raise ValidationError(errors)
    for instance in pending:
        _save(instance, user)
    for leftover in existing.values():
        model_archive(instance=leftover, user=user, reason=f"removed from the {parent._meta.verbose_name}")


def initiative_create(
    *,
    alliance: Alliance,
    data: dict[str, Any],
    user: Any,
    resources: list[dict[str, Any]] | None = None,
) -> JointInitiative:
    """A joint initiative with what each side was asked for and has assigned."""
    require(user, "create", JointInitiative)
    _open_alliance(alliance)
    data = _only(data, INITIATIVE_FIELDS)
    initiative = JointInitiative(alliance=alliance, **data)
    initiative.full_clean()
    with transaction.atomic():
        _save(initiative, user)
        _save_rows(
            parent=initiative,
            parent_field="initiative",
            model=InitiativeResource,
            rows=resources or [],
            fields=RESOURCE_FIELDS,
            prefix="resources",
            user=user,
            prepare=_default_unit,
        )
    return initiative


def initiative_update(
    *,
    initiative: JointInitiative,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    resources: list[dict[str, Any]] | None = None,
) -> tuple[JointInitiative, list[str]]:
    """Edit an initiative; ``resources`` (when given) replaces its resource rows."""
    require(user, "change", initiative)
    data = _only(data, INITIATIVE_FIELDS)
    with transaction.atomic():
        current = _lock(initiative)
        _check_version(current, expected_version)
        changed = _changed(current, data)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        if resources is not None:
            _save_rows(
                parent=current,
                parent_field="initiative",
                model=InitiativeResource,
                rows=resources,
                fields=RESOURCE_FIELDS,
                prefix="resources",
                user=user,
                prepare=_default_unit,
            )
        if changed or resources is not None:
            _save(current, user)
    return current, changed


# --- offerings ----------------------------------------------------------------------------


def offering_create(
    *,
    alliance: Alliance,
    data: dict[str, Any],
    user: Any,
    components: list[dict[str, Any]] | None = None,
) -> JointOffering:
    """A joint offering with what each side contributes and its launch milestone."""
    require(user, "create", JointOffering)
    _open_alliance(alliance)
    data = _only(data, OFFERING_FIELDS)
    offering = JointOffering(alliance=alliance, **data)
    offering.full_clean()
    with transaction.atomic():
        _save(offering, user)
        _save_rows(
            parent=offering,
            parent_field="offering",
            model=OfferingComponent,
            rows=components or [],
            fields=("organization", "contribution"),
            prefix="components",
            user=user,
        )
    return offering


def offering_update(
    *,
    offering: JointOffering,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    components: list[dict[str, Any]] | None = None,
) -> tuple[JointOffering, list[str]]:
    require(user, "change", offering)
    data = _only(data, OFFERING_FIELDS)
    with transaction.atomic():
        current = _lock(offering)
        _check_version(current, expected_version)
        changed = _changed(current, data)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        if components is not None:
            _save_rows(
                parent=current,
                parent_field="offering",
                model=OfferingComponent,
                rows=components,
                fields=("organization", "contribution"),
                prefix="components",
                user=user,
            )
        if changed or components is not None:
            _save(current, user)
    return current, changed
