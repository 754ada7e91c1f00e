"""The incentives API: plans, rules and enrollments; statements computed, approved and paid
(lines tie out to the deals); the exceptions list; who sees which statement (invisible = 404);
invalid input is 422 naming the field, never 500."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from amity.funds import services_incentives as svc
from amity.funds.models import Audience, Statement, StatementStatus
from amity.pipeline.models import PartnerRole
from tests import factories as f
from tests.funds import test_incentives as engine_tests
from tests.funds.test_incentives import Q3, enroll, won

#: The fixtures of the engine tests: a sales rep "Sam Rep" and a EUR plan (10 %, 15 % above a
#: quarterly target of 100,000, capped at 20,000; a 500 bonus on registered deals).
rep = engine_tests.rep
plan = engine_tests.plan

D = Decimal
API = "/api/v1/incentives"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def fees(manager, partner_org):
    """A partner referral-fee plan with Stratus (``partner_org``) enrolled."""
    fees = svc.plan_create(
        data={
            "name": "Referral fees",
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
    return fees


def test_create_plan_rule_and_enrollment(api_for, manager, rep):
    m = api_for(manager)
    created = post(
        m,
        f"{API}/plans",
        {
            "name": "Partner bonus",
            "audience": "rep",
            "currency": "EUR",
            "valid_from": "2026-01-01",
            "quarterly_target": "100000.00",
        },
    )
    assert created.status_code == 201, created.content
    plan_data = created.json()
    assert (plan_data["audience"], plan_data["quarterly_target"], plan_data["quarterly_cap"]) == (
        "rep",
        "100000.00",
        None,
    )
    assert plan_data["rules"] == [] and plan_data["enrollments"] == []
    plan_id = plan_data["id"]
    rule = post(
        m,
        f"{API}/plans/{plan_id}/rules",
        {
            "name": "Co-sell",
            "partner_roles": ["co_sell", "sourced"],
            "rate_percent": "10",
            "accelerated_percent": "15",
        },
    )
    assert rule.status_code == 201, rule.content
    assert rule.json()["kind"] == "percent"
    assert rule.json()["description"] == "10 % of revenue (15 % above target) · co-sell, sourced"
    fixed = post(m, f"{API}/plans/{plan_id}/rules", {"name": "Bonus", "kind": "fixed", "fixed_amount": "500"})
    assert fixed.status_code == 201 and fixed.json()["fixed_amount"] == "500.00"
    enrolled = post(m, f"{API}/plans/{plan_id}/enrollments", {"rep": rep.pk, "valid_from": "2026-04-01"})
    assert enrolled.status_code == 201, enrolled.content
    [enrollment] = enrolled.json()["enrollments"]
    assert (enrollment["rep"], enrollment["organization"], enrollment["valid_from"]) == (
        {"id": rep.pk, "name": "Sam Rep"},
        None,
        "2026-04-01",
    )
    detail = m.get(f"{API}/plans/{plan_id}").json()
    assert [r["name"] for r in detail["rules"]] == ["Co-sell", "Bonus"]
    assert detail["rules"][1]["description"] == "500.00 EUR per deal · any partner role"
    # A rep plan enrolls reps, not organizations; an unknown rep is "not found" on the field.
    wrong = post(m, f"{API}/plans/{plan_id}/enrollments", {"organization": 1})
    assert wrong.status_code == 422 and "organization" in wrong.json()["errors"]
    unknown = post(m, f"{API}/plans/{plan_id}/enrollments", {"rep": 999999})
    assert unknown.status_code == 422 and "rep" in unknown.json()["errors"]


def test_patch_plan_with_optimistic_locking(api_for, manager, plan):
    m = api_for(manager)
    changed = patch(m, f"{API}/plans/{plan.pk}", {"quarterly_cap": "25000", "version": plan.version})
    assert changed.status_code == 200, changed.content
    assert changed.json()["quarterly_cap"] == "25000.00"
    assert changed.json()["version"] == plan.version + 1
    stale = patch(m, f"{API}/plans/{plan.pk}", {"name": "Renamed", "version": plan.version})
    assert stale.status_code == 409 and stale.json()["current_version"] == plan.version + 1
    # The audience is fixed once the plan exists.
    assert patch(m, f"{API}/plans/{plan.pk}", {"audience": "partner"}).status_code == 422
    bad = patch(m, f"{API}/plans/{plan.pk}", {"valid_to": "2025-01-01"})
    assert bad.status_code == 422 and "valid_to" in bad.json()["errors"]


def test_compute_approve_and_pay_a_statement_that_ties_out(api_for, manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    first = won(manager, alliance, rep, "80000", day=date(2026, 7, 10))
    second = won(manager, alliance, rep, "40000", day=date(2026, 8, 20))
    m = api_for(manager)
    computed = post(m, f"{API}/statements/compute", {"day": "2026-08-15", "audience": "rep"})
    assert computed.status_code == 200, computed.content
    [row] = computed.json()
    assert (row["status"], row["quarter"], row["payee"]) == (
        "draft",
        "Q3 FY2026",
        {"type": "rep", "id": rep.pk, "name": "Sam Rep"},
    )
    assert (row["period_start"], row["period_end"]) == ("2026-07-01", "2026-09-30")
    # 10 % of 80,000 + (10 % of 20,000 + 15 % of 20,000 above the target of 100,000) = 13,000.
    assert (row["basis"], row["total"]) == ("120000.00", "13000.00")

    detail = m.get(f"{API}/statements/{row['id']}").json()
    lines = detail["lines"]
    assert [line["opportunity"] for line in lines] == [
        {"id": first.pk, "name": first.name},
        {"id": second.pk, "name": second.name},
    ]
    assert sum(D(line["amount"]) for line in lines) == D(detail["total"])
    assert [(line["amount"], line["basis"], line["deal_amount"]) for line in lines] == [
        ("8000.00", "80000.00", "80000.00"),
        ("5000.00", "40000.00", "40000.00"),
    ]
    assert (lines[0]["close_date"], lines[0]["deal_currency"], D(lines[0]["rate"])) == (
        "2026-07-10",
        "EUR",
        1,
    )
    assert lines[0]["rule"]["name"] == "Partner revenue"
    assert "15 % of 20,000.00 above it" in lines[1]["explanation"]

    stale = post(m, f"{API}/statements/{row['id']}/approve", {"version": row["version"] + 5})
    assert stale.status_code == 409
    approved = post(m, f"{API}/statements/{row['id']}/approve", {"version": row["version"]})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"]["id"] == manager.pk
    again = post(m, f"{API}/statements/{row['id']}/approve", {})
    assert again.status_code == 422 and "status" in again.json()["errors"]

    missing = post(m, f"{API}/statements/{row['id']}/pay", {"paid_on": "2026-10-25"})
    assert missing.status_code == 422
    assert "payment_reference" in missing.json()["errors"]
    blank = post(m, f"{API}/statements/{row['id']}/pay", {"paid_on": "2026-10-25", "reference": "  "})
    assert blank.status_code == 422 and "payment_reference" in blank.json()["errors"]
    no_date = post(m, f"{API}/statements/{row['id']}/pay", {"reference": "PAY-Q3"})
    assert no_date.status_code == 422 and "paid_on" in no_date.json()["errors"]
    paid = post(m, f"{API}/statements/{row['id']}/pay", {"paid_on": "2026-10-25", "reference": "PAY-Q3"})
    assert paid.status_code == 200, paid.content
    assert (paid.json()["status"], paid.json()["paid_on"], paid.json()["payment_reference"]) == (
        "paid",
        "2026-10-25",
        "PAY-Q3",
    )
    # Computing again leaves the paid statement as it is.
    assert post(m, f"{API}/statements/compute", {"day": "2026-08-15"}).json() == []
    assert Statement.objects.get().status == StatementStatus.PAID


def test_a_sales_rep_sees_only_own_statements_and_cannot_approve(api_for, manager, rep, plan, alliance):
    other = f.UserFactory(username="rep2", role="sales")
    enroll(plan, manager, rep)
    enroll(plan, manager, other)
    won(manager, alliance, rep, "1000")
    won(manager, alliance, other, "2000")
    mine, theirs = svc.statements_generate(day=Q3, user=manager)
    r = api_for(rep)
    body = r.get(f"{API}/statements").json()
    assert body["count"] == 1 and [s["id"] for s in body["items"]] == [mine.pk]
    assert r.get(f"{API}/statements?rep={other.pk}").json()["count"] == 0
    assert r.get(f"{API}/statements/{mine.pk}").status_code == 200
    assert r.get(f"{API}/statements/{theirs.pk}").status_code == 404
    assert post(r, f"{API}/statements/{theirs.pk}/approve", {}).status_code == 404
    denied = post(r, f"{API}/statements/{mine.pk}/approve", {})
    assert denied.status_code == 403
    assert post(r, f"{API}/statements/compute", {"day": "2026-08-15"}).status_code == 403
    assert (
        post(r, f"{API}/plans", {"name": "Mine", "audience": "rep", "valid_from": "2026-01-01"}).status_code
        == 403
    )
    assert Statement.objects.get(pk=mine.pk).status == StatementStatus.DRAFT
    # The manager sees both, and filters.
    m = api_for(manager)
    assert m.get(f"{API}/statements").json()["count"] == 2
    assert [s["id"] for s in m.get(f"{API}/statements?rep={other.pk}").json()["items"]] == [theirs.pk]
    assert m.get(f"{API}/statements?quarter=2026-09-30&status=draft&audience=rep").json()["count"] == 2
    assert m.get(f"{API}/statements?quarter=2026-10-01").json()["count"] == 0
    assert m.get(f"{API}/statements?audience=partner").json()["count"] == 0
    assert m.get(f"{API}/statements?plan={plan.pk}&limit=1").json()["count"] == 2


def test_a_partner_user_sees_only_its_own_plans_and_statements(
    api_for, manager, rep, plan, fees, alliance, partner, partner_org, other_partner_org
):
    enroll(plan, manager, rep)
    svc.enroll(plan=fees, organization=other_partner_org, valid_from=date(2026, 1, 1), user=manager)
    won(manager, alliance, rep, "10000")  # co-sell: earns for the rep
    won(manager, alliance, rep, "20000", role=PartnerRole.REFERRAL)  # referral: earns for Stratus
    statements = {s.plan_id: s for s in svc.statements_generate(day=Q3, user=manager)}
    rep_statement, own = statements[plan.pk], statements[fees.pk]
    assert own.organization == partner_org
    p = api_for(partner)
    assert p.get(f"{API}/statements/{rep_statement.pk}").status_code == 404
    listed = p.get(f"{API}/statements").json()
    assert [s["id"] for s in listed["items"]] == [own.pk]
    assert listed["items"][0]["payee"] == {"type": "partner", "id": partner_org.pk, "name": partner_org.name}
    assert listed["items"][0]["total"] == "1000.00"
    # Rep plans are invisible: not listed, not readable.
    assert p.get(f"{API}/plans?audience=rep").json() == {"items": [], "count": 0}
    assert [x["id"] for x in p.get(f"{API}/plans").json()["items"]] == [fees.pk]
    assert p.get(f"{API}/plans/{plan.pk}").status_code == 404
    # Its own plan, with its own enrollment only (not the competitor's).
    detail = p.get(f"{API}/plans/{fees.pk}").json()
    assert [e["organization"]["id"] for e in detail["enrollments"]] == [partner_org.pk]
    assert (
        post(p, f"{API}/plans/{fees.pk}/enrollments", {"organization": other_partner_org.pk}).status_code
        == 403
    )
    assert post(p, f"{API}/statements/{own.pk}/approve", {}).status_code == 403
    # The exceptions list is for our own people.
    assert p.get(f"{API}/exceptions?day=2026-08-15&audience=partner").status_code == 403


def test_exceptions_list_the_deals_that_earned_nothing(api_for, manager, rep, plan, alliance):
    enroll(plan, manager, rep, start=date(2026, 8, 1))
    before = won(manager, alliance, rep, "1000", day=date(2026, 7, 15), name="Before enrollment")
    nobody = won(manager, alliance, None, "2500.5", name="Nobody's deal")
    won(manager, alliance, rep, "1000", name="Earning deal")
    response = api_for(manager).get(f"{API}/exceptions?day=2026-08-15&audience=rep")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"label": "Q3 FY2026", "start": "2026-07-01", "end": "2026-09-30"}
    assert body["audience"] == "rep"
    by_deal = {item["opportunity"]["id"]: item for item in body["items"]}
    assert set(by_deal) == {before.pk, nobody.pk}
    assert by_deal[before.pk]["opportunity"] == {
        "id": before.pk,
        "name": "Before enrollment",
        "amount": "1000.00",
        "currency": "EUR",
        "close_date": "2026-07-15",
    }
    assert by_deal[before.pk]["payee"] == {"type": "rep", "id": rep.pk, "name": "Sam Rep"}
    assert "is not enrolled in Co-sell bonus 2026 on 15 Jul 2026" in by_deal[before.pk]["reason"]
    assert by_deal[nobody.pk]["payee"] is None
    assert by_deal[nobody.pk]["opportunity"]["amount"] == "2500.50"
    assert by_deal[nobody.pk]["reason"] == "no rep owns this deal: set its owner"
    # A sales rep sees the exceptions of their own deals.
    mine = api_for(rep).get(f"{API}/exceptions?day=2026-08-15").json()
    assert [item["opportunity"]["id"] for item in mine["items"]] == [before.pk]
    # Another quarter has none.
    assert api_for(manager).get(f"{API}/exceptions?day=2026-11-01").json()["items"] == []


def test_partner_exceptions_name_the_partner(api_for, manager, fees, other_alliance, other_partner_org):
    deal = won(manager, other_alliance, None, "4000", role=PartnerRole.REFERRAL, name="Kestrel referral")
    body = api_for(manager).get(f"{API}/exceptions?day=2026-08-15&audience=partner").json()
    [item] = body["items"]
    assert item["opportunity"]["id"] == deal.pk
    assert item["payee"] == {"type": "partner", "id": other_partner_org.pk, "name": other_partner_org.name}
    assert "not enrolled in any active referral-fee or rebate plan" in item["reason"]


def test_invalid_input_is_422_naming_the_field(api_for, manager, plan):
    m = api_for(manager)
    bad_audience = post(m, f"{API}/plans", {"name": "X", "audience": "everyone", "valid_from": "2026-01-01"})
    assert bad_audience.status_code == 422 and "audience" in bad_audience.json()["errors"]
    assert m.get(f"{API}/plans?audience=everyone").status_code == 422
    assert m.get(f"{API}/exceptions?audience=everyone").status_code == 422
    assert m.get(f"{API}/statements?quarter=not-a-day").status_code == 422
    assert post(m, f"{API}/statements/compute", {"day": "2026-08-15", "audience": "x"}).status_code == 422
    negative = post(m, f"{API}/plans/{plan.pk}/rules", {"name": "Neg", "rate_percent": "-1"})
    assert negative.status_code == 422 and "rate_percent" in negative.json()["errors"]
    too_much = post(m, f"{API}/plans/{plan.pk}/rules", {"name": "Big", "rate_percent": "101"})
    assert too_much.status_code == 422 and "rate_percent" in too_much.json()["errors"]
    no_rate = post(m, f"{API}/plans/{plan.pk}/rules", {"name": "No rate", "kind": "percent"})
    assert no_rate.status_code == 422 and "rate_percent" in no_rate.json()["errors"]
    no_amount = post(m, f"{API}/plans/{plan.pk}/rules", {"name": "No amount", "kind": "fixed"})
    assert no_amount.status_code == 422 and "fixed_amount" in no_amount.json()["errors"]
    bad_role = post(
        m, f"{API}/plans/{plan.pk}/rules", {"name": "R", "rate_percent": "1", "partner_roles": ["x"]}
    )
    assert bad_role.status_code == 422 and "partner_roles.0" in bad_role.json()["errors"]
    unknown_field = post(m, f"{API}/plans/{plan.pk}/rules", {"name": "R", "rate_percent": "1", "rate": "1"})
    assert unknown_field.status_code == 422 and "rate" in unknown_field.json()["errors"]
    duplicate = post(m, f"{API}/plans", {"name": plan.name, "audience": "rep", "valid_from": "2026-01-01"})
    assert duplicate.status_code == 422 and "name" in duplicate.json()["errors"]
    backwards = post(
        m,
        f"{API}/plans",
        {"name": "Y", "audience": "rep", "valid_from": "2026-06-01", "valid_to": "2026-01-01"},
    )
    assert backwards.status_code == 422 and "valid_to" in backwards.json()["errors"]
    assert m.get(f"{API}/plans/{2**70}").status_code == 404
    assert m.get(f"{API}/statements/999999").status_code == 404


def test_anonymous_is_401(api_for):
    assert api_for(None).get(f"{API}/statements").status_code == 401


def _component(schema, path, method, status):
    ref = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_openapi_document_lists_the_incentive_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/incentives/plans": {"get", "post"},
        "/api/v1/incentives/plans/{plan_id}": {"get", "patch"},
        "/api/v1/incentives/plans/{plan_id}/rules": {"post"},
        "/api/v1/incentives/plans/{plan_id}/enrollments": {"post"},
        "/api/v1/incentives/statements": {"get"},
        "/api/v1/incentives/statements/compute": {"post"},
        "/api/v1/incentives/statements/{statement_id}": {"get"},
        "/api/v1/incentives/statements/{statement_id}/approve": {"post"},
        "/api/v1/incentives/statements/{statement_id}/pay": {"post"},
        "/api/v1/incentives/exceptions": {"get"},
    }.items():
        assert set(paths[path]) == methods, path
    # Components are keyed by class name: the incentive schemas must not replace the
    # planning API's plans or the lead routing rules (nor the other way round).
    assert {"audience", "rules"} <= set(
        _component(schema, "/api/v1/incentives/plans/{plan_id}", "get", "200")["properties"]
    )
    assert (
        "description"
        in _component(schema, "/api/v1/incentives/plans/{plan_id}/rules", "post", "201")["properties"]
    )
    assert "fiscal_year" in _component(schema, "/api/v1/plans/{plan_id}", "get", "200")["properties"]
    assert "capability" in _component(schema, "/api/v1/lead-rules", "post", "201")["properties"]
