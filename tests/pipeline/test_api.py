"""The pipeline API: success, bad input (422 naming the field) and permissions for each operation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from amity.pipeline import services
from amity.pipeline.models import DealRegistration, Opportunity, RegistrationStatus
from tests.pipeline.factories import AccountFactory, opportunity, register, registration_data

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, url, body=None):
    return client.post(API + url, data=json.dumps(body or {}), content_type="application/json")


def patch(client, url, body):
    return client.patch(API + url, data=json.dumps(body), content_type="application/json")


def reg_body(alliance, **overrides):
    data = registration_data(**overrides)
    data["amount"] = str(data["amount"])
    data["expected_close_date"] = data["expected_close_date"].isoformat()
    return {"alliance_id": alliance.pk, **data}


# --- accounts ---


def test_accounts_crud(api_for, manager):
    client = api_for(manager)
    created = post(client, "/accounts", {"name": "Brightwater Retail Ltd", "domain": "www.brightwater.co.uk"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["domain"] == "brightwater.co.uk" and body["owner_organization"]["name"]
    changed = patch(client, f"/accounts/{body['id']}", {"status": "customer", "version": 1})
    assert changed.json()["status"] == "customer"
    assert client.get(API + "/accounts?status=customer").json()["count"] == 1
    assert client.delete(API + f"/accounts/{body['id']}").status_code == 204
    assert client.get(API + "/accounts").json()["count"] == 0


def test_account_bad_input_names_the_field(api_for, manager):
    client = api_for(manager)
    assert "country" in post(client, "/accounts", {"name": "X", "country": "Neverland"}).json()["errors"]
    assert (
        "owner_organization_id"
        in post(client, "/accounts", {"name": "X", "owner_organization_id": 999999}).json()["errors"]
    )
    unknown = post(client, "/accounts", {"name": "X", "external_ids": {"jira": "1"}})
    assert unknown.status_code == 422 and "external_ids" in unknown.json()["errors"]


def test_account_permissions(api_for, executive, partner, other_partner_org):
    hidden = AccountFactory(owner_organization=other_partner_org)
    assert post(api_for(executive), "/accounts", {"name": "X"}).status_code == 403
    assert post(api_for(partner), "/accounts", {"name": "X"}).status_code == 403
    assert api_for(partner).get(API + f"/accounts/{hidden.pk}").status_code == 404
    assert api_for(None).get(API + "/accounts").status_code == 401


# --- opportunities ---


def test_opportunities_crud_with_alliances_and_stage(api_for, manager, alliance):
    client = api_for(manager)
    account = AccountFactory()
    body = {
        "name": "Atlas",
        "account_id": account.pk,
        "amount": "250000.00",
        "close_date": "2027-01-31",
        "stage": "proposal",
        "alliances": [{"alliance_id": alliance.pk, "role": "co_sell"}],
        "external_ids": {"salesforce": "006000000000001"},
    }
    created = post(client, "/opportunities", body)
    assert created.status_code == 201, created.json()
    opp = created.json()
    assert opp["probability"] == 50 and opp["weighted_amount"] == "125000.00"
    assert opp["alliances"] == [{"alliance": {"id": alliance.pk, "name": alliance.name}, "role": "co_sell"}]
    moved = post(client, f"/opportunities/{opp['id']}/stage", {"stage": "closed_won"})
    assert moved.status_code == 200
    assert moved.json()["is_won"] and [c["to_stage"] for c in moved.json()["stage_history"]] == [
        "proposal",
        "closed_won",
    ]
    changed = patch(
        client, f"/opportunities/{opp['id']}", {"name": "Atlas v2", "version": moved.json()["version"]}
    )
    assert changed.json()["name"] == "Atlas v2"
    assert patch(client, f"/opportunities/{opp['id']}", {"name": "stale", "version": 1}).status_code == 409
    assert client.get(API + f"/opportunities?alliance={alliance.pk}&open=false").json()["count"] == 1


def test_opportunity_bad_input_names_the_field(api_for, manager, other_alliance):
    client = api_for(manager)
    account = AccountFactory()
    base = {"name": "X", "account_id": account.pk, "close_date": "2027-01-31"}
    assert "amount" in post(client, "/opportunities", {**base, "amount": "-5"}).json()["errors"]
    assert "account_id" in post(client, "/opportunities", {**base, "account_id": 999999}).json()["errors"]
    assert (
        "close_date" in post(client, "/opportunities", {**base, "close_date": "31/01/2027"}).json()["errors"]
    )
    opp = opportunity(user=manager)
    assert "stage" in post(client, f"/opportunities/{opp.pk}/stage", {"stage": "won"}).json()["errors"]
    assert not Opportunity.objects.exclude(pk=opp.pk).exists()


def test_opportunity_permissions(api_for, manager, executive, partner, alliance, other_alliance):
    mine = opportunity(user=manager, alliance=alliance)
    hidden = opportunity(user=manager, alliance=other_alliance)
    assert api_for(partner).get(API + f"/opportunities/{mine.pk}").status_code == 200
    assert api_for(partner).get(API + f"/opportunities/{hidden.pk}").status_code == 404
    assert [o["id"] for o in api_for(partner).get(API + "/opportunities").json()["items"]] == [mine.pk]
    assert post(api_for(partner), f"/opportunities/{mine.pk}/stage", {"stage": "proposal"}).status_code == 403
    assert (
        post(api_for(executive), f"/opportunities/{mine.pk}/stage", {"stage": "proposal"}).status_code == 403
    )
    assert api_for(None).get(API + "/opportunities").status_code == 401


def test_partner_alliance_ids_in_a_body_are_not_found(api_for, manager, partner, alliance, other_alliance):
    account = AccountFactory()
    body = {
        "name": "X",
        "account_id": account.pk,
        "close_date": "2027-01-31",
        "alliances": [{"alliance_id": 999999}],
    }
    assert "alliances" in post(api_for(manager), "/opportunities", body).json()["errors"]


def test_the_opportunity_list_does_not_grow_queries(
    api_for, manager, alliance, django_assert_max_num_queries
):
    client = api_for(manager)
    for _ in range(5):
        opportunity(user=manager, alliance=alliance)
    client.get(API + "/opportunities")
    with django_assert_max_num_queries(12) as few:
        client.get(API + "/opportunities")
    for _ in range(20):
        opportunity(user=manager, alliance=alliance)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(API + "/opportunities").json()["count"] == 25


# --- deal registrations ---


def test_a_partner_registers_and_never_sees_matches(
    api_for, partner, alliance, other_partner, other_alliance
):
    register(user=other_partner, alliance=other_alliance)
    response = post(api_for(partner), "/deal-registrations", reg_body(alliance))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["matches"] is None
    assert DealRegistration.objects.get(pk=body["id"]).matches.count() == 1
    listed = api_for(partner).get(API + "/deal-registrations").json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    assert listed["items"][0]["matches"] is None


def test_the_reviewer_sees_matches_and_decides(
    api_for, manager, partner, alliance, other_partner, other_alliance
):
    first = register(user=other_partner, alliance=other_alliance)
    second = register(user=partner, alliance=alliance)
    client = api_for(manager)
    detail = client.get(API + f"/deal-registrations/{second.pk}").json()
    [match] = detail["matches"]
    assert match["kind"] == "competing_registration" and match["other_registration"]["id"] == first.pk
    listed = client.get(API + "/deal-registrations").json()
    assert all(isinstance(r["matches"], list) for r in listed["items"])
    approved = post(client, f"/deal-registrations/{second.pk}/approve")
    assert approved.status_code == 200 and approved.json()["protection_until"]
    rejected = post(
        client, f"/deal-registrations/{first.pk}/reject", {"reason": "The other partner came first."}
    )
    assert rejected.json()["status"] == "rejected"
    converted = post(client, f"/deal-registrations/{second.pk}/convert")
    assert converted.status_code == 201
    assert converted.json()["alliances"][0]["role"] == "sourced"


def test_reject_needs_a_reason(api_for, manager, partner, alliance):
    registration = register(user=partner, alliance=alliance)
    response = post(api_for(manager), f"/deal-registrations/{registration.pk}/reject", {})
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_registration_bad_input_names_the_field(api_for, partner, alliance, other_alliance):
    client = api_for(partner)
    assert "alliance_id" in post(client, "/deal-registrations", reg_body(other_alliance)).json()["errors"]
    assert (
        "amount"
        in post(client, "/deal-registrations", {**reg_body(alliance), "amount": "lots"}).json()["errors"]
    )
    assert (
        "company_name"
        in post(client, "/deal-registrations", {**reg_body(alliance), "company_name": ""}).json()["errors"]
    )
    assert "surprise" in json.dumps(
        post(client, "/deal-registrations", {**reg_body(alliance), "surprise": 1}).json()
    )
    assert not DealRegistration.objects.exists()


def test_registration_permissions(
    api_for, manager, executive, partner, other_partner, alliance, other_alliance
):
    theirs = register(user=other_partner, alliance=other_alliance)
    mine = register(user=partner, alliance=alliance, company_name="Mine", domain="mine.example")
    assert api_for(partner).get(API + f"/deal-registrations/{theirs.pk}").status_code == 404
    assert post(api_for(partner), f"/deal-registrations/{theirs.pk}/approve").status_code == 404
    assert post(api_for(partner), f"/deal-registrations/{mine.pk}/approve").status_code == 403
    assert post(api_for(partner), f"/deal-registrations/{mine.pk}/reject", {"reason": "x"}).status_code == 403
    assert post(api_for(executive), f"/deal-registrations/{mine.pk}/approve").status_code == 403
    assert post(api_for(executive), "/deal-registrations", reg_body(alliance)).status_code == 403
    assert api_for(None).get(API + "/deal-registrations").status_code == 401
    assert post(api_for(manager), f"/deal-registrations/{mine.pk}/convert").status_code == 422


def test_the_alliance_pipeline_summary(api_for, manager, partner, alliance, other_alliance):
    opportunity(user=manager, alliance=alliance, stage="proposal")
    opportunity(user=manager, alliance=alliance, stage="closed_won", close_date=date.today())
    summary = api_for(manager).get(API + f"/alliances/{alliance.pk}/pipeline/summary").json()
    assert summary["open_amount"] == "100000.00" and summary["weighted_amount"] == "50000.00"
    assert summary["won_this_year"] == "100000.00" and len(summary["quarters"]) == 4
    assert api_for(partner).get(API + f"/alliances/{other_alliance.pk}/pipeline/summary").status_code == 404
    assert api_for(None).get(API + f"/alliances/{alliance.pk}/pipeline/summary").status_code == 401


def test_a_manager_registers_for_a_named_partner(api_for, manager, alliance, partner_org, other_partner_org):
    client = api_for(manager)
    ok = post(client, "/deal-registrations", {**reg_body(alliance), "organization_id": partner_org.pk})
    assert ok.status_code == 201 and ok.json()["organization"]["id"] == partner_org.pk
    wrong = post(
        client, "/deal-registrations", {**reg_body(alliance), "organization_id": other_partner_org.pk}
    )
    assert "organization_id" in wrong.json()["errors"]


def test_expired_registrations_show_as_expired(api_for, manager, partner, alliance):
    registration = register(user=partner, alliance=alliance)
    services.registration_approve(
        registration=registration, user=manager, today=date.today() - timedelta(days=120)
    )
    services.registrations_expire()
    assert api_for(partner).get(API + f"/deal-registrations/{registration.pk}").json()["status"] == "expired"
