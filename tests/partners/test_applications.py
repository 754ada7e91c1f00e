"""The become-a-partner application: the public form (CSRF, honeypot, rate limit, e-mail), and
vetting and deciding it - approval enters the company at *identify*, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from amity.alliances.models import Alliance, Stage, StageChange
from amity.partners.models import Contact, Organization
from amity.partners.models_applications import ApplicationStatus, PartnerApplication
from amity.partners.services_applications import application_submit, application_vet
from tests import factories as f

APPLY = "/become-a-partner/"
FORM = {
    "company_name": "Brightwave Analytics GmbH",
    "website": "https://www.brightwave.example",
    "country": "de",
    "partner_kind": "isv",
    "size": "50-249",
    "contact_first_name": "Jonas",
    "contact_last_name": "Weber",
    "contact_email": "jonas@brightwave.example",
    "contact_title": "Head of Partnerships",
    "proposal": "A certified connector for retail forecasting, sold together in DACH.",
    "capabilities": "Forecasting\nSAP connector",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def application(db, home):
    data = {k: v for k, v in FORM.items() if k != "consent"}
    return application_submit(data=data, email=False)


@pytest.fixture
def vetted(application, manager):
    return application_vet(application=application, user=manager)


# --- the public form -------------------------------------------------------------------------------


def test_anyone_sees_the_form_without_signing_in(db, home):
    response = Client().get(APPLY)
    assert response.status_code == 200
    assert b'data-testid="apply-form"' in response.content
    assert b"csrfmiddlewaretoken" in response.content
    assert b"Halcyon Test" in response.content


def test_a_valid_application_is_stored_and_confirmed_by_e_mail(db, home, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="198.51.100.7").post(APPLY, FORM)
    assert response.status_code == 302 and response["Location"] == "/become-a-partner/thanks/"
    application = PartnerApplication.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.country == "DE" and application.submitted_from == "198.51.100.7"
    assert [m.to for m in mail.outbox] == [["jonas@brightwave.example"]]
    assert "Brightwave Analytics GmbH" in mail.outbox[0].body
    assert not Organization.objects.filter(name__icontains="Brightwave").exists()


def test_the_honeypot_catches_robots_silently(db, home, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(APPLY, {**FORM, "company_fax": "+49 30 123456"})
    assert response.status_code == 302  # the robot is told nothing
    assert not PartnerApplication.objects.exists()
    assert mail.outbox == []


def test_an_incomplete_application_names_its_fields_and_stores_nothing(db, home):
    response = Client().post(APPLY, {**FORM, "contact_email": "not-an-address", "website": "", "consent": ""})
    assert response.status_code == 422
    for name in ("contact_email", "website", "consent"):
        assert f'data-field-error="{name}"'.encode() in response.content
    assert not PartnerApplication.objects.exists()


def test_a_bad_country_code_is_a_field_error(db, home):
    response = Client().post(APPLY, {**FORM, "country": "1x"})
    assert response.status_code == 422 and b'data-field-error="country"' in response.content


def test_csrf_protects_the_form(db, home):
    response = Client(enforce_csrf_checks=True).post(APPLY, FORM)
    assert response.status_code == 403
    assert not PartnerApplication.objects.exists()


def test_the_rate_limit_answers_429_after_five_an_hour_from_one_address(db, home):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for i in range(5):
        assert client.post(APPLY, {**FORM, "company_name": f"Company {i}"}).status_code == 302
    refused = client.post(APPLY, {**FORM, "company_name": "Company 6"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert b'data-testid="rate-limited"' in refused.content
    assert PartnerApplication.objects.count() == 5
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.6").post(APPLY, FORM).status_code == 302


def test_the_limit_holds_across_server_processes(db, home):
    """The count is the applications stored from the address, not a per-process cache: another
    process (here, an emptied cache) refuses the sixth as well; an hour later the address may
    apply again."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(5):
        assert client.post(APPLY, {**FORM, "company_name": f"Company {i}"}).status_code == 302
    cache.clear()
    assert client.post(APPLY, FORM).status_code == 429
    PartnerApplication.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post(APPLY, FORM).status_code == 302


def test_the_limit_follows_the_setting(db, home, settings):
    settings.AMITY_APPLICATIONS_PER_HOUR = 1
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.post(APPLY, FORM).status_code == 302
    assert client.post(APPLY, FORM).status_code == 429


def test_the_thanks_page_is_public(db, home):
    assert Client().get("/become-a-partner/thanks/").status_code == 200


# --- our editors' inbox ----------------------------------------------------------------------------


def test_only_editors_see_the_applications(application, manager, executive, partner, client_for):
    assert client_for(manager).get("/partners/applications/").status_code == 200
    assert b"Brightwave Analytics GmbH" in client_for(manager).get("/partners/applications/").content
    assert client_for(executive).get("/partners/applications/").status_code == 403
    assert client_for(partner).get("/partners/applications/").status_code == 403
    assert client_for(partner).get(application.get_absolute_url()).status_code == 404
    assert client_for(executive).get(application.get_absolute_url()).status_code == 404
    assert Client().get("/partners/applications/").status_code == 302  # to the sign-in page


def test_vetting_shows_organizations_it_may_duplicate(application, manager, client_for):
    f.OrganizationFactory(name="Brightwave Analytics", domain="brightwave.example")
    f.OrganizationFactory(name="Unrelated Co", domain="unrelated.example")
    client = client_for(manager)
    assert (
        client.post(
            f"/partners/applications/{application.pk}/vet/", {"notes": "Checked references"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.VETTING and application.vetting_by == manager
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-testid="duplicate"' in page and "Brightwave Analytics" in page
    assert "same domain brightwave.example" in page and "Unrelated Co" not in page


def test_approval_creates_organization_contact_and_alliance_in_identify_exactly_once(
    vetted, manager, client_for, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    url = f"/partners/applications/{vetted.pk}/approve/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"organization": "", "alliance_name": "Brightwave retail", "alliance_type": "development"}
        )
    vetted.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == vetted.alliance.get_absolute_url()
    assert vetted.status == ApplicationStatus.APPROVED and vetted.decided_by == manager
    org = Organization.objects.get(name="Brightwave Analytics GmbH")
    assert (org.domain, org.country, org.partner_kind) == ("brightwave.example", "DE", "isv")
    contact = Contact.objects.get(organization=org)
    assert (contact.first_name, contact.email) == ("Jonas", "jonas@brightwave.example")
    alliance = Alliance.objects.get(name="Brightwave retail")
    assert alliance.stage == Stage.IDENTIFY and alliance.owner == manager
    assert alliance.parties.filter(organization=org).exists()
    assert StageChange.objects.filter(alliance=alliance, to_stage=Stage.IDENTIFY).count() == 1
    assert (vetted.organization, vetted.contact, vetted.alliance) == (org, contact, alliance)
    assert [m.to for m in mail.outbox] == [["jonas@brightwave.example"]]
    # Approving twice is an error and writes nothing.
    again = client.post(
        url, {"organization": "", "alliance_name": "Brightwave again", "alliance_type": "development"}
    )
    assert again.status_code == 422 and b"already approved" in again.content
    assert Alliance.objects.filter(name__startswith="Brightwave").count() == 1
    assert Organization.objects.filter(name__startswith="Brightwave").count() == 1


def test_approving_twice_through_the_service_is_refused(vetted, manager):
    from django.core.exceptions import ValidationError

    from amity.partners.services_applications import application_approve

    application_approve(application=vetted, user=manager, email=False)
    with pytest.raises(ValidationError, match="already approved"):
        application_approve(application=vetted, user=manager, alliance_name="Other name", email=False)
    assert Alliance.objects.filter(name__icontains="Brightwave").count() == 1


def test_approval_can_link_an_existing_organization(vetted, manager, client_for):
    existing = f.OrganizationFactory(name="Brightwave Analytics", domain="brightwave.example")
    client_for(manager).post(
        f"/partners/applications/{vetted.pk}/approve/",
        {"organization": existing.pk, "alliance_name": "Brightwave", "alliance_type": "development"},
    )
    vetted.refresh_from_db()
    assert vetted.organization == existing
    assert not Organization.objects.filter(name="Brightwave Analytics GmbH").exists()


def test_a_failed_approval_writes_nothing_and_names_the_field(vetted, manager, client_for, alliance):
    before = (Organization.objects.count(), Contact.objects.count(), Alliance.objects.count())
    response = client_for(manager).post(
        f"/partners/applications/{vetted.pk}/approve/",
        {"organization": "", "alliance_name": alliance.name, "alliance_type": "development"},
    )
    assert response.status_code == 422
    assert b'data-field-error="alliance_name"' in response.content
    assert (Organization.objects.count(), Contact.objects.count(), Alliance.objects.count()) == before
    vetted.refresh_from_db()
    assert vetted.status == ApplicationStatus.VETTING


def test_a_name_taken_by_another_organization_asks_to_link_it(vetted, manager, client_for):
    f.OrganizationFactory(name="Brightwave Analytics GmbH", domain="other.example")
    response = client_for(manager).post(
        f"/partners/applications/{vetted.pk}/approve/",
        {"organization": "", "alliance_name": "Brightwave", "alliance_type": "development"},
    )
    assert response.status_code == 422 and b'data-field-error="organization"' in response.content
    assert not Alliance.objects.filter(name="Brightwave").exists()


def test_approval_needs_vetting_first(application, manager, client_for):
    response = client_for(manager).post(
        f"/partners/applications/{application.pk}/approve/",
        {"organization": "", "alliance_name": "Brightwave", "alliance_type": "development"},
    )
    assert response.status_code == 422 and b"Start vetting" in response.content
    assert not Alliance.objects.filter(name="Brightwave").exists()


def test_rejection_needs_a_reason(application, manager, client_for, django_capture_on_commit_callbacks):
    client = client_for(manager)
    url = f"/partners/applications/{application.pk}/reject/"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 422 and b'data-field-error="reason"' in response.content
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(url, {"reason": "Competes with our biggest partner", "tell_reason": ""}).status_code
            == 302
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.rejection_reason == "Competes with our biggest partner"
    assert len(mail.outbox) == 1 and "Competes" not in mail.outbox[0].body  # the reason stays ours


def test_a_partner_cannot_decide(vetted, partner, client_for):
    url = f"/partners/applications/{vetted.pk}/approve/"
    assert client_for(partner).post(url, {"alliance_name": "x", "alliance_type": "gtm"}).status_code == 404
