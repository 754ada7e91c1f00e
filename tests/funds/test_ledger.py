"""The ledger: balances from entries, overspend refused in the service and in the database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from amity.funds import selectors, services
from amity.funds import services_claims as claims
from amity.funds.models import AppendOnlyError, Budget, EntryKind, LedgerEntry, RequestStatus

from .factories import make_budget, make_request, pdf_upload

D = Decimal


def totals(budget):
    return selectors.budget_totals(budget)


def test_allocation_sets_balances_and_entry(budget):
    assert budget.allocated == D("10000.00") and budget.available == D("10000.00")
    entry = LedgerEntry.objects.get(budget=budget)
    assert entry.kind == EntryKind.ALLOCATION and entry.amount == D("10000.00")
    assert budget.expiry_date == date(budget.fiscal_year, 12, 31)


def test_full_lifecycle_moves_money_through_every_column(budget, partner, manager):
    request = make_request(budget, partner, planned_cost="3000.00", share="40")
    assert request.requested_amount == D("1800.00")  # 60 % of 3000
    services.request_approve(request=request, user=manager)
    budget.refresh_from_db()
    assert (budget.committed, budget.available) == (D("1800.00"), D("8200.00"))
    claim = claims.claim_submit(request=request, amount=D("1500.00"), files=[pdf_upload()], user=partner)
    claims.claim_approve(claim=claim, user=manager)
    claims.claim_pay(claim=claim, paid_on=date.today(), reference="TRX-1", user=manager)
    request.refresh_from_db()
    services.request_complete(request=request, user=manager)
    budget.refresh_from_db()
    t = totals(budget)
    assert t["paid"] == budget.paid == D("1500.00")
    assert t["committed"] == budget.committed == D("0.00")
    assert t["available"] == budget.available == D("8500.00")  # the unclaimed 300 came back
    assert t["allocated"] == t["committed"] + t["claimed"] + t["paid"] + t["expired"] + t["available"]


def test_approval_over_available_is_refused_naming_the_field(budget, partner, manager):
    big = make_request(budget, partner, planned_cost="30000.00", share="50")  # asks 15000 of 10000
    with pytest.raises(ValidationError) as exc:
        services.request_approve(request=big, user=manager)
    assert "approved_amount" in exc.value.message_dict
    big.refresh_from_db()
    budget.refresh_from_db()
    assert big.status == RequestStatus.SUBMITTED
    assert budget.available == D("10000.00") and LedgerEntry.objects.filter(budget=budget).count() == 1


def test_partial_approval_needs_a_reason_and_commits_the_lower_amount(budget, partner, manager):
    request = make_request(budget, partner, planned_cost="4000.00", share="50")
    with pytest.raises(ValidationError) as exc:
        services.request_approve(request=request, user=manager, amount=D("1000.00"))
    assert "decision_reason" in exc.value.message_dict
    done = services.request_approve(
        request=request, user=manager, amount=D("1000.00"), reason="Half the venue"
    )
    assert done.status == RequestStatus.PARTIALLY_APPROVED and done.approved_amount == D("1000.00")
    with pytest.raises(ValidationError) as exc:
        claims.claim_submit(request=done, amount=D("1000.01"), files=[pdf_upload()], user=partner)
    assert "amount" in exc.value.message_dict


def test_reject_requires_reason(budget, partner, manager):
    request = make_request(budget, partner)
    with pytest.raises(ValidationError) as exc:
        services.request_reject(request=request, user=manager, reason="  ")
    assert "decision_reason" in exc.value.message_dict
    assert services.request_reject(request=request, user=manager, reason="Off-strategy").status == "rejected"


def test_cancel_of_funded_request_releases(budget, partner, manager):
    request = services.request_approve(request=make_request(budget, partner), user=manager)
    services.request_cancel(request=request, user=manager)
    budget.refresh_from_db()
    assert budget.available == D("10000.00") and budget.committed == D("0.00")


def test_partner_cannot_decide_or_act_on_other_budget(budget, other_budget, partner, manager):
    request = make_request(budget, partner)
    with pytest.raises(PermissionDenied):
        services.request_approve(request=request, user=partner)
    with pytest.raises(PermissionDenied):
        make_request(other_budget, partner)


def test_claim_needs_a_proof_file_of_an_accepted_type(budget, partner, manager):
    request = services.request_approve(request=make_request(budget, partner), user=manager)
    with pytest.raises(ValidationError) as exc:
        claims.claim_submit(request=request, amount=D("10.00"), files=[], user=partner)
    assert "files" in exc.value.message_dict
    exe = pdf_upload("proof.pdf", b"MZ\x90\x00" + bytes(range(256)) * 4)
    with pytest.raises(ValidationError) as exc:
        claims.claim_submit(request=request, amount=D("10.00"), files=[exe], user=partner)
    assert "files" in exc.value.message_dict


def test_database_refuses_overspend_even_without_the_service(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(available=D("-1.00"), committed=D("10001.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(available=D("9000.00"))  # unbalanced


def test_entries_are_append_only(budget):
    entry = LedgerEntry.objects.get(budget=budget)
    entry.amount = D("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_fiscal_year_close_expires_only_after_the_expiry_day(program, partner_org, manager, partner):
    budget = make_budget(program, partner_org, manager, amount=D("1000.00"), fiscal_year=2025)
    assert budget.expiry_date == date(2025, 12, 31)
    assert services.expire_budgets(today=date(2025, 12, 31)) == []
    entries = services.expire_budgets(today=date(2026, 1, 1))
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.EXPIRE, D("1000.00"))]
    budget.refresh_from_db()
    assert (budget.available, budget.expired) == (D("0.00"), D("1000.00"))
    assert services.expire_budgets(today=date(2026, 1, 2)) == []  # idempotent
    renewal = services.renew_budget(budget=budget, allocation=D("1200.00"), user=manager)
    assert (renewal.fiscal_year, renewal.renewed_from, renewal.available) == (2026, budget, D("1200.00"))
    with pytest.raises(ValidationError):
        services.renew_budget(budget=budget, allocation=D("1.00"), user=manager)


def test_expiry_honours_the_fiscal_year_start(settings, program, partner_org, manager):
    settings.AMITY_FISCAL_YEAR_START_MONTH = 7
    budget = make_budget(program, partner_org, manager, amount=D("10.00"), fiscal_year=2027)
    assert budget.expiry_date == date(2027, 6, 30)
    assert services.expire_budgets(today=date(2027, 6, 30)) == []
    assert len(services.expire_budgets(today=date(2027, 6, 30) + timedelta(days=1))) == 1


def test_agenda_lists_waiting_decisions_reviews_and_expiry(program, partner_org, manager, partner, alliance):
    from amity.core import agenda

    budget = make_budget(
        program, partner_org, manager, amount=D("1000.00"), fiscal_year=2031, alliance=alliance
    )
    request = make_request(budget, partner)
    items = [i for i in agenda.items([alliance.pk]) if i.kind.startswith("mdf_")]
    kinds = {i.kind: i for i in items}
    assert set(kinds) == {"mdf_request_decision", "mdf_budget_expiry"}
    assert kinds["mdf_budget_expiry"].day == date(2031, 12, 31)
    services.request_approve(request=request, user=manager)
    claims.claim_submit(request=request, amount=D("10.00"), files=[pdf_upload()], user=partner)
    kinds = {i.kind for i in agenda.items([alliance.pk]) if i.kind.startswith("mdf_")}
    assert kinds == {"mdf_claim_review", "mdf_budget_expiry"}


def test_daily_pass_expires_past_budgets(budget):
    from amity.core import agenda

    entries = agenda._DAILY["funds"](budget.expiry_date + timedelta(days=1))
    assert [(e.budget_id, e.kind, e.amount) for e in entries] == [
        (budget.pk, EntryKind.EXPIRE, D("10000.00"))
    ]
