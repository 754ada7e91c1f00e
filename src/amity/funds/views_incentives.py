"""Incentive pages: statements (list, detail with its lines, compute, approve, pay), the
exceptions list, plans with their rules and enrollments. Reads go through ``visible_to``;
writes through ``services_incentives``."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.core import periods
from amity.core.export import csv_response
from amity.core.filters import StyledFilterSet
from amity.core.models import user_role
from amity.core.permissions import get_visible_or_404, is_editor, is_internal
from amity.core.roles import INTERNAL_ROLES, Role
from amity.core.views import Column, _errors_to_form
from amity.pipeline.views import ExportListView
from amity.pipeline.xlsx import xlsx_response

from . import incentives
from . import services_incentives as svc
from .forms import ComputeForm, EnrollmentForm, PlanForm, RuleForm, StatementPayForm
from .models import Audience, IncentivePlan, Statement, StatementStatus
from .views import _money_cell


def _quarter_of(raw: str | None) -> periods.Period:
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return periods.fiscal_quarter_of(day)


# --- statements ----------------------------------------------------------------------------------


class StatementFilterSet(StyledFilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=lambda request: IncentivePlan.objects.visible_to(getattr(request, "user", None)).active(),
        label="Plan",
        empty_label="Any plan",
    )
    audience = django_filters.ChoiceFilter(
        field_name="incentive_plan__audience",
        choices=Audience.choices,
        label="For",
        empty_label="Reps and partners",
    )
    status = django_filters.ChoiceFilter(
        choices=StatementStatus.choices, label="Status", empty_label="Any status"
    )
    quarter = django_filters.DateFilter(
        method="in_quarter", label="Quarter containing", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if user_role(getattr(self.request, "user", None)) not in INTERNAL_ROLES:
            del self.filters["audience"]  # a partner has only fee and rebate statements

    def in_quarter(self, qs, name, value):
        return qs.filter(period_start=periods.fiscal_quarter_of(value).start) if value else qs


class StatementListView(ExportListView):
    model = Statement
    template_name = "funds/object_list.html"
    filterset_class = StatementFilterSet
    title = "Incentive statements"
    default_sort = "-period"
    export_filename = "incentive-statements.csv"
    export_only = ()

    columns = [
        Column("payee", "Payee", link=True),
        Column("plan", "Plan", sort="plan__name"),
        Column("quarter_label", "Quarter", sort="period_start"),
        Column("get_status_display", "Status", sort="status"),
        _money_cell("basis", "Revenue basis"),
        _money_cell("total", "Earned"),
        Column("currency", "Currency"),
        Column("paid_on", "Paid on", sort="paid_on"),
        Column("payment_reference", "Payment reference"),
    ]

    @staticmethod
    def selector(*, user):
        return Statement.objects.visible_to(user).select_related("plan", "rep", "organization")

    def sort_param(self, request: HttpRequest) -> tuple[str, str]:
        sort, order = super().sort_param(request)
        return sort, {"period": "period_start", "-period": "-period_start"}.get(order, order)

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        internal = is_internal(request.user)
        return {
            "title": "Incentive statements" if internal else "Fees & rebates",
            "nav_template": "funds/partials/incentives_nav.html",
            "section": "statements",
            "lead": (
                "What you earned per quarter; every line is one deal."
                if user_role(request.user) == Role.SALES
                else "What each rep and partner earned per quarter; every line is one deal."
                if internal
                else "Your referral fees and rebates per quarter; every line is one deal."
            ),
            "compute_form": ComputeForm(user=request.user, initial={"day": timezone.localdate()})
            if is_editor(request.user)
            else None,
        }


@login_required
@require_POST
def statements_compute(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Give a day of the quarter to compute.")
        return redirect("funds:statement_list")
    try:
        statements = svc.statements_generate(day=form.cleaned_data["day"], user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(sum(exc.message_dict.values(), [])))
        return redirect("funds:statement_list")
    period = periods.fiscal_quarter_of(form.cleaned_data["day"])
    messages.success(
        request,
        f"Computed {len(statements)} draft statement{'s' if len(statements) != 1 else ''} for {period.label}; "
        "approved and paid ones were left as they are.",
    )
    return redirect(f"{_url('funds:statement_list')}?quarter={period.start.isoformat()}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


LINE_HEADER = [
    "Opportunity id",
    "Opportunity",
    "Close date",
    "Rule",
    "Deal amount",
    "Deal currency",
    "Exchange rate",
    "Basis",
    "Earned",
    "Currency",
    "Calculation",
]


@login_required
def statement_detail(
    request: HttpRequest, pk: int, *, pay_form: StatementPayForm | None = None
) -> HttpResponse:
    user = request.user
    statement = get_visible_or_404(Statement, user, pk=pk)
    lines = list(
        statement.lines.select_related("opportunity", "rule").order_by(
            "close_date", "opportunity_id", "rule__order"
        )
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = [
            [
                line.opportunity_id,
                line.opportunity.name,
                line.close_date,
                line.rule.name,
                line.deal_amount,
                line.deal_currency,
                line.rate,
                line.basis,
                line.amount,
                statement.currency,
                line.explanation,
            ]
            for line in lines
        ]
        name = f"statement-{statement.pk}"
        if export == "csv":
            return csv_response(f"{name}.csv", LINE_HEADER, rows)
        return xlsx_response(f"{name}.xlsx", LINE_HEADER, rows, title=f"Statement {statement.pk}")
    misses = []
    if statement.status == StatementStatus.DRAFT and is_internal(user):
        misses = incentives.compute(
            plan=statement.plan,
            payee=statement.payee,
            period=periods.fiscal_quarter_of(statement.period_start),
            exclude_statement_id=statement.pk,
        ).misses
    return render(
        request,
        "funds/incentives/statement_detail.html",
        {
            "title": str(statement),
            "statement": statement,
            "lines": lines,
            "lines_total": sum((line.amount for line in lines), start=statement.total * 0),
            "misses": misses,
            "editor": is_editor(user),
            "pay_form": pay_form or StatementPayForm(user=user, initial={"paid_on": timezone.localdate()}),
            "section": "statements",
        },
    )


@login_required
@require_POST
def statement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    statement = get_visible_or_404(Statement, user, pk=pk)
    try:
        if action == "recompute":
            svc.statement_generate(
                plan=statement.plan, payee=statement.payee, day=statement.period_start, user=user
            )
            messages.success(request, "Recomputed from the deals.")
        elif action == "approve":
            version = request.POST.get("version")
            svc.statement_approve(
                statement=statement,
                user=user,
                expected_version=int(version) if version and version.isdigit() else None,
            )
            messages.success(request, "Approved: the lines are frozen.")
        elif action == "pay":
            form = StatementPayForm(request.POST, user=user)
            if not form.is_valid():
                return statement_detail(request, pk, pay_form=form)
            try:
                svc.statement_pay(
                    statement=statement,
                    user=user,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["payment_reference"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
                return statement_detail(request, pk, pay_form=form)
            messages.success(request, "Payment recorded.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(sum(exc.message_dict.values(), [])))
    return redirect(statement)


# --- exceptions ----------------------------------------------------------------------------------


@login_required
def exceptions(request: HttpRequest) -> HttpResponse:
    """Every closed-won partner deal of a quarter that earned nothing, and why (internal only)."""
    if not is_internal(request.user):
        raise PermissionDenied
    period = _quarter_of(request.GET.get("quarter"))
    audience = request.GET.get("audience") if request.GET.get("audience") in Audience.values else Audience.REP
    misses = incentives.exceptions(period=period, audience=audience)
    if user_role(request.user) == Role.SALES:
        # A sales rep sees the exceptions of their own deals only.
        misses = [m for m in misses if m.opportunity.owner_id == request.user.pk]
    header = [
        "Opportunity id",
        "Opportunity",
        "Close date",
        "Amount",
        "Currency",
        "Payee",
        "Why it earned nothing",
    ]
    rows = [
        [
            m.opportunity.pk,
            m.opportunity.name,
            m.opportunity.close_date,
            m.opportunity.amount,
            m.opportunity.currency,
            str(m.payee or "—"),
            m.reason,
        ]
        for m in misses
    ]
    export = request.GET.get("export")
    filename = f"incentive-exceptions-{audience}-{period.start.isoformat()}"
    if export == "csv":
        return csv_response(f"{filename}.csv", header, rows)
    if export == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, rows, title="Exceptions")
    quarters = [
        q
        for y in (period.start.year - 1, period.start.year, period.start.year + 1)
        for q in periods.fiscal_quarters(y)
    ]
    return render(
        request,
        "funds/incentives/exceptions.html",
        {
            "title": "Incentive exceptions",
            "period": period,
            "audience": audience,
            "audiences": Audience.choices,
            "quarters": quarters,
            "misses": misses,
            "nav_template": "funds/partials/incentives_nav.html",
            "section": "exceptions",
            "querystring": f"quarter={period.start.isoformat()}&audience={audience}",
        },
    )


# --- plans ---------------------------------------------------------------------------------------


class PlanListView(ExportListView):
    model = IncentivePlan
    template_name = "funds/object_list.html"
    title = "Incentive plans"
    default_sort = "name"
    export_filename = "incentive-plans.csv"
    create_url = "funds:incentive_plan_create"
    create_label = "New plan"
    export_only = ()
    columns = [
        Column("name", "Plan", sort="name", link=True),
        Column("get_audience_display", "For", sort="audience"),
        Column("currency", "Currency"),
        Column("valid_from", "From", sort="valid_from"),
        Column("valid_to", "To", sort="valid_to"),
        _money_cell("quarterly_target", "Quarterly target"),
        _money_cell("quarterly_cap", "Quarterly cap"),
        Column("rule_count", "Rules"),
        Column("enrolled", "Enrolled"),
        Column("active", "Active"),
    ]

    @staticmethod
    def selector(*, user):
        return IncentivePlan.objects.visible_to(user).annotate(
            rule_count=Count("rules", filter=Q(rules__archived_at__isnull=True), distinct=True),
            enrolled=Count("enrollments", filter=Q(enrollments__archived_at__isnull=True), distinct=True),
        )

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "nav_template": "funds/partials/incentives_nav.html",
            "section": "plans",
            "lead": "Rules as data: what earns, at which rate, for whom.",
        }


@login_required
def plan_detail(request: HttpRequest, pk: int, *, rule_form=None, enrollment_form=None) -> HttpResponse:
    user = request.user
    plan = get_visible_or_404(IncentivePlan, user, pk=pk)
    rules = list(plan.rules.filter(archived_at__isnull=True).order_by("order", "pk"))
    for rule in rules:
        rule.text = rule.describe(plan.currency)
    enrollments = plan.enrollments.filter(archived_at__isnull=True).select_related("rep", "organization")
    if not is_internal(user):
        enrollments = enrollments.filter(organization_id=user.organization_id)
    return render(
        request,
        "funds/incentives/plan_detail.html",
        {
            "title": plan.name,
            "plan": plan,
            "rules": rules,
            "enrollments": enrollments.order_by("valid_from", "pk"),
            "editor": is_editor(user),
            "rule_form": rule_form or RuleForm(user=user),
            "enrollment_form": enrollment_form
            or EnrollmentForm(user=user, plan=plan, initial={"valid_from": plan.valid_from}),
            "section": "plans",
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if not is_editor(user):
        raise PermissionDenied
    plan = get_visible_or_404(IncentivePlan, user, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan, user=user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PlanForm.Meta.fields}
        try:
            if plan is None:
                plan = svc.plan_create(data=data, user=user)
            else:
                plan = svc.plan_update(plan=plan, data=data, user=user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Saved {plan}.")
            return redirect(plan)
    return render(
        request,
        "funds/form.html",
        {
            "title": f"Edit {plan}" if plan else "New incentive plan",
            "form": form,
            "back": "funds:incentive_plan_list",
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def plan_add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    user = request.user
    plan = get_visible_or_404(IncentivePlan, user, pk=pk)
    if not is_editor(user):
        raise PermissionDenied
    if what == "rules":
        form = RuleForm(request.POST, user=user)
        if form.is_valid():
            try:
                svc.rule_create(plan=plan, data=form.cleaned_data, user=user)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Rule added.")
                return redirect(plan)
        response = plan_detail(request, pk, rule_form=form)
    elif what == "enrollments":
        form = EnrollmentForm(request.POST, user=user, plan=plan)
        if form.is_valid():
            try:
                svc.enroll(plan=plan, user=user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Enrolled.")
                return redirect(plan)
        response = plan_detail(request, pk, enrollment_form=form)
    else:
        raise Http404
    response.status_code = 422
    return response


@login_required
@require_POST
def plan_item_action(request: HttpRequest, pk: int, what: str, item: int, action: str) -> HttpResponse:
    """Retire a rule (archive) or end an enrollment on a day."""
    from .models import Enrollment, IncentiveRule

    user = request.user
    plan = get_visible_or_404(IncentivePlan, user, pk=pk)
    if not is_editor(user):
        raise PermissionDenied
    try:
        if what == "rules" and action == "archive":
            rule = get_visible_or_404(IncentiveRule, user, pk=item, plan=plan)
            svc.rule_archive(rule=rule, user=user)
            messages.success(request, f"Rule {rule} retired; approved statements keep their lines.")
        elif what == "enrollments" and action == "end":
            enrollment = get_visible_or_404(Enrollment, user, pk=item, plan=plan)
            raw = request.POST.get("valid_to") or ""
            try:
                valid_to = date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({"valid_to": "Give the last day of the enrollment."}) from None
            svc.enrollment_end(enrollment=enrollment, valid_to=valid_to, user=user)
            messages.success(request, f"{enrollment.payee} is enrolled until {valid_to:%d %b %Y}.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(sum(exc.message_dict.values(), [])))
    return redirect(plan)
