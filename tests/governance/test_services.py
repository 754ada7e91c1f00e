"""Governance services: bodies and members from the parties, meetings and their status,
decisions, action items, escalations and the 30-day rule - validated, never half-written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceMember, MemberRole
from amity.core.services import ConflictError
from amity.governance import services
from amity.governance.models import (
    ActionItem,
    ActionStatus,
    BodyMember,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    program_today,
)
from tests import factories as f

from .factories import ActionItemFactory, BodyFactory, EscalationFactory, MeetingFactory, at, ours, person

pytestmark = pytest.mark.django_db


def field_of(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


# --- bodies ----------------------------------------------------------------------------------------


def test_a_body_has_members_from_both_sides(alliance, manager):
    body = services.body_create(
        alliance=alliance, data={"name": "Executive steering group", "kind": "steering"}, user=manager
    )
    theirs, mine = person(alliance), ours(alliance)

    services.body_member_add(body=body, contact=theirs, role="chair", user=manager)
    services.body_member_add(body=body, contact=mine, role="chair", user=manager)

    assert {m.contact for m in body.members.all()} == {theirs, mine}
    assert set(body.members.values_list("role", flat=True)) == {"chair"}


def test_a_member_must_belong_to_a_party_of_the_alliance(alliance, manager, other_partner_org):
    body = BodyFactory(alliance=alliance)
    outsider = f.ContactFactory(organization=other_partner_org)

    with pytest.raises(ValidationError) as exc:
        services.body_member_add(body=body, contact=outsider, user=manager)

    assert field_of(exc) == {"contact"}
    assert "not a party" in exc.value.message_dict["contact"][0]
    assert not BodyMember.objects.exists()


def test_a_member_of_an_organization_that_left_the_alliance_is_refused(alliance, manager, other_partner_org):
    from amity.alliances.models import AllianceParty

    left = AllianceParty.objects.create(alliance=alliance, organization=other_partner_org, role="member")
    left.archived_at = timezone.now()
    left.save()

    with pytest.raises(ValidationError):
        services.body_member_add(
            body=BodyFactory(alliance=alliance),
            contact=f.ContactFactory(organization=other_partner_org),
            user=manager,
        )


def test_adding_the_same_member_twice_is_a_field_error_but_a_new_role_is_a_change(alliance, manager):
    body, contact = BodyFactory(alliance=alliance), person(alliance)
    services.body_member_add(body=body, contact=contact, user=manager)

    with pytest.raises(ValidationError) as exc:
        services.body_member_add(body=body, contact=contact, user=manager)
    assert field_of(exc) == {"contact"}

    member = services.body_member_add(body=body, contact=contact, role="chair", user=manager)
    assert member.role == "chair" and member.version == 2
    assert BodyMember.objects.filter(body=body).count() == 1


def test_a_removed_member_is_archived_and_can_come_back(alliance, manager):
    body, contact = BodyFactory(alliance=alliance), person(alliance)
    member = services.body_member_add(body=body, contact=contact, user=manager)

    services.body_member_remove(member=member, user=manager)
    assert BodyMember.objects.get(pk=member.pk).archived_at is not None

    back = services.body_member_add(body=body, contact=contact, user=manager)
    assert back.pk == member.pk and back.archived_at is None


def test_two_bodies_of_one_alliance_cannot_share_a_name(alliance, manager):
    services.body_create(
        alliance=alliance, data={"name": "Operating team", "kind": "operating"}, user=manager
    )

    with pytest.raises(ValidationError) as exc:
        services.body_create(
            alliance=alliance, data={"name": "operating team", "kind": "working"}, user=manager
        )
    assert field_of(exc) == {"name"}


def test_executives_and_partners_may_not_create_bodies(alliance, executive, partner):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            services.body_create(alliance=alliance, data={"name": "X", "kind": "other"}, user=user)
    assert not GovernanceBody.objects.exists()


# --- meetings and decisions ----------------------------------------------------------------------


def meeting_data(**kw):
    data = {
        "kind": "qbr",
        "title": "Q3 business review",
        "scheduled_start": at(program_today() - timedelta(days=1)),
    }
    data.update(kw)
    return data


def test_a_meeting_starts_planned_with_attendees_of_both_sides(alliance, manager):
    theirs, mine = person(alliance), ours(alliance)

    meeting = services.meeting_create(
        alliance=alliance, data=meeting_data(status="held"), attendees=[theirs, mine], user=manager
    )

    assert meeting.status == MeetingStatus.PLANNED
    assert set(meeting.attendees.all()) == {theirs, mine}


def test_an_attendee_from_outside_the_alliance_is_refused_and_nothing_is_written(
    alliance, manager, other_partner_org
):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            alliance=alliance,
            data=meeting_data(),
            attendees=[person(alliance), f.ContactFactory(organization=other_partner_org)],
            user=manager,
        )
    assert field_of(exc) == {"attendees"}
    assert not Meeting.objects.exists()


def test_a_meeting_time_without_a_zone_is_refused(alliance, manager):
    naive = at(program_today()).replace(tzinfo=None)

    with pytest.raises(ValidationError) as exc:
        services.meeting_create(alliance=alliance, data=meeting_data(scheduled_start=naive), user=manager)
    assert "scheduled_start" in field_of(exc)


def test_marking_a_meeting_held_records_the_minutes(alliance, manager):
    meeting = services.meeting_create(alliance=alliance, data=meeting_data(), user=manager)

    meeting = services.meeting_set_status(
        meeting=meeting, status="held", minutes="Pipeline reviewed deal by deal.", user=manager
    )

    assert meeting.status == MeetingStatus.HELD
    assert meeting.minutes == "Pipeline reviewed deal by deal."
    assert meeting.version == 2


def test_a_future_meeting_cannot_be_marked_held(alliance, manager):
    meeting = services.meeting_create(
        alliance=alliance,
        data=meeting_data(scheduled_start=at(program_today() + timedelta(days=3))),
        user=manager,
    )

    with pytest.raises(ValidationError) as exc:
        services.meeting_set_status(meeting=meeting, status="held", user=manager)
    assert field_of(exc) == {"status"}
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_a_held_meeting_cannot_be_cancelled_but_a_cancelled_one_can_be_planned_again(alliance, manager):
    held = MeetingFactory(alliance=alliance, status=MeetingStatus.HELD)
    with pytest.raises(ValidationError) as exc:
        services.meeting_set_status(meeting=held, status="cancelled", user=manager)
    assert field_of(exc) == {"status"}

    cancelled = MeetingFactory(alliance=alliance, status=MeetingStatus.CANCELLED)
    assert services.meeting_set_status(meeting=cancelled, status="planned", user=manager).status == "planned"


def test_a_stale_status_change_is_a_conflict(alliance, manager):
    meeting = MeetingFactory(alliance=alliance, status=MeetingStatus.PLANNED)

    with pytest.raises(ConflictError):
        services.meeting_set_status(meeting=meeting, status="cancelled", user=manager, expected_version=7)


def test_decisions_are_dated_on_the_meeting_day_and_follow_it_when_it_moves(alliance, manager):
    meeting = MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 7, 9), 14), status="held")

    decision = services.decision_add(meeting=meeting, text="  Run a joint campaign in Q3.  ", user=manager)
    assert decision.decided_on == date(2026, 7, 9)
    assert decision.text == "Run a joint campaign in Q3."
    assert decision.recorded_by == manager

    services.meeting_update(meeting=meeting, data={"scheduled_start": at(date(2026, 7, 8), 14)}, user=manager)
    assert Decision.objects.get(pk=decision.pk).decided_on == date(2026, 7, 8)


def test_an_empty_decision_or_one_of_a_cancelled_meeting_is_refused(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.decision_add(meeting=MeetingFactory(alliance=alliance), text="   ", user=manager)
    assert field_of(exc) == {"text"}

    with pytest.raises(ValidationError) as exc:
        services.decision_add(
            meeting=MeetingFactory(alliance=alliance, status="cancelled"), text="x", user=manager
        )
    assert field_of(exc) == {"meeting"}


def test_a_held_meeting_cannot_move_into_the_future(alliance, manager):
    meeting = MeetingFactory(alliance=alliance, status="held")

    with pytest.raises(ValidationError) as exc:
        services.meeting_update(
            meeting=meeting, data={"scheduled_start": at(program_today() + timedelta(days=5))}, user=manager
        )
    assert field_of(exc) == {"scheduled_start"}


# --- action items ---------------------------------------------------------------------------------


def test_an_action_item_is_owned_by_a_person_of_either_side(alliance, manager):
    for owner in (person(alliance), ours(alliance)):
        item = services.action_item_create(
            alliance=alliance,
            data={"title": "Send the account list", "owner": owner, "due_date": date(2026, 12, 1)},
            user=manager,
        )
        assert item.status == ActionStatus.OPEN and item.owner == owner


def test_an_owner_outside_the_alliance_is_a_field_error(alliance, manager, other_partner_org):
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            alliance=alliance,
            data={
                "title": "X",
                "owner": f.ContactFactory(organization=other_partner_org),
                "due_date": date(2026, 1, 1),
            },
            user=manager,
        )
    assert field_of(exc) == {"owner"}
    assert not ActionItem.objects.exists()


def test_an_action_item_cannot_come_from_another_alliances_meeting(alliance, other_alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            alliance=alliance,
            data={
                "title": "X",
                "owner": person(alliance),
                "due_date": date(2026, 1, 1),
                "meeting": MeetingFactory(alliance=other_alliance),
            },
            user=manager,
        )
    assert field_of(exc) == {"meeting"}


def test_an_open_action_item_past_its_due_date_is_overdue_until_done(alliance, manager):
    today = program_today()
    item = ActionItemFactory(alliance=alliance, due_date=today - timedelta(days=3))
    assert item.is_overdue(today) and item.days_overdue == 3
    assert not ActionItemFactory(alliance=alliance, due_date=today).is_overdue(today)

    done = services.action_item_set_status(item=item, status="done", user=manager)

    assert done.completed_on == today
    assert not done.is_overdue(today)


def test_completing_an_action_item_on_a_past_day_and_reopening_it(alliance, manager):
    item = ActionItemFactory(alliance=alliance)

    item = services.action_item_set_status(
        item=item, status="done", completed_on=date(2026, 1, 5), user=manager
    )
    assert item.completed_on == date(2026, 1, 5)

    item = services.action_item_set_status(item=item, status="open", user=manager)
    assert item.status == "open" and item.completed_on is None


def test_a_completion_date_in_the_future_or_on_an_open_item_is_a_field_error(alliance, manager):
    item = ActionItemFactory(alliance=alliance)
    with pytest.raises(ValidationError) as exc:
        services.action_item_set_status(
            item=item, status="done", completed_on=program_today() + timedelta(days=1), user=manager
        )
    assert field_of(exc) == {"completed_on"}
    with pytest.raises(ValidationError) as exc:
        services.action_item_set_status(
            item=item, status="cancelled", completed_on=date(2026, 1, 1), user=manager
        )
    assert field_of(exc) == {"completed_on"}
    with pytest.raises(ValidationError) as exc:
        services.action_item_set_status(item=item, status="finished", user=manager)
    assert field_of(exc) == {"status"}


def test_the_status_of_an_action_item_does_not_change_through_an_edit(alliance, manager):
    item = ActionItemFactory(alliance=alliance)

    item, changed = services.action_item_update(
        item=item, data={"status": "done", "title": "Renamed"}, user=manager
    )

    assert item.status == "open" and item.title == "Renamed" and changed == ["title"]


# --- escalations ----------------------------------------------------------------------------------


def sponsor_of(alliance: Alliance) -> AllianceMember:
    return AllianceMember.objects.create(alliance=alliance, contact=ours(alliance), role=MemberRole.SPONSOR)


def test_an_escalation_goes_to_exactly_one_body_sponsor_or_person(alliance, manager):
    body, sponsor = BodyFactory(alliance=alliance), sponsor_of(alliance)

    to_body = services.escalation_create(
        alliance=alliance, data={"title": "Margins", "to_body": body}, user=manager
    )
    to_sponsor = services.escalation_create(
        alliance=alliance, data={"title": "Staffing", "to_sponsor": sponsor}, user=manager
    )

    assert to_body.target == body and to_body.raised_by == manager and to_body.raised_on == program_today()
    assert to_sponsor.target_label == f"{sponsor.contact} (executive sponsor)"
    with pytest.raises(ValidationError) as exc:
        services.escalation_create(alliance=alliance, data={"title": "None"}, user=manager)
    assert field_of(exc) == {"to_body"}
    with pytest.raises(ValidationError):
        services.escalation_create(
            alliance=alliance, data={"title": "Both", "to_body": body, "to_sponsor": sponsor}, user=manager
        )
    assert Escalation.objects.count() == 2


def test_only_an_executive_sponsor_of_the_same_alliance_can_receive_an_escalation(
    alliance, other_alliance, manager
):
    team_member = AllianceMember.objects.create(
        alliance=alliance, contact=ours(alliance), role=MemberRole.TEAM
    )
    foreign_sponsor = sponsor_of(other_alliance)

    for target in (team_member, foreign_sponsor):
        with pytest.raises(ValidationError) as exc:
            services.escalation_create(
                alliance=alliance, data={"title": "X", "to_sponsor": target}, user=manager
            )
        assert field_of(exc) == {"to_sponsor"}


def test_an_escalation_cannot_be_raised_in_the_future(alliance, manager):
    with pytest.raises(ValidationError) as exc:
        services.escalation_create(
            alliance=alliance,
            data={
                "title": "X",
                "to_body": BodyFactory(alliance=alliance),
                "raised_on": program_today() + timedelta(1),
            },
            user=manager,
        )
    assert field_of(exc) == {"raised_on"}


def test_an_open_escalation_older_than_30_days_is_flagged(alliance):
    today = program_today()
    thirty = EscalationFactory(alliance=alliance, raised_on=today - timedelta(days=30))
    older = EscalationFactory(alliance=alliance, raised_on=today - timedelta(days=31))

    assert not thirty.is_overdue(today)
    assert older.is_overdue(today)
    assert older.decision_due == today - timedelta(days=1)
    assert older.age_days(today) == 31


def test_deciding_an_escalation_records_the_decision_and_clears_the_flag(alliance, manager):
    sponsor = sponsor_of(alliance)
    escalation = EscalationFactory(
        alliance=alliance, to_body=None, to_sponsor=sponsor, raised_on=program_today() - timedelta(days=40)
    )

    decided = services.escalation_decide(
        escalation=escalation, decision="Absorb the fee above €250k.", user=manager
    )

    assert decided.status == EscalationStatus.DECIDED
    assert decided.decision == "Absorb the fee above €250k."
    assert decided.decided_on == program_today()
    assert decided.decided_by_contact == sponsor.contact  # defaults to the sponsor it went to
    assert not decided.is_overdue()
    assert decided.age_days() == 40


def test_a_decision_by_a_body_names_the_body_unless_someone_is_given(alliance, manager):
    escalation = EscalationFactory(alliance=alliance)

    decided = services.escalation_decide(
        escalation=escalation, decision="Yes.", decided_by="Both CEOs", user=manager
    )

    assert decided.decided_by == "Both CEOs" and decided.decider == "Both CEOs"
    other = services.escalation_decide(
        escalation=EscalationFactory(alliance=alliance), decision="No.", user=manager
    )
    assert other.decided_by == str(other.to_body)


def test_a_decision_needs_text_a_sane_date_and_an_open_escalation(alliance, manager):
    escalation = EscalationFactory(alliance=alliance, raised_on=date(2026, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.escalation_decide(escalation=escalation, decision=" ", user=manager)
    assert field_of(exc) == {"decision"}
    with pytest.raises(ValidationError) as exc:
        services.escalation_decide(
            escalation=escalation, decision="x", decided_on=date(2026, 4, 30), user=manager
        )
    assert field_of(exc) == {"decided_on"}

    services.escalation_decide(escalation=escalation, decision="x", decided_on=date(2026, 5, 2), user=manager)
    with pytest.raises(ValidationError) as exc:
        services.escalation_decide(escalation=escalation, decision="again", user=manager)
    assert field_of(exc) == {"status"}


def test_an_escalation_can_be_withdrawn_with_a_reason(alliance, manager):
    escalation = services.escalation_withdraw(
        escalation=EscalationFactory(alliance=alliance), reason="Settled by the teams.", user=manager
    )

    assert escalation.status == EscalationStatus.WITHDRAWN
    assert escalation.decision == "Settled by the teams."
    assert not escalation.is_overdue()


def test_changing_the_target_replaces_the_old_one(alliance, manager):
    escalation = EscalationFactory(alliance=alliance)
    sponsor = sponsor_of(alliance)

    escalation, _ = services.escalation_update(
        escalation=escalation, data={"to_sponsor": sponsor}, user=manager
    )

    assert escalation.to_sponsor == sponsor and escalation.to_body is None


def test_a_partner_cannot_write_governance_of_their_own_alliance(alliance, partner):
    with pytest.raises(PermissionDenied):
        services.escalation_create(alliance=alliance, data={"title": "X"}, user=partner)
    with pytest.raises(PermissionDenied):
        services.action_item_set_status(
            item=ActionItemFactory(alliance=alliance), status="done", user=partner
        )


def test_nothing_is_written_on_an_archived_alliance(alliance, manager):
    Alliance.objects.filter(pk=alliance.pk).update(archived_at=timezone.now())
    alliance.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.meeting_create(alliance=alliance, data=meeting_data(), user=manager)
    assert field_of(exc) == {"alliance"}
