"""/api/v1/comments: list by target, create, patch your own, delete = archive; every operation's
success, bad input (422 with field errors) and permissions (403 / 404)."""

from __future__ import annotations

import pytest

from amity.comments import services
from amity.comments.models import Comment
from amity.notifications.models import Notification
from tests.api.helpers import delete, field_errors, get, patch, post

KINDS = ["plan", "milestone", "commitment"]


@pytest.mark.parametrize("kind", KINDS)
def test_create_a_comment_on_each_kind_of_target(kind, targets, manager, partner, writer_api):
    target = targets[kind]
    response = post(writer_api(manager), "/comments", {f"{kind}_id": target.pk, "body": "Hello @partner1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target"] == {
        "kind": kind,
        "id": target.pk,
        "title": str(target),
        "alliance_id": target.alliance_id,
    }
    assert body["author"]["username"] == "manager1" and body["author"]["organization"] is None
    assert body["mentions"] == [
        {"handle": "partner1", "username": "partner1", "notified": True, "reason": ""}
    ]
    assert body["url"].endswith(f"#comment-{body['id']}")
    assert "@partner1" in body["body_html"]
    assert Notification.objects.filter(user=partner).exists()


def test_list_comments_by_target(plan, milestone, manager, partner, writer_api):
    services.comment_create(user=manager, target=plan, body="on the plan")
    services.comment_create(user=partner, target=milestone, body="on the milestone")
    client = writer_api(partner)
    items = get(client, "/comments", {"plan": plan.pk}).json()["items"]
    assert [c["body"] for c in items] == ["on the plan"]
    assert get(client, "/comments").json()["count"] == 2
    assert get(client, "/comments", {"milestone": milestone.pk}).json()["items"][0]["author"][
        "organization"
    ] == (partner.organization.name)


def test_a_partner_cannot_list_or_read_comments_on_another_partners_alliance(
    other_plan, manager, partner, writer_api
):
    comment = services.comment_create(user=manager, target=other_plan, body="Kestrel only")
    client = writer_api(partner)
    assert get(client, "/comments", {"plan": other_plan.pk}).status_code == 404
    assert get(client, f"/comments/{comment.pk}").status_code == 404
    assert get(client, "/comments").json()["count"] == 0
    errors = field_errors(post(client, "/comments", {"plan_id": other_plan.pk, "body": "hi"}))
    assert errors == {"plan_id": [f"Plan {other_plan.pk} not found."]}


def test_bad_input_answers_422_with_the_field(plan, milestone, manager, writer_api):
    client = writer_api(manager)
    assert "__all__" in field_errors(post(client, "/comments", {"body": "no target"}))
    assert field_errors(
        post(client, "/comments", {"plan_id": plan.pk, "milestone_id": milestone.pk, "body": "x"})
    )
    assert "body" in field_errors(post(client, "/comments", {"plan_id": plan.pk, "body": ""}))
    assert "body" in field_errors(post(client, "/comments", {"plan_id": plan.pk, "body": "x" * 5001}))
    assert "body" in field_errors(post(client, "/comments", {"plan_id": plan.pk, "body": "   "}))
    assert "body" in field_errors(post(client, "/comments", {"plan_id": plan.pk, "body": "a\x00b"}))
    assert "extra" in field_errors(post(client, "/comments", {"plan_id": plan.pk, "body": "x", "extra": 1}))
    assert not Comment.objects.exists()


def test_patch_your_own_comment_only(plan, manager, admin, writer_api):
    comment = services.comment_create(user=manager, target=plan, body="first")
    response = patch(writer_api(manager), f"/comments/{comment.pk}", {"body": "second", "version": 1})
    assert response.status_code == 200, response.content
    assert (
        response.json()["body"] == "second"
        and response.json()["edited_at"]
        and response.json()["version"] == 2
    )
    assert patch(writer_api(admin), f"/comments/{comment.pk}", {"body": "admin"}).status_code == 403
    stale = patch(writer_api(manager), f"/comments/{comment.pk}", {"body": "third", "version": 1})
    assert stale.status_code == 409
    assert "body" in field_errors(patch(writer_api(manager), f"/comments/{comment.pk}", {"body": ""}))


def test_delete_archives_the_author_or_an_admin(plan, manager, admin, partner, writer_api):
    mine = services.comment_create(user=manager, target=plan, body="mine")
    theirs = services.comment_create(user=partner, target=plan, body="theirs")
    assert delete(writer_api(partner), f"/comments/{mine.pk}").status_code == 403
    assert delete(writer_api(manager), f"/comments/{mine.pk}").status_code == 204
    assert delete(writer_api(admin), f"/comments/{theirs.pk}").status_code == 204
    assert Comment.objects.count() == 2 and Comment.objects.active().count() == 0
    assert get(writer_api(manager), "/comments", {"plan": plan.pk}).json()["count"] == 0
    assert get(writer_api(manager), f"/comments/{mine.pk}").json()["archived"] is True


def test_anonymous_gets_401(plan, client):
    assert get(client, "/comments").status_code == 401
    assert post(client, "/comments", {"plan_id": plan.pk, "body": "x"}).status_code == 401


def test_the_list_costs_the_same_queries_with_more_comments(
    plan, manager, partner, writer_api, django_assert_max_num_queries
):
    client = writer_api(manager)
    for i in range(3):
        services.comment_create(user=partner, target=plan, body=f"@manager1 {i}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        get(client, "/comments", {"plan": plan.pk})
    for i in range(15):
        services.comment_create(user=partner, target=plan, body=f"@manager1 more {i}")
    with django_assert_max_num_queries(len(few)):
        assert get(client, "/comments", {"plan": plan.pk}).json()["count"] == 18
