"""The governance API: every operation answers success, bad input (422 naming the field) and
permissions (partner of another organization 404, executive 403 on writes, anonymous 401);
lists cost a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.alliances.models import AllianceMember, MemberRole
from amity.governance.models import (
    ActionItem,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    program_today,
)
from tests import factories as f
from tests.api.helpers import API, delete, field_errors, get, ids, patch, post

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


# --- governance bodies -------------------------------------------------------------------------


def test_create_a_body_and_seat_members_of_both_sides(api_for, manager, alliance):
    client = api_for(manager)

    response = post(
        client, "/governance-bodies", {"alliance_id": alliance.pk, "name": "Steering", "kind": "steering"}
    )
    assert response.status_code == 201, response.content
    body_id = response.json()["id"]
    theirs, mine = person(alliance), ours(alliance)

    first = post(client, f"/governance-bodies/{body_id}/members", {"contact_id": theirs.pk, "role": "chair"})
    post(client, f"/governance-bodies/{body_id}/members", {"contact_id": mine.pk})

    assert first.status_code == 201 and first.json()["contact"]["side"] == "partner"
    body = get(client, f"/governance-bodies/{body_id}").json()
    assert {m["contact"]["id"] for m in body["members"]} == {theirs.pk, mine.pk}
    assert {m["role"] for m in body["members"]} == {"chair", "member"}


def test_body_input_errors_name_the_field(api_for, manager, alliance, other_partner_org):
    client = api_for(manager)
    body = BodyFactory(alliance=alliance)

    assert "name" in field_errors(
        post(client, "/governance-bodies", {"alliance_id": alliance.pk, "name": ""})
    )
    assert "kind" in field_errors(
        post(client, "/governance-bodies", {"alliance_id": alliance.pk, "name": "X", "kind": "council"})
    )
    assert "alliance_id" in field_errors(
        post(client, "/governance-bodies", {"alliance_id": 999999, "name": "X"})
    )
    assert "name" in field_errors(
        post(client, "/governance-bodies", {"alliance_id": alliance.pk, "name": body.name})
    )
    outsider = f.ContactFactory(organization=other_partner_org)
    errors = field_errors(post(client, f"/governance-bodies/{body.pk}/members", {"contact_id": outsider.pk}))
    assert "not a party" in errors["contact_id"][0]
    assert not BodyMember.objects.exists()


def test_update_archive_and_restore_a_body(api_for, manager, alliance):
    client = api_for(manager)
    body = BodyFactory(alliance=alliance)

    updated = patch(client, f"/governance-bodies/{body.pk}", {"purpose": "Quarterly", "version": 1})
    stale = patch(client, f"/governance-bodies/{body.pk}", {"purpose": "Again", "version": 1})
    archived = delete(client, f"/governance-bodies/{body.pk}")
    restored = post(client, f"/governance-bodies/{body.pk}/restore")

    assert updated.status_code == 200 and updated.json()["purpose"] == "Quarterly"
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert archived.status_code == 204
    assert restored.status_code == 200 and restored.json()["archived"] is False


def test_remove_a_member(api_for, manager, alliance):
    member = BodyMemberFactory(body=BodyFactory(alliance=alliance))

    response = delete(api_for(manager), f"/governance-bodies/{member.body_id}/members/{member.pk}")

    assert response.status_code == 204
    assert BodyMember.objects.get(pk=member.pk).archived_at is not None


# --- cadences ------------------------------------------------------------------------------------


def test_a_cadence_answers_its_next_due_date_with_the_explanation(api_for, manager, alliance):
    cadence = CadenceFactory(alliance=alliance, interval_months=3)
    MeetingFactory(alliance=alliance, scheduled_start=at(program_today() - timedelta(days=100)))

    body = get(api_for(manager), f"/cadences/{cadence.pk}").json()

    assert body["basis"] == "last_held"
    assert body["overdue"] is True and body["days_overdue"] > 0
    assert date.fromisoformat(body["next_due"]) < program_today()
    assert body["explanation"].startswith("Last quarterly business review held")


def test_create_update_and_filter_cadences_by_overdue(api_for, manager, alliance, other_alliance):
    client = api_for(manager)
    late = CadenceFactory(alliance=other_alliance, interval_months=1)
    MeetingFactory(alliance=other_alliance, scheduled_start=at(program_today() - timedelta(days=60)))

    created = post(
        client, "/cadences", {"alliance_id": alliance.pk, "meeting_kind": "pipeline", "interval_months": 1}
    )
    assert created.status_code == 201, created.content
    cadence_id = created.json()["id"]
    updated = patch(client, f"/cadences/{cadence_id}", {"interval_months": 2, "active": False})

    assert updated.json()["interval_months"] == 2 and updated.json()["next_due"] is None
    assert ids(get(client, "/cadences", {"overdue": "true"})) == {late.pk}
    assert ids(get(client, "/cadences", {"overdue": "false"})) == {cadence_id}
    assert ids(get(client, "/cadences", {"alliance": alliance.pk})) == {cadence_id}


def test_cadence_input_errors_name_the_field(api_for, manager, alliance, other_alliance):
    client = api_for(manager)
    foreign = BodyFactory(alliance=other_alliance)
    base = {"alliance_id": alliance.pk, "meeting_kind": "qbr", "interval_months": 3}

    assert "interval_months" in field_errors(post(client, "/cadences", {**base, "interval_months": 0}))
    assert "interval_months" in field_errors(post(client, "/cadences", {**base, "interval_months": 99}))
    assert "meeting_kind" in field_errors(post(client, "/cadences", {**base, "meeting_kind": "party"}))
    assert "body_id" in field_errors(post(client, "/cadences", {**base, "body_id": foreign.pk}))
    assert "surprise" in field_errors(post(client, "/cadences", {**base, "surprise": 1}))
    post(client, "/cadences", base)
    assert "meeting_kind" in field_errors(post(client, "/cadences", base))
    assert Cadence.objects.count() == 1


def test_apply_default_cadences_is_idempotent(api_for, manager, alliance):
    client = api_for(manager)

    first = post(client, f"/alliances/{alliance.pk}/cadences/apply-defaults")
    second = post(client, f"/alliances/{alliance.pk}/cadences/apply-defaults")

    assert first.status_code == 200
    assert {c["meeting_kind"] for c in first.json()["created"]} == {"qbr", "pipeline", "executive"}
    assert second.json()["created"] == [] and len(second.json()["cadences"]) == 3


def test_apply_defaults_permissions(api_for, executive, partner, other_partner, alliance):
    path = f"/alliances/{alliance.pk}/cadences/apply-defaults"

    assert post(api_for(executive), path).status_code == 403
    assert post(api_for(partner), path).status_code == 403
    assert post(api_for(other_partner), path).status_code == 404
    assert post(api_for(None), path).status_code == 401
    assert not Cadence.objects.exists()


# --- meetings and decisions ---------------------------------------------------------------------


def meeting_body(alliance, **kw):
    body = {
        "alliance_id": alliance.pk,
        "kind": "qbr",
        "title": "Q3 business review",
        "scheduled_start": "2026-07-09T14:00:00+02:00",
        "duration_minutes": 90,
    }
    body.update(kw)
    return body


def test_record_a_qbr_through_the_api(api_for, manager, alliance):
    client = api_for(manager)
    theirs = person(alliance)

    created = post(client, "/meetings", meeting_body(alliance, attendee_ids=[theirs.pk]))
    assert created.status_code == 201, created.content
    meeting = created.json()
    held = post(client, f"/meetings/{meeting['id']}/status", {"status": "held", "minutes": "Targets met."})
    decision = post(client, f"/meetings/{meeting['id']}/decisions", {"text": "Launch in Q4."})
    action = post(
        client,
        "/action-items",
        {
            "alliance_id": alliance.pk,
            "meeting_id": meeting["id"],
            "title": "Send the draft",
            "owner_id": theirs.pk,
            "due_date": "2030-01-15",
        },
    )

    assert meeting["status"] == "planned" and meeting["scheduled_start"] == "2026-07-09T12:00:00Z"
    assert meeting["end"] == "2026-07-09T13:30:00Z"
    assert [a["id"] for a in meeting["attendees"]] == [theirs.pk]
    assert (
        held.status_code == 200
        and held.json()["status"] == "held"
        and held.json()["minutes"] == "Targets met."
    )
    assert decision.status_code == 201 and decision.json()["decided_on"] == "2026-07-09"
    assert action.status_code == 201 and action.json()["owner"]["id"] == theirs.pk
    detail = get(client, f"/meetings/{meeting['id']}").json()
    assert detail["decision_count"] == 1 and detail["action_item_count"] == 1
    assert [d["text"] for d in get(client, f"/meetings/{meeting['id']}/decisions").json()["items"]] == [
        "Launch in Q4."
    ]


def test_meeting_input_errors_name_the_field(api_for, manager, alliance, other_partner_org):
    client = api_for(manager)
    outsider = f.ContactFactory(organization=other_partner_org)

    assert "scheduled_start" in field_errors(
        post(client, "/meetings", meeting_body(alliance, scheduled_start="2026-07-09T14:00:00"))
    )
    assert "scheduled_start" in field_errors(
        post(client, "/meetings", meeting_body(alliance, scheduled_start="soon"))
    )
    assert "duration_minutes" in field_errors(
        post(client, "/meetings", meeting_body(alliance, duration_minutes=0))
    )
    assert "attendee_ids" in field_errors(
        post(client, "/meetings", meeting_body(alliance, attendee_ids=[outsider.pk]))
    )
    assert "attendee_ids" in field_errors(
        post(client, "/meetings", meeting_body(alliance, attendee_ids=[10**9]))
    )
    assert "title" in field_errors(post(client, "/meetings", meeting_body(alliance, title="")))
    assert not Meeting.objects.exists()


def test_meeting_status_errors_name_the_field(api_for, manager, alliance):
    client = api_for(manager)
    future = MeetingFactory(
        alliance=alliance, status="planned", scheduled_start=at(program_today() + timedelta(9))
    )
    held = MeetingFactory(alliance=alliance, status="held")

    assert "status" in field_errors(post(client, f"/meetings/{future.pk}/status", {"status": "held"}))
    assert "status" in field_errors(post(client, f"/meetings/{held.pk}/status", {"status": "cancelled"}))
    assert "status" in field_errors(post(client, f"/meetings/{held.pk}/status", {"status": "done"}))
    assert "text" in field_errors(post(client, f"/meetings/{held.pk}/decisions", {"text": ""}))
    stale = post(client, f"/meetings/{future.pk}/status", {"status": "cancelled", "version": 9})
    assert stale.status_code == 409


def test_meeting_list_filters(api_for, manager, alliance, other_alliance):
    client = api_for(manager)
    qbr = MeetingFactory(alliance=alliance, scheduled_start=at(date(2026, 4, 21)))
    pipeline = MeetingFactory(alliance=alliance, kind="pipeline", scheduled_start=at(date(2026, 5, 12)))
    stale = MeetingFactory(alliance=other_alliance, status="planned", scheduled_start=at(date(2026, 1, 2)))

    assert ids(get(client, "/meetings", {"alliance": alliance.pk})) == {qbr.pk, pipeline.pk}
    assert ids(get(client, "/meetings", {"kind": "pipeline"})) == {pipeline.pk}
    assert ids(get(client, "/meetings", {"status": "planned"})) == {stale.pk}
    assert ids(get(client, "/meetings", {"overdue": "true"})) == {stale.pk}
    assert ids(get(client, "/meetings", {"start_from": "2026-04-21", "start_to": "2026-04-21"})) == {qbr.pk}
    assert get(client, "/meetings", {"start_from": "yesterday"}).status_code == 422


def test_update_meeting_attendees_and_archive(api_for, manager, alliance):
    client = api_for(manager)
    meeting = MeetingFactory(alliance=alliance)
    contact = ours(alliance)

    updated = patch(client, f"/meetings/{meeting.pk}", {"attendee_ids": [contact.pk], "status": "cancelled"})
    archived = delete(client, f"/meetings/{meeting.pk}")

    assert "status" in field_errors(updated)  # status changes only through /status
    ok = patch(client, f"/meetings/{meeting.pk}", {"attendee_ids": [contact.pk]})
    assert [a["id"] for a in ok.json()["attendees"]] == [contact.pk]
    assert archived.status_code == 204 and Meeting.objects.get(pk=meeting.pk).archived_at is not None


# --- action items ---------------------------------------------------------------------------------


def test_action_items_complete_reopen_and_filter(api_for, manager, alliance, other_alliance):
    client = api_for(manager)
    late = ActionItemFactory(alliance=alliance, due_date=program_today() - timedelta(days=4))
    ours_item = ActionItemFactory(alliance=other_alliance, owner=ours(other_alliance))

    assert get(client, f"/action-items/{late.pk}").json()["overdue"] is True
    assert ids(get(client, "/action-items", {"overdue": "true"})) == {late.pk}
    assert ids(get(client, "/action-items", {"owner_side": "ours"})) == {ours_item.pk}
    assert ids(get(client, "/action-items", {"alliance": alliance.pk})) == {late.pk}

    done = post(client, f"/action-items/{late.pk}/status", {"status": "done", "completed_on": "2026-01-03"})
    assert done.status_code == 200
    assert done.json()["completed_on"] == "2026-01-03" and done.json()["overdue"] is False
    assert ids(get(client, "/action-items", {"status": "done"})) == {late.pk}
    reopened = post(client, f"/action-items/{late.pk}/status", {"status": "open"})
    assert reopened.json()["completed_on"] is None


def test_action_item_input_errors_name_the_field(
    api_for, manager, alliance, other_alliance, other_partner_org
):
    client = api_for(manager)
    owner = person(alliance)
    base = {"alliance_id": alliance.pk, "title": "Do it", "owner_id": owner.pk, "due_date": "2026-12-01"}
    outsider = f.ContactFactory(organization=other_partner_org)
    foreign_meeting = MeetingFactory(alliance=other_alliance)

    assert "owner_id" in field_errors(post(client, "/action-items", {**base, "owner_id": outsider.pk}))
    assert "due_date" in field_errors(post(client, "/action-items", {**base, "due_date": "2026-02-30"}))
    assert "meeting_id" in field_errors(
        post(client, "/action-items", {**base, "meeting_id": foreign_meeting.pk})
    )
    assert "owner_id" in field_errors(
        post(client, "/action-items", {k: v for k, v in base.items() if k != "owner_id"})
    )
    item = ActionItemFactory(alliance=alliance)
    assert "completed_on" in field_errors(
        post(client, f"/action-items/{item.pk}/status", {"status": "done", "completed_on": "2999-01-01"})
    )
    assert not ActionItem.objects.exclude(pk=item.pk).exists()


# --- escalations ---------------------------------------------------------------------------------


def test_escalate_to_a_sponsor_decide_and_see_the_30_day_flag(api_for, manager, alliance):
    client = api_for(manager)
    sponsor = AllianceMember.objects.create(
        alliance=alliance, contact=ours(alliance), role=MemberRole.SPONSOR
    )
    raised = (program_today() - timedelta(days=35)).isoformat()

    created = post(
        client,
        "/escalations",
        {"alliance_id": alliance.pk, "title": "Margins", "raised_on": raised, "to_sponsor_id": sponsor.pk},
    )
    assert created.status_code == 201, created.content
    escalation = created.json()
    assert escalation["escalated_to"] == {
        "kind": "sponsor",
        "id": sponsor.pk,
        "name": sponsor.contact.full_name,
    }
    assert (
        escalation["overdue"] is True
        and escalation["age_days"] == 35
        and escalation["raised_by"] == manager.username
    )
    assert ids(get(client, "/escalations", {"overdue": "true"})) == {escalation["id"]}

    decided = post(client, f"/escalations/{escalation['id']}/decide", {"decision": "Absorb the fee."})

    assert decided.status_code == 200
    body = decided.json()
    assert body["status"] == "decided" and body["overdue"] is False
    assert body["decided_by_contact"]["id"] == sponsor.contact_id
    assert ids(get(client, "/escalations", {"status": "decided"})) == {escalation["id"]}


def test_escalation_input_errors_name_the_field(api_for, manager, alliance, other_alliance):
    client = api_for(manager)
    body = BodyFactory(alliance=alliance)
    team = AllianceMember.objects.create(alliance=alliance, contact=ours(alliance), role=MemberRole.TEAM)
    base = {"alliance_id": alliance.pk, "title": "X"}

    assert "to_body_id" in field_errors(post(client, "/escalations", base))
    assert "to_body_id" in field_errors(
        post(client, "/escalations", {**base, "to_body_id": body.pk, "to_contact_id": person(alliance).pk})
    )
    assert "to_body_id" in field_errors(
        post(client, "/escalations", {**base, "to_body_id": BodyFactory(alliance=other_alliance).pk})
    )
    assert "to_sponsor_id" in field_errors(post(client, "/escalations", {**base, "to_sponsor_id": team.pk}))
    future = (program_today() + timedelta(days=2)).isoformat()
    assert "raised_on" in field_errors(
        post(client, "/escalations", {**base, "to_body_id": body.pk, "raised_on": future})
    )
    escalation = EscalationFactory(alliance=alliance, raised_on=date(2026, 3, 1))
    assert "decision" in field_errors(post(client, f"/escalations/{escalation.pk}/decide", {"decision": ""}))
    assert "decided_on" in field_errors(
        post(client, f"/escalations/{escalation.pk}/decide", {"decision": "x", "decided_on": "2026-02-01"})
    )
    assert not Escalation.objects.exclude(pk=escalation.pk).exists()


def test_withdraw_an_escalation_and_a_second_decision_is_refused(api_for, manager, alliance):
    client = api_for(manager)
    escalation = EscalationFactory(alliance=alliance)

    withdrawn = post(client, f"/escalations/{escalation.pk}/withdraw", {"reason": "Settled."})

    assert withdrawn.json()["status"] == "withdrawn"
    assert "status" in field_errors(post(client, f"/escalations/{escalation.pk}/decide", {"decision": "x"}))


# --- the visibility rule and roles on every endpoint ----------------------------------------------


@pytest.fixture
def world(alliance, other_alliance):
    """Each kind of governance object on ``alliance`` (partner's own) and ``other_alliance``."""

    def make(a):
        body = BodyFactory(alliance=a)
        member = BodyMemberFactory(body=body)
        meeting = MeetingFactory(
            alliance=a, status="planned", scheduled_start=at(program_today() - timedelta(1))
        )
        return {
            "body": body,
            "member": member,
            "cadence": CadenceFactory(alliance=a),
            "meeting": meeting,
            "decision": DecisionFactory(meeting=meeting),
            "item": ActionItemFactory(alliance=a, meeting=meeting),
            "escalation": EscalationFactory(alliance=a, to_body=body),
        }

    return {"own": make(alliance), "other": make(other_alliance)}


def reads(o: dict) -> list[str]:
    return [
        f"/governance-bodies/{o['body'].pk}",
        f"/governance-bodies/{o['body'].pk}/members",
        f"/cadences/{o['cadence'].pk}",
        f"/meetings/{o['meeting'].pk}",
        f"/meetings/{o['meeting'].pk}/decisions",
        f"/action-items/{o['item'].pk}",
        f"/escalations/{o['escalation'].pk}",
    ]


def writes(o: dict) -> list[tuple[str, str, dict]]:
    return [
        ("patch", f"/governance-bodies/{o['body'].pk}", {"purpose": "x"}),
        (
            "post",
            f"/governance-bodies/{o['body'].pk}/members",
            {"contact_id": o["member"].contact_id, "role": "chair"},
        ),
        ("delete", f"/governance-bodies/{o['body'].pk}/members/{o['member'].pk}", {}),
        ("patch", f"/cadences/{o['cadence'].pk}", {"interval_months": 2}),
        ("patch", f"/meetings/{o['meeting'].pk}", {"title": "x"}),
        ("post", f"/meetings/{o['meeting'].pk}/status", {"status": "held"}),
        ("post", f"/meetings/{o['meeting'].pk}/decisions", {"text": "x"}),
        ("patch", f"/action-items/{o['item'].pk}", {"title": "x"}),
        ("post", f"/action-items/{o['item'].pk}/status", {"status": "done"}),
        ("patch", f"/escalations/{o['escalation'].pk}", {"title": "x"}),
        ("post", f"/escalations/{o['escalation'].pk}/decide", {"decision": "x"}),
        ("post", f"/escalations/{o['escalation'].pk}/withdraw", {}),
        ("delete", f"/escalations/{o['escalation'].pk}", {}),
        ("delete", f"/action-items/{o['item'].pk}", {}),
        ("delete", f"/meetings/{o['meeting'].pk}", {}),
        ("delete", f"/cadences/{o['cadence'].pk}", {}),
        ("delete", f"/governance-bodies/{o['body'].pk}", {}),
    ]


def send(client, method: str, path: str, body: dict):
    return (
        {"post": post, "patch": patch}[method](client, path, body)
        if method != "delete"
        else delete(client, path)
    )


def test_a_partner_reads_the_governance_of_their_alliance_and_nothing_of_others(api_for, partner, world):
    client = api_for(partner)

    for path in reads(world["own"]):
        assert get(client, path).status_code == 200, path
    for path in reads(world["other"]):
        assert get(client, path).status_code == 404, path
    for path, key in [
        ("/governance-bodies", "body"),
        ("/cadences", "cadence"),
        ("/meetings", "meeting"),
        ("/action-items", "item"),
        ("/escalations", "escalation"),
    ]:
        assert ids(get(client, path)) == {world["own"][key].pk}, path


def test_a_partner_gets_403_on_writes_to_their_alliance_and_404_on_others(api_for, partner, world):
    client = api_for(partner)

    for method, path, body in writes(world["own"]):
        assert send(client, method, path, body).status_code == 403, (method, path)
    for method, path, body in writes(world["other"]):
        assert send(client, method, path, body).status_code == 404, (method, path)
    assert (
        Decision.objects.count() == 2 and GovernanceBody.objects.filter(archived_at__isnull=True).count() == 2
    )


def test_an_executive_reads_everything_and_gets_403_on_every_write(api_for, executive, world, alliance):
    client = api_for(executive)

    for path in reads(world["own"]) + reads(world["other"]):
        assert get(client, path).status_code == 200, path
    for method, path, body in writes(world["own"]):
        assert send(client, method, path, body).status_code == 403, (method, path)
    creates = [
        ("/governance-bodies", {"alliance_id": alliance.pk, "name": "X"}),
        ("/cadences", {"alliance_id": alliance.pk, "meeting_kind": "qbr", "interval_months": 3}),
        ("/meetings", meeting_body(alliance)),
        ("/escalations", {"alliance_id": alliance.pk, "title": "X"}),
    ]
    for path, body in creates:
        assert post(client, path, body).status_code == 403, path


def test_a_partner_cannot_create_on_their_own_alliance_and_ids_of_others_are_not_found(
    api_for, partner, manager, alliance, other_alliance
):
    assert post(api_for(partner), "/meetings", meeting_body(alliance)).status_code == 403
    errors = field_errors(
        post(api_for(manager), "/meetings", meeting_body(other_alliance, alliance_id=10**12))
    )
    assert "alliance_id" in errors


def test_anonymous_callers_get_401_everywhere(api_for, world):
    client = api_for(None)

    for path in reads(world["own"]) + [
        "/governance-bodies",
        "/cadences",
        "/meetings",
        "/action-items",
        "/escalations",
    ]:
        assert get(client, path).status_code == 401, path
    for method, path, body in writes(world["own"]):
        assert send(client, method, path, body).status_code == 401, (method, path)


def test_unknown_and_absurd_ids_are_404(api_for, manager):
    client = api_for(manager)

    for path in ("/meetings/999999", "/cadences/0", f"/escalations/{2**70}", "/action-items/-1"):
        assert get(client, path).status_code in (404, 422), path


# --- query counts ---------------------------------------------------------------------------------


def add_rich(kind: str, ctx: dict) -> None:
    alliance = ctx["alliance"]
    body = BodyFactory(alliance=alliance)
    BodyMemberFactory(body=body)
    meeting = MeetingFactory(alliance=alliance, body=body)
    meeting.attendees.add(person(alliance))
    DecisionFactory(meeting=meeting)
    CadenceFactory(alliance=f.AllianceFactory(partner=ctx["partner_org"], start_date=date(2020, 1, 1)))
    ActionItemFactory(alliance=alliance, meeting=meeting)
    EscalationFactory(alliance=alliance, to_body=body)
    EscalationFactory(alliance=alliance, to_body=None, to_contact=person(alliance))


LISTS: dict[str, tuple[str, str]] = {
    "bodies": ("/governance-bodies", "manager"),
    "bodies_as_partner": ("/governance-bodies", "partner"),
    "cadences": ("/cadences", "manager"),
    "cadences_overdue": ("/cadences?overdue=true", "manager"),
    "meetings": ("/meetings", "partner"),
    "decisions": ("/meetings/{meeting}/decisions", "manager"),
    "action_items": ("/action-items", "partner"),
    "escalations": ("/escalations", "manager"),
}


@pytest.mark.parametrize("case", list(LISTS))
def test_list_endpoints_cost_the_same_for_5_or_25_rows(case, request, api_for, alliance, partner_org):
    path, role = LISTS[case]
    ctx = {"alliance": alliance, "partner_org": partner_org}
    first_meeting = MeetingFactory(alliance=alliance)
    client = api_for(request.getfixturevalue(role))
    client.get(f"{API}/me")
    url = API + path.format(meeting=first_meeting.pk)

    def add(n: int) -> None:
        for _ in range(n):
            add_rich(case, ctx)
            DecisionFactory(meeting=first_meeting)

    add(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 5
    assert len(large.captured_queries) == len(small.captured_queries), [
        q["sql"] for q in large.captured_queries
    ]
