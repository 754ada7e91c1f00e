"""The agreements, documents and commitments API: success, bad input (422 naming the field),
and permissions (another partner → 404, executive → 403 on writes, anonymous → 401)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.agreements import services
from amity.agreements.models import Agreement, AgreementDocument, Commitment
from tests import factories as f
from tests.api.helpers import API, delete, field_errors, get, ids, patch, post

from .conftest import on_day
from .factories import EXE, AgreementFactory, CommitmentFactory, partner_of, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(alliance):
    return AgreementFactory(
        alliance=alliance,
        title="Master alliance agreement",
        expiry_date=date(2027, 2, 21),
        auto_renew=True,
        renewal_term_months=12,
        notice_period_days=90,
    )


@pytest.fixture
def commitment(alliance, agreement):
    return CommitmentFactory(
        alliance=alliance,
        title="Migration funding",
        nature="hard",
        soft_source="",
        agreement=agreement,
        quantity=None,
        unit="",
        amount=Decimal("400000"),
        due_date=date(2026, 10, 15),
        status="in_progress",
    )


def agreement_body(alliance, **kw):
    body = {"alliance_id": alliance.pk, "title": "Reseller agreement", "kind": "reseller"}
    body.update(kw)
    return body


def commitment_body(alliance, **kw):
    body = {
        "alliance_id": alliance.pk,
        "party_id": partner_of(alliance).pk,
        "nature": "soft",
        "soft_source": "annual_plan",
        "category": "headcount",
        "title": "Two partner engineers",
        "quantity": "2",
        "unit": "FTE",
        "due_date": "2026-06-30",
    }
    body.update(kw)
    return body


# --- agreements ------------------------------------------------------------------------------------


def test_a_manager_records_an_agreement_and_reads_its_notice_deadline(api_for, manager, alliance):
    response = post(
        api_for(manager),
        "/agreements",
        agreement_body(
            alliance,
            status="active",
            signed_date="2025-01-10",
            effective_date="2025-01-15",
            expiry_date="2027-01-15",
            notice_period_days=30,
            value="125000.5",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["notice_deadline"] == "2026-12-16"
    assert body["value"] == "125000.50" and body["currency"] == "EUR"
    assert {p["name"] for p in body["parties"]} == {"Halcyon Test", "Stratus Test Cloud"}
    assert body["allowed_statuses"] == ["expired", "terminated"]
    assert body["alliance"] == {"id": alliance.pk, "name": alliance.name}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "lease"}, "kind"),
        ({"currency": "euro"}, "currency"),
        ({"value": "-1"}, "value"),
        ({"notice_period_days": -5}, "notice_period_days"),
        ({"expiry_date": "2025-02-30"}, "expiry_date"),
        ({"status": "active"}, "signed_date"),
        ({"auto_renew": True, "expiry_date": "2027-01-01"}, "renewal_term_months"),
        ({"party_ids": [999999]}, "party_ids"),
        ({"owner_id": 999999}, "owner_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_agreement_input_is_a_422_naming_the_field(api_for, manager, alliance, body, field):
    errors = field_errors(post(api_for(manager), "/agreements", agreement_body(alliance, **body)))
    assert field in errors, errors
    assert not Agreement.objects.exists()


def test_parties_outside_the_alliance_are_named_under_party_ids(
    api_for, manager, alliance, other_partner_org
):
    errors = field_errors(
        post(
            api_for(manager),
            "/agreements",
            agreement_body(alliance, party_ids=[f.home_org().pk, other_partner_org.pk]),
        )
    )
    assert "not a party of" in errors["party_ids"][0]


def test_an_alliance_the_partner_cannot_see_is_not_found_in_the_body(
    api_for, manager, partner, other_alliance
):
    errors = field_errors(post(api_for(partner), "/agreements", agreement_body(other_alliance)))
    assert errors["alliance_id"] == [f"Alliance {other_alliance.pk} not found."]


def test_writes_are_for_internal_editors(api_for, executive, partner, alliance, agreement):
    for user in (executive, partner):
        client = api_for(user)
        assert post(client, "/agreements", agreement_body(alliance)).status_code == 403
        assert patch(client, f"/agreements/{agreement.pk}", {"title": "x"}).status_code == 403
        assert post(client, f"/agreements/{agreement.pk}/status", {"status": "terminated"}).status_code == 403
        assert delete(client, f"/agreements/{agreement.pk}").status_code == 403
    agreement.refresh_from_db()
    assert (agreement.title, agreement.status, agreement.archived_at) == (
        "Master alliance agreement",
        "active",
        None,
    )


def test_another_partner_gets_404_for_every_agreement_operation(api_for, other_partner, agreement):
    client = api_for(other_partner)
    base = f"/agreements/{agreement.pk}"
    assert get(client, base).status_code == 404
    assert patch(client, base, {"title": "x"}).status_code == 404
    assert delete(client, base).status_code == 404
    assert post(client, base + "/status", {"status": "terminated"}).status_code == 404
    assert post(client, base + "/restore").status_code == 404
    assert get(client, base + "/documents").status_code == 404
    assert get(client, base + "/history").status_code == 404
    assert ids(get(client, "/agreements")) == set()


def test_anonymous_requests_are_401(client, agreement, commitment):
    for path in (
        "/agreements",
        f"/agreements/{agreement.pk}",
        "/commitments",
        f"/alliances/{agreement.alliance_id}/commitments/summary",
    ):
        assert get(client, path).status_code == 401, path
    assert post(client, "/agreements", {}).status_code == 401


def test_partners_read_their_alliances_agreements(api_for, partner, agreement, other_alliance):
    AgreementFactory(alliance=other_alliance)
    client = api_for(partner)
    assert ids(get(client, "/agreements")) == {agreement.pk}
    assert get(client, f"/agreements/{agreement.pk}").json()["notice_deadline"] == "2026-11-23"
    assert get(client, f"/agreements/{agreement.pk}/history").status_code == 404  # internal only


def test_the_agreement_list_filters_and_pages(api_for, manager, alliance, agreement, other_alliance):
    AgreementFactory(alliance=other_alliance, kind="nda", status="draft")
    client = api_for(manager)
    assert ids(get(client, "/agreements", {"alliance": alliance.pk})) == {agreement.pk}
    assert len(ids(get(client, "/agreements", {"kind": "nda"}))) == 1
    with on_day(date(2026, 11, 1)):
        assert ids(get(client, "/agreements", {"notice_within_days": 30})) == {agreement.pk}
        assert ids(get(client, "/agreements", {"notice_within_days": 10})) == set()
    page = get(client, "/agreements", {"limit": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert get(client, "/agreements", {"notice_within_days": -1}).status_code == 422


def test_a_stale_patch_is_a_409(api_for, manager, agreement):
    client = api_for(manager)
    assert patch(client, f"/agreements/{agreement.pk}", {"title": "New", "version": 1}).status_code == 200
    response = patch(client, f"/agreements/{agreement.pk}", {"title": "Newer", "version": 1})
    assert response.status_code == 409 and response.json()["current_version"] == 2


def test_status_moves_through_the_api_and_refuses_a_jump(api_for, manager, alliance):
    client = api_for(manager)
    created = post(client, "/agreements", agreement_body(alliance)).json()
    errors = field_errors(post(client, f"/agreements/{created['id']}/status", {"status": "active"}))
    assert "Draft → Active is not allowed" in errors["status"][0]
    with on_day(date(2026, 3, 1)):
        body = post(
            client, f"/agreements/{created['id']}/status", {"status": "signed", "on": "2026-02-27"}
        ).json()
    assert body["status"] == "signed" and body["signed_date"] == "2026-02-27"
    history = get(client, f"/agreements/{created['id']}/history").json()
    assert {e["reason"] for e in history} == {"status: Draft → Signed", "recorded as draft"}


def test_archive_and_restore_an_agreement(api_for, manager, agreement):
    client = api_for(manager)
    assert delete(client, f"/agreements/{agreement.pk}").status_code == 204
    assert ids(get(client, "/agreements")) == set()
    assert ids(get(client, "/agreements", {"include_archived": True})) == {agreement.pk}
    assert post(client, f"/agreements/{agreement.pk}/restore").json()["archived"] is False


# --- documents ----------------------------------------------------------------------------------------


def upload(client, agreement, name="signed.pdf", content=None, **extra):
    data = {"file": SimpleUploadedFile(name, content if content is not None else pdf_bytes()), **extra}
    return client.post(f"{API}/agreements/{agreement.pk}/documents", data)


def test_upload_list_download_and_archive_a_document(api_for, manager, partner, agreement):
    client = api_for(manager)
    response = upload(client, agreement, description="Signed copy")
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["content_type"] == "application/pdf" and doc["original_name"] == "signed.pdf"
    assert doc["description"] == "Signed copy" and doc["uploaded_by"] == manager.username
    assert ids(get(api_for(partner), f"/agreements/{agreement.pk}/documents")) == {doc["id"]}
    download = api_for(partner).get(doc["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert get(client, f"/agreements/{agreement.pk}")["Content-Type"] == "application/json; charset=utf-8"
    assert get(client, f"/agreements/{agreement.pk}").json()["documents_count"] == 1
    assert delete(client, f"/agreements/{agreement.pk}/documents/{doc['id']}").status_code == 204
    assert AgreementDocument.objects.filter(pk=doc["id"]).exists()
    assert api_for(partner).get(doc["download_url"]).status_code == 404
    assert client.get(doc["download_url"]).status_code == 200  # kept for internal users
    assert (
        post(client, f"/agreements/{agreement.pk}/documents/{doc['id']}/restore").json()["archived"] is False
    )


def test_a_disguised_executable_or_missing_file_is_a_422_on_file(api_for, manager, agreement):
    client = api_for(manager)
    assert "file" in field_errors(upload(client, agreement, content=EXE))
    assert "file" in field_errors(client.post(f"{API}/agreements/{agreement.pk}/documents", {}))
    assert not AgreementDocument.objects.exists()


def test_a_too_big_upload_is_a_422_on_file(api_for, manager, agreement, settings):
    settings.AMITY_UPLOAD_MAX_MB = 1
    errors = field_errors(
        upload(api_for(manager), agreement, name="big.txt", content=b"a" * (1024 * 1024 + 10))
    )
    assert errors["file"] == ["The file is 1.0 MB; the limit is 1 MB."]


def test_documents_permissions(api_for, executive, partner, other_partner, manager, agreement):
    doc = services.document_upload(
        agreement=agreement, upload=SimpleUploadedFile("a.pdf", pdf_bytes()), user=manager
    )
    assert upload(api_for(executive), agreement).status_code == 403
    assert upload(api_for(partner), agreement).status_code == 403
    assert delete(api_for(partner), f"/agreements/{agreement.pk}/documents/{doc.pk}").status_code == 403
    other = api_for(other_partner)
    assert upload(other, agreement).status_code == 404
    assert get(other, f"/agreements/{agreement.pk}/documents/{doc.pk}").status_code == 404
    assert other.get(f"{API}/agreements/{agreement.pk}/documents/{doc.pk}/download").status_code == 404


# --- commitments -------------------------------------------------------------------------------------


def test_a_manager_registers_a_commitment(api_for, manager, alliance):
    response = post(api_for(manager), "/commitments", commitment_body(alliance, status="agreed"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["side"] == "partner" and body["status"] == "agreed"
    assert body["quantity"] == "2.00" and body["unit"] == "FTE" and body["amount"] is None
    assert body["allowed_statuses"] == ["in_progress", "met", "missed", "waived", "renegotiated"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nature": "hard", "soft_source": ""}, "agreement_id"),
        ({"soft_source": ""}, "soft_source"),
        ({"quantity": None, "unit": ""}, "quantity"),
        ({"unit": ""}, "unit"),
        ({"amount": "1e400"}, "amount"),
        ({"due_date": "soon"}, "due_date"),
        ({"status": "met"}, "status"),
        ({"party_id": 999999}, "party_id"),
        ({"agreement_id": 999999}, "agreement_id"),
        ({"owner_contact_id": 999999}, "owner_contact_id"),
        ({"category": "love"}, "category"),
        ({"title": "x\x00y"}, "title"),
    ],
)
def test_bad_commitment_input_is_a_422_naming_the_field(api_for, manager, alliance, body, field):
    errors = field_errors(post(api_for(manager), "/commitments", commitment_body(alliance, **body)))
    assert field in errors, errors
    assert not Commitment.objects.exists()


def test_a_party_outside_the_alliance_is_named_under_party_id(api_for, manager, alliance, other_partner_org):
    errors = field_errors(
        post(api_for(manager), "/commitments", commitment_body(alliance, party_id=other_partner_org.pk))
    )
    assert "is not a party of" in errors["party_id"][0]


def test_commitment_writes_are_for_internal_editors(
    api_for, executive, partner, other_partner, alliance, commitment
):
    for user in (executive, partner):
        client = api_for(user)
        assert post(client, "/commitments", commitment_body(alliance)).status_code == 403
        assert post(client, f"/commitments/{commitment.pk}/status", {"status": "missed"}).status_code == 403
        assert patch(client, f"/commitments/{commitment.pk}", {"title": "x"}).status_code == 403
    other = api_for(other_partner)
    assert get(other, f"/commitments/{commitment.pk}").status_code == 404
    assert post(other, f"/commitments/{commitment.pk}/status", {"status": "missed"}).status_code == 404
    assert delete(other, f"/commitments/{commitment.pk}").status_code == 404
    assert ids(get(other, "/commitments")) == set()
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


def test_met_needs_evidence_and_renegotiation_keeps_both(api_for, manager, commitment):
    client = api_for(manager)
    errors = field_errors(post(client, f"/commitments/{commitment.pk}/status", {"status": "met"}))
    assert "evidence" in errors
    response = post(
        client,
        f"/commitments/{commitment.pk}/status",
        {
            "status": "renegotiated",
            "replacement": {"due_date": "2026-12-31", "amount": "300000"},
            "note": "QBR",
        },
    )
    assert response.status_code == 200, response.content
    old = response.json()
    assert old["status"] == "renegotiated" and old["replaced_by_id"]
    new = get(client, f"/commitments/{old['replaced_by_id']}").json()
    assert (new["status"], new["due_date"], new["amount"], new["replaces_id"]) == (
        "agreed",
        "2026-12-31",
        "300000.00",
        old["id"],
    )
    errors = field_errors(
        post(
            client,
            f"/commitments/{new['id']}/status",
            {"status": "renegotiated", "replacement": {"quantity": "-1"}},
        )
    )
    assert "replacement.quantity" in errors


def test_the_commitment_list_filters(api_for, manager, alliance, commitment, other_alliance):
    home = f.home_org()
    ours = CommitmentFactory(alliance=alliance, party=home, due_date=date(2026, 11, 15))
    elsewhere = CommitmentFactory(alliance=other_alliance, nature="soft")
    client = api_for(manager)
    with on_day(date(2026, 11, 1)):
        assert ids(get(client, "/commitments", {"overdue": True})) == {commitment.pk}
        assert ids(get(client, "/commitments", {"overdue": False})) == {ours.pk, elsewhere.pk}
        assert ids(get(client, "/commitments", {"due_within_days": 30})) == {ours.pk}
    assert ids(get(client, "/commitments", {"side": "ours"})) == {ours.pk}
    assert ids(get(client, "/commitments", {"nature": "hard"})) == {commitment.pk}
    assert ids(get(client, "/commitments", {"alliance": other_alliance.pk})) == {elsewhere.pk}
    assert ids(get(client, "/commitments", {"status": "in_progress"})) == {commitment.pk}
    assert get(client, "/commitments", {"side": "theirs"}).status_code == 422


def test_the_summary_explains_the_rate_mix_and_balance(api_for, partner, alliance, agreement, commitment):
    home = f.home_org()
    CommitmentFactory(
        alliance=alliance,
        party=home,
        quantity=Decimal("3"),
        unit="FTE",
        status="met",
        due_date=date(2026, 1, 31),
        met_on=date(2026, 1, 20),
    )
    CommitmentFactory(alliance=alliance, quantity=None, unit="", amount=Decimal("250000"), currency="USD")
    with on_day(date(2026, 11, 1)):
        response = get(api_for(partner), f"/alliances/{alliance.pk}/commitments/summary")
    assert response.status_code == 200, response.content
    s = response.json()
    assert (s["total"], s["open"], s["overdue"], s["hard"], s["soft"]) == (3, 2, 1, 1, 2)
    rows = {p["organization"]["name"]: p for p in s["parties"]}
    assert rows["Halcyon Test"]["met_on_time_rate"] == 1.0 and rows["Halcyon Test"]["headcount"] == "3.00"
    partner_row = rows["Stratus Test Cloud"]
    assert partner_row["money"] == "400000.00" and partner_row["money_share_pct"] == 100
    assert partner_row["other_money"] == [{"currency": "USD", "amount": "250000.00"}]
    assert partner_row["met_on_time_rate"] is None
    assert s["other_currencies"] == ["USD"]
    assert "never converted" in s["explanation"]["money"]


def test_the_summary_of_an_invisible_alliance_is_404(api_for, other_partner, alliance):
    assert get(api_for(other_partner), f"/alliances/{alliance.pk}/commitments/summary").status_code == 404


# --- constant queries, and no server errors ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/agreements", "/commitments"])
@pytest.mark.parametrize("who", ["manager", "partner"])
def test_list_endpoints_cost_the_same_queries_for_5_or_25_rows(
    api_for, manager, partner, alliance, path, who
):
    client = api_for(manager if who == "manager" else partner)

    def add(n: int) -> None:
        for _ in range(n):
            if path == "/agreements":
                AgreementFactory(alliance=alliance, owner=manager)
            else:
                CommitmentFactory(
                    alliance=alliance,
                    owner_user=manager,
                    owner_contact=f.ContactFactory(organization=partner_of(alliance)),
                )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, path, {"limit": 100}).status_code == 200
        return len(ctx)

    get(client, "/me")  # the token's first use is recorded once; keep it out of the count
    add(5)
    five = count()
    add(20)
    assert count() == five


def test_the_summary_costs_the_same_queries_for_5_or_25_commitments(api_for, manager, alliance):
    client = api_for(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, f"/alliances/{alliance.pk}/commitments/summary").status_code == 200
        return len(ctx)

    get(client, "/me")  # the token's first use is recorded once; keep it out of the count
    CommitmentFactory.create_batch(5, alliance=alliance)
    five = count()
    CommitmentFactory.create_batch(20, alliance=alliance, amount=Decimal("10"), currency="GBP")
    assert count() == five


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["NaN", "1e400", "\x00", "2025-02-30", "hard", "soft", "EUR", "eur", "met", "-1"]),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)
FIELDS = {
    "/agreements": [
        "alliance_id",
        "title",
        "kind",
        "status",
        "party_ids",
        "expiry_date",
        "auto_renew",
        "renewal_term_months",
        "notice_period_days",
        "value",
        "currency",
        "owner_id",
    ],
    "/commitments": [
        "alliance_id",
        "party_id",
        "nature",
        "soft_source",
        "agreement_id",
        "title",
        "quantity",
        "unit",
        "amount",
        "currency",
        "due_date",
        "status",
        "owner_user_id",
    ],
    "/agreements/{agreement}/status": ["status", "on", "reason", "version"],
    "/commitments/{commitment}/status": ["status", "met_on", "evidence", "replacement", "version"],
}


@pytest.mark.parametrize("path", list(FIELDS))
def test_arbitrary_bodies_never_cause_a_server_error(path, api_for, admin, alliance, agreement, commitment):
    client = api_for(admin)
    url = API + path.format(agreement=agreement.pk, commitment=commitment.pk)
    fields = FIELDS[path]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in fields}))
    def check(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in {200, 201, 409, 422}, (body, response.status_code, response.content)

    check()


PATCHABLE = {
    "/agreements/{agreement}": [
        "title",
        "kind",
        "party_ids",
        "expiry_date",
        "auto_renew",
        "value",
        "currency",
        "version",
    ],
    "/commitments/{commitment}": [
        "nature",
        "soft_source",
        "agreement_id",
        "quantity",
        "unit",
        "amount",
        "due_date",
        "version",
    ],
}


@pytest.mark.parametrize("path", list(PATCHABLE))
def test_arbitrary_patches_never_cause_a_server_error(path, api_for, admin, alliance, agreement, commitment):
    client = api_for(admin)
    url = API + path.format(agreement=agreement.pk, commitment=commitment.pk)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in PATCHABLE[path]}))
    def check(body):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code in {200, 409, 422}, (body, response.status_code, response.content)

    check()


def test_switching_a_commitment_to_hard_through_patch_needs_only_its_agreement(
    api_for, manager, alliance, agreement
):
    soft = CommitmentFactory(alliance=alliance)
    client = api_for(manager)
    assert "agreement_id" in field_errors(patch(client, f"/commitments/{soft.pk}", {"nature": "hard"}))
    body = patch(client, f"/commitments/{soft.pk}", {"nature": "hard", "agreement_id": agreement.pk}).json()
    assert (body["nature"], body["soft_source"], body["agreement"]["id"]) == ("hard", "", agreement.pk)
