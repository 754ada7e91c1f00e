"""The planning API: plans (agree, status, renew), objectives, milestones, initiatives and
offerings — success, bad input (422 naming the field) and permissions for every operation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.planning.models import (
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    Milestone,
    PlanAgreement,
    PlanObjective,
    PlanStatus,
)
from tests import factories as f
from tests.api.helpers import delete, field_errors, get, ids, patch, post

from .factories import (
    ComponentFactory,
    InitiativeFactory,
    MilestoneFactory,
    OfferingFactory,
    PlanFactory,
    PlanObjectiveFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(alliance):
    return PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=timezone.now())


def status(response) -> int:
    return response.status_code


# --- plans --------------------------------------------------------------------------------


def test_a_manager_creates_a_plan_and_reads_its_sides(api_for, manager, alliance, partner_org):
    response = post(
        api_for(manager),
        "/plans",
        {
            "alliance_id": alliance.pk,
            "fiscal_year": 2026,
            "thesis": "Win EMEA together",
            "revenue_target": "1500000",
            "revenue_growth_pct": "20.5",
            "capability_expectations": "Certify five architects",
        },
    )
    assert status(response) == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["fiscal_year"] == 2026
    assert body["title"] == "Stratus Test Alliance joint business plan FY2026"
    assert body["revenue_target"] == "1500000.00" and body["currency"] == "EUR"
    assert (body["period_start"], body["period_end"]) == ("2026-01-01", "2026-12-31")
    assert body["owner"]["username"] == manager.username
    assert [s["organization"]["name"] for s in body["sides"]] == ["Halcyon Test", "Stratus Test Cloud"]
    assert not any(s["agreed"] for s in body["sides"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fiscal_year": None}, "fiscal_year"),
        ({"fiscal_year": 1999}, "fiscal_year"),
        ({"currency": "eur"}, "currency"),
        ({"revenue_target": "-1"}, "revenue_target"),
        ({"revenue_target": "NaN"}, "revenue_target"),
        ({"revenue_growth_pct": "123456"}, "revenue_growth_pct"),
        ({"owner_id": 999999}, "owner_id"),
        ({"title": "x" * 201}, "title"),
        ({"status": "agreed"}, "status"),
    ],
)
def test_bad_plan_input_is_a_422_naming_the_field(api_for, manager, alliance, body, field):
    response = post(api_for(manager), "/plans", {"alliance_id": alliance.pk, **body})
    assert field in field_errors(response)
    assert not JointBusinessPlan.objects.exists()


def test_a_plan_needs_a_visible_alliance(api_for, manager, partner, other_alliance):
    assert "alliance_id" in field_errors(post(api_for(manager), "/plans", {}))
    assert "alliance_id" in field_errors(post(api_for(manager), "/plans", {"alliance_id": 10**9}))


def test_a_second_plan_for_the_year_is_a_422_on_fiscal_year(api_for, manager, alliance):
    PlanFactory(alliance=alliance, fiscal_year=2026)
    errors = field_errors(post(api_for(manager), "/plans", {"alliance_id": alliance.pk, "fiscal_year": 2026}))
    assert "already has a plan for FY2026" in errors["fiscal_year"][0]


def test_only_internal_editors_create_plans(api_for, executive, partner, alliance):
    body = {"alliance_id": alliance.pk}
    assert status(post(api_for(executive), "/plans", body)) == 403
    assert status(post(api_for(partner), "/plans", body)) == 403
    assert status(post(api_for(None), "/plans", body)) == 401


def test_plans_are_listed_by_the_visibility_rule_and_filters(
    api_for, manager, partner, alliance, other_alliance
):
    ours = PlanFactory(alliance=alliance, fiscal_year=2026, status=PlanStatus.ACTIVE)
    old = PlanFactory(alliance=alliance, fiscal_year=2025, status=PlanStatus.CLOSED)
    theirs = PlanFactory(alliance=other_alliance, fiscal_year=2026)
    assert ids(get(api_for(manager), "/plans")) == {ours.pk, old.pk, theirs.pk}
    assert ids(get(api_for(partner), "/plans")) == {ours.pk, old.pk}
    assert ids(get(api_for(manager), "/plans", {"fiscal_year": 2026})) == {ours.pk, theirs.pk}
    assert ids(get(api_for(manager), "/plans", {"status": "closed"})) == {old.pk}
    assert ids(get(api_for(manager), "/plans", {"alliance": other_alliance.pk})) == {theirs.pk}
    assert status(get(api_for(manager), "/plans", {"status": "nope"})) == 422
    assert status(get(api_for(None), "/plans")) == 401


def test_a_plan_of_another_partners_alliance_is_404_for_every_operation(
    api_for, other_partner, alliance, proposed
):
    client = api_for(other_partner)
    path = f"/plans/{proposed.pk}"
    assert status(get(client, path)) == 404
    assert status(patch(client, path, {"thesis": "x"})) == 404
    assert status(delete(client, path)) == 404
    assert status(post(client, f"{path}/agree")) == 404
    assert status(post(client, f"{path}/status", {"status": "draft"})) == 404
    assert status(post(client, f"{path}/renew")) == 404
    assert status(get(client, f"{path}/objectives")) == 404
    assert status(post(client, f"{path}/objectives", {"title": "x"})) == 404
    assert not PlanAgreement.objects.exists()


def test_a_plan_is_edited_with_a_version_and_a_stale_one_is_409(api_for, manager, alliance):
    plan = PlanFactory(alliance=alliance)
    client = api_for(manager)
    response = patch(client, f"/plans/{plan.pk}", {"thesis": "Sharper", "version": plan.version})
    assert status(response) == 200 and response.json()["version"] == plan.version + 1
    stale = patch(client, f"/plans/{plan.pk}", {"thesis": "Mine", "version": plan.version})
    assert status(stale) == 409 and stale.json()["current_version"] == plan.version + 1
    assert "fiscal_year" in field_errors(patch(client, f"/plans/{plan.pk}", {"fiscal_year": None}))
    assert "owner_id" in field_errors(patch(client, f"/plans/{plan.pk}", {"owner_id": 10**9}))


def test_editing_an_agreed_plan_through_the_api_resets_the_agreement(api_for, manager, partner, proposed):
    post(api_for(manager), f"/plans/{proposed.pk}/agree")
    post(api_for(partner), f"/plans/{proposed.pk}/agree")
    response = patch(api_for(manager), f"/plans/{proposed.pk}", {"revenue_target": "2500000"})
    assert response.json()["status"] == "proposed"
    assert not any(s["agreed"] for s in response.json()["sides"])


def test_executives_and_partners_do_not_edit_or_archive_plans(api_for, executive, partner, proposed):
    for user in (executive, partner):
        client = api_for(user)
        assert status(patch(client, f"/plans/{proposed.pk}", {"thesis": "x"})) == 403
        assert status(patch(client, f"/plans/{proposed.pk}", {"owner_id": 10**9})) == 403
        assert status(delete(client, f"/plans/{proposed.pk}")) == 403
        assert status(post(client, f"/plans/{proposed.pk}/status", {"status": "draft"})) == 403
        assert status(post(client, f"/plans/{proposed.pk}/renew")) == 403


def test_archiving_a_plan_hides_it_from_the_list(api_for, manager, alliance):
    plan = PlanFactory(alliance=alliance)
    client = api_for(manager)
    assert status(delete(client, f"/plans/{plan.pk}")) == 204
    assert ids(get(client, "/plans")) == set()
    assert ids(get(client, "/plans", {"include_archived": True})) == {plan.pk}
    assert status(delete(api_for(None), f"/plans/{plan.pk}")) == 401


def test_the_partner_user_agrees_for_their_side_and_the_plan_becomes_agreed(
    api_for, manager, partner, partner_org, proposed
):
    assert post(api_for(manager), f"/plans/{proposed.pk}/agree").json()["status"] == "proposed"
    response = post(api_for(partner), f"/plans/{proposed.pk}/agree")
    assert status(response) == 200
    body = response.json()
    assert body["status"] == "agreed" and body["agreed_at"]
    side = next(s for s in body["sides"] if s["organization"]["id"] == partner_org.pk)
    assert side["agreed"] and side["agreed_by"] == partner.username and not side["on_behalf"]


def test_agreeing_has_clear_errors(api_for, manager, partner, alliance, proposed, partner_org):
    draft = PlanFactory(alliance=alliance, fiscal_year=2030)
    assert "status" in field_errors(post(api_for(partner), f"/plans/{draft.pk}/agree"))
    assert "note" in field_errors(
        post(api_for(manager), f"/plans/{proposed.pk}/agree", {"organization_id": partner_org.pk})
    )
    assert "organization_id" in field_errors(
        post(api_for(manager), f"/plans/{proposed.pk}/agree", {"organization_id": 10**9})
    )
    assert "organization_id" in field_errors(
        post(api_for(partner), f"/plans/{proposed.pk}/agree", {"organization_id": f.home_org().pk})
    )
    assert "unknown" in field_errors(post(api_for(partner), f"/plans/{proposed.pk}/agree", {"unknown": 1}))
    post(api_for(partner), f"/plans/{proposed.pk}/agree")
    assert (
        "already agreed"
        in field_errors(post(api_for(partner), f"/plans/{proposed.pk}/agree"))["organization_id"][0]
    )


def test_an_editor_records_a_partner_sides_agreement_with_a_note(api_for, manager, partner_org, proposed):
    response = post(
        api_for(manager),
        f"/plans/{proposed.pk}/agree",
        {"organization_id": partner_org.pk, "note": "Signed copy received"},
    )
    side = next(s for s in response.json()["sides"] if s["organization"]["id"] == partner_org.pk)
    assert side["on_behalf"] and side["note"] == "Signed copy received"


def test_executives_and_anonymous_cannot_agree(api_for, executive, proposed):
    assert status(post(api_for(executive), f"/plans/{proposed.pk}/agree")) == 403
    assert status(post(api_for(None), f"/plans/{proposed.pk}/agree")) == 401


def test_the_status_endpoint_moves_a_plan_and_explains_a_refusal(api_for, manager, alliance):
    plan = PlanFactory(alliance=alliance)
    client = api_for(manager)
    response = post(client, f"/plans/{plan.pk}/status", {"status": "proposed"})
    assert response.json()["status"] == "proposed" and response.json()["proposed_at"]
    assert (
        "every side has agreed"
        in field_errors(post(client, f"/plans/{plan.pk}/status", {"status": "agreed"}))["status"][0]
    )
    assert "status" in field_errors(post(client, f"/plans/{plan.pk}/status", {"status": "closed"}))
    assert "status" in field_errors(post(client, f"/plans/{plan.pk}/status", {"status": "sideways"}))
    assert status(post(client, f"/plans/{plan.pk}/status", {"status": "draft", "version": 1})) == 409


def test_renew_answers_next_years_plan_and_refuses_a_second_time(api_for, manager, alliance):
    plan = PlanFactory(alliance=alliance, fiscal_year=2025, status=PlanStatus.ACTIVE, title="Plan FY2025")
    PlanObjectiveFactory(plan=plan, title="Pipeline", actual_q1=Decimal("5"))
    client = api_for(manager)
    response = post(client, f"/plans/{plan.pk}/renew")
    assert status(response) == 201
    body = response.json()
    assert (body["fiscal_year"], body["status"], body["renewed_from_id"]) == (2026, "draft", plan.pk)
    assert get(client, f"/plans/{plan.pk}").json()["renewed_into_id"] == body["id"]
    [objective] = get(client, f"/plans/{body['id']}/objectives").json()["items"]
    assert objective["title"] == "Pipeline" and objective["actual_q1"] is None
    assert "already renewed" in field_errors(post(client, f"/plans/{plan.pk}/renew"))["plan"][0]
    assert status(post(api_for(None), f"/plans/{plan.pk}/renew")) == 401


# --- objectives ---------------------------------------------------------------------------


def test_objectives_are_listed_added_edited_and_removed(api_for, manager, partner, alliance, partner_org):
    plan = PlanFactory(alliance=alliance)
    client = api_for(manager)
    response = post(
        client,
        f"/plans/{plan.pk}/objectives",
        {
            "title": "Co-sell pipeline",
            "unit": "EUR",
            "owning_side_id": partner_org.pk,
            "owner_id": partner.pk,
            "target_q1": "100",
            "target_q2": "200",
            "actual_q1": "120",
        },
    )
    assert status(response) == 201, response.content
    body = response.json()
    assert (
        body["owning_side"]["name"] == "Stratus Test Cloud" and body["owner"]["username"] == partner.username
    )
    assert body["quarters"][0]["progress_pct"] == "120" and body["total_target"] == "300.00"
    assert body["progress_to_date_pct"] == "120"
    assert body["explanation"].startswith("120 reported in Q1 against 100 targeted")
    objective_id = body["id"]
    assert ids(get(api_for(partner), f"/plans/{plan.pk}/objectives")) == {objective_id}
    updated = patch(
        client, f"/plan-objectives/{objective_id}", {"actual_q2": "150", "version": body["version"]}
    )
    assert updated.json()["actual_q2"] == "150.00"
    assert status(get(api_for(partner), f"/plan-objectives/{objective_id}")) == 200
    assert status(delete(client, f"/plan-objectives/{objective_id}")) == 204
    assert ids(get(client, f"/plans/{plan.pk}/objectives")) == set()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x", "target_q1": "-5"}, "target_q1"),
        ({"title": "x", "actual_q3": "abc"}, "actual_q3"),
        ({"title": "x", "owning_side_id": 10**9}, "owning_side_id"),
        ({"title": "x", "order": -1}, "order"),
    ],
)
def test_bad_objective_input_is_a_422_naming_the_field(api_for, manager, alliance, body, field):
    plan = PlanFactory(alliance=alliance)
    assert field in field_errors(post(api_for(manager), f"/plans/{plan.pk}/objectives", body))
    assert not PlanObjective.objects.exists()


def test_an_objective_side_outside_the_alliance_is_a_422(api_for, manager, alliance, other_partner_org):
    plan = PlanFactory(alliance=alliance)
    body = {"title": "x", "owning_side_id": other_partner_org.pk}
    assert "owning_side_id" in field_errors(post(api_for(manager), f"/plans/{plan.pk}/objectives", body))


def test_objective_permissions(api_for, executive, partner, other_partner, alliance):
    objective = PlanObjectiveFactory(plan=PlanFactory(alliance=alliance))
    plan_path, path = f"/plans/{objective.plan_id}/objectives", f"/plan-objectives/{objective.pk}"
    for user in (executive, partner):
        client = api_for(user)
        assert status(post(client, plan_path, {"title": "x"})) == 403
        assert status(patch(client, path, {"title": "y"})) == 403
        assert status(delete(client, path)) == 403
    client = api_for(other_partner)
    assert status(get(client, path)) == 404
    assert status(patch(client, path, {"title": "y"})) == 404
    assert status(delete(client, path)) == 404
    assert status(get(api_for(None), path)) == 401


# --- milestones ---------------------------------------------------------------------------


def test_a_milestone_with_dependencies_and_its_slip(api_for, manager, alliance, partner_org):
    client = api_for(manager)
    crm = post(
        client,
        "/milestones",
        {
            "alliance_id": alliance.pk,
            "title": "CRM integration",
            "category": "integration",
            "due_date": "2026-06-30",
            "owning_side_id": partner_org.pk,
        },
    ).json()
    dashboard = post(
        client,
        "/milestones",
        {
            "alliance_id": alliance.pk,
            "title": "Dashboard",
            "due_date": "2026-09-30",
            "dependencies": [crm["id"]],
        },
    )
    assert status(dashboard) == 201 and dashboard.json()["dependencies"] == [crm["id"]]
    moved = patch(client, f"/milestones/{crm['id']}", {"due_date": "2026-12-15"}).json()
    assert (moved["original_due_date"], moved["due_date"], moved["moved_days"]) == (
        "2026-06-30",
        "2026-12-15",
        168,
    )
    assert moved["slipped"] and "Slipped 168 days" in moved["slip_explanation"]
    done = patch(client, f"/milestones/{crm['id']}", {"status": "done", "completed_on": "2026-11-01"}).json()
    assert done["completed_on"] == "2026-11-01" and done["overdue_days"] == 0


def test_a_dependency_cycle_is_a_422_naming_dependencies(api_for, manager, alliance):
    client = api_for(manager)
    a = MilestoneFactory(alliance=alliance, title="A")
    b = MilestoneFactory(alliance=alliance, title="B", dependencies=[a])
    c = MilestoneFactory(alliance=alliance, title="C", dependencies=[b])
    errors = field_errors(patch(client, f"/milestones/{a.pk}", {"dependencies": [c.pk]}))
    assert "cycle" in errors["dependencies"][0]
    assert field_errors(patch(client, f"/milestones/{a.pk}", {"dependencies": [a.pk]}))["dependencies"] == [
        "A milestone cannot depend on itself."
    ]
    assert not a.dependencies.exists()


def test_a_dependency_the_user_cannot_see_reads_as_not_found(
    api_for, partner, manager, alliance, other_alliance
):
    foreign = MilestoneFactory(alliance=other_alliance)
    body = {"alliance_id": alliance.pk, "title": "X", "due_date": "2026-07-01", "dependencies": [foreign.pk]}
    assert "another alliance" in field_errors(post(api_for(manager), "/milestones", body))["dependencies"][0]
    assert (
        "not found"
        in field_errors(post(api_for(manager), "/milestones", {**body, "dependencies": [10**9]}))[
            "dependencies"
        ][0]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x"}, "due_date"),
        ({"title": "x", "due_date": "2026-02-30"}, "due_date"),
        ({"title": "x", "due_date": "2026-02-01", "category": "party"}, "category"),
        (
            {"title": "x", "due_date": "2026-02-01", "status": "planned", "completed_on": "2026-01-01"},
            "completed_on",
        ),
        ({"title": "x", "due_date": "2026-02-01", "dependencies": ["a"]}, "dependencies.0"),
        ({"title": "x", "due_date": "2026-02-01", "owner_id": 10**9}, "owner_id"),
    ],
)
def test_bad_milestone_input_is_a_422_naming_the_field(api_for, manager, alliance, body, field):
    response = post(api_for(manager), "/milestones", {"alliance_id": alliance.pk, **body})
    assert field in field_errors(response)
    assert not Milestone.objects.exists()


def test_milestones_are_listed_by_visibility_and_filters(
    api_for, manager, partner, other_partner, alliance, other_alliance
):
    ours = MilestoneFactory(
        alliance=alliance, due_date=date(2026, 3, 1), status="done", completed_on=date(2026, 3, 1)
    )
    later = MilestoneFactory(alliance=alliance, due_date=date(2026, 9, 1))
    theirs = MilestoneFactory(alliance=other_alliance)
    assert ids(get(api_for(partner), "/milestones")) == {ours.pk, later.pk}
    assert ids(get(api_for(other_partner), "/milestones")) == {theirs.pk}
    assert ids(get(api_for(manager), "/milestones", {"status": "done"})) == {ours.pk}
    assert ids(
        get(api_for(manager), "/milestones", {"due_after": "2026-08-01", "alliance": alliance.pk})
    ) == {later.pk}
    assert status(get(api_for(other_partner), f"/milestones/{ours.pk}")) == 404
    assert status(get(api_for(None), "/milestones")) == 401


def test_milestone_write_permissions(api_for, executive, partner, other_partner, alliance):
    m = MilestoneFactory(alliance=alliance)
    body = {"alliance_id": alliance.pk, "title": "x", "due_date": "2026-01-01"}
    for user in (executive, partner):
        client = api_for(user)
        assert status(post(client, "/milestones", body)) == 403
        assert status(patch(client, f"/milestones/{m.pk}", {"title": "y"})) == 403
        assert status(delete(client, f"/milestones/{m.pk}")) == 403
    assert status(patch(api_for(other_partner), f"/milestones/{m.pk}", {"title": "y"})) == 404
    assert status(delete(api_for(other_partner), f"/milestones/{m.pk}")) == 404
    assert status(post(api_for(None), "/milestones", body)) == 401


def test_archiving_a_milestone(api_for, manager, alliance):
    m = MilestoneFactory(alliance=alliance)
    assert status(delete(api_for(manager), f"/milestones/{m.pk}")) == 204
    m.refresh_from_db()
    assert m.archived_at is not None


# --- initiatives --------------------------------------------------------------------------


def test_an_initiative_with_resources_shows_each_sides_gap(api_for, manager, alliance, partner_org):
    response = post(
        api_for(manager),
        "/initiatives",
        {
            "alliance_id": alliance.pk,
            "title": "Co-sell acceleration",
            "status": "active",
            "resources": [
                {
                    "organization_id": partner_org.pk,
                    "kind": "headcount",
                    "description": "Solution architects",
                    "requested": "3",
                    "assigned": "1",
                },
                {
                    "organization_id": f.home_org().pk,
                    "kind": "budget",
                    "requested": "50000",
                    "assigned": "50000",
                },
            ],
        },
    )
    assert status(response) == 201, response.content
    body = response.json()
    assert body["has_gap"]
    gap = next(g for g in body["gaps"] if g["organization"]["id"] == partner_org.pk)
    assert (gap["requested"], gap["assigned"], gap["gap"], gap["short"]) == ("3.00", "1.00", "2.00", True)
    assert gap["explanation"].startswith("Stratus Test Cloud: 3 FTE requested − 1 FTE assigned")
    budget = next(r for r in body["resources"] if r["kind"] == "budget")
    assert budget["unit"] == "EUR" and not budget["short"]


def test_resources_are_replaced_by_a_patch(api_for, manager, alliance, partner_org):
    initiative = InitiativeFactory(alliance=alliance)
    keep = ResourceFactory(initiative=initiative, organization=partner_org, requested=3, assigned=1)
    ResourceFactory(initiative=initiative)
    response = patch(
        api_for(manager),
        f"/initiatives/{initiative.pk}",
        {
            "resources": [
                {"id": keep.pk, "organization_id": partner_org.pk, "requested": "3", "assigned": "3"}
            ]
        },
    )
    assert status(response) == 200
    body = response.json()
    assert [r["id"] for r in body["resources"]] == [keep.pk] and not body["has_gap"]
    assert InitiativeResource.objects.filter(initiative=initiative).count() == 2  # one archived, not deleted


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({"kind": "budget", "requested": "1", "unit": "euros"}, "resources.0.unit"),
        ({"requested": "-1"}, "resources.0.requested"),
        ({"requested": "1", "kind": "time"}, "resources.0.kind"),
        ({}, "resources.0.requested"),
    ],
)
def test_bad_resources_are_a_422_naming_the_row_and_field(api_for, manager, alliance, resource, field):
    body = {
        "alliance_id": alliance.pk,
        "title": "X",
        "resources": [{"organization_id": f.home_org().pk, **resource}],
    }
    assert field in field_errors(post(api_for(manager), "/initiatives", body))
    assert not JointInitiative.objects.exists()


def test_a_resource_side_must_be_a_visible_party(api_for, manager, alliance, other_partner_org):
    body = {
        "alliance_id": alliance.pk,
        "title": "X",
        "resources": [{"organization_id": 10**9, "requested": "1"}],
    }
    assert "resources.0.organization_id" in field_errors(post(api_for(manager), "/initiatives", body))
    body["resources"][0]["organization_id"] = other_partner_org.pk
    errors = field_errors(post(api_for(manager), "/initiatives", body))
    assert errors["resources.0.organization_id"] == ["This organization is not a party of the alliance."]
    assert "end_date" in field_errors(
        post(
            api_for(manager),
            "/initiatives",
            {"alliance_id": alliance.pk, "title": "X", "start_date": "2026-05-01", "end_date": "2026-04-01"},
        )
    )


def test_initiative_permissions_and_visibility(api_for, executive, partner, other_partner, alliance):
    initiative = InitiativeFactory(alliance=alliance)
    assert ids(get(api_for(partner), "/initiatives")) == {initiative.pk}
    assert ids(get(api_for(other_partner), "/initiatives")) == set()
    assert status(get(api_for(other_partner), f"/initiatives/{initiative.pk}")) == 404
    assert status(patch(api_for(other_partner), f"/initiatives/{initiative.pk}", {"title": "x"})) == 404
    for user in (executive, partner):
        client = api_for(user)
        assert status(post(client, "/initiatives", {"alliance_id": alliance.pk, "title": "x"})) == 403
        assert status(patch(client, f"/initiatives/{initiative.pk}", {"title": "x"})) == 403
        assert status(delete(client, f"/initiatives/{initiative.pk}")) == 403
    assert status(get(api_for(None), "/initiatives")) == 401
    assert ids(get(api_for(partner), "/initiatives", {"status": "active", "alliance": alliance.pk})) == {
        initiative.pk
    }


# --- offerings ----------------------------------------------------------------------------


def test_an_offering_with_components_and_a_launch_milestone(api_for, manager, partner, alliance, partner_org):
    launch = MilestoneFactory(alliance=alliance, title="Bundle launch", due_date=date(2026, 11, 20))
    response = post(
        api_for(manager),
        "/offerings",
        {
            "alliance_id": alliance.pk,
            "name": "Healthcare data platform",
            "status": "in_development",
            "launch_milestone_id": launch.pk,
            "target_markets": "UK\nNL",
            "components": [
                {"organization_id": f.home_org().pk, "contribution": "Governed lakehouse"},
                {"organization_id": partner_org.pk, "contribution": "EHR integration"},
            ],
        },
    )
    assert status(response) == 201, response.content
    body = response.json()
    assert body["launch_milestone"] == {
        "id": launch.pk,
        "title": "Bundle launch",
        "due_date": "2026-11-20",
        "status": "planned",
    }
    assert [c["contribution"] for c in body["components"]] == ["Governed lakehouse", "EHR integration"]
    assert status(get(api_for(partner), f"/offerings/{body['id']}")) == 200
    renamed = patch(api_for(manager), f"/offerings/{body['id']}", {"status": "launched"}).json()
    assert renamed["status"] == "launched" and len(renamed["components"]) == 2


def test_bad_offering_input_is_a_422_naming_the_field(
    api_for, manager, alliance, other_alliance, other_partner_org
):
    client = api_for(manager)
    foreign = MilestoneFactory(alliance=other_alliance)
    base = {"alliance_id": alliance.pk, "name": "X"}
    assert "name" in field_errors(post(client, "/offerings", {"alliance_id": alliance.pk}))
    assert "launch_milestone_id" in field_errors(
        post(client, "/offerings", {**base, "launch_milestone_id": foreign.pk})
    )
    assert "launch_milestone_id" in field_errors(
        post(client, "/offerings", {**base, "launch_milestone_id": 10**9})
    )
    assert "status" in field_errors(post(client, "/offerings", {**base, "status": "sold"}))
    assert "components.0.organization_id" in field_errors(
        post(
            client,
            "/offerings",
            {**base, "components": [{"organization_id": other_partner_org.pk, "contribution": "x"}]},
        )
    )
    assert "components.0.contribution" in field_errors(
        post(
            client,
            "/offerings",
            {**base, "components": [{"organization_id": f.home_org().pk, "contribution": ""}]},
        )
    )


def test_offering_permissions_and_visibility(api_for, executive, partner, other_partner, alliance):
    offering = OfferingFactory(alliance=alliance)
    ComponentFactory(offering=offering)
    assert ids(get(api_for(partner), "/offerings")) == {offering.pk}
    assert ids(get(api_for(other_partner), "/offerings")) == set()
    assert status(get(api_for(other_partner), f"/offerings/{offering.pk}")) == 404
    assert status(delete(api_for(other_partner), f"/offerings/{offering.pk}")) == 404
    for user in (executive, partner):
        client = api_for(user)
        assert status(post(client, "/offerings", {"alliance_id": alliance.pk, "name": "x"})) == 403
        assert status(patch(client, f"/offerings/{offering.pk}", {"name": "x"})) == 403
        assert status(delete(client, f"/offerings/{offering.pk}")) == 403
    assert status(post(api_for(None), "/offerings", {})) == 401


# --- one alliance, several partners ---------------------------------------------------------


def test_a_consortium_plan_lists_every_party_as_a_side(api_for, manager, alliance, other_partner_org):
    AllianceParty.objects.create(alliance=alliance, organization=other_partner_org, role="member")
    plan = PlanFactory(alliance=alliance)
    sides = get(api_for(manager), f"/plans/{plan.pk}").json()["sides"]
    assert [s["role"] for s in sides] == ["host", "partner", "member"]


def test_the_openapi_document_lists_the_planning_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/agree",
        "/api/v1/plans/{plan_id}/status",
        "/api/v1/plans/{plan_id}/renew",
        "/api/v1/plans/{plan_id}/objectives",
        "/api/v1/plan-objectives/{objective_id}",
        "/api/v1/milestones",
        "/api/v1/milestones/{milestone_id}",
        "/api/v1/initiatives",
        "/api/v1/initiatives/{initiative_id}",
        "/api/v1/offerings",
        "/api/v1/offerings/{offering_id}",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/plan-objectives/{objective_id}"]) == {"get", "patch", "delete"}
