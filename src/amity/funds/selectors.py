"""Reads of the funds app. Every one starts from ``visible_to(user)``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, Prefetch, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import (
    ZERO,
    Budget,
    Claim,
    EntryKind,
    ExchangeRate,
    FundProgram,
    FundRequest,
    LedgerEntry,
    Payment,
)

MONEY = DecimalField(max_digits=16, decimal_places=2)


def program_list(*, user: Any) -> QuerySet:
    return FundProgram.objects.visible_to(user)


def budget_list(*, user: Any) -> QuerySet:
    return Budget.objects.visible_to(user).select_related("program", "organization", "alliance")


def request_list(*, user: Any) -> QuerySet:
    return FundRequest.objects.visible_to(user).select_related(
        "budget", "budget__organization", "budget__program", "submitted_by", "decided_by"
    )


def claim_list(*, user: Any) -> QuerySet:
    return Claim.objects.visible_to(user).select_related(
        "request", "request__budget", "request__budget__organization", "payment", "reviewed_by"
    )


def payment_list(*, user: Any) -> QuerySet:
    return Payment.objects.visible_to(user).select_related("claim__request__budget__organization", "paid_by")


def rate_list(*, user: Any) -> QuerySet:
    return ExchangeRate.objects.visible_to(user)


def entry_list(*, user: Any, budget: Budget) -> QuerySet:
    return (
        LedgerEntry.objects.visible_to(user)
        .filter(budget=budget)
        .select_related("created_by", "request", "claim", "payment")
        .order_by("at", "pk")
    )


def _sum(kind: str):
    return Coalesce(
        Sum(Case(When(kind=kind, then="amount"), default=Value(ZERO), output_field=MONEY)),
        Value(ZERO),
        output_field=MONEY,
    )


def ledger_totals(budget_ids: Any) -> dict[int, dict[str, Decimal]]:
    """The balances of budgets from their ledger entries alone, in one aggregate query.

    ``allocated`` includes top-ups (also given apart as ``top_ups``). For every budget
    allocated = committed + claimed + paid + expired + available.
    """
    rows = (
        LedgerEntry.objects.filter(budget_id__in=budget_ids)
        .values("budget_id")
        .annotate(**{kind: _sum(kind) for kind in EntryKind.values})
        .order_by()
    )
    totals: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        k = {kind: row[kind] for kind in EntryKind.values}
        totals[row["budget_id"]] = {
            "allocation": k["allocation"],
            "top_ups": k["top_up"],
            "allocated": k["allocation"] + k["top_up"],
            "committed": k["commit"] - k["release"] - k["claim"],
            "claimed": k["claim"] - k["pay"],
            "paid": k["pay"],
            "expired": k["expire"],
            "available": k["allocation"] + k["top_up"] - k["commit"] + k["release"] - k["expire"],
        }
    return totals


EMPTY_TOTALS = dict.fromkeys(
    ("allocation", "top_ups", "allocated", "committed", "claimed", "paid", "expired", "available"), ZERO
)


def budget_totals(budget: Budget) -> dict[str, Decimal]:
    return ledger_totals([budget.pk]).get(budget.pk, dict(EMPTY_TOTALS))


def budget_detail_requests(*, user: Any, budget: Budget) -> QuerySet:
    return (
        request_list(user=user)
        .filter(budget=budget)
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.visible_to(user).order_by("pk")))
    )


def burndown(entries: list[LedgerEntry], *, until=None) -> dict[str, Any]:
    """Available, committed and paid at the end of each day with entries (step-line chart data),
    carried on to ``until`` (today or the expiry date) so the last step is visible."""
    from .models import EFFECTS

    balances: dict[str, Decimal] = defaultdict(lambda: ZERO)
    days: dict[str, dict[str, Decimal]] = {}
    for entry in entries:
        for column, sign in EFFECTS[entry.kind]:
            balances[column] += sign * entry.amount
        days[entry.at.date().isoformat()] = dict(balances)
    if days and until is not None and until.isoformat() > max(days):
        days[until.isoformat()] = dict(balances)
    names = (("available", "Available", True), ("committed", "Committed", False), ("paid", "Paid", False))
    return {
        "labels": list(days),
        "series": [
            {"name": label, "area": area, "values": [float(day.get(key, ZERO)) for day in days.values()]}
            for key, label, area in names
        ],
    }


def reporting_totals(budgets: list[Budget], *, on) -> dict[str, Any]:
    """The budgets' balances added up in the reporting currency, each converted at its dated
    rate on ``on`` (today, or the expiry date of a closed year). A budget whose currency has no
    rate is named in ``problems`` and left out - never counted as 0."""
    from .rates import NoExchangeRate, RateTable, reporting_currency

    rates = RateTable()
    keys = ("allocated", "committed", "claimed", "paid", "expired", "available")
    sums = dict.fromkeys(keys, ZERO)
    problems: list[str] = []
    for budget in budgets:
        day = min(on, budget.expiry_date)
        try:
            converted = {k: rates.convert(budget.totals[k], budget.currency, day) for k in keys}
        except NoExchangeRate as exc:
            problems.append(f"{budget}: {exc.message_dict['currency'][0]}")
            continue
        for k in keys:
            sums[k] += converted[k]
    return {
        "currency": reporting_currency(),
        "mixed": len({b.currency for b in budgets}) > 1
        or any(b.currency != reporting_currency() for b in budgets),
        "problems": problems,
        **sums,
    }
