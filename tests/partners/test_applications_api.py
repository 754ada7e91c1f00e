"""/api/v1/partner-applications: our editors list, read, vet and decide applications."""

from __future__ import annotations

import pytest
from django.test import Client

from amity.accounts.services import token_create
from amity.alliances.models import Alliance, Stage
from amity.partners.models_applications import ApplicationStatus, PartnerApplication
from amity.partners.services_applications import application_submit
from tests import factories as f
from tests.api.helpers import field_errors, get, post

DATA = {
    "company_name": "Brightwave Analytics GmbH",
    "website": "https://www.brightwave.example",
    "country": "DE",
    "partner_kind": "isv",
    "size": "50-249",
    "contact_first_name": "Jonas",
    "contact_last_name": "Weber",
    "contact_email": "jonas@brightwave.example",
    "proposal": "A certified connector for retail forecasting, sold together in DACH.",
}


@pytest.fixture
def api(db):
    def make(user):
        _, raw = token_create(user=user, name="test", scope="write")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def application(db, home):
    return application_submit(data=DATA, email=False)


def test_editors_list_and_read_applications(application, manager, api):
    f.OrganizationFactory(name="Brightwave Analytics", domain="brightwave.example")
    client = api(manager)
    body = get(client, "/partner-applications").json()
    assert body["count"] == 1 and body["items"][0]["company_name"] == "Brightwave Analytics GmbH"
    assert get(client, "/partner-applications", {"status": "approved"}).json()["count"] == 0
    assert get(client, "/partner-applications", {"open": "true"}).json()["count"] == 1
    detail = get(client, f"/partner-applications/{application.pk}").json()
    assert detail["status"] == "submitted"
    assert [d["organization"]["name"] for d in detail["duplicates"]] == ["Brightwave Analytics"]
    assert "same domain brightwave.example" in detail["duplicates"][0]["reasons"]


def test_others_get_403_on_the_list_and_404_on_an_application(application, executive, partner, api):
    for user in (executive, partner):
        assert get(api(user), "/partner-applications").status_code == 403
        assert get(api(user), f"/partner-applications/{application.pk}").status_code == 404
        assert post(api(user), f"/partner-applications/{application.pk}/vetting", {}).status_code == 404
    assert get(Client(), "/partner-applications").status_code == 401


def test_vet_then_approve_exactly_once(application, manager, api):
    client = api(manager)
    vetting = post(client, f"/partner-applications/{application.pk}/vetting", {"notes": "References OK"})
    assert vetting.status_code == 200 and vetting.json()["status"] == "vetting"
    assert vetting.json()["vetting_by"] == "manager1"
    approved = post(client, f"/partner-applications/{application.pk}/decision", {"decision": "approve"})
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved" and body["duplicates"] == []
    alliance = Alliance.objects.get(pk=body["alliance"]["id"])
    assert alliance.name == "Brightwave Analytics GmbH partnership"
    assert (
        alliance.stage == Stage.IDENTIFY
        and alliance.alliance_type == "development"
        and alliance.owner == manager
    )
    again = field_errors(
        post(client, f"/partner-applications/{application.pk}/decision", {"decision": "approve"})
    )
    assert "already approved" in again["status"][0]
    assert Alliance.objects.filter(name__startswith="Brightwave").count() == 1


def test_approve_linking_an_organization_you_name(application, manager, api):
    client = api(manager)
    existing = f.OrganizationFactory(name="Brightwave Analytics", domain="brightwave.example")
    post(client, f"/partner-applications/{application.pk}/vetting", {})
    body = post(
        client,
        f"/partner-applications/{application.pk}/decision",
        {"decision": "approve", "organization_id": existing.pk, "alliance_type": "channel"},
    ).json()
    assert body["organization"]["id"] == existing.pk
    assert Alliance.objects.get(pk=body["alliance"]["id"]).alliance_type == "channel"
    home = f.home_org()
    errors = field_errors(
        post(
            client,
            f"/partner-applications/{application.pk}/decision",
            {"decision": "approve", "organization_id": home.pk},
        )
    )
    assert errors  # already decided (and our own company is never the applicant)


def test_our_own_company_cannot_be_the_applicants_organization(application, manager, home, api):
    client = api(manager)
    post(client, f"/partner-applications/{application.pk}/vetting", {})
    errors = field_errors(
        post(
            client,
            f"/partner-applications/{application.pk}/decision",
            {"decision": "approve", "organization_id": home.pk},
        )
    )
    assert "organization_id" in errors
    assert PartnerApplication.objects.get().status == ApplicationStatus.VETTING


def test_rejection_needs_a_reason(application, manager, api):
    client = api(manager)
    url = f"/partner-applications/{application.pk}/decision"
    assert "__all__" in field_errors(post(client, url, {"decision": "reject"}))
    assert field_errors(post(client, url, {"decision": "maybe"}))
    rejected = post(client, url, {"decision": "reject", "reason": "Not a fit this year"})
    assert rejected.status_code == 200 and rejected.json()["rejection_reason"] == "Not a fit this year"


def test_a_stale_version_is_a_conflict(application, manager, api):
    client = api(manager)
    post(client, f"/partner-applications/{application.pk}/vetting", {})
    response = post(
        client,
        f"/partner-applications/{application.pk}/decision",
        {"decision": "reject", "reason": "x", "version": 1},
    )
    assert response.status_code == 409
