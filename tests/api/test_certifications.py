"""Certifications through the API: CRUD, filters, validation, the version check and visibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.partners.models import Certification, CredentialKind
from tests import factories as f

from .helpers import API, delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db


def ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def certify(contact, course="Integration Architect", **kw) -> Certification:
    kw.setdefault("completed_on", ahead(-100))
    return Certification.objects.create(contact=contact, course=course, **kw)


@pytest.fixture
def ada(partner_org):
    return f.ContactFactory(organization=partner_org, first_name="Ada", last_name="Lovelace")


@pytest.fixture
def kim(other_partner_org):
    return f.ContactFactory(organization=other_partner_org, first_name="Kim", last_name="Kestrel")


def body(contact, **overrides) -> dict:
    data = {
        "contact_id": contact.pk,
        "course": "Cloud Integration Specialist",
        "issuer": "Amity Academy",
        "completed_on": "2025-03-01",
        "expires_on": "2027-03-01",
        "credential_id": "CIS-0042",
    }
    data.update(overrides)
    return data


# --- create -------------------------------------------------------------------------------------


def test_manager_records_a_certification(api_for, manager, partner_org, ada):
    response = post(api_for(manager), "/certifications", body(ada))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["contact"] == {
        "id": ada.pk,
        "full_name": "Ada Lovelace",
        "organization": {"id": partner_org.pk, "name": partner_org.name},
    }
    assert (out["kind"], out["completed_on"], out["expires_on"]) == (
        "certification",
        "2025-03-01",
        "2027-03-01",
    )
    assert out["version"] == 1 and out["archived"] is False
    cert = Certification.objects.get(pk=out["id"])
    assert cert.history.first().history_user == manager


def test_a_training_without_expiry_is_recorded_as_training(api_for, admin, ada):
    response = post(api_for(admin), "/certifications", body(ada, kind="training", expires_on=None))
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["expires_on"]) == ("training", None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"completed_on": "2025-06-01", "expires_on": "2025-05-31"}, "expires_on"),
        ({"completed_on": "2025-02-30"}, "completed_on"),
        ({"completed_on": None}, "completed_on"),
        ({"course": ""}, "course"),
        ({"course": "x" * 201}, "course"),
        ({"kind": "diploma"}, "kind"),
        ({"contact_id": 999999}, "contact_id"),
        ({"contact_id": "x"}, "contact_id"),
        ({"credential_id": "a\x00b"}, "credential_id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api_for, manager, ada, overrides, field):
    errors = field_errors(post(api_for(manager), "/certifications", body(ada, **overrides)))
    assert field in errors, errors
    assert not Certification.objects.exists()


def test_expiry_before_completion_says_so(api_for, manager, ada):
    data = body(ada, completed_on="2025-06-01", expires_on="2025-05-31")
    errors = field_errors(post(api_for(manager), "/certifications", data))
    assert errors == {"expires_on": ["The expiry date is before the completion date."]}


def test_our_own_staff_are_not_partner_people(api_for, manager, home):
    own = f.ContactFactory(organization=home)
    errors = field_errors(post(api_for(manager), "/certifications", body(own)))
    assert "our own company" in errors["contact_id"][0]
    assert not Certification.objects.exists()


def test_an_archived_person_gets_no_new_certifications(api_for, manager, ada):
    ada.archived_at = timezone.now()
    ada.save()
    errors = field_errors(post(api_for(manager), "/certifications", body(ada)))
    assert "archived" in errors["contact_id"][0]


# --- read ---------------------------------------------------------------------------------------


def test_get_one_with_its_status_today(api_for, executive, ada):
    expiring = certify(ada, expires_on=ahead(30))
    response = get(api_for(executive), f"/certifications/{expiring.pk}")
    assert response.status_code == 200
    out = response.json()
    assert (out["status"], out["status_label"]) == ("expiring", "Expires within 60 days")
    assert out["kind_label"] == "Certification"


def test_list_filters_by_organization_contact_kind_and_valid_on(
    api_for, manager, ada, kim, other_partner_org
):
    old = certify(ada, "Old", completed_on=date(2020, 1, 1), expires_on=date(2022, 1, 1))
    current = certify(ada, "Current", completed_on=date(2023, 1, 1), expires_on=None)
    training = certify(ada, "Onboarding", kind=CredentialKind.TRAINING, completed_on=date(2021, 5, 1))
    theirs = certify(kim, "Kestrel course", completed_on=date(2021, 1, 1), expires_on=date(2030, 1, 1))
    client = api_for(manager)
    assert ids(get(client, "/certifications")) == {old.pk, current.pk, training.pk, theirs.pk}
    assert ids(get(client, "/certifications", {"organization_id": other_partner_org.pk})) == {theirs.pk}
    assert ids(get(client, "/certifications", {"contact_id": ada.pk})) == {old.pk, current.pk, training.pk}
    assert ids(get(client, "/certifications", {"kind": "training"})) == {training.pk}
    assert ids(get(client, "/certifications", {"valid_on": "2021-06-01"})) == {old.pk, training.pk, theirs.pk}
    assert ids(get(client, "/certifications", {"valid_on": "2022-01-01", "kind": "certification"})) == {
        old.pk,
        theirs.pk,
    }
    assert ids(get(client, "/certifications", {"valid_on": "2024-01-01"})) == {
        current.pk,
        training.pk,
        theirs.pk,
    }
    assert ids(get(client, "/certifications", {"status": "expired"})) == {old.pk}
    assert "valid_on" in field_errors(get(client, "/certifications", {"valid_on": "2021-02-30"}))


def test_list_is_paginated(api_for, manager, ada):
    for i in range(3):
        certify(ada, f"Course {i}")
    response = get(api_for(manager), "/certifications", {"limit": 2})
    assert response.json()["count"] == 3
    assert len(response.json()["items"]) == 2


def test_list_queries_do_not_grow_with_rows(api_for, manager, ada, kim, django_assert_max_num_queries):
    client = api_for(manager)
    client.get(f"{API}/me")  # the token's first use records last_used_at once
    for i in range(5):
        certify(ada, f"Course {i}")
    with CaptureQueriesContext(connection) as five:
        assert get(client, "/certifications").status_code == 200
    for i in range(25):
        certify(kim if i % 2 else ada, f"More {i}", expires_on=ahead(i))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = get(client, "/certifications")
    assert len(response.json()["items"]) == 30


# --- update, archive, restore -------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent_and_checks_the_version(api_for, manager, admin, ada):
    cert = certify(ada, expires_on=ahead(300))
    response = patch(api_for(manager), f"/certifications/{cert.pk}", {"issuer": "Body", "version": 1})
    assert response.status_code == 200, response.content
    assert (response.json()["issuer"], response.json()["version"]) == ("Body", 2)
    assert response.json()["course"] == "Integration Architect"

    stale = patch(api_for(admin), f"/certifications/{cert.pk}", {"issuer": "Other", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    cert.refresh_from_db()
    assert cert.issuer == "Body"


def test_patch_with_an_expiry_before_completion_names_expires_on(api_for, manager, ada):
    cert = certify(ada, completed_on=date(2025, 6, 1))
    errors = field_errors(patch(api_for(manager), f"/certifications/{cert.pk}", {"expires_on": "2025-01-01"}))
    assert "expires_on" in errors
    cert.refresh_from_db()
    assert cert.expires_on is None and cert.version == 1


def test_patch_moves_a_certification_to_another_person(api_for, manager, ada, kim):
    cert = certify(ada)
    response = patch(api_for(manager), f"/certifications/{cert.pk}", {"contact_id": kim.pk})
    assert response.status_code == 200
    assert response.json()["contact"]["id"] == kim.pk


def test_delete_archives_and_restore_brings_it_back(api_for, manager, ada):
    cert = certify(ada)
    client = api_for(manager)
    assert delete(client, f"/certifications/{cert.pk}").status_code == 204
    cert.refresh_from_db()
    assert cert.archived_at is not None
    assert cert.pk not in ids(get(client, "/certifications"))
    assert cert.pk in ids(get(client, "/certifications", {"include_archived": "true"}))
    restored = post(client, f"/certifications/{cert.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["archived"] is False


# --- who may do what ----------------------------------------------------------------------------


def test_partner_reads_only_their_own_peoples_certifications(api_for, partner, ada, kim):
    mine, theirs = certify(ada), certify(kim)
    client = api_for(partner)
    assert ids(get(client, "/certifications")) == {mine.pk}
    assert get(client, f"/certifications/{mine.pk}").status_code == 200
    assert get(client, f"/certifications/{theirs.pk}").status_code == 404


def test_partner_writes_nothing(api_for, partner, ada, kim):
    mine, theirs = certify(ada), certify(kim)
    client = api_for(partner)
    assert post(client, "/certifications", body(ada)).status_code == 403
    assert post(client, "/certifications", body(kim)).status_code == 403
    assert patch(client, f"/certifications/{mine.pk}", {"issuer": "X"}).status_code == 403
    assert delete(client, f"/certifications/{mine.pk}").status_code == 403
    assert post(client, f"/certifications/{mine.pk}/restore").status_code == 403
    assert patch(client, f"/certifications/{theirs.pk}", {"issuer": "X"}).status_code == 404
    assert delete(client, f"/certifications/{theirs.pk}").status_code == 404
    assert Certification.objects.count() == 2
    assert set(Certification.objects.values_list("issuer", "archived_at")) == {("", None)}


def test_executive_reads_but_writes_nothing(api_for, executive, ada):
    cert = certify(ada)
    client = api_for(executive)
    assert get(client, f"/certifications/{cert.pk}").status_code == 200
    assert post(client, "/certifications", body(ada)).status_code == 403
    assert patch(client, f"/certifications/{cert.pk}", {"issuer": "X"}).status_code == 403


def test_anonymous_is_401(ada):
    from django.test import Client

    assert Client().get(f"{API}/certifications").status_code == 401


def test_absurd_ids_are_not_found(api_for, manager):
    assert get(api_for(manager), f"/certifications/{2**70}").status_code == 404
