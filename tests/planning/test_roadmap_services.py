"""Roadmap milestones (dependencies without cycles, slips), joint initiatives with resource
gaps, joint offerings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amity.core.services import model_archive
from amity.planning import selectors, services
from amity.planning.models import InitiativeResource, Milestone, MilestoneStatus
from tests import factories as f

from .factories import InitiativeFactory, MilestoneFactory, OfferingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)


def make(manager, alliance, title, due="2026-06-30", **data):
    return services.milestone_create(
        alliance=alliance, data={"title": title, "due_date": date.fromisoformat(due), **data}, user=manager
    )


# --- dependencies -------------------------------------------------------------------------


def test_a_milestone_depends_on_others_of_the_same_alliance(manager, alliance):
    crm = make(manager, alliance, "CRM integration")
    dashboard = services.milestone_create(
        alliance=alliance,
        data={"title": "Shared dashboard", "due_date": date(2026, 9, 30)},
        user=manager,
        dependencies=[crm],
    )
    assert list(dashboard.dependencies.all()) == [crm]
    assert list(crm.dependents.all()) == [dashboard]


def test_a_three_milestone_cycle_is_rejected_naming_the_dependencies_and_the_cycle(manager, alliance):
    a = make(manager, alliance, "A")
    b = services.milestone_create(
        alliance=alliance, data={"title": "B", "due_date": date(2026, 7, 1)}, user=manager, dependencies=[a]
    )
    c = services.milestone_create(
        alliance=alliance, data={"title": "C", "due_date": date(2026, 8, 1)}, user=manager, dependencies=[b]
    )
    with pytest.raises(ValidationError) as exc:
        services.milestone_update(milestone=a, data={}, user=manager, dependencies=[c])
    assert set(exc.value.message_dict) == {"dependencies"}
    assert "cycle: “A” → “C” → “B” → “A”" in exc.value.message_dict["dependencies"][0]
    assert not a.dependencies.exists()


def test_a_milestone_cannot_depend_on_itself(manager, alliance):
    a = make(manager, alliance, "A")
    with pytest.raises(ValidationError) as exc:
        services.milestone_update(milestone=a, data={}, user=manager, dependencies=[a])
    assert exc.value.message_dict["dependencies"] == ["A milestone cannot depend on itself."]


def test_a_dependency_on_another_alliance_is_rejected(manager, alliance, other_alliance):
    foreign = make(manager, other_alliance, "Theirs")
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            alliance=alliance,
            data={"title": "Ours", "due_date": date(2026, 7, 1)},
            user=manager,
            dependencies=[foreign],
        )
    assert "another alliance" in exc.value.message_dict["dependencies"][0]
    assert not Milestone.objects.filter(title="Ours").exists()


def test_an_archived_milestone_no_longer_closes_a_cycle(manager, alliance):
    a = make(manager, alliance, "A")
    b = services.milestone_create(
        alliance=alliance, data={"title": "B", "due_date": date(2026, 7, 1)}, user=manager, dependencies=[a]
    )
    model_archive(instance=b, user=manager)
    c = make(manager, alliance, "C")
    services.milestone_update(milestone=c, data={}, user=manager, dependencies=[a])
    services.milestone_update(milestone=a, data={}, user=manager, dependencies=[])  # nothing to break


# --- slips --------------------------------------------------------------------------------


def test_the_original_due_date_is_kept_so_a_later_date_shows_as_a_slip(manager, alliance):
    crm = make(manager, alliance, "CRM integration", due="2026-06-30")
    crm, changed = services.milestone_update(
        milestone=crm, data={"due_date": date(2026, 12, 15)}, user=manager
    )
    assert changed == ["due_date"]
    assert crm.original_due_date == date(2026, 6, 30)
    assert crm.moved_days == 168
    assert crm.slipped(TODAY)
    assert (
        crm.slip_explanation(TODAY) == "Slipped 168 days from the original date 30 Jun 2026 to 15 Dec 2026."
    )
    assert crm.history.first().history_change_reason == (
        "Due date moved from 30 Jun 2026 to 15 Dec 2026 (168 days after the original 30 Jun 2026)"
    )


def test_a_milestone_past_due_and_not_done_has_slipped(alliance):
    late = MilestoneFactory(alliance=alliance, due_date=TODAY - timedelta(days=5), status="in_progress")
    assert late.moved_days == 0
    assert late.overdue_days(TODAY) == 5
    assert late.slipped(TODAY)
    assert late.slip_explanation(TODAY) == "Past due by 5 days and not done."


def test_done_and_cancelled_milestones_are_not_overdue(alliance):
    done = MilestoneFactory(
        alliance=alliance, due_date=date(2026, 3, 31), status="done", completed_on=date(2026, 3, 20)
    )
    cancelled = MilestoneFactory(alliance=alliance, due_date=date(2026, 3, 31), status="cancelled")
    assert not done.slipped(TODAY) and done.overdue_days(TODAY) == 0
    assert not cancelled.slipped(TODAY)


def test_a_milestone_done_after_its_original_date_shows_it_was_late(alliance):
    done = MilestoneFactory(
        alliance=alliance, due_date=date(2026, 5, 31), status="done", completed_on=date(2026, 6, 12)
    )
    assert done.slipped(TODAY)
    assert done.slip_explanation(TODAY) == "Done on 12 Jun 2026, 12 days after the original date 31 May 2026."


def test_marking_a_milestone_done_records_today_and_reopening_clears_it(manager, alliance):
    m = make(manager, alliance, "Listing")
    m = services.milestone_set_status(milestone=m, status=MilestoneStatus.DONE, user=manager)
    assert m.completed_on == timezone.localdate()
    m = services.milestone_set_status(milestone=m, status=MilestoneStatus.IN_PROGRESS, user=manager)
    assert m.completed_on is None


def test_a_completion_date_needs_a_done_milestone(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        make(manager, alliance, "Early", status="planned", completed_on=date(2026, 1, 1))
    assert set(exc.value.message_dict) == {"completed_on"}


def test_a_milestone_is_not_done_in_the_future(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        make(
            manager,
            alliance,
            "Tomorrow",
            status="done",
            completed_on=timezone.localdate() + timedelta(days=1),
        )
    assert exc.value.message_dict["completed_on"] == ["A milestone cannot be done in the future."]


def test_the_owning_side_must_be_a_party(manager, alliance, other_partner_org):
    with pytest.raises(ValidationError) as exc:
        make(manager, alliance, "X", owning_side=other_partner_org)
    assert set(exc.value.message_dict) == {"owning_side"}


def test_partners_and_executives_do_not_write_the_roadmap(partner, executive, alliance):
    for user in (partner, executive):
        with pytest.raises(PermissionDenied):
            make(user, alliance, "Nope")


def test_the_roadmap_lists_slips_and_dependents(manager, alliance):
    crm = make(manager, alliance, "CRM", due="2026-06-30")
    services.milestone_update(milestone=crm, data={"due_date": date(2027, 1, 15)}, user=manager)
    services.milestone_create(
        alliance=alliance,
        data={"title": "Dashboard", "due_date": date(2027, 2, 1)},
        user=manager,
        dependencies=[crm],
    )
    tab = selectors.roadmap_tab(user=manager, alliance=alliance)
    rows = {r["m"].title: r for r in tab["milestone_rows"]}
    assert rows["CRM"]["slipped"] and rows["CRM"]["moved"] == 199
    assert [m.title for m in rows["CRM"]["dependents"]] == ["Dashboard"]
    assert [m.title for m in rows["Dashboard"]["blocked_by"]] == ["CRM"]
    timeline = {r["title"]: r for r in tab["timeline"]["rows"]}
    assert timeline["CRM"]["original"] == "2026-06-30" and timeline["CRM"]["due"] == "2027-01-15"
    assert timeline["Dashboard"]["deps"] == [crm.pk]


# --- initiatives and resource gaps ------------------------------------------------------------


def test_a_side_that_assigned_less_than_requested_shows_a_gap_explained(manager, alliance, partner_org):
    initiative = services.initiative_create(
        alliance=alliance,
        data={"title": "Co-sell acceleration", "status": "active"},
        user=manager,
        resources=[
            {
                "organization": partner_org,
                "kind": "headcount",
                "description": "Solution architects",
                "requested": Decimal("3"),
                "assigned": Decimal("1"),
                "unit": "FTE",
            },
            {
                "organization": f.home_org(),
                "kind": "budget",
                "requested": Decimal("50000"),
                "assigned": Decimal("50000"),
            },
        ],
    )
    resources = list(InitiativeResource.objects.filter(initiative=initiative).select_related("organization"))
    gaps = {(g.organization.pk, g.kind): g for g in selectors.resource_gaps(resources)}
    stratus = gaps[(partner_org.pk, "headcount")]
    assert (stratus.requested, stratus.assigned, stratus.gap, stratus.short) == (3, 1, 2, True)
    assert stratus.explanation == (
        "Stratus Test Cloud: 3 FTE requested − 1 FTE assigned (Solution architects) = 2 FTE short: "
        "intent is ahead of the ability to execute."
    )
    ours = gaps[(f.home_org().pk, "budget")]
    assert ours.unit == "EUR" and not ours.short  # a budget defaults to the reporting currency
    assert ours.explanation.endswith("fully assigned.")


def test_gaps_add_up_the_rows_of_one_side_kind_and_unit(alliance, partner_org):
    initiative = InitiativeFactory(alliance=alliance)
    ResourceFactory(
        initiative=initiative, organization=partner_org, requested=2, assigned=1, description="Architects"
    )
    ResourceFactory(
        initiative=initiative, organization=partner_org, requested=1, assigned=0, description="Sellers"
    )
    [gap] = selectors.resource_gaps(list(initiative.resources.select_related("organization")))
    assert (gap.requested, gap.assigned, gap.gap) == (3, 1, 2)
    assert "(Architects, Sellers)" in gap.explanation


def test_a_budget_needs_a_currency_code_and_a_side_must_be_a_party(manager, alliance, other_partner_org):
    with pytest.raises(ValidationError) as exc:
        services.initiative_create(
            alliance=alliance,
            data={"title": "X"},
            user=manager,
            resources=[
                {"organization": f.home_org(), "kind": "budget", "requested": Decimal("1"), "unit": "euros"},
                {"organization": other_partner_org, "kind": "headcount", "requested": Decimal("1")},
            ],
        )
    assert set(exc.value.message_dict) == {"resources.0.unit", "resources.1.organization"}
    assert not InitiativeFactory._meta.model.objects.filter(title="X").exists()  # nothing half-written


def test_updating_resources_keeps_listed_rows_adds_new_ones_and_archives_the_rest(
    manager, alliance, partner_org
):
    initiative = InitiativeFactory(alliance=alliance)
    keep = ResourceFactory(initiative=initiative, organization=partner_org, requested=3, assigned=1)
    drop = ResourceFactory(initiative=initiative)
    services.initiative_update(
        initiative=initiative,
        data={},
        user=manager,
        resources=[
            {"id": keep.pk, "assigned": Decimal("3")},
            {"organization": f.home_org(), "kind": "headcount", "requested": Decimal("1"), "unit": "FTE"},
        ],
    )
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.assigned == 3 and not keep.short
    assert drop.archived_at is not None
    assert initiative.resources.active().count() == 2


def test_a_resource_of_another_initiative_cannot_be_updated(manager, alliance):
    initiative = InitiativeFactory(alliance=alliance)
    other = ResourceFactory()
    with pytest.raises(ValidationError) as exc:
        services.initiative_update(initiative=initiative, data={}, user=manager, resources=[{"id": other.pk}])
    assert set(exc.value.message_dict) == {"resources.0.id"}


def test_an_initiative_ends_after_it_starts(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        services.initiative_create(
            alliance=alliance,
            data={"title": "X", "start_date": date(2026, 5, 1), "end_date": date(2026, 4, 1)},
            user=manager,
        )
    assert set(exc.value.message_dict) == {"end_date"}


# --- offerings ----------------------------------------------------------------------------


def test_an_offering_bundles_what_each_side_brings_and_launches_with_a_milestone(
    manager, alliance, partner_org
):
    launch = make(manager, alliance, "Bundle launch", category="joint_offering")
    offering = services.offering_create(
        alliance=alliance,
        data={"name": "Healthcare data platform", "launch_milestone": launch, "target_markets": "UK\nNL"},
        user=manager,
        components=[
            {"organization": f.home_org(), "contribution": "Governed lakehouse"},
            {"organization": partner_org, "contribution": "EHR integration"},
        ],
    )
    assert offering.markets == ["UK", "NL"]
    assert [c.contribution for c in offering.components.order_by("id")] == [
        "Governed lakehouse",
        "EHR integration",
    ]


def test_the_launch_milestone_must_belong_to_the_same_alliance(manager, alliance, other_alliance):
    foreign = make(manager, other_alliance, "Their launch")
    with pytest.raises(ValidationError) as exc:
        services.offering_create(
            alliance=alliance, data={"name": "X", "launch_milestone": foreign}, user=manager
        )
    assert set(exc.value.message_dict) == {"launch_milestone"}


def test_a_component_comes_from_a_party(manager, alliance, other_partner_org):
    offering = OfferingFactory(alliance=alliance)
    with pytest.raises(ValidationError) as exc:
        services.offering_update(
            offering=offering,
            data={},
            user=manager,
            components=[{"organization": other_partner_org, "contribution": "Stuff"}],
        )
    assert set(exc.value.message_dict) == {"components.0.organization"}
