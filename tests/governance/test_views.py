"""Governance pages: the alliance's Governance tab, the meeting and escalation pages, the
"record a QBR" flow, status endpoints, the portfolio-wide lists - visibility, permissions,
errors on the form and constant query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import AllianceMember, MemberRole
from amity.governance.models import (
    ActionItem,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    program_today,
)
from tests import factories as f

from .factories import (
    ActionItemFactory,
    BodyFactory,
    BodyMemberFactory,
    CadenceFactory,
    DecisionFactory,
    EscalationFactory,
    MeetingFactory,
    at,
    ours,
    person,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"governance:{name}", args=args)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def governed(alliance):
    """An alliance with a body, members, cadences, meetings, actions and an escalation."""
    body = BodyFactory(alliance=alliance, name="Executive steering group")
    BodyMemberFactory(body=body, role="chair")
    BodyMemberFactory(body=body, contact=ours(alliance))
    CadenceFactory(alliance=alliance, body=body)
    CadenceFactory(alliance=alliance, meeting_kind="pipeline", interval_months=1)
    held = MeetingFactory(
        alliance=alliance, body=body, scheduled_start=at(program_today() - timedelta(days=120))
    )
    DecisionFactory(meeting=held)
    MeetingFactory(
        alliance=alliance,
        status=MeetingStatus.PLANNED,
        scheduled_start=at(program_today() + timedelta(days=9)),
    )
    ActionItemFactory(alliance=alliance, meeting=held, due_date=program_today() - timedelta(days=2))
    EscalationFactory(alliance=alliance, to_body=body, raised_on=program_today() - timedelta(days=45))
    return body


# --- the Governance tab -------------------------------------------------------------------------


def test_manager_sees_bodies_cadences_meetings_actions_and_escalations(client_for, manager, alliance):
    governed(alliance)

    response = client_for(manager).get(url("alliance_governance", alliance.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Executive steering group" in html
    assert 'data-testid="body-member"' in html
    assert html.count('data-testid="cadence-row"') == 2
    assert 'data-testid="cadence-overdue-callout"' in html  # QBR: held 120 days ago, every 3 months
    assert "Overdue" in html and "How the next due date is computed" in html
    assert 'data-testid="action-overdue"' in html
    assert 'data-testid="escalation-late"' in html
    assert 'data-testid="apply-defaults"' in html and 'data-testid="record-qbr"' in html


def test_the_tab_explains_the_next_due_date_of_each_cadence(client_for, manager, alliance):
    CadenceFactory(alliance=alliance, interval_months=3)
    MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 7, 9)))

    html = client_for(manager).get(url("alliance_governance", alliance.pk)).content.decode()

    assert "Last quarterly business review held 9 Jul 2026 + 3 months = 9 Oct 2026" in html


def test_partner_reads_the_governance_of_their_alliance_without_edit_buttons(client_for, partner, alliance):
    governed(alliance)

    response = client_for(partner).get(url("alliance_governance", alliance.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Executive steering group" in html
    assert 'data-testid="apply-defaults"' not in html
    assert 'data-testid="record-qbr"' not in html
    assert 'data-testid="complete-action"' not in html


def test_executive_reads_without_edit_buttons(client_for, executive, alliance):
    governed(alliance)

    html = client_for(executive).get(url("alliance_governance", alliance.pk)).content.decode()

    assert "Executive steering group" in html and 'data-testid="record-qbr"' not in html


def test_every_governance_page_of_another_partners_alliance_is_a_404(client_for, partner, other_alliance):
    body = governed(other_alliance)
    meeting = Meeting.objects.filter(alliance=other_alliance).first()
    escalation = Escalation.objects.get(alliance=other_alliance)
    item = ActionItem.objects.get(alliance=other_alliance)
    cadence = Cadence.objects.filter(alliance=other_alliance).first()
    member = BodyMember.objects.filter(body=body).first()
    decision = Decision.objects.get(alliance=other_alliance)
    client = client_for(partner)

    gets = [
        url("alliance_governance", other_alliance.pk),
        url("meeting_detail", meeting.pk),
        url("escalation_detail", escalation.pk),
        url("meeting_create", other_alliance.pk),
        url("meeting_edit", meeting.pk),
        url("body_create", other_alliance.pk),
        url("body_edit", body.pk),
        url("cadence_edit", cadence.pk),
        url("action_item_edit", item.pk),
        url("escalation_edit", escalation.pk),
    ]
    posts = [
        url("cadence_apply_defaults", other_alliance.pk),
        url("meeting_status", meeting.pk),
        url("decision_add", meeting.pk),
        url("decision_archive", decision.pk),
        url("meeting_action_add", meeting.pk),
        url("action_item_status", item.pk),
        url("escalation_decide", escalation.pk),
        url("escalation_withdraw", escalation.pk),
        url("body_member_add", body.pk),
        url("body_member_remove", member.pk),
        url("meeting_archive", meeting.pk),
    ]
    for target in gets:
        assert client.get(target).status_code == 404, target
    for target in posts:
        assert client.post(target, {"status": "held"}).status_code == 404, target


def test_partner_and_executive_get_403_on_writes_to_a_visible_alliance(
    client_for, partner, executive, alliance
):
    body = governed(alliance)
    meeting = Meeting.objects.filter(alliance=alliance, status="held").first()
    item = ActionItem.objects.get(alliance=alliance)
    for user in (partner, executive):
        client = client_for(user)
        assert client.get(url("meeting_create", alliance.pk)).status_code == 403
        assert client.get(url("body_edit", body.pk)).status_code == 403
        assert client.post(url("cadence_apply_defaults", alliance.pk)).status_code == 403
        assert client.post(url("decision_add", meeting.pk), {"text": "x"}).status_code == 403
        assert client.post(url("action_item_status", item.pk), {"status": "done"}).status_code == 403
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_anonymous_visitors_are_sent_to_sign_in(client_for, alliance):
    for target in (url("alliance_governance", alliance.pk), url("action_item_list"), url("escalation_list")):
        response = client_for(None).get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_tab_costs_the_same_number_of_queries_for_5_or_25_rows(client_for, manager, alliance):
    client = client_for(manager)

    def add(n: int) -> None:
        for _ in range(n):
            body = BodyFactory(alliance=alliance)
            BodyMemberFactory(body=body)
            meeting = MeetingFactory(alliance=alliance, body=body)
            DecisionFactory(meeting=meeting)
            MeetingFactory(
                alliance=alliance, status="planned", scheduled_start=at(program_today() + timedelta(3))
            )
            ActionItemFactory(alliance=alliance, meeting=meeting)
            EscalationFactory(alliance=alliance, to_body=body)
        CadenceFactory(alliance=alliance, meeting_kind="other", body=body)

    add(5)
    client.get(url("alliance_governance", alliance.pk))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("alliance_governance", alliance.pk)).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url("alliance_governance", alliance.pk)).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries), [
        q["sql"] for q in large.captured_queries
    ]


def test_applying_default_cadences_from_the_tab(client_for, manager, alliance):
    client = client_for(manager)

    response = client.post(url("cadence_apply_defaults", alliance.pk), follow=True)
    again = client.post(url("cadence_apply_defaults", alliance.pk), follow=True)

    assert "Added 3 default cadences" in response.content.decode()
    assert "already has every default cadence" in again.content.decode()
    assert Cadence.objects.filter(alliance=alliance).count() == 3


def test_adding_and_removing_a_body_member_on_the_tab(client_for, manager, alliance, other_partner_org):
    body = BodyFactory(alliance=alliance)
    contact = person(alliance)
    client = client_for(manager)

    client.post(url("body_member_add", body.pk), {"contact": contact.pk, "role": "chair"})
    member = BodyMember.objects.get(body=body, contact=contact)
    assert member.role == "chair"

    outsider = f.ContactFactory(organization=other_partner_org)
    response = client.post(url("body_member_add", body.pk), {"contact": outsider.pk, "role": "member"})
    assert response.status_code == 302
    assert not BodyMember.objects.filter(contact=outsider).exists()

    client.post(url("body_member_remove", member.pk))
    assert BodyMember.objects.get(pk=member.pk).archived_at is not None


# --- create and edit forms ----------------------------------------------------------------------


def test_creating_a_body_and_a_cadence_through_the_forms(client_for, manager, alliance):
    client = client_for(manager)

    response = client.post(
        url("body_create", alliance.pk),
        {"name": "Joint operating team", "kind": "operating", "purpose": "Weekly"},
    )
    body = GovernanceBody.objects.get(alliance=alliance)
    assert response.status_code == 302 and response["Location"].endswith(f"#body-{body.pk}")

    client.post(
        url("cadence_create", alliance.pk),
        {"meeting_kind": "pipeline", "interval_months": "1", "body": body.pk, "active": "on", "notes": ""},
    )
    cadence = Cadence.objects.get(alliance=alliance)
    assert cadence.body == body and cadence.interval_months == 1


def test_a_cadence_form_error_names_the_field(client_for, manager, alliance):
    response = client_for(manager).post(
        url("cadence_create", alliance.pk), {"meeting_kind": "qbr", "interval_months": "40", "notes": ""}
    )

    assert response.status_code == 422
    assert 'data-field-error="interval_months"' in response.content.decode()
    assert not Cadence.objects.exists()


def test_the_qbr_form_is_prefilled_with_the_qbr_agenda_and_the_steering_members(
    client_for, manager, alliance
):
    body = BodyFactory(alliance=alliance)
    member = BodyMemberFactory(body=body)
    CadenceFactory(alliance=alliance, body=body)

    html = client_for(manager).get(url("meeting_create", alliance.pk) + "?kind=qbr").content.decode()

    assert "Record a quarterly business review" in html
    assert "Last quarter against the commitments made at the previous QBR" in html
    assert re.search(rf'name="attendees" value="{member.contact_id}"[^>]*checked', html)


def test_recording_a_qbr_plan_hold_decide_and_assign_actions(client_for, manager, alliance):
    """The whole flow: plan the QBR, mark it held with minutes, add a decision and an action."""
    client = client_for(manager)
    theirs, mine = person(alliance), ours(alliance)
    start = timezone.localtime() - timedelta(hours=2)

    response = client.post(
        url("meeting_create", alliance.pk),
        {
            "kind": "qbr",
            "title": "Q3 business review",
            "body": "",
            "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
            "location": "https://meet.example/qbr",
            "attendees": [theirs.pk, mine.pk],
            "agenda": "1. Last quarter",
        },
    )
    meeting = Meeting.objects.get(alliance=alliance)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.status == "planned" and set(meeting.attendees.all()) == {theirs, mine}

    client.post(
        url("meeting_status", meeting.pk), {"status": "held", "minutes": "All targets met.", "version": 1}
    )
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.minutes == "All targets met."

    client.post(url("decision_add", meeting.pk), {"text": "Launch the joint offer in Q4."})
    client.post(
        url("meeting_action_add", meeting.pk),
        {"title": "Send the offer draft", "owner": theirs.pk, "due_date": "2030-01-15"},
    )

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Launch the joint offer in Q4." in page
    assert "Send the offer draft" in page
    item = ActionItem.objects.get(meeting=meeting)
    assert item.owner == theirs and item.alliance == alliance and item.due_date == date(2030, 1, 15)
    assert Decision.objects.get(meeting=meeting).decided_on == meeting.day


def test_htmx_decision_and_action_forms_refresh_only_their_section(client_for, manager, alliance):
    meeting = MeetingFactory(alliance=alliance)
    client = client_for(manager)

    decision = client.post(url("decision_add", meeting.pk), {"text": "Go."}, HTTP_HX_REQUEST="true")
    bad_action = client.post(
        url("meeting_action_add", meeting.pk),
        {"title": "", "owner": "", "due_date": "soon"},
        HTTP_HX_REQUEST="true",
    )

    assert decision.status_code == 200
    assert decision.content.decode().lstrip().startswith('<section id="decisions"')
    assert "Decision recorded." in decision.content.decode()
    html = bad_action.content.decode()
    assert bad_action.status_code == 200 and html.lstrip().startswith('<section id="actions"')
    assert 'data-field-error="title"' in html and 'data-field-error="due_date"' in html
    assert not ActionItem.objects.exists()


def test_marking_a_future_meeting_held_shows_why_not(client_for, manager, alliance):
    meeting = MeetingFactory(
        alliance=alliance, status="planned", scheduled_start=at(program_today() + timedelta(4))
    )

    response = client_for(manager).post(url("meeting_status", meeting.pk), {"status": "held"})

    assert response.status_code == 422
    assert "it can be marked held from that day on" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"


def test_completing_an_action_item_from_the_tab_returns_to_the_tab(client_for, manager, alliance):
    item = ActionItemFactory(alliance=alliance)
    back = url("alliance_governance", alliance.pk)

    response = client_for(manager).post(
        url("action_item_status", item.pk) + f"?next={back}", {"status": "done"}
    )

    assert response.status_code == 302 and response["Location"] == back
    item.refresh_from_db()
    assert item.status == "done" and item.completed_on == program_today()


def test_an_escalation_is_raised_through_the_grouped_target_list_and_decided(client_for, manager, alliance):
    body = BodyFactory(alliance=alliance, name="Executive steering group")
    sponsor = AllianceMember.objects.create(
        alliance=alliance, contact=ours(alliance), role=MemberRole.SPONSOR
    )
    client = client_for(manager)

    form = client.get(url("escalation_create", alliance.pk)).content.decode()
    assert "Governance bodies" in form and "Executive sponsors" in form and f"sponsor:{sponsor.pk}" in form

    client.post(
        url("escalation_create", alliance.pk),
        {
            "title": "Margins",
            "escalated_to": f"body:{body.pk}",
            "raised_on": "",
            "description": "Fee dispute",
        },
    )
    escalation = Escalation.objects.get(alliance=alliance)
    assert escalation.to_body == body and escalation.raised_on == program_today()

    response = client.post(
        url("escalation_decide", escalation.pk),
        {
            "decision": "Absorb the fee above €250k.",
            "decided_on": "",
            "decided_by": "Both CEOs",
            "version": 1,
        },
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.DECIDED and escalation.decided_by == "Both CEOs"
    assert "Absorb the fee above €250k." in client.get(escalation.get_absolute_url()).content.decode()


def test_an_escalation_to_someone_outside_the_alliance_is_a_field_error(
    client_for, manager, alliance, other_alliance
):
    foreign = BodyFactory(alliance=other_alliance)

    response = client_for(manager).post(
        url("escalation_create", alliance.pk),
        {"title": "X", "escalated_to": f"body:{foreign.pk}", "raised_on": ""},
    )

    assert response.status_code == 422
    assert 'data-field-error="escalated_to"' in response.content.decode()
    assert not Escalation.objects.exists()


def test_an_escalation_open_over_30_days_is_flagged_on_its_page(client_for, manager, alliance):
    escalation = EscalationFactory(alliance=alliance, raised_on=program_today() - timedelta(days=31))

    html = client_for(manager).get(escalation.get_absolute_url()).content.decode()

    assert 'data-testid="late-callout"' in html and "Awaiting a decision for 31 days" in html


def test_a_stale_decision_is_a_conflict(client_for, manager, alliance):
    escalation = EscalationFactory(alliance=alliance)

    response = client_for(manager).post(
        url("escalation_decide", escalation.pk), {"decision": "x", "version": 5}
    )

    assert response.status_code == 409
    assert Escalation.objects.get(pk=escalation.pk).status == "open"


# --- time zones ----------------------------------------------------------------------------------


def test_a_meeting_time_entered_in_the_form_is_stored_aware_and_shown_in_the_users_zone(
    client_for, manager, alliance, settings
):
    settings.TIME_ZONE = "Europe/Amsterdam"
    client = client_for(manager)

    client.post(
        url("meeting_create", alliance.pk),
        {
            "kind": "pipeline",
            "title": "Pipeline",
            "scheduled_start": "2026-07-09T14:00",
            "duration_minutes": "60",
        },
    )
    meeting = Meeting.objects.get()

    assert timezone.is_aware(meeting.scheduled_start)
    assert meeting.scheduled_start.astimezone(UTC).hour == 12  # 14:00 CEST = 12:00 UTC
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "14:00–15:00 CEST" in html and "Europe/Amsterdam" in html

    settings.TIME_ZONE = "America/New_York"
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "08:00–09:00 EDT" in html


def test_a_winter_meeting_is_stored_with_the_winter_offset(client_for, manager, alliance, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"

    client_for(manager).post(
        url("meeting_create", alliance.pk),
        {"kind": "qbr", "title": "Q4", "scheduled_start": "2026-01-22T14:00", "duration_minutes": "90"},
    )

    assert Meeting.objects.get().scheduled_start.astimezone(UTC).hour == 13


# --- portfolio-wide lists ----------------------------------------------------------------------


def test_action_item_list_shows_open_items_first_and_flags_overdue(
    client_for, manager, alliance, other_alliance
):
    today = program_today()
    done = ActionItemFactory(alliance=alliance, title="Done long ago", due_date=today - timedelta(days=90))
    done.status, done.completed_on = "done", today - timedelta(days=80)
    done.save()
    ActionItemFactory(alliance=alliance, title="Late one", due_date=today - timedelta(days=3))
    ActionItemFactory(alliance=other_alliance, title="Next week", due_date=today + timedelta(days=7))

    html = client_for(manager).get(url("action_item_list")).content.decode()

    assert html.index("Late one") < html.index("Next week") < html.index("Done long ago")
    assert html.count('data-testid="overdue"') == 1


def test_action_item_list_filters_by_alliance_status_overdue_and_side(
    client_for, manager, alliance, other_alliance
):
    today = program_today()
    late = ActionItemFactory(alliance=alliance, title="Late partner item", due_date=today - timedelta(days=3))
    mine = ActionItemFactory(alliance=alliance, title="Our item", owner=ours(alliance))
    other = ActionItemFactory(alliance=other_alliance, title="Other alliance item")
    client = client_for(manager)

    def titles(**params) -> set[str]:
        html = client.get(url("action_item_list"), params).content.decode()
        return {t for t in (late.title, mine.title, other.title) if t in html}

    assert titles(alliance=alliance.pk) == {late.title, mine.title}
    assert titles(overdue="yes") == {late.title}
    assert titles(overdue="no") == {mine.title, other.title}
    assert titles(side="ours") == {mine.title}
    assert titles(side="partner") == {late.title, other.title}
    assert titles(status="done") == set()


def test_partner_sees_only_the_action_items_and_escalations_of_their_alliances(
    client_for, partner, alliance, other_alliance
):
    ActionItemFactory(alliance=alliance, title="Ours to see")
    ActionItemFactory(alliance=other_alliance, title="Not for you")
    EscalationFactory(alliance=alliance, title="Visible escalation")
    EscalationFactory(alliance=other_alliance, title="Hidden escalation")
    client = client_for(partner)

    actions = client.get(url("action_item_list")).content.decode()
    escalations = client.get(url("escalation_list")).content.decode()
    exported = csv_rows(client.get(url("action_item_list"), {"export": "csv"}))

    assert "Ours to see" in actions and "Not for you" not in actions
    assert "Visible escalation" in escalations and "Hidden escalation" not in escalations
    assert [row[0] for row in exported[1:]] == ["Ours to see"]
    assert client.get(url("action_item_list"), {"alliance": other_alliance.pk}).status_code == 200


def test_action_item_csv_export_has_owner_organization_side_and_defuses_formulas(
    client_for, manager, alliance
):
    ActionItemFactory(alliance=alliance, title="=HYPERLINK(evil)", due_date=date(2026, 3, 1))

    rows = csv_rows(client_for(manager).get(url("action_item_list"), {"export": "csv"}))

    header, row = rows[0], rows[1]
    assert header[:4] == ["Action", "Alliance", "Owner", "Due"]
    assert "Owner's organization" in header and "Owner's side" in header
    assert row[0] == "'=HYPERLINK(evil)"
    assert row[header.index("Owner's side")] == "partner"
    assert row[header.index("Due")] == "2026-03-01"


def test_escalation_list_flags_open_escalations_older_than_30_days_and_filters_them(
    client_for, manager, alliance
):
    today = program_today()
    EscalationFactory(alliance=alliance, title="Old and open", raised_on=today - timedelta(days=40))
    EscalationFactory(alliance=alliance, title="Fresh", raised_on=today - timedelta(days=5))
    client = client_for(manager)

    html = client.get(url("escalation_list")).content.decode()
    late = client.get(url("escalation_list"), {"overdue": "yes"}).content.decode()

    assert html.count('data-testid="escalation-late"') == 1
    assert "Old and open" in late and "Fresh" not in late


@pytest.mark.parametrize("page", ["action_item_list", "escalation_list"])
def test_lists_cost_the_same_number_of_queries_for_5_or_25_rows(client_for, manager, page, home):
    client = client_for(manager)

    def add(n: int) -> None:
        for _ in range(n):
            alliance = f.AllianceFactory()
            meeting = MeetingFactory(alliance=alliance)
            ActionItemFactory(alliance=alliance, meeting=meeting)
            EscalationFactory(alliance=alliance)

    add(5)
    client.get(url(page))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(page)).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url(page), {"per_page": 50}).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_meeting_date_outside_the_calendar_is_a_field_error_not_a_crash(client_for, manager, alliance):
    for value in ("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00"):
        response = client_for(manager).post(
            url("meeting_create", alliance.pk),
            {"kind": "qbr", "title": "Q", "scheduled_start": value, "duration_minutes": "60"},
        )
        assert response.status_code == 422, value
        assert 'data-field-error="scheduled_start"' in response.content.decode(), value
    assert not Meeting.objects.exists()


def test_editing_a_meeting_with_a_stale_version_shows_the_conflict(client_for, manager, alliance):
    meeting = MeetingFactory(alliance=alliance, status="planned", scheduled_start=at(date(2026, 7, 9), 14))
    Meeting.objects.filter(pk=meeting.pk).update(version=3)

    response = client_for(manager).post(
        url("meeting_edit", meeting.pk),
        {
            "kind": "qbr",
            "title": "Renamed",
            "scheduled_start": "2026-07-09T14:00",
            "duration_minutes": "60",
            "version": "1",
        },
    )

    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).title != "Renamed"


def test_escalation_csv_export_names_the_target_and_the_decider(client_for, manager, alliance):
    body = BodyFactory(alliance=alliance, name="Executive steering group")
    EscalationFactory(
        alliance=alliance,
        title="Margins",
        to_body=body,
        raised_on=date(2026, 4, 23),
        status=EscalationStatus.DECIDED,
        decision="Absorb the fee.",
        decided_on=date(2026, 6, 10),
        decided_by="Both sponsors",
    )

    rows = csv_rows(client_for(manager).get(url("escalation_list"), {"export": "csv"}))

    header, row = rows[0], rows[1]
    assert header == [
        "Escalation",
        "Alliance",
        "Escalated to",
        "Raised",
        "Raised by",
        "Status",
        "Decided",
        "Decided by",
    ]
    assert row[0] == "Margins" and row[2] == "Executive steering group" and row[3] == "2026-04-23"
    assert row[5] == "Decided" and row[6] == "2026-06-10" and row[7] == "Both sponsors"
