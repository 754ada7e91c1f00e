"""Pages of the pipeline: lists (CSV and XLSX), details, deal registration and review, and
the alliance's Pipeline tab. Views parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.alliances.selectors import alliance_detail
from amity.alliances.views import alliance_header_context
from amity.core.permissions import can, is_internal
from amity.core.views import Column, ObjectEditView, ObjectListView, _errors_to_form, resolve

from . import selectors, services
from .filters import AccountFilterSet, OpportunityFilterSet, RegistrationFilterSet
from .forms import AccountForm, OpportunityForm, RegistrationForm, RejectForm, StageForm
from .models import Account, DealRegistration, Opportunity, OpportunityStage, PartnerRole
from .xlsx import xlsx_response

CELLS = "pipeline/cells/"


class ExportListView(ObjectListView):
    """A generic list with CSV (built in) and XLSX (``?export=xlsx``) export."""

    template_name = "pipeline/object_list.html"
    selector: Any = None
    #: Columns only exports have (on the page they are shown inside another cell).
    export_only: tuple[str, ...] = ("currency",)

    def get_columns(self, request: HttpRequest) -> list[Column]:
        if request.GET.get("export") in ("csv", "xlsx"):
            return list(self.columns)
        return [c for c in self.columns if c.key not in self.export_only]

    def get_queryset(self, request: HttpRequest):
        qs = type(self).selector(user=request.user)
        if request.GET.get("archived") != "1":
            qs = qs.active()
        return qs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") != "xlsx":
            return super().get(request, *args, **kwargs)
        qs = self.get_queryset(request)
        if self.filterset_class is not None:
            qs = self.filterset_class(request.GET or None, queryset=qs, request=request).qs
        _, order_by = self.sort_param(request)
        columns = [c for c in self.get_columns(request) if c.export]
        rows = ([resolve(obj, c.key) for c in columns] for obj in qs.order_by(order_by, "pk"))
        filename = self.export_filename.rsplit(".", 1)[0] + ".xlsx"
        return xlsx_response(filename, [c.label for c in columns], rows, title=str(self.title or "Export"))


class AccountListView(ExportListView):
    model = Account
    selector = staticmethod(selectors.account_list)
    filterset_class = AccountFilterSet
    title = "Accounts"
    create_url = "pipeline:account_create"
    export_filename = "accounts.csv"
    columns = [
        Column("name", "Account", sort="normalized_name", link=True),
        Column("domain", "Domain", sort="domain"),
        Column("country", "Country", sort="country"),
        Column("industry", "Industry", sort="industry"),
        Column("owner_organization.name", "Owning side", sort="owner_organization__name"),
        Column("get_status_display", "Status", sort="status", template=CELLS + "account_status.html"),
        Column("open_opportunities", "Open opportunities", sort="open_opportunities", align="text-end"),
    ]


class OpportunityListView(ExportListView):
    model = Opportunity
    selector = staticmethod(selectors.opportunity_list)
    filterset_class = OpportunityFilterSet
    title = "Opportunities"
    create_url = "pipeline:opportunity_create"
    export_filename = "opportunities.csv"
    default_sort = "close_date"
    columns = [
        Column("name", "Opportunity", sort="name", link=True),
        Column("account.name", "Account", sort="account__name"),
        Column("alliance_roles", "Alliances", template=CELLS + "alliances.html"),
        Column("get_stage_display", "Stage", sort="stage", template=CELLS + "opportunity_stage.html"),
        Column("amount", "Amount", sort="amount", align="text-end", template=CELLS + "amount.html"),
        Column("currency", "Currency"),
        Column("probability", "Probability %", sort="probability", align="text-end"),
        Column("close_date", "Close date", sort="close_date"),
        Column("owner", "Owner", sort="owner__username"),
    ]


class RegistrationListView(ExportListView):
    model = DealRegistration
    selector = staticmethod(selectors.registration_list)
    filterset_class = RegistrationFilterSet
    title = "Deal registrations"
    create_url = "pipeline:registration_create"
    export_filename = "deal-registrations.csv"
    default_sort = "-submitted_on"
    export_only = ("currency", "domain", "offering")
    columns = [
        Column("company_name", "Customer", sort="normalized_name", link=True),
        Column("domain", "Domain", sort="domain"),
        Column("organization.name", "Partner", sort="organization__name"),
        Column("alliance.name", "Alliance", sort="alliance__name"),
        Column("offering", "Offering"),
        Column("amount", "Amount", sort="amount", align="text-end", template=CELLS + "amount.html"),
        Column("currency", "Currency"),
        Column("get_status_display", "Status", sort="status", template=CELLS + "registration_status.html"),
        Column("submitted_on", "Submitted", sort="submitted_on"),
        Column("decision_deadline", "Decide by", sort="decision_deadline"),
        Column("protection_until", "Protected until", sort="protection_until"),
    ]

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "create_label": "Register a deal",
            "lead": "Deals partners have registered with us. Partners see only their own."
            if is_internal(request.user)
            else "The deals your company registered with us, and where each one stands.",
        }


# --- accounts ------------------------------------------------------------------------------------


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_detail(user=request.user, pk=pk)
    return render(
        request,
        "pipeline/account_detail.html",
        {
            "account": account,
            "object": account,
            "title": account.name,
            "opportunities": selectors.account_opportunities(account=account, user=request.user),
            "can_change": can(request.user, "change", account),
        },
    )


class AccountEditView(ObjectEditView):
    model = Account
    form_class = AccountForm

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Any:
        if obj is None:
            return services.account_create(data=form.model_data(), user=user)
        account, _ = services.account_update(
            account=obj, data=form.model_data(), user=user, expected_version=version
        )
        return account


# --- opportunities -------------------------------------------------------------------------------


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    return _opportunity_page(request, opportunity, StageForm(initial={"stage": opportunity.stage}))


def _opportunity_page(request: HttpRequest, opportunity: Opportunity, form: StageForm, status: int = 200):
    return render(
        request,
        "pipeline/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "object": opportunity,
            "title": opportunity.name,
            "history": selectors.stage_history(opportunity=opportunity, user=request.user),
            "registrations": selectors.registration_list(user=request.user).filter(opportunity=opportunity),
            "stage_form": form,
            "can_change": can(request.user, "change", opportunity),
            "stages": OpportunityStage,
        },
        status=status,
    )


@login_required
@require_POST
def opportunity_stage(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if not can(request.user, "change", opportunity):
        raise PermissionDenied
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            opportunity = services.opportunity_set_stage(
                opportunity=opportunity,
                stage=form.cleaned_data["stage"],
                probability=form.cleaned_data["probability"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{opportunity} is now {opportunity.get_stage_display().lower()}.")
            return redirect(opportunity.get_absolute_url())
    return _opportunity_page(request, opportunity, form, status=422)


class OpportunityEditView(ObjectEditView):
    model = Opportunity
    form_class = OpportunityForm

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        form = super().get_form(request, obj, data)
        if obj is None:
            from django import forms

            from amity.alliances.models import Alliance

            form.fields["alliance"] = forms.ModelChoiceField(
                queryset=Alliance.objects.visible_to(request.user).active().order_by("name"),
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            form.fields["role"] = forms.ChoiceField(
                choices=PartnerRole.choices,
                initial=PartnerRole.CO_SELL,
                label="Partner role",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        return form

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Any:
        data = form.model_data()
        if obj is None:
            alliance = form.cleaned_data.get("alliance")
            links = [(alliance, form.cleaned_data["role"])] if alliance else []
            return services.opportunity_create(data=data, alliances=links, user=user)
        opportunity, _ = services.opportunity_update(
            opportunity=obj, data=data, user=user, expected_version=version
        )
        return opportunity


# --- deal registrations --------------------------------------------------------------------------


@login_required
def registration_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "create", DealRegistration):
        raise PermissionDenied
    initial = {"alliance": request.GET.get("alliance")} if request.GET.get("alliance", "").isdigit() else {}
    form = RegistrationForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_submit(
                    data=form.registration_data(), alliance=form.cleaned_data["alliance"], user=request.user
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"Registered {registration.company_name}. We will decide by {registration.decision_deadline:%d %b %Y}.",
                )
                return redirect(registration.get_absolute_url())
        status = 422
    return render(
        request,
        "pipeline/registration_form.html",
        {"form": form, "title": "Register a deal", "cancel_url": reverse("pipeline:registration_list")},
        status=status,
    )


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_detail(user=request.user, pk=pk)
    return _registration_page(request, registration, RejectForm())


def _registration_page(
    request: HttpRequest, registration: DealRegistration, reject_form: RejectForm, status=200
):
    internal = is_internal(request.user)
    return render(
        request,
        "pipeline/registration_detail.html",
        {
            "registration": registration,
            "object": registration,
            "title": f"Deal registration: {registration.company_name}",
            "internal": internal,
            "matches": selectors.registration_matches(registration=registration, user=request.user)
            if internal
            else [],
            "can_decide": can(request.user, "decide", registration),
            "reject_form": reject_form,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _decide(request: HttpRequest, pk: int) -> DealRegistration:
    registration = selectors.registration_detail(user=request.user, pk=pk)
    if not can(request.user, "decide", registration):
        raise PermissionDenied
    return registration


@login_required
@require_POST
def registration_approve(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _decide(request, pk)
    try:
        registration = services.registration_approve(registration=registration, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Approved; {registration.organization} is protected until {registration.protection_until:%d %b %Y}.",
        )
    return redirect(registration.get_absolute_url())


@login_required
@require_POST
def registration_reject(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _decide(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_reject(
                registration=registration, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Rejected; the partner sees your reason.")
            return redirect(registration.get_absolute_url())
    return _registration_page(request, registration, form, status=422)


@login_required
@require_POST
def registration_convert(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _decide(request, pk)
    try:
        opportunity = services.registration_convert(registration=registration, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(registration.get_absolute_url())
    messages.success(request, f"Converted to the opportunity {opportunity}.")
    return redirect(opportunity.get_absolute_url())


# --- the alliance's Pipeline tab -----------------------------------------------------------------


@login_required
def alliance_pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    summary = selectors.alliance_pipeline_summary(alliance=alliance, user=request.user)
    opportunities = list(
        selectors.alliance_opportunities(alliance=alliance, user=request.user).order_by("close_date", "pk")[
            :200
        ]
    )
    registrations = list(
        selectors.alliance_registrations(alliance=alliance, user=request.user).order_by(
            "-submitted_on", "-pk"
        )[:100]
    )
    chart = {
        "labels": [s["label"] for s in summary.by_stage],
        "values": [float(s["amount"]) for s in summary.by_stage],
        "colors": ["#8d99ae", "#8d99ae", "#2f6690", "#5b4fcf", "#3a9d8f", "#c0c4cc"],
        "rotate": 30,
    }
    context = alliance_header_context(request, alliance, tab="pipeline")
    context.update(
        {
            "summary": summary,
            "opportunities": opportunities,
            "registrations": registrations,
            "stage_chart": chart,
            "can_register": can(request.user, "create", DealRegistration),
            "can_create_opportunity": can(request.user, "create", Opportunity),
        }
    )
    return render(request, "pipeline/alliance_pipeline.html", context)
