"""MDF claim pages (create with proof upload, review, pay), proof download, exchange rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.agreements.views import document_response
from amity.core.models import user_role
from amity.core.permissions import get_visible_or_404, is_editor
from amity.core.roles import ADMINS
from amity.core.views import Column, _errors_to_form
from amity.pipeline.views import ExportListView

from . import selectors, services
from . import services_claims as claims
from .filters import ClaimFilterSet
from .forms import ClaimForm, PaymentForm, RateForm, ReviewForm
from .models import Claim, ClaimProof, ClaimStatus, ExchangeRate, FundRequest


class ClaimListView(ExportListView):
    model = Claim
    selector = staticmethod(selectors.claim_list)
    filterset_class = ClaimFilterSet
    title = "MDF claims"
    default_sort = "-created"
    export_filename = "mdf-claims.csv"
    export_only = ("request.budget.currency",)
    columns = [
        Column("pk", "Claim", sort="pk", link=True),
        Column("request", "Request", sort="request__activity"),
        Column("request.budget.organization", "Partner", sort="request__budget__organization__name"),
        Column("get_status_display", "Status", sort="status"),
        Column("amount", "Amount", sort="amount", align="end"),
        Column("request.budget.currency", "Currency"),
        Column("payment_reference", "Payment reference"),
        Column("created_at", "Submitted", sort="created_at"),
    ]

    def sort_param(self, request: HttpRequest) -> tuple[str, str]:
        sort, order = super().sort_param(request)
        return sort, {"created": "created_at", "-created": "-created_at"}.get(order, order)


@login_required
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    fund_request = get_visible_or_404(FundRequest, user, pk=pk)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        initial={"amount": services.claimable(fund_request)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claims.claim_submit(
                request=fund_request,
                amount=data["amount"],
                description=data["description"],
                files=request.FILES.getlist("files"),
                user=user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, f"Claim of {claim.amount} {fund_request.currency} submitted for review."
            )
            return redirect(claim)
    return render(
        request,
        "funds/claim_form.html",
        {
            "title": f"Claim funds · {fund_request}",
            "form": form,
            "req": fund_request,
            "claimable": services.claimable(fund_request),
        },
    )


def _claim(user: Any, pk: int) -> Claim:
    try:
        return selectors.claim_list(user=user).get(pk=pk)
    except (Claim.DoesNotExist, ValueError):
        raise Http404("No claim matches the given query.") from None


@login_required
def claim_detail(request: HttpRequest, pk: int, *, review_form=None, payment_form=None) -> HttpResponse:
    user = request.user
    claim = _claim(user, pk)
    editor = is_editor(user)
    return render(
        request,
        "funds/claim_detail.html",
        {
            "title": str(claim),
            "claim": claim,
            "req": claim.request,
            "proofs": list(ClaimProof.objects.visible_to(user).active().filter(claim=claim)),
            "payment": getattr(claim, "payment", None) if claim.status == ClaimStatus.PAID else None,
            "editor": editor,
            "review_form": review_form or ReviewForm(user=user),
            "payment_form": payment_form or PaymentForm(user=user, initial={"date": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    claim = _claim(user, pk)
    if action == "pay":
        form = PaymentForm(request.POST, user=user)
        if not form.is_valid():
            return claim_detail(request, pk, payment_form=form)
        try:
            claims.claim_pay(
                claim=claim,
                paid_on=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
                user=user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return claim_detail(request, pk, payment_form=form)
        messages.success(request, f"Paid {claim.amount} {claim.request.currency}.")
        return redirect(claim)
    form = ReviewForm(request.POST, user=user)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "approve":
            claims.claim_approve(claim=claim, reason=reason, user=user)
        elif action == "reject":
            claims.claim_reject(claim=claim, reason=reason, user=user)
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_form(form, ValidationError({"reason": sum(exc.message_dict.values(), [])}))
        return claim_detail(request, pk, review_form=form)
    messages.success(request, f"Claim {action}d.")
    return redirect(claim)


@login_required
def proof_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The only way to a proof file: through the visibility rule, as an attachment."""
    proof = get_visible_or_404(ClaimProof, request.user, pk=pk)
    return document_response(proof)


class RateListView(ExportListView):
    model = ExchangeRate
    selector = staticmethod(selectors.rate_list)
    title = "Exchange rates"
    default_sort = "currency"
    export_filename = "exchange-rates.csv"
    create_url = "funds:rate_create"
    create_label = "New rate"
    export_only = ()
    columns = [
        Column("currency", "Currency", sort="currency"),
        Column("rate", "Rate to the reporting currency", sort="rate", align="end"),
        Column("valid_from", "Valid from", sort="valid_from"),
        Column("pk", "Edit", template="funds/cells/rate_edit.html", export=False),
    ]


@login_required
def rate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if user_role(user) not in ADMINS:
        raise PermissionDenied
    rate = get_visible_or_404(ExchangeRate, user, pk=pk) if pk else None
    form = RateForm(request.POST or None, instance=rate, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("currency", "rate", "valid_from")}
        try:
            if rate is None:
                claims.rate_create(data=data, user=user)
            else:
                claims.rate_update(rate=rate, data=data, user=user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Exchange rate saved.")
            return redirect("funds:rate_list")
    return render(
        request, "funds/form.html", {"title": "Exchange rate", "form": form, "back": "funds:rate_list"}
    )
