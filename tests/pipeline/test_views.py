"""The pipeline pages: lists with CSV/XLSX export, details, registration and review, the tab."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from amity.pipeline import services
from amity.pipeline.models import DealRegistration, OpportunityStage, RegistrationStatus
from tests import factories as f
from tests.pipeline.factories import AccountFactory, opportunity, register, registration_data

pytestmark = pytest.mark.django_db


def test_the_opportunity_list_shows_alliances_and_roles(client_for, manager, alliance):
    opportunity(user=manager, alliance=alliance, name="Atlas migration")
    page = client_for(manager).get("/pipeline/opportunities/")
    assert page.status_code == 200
    assert "Atlas migration" in page.text and "Co-sell" in page.text


@pytest.mark.parametrize(
    "url", ["/pipeline/opportunities/", "/pipeline/accounts/", "/pipeline/registrations/"]
)
def test_lists_do_not_grow_queries_with_rows(
    client_for, manager, partner, alliance, url, django_assert_max_num_queries
):
    client = client_for(manager)

    def add(n):
        for i in range(n):
            account = AccountFactory()
            opportunity(user=manager, alliance=alliance, account=account)
            register(user=partner, alliance=alliance, company_name=f"Firm {account.pk} {i}", domain="")

    add(5)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url + "?per_page=50").status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url + "?per_page=50").status_code == 200


def test_the_xlsx_export_parses_back_with_formulas_escaped(client_for, manager, alliance):
    opportunity(user=manager, alliance=alliance, name='=HYPERLINK("http://evil")')
    response = client_for(manager).get("/pipeline/opportunities/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('opportunities.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Opportunity"
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert float(rows[1][4]) == 100000.0


def test_the_csv_export_is_built_in(client_for, manager, alliance):
    AccountFactory(name="@SUM(A1) Trading")
    response = client_for(manager).get("/pipeline/accounts/?export=csv")
    assert "'@SUM(A1) Trading" in b"".join(response.streaming_content).decode()


def test_a_partner_registers_a_deal_through_the_form(client_for, partner, alliance):
    data = registration_data()
    data["alliance"] = alliance.pk
    response = client_for(partner).post("/pipeline/registrations/new/", data)
    registration = DealRegistration.objects.get()
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    assert registration.submitted_by == partner


def test_the_form_names_bad_fields_and_refuses_other_alliances(client_for, partner, other_alliance):
    data = registration_data(contact_email="not-an-email")
    data["alliance"] = other_alliance.pk
    response = client_for(partner).post("/pipeline/registrations/new/", data)
    assert response.status_code == 422
    assert "contact_email" in response.context["form"].errors
    assert "alliance" in response.context["form"].errors
    assert not DealRegistration.objects.exists()


def test_executives_may_not_open_the_registration_form(client_for, executive):
    assert client_for(executive).get("/pipeline/registrations/new/").status_code == 403


def test_the_reviewer_sees_the_competing_registration_and_the_partner_does_not(
    client_for, manager, partner, alliance, other_partner, other_alliance
):
    first = register(user=other_partner, alliance=other_alliance, company_name="Nordwind Logistik AG")
    second = register(user=partner, alliance=alliance)
    reviewer = client_for(manager).get(second.get_absolute_url())
    assert 'data-kind="competing_registration"' in reviewer.text
    assert first.organization.name in reviewer.text
    partner_page = client_for(partner).get(second.get_absolute_url())
    assert partner_page.status_code == 200
    assert "Under review" in partner_page.text
    assert first.organization.name not in partner_page.text
    assert 'data-testid="matches"' not in partner_page.text
    assert client_for(partner).get(first.get_absolute_url()).status_code == 404
    listing = client_for(partner).get("/pipeline/registrations/")
    assert first.organization.name not in listing.text


def test_a_manager_approves_rejects_and_converts_from_the_page(client_for, manager, partner, alliance):
    client = client_for(manager)
    approved = register(user=partner, alliance=alliance)
    client.post(f"/pipeline/registrations/{approved.pk}/approve/")
    approved.refresh_from_db()
    assert approved.status == RegistrationStatus.APPROVED
    response = client.post(f"/pipeline/registrations/{approved.pk}/convert/")
    approved.refresh_from_db()
    assert response["Location"] == approved.opportunity.get_absolute_url()

    rejected = register(user=partner, alliance=alliance, company_name="Else", domain="else.example")
    response = client.post(f"/pipeline/registrations/{rejected.pk}/reject/", {"reason": ""})
    assert response.status_code == 422
    client.post(f"/pipeline/registrations/{rejected.pk}/reject/", {"reason": "Direct account since 2024."})
    rejected.refresh_from_db()
    assert rejected.status == RegistrationStatus.REJECTED
    assert "Direct account since 2024." in client_for(partner).get(rejected.get_absolute_url()).text


def test_partners_cannot_decide_from_the_page(client_for, partner, alliance):
    registration = register(user=partner, alliance=alliance)
    assert client_for(partner).post(f"/pipeline/registrations/{registration.pk}/approve/").status_code == 403


def test_the_stage_form_moves_the_stage(client_for, manager, alliance):
    opp = opportunity(user=manager, alliance=alliance)
    client = client_for(manager)
    response = client.post(
        f"/pipeline/opportunities/{opp.pk}/stage/", {"stage": "negotiation", "probability": ""}
    )
    assert response.status_code == 302
    page = client.get(opp.get_absolute_url())
    assert page.text.count('data-testid="stage-change"') == 2
    assert client.post(f"/pipeline/opportunities/{opp.pk}/stage/", {"stage": "nope"}).status_code == 422


def test_the_pipeline_tab_shows_the_numbers(client_for, manager, alliance):
    opportunity(user=manager, alliance=alliance, stage=OpportunityStage.PROPOSAL, name="Tab deal")
    page = client_for(manager).get(f"/alliances/{alliance.pk}/pipeline/")
    assert page.status_code == 200
    assert "Tab deal" in page.text and "€100,000" in page.text and "€50,000" in page.text


def test_invisible_things_are_404_for_partners(
    client_for, manager, partner, other_alliance, other_partner_org
):
    opp = opportunity(user=manager, alliance=other_alliance)
    account = AccountFactory(owner_organization=other_partner_org)
    client = client_for(partner)
    assert client.get(opp.get_absolute_url()).status_code == 404
    assert client.get(account.get_absolute_url()).status_code == 404
    assert client.get(f"/alliances/{other_alliance.pk}/pipeline/").status_code == 404


def test_partners_see_their_own_alliance_pipeline(client_for, manager, partner, alliance):
    opp = opportunity(user=manager, alliance=alliance, name="Shared deal")
    client = client_for(partner)
    assert "Shared deal" in client.get(f"/alliances/{alliance.pk}/pipeline/").text
    assert client.get(opp.get_absolute_url()).status_code == 200


def test_managers_create_accounts_and_opportunities_through_forms(client_for, manager, alliance, home):
    client = client_for(manager)
    response = client.post(
        "/pipeline/accounts/new/",
        {
            "name": "Fjord Energy AS",
            "domain": "fjord.no",
            "country": "no",
            "owner_organization": home.pk,
            "status": "prospect",
        },
    )
    assert response.status_code == 302
    from amity.pipeline.models import Account, Opportunity

    account = Account.objects.get(name="Fjord Energy AS")
    response = client.post(
        "/pipeline/opportunities/new/",
        {
            "name": "Fjord grid analytics",
            "account": account.pk,
            "amount": "50000",
            "currency": "EUR",
            "stage": "prospecting",
            "close_date": "2027-03-31",
            "alliance": alliance.pk,
            "role": "co_sell",
        },
    )
    assert response.status_code == 302
    opp = Opportunity.objects.get(name="Fjord grid analytics")
    assert opp.probability == 10 and opp.links.get().alliance == alliance


def test_anonymous_users_are_sent_to_sign_in(client_for):
    assert client_for(None).get("/pipeline/registrations/").status_code == 302


def test_a_manager_can_register_for_a_partner_and_services_run_the_check(client_for, manager, alliance):
    services.account_create(
        data={"name": "Nordwind Logistik", "domain": "nordwind-logistik.de"}, user=manager
    )
    f.AllianceFactory()
    data = registration_data()
    data["alliance"] = alliance.pk
    assert client_for(manager).post("/pipeline/registrations/new/", data).status_code == 302


def test_the_account_list_counts_open_deals_and_its_owner_filter_lists_a_hundred(
    client_for, manager, home, alliance, monkeypatch
):
    """Past CHOICES_SHOWN organizations the owner select lists our company and the first ones by
    name (and the chosen one), yet any organization still filters; each row counts its open
    deals only (closed and archived ones left out)."""
    from amity.core import forms as core_forms
    from amity.core.services import model_archive

    monkeypatch.setattr(core_forms, "CHOICES_SHOWN", 3)
    orgs = [f.OrganizationFactory(name=f"Zeta {i:02d}") for i in range(6)]
    last = orgs[-1]
    account = AccountFactory(name="Counted GmbH", owner_organization=last)
    opportunity(user=manager, account=account)
    opportunity(user=manager, account=account)
    opportunity(user=manager, account=account, stage=OpportunityStage.CLOSED_WON)
    archived = opportunity(user=manager, account=account)
    model_archive(instance=archived, user=manager)
    client = client_for(manager)

    page = client.get("/pipeline/accounts/").text
    select = page[
        page.index('name="owner_organization"') : page.index(
            "</select>", page.index('name="owner_organization"')
        )
    ]
    assert select.count("<option") == 1 + 3  # "Either side" and three
    assert home.name in select and last.name not in select  # our company comes first

    filtered = client.get(f"/pipeline/accounts/?owner_organization={last.pk}").text
    assert "Counted GmbH" in filtered
    chosen = filtered[filtered.index('name="owner_organization"') :]
    assert f'value="{last.pk}" selected' in chosen[: chosen.index("</select>")]

    from amity.pipeline.selectors import account_list

    assert account_list(user=manager).get(pk=account.pk).open_opportunities == 2
