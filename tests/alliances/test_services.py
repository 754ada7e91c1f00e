"""Alliance services: creation, parties, people, life cycle and reviews."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.alliances import services
from amity.alliances.models import (
    Alliance,
    AllianceParty,
    GateRequirement,
    MemberRole,
    PartyRole,
    Stage,
    StageChange,
    StrategicReview,
)
from amity.core.services import ConflictError
from tests import factories as f


def test_creating_an_alliance_adds_our_company_as_host(manager, partner_org):
    alliance = services.alliance_create(
        user=manager,
        data={"name": "New one", "alliance_type": "gtm"},
        partners=[(partner_org, PartyRole.PARTNER)],
    )
    roles = dict(alliance.parties.values_list("organization__name", "role"))
    assert roles == {"Halcyon Test": "host", partner_org.name: "partner"}
    assert alliance.owner == manager
    assert StageChange.objects.filter(alliance=alliance, to_stage=Stage.IDENTIFY).exists()
    assert alliance.history.count() == 1


def test_consortium_can_have_several_partners(manager):
    orgs = [f.OrganizationFactory() for _ in range(3)]
    alliance = services.alliance_create(
        user=manager,
        data={"name": "Consortium", "alliance_type": "consortium"},
        partners=[(o, PartyRole.MEMBER) for o in orgs],
    )
    assert alliance.parties.count() == 4


def test_an_alliance_needs_a_partner(manager, home):
    with pytest.raises(ValidationError) as exc:
        services.alliance_create(
            user=manager, data={"name": "Alone", "alliance_type": "gtm"}, partners=[(home, "partner")]
        )
    assert "partners" in exc.value.message_dict
    assert not Alliance.objects.filter(name="Alone").exists()


def test_bad_dates_name_the_field_and_write_nothing(manager, partner_org):
    import datetime as dt

    with pytest.raises(ValidationError) as exc:
        services.alliance_create(
            user=manager,
            data={
                "name": "Backwards",
                "alliance_type": "gtm",
                "start_date": dt.date(2026, 5, 1),
                "end_date": dt.date(2026, 1, 1),
            },
            partners=[(partner_org, "partner")],
        )
    assert "end_date" in exc.value.message_dict
    assert not Alliance.objects.filter(name="Backwards").exists()


def test_executives_and_partners_cannot_create_alliances(executive, partner, partner_org):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            services.alliance_create(
                user=user, data={"name": "x", "alliance_type": "gtm"}, partners=[(partner_org, "partner")]
            )


def test_update_with_a_stale_version_conflicts_and_writes_nothing(manager, alliance):
    services.alliance_update(
        alliance=alliance, data={"description": "first"}, user=manager, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.alliance_update(
            alliance=alliance, data={"description": "second"}, user=manager, expected_version=1
        )
    alliance.refresh_from_db()
    assert alliance.description == "first"
    assert alliance.version == 2


def test_update_records_who_changed_which_field(manager, alliance):
    services.alliance_update(alliance=alliance, data={"description": "changed"}, user=manager)
    latest = alliance.history.first()
    assert latest.history_user == manager
    assert "description" in [c.field for c in latest.diff_against(latest.prev_record).changes]


def test_the_last_partner_cannot_leave(manager, alliance):
    party = alliance.parties.get(role=PartyRole.PARTNER)
    with pytest.raises(ValidationError):
        services.party_remove(party=party, user=manager)


def test_a_party_leaving_is_archived_and_loses_visibility(manager, alliance, partner):
    extra = f.OrganizationFactory()
    services.party_add(alliance=alliance, organization=extra, role="partner", user=manager)
    party = alliance.parties.get(organization=partner.organization)
    services.party_remove(party=party, user=manager)
    assert AllianceParty.objects.get(pk=party.pk).archived_at is not None
    assert not Alliance.objects.visible_to(partner).filter(pk=alliance.pk).exists()


def test_members_must_work_for_a_party(manager, alliance):
    outsider = f.ContactFactory()
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            alliance=alliance, contact=outsider, role=MemberRole.SPONSOR, area="", user=manager
        )
    assert "contact" in exc.value.message_dict


def _gate_ids(stage):
    return {g.pk for g in GateRequirement.objects.filter(stage=stage, check_kind="attest")}


def test_transition_not_in_the_rules_is_refused(manager, alliance):
    alliance.stage = Stage.IDENTIFY
    alliance.save()
    with pytest.raises(ValidationError) as exc:
        services.alliance_transition(alliance=alliance, to_stage=Stage.MANAGE, user=manager)
    assert "not an allowed transition" in str(exc.value)


def test_unmet_gate_blocks_the_transition_and_lists_what_is_missing(manager, home, partner_org):
    alliance = f.AllianceFactory(stage=Stage.NEGOTIATE, partner=partner_org)
    with pytest.raises(services.GateBlocked) as exc:
        services.alliance_transition(alliance=alliance, to_stage=Stage.LAUNCH, user=manager)
    missing = [i["label"] for i in exc.value.items if not i["met"]]
    assert "Executive sponsors are named on both sides" in missing
    assert "A signed alliance agreement is on file" in missing
    alliance.refresh_from_db()
    assert alliance.stage == Stage.NEGOTIATE


def test_met_gate_moves_the_alliance_and_records_the_checklist(manager, home, partner_org):
    import datetime as dt

    alliance = f.AllianceFactory(stage=Stage.NEGOTIATE, partner=partner_org, start_date=dt.date(2026, 1, 1))
    f.add_sponsor(alliance, home)
    f.add_sponsor(alliance, partner_org)
    change = services.alliance_transition(
        alliance=alliance,
        to_stage=Stage.LAUNCH,
        user=manager,
        reason="signed",
        attested=_gate_ids(Stage.LAUNCH),
    )
    alliance.refresh_from_db()
    assert alliance.stage == Stage.LAUNCH
    assert change.overridden is False
    assert all(item["met"] for item in change.checklist)


def test_only_an_admin_may_override_a_gate_and_the_reason_is_recorded(manager, admin, home, partner_org):
    alliance = f.AllianceFactory(stage=Stage.NEGOTIATE, partner=partner_org)
    with pytest.raises(PermissionDenied):
        services.alliance_transition(
            alliance=alliance, to_stage=Stage.LAUNCH, user=manager, override_reason="rush"
        )
    change = services.alliance_transition(
        alliance=alliance, to_stage=Stage.LAUNCH, user=admin, override_reason="Board decision of 3 Nov"
    )
    assert change.overridden is True
    assert change.override_reason == "Board decision of 3 Nov"


def test_retirement_needs_an_exit_plan(manager, home, partner_org):
    alliance = f.AllianceFactory(stage=Stage.TRANSFORM, partner=partner_org)
    with pytest.raises(services.GateBlocked):
        services.alliance_transition(
            alliance=alliance, to_stage=Stage.RETIRED, user=manager, attested=_gate_ids(Stage.RETIRED)
        )
    alliance.exit_plan = "Hand customers to Meridian."
    alliance.save()
    services.alliance_transition(
        alliance=alliance, to_stage=Stage.RETIRED, user=manager, attested=_gate_ids(Stage.RETIRED)
    )


def test_review_record_stores_result_and_rejects_out_of_range_scores(manager, alliance):
    review = services.review_record(
        alliance=alliance, user=manager, data={"score_goals": 4, "score_innovation": 4}
    )
    assert review.criteria_total == 8
    assert review.classification == "tactical"
    with pytest.raises(ValidationError) as exc:
        services.review_record(alliance=alliance, user=manager, data={"score_goals": 7})
    assert "score_goals" in exc.value.message_dict
    assert StrategicReview.objects.filter(alliance=alliance).count() == 1


def test_apply_recommended_tier(manager, alliance):
    review = services.review_record(alliance=alliance, user=manager, data={"score_goals": 1})
    alliance = services.alliance_apply_recommended_tier(alliance=alliance, user=manager)
    assert alliance.tier == review.recommended_tier


def test_partner_users_cannot_record_reviews(partner, alliance):
    with pytest.raises(PermissionDenied):
        services.review_record(alliance=alliance, user=partner, data={})
