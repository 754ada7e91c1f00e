"""The agenda items of planning: milestones due and plan agreements pending."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.alliances.models import Alliance
from amity.core import agenda
from amity.core.agenda import DONE, OPEN
from amity.planning import services
from amity.planning.models import PlanStatus
from tests import factories as f

from .factories import MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db


def planning_items(alliance_ids, start=None, end=None):
    return [
        i for i in agenda.items(alliance_ids, start, end) if i.kind in ("milestone_due", "plan_agreement")
    ]


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def test_both_planning_sources_are_registered():
    assert {"planning.milestones", "planning.plan_agreement"} <= set(agenda.sources())


def test_a_milestone_is_due_on_its_due_date_for_its_owner(manager, alliance):
    m = MilestoneFactory(
        alliance=alliance, title="CRM integration", due_date=date(2026, 12, 15), owner=manager
    )
    [item] = planning_items([alliance.pk])
    assert item.uid == f"milestone-{m.pk}"
    assert item.kind == "milestone_due"
    assert item.day == date(2026, 12, 15)
    assert item.status == OPEN
    assert item.recipients == (manager.pk,)
    assert item.url.endswith(f"/alliances/{alliance.pk}/roadmap/#milestone-{m.pk}")
    assert item.data_kind == "roadmap"


def test_without_an_owner_the_alliance_owner_is_reminded(manager, alliance):
    alliance.owner = manager
    alliance.save()
    MilestoneFactory(alliance=alliance)
    [item] = planning_items([alliance.pk])
    assert item.recipients == (manager.pk,)


def test_a_slipped_milestone_says_when_it_was_first_due(manager, alliance):
    m = services.milestone_create(
        alliance=alliance, data={"title": "CRM", "due_date": date(2026, 6, 30)}, user=manager
    )
    services.milestone_update(milestone=m, data={"due_date": date(2026, 12, 15)}, user=manager)
    [item] = planning_items([alliance.pk])
    assert "Slipped 168 days from the original date 30 Jun 2026." in item.description


def test_done_and_cancelled_milestones_are_done_and_never_overdue(alliance):
    MilestoneFactory(
        alliance=alliance, due_date=date(2026, 1, 10), status="done", completed_on=date(2026, 1, 9)
    )
    MilestoneFactory(alliance=alliance, due_date=date(2026, 1, 10), status="cancelled")
    items = planning_items([alliance.pk])
    assert {i.status for i in items} == {DONE}
    assert not any(i.overdue_on(date(2026, 11, 1)) for i in items)


def test_archived_milestones_and_other_alliances_stay_off_the_agenda(manager, alliance, other_alliance):
    MilestoneFactory(alliance=alliance, archived_at=timezone.now())
    MilestoneFactory(alliance=other_alliance)
    assert planning_items([alliance.pk]) == []


def test_the_window_selects_milestones_by_due_date(alliance):
    MilestoneFactory(alliance=alliance, title="Early", due_date=date(2026, 1, 10))
    MilestoneFactory(alliance=alliance, title="Late", due_date=date(2026, 12, 10))
    items = planning_items([alliance.pk], date(2026, 12, 1), date(2026, 12, 31))
    assert [i.title for i in items] == ["Milestone due: Late"]


def test_a_proposed_plan_waits_for_agreement_14_days_after_the_proposal(manager, alliance, partner_org):
    alliance.owner = manager
    alliance.save()
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=aware(date(2026, 10, 14)))
    services.plan_agree(plan=plan, user=manager)
    [item] = planning_items([alliance.pk])
    assert item.uid == f"plan-{plan.pk}-agreement"
    assert item.kind == "plan_agreement"
    assert item.day == date(2026, 10, 28)
    assert item.recipients == (manager.pk,)
    assert "1 of 2 sides agreed" in item.description
    assert "Waiting for Stratus Test Cloud" in item.description
    assert item.overdue_on(date(2026, 11, 1))


def test_an_agreed_or_draft_plan_is_not_pending(manager, partner, alliance, other_alliance):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=timezone.now())
    services.plan_agree(plan=plan, user=manager)
    services.plan_agree(plan=plan, user=partner)
    PlanFactory(alliance=other_alliance, status=PlanStatus.DRAFT)
    assert planning_items([alliance.pk, other_alliance.pk]) == []


def test_the_window_selects_agreements_by_their_due_day(alliance):
    PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=aware(date(2026, 10, 14)))
    assert len(planning_items([alliance.pk], date(2026, 10, 28), date(2026, 10, 28))) == 1
    assert planning_items([alliance.pk], date(2026, 10, 29), date(2026, 11, 30)) == []
    assert planning_items([alliance.pk], date(2026, 10, 1), date(2026, 10, 27)) == []


def test_the_sources_run_a_fixed_number_of_queries(manager, home):
    def build(n: int) -> None:
        for _ in range(n):
            alliance = f.AllianceFactory(owner=manager)
            MilestoneFactory(alliance=alliance, due_date=date(2026, 11, 20), owner=manager)
            PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=timezone.now())

    def count() -> int:
        ids = list(Alliance.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            items = planning_items(ids)
        assert len(items) == 2 * Alliance.objects.count()
        return len(ctx.captured_queries)

    build(3)
    few = count()
    build(12)
    assert count() == few


def test_the_sources_take_a_queryset_of_visible_alliances(partner, alliance, other_alliance):
    MilestoneFactory(alliance=alliance, title="Ours")
    MilestoneFactory(alliance=other_alliance, title="Theirs")
    visible = Alliance.objects.visible_to(partner).values("pk")
    assert [i.title for i in planning_items(visible)] == ["Milestone due: Ours"]


def test_item_days_are_computed_in_local_time(settings, alliance):
    # Proposed at 23:30 local time: the agreement is due 14 local days later.
    settings.TIME_ZONE = "Europe/Amsterdam"
    proposed = timezone.make_aware(datetime(2026, 3, 1, 23, 30))
    PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=proposed)
    [item] = planning_items([alliance.pk], date(2026, 3, 15), date(2026, 3, 15))
    assert item.day == date(2026, 3, 1) + timedelta(days=14)
