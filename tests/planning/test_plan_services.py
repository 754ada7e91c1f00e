"""Joint business plans: one per alliance and year, agreement by every side, reset on
change, review and renew."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.core import periods
from amity.core.services import ConflictError, model_archive
from amity.planning import services
from amity.planning.models import JointBusinessPlan, PlanAgreement, PlanObjective, PlanStatus
from tests import factories as f

from .factories import PlanFactory, PlanObjectiveFactory

pytestmark = pytest.mark.django_db


def proposed_plan(alliance, **kw):
    return PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=timezone.now(), **kw)


def agreed_plan(alliance, manager, partner):
    plan = proposed_plan(alliance)
    services.plan_agree(plan=plan, user=manager)
    return services.plan_agree(plan=plan, user=partner)


def error_fields(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --- create and fiscal years ----------------------------------------------------------------


def test_a_new_plan_is_a_draft_for_this_fiscal_year_owned_by_its_creator(manager, alliance):
    plan = services.plan_create(alliance=alliance, data={}, user=manager)
    assert plan.status == PlanStatus.DRAFT
    assert plan.fiscal_year == periods.fiscal_year_of(timezone.localdate())
    assert plan.title == f"{alliance.name} joint business plan FY{plan.fiscal_year}"
    assert plan.owner == manager
    assert plan.currency == "EUR"


def test_the_fiscal_year_follows_the_start_month_setting(settings, manager, alliance):
    settings.AMITY_FISCAL_YEAR_START_MONTH = 7
    today = timezone.localdate()
    expected = today.year + 1 if today.month >= 7 else today.year
    plan = services.plan_create(alliance=alliance, data={}, user=manager)
    assert plan.fiscal_year == expected
    assert plan.period.start.month == 7


def test_an_alliance_has_one_plan_per_fiscal_year(manager, alliance):
    services.plan_create(alliance=alliance, data={"fiscal_year": 2026}, user=manager)
    with pytest.raises(ValidationError) as exc:
        services.plan_create(alliance=alliance, data={"fiscal_year": 2026}, user=manager)
    assert error_fields(exc) == {"fiscal_year"}
    assert "already has a plan for FY2026" in exc.value.message_dict["fiscal_year"][0]
    assert JointBusinessPlan.objects.filter(alliance=alliance).count() == 1


def test_an_archived_plan_frees_its_fiscal_year_and_cannot_come_back_over_the_new_one(manager, alliance):
    old = services.plan_create(alliance=alliance, data={"fiscal_year": 2026}, user=manager)
    model_archive(instance=old, user=manager)
    services.plan_create(alliance=alliance, data={"fiscal_year": 2026}, user=manager)
    old.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.plan_restore(plan=old, user=manager)
    assert error_fields(exc) == {"fiscal_year"}


def test_other_alliances_may_plan_the_same_year(manager, alliance, other_alliance):
    services.plan_create(alliance=alliance, data={"fiscal_year": 2026}, user=manager)
    assert services.plan_create(alliance=other_alliance, data={"fiscal_year": 2026}, user=manager).pk


def test_executives_and_partners_cannot_create_plans(executive, partner, alliance):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            services.plan_create(alliance=alliance, data={}, user=user)


def test_an_archived_alliance_gets_no_new_plan(manager, alliance):
    alliance = model_archive(instance=alliance, user=manager)
    with pytest.raises(ValidationError) as exc:
        services.plan_create(alliance=alliance, data={}, user=manager)
    assert error_fields(exc) == {"alliance"}


def test_a_stale_edit_is_a_conflict_and_writes_nothing(manager, alliance):
    plan = PlanFactory(alliance=alliance)
    services.plan_update(plan=plan, data={"thesis": "First"}, user=manager, expected_version=1)
    with pytest.raises(ConflictError):
        services.plan_update(plan=plan, data={"thesis": "Second"}, user=manager, expected_version=1)
    plan.refresh_from_db()
    assert plan.thesis == "First"


# --- agreement by every side ----------------------------------------------------------------


def test_the_plan_is_agreed_when_our_side_and_the_partner_user_agreed(
    manager, partner, alliance, partner_org
):
    plan = proposed_plan(alliance)
    plan = services.plan_agree(plan=plan, user=manager)
    assert plan.status == PlanStatus.PROPOSED
    plan = services.plan_agree(plan=plan, user=partner)
    assert plan.status == PlanStatus.AGREED
    assert plan.agreed_at is not None
    sides = {a.organization_id: a for a in PlanAgreement.objects.active().filter(plan=plan)}
    assert sides[f.home_org().pk].agreed_by == manager
    assert sides[partner_org.pk].agreed_by == partner
    assert not sides[partner_org.pk].on_behalf
    assert "Agreed by every side" in plan.history.first().history_change_reason


def test_a_plan_with_several_partners_needs_each_partners_agreement(
    manager, partner, alliance, other_partner_org
):
    AllianceParty.objects.create(alliance=alliance, organization=other_partner_org, role="member")
    plan = proposed_plan(alliance)
    services.plan_agree(plan=plan, user=manager)
    plan = services.plan_agree(plan=plan, user=partner)
    assert plan.status == PlanStatus.PROPOSED
    second = f.partner_user(other_partner_org, username="member-user")
    plan = services.plan_agree(plan=plan, user=second)
    assert plan.status == PlanStatus.AGREED


def test_an_editor_records_a_partner_sides_agreement_only_with_a_note(manager, alliance, partner_org):
    plan = proposed_plan(alliance)
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(plan=plan, user=manager, organization=partner_org)
    assert error_fields(exc) == {"note"}
    services.plan_agree(plan=plan, user=manager, organization=partner_org, note="Signed copy received.")
    agreement = PlanAgreement.objects.get(plan=plan, organization=partner_org)
    assert agreement.on_behalf and agreement.agreed_by == manager
    assert agreement.note == "Signed copy received."


def test_a_side_cannot_agree_twice(manager, alliance):
    plan = proposed_plan(alliance)
    services.plan_agree(plan=plan, user=manager)
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(plan=plan, user=manager)
    assert "already agreed" in exc.value.message_dict["organization"][0]


def test_a_partner_agrees_only_a_proposed_plan(partner, alliance):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(plan=plan, user=partner)
    assert error_fields(exc) == {"status"}
    assert not PlanAgreement.objects.exists()


def test_a_partner_agrees_only_for_their_own_organization(partner, alliance):
    plan = proposed_plan(alliance)
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(plan=plan, user=partner, organization=f.home_org())
    assert error_fields(exc) == {"organization"}


def test_a_partner_of_another_organization_cannot_agree(other_partner, alliance):
    plan = proposed_plan(alliance)
    with pytest.raises(PermissionDenied):
        services.plan_agree(plan=plan, user=other_partner)
    assert not PlanAgreement.objects.exists()


def test_executives_cannot_agree(executive, alliance):
    with pytest.raises(PermissionDenied):
        services.plan_agree(plan=proposed_plan(alliance), user=executive)


# --- editing resets the agreement -----------------------------------------------------------


def test_editing_the_substance_of_an_agreed_plan_resets_the_agreement(manager, partner, alliance):
    plan = agreed_plan(alliance, manager, partner)
    plan, changed = services.plan_update(plan=plan, data={"revenue_target": Decimal("2000000")}, user=manager)
    assert changed == ["revenue_target"]
    assert plan.status == PlanStatus.PROPOSED
    assert plan.agreed_at is None
    assert not PlanAgreement.objects.active().filter(plan=plan).exists()
    assert PlanAgreement.objects.filter(plan=plan).count() == 2  # archived, never deleted
    reason = plan.history.first().history_change_reason
    assert reason.startswith("Agreement reset: revenue target changed after")
    assert "every side must agree again" in reason


def test_changing_the_owner_of_an_agreed_plan_keeps_the_agreement(manager, partner, alliance, admin):
    plan = agreed_plan(alliance, manager, partner)
    plan, _ = services.plan_update(plan=plan, data={"owner": admin}, user=manager)
    assert plan.status == PlanStatus.AGREED


def test_changing_an_objective_target_resets_but_reporting_an_actual_does_not(manager, partner, alliance):
    plan = agreed_plan(alliance, manager, partner)
    objective = PlanObjectiveFactory(plan=plan)
    services.objective_update(objective=objective, data={"actual_q1": Decimal("90")}, user=manager)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    services.objective_update(objective=objective, data={"target_q2": Decimal("150")}, user=manager)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert "Q2 target" in plan.history.first().history_change_reason


def test_adding_an_objective_to_an_active_plan_asks_every_side_again(manager, partner, alliance):
    plan = agreed_plan(alliance, manager, partner)
    plan = services.plan_set_status(plan=plan, status=PlanStatus.ACTIVE, user=manager)
    services.objective_create(plan=plan, data={"title": "References", "unit": "customers"}, user=manager)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert "objective “References” added" in plan.history.first().history_change_reason


def test_a_closed_plan_keeps_its_substance_but_takes_late_actuals(manager, alliance):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.CLOSED)
    objective = PlanObjectiveFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, data={"thesis": "Rewritten"}, user=manager)
    with pytest.raises(ValidationError):
        services.objective_update(objective=objective, data={"target_q4": Decimal("1")}, user=manager)
    objective, _ = services.objective_update(
        objective=objective, data={"actual_q4": Decimal("80")}, user=manager
    )
    assert objective.actual_q4 == Decimal("80")


# --- status -------------------------------------------------------------------------------


def test_a_plan_moves_draft_proposed_agreed_active_closed(manager, partner, alliance):
    plan = PlanFactory(alliance=alliance)
    plan = services.plan_set_status(plan=plan, status=PlanStatus.PROPOSED, user=manager)
    assert plan.proposed_at is not None
    services.plan_agree(plan=plan, user=manager)
    plan = services.plan_agree(plan=plan, user=partner)
    plan = services.plan_set_status(plan=plan, status=PlanStatus.ACTIVE, user=manager)
    assert plan.activated_at is not None
    plan = services.plan_set_status(plan=plan, status=PlanStatus.CLOSED, user=manager)
    assert plan.status == PlanStatus.CLOSED and plan.closed_at is not None


def test_agreed_is_reached_by_agreeing_not_by_setting_it(manager, alliance):
    plan = proposed_plan(alliance)
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(plan=plan, status=PlanStatus.AGREED, user=manager)
    assert "every side has agreed" in exc.value.message_dict["status"][0]


def test_a_draft_cannot_jump_to_active(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(plan=PlanFactory(alliance=alliance), status=PlanStatus.ACTIVE, user=manager)
    assert "A draft plan cannot become active" in exc.value.message_dict["status"][0]


def test_withdrawing_a_proposal_resets_the_agreements_given(manager, alliance):
    plan = proposed_plan(alliance)
    services.plan_agree(plan=plan, user=manager)
    plan = services.plan_set_status(plan=plan, status=PlanStatus.DRAFT, user=manager)
    assert not PlanAgreement.objects.active().filter(plan=plan).exists()


def test_partners_cannot_change_the_status(partner, alliance):
    with pytest.raises(PermissionDenied):
        services.plan_set_status(plan=proposed_plan(alliance), status=PlanStatus.DRAFT, user=partner)


# --- review and renew -----------------------------------------------------------------------


def test_renew_creates_next_years_draft_with_objectives_and_closes_this_one(manager, alliance, partner_org):
    plan = PlanFactory(
        alliance=alliance, fiscal_year=2025, title="Stratus plan FY2025", status=PlanStatus.ACTIVE
    )
    PlanObjectiveFactory(
        plan=plan,
        title="Pipeline",
        owning_side=partner_org,
        target_q1=Decimal("10"),
        target_q4=Decimal("40"),
        actual_q1=Decimal("12"),
    )
    gone = PlanObjectiveFactory(plan=plan, title="Dropped")
    model_archive(instance=gone, user=manager)

    renewed = services.plan_renew(plan=plan, user=manager)

    assert renewed.fiscal_year == 2026
    assert renewed.title == "Stratus plan FY2026"
    assert renewed.status == PlanStatus.DRAFT
    assert renewed.renewed_from == plan
    assert (renewed.thesis, renewed.revenue_target, renewed.capability_expectations) == (
        plan.thesis,
        plan.revenue_target,
        plan.capability_expectations,
    )
    [copy] = PlanObjective.objects.active().filter(plan=renewed)
    assert (copy.title, copy.owning_side, copy.target_q1, copy.target_q4) == (
        "Pipeline",
        partner_org,
        Decimal("10"),
        Decimal("40"),
    )
    assert copy.actual_q1 is None
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert (
        plan.history.first().history_change_reason
        == "Reviewed and renewed into “Stratus plan FY2026” (FY2026)"
    )
    assert renewed.history.first().history_change_reason == "Renewed from “Stratus plan FY2025” (FY2025)"
    assert plan.history.count() == 2  # created, then closed by the renewal: nothing lost


def test_renewing_twice_is_refused(manager, alliance):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.AGREED)
    services.plan_renew(plan=plan, user=manager)
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.plan_renew(plan=plan, user=manager)
    assert "already renewed" in exc.value.message_dict["plan"][0]
    assert JointBusinessPlan.objects.filter(alliance=alliance).count() == 2


def test_renewing_into_a_year_that_has_a_plan_is_refused(manager, alliance):
    plan = PlanFactory(alliance=alliance, fiscal_year=2025, status=PlanStatus.ACTIVE)
    PlanFactory(alliance=alliance, fiscal_year=2026)
    with pytest.raises(ValidationError) as exc:
        services.plan_renew(plan=plan, user=manager)
    assert error_fields(exc) == {"fiscal_year"}


def test_a_draft_is_not_renewed(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        services.plan_renew(plan=PlanFactory(alliance=alliance), user=manager)
    assert error_fields(exc) == {"status"}


# --- objectives -----------------------------------------------------------------------------


def test_objective_progress_is_explained_per_quarter_and_to_date(alliance):
    objective = PlanObjectiveFactory(
        plan=PlanFactory(alliance=alliance),
        target_q1=Decimal("100"),
        target_q2=Decimal("200"),
        target_q3=Decimal("300"),
        target_q4=Decimal("400"),
        actual_q1=Decimal("120"),
        actual_q2=Decimal("100"),
    )
    q1, q2, q3, _ = objective.quarters()
    assert (q1.progress, q2.progress, q3.progress) == (Decimal("120"), Decimal("50"), None)
    assert q1.explanation == "Q1: 120 of a 100 target = 120%."
    assert objective.total_actual == Decimal("220")
    assert objective.reported_target == Decimal("300")
    assert objective.progress_to_date == Decimal("73")
    assert objective.progress_of_year == Decimal("22")
    assert objective.on_track is False
    assert objective.progress_explanation == (
        "220 reported in Q1, Q2 against 300 targeted for those quarters = 73% to date; 22% of the year's 1,000 EUR."
    )


def test_an_objective_side_must_be_a_party_of_the_alliance(manager, alliance, other_partner_org):
    plan = PlanFactory(alliance=alliance)
    with pytest.raises(ValidationError) as exc:
        services.objective_create(
            plan=plan, data={"title": "X", "owning_side": other_partner_org}, user=manager
        )
    assert error_fields(exc) == {"owning_side"}


def test_objectives_are_numbered_in_order(manager, alliance):
    plan = PlanFactory(alliance=alliance)
    first = services.objective_create(plan=plan, data={"title": "A"}, user=manager)
    second = services.objective_create(plan=plan, data={"title": "B"}, user=manager)
    assert (first.order, second.order) == (0, 1)


def test_the_alliance_planning_history_tells_what_changed_and_why(manager, partner, alliance):
    from amity.planning.selectors import alliance_planning_history

    plan = agreed_plan(alliance, manager, partner)
    services.plan_update(plan=plan, data={"thesis": "Sharper"}, user=manager)
    services.milestone_create(
        alliance=alliance, data={"title": "CRM", "due_date": timezone.localdate()}, user=manager
    )
    entries = alliance_planning_history(alliance_id=alliance.pk)
    assert [e["what"] for e in entries][:2] == ["Milestone", "Plan"]
    assert entries[1]["reason"].startswith("Agreement reset: thesis changed")
