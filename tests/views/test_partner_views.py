"""Organization and contact pages: lists, detail, edit, archive and the visibility rule."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amity.partners.models import CompanySize, Contact, Organization, PartnerKind
from tests import factories as f

ORG_LIST = reverse("partners:organization_list")
ORG_CREATE = reverse("partners:organization_create")
CONTACT_LIST = reverse("partners:contact_list")
CONTACT_CREATE = reverse("partners:contact_create")


def content(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def org_detail(org: Organization) -> str:
    return reverse("partners:organization_detail", args=[org.pk])


def org_form_data(**overrides) -> dict[str, str]:
    data = {
        "name": "Norte Sistemas",
        "partner_kind": PartnerKind.VAR,
        "website": "https://norte.example",
        "domain": "norte.example",
        "country": "es",
        "industry": "IT services",
        "size": CompanySize.MEDIUM,
        "description": "Spanish reseller.",
        "capabilities": "Implementation\nSupport",
        "strengths": "Public sector accounts",
        "weaknesses": "No cloud practice",
    }
    data.update(overrides)
    return data


@pytest.fixture
def orgs(db, home, partner_org, other_partner_org):
    partner_org.partner_kind = PartnerKind.TECHNOLOGY
    partner_org.country = "US"
    partner_org.industry = "Cloud"
    partner_org.save()
    other_partner_org.partner_kind = PartnerKind.VAR
    other_partner_org.country = "DE"
    other_partner_org.industry = "IT services"
    other_partner_org.save()
    f.AllianceFactory(name="Stratus Co-sell", partner=partner_org)
    f.AllianceFactory(name="Stratus Marketplace", partner=partner_org)
    f.AllianceFactory(name="Kestrel Resale", partner=other_partner_org)
    return {"home": home, "stratus": partner_org, "kestrel": other_partner_org}


# --- list -----------------------------------------------------------------------------------


def test_manager_sees_every_organization_with_alliance_counts(client_for, manager, orgs):
    response = client_for(manager).get(ORG_LIST)
    assert response.status_code == 200
    html = content(response)
    for org in orgs.values():
        assert org.name in html
    assert 'data-testid="result-count">1–3 of 3<' in html
    assert "our company" in html


def test_organization_list_filters_by_kind_country_industry_and_search(client_for, manager, orgs):
    client = client_for(manager)
    html = content(client.get(ORG_LIST, {"partner_kind": PartnerKind.VAR}))
    assert orgs["kestrel"].name in html and orgs["stratus"].name not in html
    html = content(client.get(ORG_LIST, {"country": "US"}))
    assert orgs["stratus"].name in html and orgs["kestrel"].name not in html
    html = content(client.get(ORG_LIST, {"industry": "IT services"}))
    assert orgs["kestrel"].name in html and orgs["stratus"].name not in html
    html = content(client.get(ORG_LIST, {"q": orgs["stratus"].domain.upper()}))
    assert orgs["stratus"].name in html and orgs["kestrel"].name not in html


def test_organization_list_sorts_by_active_alliances(client_for, manager, orgs):
    html = content(client_for(manager).get(ORG_LIST, {"sort": "-active_alliances"}))
    # Our company is in all three alliances, Stratus in two, Kestrel in one.
    table = html[html.index('data-testid="object-table"') :]
    positions = [table.index(orgs[k].name) for k in ("home", "stratus", "kestrel")]
    assert positions == sorted(positions)


def test_organization_list_htmx_request_returns_just_the_table(client_for, manager, orgs):
    response = client_for(manager).get(ORG_LIST, {"q": "Kestrel"}, HTTP_HX_REQUEST="true")
    html = content(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert orgs["kestrel"].name in html


def test_organization_list_exports_csv_with_counts(client_for, executive, orgs):
    response = client_for(executive).get(ORG_LIST, {"export": "csv", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Kind", "Country", "Industry", "Size", "Active alliances", "Domain"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[orgs["stratus"].name][5] == "2"
    assert by_name[orgs["kestrel"].name][1] == "VAR (value-added reseller)"
    assert by_name[orgs["home"].name][5] == "3"


def test_partner_user_lists_only_visible_organizations(client_for, partner, orgs):
    html = content(client_for(partner).get(ORG_LIST))
    assert orgs["stratus"].name in html
    assert orgs["home"].name in html
    assert orgs["kestrel"].name not in html
    # Country and industry choices come only from organizations the partner can see.
    assert '<option value="DE"' not in html
    assert "IT services" not in html


def test_partner_user_sees_only_their_shared_alliances_counted(client_for, partner, orgs):
    rows = csv_rows(client_for(partner).get(ORG_LIST, {"export": "csv"}))
    by_name = {r[0]: r for r in rows[1:]}
    # Our company has three alliances; the partner shares two of them.
    assert by_name[orgs["home"].name][5] == "2"
    assert orgs["kestrel"].name not in by_name


def test_contact_list_filters_and_exports(client_for, manager, orgs):
    f.ContactFactory(
        organization=orgs["stratus"], first_name="Priya", last_name="Raman", title="Alliance lead"
    )
    f.ContactFactory(organization=orgs["kestrel"], first_name="Lena", last_name="Vogel")
    client = client_for(manager)
    html = content(client.get(CONTACT_LIST, {"organization": orgs["kestrel"].pk}))
    assert "Lena Vogel" in html and "Priya Raman" not in html
    html = content(client.get(CONTACT_LIST, {"q": "priya raman"}))
    assert "Priya Raman" in html and "Lena Vogel" not in html
    rows = csv_rows(client.get(CONTACT_LIST, {"export": "csv"}))
    assert rows[0][:3] == ["Name", "Organization", "Title"]
    assert {r[0] for r in rows[1:]} == {"Priya Raman", "Lena Vogel"}


# --- detail and visibility ------------------------------------------------------------------


def test_manager_sees_organization_profile_alliances_contacts_and_history(client_for, manager, orgs):
    stratus = orgs["stratus"]
    stratus.capabilities = "Marketplace\n- Global regions"
    stratus.strengths = "Scale"
    stratus.weaknesses = "Slow procurement"
    stratus.save()
    f.ContactFactory(organization=stratus, first_name="Priya", last_name="Raman")
    response = client_for(manager).get(org_detail(stratus))
    assert response.status_code == 200
    html = content(response)
    assert "Stratus Co-sell" in html and "Stratus Marketplace" in html
    assert "Kestrel Resale" not in html
    assert "<li>Global regions</li>" in html
    assert "<li>Slow procurement</li>" in html
    assert "Priya Raman" in html
    assert 'data-testid="timeline"' in html
    assert 'data-testid="edit"' in html


def test_partner_sees_own_and_home_organization_but_not_an_unrelated_partner(client_for, partner, orgs):
    client = client_for(partner)
    own = client.get(org_detail(orgs["stratus"]))
    assert own.status_code == 200
    assert 'data-testid="edit"' not in content(own)
    assert 'data-testid="timeline"' not in content(own)
    home = client.get(org_detail(orgs["home"]))
    assert home.status_code == 200
    assert "Kestrel Resale" not in content(home)
    assert "badge-class-" not in content(home)
    assert client.get(org_detail(orgs["kestrel"])).status_code == 404


def test_partner_gets_404_on_unrelated_contacts(client_for, partner, orgs):
    theirs = f.ContactFactory(organization=orgs["kestrel"])
    mine = f.ContactFactory(organization=orgs["stratus"])
    client = client_for(partner)
    assert client.get(reverse("partners:contact_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("partners:contact_detail", args=[mine.pk])).status_code == 200
    html = content(client.get(CONTACT_LIST))
    assert str(theirs) not in html and str(mine) in html


def test_partner_sees_co_parties_of_their_alliances(client_for, partner, orgs):
    member = f.OrganizationFactory(name="Quantia ML")
    alliance = f.AllianceFactory(name="Open Health Consortium", partner=orgs["stratus"])
    from amity.alliances.models import AllianceParty

    AllianceParty.objects.create(alliance=alliance, organization=member, role="member")
    assert client_for(partner).get(org_detail(member)).status_code == 200


def test_missing_organization_is_404(client_for, manager, db):
    assert client_for(manager).get(reverse("partners:organization_detail", args=[999999])).status_code == 404


# --- create and edit ------------------------------------------------------------------------


def test_manager_creates_an_organization(client_for, manager, home):
    response = client_for(manager).post(ORG_CREATE, org_form_data())
    org = Organization.objects.get(name="Norte Sistemas")
    assert response.status_code == 302
    assert response["Location"] == org_detail(org)
    assert org.country == "ES"
    assert org.is_home is False
    assert org.capability_list == ["Implementation", "Support"]
    assert org.history.first().history_user == manager


def test_create_with_a_bad_country_code_shows_the_error_on_country(client_for, manager, home):
    response = client_for(manager).post(ORG_CREATE, org_form_data(country="1X"))
    assert response.status_code == 422
    html = content(response)
    assert 'data-field-error="country"' in html
    assert "two-letter ISO country code" in html
    assert not Organization.objects.filter(name="Norte Sistemas").exists()


def test_create_with_a_duplicate_name_shows_the_error_on_name(client_for, manager, orgs):
    response = client_for(manager).post(ORG_CREATE, org_form_data(name=orgs["kestrel"].name))
    assert response.status_code == 422
    assert 'data-field-error="name"' in content(response)
    assert Organization.objects.filter(name=orgs["kestrel"].name).count() == 1


def test_the_form_cannot_make_an_organization_our_company(client_for, manager, home):
    client_for(manager).post(ORG_CREATE, org_form_data(is_home="on"))
    assert Organization.objects.get(name="Norte Sistemas").is_home is False
    form_html = content(client_for(manager).get(ORG_CREATE))
    assert "is_home" not in form_html


def test_manager_edits_an_organization(client_for, manager, orgs):
    kestrel = orgs["kestrel"]
    url = reverse("partners:organization_edit", args=[kestrel.pk])
    data = org_form_data(name=kestrel.name, country="de", industry="Distribution", version=kestrel.version)
    response = client_for(manager).post(url, data)
    assert response.status_code == 302
    kestrel.refresh_from_db()
    assert kestrel.industry == "Distribution"
    assert kestrel.version == 2


def test_stale_edit_is_a_conflict_and_overwrites_nothing(client_for, manager, admin, orgs):
    kestrel = orgs["kestrel"]
    url = reverse("partners:organization_edit", args=[kestrel.pk])
    loaded_version = kestrel.version
    first = client_for(admin).post(
        url, org_form_data(name=kestrel.name, industry="First", version=loaded_version)
    )
    assert first.status_code == 302
    second = client_for(manager).post(
        url, org_form_data(name=kestrel.name, industry="Second", version=loaded_version)
    )
    assert second.status_code == 409
    page = content(second)
    assert 'data-testid="conflict"' in page
    kestrel.refresh_from_db()
    assert kestrel.industry == "First"
    # Both versions, field by field, with the saved one ready to take over (merge).
    assert 'data-testid="conflict-merge"' in page
    row = page[page.index('<tr data-field="industry">') :].split("</tr>")[0]
    assert "First" in row and "Second" in row and 'data-merge-value="First"' in row
    assert f'name="version" value="{kestrel.version}"' in page  # saving again applies on top
    third = client_for(manager).post(
        url, org_form_data(name=kestrel.name, industry="Second", version=kestrel.version)
    )
    assert third.status_code == 302


@pytest.mark.parametrize("method", ["get", "post"])
def test_executive_may_not_create_or_edit(client_for, executive, orgs, method):
    client = client_for(executive)
    edit = reverse("partners:organization_edit", args=[orgs["kestrel"].pk])
    assert getattr(client, method)(ORG_CREATE, org_form_data()).status_code == 403
    assert getattr(client, method)(edit, org_form_data(name="Renamed")).status_code == 403
    assert not Organization.objects.filter(name__in=["Norte Sistemas", "Renamed"]).exists()


def test_partner_may_not_edit_own_organization_and_gets_404_for_others(client_for, partner, orgs):
    client = client_for(partner)
    assert client.get(reverse("partners:organization_edit", args=[orgs["stratus"].pk])).status_code == 403
    assert client.get(reverse("partners:organization_edit", args=[orgs["kestrel"].pk])).status_code == 404


def test_contact_create_prefills_the_organization(client_for, manager, orgs):
    client = client_for(manager)
    page = client.get(CONTACT_CREATE, {"organization": orgs["stratus"].pk})
    html = content(page)
    assert f'<option value="{orgs["stratus"].pk}" selected>' in html
    assert f"New contact at {orgs['stratus'].name}" in html
    response = client.post(
        CONTACT_CREATE,
        {
            "organization": orgs["stratus"].pk,
            "first_name": "Priya",
            "last_name": "Raman",
            "function": "alliances",
            "email": "priya@stratus.example",
        },
    )
    contact = Contact.objects.get(last_name="Raman")
    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url()


def test_contact_create_with_a_bad_email_shows_the_error(client_for, manager, orgs):
    response = client_for(manager).post(
        CONTACT_CREATE,
        {
            "organization": orgs["stratus"].pk,
            "first_name": "A",
            "last_name": "B",
            "function": "other",
            "email": "x",
        },
    )
    assert response.status_code == 422
    assert 'data-field-error="email"' in content(response)


def test_contact_stale_edit_is_a_conflict(client_for, manager, orgs):
    contact = f.ContactFactory(organization=orgs["stratus"])
    url = reverse("partners:contact_edit", args=[contact.pk])
    data = {
        "organization": orgs["stratus"].pk,
        "first_name": "New",
        "last_name": contact.last_name,
        "function": "other",
        "version": contact.version,
    }
    assert client_for(manager).post(url, data).status_code == 302
    assert client_for(manager).post(url, {**data, "first_name": "Newer"}).status_code == 409
    contact.refresh_from_db()
    assert contact.first_name == "New"


# --- archive --------------------------------------------------------------------------------


def test_archive_and_restore_an_organization(client_for, manager, orgs):
    kestrel = orgs["kestrel"]
    client = client_for(manager)
    url = reverse("partners:organization_archive", args=[kestrel.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == ORG_LIST
    kestrel.refresh_from_db()
    assert kestrel.archived_at is not None
    client.get(ORG_LIST)  # consumes the "Archived …" message
    assert kestrel.name not in content(client.get(ORG_LIST))
    assert kestrel.name in content(client.get(ORG_LIST, {"archived": "1"}))
    assert 'data-testid="restore"' in content(client.get(org_detail(kestrel)))
    response = client.post(url, {"restore": "1"})
    assert response.status_code == 302
    kestrel.refresh_from_db()
    assert kestrel.archived_at is None


def test_archive_a_contact_returns_to_its_organization(client_for, manager, orgs):
    contact = f.ContactFactory(organization=orgs["stratus"])
    response = client_for(manager).post(reverse("partners:contact_archive", args=[contact.pk]))
    assert response["Location"] == org_detail(orgs["stratus"])
    contact.refresh_from_db()
    assert contact.archived_at is not None


def test_archive_needs_post_and_permission(client_for, executive, partner, orgs):
    url = reverse("partners:organization_archive", args=[orgs["kestrel"].pk])
    assert client_for(executive).get(url).status_code == 405
    assert client_for(executive).post(url).status_code == 403
    assert client_for(partner).post(url).status_code == 404
    orgs["kestrel"].refresh_from_db()
    assert orgs["kestrel"].archived_at is None


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def _grow(n: int, start: int) -> None:
    for i in range(start, start + n):
        org = f.OrganizationFactory(name=f"Grown {i}", country="FR", industry=f"Industry {i}")
        f.AllianceFactory(name=f"Grown alliance {i}", partner=org)
        f.ContactFactory(organization=org)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (ORG_LIST, {"per_page": "100"}),
        (ORG_LIST, {"export": "csv"}),
        (ORG_LIST, {"sort": "-active_alliances", "country": "FR"}),
        (CONTACT_LIST, {"per_page": "100"}),
        (CONTACT_LIST, {"export": "csv"}),
    ],
)
def test_partner_lists_use_constant_queries(client_for, manager, home, url, params):
    client = client_for(manager)
    _grow(5, 0)
    few = _queries(client, url, params)
    _grow(20, 100)
    many = _queries(client, url, params)
    assert many == few, f"{url}: {few} queries for 5 rows, {many} for 25"


def test_organization_detail_uses_constant_queries(client_for, manager, orgs):
    stratus = orgs["stratus"]
    client = client_for(manager)
    few = _queries(client, org_detail(stratus))
    for i in range(20):
        f.AllianceFactory(name=f"More {i}", partner=stratus)
        f.ContactFactory(organization=stratus)
    assert _queries(client, org_detail(stratus)) == few


def test_our_own_company_cannot_be_archived(client_for, admin, home):
    response = client_for(admin).post(f"/partners/{home.pk}/archive/", follow=True)
    assert response.status_code == 200
    assert "Our own company cannot be archived." in response.content.decode()
    home.refresh_from_db()
    assert home.archived_at is None


def test_a_long_list_counts_up_to_the_cap_and_says_more(client_for, manager, orgs, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amity.core import views

    client = client_for(manager)
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    with CaptureQueriesContext(connection) as ctx:
        html = content(client.get(ORG_LIST, {"per_page": 1}))
    assert 'data-testid="result-count">1–1 of more than 2; filter to narrow the list<' in html
    assert "Page 1 of 3+" in html
    # One count of the list, of at most cap + 1 primary keys.
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == 1 and '"partners_organization"."id"' in counts[0] and "LIMIT 3" in counts[0]
    # The last page within the cap answers; a filter under the cap shows the exact count.
    assert 'data-testid="result-count">3–3 of more than 2' in content(
        client.get(ORG_LIST, {"per_page": 1, "page": 9})
    )
    html = content(client.get(ORG_LIST, {"partner_kind": PartnerKind.VAR, "per_page": 1}))
    assert 'data-testid="result-count">1–1 of 1<' in html
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    assert 'data-testid="result-count">1–3 of 3<' in content(client.get(ORG_LIST))
