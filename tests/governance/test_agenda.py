"""Governance's dates on the agenda: meetings (timed), action items due, cadences due and
escalations awaiting a decision for 30 days - stable uids, done states, recipients, bulk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.alliances.models import Alliance
from amity.core import agenda
from amity.governance.agenda import SOURCES
from amity.governance.models import ActionStatus, EscalationStatus
from tests import factories as f

from .factories import ActionItemFactory, CadenceFactory, EscalationFactory, MeetingFactory, at, ours, person

pytestmark = pytest.mark.django_db


def governance_items(alliance_ids, start=None, end=None) -> list[agenda.AgendaItem]:
    """What the governance sources yield, filtered and sorted by the agenda reader."""
    return [i for i in agenda.items(alliance_ids, start, end) if i.data_kind == "governance"]


def own_items(alliance_ids) -> list[agenda.AgendaItem]:
    """Only governance's sources (other apps' sources have their own query budgets)."""
    return [item for source in SOURCES.values() for item in source(alliance_ids, None, None)]


def by_kind(items, kind: str) -> list[agenda.AgendaItem]:
    return [i for i in items if i.kind == kind]


def test_the_four_sources_are_registered_by_the_app():
    assert set(SOURCES) <= set(agenda.sources())


def test_a_meeting_is_a_timed_item_done_once_held(alliance, manager):
    Alliance.objects.filter(pk=alliance.pk).update(owner=manager)
    planned = MeetingFactory(alliance=alliance, status="planned", scheduled_start=at(date(2026, 11, 18), 14))
    planned.duration_minutes = 90
    planned.save()
    held = MeetingFactory(alliance=alliance, status="held", scheduled_start=at(date(2026, 7, 9), 14))

    items = {i.uid: i for i in by_kind(governance_items([alliance.pk]), "meeting")}

    item = items[f"meeting-{planned.pk}"]
    assert item.status == agenda.OPEN and item.day == date(2026, 11, 18)
    assert item.start == planned.scheduled_start and item.end == planned.scheduled_start + timedelta(
        minutes=90
    )
    assert item.url == planned.get_absolute_url()
    assert item.recipients == (manager.pk,)
    assert items[f"meeting-{held.pk}"].status == agenda.DONE


def test_attendees_who_are_users_are_reminded_too(alliance, manager, partner):
    Alliance.objects.filter(pk=alliance.pk).update(owner=manager)
    attendee = person(alliance, email=partner.email.upper())
    meeting = MeetingFactory(alliance=alliance, status="planned", scheduled_start=at(date(2026, 12, 1)))
    meeting.attendees.add(attendee, person(alliance, email=""))

    item = by_kind(governance_items([alliance.pk]), "meeting")[0]

    assert item.recipients == (manager.pk, partner.pk)


def test_action_items_are_due_on_their_date_and_done_when_completed_or_cancelled(alliance):
    open_item = ActionItemFactory(alliance=alliance, due_date=date(2026, 9, 30))
    done = ActionItemFactory(
        alliance=alliance,
        due_date=date(2026, 8, 31),
        status=ActionStatus.DONE,
        completed_on=date(2026, 8, 28),
    )
    cancelled = ActionItemFactory(alliance=alliance, due_date=date(2026, 8, 1), status=ActionStatus.CANCELLED)

    items = {i.uid: i for i in by_kind(governance_items([alliance.pk]), "action_item_due")}

    assert items[f"action-item-{open_item.pk}"].overdue_on(date(2026, 11, 1))
    assert items[f"action-item-{done.pk}"].status == agenda.DONE
    assert items[f"action-item-{cancelled.pk}"].status == agenda.DONE
    assert open_item.owner.full_name in items[f"action-item-{open_item.pk}"].title


def test_a_cadence_is_due_on_its_next_due_date_with_a_uid_that_moves_with_it(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 7, 9)))

    item = by_kind(governance_items([alliance.pk]), "cadence_due")[0]

    assert item.uid == f"cadence-{cadence.pk}-20261009"
    assert item.day == date(2026, 10, 9) and item.overdue_on(date(2026, 11, 1))
    assert "9 Oct 2026" in item.description

    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 11, 3)))
    moved = by_kind(governance_items([alliance.pk]), "cadence_due")[0]
    assert moved.uid == f"cadence-{cadence.pk}-20270203"


def test_inactive_and_archived_cadences_are_not_on_the_agenda(alliance):
    CadenceFactory(alliance=alliance, active=False)
    archived = CadenceFactory(alliance=alliance, meeting_kind="pipeline")
    archived.archived_at = at(date(2026, 1, 1))
    archived.save()

    assert by_kind(governance_items([alliance.pk]), "cadence_due") == []


def test_an_escalation_is_on_the_agenda_on_the_day_its_30_days_run_out(alliance, manager):
    Alliance.objects.filter(pk=alliance.pk).update(owner=manager)
    open_one = EscalationFactory(alliance=alliance, raised_on=date(2026, 9, 24), raised_by=manager)
    decided = EscalationFactory(
        alliance=alliance,
        raised_on=date(2026, 4, 23),
        status=EscalationStatus.DECIDED,
        decision="Done.",
        decided_on=date(2026, 6, 10),
    )

    items = {i.uid: i for i in by_kind(governance_items([alliance.pk]), "escalation_open")}

    item = items[f"escalation-{open_one.pk}"]
    assert item.day == date(2026, 10, 24) and item.status == agenda.OPEN
    assert item.overdue_on(date(2026, 11, 1))
    assert item.recipients == (manager.pk,)
    assert items[f"escalation-{decided.pk}"].status == agenda.DONE


def test_date_windows_are_respected_by_every_source(alliance):
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 10, 5)))
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 12, 5)))
    ActionItemFactory(alliance=alliance, due_date=date(2026, 10, 20))
    ActionItemFactory(alliance=alliance, due_date=date(2027, 1, 20))
    EscalationFactory(alliance=alliance, raised_on=date(2026, 9, 20))  # due 20 Oct
    EscalationFactory(alliance=alliance, raised_on=date(2026, 6, 1))  # due 1 Jul

    items = governance_items([alliance.pk], date(2026, 10, 1), date(2026, 10, 31))

    assert sorted(i.day for i in items) == [date(2026, 10, 5), date(2026, 10, 20), date(2026, 10, 20)]


def test_sources_only_return_items_of_the_alliances_asked_for(alliance, other_alliance):
    MeetingFactory(alliance=other_alliance)
    ActionItemFactory(alliance=other_alliance)
    EscalationFactory(alliance=other_alliance)
    CadenceFactory(alliance=other_alliance)

    assert governance_items([alliance.pk]) == []
    assert governance_items(Alliance.objects.filter(pk=other_alliance.pk).values("pk"))


def test_the_sources_cost_the_same_for_2_or_12_alliances(django_assert_max_num_queries, home):
    def add(n: int) -> list[int]:
        created = []
        for _ in range(n):
            a = f.AllianceFactory()
            created.append(a.pk)
            meeting = MeetingFactory(alliance=a, status="planned")
            meeting.attendees.add(ours(a))
            ActionItemFactory(alliance=a, meeting=meeting)
            EscalationFactory(alliance=a)
            CadenceFactory(alliance=a)
        return created

    few = add(2)
    with CaptureQueriesContext(connection) as small:
        assert len(own_items(few)) == 8
    many = few + add(10)
    with CaptureQueriesContext(connection) as large:
        assert len(own_items(many)) == 48

    assert len(large.captured_queries) == len(small.captured_queries) <= 10
