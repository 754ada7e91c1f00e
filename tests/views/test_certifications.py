"""Certification pages: the organization and contact sections, the portfolio list, and add, edit
and archive - with the visibility rule and the status badges."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from amity.partners.models import Certification, CredentialKind
from tests import factories as f

LIST = reverse("partners:certification_list")
CREATE = reverse("partners:certification_create")


def content(response) -> str:
    return response.content.decode()


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def certify(contact, course="Integration Architect", **kw) -> Certification:
    kw.setdefault("completed_on", ago(100))
    return Certification.objects.create(contact=contact, course=course, **kw)


def statuses(html: str) -> dict[str, str]:
    """{certification id: status badge} of the rows on a page."""
    rows = re.findall(r'data-certification="(\d+)".*?data-status="(\w+)"', html, flags=re.S)
    return {int(pk): status for pk, status in rows}


def form_data(contact, **overrides) -> dict[str, str]:
    data = {
        "contact": str(contact.pk),
        "kind": CredentialKind.CERTIFICATION,
        "course": "Cloud Integration Specialist",
        "issuer": "Amity Academy",
        "completed_on": ago(10).isoformat(),
        "expires_on": ahead(720).isoformat(),
        "credential_id": "CIS-0042",
    }
    data.update(overrides)
    return data


@pytest.fixture
def people(db, home, partner_org, other_partner_org):
    """Two people at Stratus (the partner user's company), one at Kestrel, one of our own staff."""
    return {
        "ada": f.ContactFactory(organization=partner_org, first_name="Ada", last_name="Lovelace"),
        "bob": f.ContactFactory(organization=partner_org, first_name="Bob", last_name="Babbage"),
        "kim": f.ContactFactory(organization=other_partner_org, first_name="Kim", last_name="Kestrel"),
        "own": f.ContactFactory(organization=home, first_name="Olga", last_name="Ourown"),
    }


@pytest.fixture
def certs(people):
    return {
        "valid": certify(people["ada"], "Architect", expires_on=ahead(365)),
        "forever": certify(people["ada"], "Foundations", expires_on=None),
        "expiring": certify(people["bob"], "Data Engineer", expires_on=ahead(30), credential_id="DE-7"),
        "expired": certify(people["bob"], "Old Track", completed_on=ago(800), expires_on=ago(1)),
        "training": certify(people["bob"], "Onboarding Day", kind=CredentialKind.TRAINING),
        "kestrel": certify(people["kim"], "Kestrel Secret Course", expires_on=ahead(365)),
    }


# --- organization and contact pages ------------------------------------------------------------


def test_organization_page_shows_each_certification_with_its_status_badge(
    client_for, manager, partner_org, certs
):
    response = client_for(manager).get(partner_org.get_absolute_url())
    html = content(response)
    assert response.status_code == 200
    assert "People &amp; certifications" in html
    assert statuses(html) == {
        certs["valid"].pk: "valid",
        certs["forever"].pk: "valid",
        certs["expiring"].pk: "expiring",
        certs["expired"].pk: "expired",
        certs["training"].pk: "training",
    }
    assert "expires within 60 days" in html
    assert "Kestrel Secret Course" not in html


def test_organization_page_counts_people_with_a_valid_certification(client_for, manager, partner_org, certs):
    html = content(client_for(manager).get(partner_org.get_absolute_url()))
    # Ada (two valid) and Bob (one expiring, still valid) out of two people; the training does not count.
    counter = re.search(r'data-testid="certified-people">(.*?)</span>', html, flags=re.S).group(1)
    assert re.sub(r"<[^>]+>", "", counter).startswith("People with a valid certification: 2 of 2")
    assert "1 expires within 60 days" in html


def test_a_person_with_only_expired_or_training_records_is_not_counted(client_for, manager, people):
    certify(people["bob"], "Old Track", completed_on=ago(800), expires_on=ago(1))
    certify(people["bob"], "Onboarding", kind=CredentialKind.TRAINING)
    html = content(client_for(manager).get(people["bob"].organization.get_absolute_url()))
    assert "People with a valid certification: <strong>0</strong> of 2" in html


def test_contact_page_shows_the_persons_certifications(client_for, manager, people, certs):
    html = content(client_for(manager).get(people["bob"].get_absolute_url()))
    assert statuses(html) == {
        certs["expiring"].pk: "expiring",
        certs["expired"].pk: "expired",
        certs["training"].pk: "training",
    }
    assert f"{CREATE}?contact={people['bob'].pk}" in html
    assert 'data-testid="edit-certification"' in html


def test_our_own_company_has_no_certification_section(client_for, manager, home, people):
    assert "People &amp; certifications" not in content(client_for(manager).get(home.get_absolute_url()))
    assert "Trainings &amp; certifications" not in content(
        client_for(manager).get(people["own"].get_absolute_url())
    )


def test_partner_sees_their_own_peoples_certifications_and_cannot_edit(
    client_for, partner, partner_org, certs
):
    html = content(client_for(partner).get(partner_org.get_absolute_url()))
    assert certs["valid"].pk in statuses(html)
    assert 'data-testid="add-certification"' not in html
    assert 'data-testid="edit-certification"' not in html
    assert 'data-testid="archive-certification"' not in html


def test_partner_sees_no_certifications_of_a_co_party(
    client_for, partner, alliance, other_partner_org, certs
):
    # Kestrel joins Stratus's alliance, so the partner sees Kestrel's page - not its people's records.
    alliance.parties.create(organization=other_partner_org, role="member")
    response = client_for(partner).get(other_partner_org.get_absolute_url())
    assert response.status_code == 200
    html = content(response)
    assert "Kestrel Secret Course" not in html
    assert "People &amp; certifications" not in html


# --- the portfolio list -------------------------------------------------------------------------


def test_list_shows_every_certification_with_filters_for_organization_kind_and_status(
    client_for, manager, partner_org, other_partner_org, certs
):
    client = client_for(manager)
    html = content(client.get(LIST))
    assert set(statuses_in_list(html)) == {c.pk for c in certs.values()}
    assert 'data-testid="certifications-tab"' in content(client.get(reverse("partners:organization_list")))

    by_org = statuses_in_list(content(client.get(LIST, {"organization": other_partner_org.pk})))
    assert set(by_org) == {certs["kestrel"].pk}
    by_kind = statuses_in_list(content(client.get(LIST, {"kind": "training"})))
    assert set(by_kind) == {certs["training"].pk}
    valid = statuses_in_list(content(client.get(LIST, {"status": "valid"})))
    assert set(valid) == {certs[k].pk for k in ("valid", "forever", "expiring", "kestrel")}
    expiring = statuses_in_list(content(client.get(LIST, {"status": "expiring"})))
    assert expiring == {certs["expiring"].pk: "expiring"}
    expired = statuses_in_list(content(client.get(LIST, {"status": "expired"})))
    assert expired == {certs["expired"].pk: "expired"}


def statuses_in_list(html: str) -> dict[int, str]:
    """{certification id: badge} of the rows of the generic list (ids from the row's actions)."""
    table = html[html.index('data-testid="object-table"') :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    found = {}
    for row in rows:
        pk = re.search(r"/certifications/(\d+)/", row)
        status = re.search(r'data-status="(\w+)"', row)
        if pk and status:
            found[int(pk.group(1))] = status.group(1)
    return found


def test_list_exports_csv(client_for, manager, certs):
    response = client_for(manager).get(LIST, {"export": "csv", "status": "expiring"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert header == "Person,Organization,Course,Kind,Issuer,Completed,Expires,Status,Credential ID"
    assert "Data Engineer" in row and "expiring" in row and row.endswith("DE-7")


def test_partner_lists_only_their_own_organizations_certifications(client_for, partner, partner_org, certs):
    html = content(client_for(partner).get(LIST))
    assert "Kestrel Secret Course" not in html
    assert "Architect" in html
    assert "New certification" not in html
    assert 'data-testid="archive-certification"' not in html
    # The organization filter offers only the partner's own company.
    assert f'<option value="{partner_org.pk}"' in html
    assert "Kestrel Test IT" not in html


def test_list_query_count_does_not_grow_with_rows(client_for, manager, people, django_assert_max_num_queries):
    client = client_for(manager)
    for i in range(3):
        certify(people["ada"], f"Course {i}")
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST).status_code == 200
    for i in range(20):
        certify(people["bob" if i % 2 else "kim"], f"More {i}", expires_on=ahead(i * 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(statuses_in_list(content(response))) == 23


def test_organization_page_query_count_does_not_grow_with_certifications(
    client_for, manager, partner_org, people, django_assert_max_num_queries
):
    client = client_for(manager)
    certify(people["ada"], "First")
    with django_assert_max_num_queries(40) as few:
        assert client.get(partner_org.get_absolute_url()).status_code == 200
    for i in range(15):
        certify(people["bob"], f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(partner_org.get_absolute_url()).status_code == 200


# --- add, edit, archive --------------------------------------------------------------------------


def test_add_form_from_a_contact_preselects_the_person_and_offers_only_partner_people(
    client_for, manager, people
):
    html = content(client_for(manager).get(CREATE, {"contact": people["ada"].pk}))
    assert f'<option value="{people["ada"].pk}" selected>' in html
    assert "New certification for Ada Lovelace" in html
    assert "Kim Kestrel (Kestrel Test IT)" in html
    assert "Olga Ourown" not in html  # our own staff are not partner people


def test_add_form_from_an_organization_offers_its_people(client_for, manager, partner_org, people):
    html = content(client_for(manager).get(CREATE, {"organization": partner_org.pk}))
    assert "Ada Lovelace" in html and "Bob Babbage" in html
    assert "Kim Kestrel" not in html


def test_manager_adds_a_certification_and_returns_to_the_person(client_for, manager, people):
    response = client_for(manager).post(f"{CREATE}?contact={people['ada'].pk}", form_data(people["ada"]))
    assert response.status_code == 302
    cert = Certification.objects.get(course="Cloud Integration Specialist")
    assert response["Location"] == people["ada"].get_absolute_url() + "#certifications"
    assert (cert.contact, cert.credential_id, cert.expires_on) == (people["ada"], "CIS-0042", ahead(720))
    assert cert.history.first().history_user == manager


def test_adding_from_the_organization_page_returns_there(client_for, admin, partner_org, people):
    back = partner_org.get_absolute_url()
    url = f"{CREATE}?organization={partner_org.pk}&next={back}"
    response = client_for(admin).post(url, form_data(people["bob"], expires_on=""))
    assert response.status_code == 302
    assert response["Location"] == back
    assert Certification.objects.get().expires_on is None


def test_expiry_before_completion_is_an_error_on_expires_on_and_writes_nothing(client_for, manager, people):
    data = form_data(people["ada"], completed_on="2025-06-01", expires_on="2025-05-31")
    response = client_for(manager).post(CREATE, data)
    assert response.status_code == 422
    html = content(response)
    assert 'data-field-error="expires_on"' in html
    assert "The expiry date is before the completion date." in html
    assert not Certification.objects.exists()


def test_a_missing_course_and_date_are_field_errors(client_for, manager, people):
    response = client_for(manager).post(CREATE, form_data(people["ada"], course="", completed_on=""))
    assert response.status_code == 422
    html = content(response)
    assert 'data-field-error="course"' in html and 'data-field-error="completed_on"' in html
    assert not Certification.objects.exists()


def test_our_own_staff_cannot_be_chosen(client_for, manager, people):
    response = client_for(manager).post(CREATE, form_data(people["own"]))
    assert response.status_code == 422
    assert 'data-field-error="contact"' in content(response)
    assert not Certification.objects.exists()


def test_manager_edits_a_certification(client_for, manager, certs):
    cert = certs["expiring"]
    url = reverse("partners:certification_edit", args=[cert.pk])
    client = client_for(manager)
    assert "Edit Data Engineer (Bob Babbage)" in content(client.get(url))
    data = form_data(
        cert.contact, course="Data Engineer", expires_on=ahead(400).isoformat(), version=cert.version
    )
    response = client.post(url, data)
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.expires_on, cert.version) == (ahead(400), 2)


def test_a_stale_edit_is_a_conflict(client_for, manager, admin, certs):
    cert = certs["valid"]
    url = reverse("partners:certification_edit", args=[cert.pk])
    assert client_for(admin).post(url, form_data(cert.contact, issuer="First", version=1)).status_code == 302
    second = client_for(manager).post(url, form_data(cert.contact, issuer="Second", version=1))
    assert second.status_code == 409
    assert 'data-testid="conflict"' in content(second)
    cert.refresh_from_db()
    assert cert.issuer == "First"


def test_manager_archives_and_restores_a_certification(client_for, manager, partner_org, certs):
    cert = certs["valid"]
    url = reverse("partners:certification_archive", args=[cert.pk])
    client = client_for(manager)
    response = client.post(f"{url}?next={partner_org.get_absolute_url()}")
    assert response.status_code == 302
    assert response["Location"] == partner_org.get_absolute_url()
    cert.refresh_from_db()
    assert cert.archived_at is not None
    assert Certification.objects.filter(pk=cert.pk).exists()  # archived, never deleted
    assert cert.pk not in statuses(content(client.get(partner_org.get_absolute_url())))
    assert cert.pk in statuses_in_list(content(client.get(LIST, {"archived": "1"})))

    client.post(url, {"restore": "1"})
    cert.refresh_from_db()
    assert cert.archived_at is None


def test_partner_cannot_add_edit_or_archive(client_for, partner, people, certs):
    client = client_for(partner)
    own, other = certs["valid"], certs["kestrel"]
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(people["ada"])).status_code == 403
    assert client.get(reverse("partners:certification_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("partners:certification_archive", args=[own.pk])).status_code == 403
    # Another company's records are not found at all.
    assert client.get(reverse("partners:certification_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("partners:certification_archive", args=[other.pk])).status_code == 404
    assert Certification.objects.count() == len(certs)
    assert not Certification.objects.filter(archived_at__isnull=False).exists()


def test_an_unsafe_next_is_ignored(client_for, manager, people):
    response = client_for(manager).post(f"{CREATE}?next=https://evil.example/", form_data(people["ada"]))
    assert response["Location"] == people["ada"].get_absolute_url() + "#certifications"
