"""The rules of agreements and commitments, through the services that enforce them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.agreements import services
from amity.agreements.models import (
    Agreement,
    AgreementStatus,
    Commitment,
    notice_deadline_for,
)
from amity.core.periods import add_months
from amity.core.services import ConflictError
from tests import factories as f

from .conftest import on_day
from .factories import AgreementFactory, CommitmentFactory, partner_of, party_orgs

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def new_agreement(alliance, manager, **data) -> Agreement:
    values = {"title": "Master alliance agreement", "kind": "master"}
    values.update(data)
    return services.agreement_create(alliance=alliance, data=values, user=manager)


# --- the notice deadline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expiry", "days", "deadline"),
    [
        (date(2027, 2, 21), 90, date(2026, 11, 23)),  # the demo's Stratus agreement
        (date(2027, 1, 15), 30, date(2026, 12, 16)),  # across the year end
        (date(2027, 1, 1), 1, date(2026, 12, 31)),  # the last day of the year before
        (date(2028, 3, 30), 30, date(2028, 2, 29)),  # lands on 29 February of a leap year
        (date(2028, 2, 29), 365, date(2027, 3, 1)),  # from 29 February, back a year
        (date(2027, 3, 30), 30, date(2027, 2, 28)),  # no 29 February in 2027
        (date(2027, 6, 30), 0, date(2027, 6, 30)),  # no notice period: the expiry itself
    ],
)
def test_notice_deadline_is_the_expiry_minus_the_notice_period(expiry, days, deadline):
    assert notice_deadline_for(expiry, days) == deadline


def test_notice_deadline_is_empty_without_an_expiry_or_a_notice_period():
    assert notice_deadline_for(None, 90) is None
    assert notice_deadline_for(date(2027, 1, 1), None) is None


def test_the_stored_notice_deadline_follows_every_edit(alliance, manager):
    agreement = new_agreement(alliance, manager, expiry_date=date(2027, 1, 15), notice_period_days=30)
    assert agreement.notice_deadline == date(2026, 12, 16)
    agreement, changed = services.agreement_update(
        agreement=agreement, data={"expiry_date": date(2028, 3, 30)}, user=manager
    )
    assert changed == ["expiry_date"]
    assert Agreement.objects.get(pk=agreement.pk).notice_deadline == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 2, 21), 12, date(2027, 2, 21)),
        (date(2027, 2, 28), 12, date(2028, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # 29 February + a year: clamped
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # across the year end into a leap February
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


# --- agreements: create and validate --------------------------------------------------------------


def test_a_new_agreement_is_signed_by_every_party_of_the_alliance_unless_told(alliance, manager):
    agreement = new_agreement(alliance, manager)
    assert set(agreement.parties.all()) == set(party_orgs(alliance))
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.history.latest("history_id").history_user == manager


def test_an_agreement_party_must_be_a_party_of_the_alliance(alliance, manager, other_partner_org):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            alliance=alliance,
            data={"title": "NDA", "kind": "nda"},
            parties=[f.home_org(), other_partner_org],
            user=manager,
        )
    assert "Kestrel Test IT is not a party of Stratus Test Alliance" in errors_of(exc)["parties"][0]
    assert not Agreement.objects.exists()


def test_an_agreement_needs_two_parties(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            alliance=alliance, data={"title": "NDA"}, parties=[f.home_org()], user=manager
        )
    assert "at least two parties" in errors_of(exc)["parties"][0]


def test_an_agreement_recorded_as_active_needs_its_signature_and_effective_dates(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        new_agreement(alliance, manager, status="active")
    assert set(errors_of(exc)) == {"signed_date", "effective_date"}


def test_expiry_before_the_effective_date_is_refused(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        new_agreement(alliance, manager, effective_date=date(2026, 1, 1), expiry_date=date(2025, 12, 31))
    assert "before the effective date" in errors_of(exc)["expiry_date"][0]


def test_auto_renewal_needs_a_renewal_term_and_an_expiry(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        new_agreement(alliance, manager, auto_renew=True)
    assert set(errors_of(exc)) == {"renewal_term_months", "expiry_date"}


def test_an_exclusivity_scope_needs_exclusivity_ticked(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        new_agreement(alliance, manager, exclusivity_scope="DACH")
    assert "exclusivity_scope" in errors_of(exc)


def test_an_executive_cannot_record_an_agreement(alliance, executive):
    with pytest.raises(PermissionDenied):
        new_agreement(alliance, executive)


def test_a_stale_edit_is_a_conflict_and_writes_nothing(alliance, manager):
    agreement = new_agreement(alliance, manager)
    services.agreement_update(agreement=agreement, data={"title": "First"}, user=manager, expected_version=1)
    with pytest.raises(ConflictError):
        services.agreement_update(
            agreement=agreement, data={"title": "Second"}, user=manager, expected_version=1
        )
    assert Agreement.objects.get().title == "First"


def test_changing_the_parties_is_recorded_in_the_history(alliance, manager):
    member = f.OrganizationFactory(name="Third Party BV")
    alliance.parties.create(organization=member, role="member")
    agreement = services.agreement_create(
        alliance=alliance, data={"title": "NDA"}, parties=[f.home_org(), partner_of(alliance)], user=manager
    )
    services.agreement_update(agreement=agreement, data={}, parties=party_orgs(alliance), user=manager)
    assert "Third Party BV" in agreement.history.latest("history_id").history_change_reason
    assert agreement.parties.count() == 3


# --- agreements: the status map -----------------------------------------------------------------------


def test_the_agreement_status_map_allows_the_life_of_a_contract():
    assert services.AGREEMENT_TRANSITIONS["draft"] == ("negotiating", "signed", "terminated")
    assert services.AGREEMENT_TRANSITIONS["active"] == ("expired", "terminated")
    assert services.AGREEMENT_TRANSITIONS["expired"] == ()
    assert services.AGREEMENT_TRANSITIONS["terminated"] == ()


def test_an_agreement_moves_from_draft_to_active_and_records_its_dates(alliance, manager):
    agreement = new_agreement(alliance, manager)
    with on_day(date(2026, 3, 1)):
        agreement = services.agreement_set_status(agreement=agreement, to_status="negotiating", user=manager)
        agreement = services.agreement_set_status(agreement=agreement, to_status="signed", user=manager)
    assert agreement.signed_date == date(2026, 3, 1)
    with on_day(date(2026, 3, 10)):
        agreement = services.agreement_set_status(
            agreement=agreement, to_status="active", on=date(2026, 3, 5), user=manager
        )
    assert (agreement.status, agreement.effective_date) == ("active", date(2026, 3, 5))
    reasons = list(agreement.history.values_list("history_change_reason", flat=True))
    assert "status: Signed → Active" in reasons
    assert "status: Draft → Negotiating" in reasons


def test_a_status_move_outside_the_map_names_the_allowed_ones(alliance, manager):
    agreement = new_agreement(alliance, manager)
    with pytest.raises(ValidationError) as exc:
        services.agreement_set_status(agreement=agreement, to_status="expired", user=manager)
    message = errors_of(exc)["status"][0]
    assert "Draft → Expired is not allowed" in message
    assert "Negotiating, Signed, Terminated" in message


def test_an_agreement_cannot_be_activated_before_it_takes_effect(alliance, manager):
    agreement = new_agreement(
        alliance, manager, status="signed", signed_date=date(2026, 1, 5), effective_date=date(2026, 2, 1)
    )
    with on_day(date(2026, 1, 20)), pytest.raises(ValidationError) as exc:
        services.agreement_set_status(agreement=agreement, to_status="active", user=manager)
    assert "takes effect on 01 Feb 2026" in errors_of(exc)["effective_date"][0]


def test_an_agreement_running_into_the_future_cannot_be_marked_expired(alliance, manager):
    agreement = AgreementFactory(alliance=alliance, expiry_date=date(2027, 1, 14))
    with on_day(date(2026, 6, 1)), pytest.raises(ValidationError) as exc:
        services.agreement_set_status(agreement=agreement, to_status="expired", user=manager)
    assert "terminate it to end it early" in errors_of(exc)["expiry_date"][0]
    with on_day(date(2026, 6, 1)):
        terminated = services.agreement_set_status(
            agreement=agreement, to_status="terminated", reason="Partner acquired", user=manager
        )
    assert terminated.terminated_date == date(2026, 6, 1)
    assert (
        terminated.history.latest("history_id").history_change_reason
        == "status: Active → Terminated (Partner acquired)"
    )


# --- automatic renewal -----------------------------------------------------------------------------------


def auto_renewing(alliance, **kw):
    values = {
        "expiry_date": date(2026, 2, 21),
        "auto_renew": True,
        "renewal_term_months": 12,
        "notice_period_days": 90,
    }
    values.update(kw)
    return AgreementFactory(alliance=alliance, **values)


def test_an_active_auto_renewing_agreement_renews_when_its_expiry_passes(alliance, manager):
    agreement = auto_renewing(alliance)
    renewed = services.agreement_renew(agreement=agreement, user=manager, today=date(2026, 2, 23))
    assert renewed.expiry_date == date(2027, 2, 21)
    assert renewed.notice_deadline == date(2026, 11, 23)
    reason = renewed.history.latest("history_id").history_change_reason
    assert (
        reason
        == "renewed automatically: term ended 21 Feb 2026, + 12 months → 21 Feb 2027, notice by 23 Nov 2026"
    )
    assert len(reason) <= 100  # simple-history's reason column


def test_renewal_repeats_the_term_until_the_expiry_lies_ahead_each_step_in_the_history(alliance, manager):
    agreement = auto_renewing(alliance, effective_date=date(2023, 3, 1), expiry_date=date(2024, 2, 29))
    renewed = services.agreement_renew(agreement=agreement, user=manager, today=date(2026, 3, 1))
    assert renewed.expiry_date == date(2027, 2, 28)  # 29 Feb 2024 → 28 Feb 2025 → 2026 → 2027
    assert renewed.history.filter(history_change_reason__startswith="renewed automatically").count() == 3


def test_only_a_passed_active_auto_renewing_agreement_renews(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.agreement_renew(agreement=auto_renewing(alliance), user=manager, today=date(2026, 2, 21))
    assert "nothing to renew yet" in errors_of(exc)["expiry_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.agreement_renew(
            agreement=auto_renewing(alliance, auto_renew=False), user=manager, today=date(2026, 3, 1)
        )
    assert "auto_renew" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.agreement_renew(
            agreement=auto_renewing(alliance, status="signed"), user=manager, today=date(2026, 3, 1)
        )
    assert "status" in errors_of(exc)


def test_the_daily_roll_over_activates_renews_and_expires_with_reasons(alliance):
    signed = AgreementFactory(alliance=alliance, status="signed", effective_date=date(2026, 3, 1))
    renewing = auto_renewing(alliance)
    ending = AgreementFactory(alliance=alliance, expiry_date=date(2026, 2, 28))
    result = services.agreements_roll_over(today=date(2026, 3, 1))
    assert [a.pk for a in result["activated"]] == [signed.pk]
    assert [a.pk for a in result["renewed"]] == [renewing.pk]
    assert [a.pk for a in result["expired"]] == [ending.pk]
    ending.refresh_from_db()
    assert ending.status == "expired"
    assert "no automatic renewal" in ending.history.latest("history_id").history_change_reason
    assert services.agreements_roll_over(today=date(2026, 3, 1)) == {
        "activated": [],
        "renewed": [],
        "expired": [],
    }


def test_an_agreement_with_open_commitments_is_not_archived(alliance, manager):
    agreement = AgreementFactory(alliance=alliance)
    CommitmentFactory(alliance=alliance, nature="hard", soft_source="", agreement=agreement)
    with pytest.raises(ValidationError):
        services.agreement_archive(agreement=agreement, user=manager)
    agreement.refresh_from_db()
    assert agreement.archived_at is None


# --- commitments -------------------------------------------------------------------------------------------


def commitment_data(alliance, **kw):
    data = {
        "party": partner_of(alliance),
        "nature": "soft",
        "soft_source": "handshake",
        "category": "funding",
        "title": "Proof-of-concept funding",
        "amount": Decimal("600000"),
        "due_date": date(2026, 12, 31),
    }
    data.update(kw)
    return data


def test_a_hard_commitment_requires_an_agreement_of_the_same_alliance(alliance, other_alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, nature="hard", soft_source=""), user=manager
        )
    assert "tied to an agreement" in errors_of(exc)["agreement"][0]
    elsewhere = AgreementFactory(alliance=other_alliance)
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance,
            data=commitment_data(alliance, nature="hard", soft_source="", agreement=elsewhere),
            user=manager,
        )
    assert "belongs to another alliance" in errors_of(exc)["agreement"][0]
    mine = AgreementFactory(alliance=alliance)
    hard = services.commitment_create(
        alliance=alliance,
        data=commitment_data(alliance, nature="hard", soft_source="", agreement=mine),
        user=manager,
    )
    assert hard.agreement == mine


def test_a_hard_commitment_binds_only_a_party_to_its_agreement(alliance, manager):
    nda = AgreementFactory(alliance=alliance, parties=[f.home_org(), partner_of(alliance)])
    member = f.OrganizationFactory(name="Member GmbH")
    alliance.parties.create(organization=member, role="member")
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance,
            data=commitment_data(alliance, party=member, nature="hard", soft_source="", agreement=nda),
            user=manager,
        )
    assert "Member GmbH is not a party to" in errors_of(exc)["agreement"][0]


def test_a_soft_commitment_names_its_source_and_has_no_agreement(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, soft_source=""), user=manager
        )
    assert "annual plan, executive handshake or one-off project" in errors_of(exc)["soft_source"][0]
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance,
            data=commitment_data(alliance, agreement=AgreementFactory(alliance=alliance)),
            user=manager,
        )
    assert "agreement" in errors_of(exc)


def test_the_committing_party_must_be_a_party_of_the_alliance(alliance, other_partner_org, manager):
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, party=other_partner_org), user=manager
        )
    assert "Kestrel Test IT is not a party of Stratus Test Alliance" in errors_of(exc)["party"][0]


def test_a_commitment_is_a_quantity_with_a_unit_or_an_amount(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, amount=None), user=manager
        )
    assert "quantity" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance,
            data=commitment_data(alliance, amount=None, quantity=Decimal("2")),
            user=manager,
        )
    assert "unit" in errors_of(exc)
    both = services.commitment_create(
        alliance=alliance, data=commitment_data(alliance, quantity=Decimal("2"), unit="FTE"), user=manager
    )
    assert both.is_headcount and both.amount == Decimal("600000")


def test_the_owner_is_a_contact_of_the_committing_party(alliance, manager):
    stranger = f.ContactFactory(organization=f.home_org())
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, owner_contact=stranger), user=manager
        )
    assert "not for the committing party" in errors_of(exc)["owner_contact"][0]


def test_a_new_commitment_cannot_start_closed(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            alliance=alliance, data=commitment_data(alliance, status="met"), user=manager
        )
    assert "status" in errors_of(exc)


def test_the_commitment_status_map():
    assert services.COMMITMENT_TRANSITIONS["proposed"] == ("agreed", "waived")
    assert "renegotiated" in services.COMMITMENT_TRANSITIONS["in_progress"]
    for closed in ("met", "missed", "waived", "renegotiated"):
        assert services.COMMITMENT_TRANSITIONS[closed] == ()


def test_met_records_the_day_and_requires_evidence(alliance, manager):
    commitment = CommitmentFactory(alliance=alliance, due_date=date(2026, 6, 30))
    with on_day(date(2026, 7, 10)):
        with pytest.raises(ValidationError) as exc:
            services.commitment_set_status(commitment=commitment, to_status="met", user=manager)
        assert "evidence" in errors_of(exc)
        with pytest.raises(ValidationError) as exc:
            services.commitment_set_status(
                commitment=commitment, to_status="met", met_on=date(2026, 7, 11), evidence="x", user=manager
            )
        assert "met_on" in errors_of(exc)
        met = services.commitment_set_status(
            commitment=commitment,
            to_status="met",
            met_on=date(2026, 7, 2),
            evidence="Signed PO",
            user=manager,
        )
    assert (met.status, met.met_on, met.evidence, met.met_on_time) == (
        "met",
        date(2026, 7, 2),
        "Signed PO",
        False,
    )
    assert "(late, due 30 Jun 2026)" in met.history.latest("history_id").history_change_reason


def test_a_closed_commitment_does_not_move_again(alliance, manager):
    commitment = CommitmentFactory(alliance=alliance, status="missed")
    with pytest.raises(ValidationError) as exc:
        services.commitment_set_status(commitment=commitment, to_status="met", evidence="x", user=manager)
    assert "none - it is closed" in errors_of(exc)["status"][0]


def test_renegotiation_keeps_both_and_links_the_new_terms_to_the_old(alliance, manager):
    old = CommitmentFactory(alliance=alliance, due_date=date(2026, 8, 31), status="in_progress")
    services.commitment_set_status(
        commitment=old,
        to_status="renegotiated",
        replacement={"due_date": date(2026, 11, 15), "quantity": Decimal("2")},
        note="Agreed at the QBR",
        user=manager,
    )
    old.refresh_from_db()
    new = Commitment.objects.get(replaces=old)
    assert old.status == "renegotiated" and new.status == "agreed"
    assert (new.due_date, new.quantity, new.title, new.party) == (
        date(2026, 11, 15),
        Decimal("2"),
        old.title,
        old.party,
    )
    assert Commitment.objects.count() == 2
    assert (
        old.history.latest("history_id").history_change_reason
        == (
            f"status: In progress → Renegotiated, replaced by #{new.pk}: due date 31 Aug 2026 → 15 Nov 2026; "
            "quantity 1.00 → 2"
        )[:99]
        + "…"
    )
    assert old.evidence == "Agreed at the QBR"  # the why, kept in full
    assert new.history.latest("history_id").history_change_reason.startswith(
        f"renegotiated from #{old.pk}: due date"
    )


def test_renegotiation_needs_new_terms_and_names_the_bad_field(alliance, manager):
    old = CommitmentFactory(alliance=alliance)
    with pytest.raises(ValidationError) as exc:
        services.commitment_set_status(commitment=old, to_status="renegotiated", replacement={}, user=manager)
    assert "replacement" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.commitment_set_status(
            commitment=old, to_status="renegotiated", replacement={"quantity": Decimal("-1")}, user=manager
        )
    assert "replacement.quantity" in errors_of(exc)
    old.refresh_from_db()
    assert old.status == "agreed" and Commitment.objects.count() == 1


def test_an_executive_can_read_but_not_move_a_commitment(alliance, executive):
    commitment = CommitmentFactory(alliance=alliance)
    with pytest.raises(PermissionDenied):
        services.commitment_set_status(commitment=commitment, to_status="in_progress", user=executive)


def test_the_roll_over_command_reports_what_it_did_and_is_idempotent(alliance):
    from io import StringIO

    from django.core.management import CommandError, call_command

    auto_renewing(alliance)
    out = StringIO()
    call_command("agreements_roll_over", "--date", "2026-03-01", stdout=out)
    assert "renewed: Stratus Test Alliance" in out.getvalue()
    assert out.getvalue().strip().endswith("agreements activated: 0, renewed: 1, expired: 0")
    out = StringIO()
    call_command("agreements_roll_over", "--date", "2026-03-01", stdout=out)
    assert out.getvalue().strip() == "agreements activated: 0, renewed: 0, expired: 0"
    with pytest.raises(CommandError, match="--date"):
        call_command("agreements_roll_over", "--date", "tomorrow")


def test_a_status_note_fits_the_history_and_long_reasons_are_shortened(alliance, manager):
    agreement = new_agreement(alliance, manager)
    with pytest.raises(ValidationError) as exc:
        services.agreement_set_status(
            agreement=agreement, to_status="negotiating", reason="x" * 61, user=manager
        )
    assert "60 characters" in errors_of(exc)["reason"][0]
    for i in range(4):
        alliance.parties.create(
            organization=f.OrganizationFactory(name=f"A partner with a long name {i} GmbH"), role="member"
        )
    services.agreement_update(agreement=agreement, data={}, parties=party_orgs(alliance), user=manager)
    reason = agreement.history.latest("history_id").history_change_reason
    assert len(reason) == 100 and reason.endswith("…") and reason.startswith("parties: ")
