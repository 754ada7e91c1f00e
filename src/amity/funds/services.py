"""Every write of the funds app: budgets and their ledger, requests, claims, payments, rates.

Money moves only through :func:`post_entry`: it locks the budget row (``select_for_update``;
SQLite serializes writers with IMMEDIATE transactions), checks that no balance goes negative,
appends the ledger entry and updates the running balances in the same transaction. The
database's check constraints on the balances refuse an overspend even if this check had a bug.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from amity.core import periods
from amity.core.models import user_role
from amity.core.permissions import require_editor
from amity.core.roles import Role
from amity.core.services import model_create, model_update, require, set_history_user

from .models import (
    EFFECTS,
    FUNDED,
    ZERO,
    Budget,
    Claim,
    ClaimStatus,
    EntryKind,
    FundProgram,
    FundRequest,
    LedgerEntry,
    Payment,
    RequestStatus,
)
from .rates import cents

BALANCE_LABELS = {
    "allocated": "allocated",
    "committed": "committed",
    "claimed": "claimed",
    "paid": "paid",
    "expired": "expired",
    "available": "available",
}


def _today() -> date:
    return timezone.localdate()


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "Enter an amount of money, e.g. 1500.00."}) from None
    if not amount.is_finite():
        raise ValidationError({field: "Enter an amount of money, e.g. 1500.00."})
    if amount != cents(amount):
        raise ValidationError({field: "Use at most two decimal places (cents)."})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: "The amount must be more than 0."})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: "The amount is too large."})
    return amount


def _require_own(user: Any, budget: Budget) -> None:
    """A partner user acts only on their own organization's budgets."""
    role = user_role(user)
    if role == Role.PARTNER and budget.organization_id != getattr(user, "organization_id", None):
        raise PermissionDenied("You may act only on your own organization's budgets.")


# --- the ledger ---------------------------------------------------------------------------------


def post_entry(
    *,
    budget: Budget | int,
    kind: str,
    amount: Decimal,
    user: Any = None,
    field: str = "amount",
    note: str = "",
    request: FundRequest | None = None,
    claim: Claim | None = None,
    payment: Payment | None = None,
) -> LedgerEntry:
    """Append one entry and move the running balances, under a lock on the budget row.

    A movement that would take any balance below zero raises a ValidationError on ``field``
    and writes nothing.
    """
    amount = _money(amount, field)
    budget_id = budget if isinstance(budget, int) else budget.pk
    with transaction.atomic():
        locked = Budget.objects.select_for_update().get(pk=budget_id)
        for column, sign in EFFECTS[kind]:
            if sign < 0 and getattr(locked, column) < amount:
                raise ValidationError(
                    {
                        field: f"{amount} {locked.currency} is more than the {BALANCE_LABELS[column]} "
                        f"{getattr(locked, column)} {locked.currency} of {locked}."
                    }
                )
        updates = {column: F(column) + sign * amount for column, sign in EFFECTS[kind]}
        try:
            with transaction.atomic():
                Budget.objects.filter(pk=budget_id).update(**updates)
                entry = LedgerEntry.objects.create(
                    budget_id=budget_id,
                    kind=kind,
                    amount=amount,
                    request=request,
                    claim=claim,
                    payment=payment,
                    created_by=_actor(user),
                    at=timezone.now(),
                    note=note[:300],
                )
        except IntegrityError as exc:  # the database's own guard
            raise ValidationError({field: f"The budget cannot go below zero ({exc})."}) from None
    return entry


def request_committed(request: FundRequest) -> Decimal:
    """What is still committed on the budget for a request: commits − releases − claims."""
    rows = dict(
        LedgerEntry.objects.filter(request=request)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return (
        rows.get(EntryKind.COMMIT, ZERO) - rows.get(EntryKind.RELEASE, ZERO) - rows.get(EntryKind.CLAIM, ZERO)
    )


# --- programs, budgets ----------------------------------------------------------------------------


def program_create(*, data: dict[str, Any], user: Any) -> FundProgram:
    return model_create(model=FundProgram, data={**data, "created_at": timezone.now()}, user=user)


def program_update(*, program: FundProgram, data: dict[str, Any], user: Any, expected_version=None):
    return model_update(instance=program, data=data, user=user, expected_version=expected_version)[0]


def budget_allocate(
    *,
    program: FundProgram,
    organization: Any,
    fiscal_year: int,
    amount: Any,
    user: Any,
    currency: str | None = None,
    alliance: Any = None,
    expiry_date: date | None = None,
    renewed_from: Budget | None = None,
    note: str = "",
) -> Budget:
    """A new budget for a partner and fiscal year with its first allocation entry."""
    require_editor(user, "allocate funds")
    require(user, "create", Budget)
    amount = _money(amount, "amount")
    errors: dict[str, list[str]] = {}
    if getattr(organization, "is_home", False):
        errors["organization"] = ["Budgets are for partner organizations, not our own company."]
    if not program.active:
        errors["program"] = [f"The program {program} is not active."]
    if alliance is not None and not alliance.parties.filter(organization=organization).exists():
        errors["alliance"] = [f"{organization} is not a party to {alliance}."]
    if errors:
        raise ValidationError(errors)
    try:
        expiry = expiry_date or periods.fiscal_year(int(fiscal_year)).end
    except (ValueError, OverflowError):
        raise ValidationError({"fiscal_year": "Enter a fiscal year such as 2026."}) from None
    budget = Budget(
        program=program,
        organization=organization,
        alliance=alliance,
        fiscal_year=fiscal_year,
        currency=(currency or Budget._meta.get_field("currency").get_default()).upper(),
        expiry_date=expiry,
        renewed_from=renewed_from,
        created_at=timezone.now(),
    )
    budget.full_clean()
    set_history_user(budget, user)
    with transaction.atomic():
        budget.save()
        post_entry(budget=budget, kind=EntryKind.ALLOCATION, amount=amount, user=user, note=note)
    budget.refresh_from_db()
    return budget


def budget_top_up(*, budget: Budget, amount: Any, user: Any, note: str = "") -> LedgerEntry:
    require_editor(user, "top up budgets")
    if budget.archived_at is not None:
        raise ValidationError({"amount": "This budget is archived."})
    if budget.is_expired_on(_today()):
        raise ValidationError({"amount": f"This budget expired on {budget.expiry_date}: renew it instead."})
    return post_entry(budget=budget, kind=EntryKind.TOP_UP, amount=amount, user=user, note=note)


def expire_budgets(*, today: date | None = None, user: Any = None) -> list[LedgerEntry]:
    """Fiscal year close: the unspent available of every budget past its expiry expires."""
    today = today or _today()
    entries = []
    for pk in Budget.objects.filter(expiry_date__lt=today, available__gt=0).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Budget.objects.select_for_update().get(pk=pk)
            if locked.available > 0:
                entries.append(
                    post_entry(
                        budget=pk,
                        kind=EntryKind.EXPIRE,
                        amount=locked.available,
                        user=user,
                        note=f"Fiscal year close: unspent on {locked.expiry_date} expired.",
                    )
                )
    return entries


def renew_budget(*, budget: Budget, allocation: Any, user: Any, note: str = "") -> Budget:
    """Next fiscal year's budget for the same partner and program, linked to this one."""
    if Budget.objects.filter(renewed_from=budget).exists():
        raise ValidationError({"allocation": f"{budget} has already been renewed."})
    return budget_allocate(
        program=budget.program,
        organization=budget.organization,
        alliance=budget.alliance,
        fiscal_year=budget.fiscal_year + 1,
        currency=budget.currency,
        amount=allocation,
        renewed_from=budget,
        user=user,
        note=note or f"Renewal of FY{budget.fiscal_year}.",
    )


# --- requests ----------------------------------------------------------------------------------


def our_share(planned_cost: Decimal, partner_share: Decimal) -> Decimal:
    """The part of the planned cost we fund: cost × (100 − partner share) / 100, to cents."""
    return cents(planned_cost * (Decimal("100") - partner_share) / Decimal("100"))


def request_create(
    *,
    budget: Budget,
    data: dict[str, Any],
    user: Any,
    opportunities: list | None = None,
    submit: bool = False,
) -> FundRequest:
    """A draft (or, with ``submit``, submitted) request against a budget.

    ``opportunities`` must already have been resolved through the user's visibility.
    """
    require(user, "create", FundRequest)
    _require_own(user, budget)
    data = dict(data)
    errors: dict[str, list[str]] = {}
    if budget.archived_at is not None or budget.is_expired_on(_today()):
        errors["budget"] = [f"{budget} has expired or is archived: request against a current budget."]
    planned = _money(data.get("planned_cost"), "planned_cost")
    share = data.get("partner_share")
    try:
        share = budget.program.default_cofunding_share if share in (None, "") else Decimal(str(share))
    except (InvalidOperation, ValueError):
        share = Decimal("-1")
    if not share.is_finite() or not Decimal("0") <= share <= Decimal("100"):
        errors["partner_share"] = ["The partner's share is a percentage between 0 and 100."]
        share = Decimal("0")
    limit = our_share(planned, share)
    requested = data.get("requested_amount")
    requested = limit if requested in (None, "") else _money(requested, "requested_amount")
    if requested > limit:
        errors["requested_amount"] = [
            f"The requested amount is at most our share of the planned cost: {limit} {budget.currency} "
            f"({100 - share}% of {planned})."
        ]
    if errors:
        raise ValidationError(errors)
    data.update(planned_cost=planned, partner_share=share, requested_amount=requested)
    instance = FundRequest(budget=budget, status=RequestStatus.DRAFT, created_at=timezone.now(), **data)
    instance.full_clean(exclude=["opportunities"])
    set_history_user(instance, user)
    with transaction.atomic():
        instance.save()
        instance.opportunities.set(opportunities or [])
        if submit:
            instance = request_submit(request=instance, user=user)
    return instance


def _locked_request(request: FundRequest) -> FundRequest:
    return (
        FundRequest.objects.select_for_update().select_related("budget", "budget__program").get(pk=request.pk)
    )


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance.version += 1
    if reason:
        instance._change_reason = reason[:100]
    set_history_user(instance, user)
    instance.save()


def request_submit(*, request: FundRequest, user: Any) -> FundRequest:
    require(user, "change", request)
    _require_own(user, request.budget)
    with transaction.atomic():
        current = _locked_request(request)
        if current.status != RequestStatus.DRAFT:
            raise ValidationError(
                {
                    "status": f"Only a draft can be submitted (this one is {current.get_status_display().lower()})."
                }
            )
        current.status = RequestStatus.SUBMITTED
        current.submitted_by = _actor(user)
        current.submitted_at = timezone.now()
        _save(current, user, "submitted")
    return current


def request_approve(*, request: FundRequest, user: Any, amount: Any = None, reason: str = "") -> FundRequest:
    """Approve in full, or partially with a lower ``amount`` and a reason; commits the amount."""
    require_editor(user, "decide fund requests")
    reason = (reason or "").strip()
    with transaction.atomic():
        # Lock the budget first (the same order everywhere), then the request.
        Budget.objects.select_for_update().get(pk=request.budget_id)
        current = _locked_request(request)
        if current.status != RequestStatus.SUBMITTED:
            raise ValidationError(
                {
                    "status": f"Only a submitted request can be decided (this one is {current.get_status_display().lower()})."
                }
            )
        approved = current.requested_amount if amount in (None, "") else _money(amount, "approved_amount")
        if approved > current.requested_amount:
            raise ValidationError(
                {
                    "approved_amount": f"You can approve at most the requested {current.requested_amount} {current.currency}."
                }
            )
        partial = approved < current.requested_amount
        if partial and not reason:
            raise ValidationError({"decision_reason": "Give a reason for approving less than was requested."})
        post_entry(
            budget=current.budget_id,
            kind=EntryKind.COMMIT,
            amount=approved,
            user=user,
            field="approved_amount",
            request=current,
            note=f"Approved: {current.activity}"[:300],
        )
        current.status = RequestStatus.PARTIALLY_APPROVED if partial else RequestStatus.APPROVED
        current.approved_amount = approved
        current.decision_reason = reason
        current.decided_by = _actor(user)
        current.decided_at = timezone.now()
        _save(current, user, "partially approved" if partial else "approved")
    return current


def request_reject(*, request: FundRequest, user: Any, reason: str) -> FundRequest:
    require_editor(user, "decide fund requests")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decision_reason": "Give the reason for the rejection."})
    with transaction.atomic():
        current = _locked_request(request)
        if current.status != RequestStatus.SUBMITTED:
            raise ValidationError({"status": "Only a submitted request can be rejected."})
        current.status = RequestStatus.REJECTED
        current.decision_reason = reason
        current.decided_by = _actor(user)
        current.decided_at = timezone.now()
        _save(current, user, "rejected")
    return current


def _release_rest(current: FundRequest, user: Any, note: str) -> None:
    if current.claims.filter(status=ClaimStatus.SUBMITTED).exists():
        raise ValidationError({"status": "A claim of this request is waiting for review: review it first."})
    rest = request_committed(current)
    if rest > 0:
        post_entry(
            budget=current.budget_id,
            kind=EntryKind.RELEASE,
            amount=rest,
            user=user,
            request=current,
            note=note,
        )


def request_cancel(*, request: FundRequest, user: Any) -> FundRequest:
    """Withdraw a draft or submitted request, or cancel a funded one (releases what is unclaimed)."""
    require(user, "change", request)
    _require_own(user, request.budget)
    with transaction.atomic():
        Budget.objects.select_for_update().get(pk=request.budget_id)
        current = _locked_request(request)
        if current.status in FUNDED:
            require_editor(user, "cancel approved requests")
            _release_rest(current, user, f"Cancelled: {current.activity}"[:300])
        elif current.status not in (RequestStatus.DRAFT, RequestStatus.SUBMITTED):
            raise ValidationError(
                {"status": f"A {current.get_status_display().lower()} request cannot be cancelled."}
            )
        current.status = RequestStatus.CANCELLED
        _save(current, user, "cancelled")
    return current


def request_complete(*, request: FundRequest, user: Any) -> FundRequest:
    """Close a funded request: what was approved but not claimed goes back to available."""
    require_editor(user, "complete fund requests")
    with transaction.atomic():
        Budget.objects.select_for_update().get(pk=request.budget_id)
        current = _locked_request(request)
        if current.status not in FUNDED:
            raise ValidationError({"status": "Only an approved request can be completed."})
        _release_rest(current, user, f"Completed: {current.activity}"[:300])
        current.status = RequestStatus.COMPLETED
        _save(current, user, "completed")
    return current


def claim_deadline(request: FundRequest) -> date | None:
    if request.decided_at is None:
        return None
    return timezone.localdate(request.decided_at) + timedelta(days=request.budget.program.claim_window_days)


def claimable(request: FundRequest) -> Decimal:
    """Approved amount minus the claims not rejected."""
    if request.approved_amount is None:
        return ZERO
    used = request.claims.exclude(status=ClaimStatus.REJECTED).aggregate(t=Sum("amount"))["t"] or ZERO
    return request.approved_amount - used
