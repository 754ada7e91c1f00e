"""Lead pages: the list, a lead with its routing and answer, routing rules, acceptance stats."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.core.permissions import can, get_visible_or_404
from amity.core.roles import Role
from amity.core.services import model_create, model_update
from amity.core.views import Column, ObjectEditView, ObjectListView, _errors_to_form

from . import selectors_leads as selectors
from . import services_leads as services
from .filters_leads import LeadFilterSet
from .forms_leads import DeclineForm, LeadForm, LeadRuleForm, RouteToForm
from .models import Lead, LeadRoutingRule, LeadStatus
from .views import CELLS, ExportListView


class LeadListView(ExportListView):
    model = Lead
    template_name = "pipeline/lead_list.html"
    selector = staticmethod(selectors.lead_list)
    filterset_class = LeadFilterSet
    title = "Leads"
    create_url = "pipeline:lead_create"
    export_filename = "leads.csv"
    default_sort = "-created_at"
    export_only = ("currency", "routing_reason")
    columns = [
        Column("company_name", "Company", sort="normalized_name", link=True),
        Column("country", "Country", sort="country"),
        Column("industry", "Industry", sort="industry"),
        Column("need", "Needs"),
        Column("organization.name", "Routed to", sort="organization__name"),
        Column("get_status_display", "Status", sort="status", template=CELLS + "lead_status.html"),
        Column("amount", "Est. amount", sort="amount", align="text-end", template=CELLS + "amount.html"),
        Column("currency", "Currency"),
        Column("response_due", "Answer due", sort="response_due"),
        Column("created_at", "Created", sort="created_at"),
        Column("routing_reason", "Routing reason"),
    ]

    def get_columns(self, request: HttpRequest) -> list[Column]:
        columns = super().get_columns(request)
        if not request.user.is_internal:  # our routing rules are not the partner's business
            columns = [c for c in columns if c.key != "routing_reason"]
        return columns

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        internal = request.user.is_internal
        return {
            "create_label": "New lead",
            "lead": "Leads we pass to partners, routed by the routing rules; each partner sees only its own."
            if internal
            else "Leads we passed to your company: accept or decline each one.",
        }


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "create", Lead):
        raise PermissionDenied
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(
                data=form.model_data(), user=request.user, route=form.cleaned_data["route_now"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, f"Lead {lead} saved{' and routed' if lead.status == LeadStatus.ROUTED else ''}."
            )
            return redirect(lead.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "core/object_form.html",
        {"form": form, "title": "New lead", "cancel_url": "/pipeline/leads/"},
        status=status,
    )


def _page(request: HttpRequest, lead: Lead, **forms: Any) -> HttpResponse:
    internal = request.user.is_internal
    editor = can(request.user, "change", lead)
    answerer = lead.status == LeadStatus.ROUTED and (
        editor or (request.user.role == Role.PARTNER and request.user.organization_id == lead.organization_id)
    )
    history = list(lead.history.select_related("history_user").order_by("history_date")) if internal else []
    context = {
        "lead": lead,
        "object": lead,
        "title": lead.company_name,
        "internal": internal,
        "can_route": editor and lead.status in (LeadStatus.NEW, LeadStatus.DECLINED),
        "can_answer": answerer,
        "can_convert": editor and lead.status == LeadStatus.ACCEPTED,
        "can_withdraw": editor and lead.status not in (LeadStatus.CONVERTED, LeadStatus.WITHDRAWN),
        "decline_form": forms.get("decline") or DeclineForm(user=request.user),
        "route_form": forms.get("route") or RouteToForm(user=request.user),
        "preview": services.evaluate(lead)
        if editor and lead.status in (LeadStatus.NEW, LeadStatus.DECLINED)
        else None,
        "history": history,
        "today": timezone.localdate(),
    }
    return render(request, "pipeline/lead_detail.html", context, status=422 if forms else 200)


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.lead_detail(user=request.user, pk=pk))


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    lead = selectors.lead_detail(user=request.user, pk=pk)
    try:
        lead, message = action(lead)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(lead.get_absolute_url())


@login_required
@require_POST
def lead_route(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_detail(user=request.user, pk=pk)
    if request.POST.get("alliance"):
        form = RouteToForm(request.POST, user=request.user)
        if not form.is_valid():
            return _page(request, lead, route=form)
        try:
            lead = services.route_lead_to(
                lead=lead, alliance=form.cleaned_data["alliance"], user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return _page(request, lead, route=form)
        messages.success(request, f"Routed to {lead.organization}.")
        return redirect(lead.get_absolute_url())

    def route(lead):
        lead = services.route_lead(lead=lead, user=request.user)
        if lead.status == LeadStatus.ROUTED:
            return lead, f"Routed to {lead.organization}."
        return lead, "No rule matched; the lead stays new (see why below)."

    return _act(request, pk, route)


@login_required
@require_POST
def lead_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda lead: (services.lead_accept(lead=lead, user=request.user), "Lead accepted.")
    )


@login_required
@require_POST
def lead_decline(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_detail(user=request.user, pk=pk)
    form = DeclineForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            lead = services.lead_decline(lead=lead, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Lead declined.")
            return redirect(lead.get_absolute_url())
    return _page(request, lead, decline=form)


@login_required
@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    def convert(lead):
        lead = services.lead_convert(lead=lead, user=request.user)
        return lead, f"Converted to the opportunity {lead.opportunity}."

    return _act(request, pk, convert)


@login_required
@require_POST
def lead_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda lead: (services.lead_withdraw(lead=lead, user=request.user), "Lead withdrawn.")
    )


@login_required
def lead_stats(request: HttpRequest) -> HttpResponse:
    rows = selectors.acceptance_stats(user=request.user)
    chart = {
        "labels": [r.organization.name for r in rows],
        "values": [r.median_hours or 0 for r in rows],
        "colors": ["#5b4fcf"] * len(rows),
        "rotate": 20,
    }
    return render(
        request, "pipeline/lead_stats.html", {"rows": rows, "chart": chart, "title": "Lead acceptance"}
    )


# --- routing rules ------------------------------------------------------------------------


class LeadRuleListView(ObjectListView):
    model = LeadRoutingRule
    title = "Lead routing rules"
    create_url = "pipeline:lead_rule_create"
    default_sort = "priority"
    columns = [
        Column("priority", "Priority", sort="priority", align="text-end"),
        Column("name", "Rule", sort="name", link=True),
        Column("countries", "Countries"),
        Column("industries", "Industries"),
        Column("capability", "Capability"),
        Column("alliance", "Fixed alliance"),
        Column("response_days", "Days to answer", align="text-end"),
        Column("is_active", "Active"),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_internal:
            raise Http404
        return super().get(request, *args, **kwargs)


class LeadRuleEditView(ObjectEditView):
    model = LeadRoutingRule
    form_class = LeadRuleForm

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Any:
        m2m = {"tiers": form.cleaned_data.get("tiers") or []}
        if obj is None:
            return model_create(model=LeadRoutingRule, data=form.model_data(), user=user, m2m=m2m)
        rule, _ = model_update(
            instance=obj, data=form.model_data(), user=user, expected_version=version, m2m=m2m
        )
        return rule


@login_required
def lead_rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_visible_or_404(LeadRoutingRule, request.user, pk=pk)
    return redirect("pipeline:lead_rule_edit", pk=rule.pk)


urlpatterns = [
    path("pipeline/leads/", LeadListView.as_view(), name="lead_list"),
    path("pipeline/leads/new/", lead_create, name="lead_create"),
    path("pipeline/leads/stats/", lead_stats, name="lead_stats"),
    path("pipeline/leads/<int:pk>/", lead_detail, name="lead_detail"),
    path("pipeline/leads/<int:pk>/route/", lead_route, name="lead_route"),
    path("pipeline/leads/<int:pk>/accept/", lead_accept, name="lead_accept"),
    path("pipeline/leads/<int:pk>/decline/", lead_decline, name="lead_decline"),
    path("pipeline/leads/<int:pk>/convert/", lead_convert, name="lead_convert"),
    path("pipeline/leads/<int:pk>/withdraw/", lead_withdraw, name="lead_withdraw"),
    path("pipeline/lead-rules/", LeadRuleListView.as_view(), name="lead_rule_list"),
    path("pipeline/lead-rules/new/", LeadRuleEditView.as_view(), name="lead_rule_create"),
    path("pipeline/lead-rules/<int:pk>/", lead_rule_detail, name="lead_rule_detail"),
    path("pipeline/lead-rules/<int:pk>/edit/", LeadRuleEditView.as_view(), name="lead_rule_edit"),
]
