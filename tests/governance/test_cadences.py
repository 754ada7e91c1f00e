"""Cadence rules: next due = last held meeting + interval (month ends clamp), overdue and by
how much, default cadences from the program's templates (idempotent)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.alliances.models import Alliance
from amity.governance import services
from amity.governance.models import Cadence, CadenceTemplate, MeetingStatus
from amity.governance.selectors import cadence_statuses
from tests import factories as f

from .factories import BodyFactory, CadenceFactory, MeetingFactory, at

pytestmark = pytest.mark.django_db


def status_of(cadence: Cadence, on: date):
    cadence = Cadence.objects.select_related("alliance").get(pk=cadence.pk)
    return cadence_statuses([cadence], on=on)[0]


def held(alliance: Alliance, day: date, **kw):
    return MeetingFactory(alliance=alliance, scheduled_start=at(day), status=MeetingStatus.HELD, **kw)


def test_next_due_is_the_last_held_meeting_plus_the_interval(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    held(alliance, date(2026, 1, 22))
    held(alliance, date(2026, 7, 9))

    status = status_of(cadence, on=date(2026, 9, 1))

    assert status.last_held == date(2026, 7, 9)
    assert status.basis == "last_held"
    assert status.next_due == date(2026, 10, 9)
    assert not status.overdue
    assert status.explanation == "Last quarterly business review held 9 Jul 2026 + 3 months = 9 Oct 2026."


def test_a_cadence_is_overdue_from_the_day_after_its_due_date_and_counts_the_days(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    held(alliance, date(2026, 7, 9))

    assert not status_of(cadence, on=date(2026, 10, 9)).overdue
    late = status_of(cadence, on=date(2026, 11, 1))
    assert late.overdue
    assert late.days_overdue == 23
    assert late.state == "overdue"
    assert "23 days ago (overdue)" in late.explanation


def test_month_end_clamps_to_the_shorter_month(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    held(alliance, date(2025, 11, 30))

    assert status_of(cadence, on=date(2026, 1, 1)).next_due == date(2026, 2, 28)


def test_month_end_lands_on_29_february_in_a_leap_year(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=1)
    held(alliance, date(2024, 1, 31))

    assert status_of(cadence, on=date(2024, 2, 1)).next_due == date(2024, 2, 29)


def test_a_cadence_crosses_the_year_end(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    held(alliance, date(2026, 11, 15))

    assert status_of(cadence, on=date(2026, 12, 1)).next_due == date(2027, 2, 15)


def test_with_none_held_the_alliance_start_date_is_the_basis(alliance):
    Alliance.objects.filter(pk=alliance.pk).update(start_date=date(2026, 2, 1))
    cadence = CadenceFactory(alliance=alliance, interval_months=6)

    status = status_of(cadence, on=date(2026, 9, 1))

    assert status.last_held is None
    assert status.basis == "start_date"
    assert status.next_due == date(2026, 8, 1)
    assert status.overdue and status.days_overdue == 31
    assert status.explanation.startswith("No quarterly business review held yet: alliance start 1 Feb 2026")


def test_with_no_start_date_the_day_the_cadence_was_set_up_is_the_basis(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=1)
    Cadence.objects.filter(pk=cadence.pk).update(created_at=at(date(2026, 3, 31)))

    status = status_of(cadence, on=date(2026, 4, 2))

    assert status.basis == "created"
    assert status.next_due == date(2026, 4, 30)


def test_planned_cancelled_archived_and_other_kinds_of_meetings_do_not_count(alliance):
    Alliance.objects.filter(pk=alliance.pk).update(start_date=date(2026, 1, 1))
    cadence = CadenceFactory(alliance=alliance, interval_months=3, meeting_kind="qbr")
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 5, 1)), status=MeetingStatus.CANCELLED)
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 5, 2)), status=MeetingStatus.PLANNED)
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 5, 3)), kind="pipeline")
    archived = held(alliance, date(2026, 5, 4))
    archived.archived_at = at(date(2026, 5, 5))
    archived.save()
    held(f.AllianceFactory(), date(2026, 5, 6))  # another alliance

    status = status_of(cadence, on=date(2026, 5, 10))

    assert status.last_held is None
    assert status.next_due == date(2026, 4, 1)


def test_the_next_planned_meeting_is_shown_but_does_not_reset_the_due_date(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    held(alliance, date(2026, 7, 9))
    MeetingFactory(
        alliance=alliance, scheduled_start=at(date(2026, 11, 18), 14), status=MeetingStatus.PLANNED
    )

    status = status_of(cadence, on=date(2026, 11, 1))

    assert status.overdue
    assert status.next_planned == at(date(2026, 11, 18), 14)


def test_a_body_cadence_counts_meetings_of_that_body_and_meetings_without_a_body(alliance):
    steering, operating = BodyFactory(alliance=alliance), BodyFactory(alliance=alliance, kind="operating")
    of_steering = CadenceFactory(alliance=alliance, body=steering, interval_months=3)
    any_body = CadenceFactory(alliance=alliance, meeting_kind="pipeline", interval_months=1)
    held(alliance, date(2026, 6, 1), body=operating)
    held(alliance, date(2026, 5, 1), body=steering)
    held(alliance, date(2026, 4, 1))
    held(alliance, date(2026, 6, 15), body=operating, kind="pipeline")

    assert status_of(of_steering, on=date(2026, 7, 1)).last_held == date(2026, 5, 1)
    assert status_of(any_body, on=date(2026, 7, 1)).last_held == date(2026, 6, 15)
    held(alliance, date(2026, 6, 20))  # no body: counts for the steering cadence too
    assert status_of(of_steering, on=date(2026, 7, 1)).last_held == date(2026, 6, 20)


def test_an_inactive_cadence_is_never_due(alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=1, active=False)

    status = status_of(cadence, on=date(2030, 1, 1))

    assert status.next_due is None
    assert not status.overdue
    assert status.state == "inactive"
    assert "inactive, so never due" in status.explanation


def test_a_meeting_late_in_the_evening_counts_on_its_local_day(alliance, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    cadence = CadenceFactory(alliance=alliance, interval_months=1)
    MeetingFactory(
        alliance=alliance, scheduled_start=at(date(2026, 3, 31), 23, 30), status=MeetingStatus.HELD
    )

    status = status_of(cadence, on=date(2026, 4, 1))

    # 23:30 in Amsterdam is 21:30 UTC the same day; in UTC terms a naive date() could differ.
    assert status.last_held == date(2026, 3, 31)
    assert status.next_due == date(2026, 4, 30)


def test_statuses_of_many_alliances_cost_two_queries(django_assert_max_num_queries):
    cadences = []
    for _ in range(8):
        alliance = f.AllianceFactory()
        cadences.append(CadenceFactory(alliance=alliance))
        cadences.append(CadenceFactory(alliance=alliance, meeting_kind="pipeline", interval_months=1))
        held(alliance, date(2026, 1, 10))
    qs = Cadence.objects.select_related("alliance").filter(pk__in=[c.pk for c in cadences])

    with django_assert_max_num_queries(2):
        statuses = cadence_statuses(qs, on=date(2026, 6, 1))

    assert len(statuses) == 16
    assert {s.last_held for s in statuses if s.cadence.meeting_kind == "qbr"} == {date(2026, 1, 10)}


# --- default cadences --------------------------------------------------------------------------


def test_the_data_migration_installs_the_program_defaults():
    defaults = {t.meeting_kind: t.interval_months for t in CadenceTemplate.objects.active()}

    assert defaults == {"qbr": 3, "pipeline": 1, "executive": 6}


def test_applying_defaults_creates_one_cadence_per_template_attached_to_bodies_by_kind(alliance, manager):
    steering = BodyFactory(alliance=alliance, kind="steering")

    created = services.cadence_apply_defaults(alliance=alliance, user=manager)

    by_kind = {c.meeting_kind: c for c in created}
    assert set(by_kind) == {"qbr", "pipeline", "executive"}
    assert by_kind["qbr"].interval_months == 3 and by_kind["qbr"].body == steering
    assert by_kind["pipeline"].interval_months == 1 and by_kind["pipeline"].body is None
    assert by_kind["executive"].interval_months == 6
    assert all(c.template_id for c in created)


def test_applying_defaults_twice_adds_nothing_the_second_time(alliance, manager):
    services.cadence_apply_defaults(alliance=alliance, user=manager)

    again = services.cadence_apply_defaults(alliance=alliance, user=manager)

    assert again == []
    assert Cadence.objects.filter(alliance=alliance).count() == 3


def test_defaults_skip_a_kind_the_alliance_already_has_and_archived_templates(alliance, manager):
    CadenceFactory(alliance=alliance, meeting_kind="pipeline", interval_months=2)
    CadenceTemplate.objects.filter(meeting_kind="executive").update(archived_at=at(date(2026, 1, 1)))

    created = services.cadence_apply_defaults(alliance=alliance, user=manager)

    assert [c.meeting_kind for c in created] == ["qbr"]
    assert Cadence.objects.get(alliance=alliance, meeting_kind="pipeline").interval_months == 2


def test_an_edited_template_changes_what_new_alliances_get(alliance, manager):
    CadenceTemplate.objects.filter(meeting_kind="qbr").update(interval_months=4)

    created = services.cadence_apply_defaults(alliance=alliance, user=manager)

    assert {c.meeting_kind: c.interval_months for c in created}["qbr"] == 4


def test_an_executive_may_not_apply_defaults(alliance, executive):
    with pytest.raises(PermissionDenied):
        services.cadence_apply_defaults(alliance=alliance, user=executive)
    assert not Cadence.objects.exists()


def test_defaults_are_refused_on_an_archived_alliance(alliance, manager):
    Alliance.objects.filter(pk=alliance.pk).update(archived_at=at(date(2026, 1, 1)))
    alliance.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.cadence_apply_defaults(alliance=alliance, user=manager)
    assert "alliance" in exc.value.message_dict


def test_a_second_cadence_for_the_same_kind_and_body_is_a_field_error(alliance, manager):
    services.cadence_create(
        alliance=alliance, data={"meeting_kind": "qbr", "interval_months": 3}, user=manager
    )

    with pytest.raises(ValidationError) as exc:
        services.cadence_create(
            alliance=alliance, data={"meeting_kind": "qbr", "interval_months": 2}, user=manager
        )
    assert "meeting_kind" in exc.value.message_dict


def test_an_interval_outside_1_to_36_months_is_a_field_error(alliance, manager):
    for months in (0, 37):
        with pytest.raises(ValidationError) as exc:
            services.cadence_create(
                alliance=alliance, data={"meeting_kind": "qbr", "interval_months": months}, user=manager
            )
        assert "interval_months" in exc.value.message_dict


def test_a_cadence_cannot_name_a_body_of_another_alliance(alliance, other_alliance, manager):
    foreign = BodyFactory(alliance=other_alliance)

    with pytest.raises(ValidationError) as exc:
        services.cadence_create(
            alliance=alliance,
            data={"meeting_kind": "qbr", "interval_months": 3, "body": foreign},
            user=manager,
        )
    assert "body" in exc.value.message_dict
