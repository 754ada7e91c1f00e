"""Agreement and commitment pages: the alliance tabs, portfolio lists, forms and status moves.

The visibility rule on every page: internal users see everything, a partner user the items
of their own alliances (another organization's are 404), nobody signed out sees anything.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amity.agreements.models import Agreement, Commitment
from tests import factories as f

from .conftest import on_day
from .factories import AgreementFactory, CommitmentFactory, partner_of

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def stratus(alliance):
    """An alliance with an auto-renewing agreement (notice due soon) and commitments of both sides."""
    maa = AgreementFactory(
        alliance=alliance,
        title="Master alliance agreement",
        expiry_date=date(2027, 2, 21),
        auto_renew=True,
        renewal_term_months=12,
        notice_period_days=90,
    )
    home = f.home_org()
    partner_org = partner_of(alliance)
    CommitmentFactory(
        alliance=alliance,
        party=partner_org,
        title="Migration funding",
        nature="hard",
        soft_source="",
        agreement=maa,
        quantity=None,
        unit="",
        amount=Decimal("400000"),
        due_date=date(2026, 10, 15),
        status="in_progress",
    )
    CommitmentFactory(
        alliance=alliance,
        party=partner_org,
        title="MDF in dollars",
        quantity=None,
        unit="",
        amount=Decimal("250000"),
        currency="USD",
        due_date=date(2026, 12, 31),
    )
    CommitmentFactory(
        alliance=alliance,
        party=home,
        title="Alliance team",
        quantity=Decimal("3"),
        unit="FTE",
        due_date=date(2026, 1, 31),
        status="met",
        met_on=date(2026, 1, 20),
    )
    CommitmentFactory(alliance=alliance, party=home, title="IAM integration", due_date=date(2026, 11, 15))
    return maa


# --- the Agreements tab ---------------------------------------------------------------------------------


def test_the_agreements_tab_highlights_a_notice_deadline_coming_up(client_for, manager, alliance, stratus):
    with on_day(date(2026, 11, 1)):
        response = client_for(manager).get(url("alliance_agreements", alliance.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="notice-alert"' in html
    assert "give notice by <strong>23 Nov 2026</strong> (in 22 days)" in html
    assert "Expiry 21 Feb 2027 − 90 days' notice = 23 Nov 2026." in html
    assert 'data-notice="soon"' in html
    assert url("agreement_create", alliance.pk) in html
    assert 'aria-current="page" data-testid="tab-agreements"' in html


def test_a_passed_notice_deadline_is_shown_in_red(client_for, manager, alliance, stratus):
    with on_day(date(2026, 11, 30)):
        html = client_for(manager).get(url("alliance_agreements", alliance.pk)).content.decode()
    assert 'data-notice="passed"' in html
    assert "the notice deadline passed on 23 Nov 2026" in html


def test_a_partner_reads_their_alliances_agreements_without_edit_buttons(
    client_for, partner, alliance, stratus
):
    response = client_for(partner).get(url("alliance_agreements", alliance.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Master alliance agreement" in html
    assert url("agreement_create", alliance.pk) not in html
    response = client_for(partner).get(stratus.get_absolute_url())
    assert response.status_code == 200
    assert url("agreement_edit", stratus.pk) not in response.content.decode()
    assert 'data-testid="status-moves"' not in response.content.decode()


def test_another_partner_gets_404_on_every_page_of_the_alliance(client_for, other_partner, alliance, stratus):
    client = client_for(other_partner)
    commitment = Commitment.objects.filter(alliance=alliance).first()
    for page in (
        url("alliance_agreements", alliance.pk),
        url("alliance_commitments", alliance.pk),
        url("agreement_detail", stratus.pk),
        url("agreement_edit", stratus.pk),
        url("commitment_detail", commitment.pk),
        url("commitment_edit", commitment.pk),
        url("agreement_create", alliance.pk),
        url("commitment_create", alliance.pk),
    ):
        assert client.get(page).status_code == 404, page
    for action in (
        url("agreement_status", stratus.pk),
        url("agreement_archive", stratus.pk),
        url("commitment_status", commitment.pk),
        url("commitment_archive", commitment.pk),
        url("document_upload", stratus.pk),
    ):
        assert client.post(action, {"status": "terminated"}).status_code == 404, action


def test_signed_out_visitors_are_sent_to_sign_in(client, alliance, stratus):
    for page in (url("alliance_agreements", alliance.pk), url("agreement_list"), url("commitment_list")):
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_agreements_tab_costs_the_same_queries_for_5_or_25_agreements(client_for, manager, alliance):
    client = client_for(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("alliance_agreements", alliance.pk)).status_code == 200
        return len(ctx)

    AgreementFactory.create_batch(5, alliance=alliance)
    five = count()
    AgreementFactory.create_batch(20, alliance=alliance)
    assert count() == five


# --- the Commitments tab -----------------------------------------------------------------------------


def test_the_commitments_tab_explains_its_numbers(client_for, manager, alliance, stratus):
    with on_day(date(2026, 11, 1)):
        response = client_for(manager).get(url("alliance_commitments", alliance.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="overdue-count">1<' in html
    assert 'data-testid="due-soon-count">1<' in html
    assert "Met on time ÷ closed with a verdict" in html
    assert 'data-chart="chart-commitment-mix"' in html and 'id="chart-commitment-mix"' in html
    assert 'data-chart="chart-balance-money"' in html
    assert 'data-testid="currency-note"' in html and "USD" in html
    assert "$250,000" in html  # listed, not converted
    assert "<script>" not in html.replace('<script type="application/json"', "")  # only JSON data islands


def test_the_commitments_tab_filters_by_side_nature_and_timing(client_for, manager, alliance, stratus):
    client = client_for(manager)
    with on_day(date(2026, 11, 1)):
        overdue = client.get(url("alliance_commitments", alliance.pk), {"due": "overdue"}).content.decode()
        ours = client.get(url("alliance_commitments", alliance.pk), {"side": "ours"}).content.decode()
        hard = client.get(url("alliance_commitments", alliance.pk), {"nature": "hard"}).content.decode()
        soon = client.get(url("alliance_commitments", alliance.pk), {"due": "soon"}).content.decode()
    table = 'data-testid="commitment-table"'
    assert "Migration funding</a>" in overdue and "IAM integration</a>" not in overdue and table in overdue
    assert "Alliance team</a>" in ours and "Migration funding</a>" not in ours
    assert "Migration funding</a>" in hard and "MDF in dollars</a>" not in hard
    assert "IAM integration</a>" in soon and "MDF in dollars</a>" not in soon


def test_the_commitments_tab_costs_the_same_queries_for_5_or_25_commitments(client_for, manager, alliance):
    client = client_for(manager)
    agreement = AgreementFactory(alliance=alliance)

    def add(n: int) -> None:
        for i in range(n):
            CommitmentFactory(
                alliance=alliance,
                party=f.home_org() if i % 2 else partner_of(alliance),
                nature="hard" if i % 3 == 0 else "soft",
                soft_source="" if i % 3 == 0 else "handshake",
                agreement=agreement if i % 3 == 0 else None,
                amount=Decimal("1000") if i % 2 else None,
                owner_contact=f.ContactFactory(organization=partner_of(alliance)) if not i % 2 else None,
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("alliance_commitments", alliance.pk)).status_code == 200
        return len(ctx)

    add(5)
    five = count()
    add(20)
    assert count() == five


# --- portfolio lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["agreement_list", "commitment_list"])
def test_the_portfolio_lists_cost_the_same_queries_for_5_or_25_rows(client_for, manager, alliance, name):
    client = client_for(manager)
    factory = AgreementFactory if name == "agreement_list" else CommitmentFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(name), {"per_page": 50}).status_code == 200
        return len(ctx)

    factory.create_batch(5, alliance=alliance)
    five = count()
    for _ in range(20):
        factory(alliance=f.AllianceFactory())
    assert count() == five


def test_the_agreement_list_shows_renewals_coming_due(client_for, manager, alliance, stratus, other_alliance):
    AgreementFactory(alliance=other_alliance, title="Far away", expiry_date=date(2029, 1, 1))
    with on_day(date(2026, 11, 1)):
        html = client_for(manager).get(url("agreement_list")).content.decode()
    renewals = html[html.index('data-testid="renewals"') : html.index("filter-bar")]
    assert "Master alliance agreement" in renewals
    assert "Far away" not in renewals
    assert "renews for 12 months unless notice is given" in renewals


def test_a_partner_lists_only_their_own_agreements_and_commitments(
    client_for, partner, alliance, stratus, other_alliance
):
    AgreementFactory(alliance=other_alliance, title="Kestrel reseller agreement")
    CommitmentFactory(alliance=other_alliance, title="Kestrel certification")
    client = client_for(partner)
    agreements = client.get(url("agreement_list")).content.decode()
    commitments = client.get(url("commitment_list")).content.decode()
    assert "Master alliance agreement" in agreements and "Kestrel reseller agreement" not in agreements
    assert "Migration funding" in commitments and "Kestrel certification" not in commitments
    rows = csv_rows(client.get(url("commitment_list"), {"export": "csv"}))
    assert {r[0] for r in rows[1:]} == {
        "Migration funding",
        "MDF in dollars",
        "Alliance team",
        "IAM integration",
    }


def test_the_commitments_csv_explains_each_row_and_defuses_formulas(client_for, manager, alliance, stratus):
    CommitmentFactory(alliance=alliance, title='=HYPERLINK("http://x")')
    with on_day(date(2026, 11, 1)):
        rows = csv_rows(client_for(manager).get(url("commitment_list"), {"export": "csv", "side": "partner"}))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Commitment", "Alliance", "Committed by", "Side"]
    by_title = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_title["Migration funding"]["Overdue"] == "yes"
    assert by_title["MDF in dollars"]["Currency"] == "USD"
    assert '\'=HYPERLINK("http://x")' in by_title
    assert all(r["Side"] == "partner" for r in by_title.values())


def test_the_agreements_csv_has_the_notice_deadline(client_for, manager, stratus):
    rows = csv_rows(client_for(manager).get(url("agreement_list"), {"export": "csv"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Notice deadline"] == "2026-11-23"
    assert row["Renews automatically"] == "yes"


# --- forms and status moves -------------------------------------------------------------------------------


def test_a_manager_records_an_agreement_through_the_form(client_for, manager, alliance):
    client = client_for(manager)
    assert client.get(url("agreement_create", alliance.pk)).status_code == 200
    parties = [str(f.home_org().pk), str(partner_of(alliance).pk)]
    response = client.post(
        url("agreement_create", alliance.pk),
        {
            "title": "Reseller agreement",
            "kind": "reseller",
            "status": "draft",
            "parties": parties,
            "expiry_date": "2027-12-31",
            "notice_period_days": "90",
            "currency": "eur",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert (agreement.notice_deadline, agreement.currency) == (date(2027, 10, 2), "EUR")


def test_the_agreement_form_shows_service_errors_on_their_fields(client_for, manager, alliance):
    response = client_for(manager).post(
        url("agreement_create", alliance.pk),
        {
            "title": "Reseller",
            "kind": "reseller",
            "status": "active",
            "parties": [str(f.home_org().pk)],
            "currency": "EUR",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("signed_date", "effective_date", "parties"):
        assert f'data-field-error="{field}"' in html, field
    assert not Agreement.objects.exists()


def test_an_executive_cannot_open_the_forms_or_move_a_status(client_for, executive, alliance, stratus):
    client = client_for(executive)
    assert client.get(url("agreement_create", alliance.pk)).status_code == 403
    assert client.get(url("agreement_edit", stratus.pk)).status_code == 403
    assert client.post(url("agreement_status", stratus.pk), {"status": "terminated"}).status_code == 403
    stratus.refresh_from_db()
    assert stratus.status == "active"


def test_a_manager_moves_an_agreement_and_sees_why_a_move_fails(client_for, manager, alliance, stratus):
    client = client_for(manager)
    response = client.post(url("agreement_status", stratus.pk), {"status": "expired"}, follow=True)
    assert "terminate it to end it early" in response.content.decode()
    response = client.post(
        url("agreement_status", stratus.pk), {"status": "terminated", "reason": "Acquired"}
    )
    assert response.status_code == 302
    stratus.refresh_from_db()
    assert stratus.status == "terminated"


def test_a_manager_registers_a_commitment_and_records_it_as_met(client_for, manager, alliance):
    client = client_for(manager)
    response = client.post(
        url("commitment_create", alliance.pk),
        {
            "party": str(partner_of(alliance).pk),
            "status": "agreed",
            "nature": "soft",
            "soft_source": "annual_plan",
            "category": "headcount",
            "title": "Two partner engineers",
            "quantity": "2",
            "unit": "FTE",
            "currency": "EUR",
            "due_date": "2026-06-30",
        },
    )
    commitment = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == commitment.get_absolute_url()
    with on_day(date(2026, 7, 1)):
        response = client.post(url("commitment_status", commitment.pk), {"status": "met"})
        assert response.status_code == 422
        assert 'data-field-error="evidence"' in response.content.decode()
        response = client.post(
            url("commitment_status", commitment.pk),
            {"status": "met", "met_on": "2026-06-29", "evidence": "Both started on 29 June"},
        )
    commitment.refresh_from_db()
    assert response.status_code == 302
    assert (commitment.status, commitment.met_on, commitment.met_on_time) == ("met", date(2026, 6, 29), True)


def test_a_hard_commitment_without_an_agreement_is_refused_on_the_form(client_for, manager, alliance):
    response = client_for(manager).post(
        url("commitment_create", alliance.pk),
        {
            "party": str(partner_of(alliance).pk),
            "status": "agreed",
            "nature": "hard",
            "category": "funding",
            "title": "Funding",
            "amount": "1000",
            "currency": "EUR",
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 422
    assert 'data-field-error="agreement"' in response.content.decode()


def test_renegotiating_on_the_page_leads_to_the_new_terms(client_for, manager, alliance):
    old = CommitmentFactory(alliance=alliance, due_date=date(2026, 8, 31))
    response = client_for(manager).post(
        url("commitment_status", old.pk),
        {"status": "renegotiated", "new_due_date": "2026-11-15", "note": "QBR"},
    )
    new = Commitment.objects.get(replaces=old)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    html = client_for(manager).get(new.get_absolute_url()).content.decode()
    assert 'data-testid="chain"' in html and old.get_absolute_url() in html


def test_renegotiating_without_new_terms_shows_the_error(client_for, manager, alliance):
    old = CommitmentFactory(alliance=alliance)
    response = client_for(manager).post(url("commitment_status", old.pk), {"status": "renegotiated"})
    assert response.status_code == 422
    assert "Give the renegotiated terms" in response.content.decode()
    assert Commitment.objects.count() == 1


def test_choosing_the_alliance_first_for_a_new_agreement(client_for, manager, alliance, partner):
    response = client_for(manager).get(url("agreement_new"), {"alliance": alliance.pk})
    assert response.status_code == 302 and response["Location"] == url("agreement_create", alliance.pk)
    assert client_for(manager).get(url("commitment_new")).status_code == 200
    assert client_for(partner).get(url("agreement_new")).status_code == 403


def test_archiving_an_agreement_keeps_it_restorable(client_for, manager, alliance):
    agreement = AgreementFactory(alliance=alliance)
    client = client_for(manager)
    response = client.post(url("agreement_archive", agreement.pk))
    assert response["Location"] == url("alliance_agreements", alliance.pk)
    agreement.refresh_from_db()
    assert agreement.archived_at is not None
    client.post(url("agreement_archive", agreement.pk), {"restore": "1"})
    agreement.refresh_from_db()
    assert agreement.archived_at is None


def test_the_alliance_history_tab_shows_agreement_and_commitment_changes_to_internal_users(
    client_for, manager, partner, alliance
):
    from amity.agreements import services

    agreement = services.agreement_create(
        alliance=alliance, data={"title": "Reseller agreement"}, user=manager
    )
    services.agreement_set_status(agreement=agreement, to_status="negotiating", user=manager)
    commitment = CommitmentFactory(alliance=alliance, title="Two engineers")
    services.commitment_set_status(commitment=commitment, to_status="in_progress", user=manager)
    page = reverse("alliances:alliance_history", args=[alliance.pk])
    html = client_for(manager).get(page).content.decode()
    assert "status: Draft → Negotiating" in html and "status: Agreed → In progress" in html
    assert "status: Draft → Negotiating" not in client_for(partner).get(page).content.decode()
