"""Life-cycle transitions through the API: options with gate checklists, moves, blocks."""

from __future__ import annotations

import pytest

from amity.alliances.models import Alliance, GateRequirement
from tests import factories as f

from .helpers import field_errors, get, post

pytestmark = pytest.mark.django_db


def test_manager_sees_the_allowed_next_stages_with_their_checklists(api_for, manager, alliance):
    response = get(api_for(manager), f"/alliances/{alliance.pk}/transitions")
    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["stage_label"], body["version"]) == ("manage", "Manage & grow", 1)
    allowed = {s["to_stage"]: s for s in body["allowed"]}
    assert set(allowed) == {"review", "transform"}
    review_gate = allowed["review"]["checklist"]
    assert [(i["check"], i["met"]) for i in review_gate] == [("recent_review", False)]
    assert allowed["review"]["ready"] is False
    assert allowed["transform"]["ready"] is True


def test_partner_users_do_not_see_the_internal_life_cycle(api_for, partner, alliance):
    assert get(api_for(partner), f"/alliances/{alliance.pk}/transitions").status_code == 404
    assert (
        post(api_for(partner), f"/alliances/{alliance.pk}/transitions", {"to_stage": "transform"}).status_code
        == 404
    )


def test_anonymous_callers_must_authenticate_for_transitions(client, alliance):
    assert get(client, f"/alliances/{alliance.pk}/transitions").status_code == 401


def test_manager_moves_an_alliance_when_the_gate_is_met(api_for, manager, alliance):
    client = api_for(manager)
    response = post(
        client, f"/alliances/{alliance.pk}/transitions", {"to_stage": "transform", "reason": "Pivot"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from_stage"], body["to_stage"], body["changed_by"]) == (
        "manage",
        "transform",
        manager.username,
    )
    assert body["alliance_version"] == 2
    assert Alliance.objects.get(pk=alliance.pk).stage == "transform"
    history = get(client, f"/alliances/{alliance.pk}/transitions").json()["history"]
    assert history[0]["reason"] == "Pivot"
    assert Alliance.objects.get(pk=alliance.pk).history.first().history_user == manager


def test_an_unmet_gate_answers_422_with_the_checklist(api_for, manager, alliance):
    response = post(api_for(manager), f"/alliances/{alliance.pk}/transitions", {"to_stage": "review"})
    assert response.status_code == 422
    body = response.json()
    assert "to_stage" in body["errors"]
    assert [(i["label"], i["met"]) for i in body["checklist"]] == [
        ("A strategic review in the last 12 months", False)
    ]
    assert Alliance.objects.get(pk=alliance.pk).stage == "manage"


def test_attested_items_and_automatic_checks_open_the_launch_gate(
    api_for, manager, alliance, home, partner_org
):
    Alliance.objects.filter(pk=alliance.pk).update(stage="negotiate", start_date="2025-01-01")
    f.add_sponsor(alliance, home)
    f.add_sponsor(alliance, partner_org)
    attest = list(
        GateRequirement.objects.filter(stage="launch", check_kind="attest").values_list("pk", flat=True)
    )
    client = api_for(manager)
    blocked = post(
        client, f"/alliances/{alliance.pk}/transitions", {"to_stage": "launch", "attested": attest[:1]}
    )
    assert blocked.status_code == 422
    assert sorted(i["met"] for i in blocked.json()["checklist"]) == [False, True, True, True]
    passed = post(client, f"/alliances/{alliance.pk}/transitions", {"to_stage": "launch", "attested": attest})
    assert passed.status_code == 200, passed.content
    assert all(i["met"] for i in passed.json()["checklist"])


def test_only_an_admin_may_override_an_unmet_gate(api_for, manager, admin, alliance):
    body = {"to_stage": "review", "override_reason": "Board decision"}
    assert post(api_for(manager), f"/alliances/{alliance.pk}/transitions", body).status_code == 403
    response = post(api_for(admin), f"/alliances/{alliance.pk}/transitions", body)
    assert response.status_code == 200
    assert response.json()["overridden"] is True
    assert response.json()["override_reason"] == "Board decision"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_stage": "identify"}, "to_stage"),  # not an allowed move from manage
        ({"to_stage": "dreaming"}, "to_stage"),
        ({}, "to_stage"),
        ({"to_stage": "transform", "attested": ["x"]}, "attested.0"),
        ({"to_stage": "transform", "version": "new"}, "version"),
        ({"to_stage": "transform", "because": "x"}, "because"),
    ],
)
def test_a_bad_transition_request_names_the_field(api_for, manager, alliance, body, field):
    assert field in field_errors(post(api_for(manager), f"/alliances/{alliance.pk}/transitions", body))
    assert Alliance.objects.get(pk=alliance.pk).stage == "manage"


def test_a_transition_from_a_stale_version_is_a_conflict(api_for, manager, alliance):
    body = {"to_stage": "transform", "version": 7}
    assert post(api_for(manager), f"/alliances/{alliance.pk}/transitions", body).status_code == 409


def test_executive_may_not_move_an_alliance(api_for, executive, alliance):
    assert (
        post(
            api_for(executive), f"/alliances/{alliance.pk}/transitions", {"to_stage": "transform"}
        ).status_code
        == 403
    )
