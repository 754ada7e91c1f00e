"""The planning part of the demo tells the story of demo.md, and loading twice adds nothing.

The demo is loaded once per module inside a transaction rolled back at the end.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.accounts.models import User
from amity.alliances.models import Alliance
from amity.core import agenda
from amity.demo.loader import load
from amity.planning import selectors
from amity.planning.models import (
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    PlanAgreement,
    PlanObjective,
    PlanStatus,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PLANNING = (
    JointBusinessPlan,
    PlanAgreement,
    PlanObjective,
    Milestone,
    JointInitiative,
    InitiativeResource,
    JointOffering,
)
TODAY = date(2026, 11, 1)  # the story's "today"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        result = load()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def story(demo, db):
    names = {
        "stratus": "Stratus Cloud Co-Sell",
        "meridian": "Halcyon + Meridian Healthcare Data Platform",
        "ohdc": "Open Health Data Consortium",
    }
    return {key: Alliance.objects.get(name=name) for key, name in names.items()}


def test_loading_the_demo_again_adds_no_planning_rows(story):
    before = {m._meta.label: m._default_manager.count() for m in PLANNING}
    history = {m._meta.label: m.history.count() for m in PLANNING}
    result = load()
    assert {m._meta.label: m._default_manager.count() for m in PLANNING} == before
    assert {m._meta.label: m.history.count() for m in PLANNING} == history
    assert not any(key in result.created for key in ("plans", "milestones", "initiatives", "offerings"))
    assert result.existing["plans"] >= 3


def test_stratus_fy2025_was_agreed_by_both_sides_then_renewed_into_fy2026(story):
    fy2025 = JointBusinessPlan.objects.get(alliance=story["stratus"], fiscal_year=2025)
    fy2026 = JointBusinessPlan.objects.get(alliance=story["stratus"], fiscal_year=2026)
    assert fy2025.status == PlanStatus.CLOSED
    assert fy2026.renewed_from == fy2025 and fy2026.status == PlanStatus.ACTIVE
    agreed_by = set(fy2026.agreements.active().values_list("agreed_by__username", flat=True))
    assert agreed_by == {"alice", "priya"}
    assert fy2025.created_at.date() == date(2025, 1, 20)
    reasons = [r for r in fy2026.history.values_list("history_change_reason", flat=True) if r]
    assert any(r.startswith("Agreement reset: revenue target") for r in reasons)
    assert any(r.startswith("Renewed from") for r in reasons)
    assert fy2025.history.filter(history_change_reason__startswith="Reviewed and renewed").exists()


def test_stratus_objectives_have_actuals_through_q3(story):
    plan = JointBusinessPlan.objects.get(alliance=story["stratus"], fiscal_year=2026)
    objectives = list(plan.objectives.active())
    assert len(objectives) == 4
    assert all(o.actual_q3 is not None and o.actual_q4 is None for o in objectives)


def test_meridian_is_agreed_by_marco_and_the_consortium_waits_for_one_partner(story):
    meridian = JointBusinessPlan.objects.get(alliance=story["meridian"], fiscal_year=2026)
    assert meridian.status == PlanStatus.AGREED
    assert meridian.agreements.active().filter(agreed_by__username="marco").exists()
    ohdc = JointBusinessPlan.objects.get(alliance=story["ohdc"], fiscal_year=2026)
    assert ohdc.status == PlanStatus.PROPOSED
    waiting = [s.organization.name for s in selectors.plan_sides(ohdc) if not s.agreed]
    assert waiting == ["Delft Institute of Data Science"]
    [item] = [i for i in agenda.items([story["ohdc"].pk]) if i.kind == "plan_agreement"]
    assert item.day == date(2026, 10, 28) and item.overdue_on(TODAY)


def test_the_stratus_roadmap_has_a_done_listing_a_slipped_crm_integration_and_a_dashboard_in_progress(story):
    milestones = {m.title: m for m in Milestone.objects.filter(alliance=story["stratus"])}
    listing = milestones["Stratus Marketplace listing with private offers"]
    crm = milestones["CRM integration with Stratus Partner Central"]
    dashboard = milestones["Shared pipeline dashboard"]
    assert listing.status == "done" and listing.completed_on == date(2026, 3, 20)
    assert crm.status == "in_progress" and crm.moved_days > 0 and crm.slipped(TODAY)
    assert dashboard.status == "in_progress" and list(dashboard.dependencies.all()) == [crm]


def test_the_stratus_initiative_asked_for_three_architects_and_got_one(story):
    initiative = JointInitiative.objects.get(alliance=story["stratus"])
    gaps = selectors.resource_gaps(list(initiative.resources.active().select_related("organization")))
    [short] = [g for g in gaps if g.short]
    assert (short.organization.name, short.requested, short.assigned) == ("Stratus Cloud", 3, 1)


def test_the_meridian_healthcare_offering_launches_with_its_milestone(story):
    offering = JointOffering.objects.get(name="Halcyon + Meridian healthcare data platform")
    assert offering.alliance == story["meridian"]
    assert offering.launch_milestone.title == "Healthcare bundle launch"
    assert offering.launch_milestone.category == "joint_offering"
    assert {c.organization.name for c in offering.components.all()} == {"Halcyon Data", "Meridian Consulting"}


def test_priya_sees_the_stratus_plan_but_not_the_consortiums(story):
    priya = User.objects.get(username="priya")
    visible = set(JointBusinessPlan.objects.visible_to(priya).values_list("alliance__name", flat=True))
    assert visible == {"Stratus Cloud Co-Sell"}
