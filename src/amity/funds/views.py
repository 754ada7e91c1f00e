"""MDF pages: overview with charts, budgets (ledger), requests (create, decide), exports.

Views stay thin: they read through ``selectors`` (``visible_to``) and write through
``services``; a service's ValidationError is shown on the form field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.alliances.selectors import alliance_detail
from amity.alliances.views import alliance_header_context
from amity.core.permissions import can, get_visible_or_404, is_editor, is_internal
from amity.core.views import Column, _errors_to_form
from amity.pipeline.views import ExportListView

from . import roi, selectors, services
from .filters import RequestFilterSet
from .forms import BudgetForm, DecisionForm, RenewForm, RequestForm, TopUpForm
from .models import Budget, Claim, FundRequest, RequestStatus


def _remap(exc: ValidationError, mapping: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({mapping.get(k, k): v for k, v in exc.error_dict.items()})


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Budgets with their ledger totals, a burn-down of one budget, MDF ROI per partner."""
    user = request.user
    years = sorted(
        set(selectors.budget_list(user=user).active().values_list("fiscal_year", flat=True)), reverse=True
    )
    try:
        year = int(request.GET.get("fy") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    budgets = list(
        selectors.budget_list(user=user)
        .active()
        .filter(fiscal_year=year)
        .order_by("organization__name", "pk")
    )
    totals = selectors.ledger_totals([b.pk for b in budgets])
    for b in budgets:
        b.totals = totals.get(b.pk, selectors.EMPTY_TOTALS)
    reporting = selectors.reporting_totals(budgets, on=timezone.localdate())
    selected = next(
        (b for b in budgets if str(b.pk) == request.GET.get("budget")), budgets[0] if budgets else None
    )
    burndown = (
        selectors.burndown(
            list(selectors.entry_list(user=user, budget=selected)),
            until=min(timezone.localdate(), selected.expiry_date),
        )
        if selected
        else None
    )
    roi_rows = roi.roi_by(user=user, group="partner", fiscal_year=year)
    return render(
        request,
        "funds/overview.html",
        {
            "title": "Market development funds",
            "years": years,
            "year": year,
            "budgets": budgets,
            "reporting": reporting,
            "selected": selected,
            "burndown": burndown,
            "roi_rows": roi_rows,
            "roi_chart": roi.roi_chart(roi_rows),
            "can_allocate": is_editor(user),
            "can_request": can(user, "create", FundRequest),
            "internal": is_internal(user),
        },
    )


LEDGER_HEADER = [
    "Entry",
    "When",
    "Kind",
    "Amount",
    "Currency",
    "Request",
    "Claim",
    "Payment reference",
    "By",
    "Note",
]


def _ledger_export(budget: Budget, entries: list, kind: str) -> HttpResponse:
    """The budget's ledger, one row per entry, as CSV or Excel (formula-safe, like every export)."""
    from amity.core.export import csv_response
    from amity.pipeline.xlsx import xlsx_response

    rows = [
        [
            e.pk,
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
            e.get_kind_display(),
            e.amount,
            budget.currency,
            e.request.activity if e.request_id else "",
            e.claim_id or "",
            e.payment.reference if e.payment_id else "",
            str(e.created_by or ""),
            e.note,
        ]
        for e in entries
    ]
    name = f"mdf-ledger-{budget.organization.name}-FY{budget.fiscal_year}".replace(" ", "-").lower()
    if kind == "csv":
        return csv_response(f"{name}.csv", LEDGER_HEADER, rows)
    return xlsx_response(f"{name}.xlsx", LEDGER_HEADER, rows, title=f"Ledger FY{budget.fiscal_year}")


@login_required
def budget_detail(request: HttpRequest, pk: int, *, forms: dict | None = None) -> HttpResponse:
    user = request.user
    budget = get_visible_or_404(Budget, user, pk=pk)
    entries = list(selectors.entry_list(user=user, budget=budget))
    if request.GET.get("export") in ("csv", "xlsx"):
        return _ledger_export(budget, entries, request.GET["export"])
    forms = forms or {}
    return render(
        request,
        "funds/budget_detail.html",
        {
            "title": str(budget),
            "budget": budget,
            "totals": selectors.budget_totals(budget),
            "entries": entries,
            "requests": selectors.budget_detail_requests(user=user, budget=budget),
            "burndown": selectors.burndown(entries, until=min(timezone.localdate(), budget.expiry_date)),
            "editor": is_editor(user),
            "can_request": can(user, "create", FundRequest)
            and not budget.is_expired_on(timezone.localdate()),
            "top_up_form": forms.get("top_up") or TopUpForm(user=user),
            "renew_form": forms.get("renew") or RenewForm(user=user),
            "renewal": Budget.objects.visible_to(user).filter(renewed_from=budget).first(),
            "today": timezone.localdate(),
        },
    )


@login_required
def budget_create(request: HttpRequest) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied
    form = BudgetForm(
        request.POST or None, user=request.user, initial={"fiscal_year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            budget = services.budget_allocate(
                program=data["program"],
                organization=data["organization"],
                fiscal_year=data["fiscal_year"],
                amount=data["amount"],
                currency=(data["currency"] or None),
                expiry_date=data["expiry_date"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Allocated {budget.allocated} {budget.currency} to {budget}.")
            return redirect(budget)
    return render(
        request, "funds/form.html", {"title": "Allocate a budget", "form": form, "back": "funds:overview"}
    )


@login_required
@require_POST
def budget_top_up(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_visible_or_404(Budget, request.user, pk=pk)
    form = TopUpForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.budget_top_up(
                budget=budget,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Budget topped up.")
            return redirect(budget)
    return budget_detail(request, pk, forms={"top_up": form})


@login_required
@require_POST
def budget_renew(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_visible_or_404(Budget, request.user, pk=pk)
    form = RenewForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            renewal = services.renew_budget(
                budget=budget, allocation=form.cleaned_data["allocation"], user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Renewed as {renewal}.")
            return redirect(renewal)
    return budget_detail(request, pk, forms={"renew": form})


# --- requests -------------------------------------------------------------------------------------


def _money_cell(key: str, label: str) -> Column:
    return Column(key, label, sort=key, align="end")


class RequestListView(ExportListView):
    model = FundRequest
    selector = staticmethod(selectors.request_list)
    filterset_class = RequestFilterSet
    title = "MDF requests"
    default_sort = "-created"
    export_filename = "mdf-requests.csv"
    create_url = "funds:request_create"
    export_only = ("budget.currency", "description")
    columns = [
        Column("activity", "Activity", sort="activity", link=True),
        Column("budget.organization", "Partner", sort="budget__organization__name"),
        Column("budget.fiscal_year", "FY", sort="budget__fiscal_year"),
        Column("campaign_name", "Campaign"),
        Column("get_status_display", "Status", sort="status"),
        _money_cell("planned_cost", "Planned cost"),
        _money_cell("requested_amount", "Requested"),
        _money_cell("approved_amount", "Approved"),
        Column("budget.currency", "Currency"),
        Column("description", "Description"),
        Column("created_at", "Created", sort="created_at"),
    ]

    def sort_param(self, request: HttpRequest) -> tuple[str, str]:
        sort, order = super().sort_param(request)
        return sort, {"created": "created_at", "-created": "-created_at"}.get(order, order)


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, "create", FundRequest):
        raise PermissionDenied
    form = RequestForm(request.POST or None, user=user, initial={"budget": request.GET.get("budget")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        budget = data.pop("budget")
        opportunities = list(data.pop("opportunities"))
        submit = request.POST.get("action") != "draft"
        try:
            created = services.request_create(
                budget=budget, data=data, opportunities=opportunities, submit=submit, user=user
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Request {'submitted' if submit else 'saved as draft'}: {created}.")
            return redirect(created)
    return render(request, "funds/request_form.html", {"title": "Request funds", "form": form})


def _request_for_detail(user: Any, pk: int) -> FundRequest:
    qs = selectors.request_list(user=user).prefetch_related(
        Prefetch("claims", queryset=Claim.objects.visible_to(user).select_related("payment").order_by("pk"))
    )
    try:
        return qs.get(pk=pk)
    except (FundRequest.DoesNotExist, ValueError):
        raise Http404("No fund request matches the given query.") from None


@login_required
def request_detail(
    request: HttpRequest, pk: int, *, decision_form: DecisionForm | None = None
) -> HttpResponse:
    user = request.user
    fund_request = _request_for_detail(user, pk)
    editor = is_editor(user)
    own = is_editor(user) or fund_request.budget.organization_id == getattr(user, "organization_id", None)
    return render(
        request,
        "funds/request_detail.html",
        {
            "title": str(fund_request),
            "req": fund_request,
            "claims": list(fund_request.claims.all()),
            "roi": roi.request_roi(user=user, request=fund_request),
            "editor": editor,
            "can_claim": own and fund_request.is_funded and services.claimable(fund_request) > 0,
            "can_cancel": own
            and (
                fund_request.status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED)
                or (editor and fund_request.is_funded)
            ),
            "claimable": services.claimable(fund_request),
            "claim_deadline": services.claim_deadline(fund_request),
            "decision_form": decision_form
            or DecisionForm(user=user, initial={"amount": fund_request.requested_amount}),
            "opportunities": fund_request.opportunities.all().visible_to(user).select_related("account"),
        },
    )


DECISION_FIELDS = {"approved_amount": "amount", "decision_reason": "reason"}


@login_required
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    fund_request = get_visible_or_404(FundRequest, user, pk=pk)
    form = DecisionForm(request.POST, user=user)
    if action in ("approve", "reject") and not form.is_valid():
        return request_detail(request, pk, decision_form=form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        if action == "approve":
            services.request_approve(
                request=fund_request, amount=data.get("amount"), reason=data.get("reason", ""), user=user
            )
        elif action == "reject":
            services.request_reject(request=fund_request, reason=data.get("reason", ""), user=user)
        elif action == "submit":
            services.request_submit(request=fund_request, user=user)
        elif action == "cancel":
            services.request_cancel(request=fund_request, user=user)
        elif action == "complete":
            services.request_complete(request=fund_request, user=user)
        else:
            raise ValidationError({"status": "Unknown action."})
    except ValidationError as exc:
        if action in ("approve", "reject"):
            _errors_to_form(form, _remap(exc, DECISION_FIELDS))
            return request_detail(request, pk, decision_form=form)
        messages.error(
            request,
            " ".join(sum(exc.message_dict.values(), []))
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages),
        )
        return redirect(fund_request)
    fund_request.refresh_from_db()
    messages.success(request, f"{fund_request}: {fund_request.get_status_display().lower()}.")
    return redirect(fund_request)


@login_required
def alliance_mdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The alliance page's MDF tab: the visible budgets linked to the alliance and their requests."""
    alliance = alliance_detail(user=request.user, pk=pk)
    budgets = list(
        selectors.budget_list(user=request.user)
        .active()
        .filter(alliance=alliance)
        .order_by("-fiscal_year", "pk")
    )
    totals = selectors.ledger_totals([b.pk for b in budgets])
    for b in budgets:
        b.totals = totals.get(b.pk, selectors.EMPTY_TOTALS)
    requests = list(
        selectors.request_list(user=request.user)
        .active()
        .filter(budget__in=[b.pk for b in budgets])
        .order_by("-created_at", "-pk")[:50]
    )
    context = alliance_header_context(request, alliance, tab="mdf")
    context.update({"budgets": budgets, "requests": requests})
    return render(request, "funds/alliance_mdf.html", context)
