"""Planning pages: the Plan and Roadmap tabs of an alliance, create/edit forms, and the
domain verbs (propose, agree, activate, close, renew; start, finish, cancel a milestone)
as POST endpoints that call one service each.

Every read goes through the visibility rule (what a user may not see is a 404); a user
who sees something but may not change it gets a 403; service errors come back as form
errors or messages, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from amity.alliances import selectors as alliance_selectors
from amity.alliances.models import Alliance
from amity.alliances.views import alliance_header_context
from amity.core.permissions import can, get_visible_or_404
from amity.core.services import ConflictError, model_archive, model_restore, validation_messages
from amity.core.views import ObjectEditView

from . import selectors, services
from .forms import AgreeForm, InitiativeForm, MilestoneForm, ObjectiveForm, OfferingForm, PlanForm
from .models import (
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    MilestoneStatus,
    PlanObjective,
    PlanStatus,
)


def _messages_of(exc: ValidationError) -> str:
    return " ".join(m for msgs in validation_messages(exc).values() for m in msgs)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- tabs ---------------------------------------------------------------------------------


@login_required
def alliance_plan(request: HttpRequest, pk: int, plan_pk: int | None = None) -> HttpResponse:
    """The Plan tab: this fiscal year's joint business plan (or the one asked for)."""
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    ctx = alliance_header_context(request, alliance, tab="plan")
    ctx.update(selectors.plan_tab(user=request.user, alliance=alliance, plan_pk=plan_pk))
    return render(request, "planning/plan_tab.html", ctx)


@login_required
def alliance_roadmap(request: HttpRequest, pk: int) -> HttpResponse:
    """The Roadmap tab: timeline, milestones with slips, initiatives with gaps, offerings."""
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    ctx = alliance_header_context(request, alliance, tab="roadmap")
    ctx.update(selectors.roadmap_tab(user=request.user, alliance=alliance))
    return render(request, "planning/roadmap_tab.html", ctx)


# --- create / edit --------------------------------------------------------------------------


class AllianceScopedEditView(ObjectEditView):
    """Create an object under an alliance (``alliance_pk`` in the URL) or edit one."""

    alliance: Alliance
    lead_text: str = ""
    template_name = "core/object_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        alliance_pk = kwargs.pop("alliance_pk", None)
        if alliance_pk is not None and request.user.is_authenticated:
            self.alliance = alliance_selectors.alliance_detail(user=request.user, pk=alliance_pk)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        obj = super().get_object(request, pk)
        if obj is not None:
            self.alliance = self.alliance_of(obj)
        return obj

    def alliance_of(self, obj: Any) -> Alliance:
        return obj.alliance

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return self.form_class(data, instance=obj, user=request.user, alliance=self.alliance)

    def tab_url(self) -> str:
        return reverse("planning:alliance_roadmap", args=[self.alliance.pk])

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        ctx["alliance"] = self.alliance
        ctx["lead"] = self.lead_text.format(alliance=self.alliance)
        if obj is None:
            ctx["title"] = f"New {self.model._meta.verbose_name} · {self.alliance}"
            ctx["cancel_url"] = self.tab_url()
        return ctx


class PlanEditView(AllianceScopedEditView):
    model = JointBusinessPlan
    form_class = PlanForm
    lead_text = (
        "The annual plan both sides agree to: a thesis, the revenue growth and capability development "
        "each side expects, and objectives with quarterly targets. Changing it after a side agreed asks "
        "every side to agree again."
    )

    def tab_url(self) -> str:
        return reverse("planning:alliance_plan", args=[self.alliance.pk])

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> JointBusinessPlan:
        if obj is None:
            return services.plan_create(alliance=self.alliance, data=form.model_data(), user=user)
        plan, _ = services.plan_update(plan=obj, data=form.model_data(), user=user, expected_version=version)
        return plan


class ObjectiveEditView(AllianceScopedEditView):
    model = PlanObjective
    form_class = ObjectiveForm
    lead_text = (
        "A measurable objective with a target per fiscal quarter. Report actuals as quarters close; "
        "changing what was agreed (title, metric, unit, side or targets) asks every side to agree again."
    )
    plan: JointBusinessPlan

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plan_pk = kwargs.pop("plan_pk", None)
        if plan_pk is not None and request.user.is_authenticated:
            self.plan = get_visible_or_404(JointBusinessPlan, request.user, pk=plan_pk)
            self.alliance = alliance_selectors.alliance_detail(user=request.user, pk=self.plan.alliance_id)
        return super().dispatch(request, *args, **kwargs)

    def alliance_of(self, obj: PlanObjective) -> Alliance:
        self.plan = obj.plan
        return alliance_selectors.alliance_detail(user=self.request.user, pk=obj.plan.alliance_id)

    def tab_url(self) -> str:
        return self.plan.get_absolute_url()

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        if obj is None:
            ctx["title"] = f"New objective · {self.plan}"
        return ctx

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> PlanObjective:
        data = form.model_data()
        if obj is None:
            return services.objective_create(plan=self.plan, data=data, user=user)
        objective, _ = services.objective_update(
            objective=obj, data=data, user=user, expected_version=version
        )
        return objective


class MilestoneEditView(AllianceScopedEditView):
    model = Milestone
    form_class = MilestoneForm
    lead_text = (
        "A milestone of the partnership development roadmap. The first due date is kept, so a later "
        "date shows as a slip; dependencies must not form a cycle."
    )

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Milestone:
        deps = list(form.cleaned_data.get("dependencies") or [])
        if obj is None:
            return services.milestone_create(
                alliance=self.alliance, data=form.model_data(), user=user, dependencies=deps
            )
        milestone, _ = services.milestone_update(
            milestone=obj, data=form.model_data(), user=user, expected_version=version, dependencies=deps
        )
        return milestone


class RowsEditView(AllianceScopedEditView):
    """An object with child rows (resources, components) edited on one page."""

    template_name = "planning/rows_form.html"
    rows_key = ""

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Any:
        indexed = form.row_data()
        rows = [row for _, row in indexed]
        try:
            return self.write(form, obj, user, version, rows)
        except ValidationError as exc:
            remaining: dict[str, list[str]] = {}
            for key, msgs in validation_messages(exc).items():
                prefix, _, rest = key.partition(".")
                index, _, field = rest.partition(".")
                if prefix == self.rows_key and index.isdigit() and int(index) < len(indexed):
                    row_form = form.rows.forms[indexed[int(index)][0]]
                    for message in msgs:
                        row_form.add_error(field if field in row_form.fields else None, message)
                else:
                    remaining[key] = msgs
            if remaining:
                raise ValidationError(remaining) from exc
            raise ValidationError("Some rows need attention; see the messages below.") from exc

    def write(
        self, form: Any, obj: Any, user: Any, version: int | None, rows: list[dict]
    ) -> Any:  # pragma: no cover
        raise NotImplementedError


class InitiativeEditView(RowsEditView):
    model = JointInitiative
    form_class = InitiativeForm
    rows_key = "resources"
    lead_text = (
        "Joint work with the resources each side was asked for and has assigned; where a side "
        "assigned less than asked, the gap between intent and ability to execute shows."
    )

    def write(self, form: Any, obj: Any, user: Any, version: int | None, rows: list[dict]) -> JointInitiative:
        if obj is None:
            return services.initiative_create(
                alliance=self.alliance, data=form.model_data(), user=user, resources=rows
            )
        initiative, _ = services.initiative_update(
            initiative=obj, data=form.model_data(), user=user, expected_version=version, resources=rows
        )
        return initiative


class OfferingEditView(RowsEditView):
    model = JointOffering
    form_class = OfferingForm
    rows_key = "components"
    lead_text = (
        "A bundled product or service the sides bring to market together: what each side contributes, "
        "for which markets, and the milestone that launches it."
    )

    def write(self, form: Any, obj: Any, user: Any, version: int | None, rows: list[dict]) -> JointOffering:
        if obj is None:
            return services.offering_create(
                alliance=self.alliance, data=form.model_data(), user=user, components=rows
            )
        offering, _ = services.offering_update(
            offering=obj, data=form.model_data(), user=user, expected_version=version, components=rows
        )
        return offering


# --- plan verbs -----------------------------------------------------------------------------


def _plan(request: HttpRequest, pk: int) -> JointBusinessPlan:
    return get_visible_or_404(JointBusinessPlan, request.user, pk=pk)


def _run(request: HttpRequest, action: Callable[[], Any], ok: Callable[[Any], str]) -> Any:
    """Run a verb's service; its refusal becomes a message (a conflict too), never a 500."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return None
    except ConflictError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, ok(result))
    return result


STATUS_MESSAGES = {
    PlanStatus.PROPOSED: "proposed to every side; each side now agrees for itself.",
    PlanStatus.DRAFT: "is a draft again.",
    PlanStatus.ACTIVE: "is active.",
    PlanStatus.CLOSED: "is closed.",
}


@login_required
@require_POST
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not can(request.user, "change", plan):
        raise PermissionDenied
    status = request.POST.get("status", "")
    _run(
        request,
        lambda: services.plan_set_status(
            plan=plan,
            status=status,
            user=request.user,
            expected_version=_int_or_none(request.POST.get("version")),
        ),
        lambda p: f"{p} {STATUS_MESSAGES.get(p.status, 'changed.')}",
    )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree for your side (or, internal editors, record a partner side's agreement)."""
    plan = _plan(request, pk)
    form = AgreeForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(plan.get_absolute_url())
    organization = form.cleaned_data.get("organization")

    def ok(p: JointBusinessPlan) -> str:
        if p.status == PlanStatus.AGREED:
            return f"Every side agreed: {p} is agreed."
        return f"Agreement recorded for {organization or 'your side'}; waiting for the other sides."

    _run(
        request,
        lambda: services.plan_agree(
            plan=plan, user=request.user, organization=organization, note=form.cleaned_data.get("note") or ""
        ),
        ok,
    )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_renew(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not can(request.user, "change", plan):
        raise PermissionDenied
    renewed = _run(
        request,
        lambda: services.plan_renew(plan=plan, user=request.user),
        lambda p: f"Reviewed and renewed: {p} is a draft carrying over the thesis, expectations and targets.",
    )
    return redirect((renewed or plan).get_absolute_url())


@login_required
@require_POST
def plan_archive(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not can(request.user, "archive", plan):
        raise PermissionDenied
    if request.POST.get("restore") == "1":
        _run(request, lambda: services.plan_restore(plan=plan, user=request.user), lambda p: f"Restored {p}.")
        return redirect(plan.get_absolute_url())
    _run(
        request,
        lambda: model_archive(instance=plan, user=request.user),
        lambda p: f"Archived {p}. It can be restored from its page.",
    )
    return redirect("planning:alliance_plan", pk=plan.alliance_id)


@login_required
@require_POST
def objective_archive(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_visible_or_404(PlanObjective, request.user, pk=pk)
    if not can(request.user, "archive", objective):
        raise PermissionDenied
    _run(
        request,
        lambda: services.objective_archive(objective=objective, user=request.user),
        lambda o: f"Removed the objective “{o}” from the plan.",
    )
    return redirect(objective.plan.get_absolute_url())


# --- roadmap verbs --------------------------------------------------------------------------


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_visible_or_404(Milestone, request.user, pk=pk)
    if not can(request.user, "change", milestone):
        raise PermissionDenied
    status = request.POST.get("status", "")
    _run(
        request,
        lambda: services.milestone_set_status(
            milestone=milestone,
            status=status,
            user=request.user,
            completed_on=_parse_day(request.POST.get("completed_on")),
            expected_version=_int_or_none(request.POST.get("version")),
        ),
        lambda m: (
            f"“{m}” is {m.get_status_display().lower()}"
            + (f" (done on {m.completed_on:%d %b %Y})." if m.status == MilestoneStatus.DONE else ".")
        ),
    )
    return redirect(milestone.get_absolute_url())


def _archive_or_restore(request: HttpRequest, model: type, pk: int) -> HttpResponse:
    obj = get_visible_or_404(model, request.user, pk=pk)
    if not can(request.user, "archive", obj):
        raise PermissionDenied
    if request.POST.get("restore") == "1":
        _run(request, lambda: model_restore(instance=obj, user=request.user), lambda o: f"Restored {o}.")
    else:
        _run(
            request,
            lambda: model_archive(instance=obj, user=request.user),
            lambda o: f"Archived {o}. Nothing is deleted; it can be restored.",
        )
    return redirect("planning:alliance_roadmap", pk=obj.alliance_id)


@login_required
@require_POST
def milestone_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, Milestone, pk)


@login_required
@require_POST
def initiative_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, JointInitiative, pk)


@login_required
@require_POST
def offering_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, JointOffering, pk)
