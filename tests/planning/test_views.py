"""The Plan and Roadmap tabs, the planning forms and the verbs, as each role sees them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

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
from tests import factories as f

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

THIS_YEAR = timezone.localdate().year  # fiscal years start in January in the test settings


def url(name: str, *args) -> str:
    return reverse(f"planning:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def plan(alliance):
    plan = PlanFactory(
        alliance=alliance, fiscal_year=THIS_YEAR, title="Stratus plan", status=PlanStatus.PROPOSED
    )
    plan.proposed_at = timezone.now()
    plan.save()
    PlanObjectiveFactory(plan=plan, title="Co-sell pipeline", actual_q1=Decimal("90"))
    return plan


@pytest.fixture
def roadmap(alliance, partner_org):
    crm = MilestoneFactory(alliance=alliance, title="CRM integration", owning_side=f.home_org())
    MilestoneFactory(
        alliance=alliance, title="Shared dashboard", dependencies=[crm], due_date=date(2026, 12, 31)
    )
    initiative = InitiativeFactory(alliance=alliance, title="Co-sell acceleration")
    ResourceFactory(initiative=initiative, organization=partner_org, requested=3, assigned=1)
    offering = OfferingFactory(alliance=alliance, name="Lakehouse on Stratus", launch_milestone=crm)
    ComponentFactory(offering=offering, organization=partner_org, contribution="Cloud regions")
    return crm


# --- the Plan tab ---------------------------------------------------------------------------


def test_a_manager_sees_the_plan_with_objectives_sides_and_buttons(client_for, manager, alliance, plan):
    response = client_for(manager).get(url("alliance_plan", alliance.pk))
    page = html(response)
    assert response.status_code == 200
    assert "Stratus plan" in page and "Co-sell pipeline" in page
    assert "Agree for Halcyon Test" in page
    assert "Record Stratus Test Cloud's agreement" in page
    assert url("plan_edit", plan.pk) in page
    assert 'value="draft"' in page  # withdraw to draft
    assert "Q1: 90 of a 100 target = 90%." in page  # every number explained


def test_a_partner_user_sees_their_plan_and_may_agree_for_their_side_only(
    client_for, partner, alliance, plan
):
    page = html(client_for(partner).get(url("alliance_plan", alliance.pk)))
    assert "Agree for Stratus Test Cloud" in page
    assert "Agree for Halcyon Test" not in page
    assert "agreement</summary>" not in page  # no recording for others
    assert url("plan_edit", plan.pk) not in page
    assert url("objective_create", plan.pk) not in page


def test_a_partner_agrees_through_the_page(client_for, partner, alliance, plan, partner_org):
    response = client_for(partner).post(url("plan_agree", plan.pk))
    assert response.status_code == 302
    assert PlanAgreement.objects.filter(plan=plan, organization=partner_org, agreed_by=partner).exists()


def test_both_sides_agree_through_the_page_and_the_plan_is_agreed(client_for, manager, partner, plan):
    client_for(manager).post(url("plan_agree", plan.pk))
    response = client_for(partner).post(url("plan_agree", plan.pk), follow=True)
    assert "Every side agreed" in html(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED


def test_agreeing_a_draft_shows_why_it_was_refused(client_for, partner, alliance):
    draft = PlanFactory(alliance=alliance, fiscal_year=THIS_YEAR)
    response = client_for(partner).post(url("plan_agree", draft.pk), follow=True)
    assert "Only a proposed plan can be agreed" in html(response)
    assert not PlanAgreement.objects.exists()


def test_an_editor_records_a_partners_agreement_with_a_note(client_for, manager, plan, partner_org):
    client = client_for(manager)
    response = client.post(url("plan_agree", plan.pk), {"organization": partner_org.pk}, follow=True)
    assert "since you record it for them" in html(response)
    client.post(url("plan_agree", plan.pk), {"organization": partner_org.pk, "note": "Signed copy"})
    assert PlanAgreement.objects.get(plan=plan, organization=partner_org).on_behalf


def test_an_executive_reads_the_plan_but_changes_nothing(client_for, executive, alliance, plan):
    page = html(client_for(executive).get(url("alliance_plan", alliance.pk)))
    assert "Stratus plan" in page
    assert "Agree for" not in page and url("plan_edit", plan.pk) not in page
    client = client_for(executive)
    assert client.post(url("plan_agree", plan.pk)).status_code == 403
    assert client.post(url("plan_status", plan.pk), {"status": "draft"}).status_code == 403
    assert client.post(url("plan_renew", plan.pk)).status_code == 403
    assert client.get(url("plan_edit", plan.pk)).status_code == 403


def test_a_partner_of_another_organization_gets_404_everywhere(
    client_for, other_partner, alliance, plan, roadmap
):
    client = client_for(other_partner)
    objective = plan.objectives.first()
    initiative = JointInitiative.objects.get()
    offering = JointOffering.objects.get()
    gets = [
        url("alliance_plan", alliance.pk),
        url("plan_detail", alliance.pk, plan.pk),
        url("alliance_roadmap", alliance.pk),
        url("plan_create", alliance.pk),
        url("plan_edit", plan.pk),
        url("objective_create", plan.pk),
        url("objective_edit", objective.pk),
        url("milestone_create", alliance.pk),
        url("milestone_edit", roadmap.pk),
        url("initiative_create", alliance.pk),
        url("initiative_edit", initiative.pk),
        url("offering_create", alliance.pk),
        url("offering_edit", offering.pk),
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    posts = [
        url("plan_agree", plan.pk),
        url("plan_status", plan.pk),
        url("plan_renew", plan.pk),
        url("plan_archive", plan.pk),
        url("objective_archive", objective.pk),
        url("milestone_status", roadmap.pk),
        url("milestone_archive", roadmap.pk),
        url("initiative_archive", initiative.pk),
        url("offering_archive", offering.pk),
    ]
    for path in posts:
        assert client.post(path, {"status": "done"}).status_code == 404, path
    assert not PlanAgreement.objects.exists()


def test_the_partner_of_the_alliance_may_not_use_editor_verbs(client_for, partner, plan, roadmap):
    client = client_for(partner)
    assert client.post(url("plan_status", plan.pk), {"status": "draft"}).status_code == 403
    assert client.post(url("milestone_status", roadmap.pk), {"status": "done"}).status_code == 403
    assert client.get(url("milestone_create", roadmap.alliance_id)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client_for, alliance, plan):
    response = client_for(None).get(url("alliance_plan", alliance.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client_for(None).post(url("plan_agree", plan.pk)).status_code == 302


def test_without_a_plan_the_tab_offers_to_create_one(client_for, manager, partner, alliance):
    page = html(client_for(manager).get(url("alliance_plan", alliance.pk)))
    assert "No joint business plan yet" in page
    assert url("plan_create", alliance.pk) in page
    assert url("plan_create", alliance.pk) not in html(
        client_for(partner).get(url("alliance_plan", alliance.pk))
    )


def test_an_earlier_plan_is_shown_by_its_address(client_for, manager, alliance, plan):
    old = PlanFactory(
        alliance=alliance, fiscal_year=THIS_YEAR - 1, title="Last year", status=PlanStatus.CLOSED
    )
    page = html(client_for(manager).get(url("plan_detail", alliance.pk, old.pk)))
    assert "Last year" in page and f"FY{THIS_YEAR - 1}" in page
    assert f"You are looking at the <strong>FY{THIS_YEAR - 1}</strong> plan" in page


# --- plan forms and verbs ---------------------------------------------------------------------


def plan_form(**overrides) -> dict:
    data = {
        "fiscal_year": str(THIS_YEAR),
        "title": "",
        "owner": "",
        "revenue_target": "1500000",
        "currency": "eur",
        "revenue_growth_pct": "20",
        "thesis": "Grow together.",
        "capability_expectations": "Certify five architects",
    }
    data.update(overrides)
    return data


def test_a_manager_creates_a_plan_through_the_form(client_for, manager, alliance):
    response = client_for(manager).post(url("plan_create", alliance.pk), plan_form())
    plan = JointBusinessPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.currency == "EUR" and plan.title.endswith(f"FY{THIS_YEAR}")


def test_a_second_plan_for_the_year_is_refused_on_the_form(client_for, manager, alliance, plan):
    response = client_for(manager).post(url("plan_create", alliance.pk), plan_form())
    assert response.status_code == 422
    assert 'data-field-error="fiscal_year"' in html(response)
    assert JointBusinessPlan.objects.count() == 1


def test_editing_a_proposed_plan_resets_agreements_and_says_so_in_its_history(
    client_for, manager, alliance, plan
):
    client = client_for(manager)
    client.post(url("plan_agree", plan.pk))
    same = plan_form(
        title=plan.title,
        thesis=plan.thesis,
        revenue_growth_pct=plan.revenue_growth_pct,
        capability_expectations=plan.capability_expectations,
    )
    response = client.post(
        url("plan_edit", plan.pk), {**same, "revenue_target": "2000000", "version": plan.version}
    )
    assert response.status_code == 302
    assert not PlanAgreement.objects.active().exists()
    page = html(client.get(url("alliance_plan", alliance.pk)))
    assert "Agreement reset: revenue target changed after Halcyon Test had agreed" in page


def test_a_stale_plan_edit_is_a_conflict(client_for, manager, plan):
    client = client_for(manager)
    response = client.post(
        url("plan_edit", plan.pk), plan_form(thesis="Mine", version=plan.version - 1 or 99)
    )
    assert response.status_code == 409


def test_status_buttons_and_renew_go_through_the_services(client_for, manager, partner, alliance, plan):
    client = client_for(manager)
    client.post(url("plan_agree", plan.pk))
    client_for(partner).post(url("plan_agree", plan.pk))
    client.post(url("plan_status", plan.pk), {"status": "active"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    response = client.post(url("plan_renew", plan.pk))
    renewed = JointBusinessPlan.objects.get(renewed_from=plan)
    assert response["Location"] == renewed.get_absolute_url()
    assert renewed.objectives.get().title == "Co-sell pipeline"
    response = client.post(url("plan_renew", plan.pk), follow=True)
    assert "already renewed" in html(response)


def test_a_refused_status_is_a_message_not_an_error(client_for, manager, plan):
    response = client_for(manager).post(url("plan_status", plan.pk), {"status": "closed"}, follow=True)
    assert response.status_code == 200
    assert "cannot become closed" in html(response)


def test_archiving_and_restoring_a_plan(client_for, manager, alliance, plan):
    client = client_for(manager)
    client.post(url("plan_archive", plan.pk))
    plan.refresh_from_db()
    assert plan.archived_at is not None
    assert "No joint business plan yet" in html(client.get(url("alliance_plan", alliance.pk)))
    client.post(url("plan_archive", plan.pk), {"restore": "1"})
    plan.refresh_from_db()
    assert plan.archived_at is None


def test_objectives_are_added_and_actuals_reported_through_forms(client_for, manager, plan):
    client = client_for(manager)
    data = {
        "title": "Certified architects",
        "metric": "Architects certified",
        "unit": "people",
        "owning_side": "",
        "owner": "",
        "order": "",
        "target_q1": "1",
        "target_q2": "2",
        "target_q3": "2",
        "target_q4": "1",
    }
    assert client.post(url("objective_create", plan.pk), data).status_code == 302
    objective = PlanObjective.objects.get(title="Certified architects")
    response = client.post(
        url("objective_edit", objective.pk), {**data, "actual_q1": "1", "version": objective.version}
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.actual_q1 == 1
    client.post(url("objective_archive", objective.pk))
    objective.refresh_from_db()
    assert objective.archived_at is not None


# --- the Roadmap tab --------------------------------------------------------------------------


def test_the_roadmap_shows_timeline_slips_gaps_and_offerings(client_for, manager, alliance, roadmap):
    Milestone.objects.filter(pk=roadmap.pk).update(due_date=date(2030, 1, 1))  # moved: a slip
    page = html(client_for(manager).get(url("alliance_roadmap", alliance.pk)))
    assert 'data-plan-chart-type="timeline"' in page and 'id="roadmap-data"' in page
    assert "CRM integration" in page and "Shared dashboard" in page
    assert 'data-testid="slip"' in page
    assert "Stratus Test Cloud: 3 FTE requested − 1 FTE assigned" in page
    assert "Lakehouse on Stratus" in page and "Cloud regions" in page
    assert url("milestone_create", alliance.pk) in page


def test_a_partner_reads_the_roadmap_without_editing_it(client_for, partner, alliance, roadmap):
    page = html(client_for(partner).get(url("alliance_roadmap", alliance.pk)))
    assert "CRM integration" in page
    assert url("milestone_create", alliance.pk) not in page
    assert url("milestone_edit", roadmap.pk) not in page


def milestone_form(**overrides) -> dict:
    data = {
        "title": "Certification",
        "category": "certification",
        "due_date": "2026-09-30",
        "status": "planned",
        "completed_on": "",
        "owning_side": "",
        "owner": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_a_milestone_is_created_with_dependencies_through_the_form(client_for, manager, alliance, roadmap):
    response = client_for(manager).post(
        url("milestone_create", alliance.pk), milestone_form(dependencies=[roadmap.pk])
    )
    assert response.status_code == 302
    created = Milestone.objects.get(title="Certification")
    assert list(created.dependencies.all()) == [roadmap]
    assert created.original_due_date == date(2026, 9, 30)


def test_a_dependency_cycle_is_shown_on_the_form(client_for, manager, alliance, roadmap):
    dashboard = Milestone.objects.get(title="Shared dashboard")
    response = client_for(manager).post(
        url("milestone_edit", roadmap.pk),
        milestone_form(title=roadmap.title, dependencies=[dashboard.pk], version=roadmap.version),
    )
    assert response.status_code == 422
    assert 'data-field-error="dependencies"' in html(response)
    assert "cycle" in html(response)


def test_marking_a_milestone_done_from_the_roadmap(client_for, manager, roadmap):
    client_for(manager).post(url("milestone_status", roadmap.pk), {"status": "done"})
    roadmap.refresh_from_db()
    assert roadmap.status == "done" and roadmap.completed_on == timezone.localdate()


def test_an_initiative_is_saved_with_its_resource_rows(client_for, manager, alliance, partner_org):
    data = {
        "title": "Co-sell EMEA",
        "status": "active",
        "start_date": "2026-02-01",
        "end_date": "2026-12-31",
        "owner": "",
        "goal": "Top accounts",
        "resources-TOTAL_FORMS": "2",
        "resources-INITIAL_FORMS": "0",
        "resources-0-organization": partner_org.pk,
        "resources-0-kind": "headcount",
        "resources-0-description": "Solution architects",
        "resources-0-requested": "3",
        "resources-0-assigned": "1",
        "resources-0-unit": "FTE",
        "resources-1-kind": "headcount",
    }
    response = client_for(manager).post(url("initiative_create", alliance.pk), data)
    assert response.status_code == 302, html(response)
    [resource] = InitiativeResource.objects.all()
    assert (resource.requested, resource.assigned, resource.organization) == (3, 1, partner_org)


def test_a_bad_resource_row_is_shown_on_that_row(client_for, manager, alliance):
    data = {
        "title": "Budgeted",
        "status": "active",
        "goal": "",
        "resources-TOTAL_FORMS": "1",
        "resources-INITIAL_FORMS": "0",
        "resources-0-organization": f.home_org().pk,
        "resources-0-kind": "budget",
        "resources-0-requested": "1000",
        "resources-0-unit": "euros",
    }
    response = client_for(manager).post(url("initiative_create", alliance.pk), data)
    assert response.status_code == 422
    assert 'data-field-error="resources-0-unit"' in html(response)
    assert not JointInitiative.objects.exists()


def test_an_offering_is_saved_with_its_components(client_for, manager, alliance, partner_org, roadmap):
    data = {
        "name": "Healthcare platform",
        "status": "in_development",
        "launch_milestone": roadmap.pk,
        "value_proposition": "One programme",
        "target_markets": "UK",
        "components-TOTAL_FORMS": "1",
        "components-INITIAL_FORMS": "0",
        "components-0-organization": partner_org.pk,
        "components-0-contribution": "EHR integration",
    }
    assert client_for(manager).post(url("offering_create", alliance.pk), data).status_code == 302
    offering = JointOffering.objects.get(name="Healthcare platform")
    assert offering.components.get().contribution == "EHR integration"


def test_archiving_a_milestone_keeps_it_restorable(client_for, manager, roadmap):
    client = client_for(manager)
    client.post(url("milestone_archive", roadmap.pk))
    roadmap.refresh_from_db()
    assert roadmap.archived_at is not None
    client.post(url("milestone_archive", roadmap.pk), {"restore": "1"})
    roadmap.refresh_from_db()
    assert roadmap.archived_at is None


# --- no N+1 on the tabs -------------------------------------------------------------------------


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_plan_tab_queries_do_not_grow_with_objectives_sides_and_agreements(
    client_for, manager, alliance, plan
):
    client = client_for(manager)

    def grow(n: int) -> None:
        for _ in range(n):
            PlanObjectiveFactory(plan=plan, owning_side=f.home_org(), owner=manager, actual_q1=Decimal("5"))
            org = f.OrganizationFactory()
            alliance.parties.create(organization=org, role="member")
            PlanAgreement.objects.create(plan=plan, organization=org, agreed_by=manager)

    grow(4)
    few = _queries(client, url("alliance_plan", alliance.pk))
    grow(20)
    assert _queries(client, url("alliance_plan", alliance.pk)) <= few


def test_the_roadmap_tab_queries_do_not_grow_with_rows(client_for, manager, alliance, partner_org):
    client = client_for(manager)

    def grow(n: int) -> None:
        for _ in range(n):
            dep = MilestoneFactory(alliance=alliance, owning_side=partner_org, owner=manager)
            MilestoneFactory(alliance=alliance, dependencies=[dep])
            initiative = InitiativeFactory(alliance=alliance, owner=manager)
            ResourceFactory(initiative=initiative, organization=partner_org, requested=2, assigned=1)
            offering = OfferingFactory(alliance=alliance, launch_milestone=dep)
            ComponentFactory(offering=offering, organization=partner_org)

    grow(5)
    few = _queries(client, url("alliance_roadmap", alliance.pk))
    grow(20)
    assert _queries(client, url("alliance_roadmap", alliance.pk)) <= few


def test_a_plan_waiting_for_your_side_is_pointed_out_from_the_current_one(
    client_for, partner, alliance, plan
):
    plan.status = PlanStatus.ACTIVE
    plan.save()
    next_year = PlanFactory(
        alliance=alliance, fiscal_year=THIS_YEAR + 1, status=PlanStatus.PROPOSED, proposed_at=timezone.now()
    )
    page = html(client_for(partner).get(url("alliance_plan", alliance.pk)))
    assert 'data-testid="awaiting-you"' in page
    assert next_year.get_absolute_url() in page
