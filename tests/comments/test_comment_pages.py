"""Comment threads on plans, milestones and commitments: the pages (with and without htmx),
mentions and their notifications, edit and archive, and what partners may read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.alliances.sharing import set_sharing
from amity.comments import services
from amity.comments.models import Comment, CommentMention
from amity.notifications.models import Notification, Reason
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}
KINDS = ["plan", "milestone", "commitment"]


def thread_url(kind, target):
    return f"/comments/{kind}/{target.pk}/"


def page_url(kind, target):
    if kind == "plan":
        return f"/alliances/{target.alliance_id}/plan/{target.pk}/"
    if kind == "milestone":
        return f"/milestones/{target.pk}/discussion/"
    return f"/commitments/{target.pk}/"


@pytest.mark.parametrize("kind", KINDS)
def test_a_manager_comments_on_each_kind_of_target_without_javascript(kind, targets, manager, client_for):
    target = targets[kind]
    response = client_for(manager).post(thread_url(kind, target), {"body": "Looks good to me."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(kind, target) + f"#comment-{comment.pk}"
    assert getattr(comment, kind) == target and comment.alliance_id == target.alliance_id
    page = client_for(manager).get(page_url(kind, target))
    assert page.status_code == 200
    assert b'data-testid="comments"' in page.content
    assert b"Looks good to me." in page.content
    assert f'id="comment-{comment.pk}"'.encode() in page.content


@pytest.mark.parametrize("kind", KINDS)
def test_with_htmx_the_thread_is_swapped_in_place(kind, targets, partner, client_for):
    target = targets[kind]
    response = client_for(partner).post(thread_url(kind, target), {"body": "From the partner side"}, **HTMX)
    assert response.status_code == 200
    assert response.content.count(b'data-testid="comments"') == 1  # the fragment, not the page
    assert b"From the partner side" in response.content
    assert b"Comment posted." in response.content
    assert b"<html" not in response.content
    assert Comment.objects.get().author == partner


def test_the_roadmap_lists_milestone_discussions_and_loads_a_thread(milestone, manager, client_for):
    services.comment_create(user=manager, target=milestone, body="Sandbox credentials?")
    client = client_for(manager)
    roadmap = client.get(f"/alliances/{milestone.alliance_id}/roadmap/")
    assert b'data-testid="milestone-discussions"' in roadmap.content
    assert f"/milestones/{milestone.pk}/discussion/".encode() in roadmap.content
    fragment = client.get(thread_url("milestone", milestone), **HTMX)
    assert fragment.status_code == 200 and b"Sandbox credentials?" in fragment.content
    # Without htmx the thread's address sends the browser to the page that shows it.
    assert client.get(thread_url("milestone", milestone))["Location"].startswith(
        f"/milestones/{milestone.pk}/discussion/"
    )


def test_an_empty_comment_is_refused_with_the_field_named(plan, manager, client_for):
    client = client_for(manager)
    response = client.post(thread_url("plan", plan), {"body": "   "})
    assert response.status_code == 422
    assert b'data-field-error="body"' in response.content
    htmx = client.post(thread_url("plan", plan), {"body": ""}, **HTMX)
    assert htmx.status_code == 200 and b'data-field-error="body"' in htmx.content
    assert not Comment.objects.exists()


def test_a_comment_longer_than_five_thousand_characters_is_refused(plan, manager, client_for):
    response = client_for(manager).post(thread_url("plan", plan), {"body": "x" * 5001})
    assert response.status_code == 422 and not Comment.objects.exists()


def test_the_body_is_escaped_with_line_breaks_and_links(plan, manager, client_for):
    body = "<script>alert(1)</script>\nsee https://example.com/x"
    services.comment_create(user=manager, target=plan, body=body)
    page = client_for(manager).get(page_url("plan", plan)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in page
    assert 'href="https://example.com/x"' in page


# --- mentions ---------------------------------------------------------------------------------


def test_a_mention_notifies_a_user_who_can_see_the_target(plan, manager, partner, client_for):
    comment = services.comment_create(
        user=manager, target=plan, body="@partner1 can you confirm the Q4 split?"
    )
    note = Notification.objects.get(user=partner)
    assert note.reason == Reason.MENTIONED
    assert note.url == f"/alliances/{plan.alliance_id}/plan/{plan.pk}/#comment-{comment.pk}"
    assert note.alliance_id == plan.alliance_id
    assert CommentMention.objects.get(comment=comment).notified
    # The partner sees it in their inbox, and the link leads to the comment.
    inbox = client_for(partner).get("/notifications/")
    assert b"mentioned you" in inbox.content
    assert client_for(partner).get(note.url.split("#")[0]).status_code == 200


def test_a_partner_of_another_organization_is_not_notified(plan, manager, other_partner, client_for):
    comment = services.comment_create(user=manager, target=plan, body="@partner2 what do you think?")
    assert not Notification.objects.filter(user=other_partner).exists()
    mention = CommentMention.objects.get(comment=comment)
    assert mention.user == other_partner and not mention.notified
    page = client_for(manager).get(page_url("plan", plan)).content.decode()
    assert "Not notified: @partner2 (cannot see this)" in page


def test_a_partner_whose_alliance_does_not_share_the_plan_is_not_notified(
    plan, milestone, manager, partner, partner_org, admin
):
    set_sharing(alliance=plan.alliance, changes=[(partner_org.pk, "plan", False)], user=admin)
    services.comment_create(user=manager, target=plan, body="@partner1 about the plan")
    assert not Notification.objects.filter(user=partner).exists()
    # The roadmap is still shared: a mention there reaches them.
    services.comment_create(user=manager, target=milestone, body="@partner1 about the milestone")
    assert Notification.objects.filter(user=partner, reason=Reason.MENTIONED).count() == 1


def test_the_author_is_told_who_was_not_notified_after_posting(plan, manager, other_partner, client_for):
    response = client_for(manager).post(
        thread_url("plan", plan), {"body": "@partner2 and @nobody-here, see this"}, **HTMX
    )
    text = response.content.decode()
    assert 'data-testid="not-notified-flash"' in text
    assert "@partner2 (cannot see this)" in text and "@nobody-here (nobody of that name)" in text


def test_mentions_by_first_and_last_name_and_not_in_email_addresses(plan, manager):
    alice = f.manager_user(username="amoreau", first_name="Alice", last_name="Moreau")
    services.comment_create(user=manager, target=plan, body="@alice.moreau, mail ann@example.com please.")
    assert Notification.objects.filter(user=alice).exists()
    assert list(CommentMention.objects.values_list("handle", flat=True)) == ["alice.moreau"]


def test_mentioning_yourself_notifies_nobody(plan, manager):
    services.comment_create(user=manager, target=plan, body="Note to self @manager1")
    assert not Notification.objects.exists()


def test_a_mention_is_e_mailed_once_and_stays_out_of_the_daily_digest(
    plan, manager, partner, django_capture_on_commit_callbacks
):
    from amity.notifications.services import digests_send

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=manager, target=plan, body="@partner1 please review")
    assert [m.to for m in mail.outbox] == [[partner.email]]
    assert "please review" in mail.outbox[0].body
    assert digests_send() == 0


def test_editing_notifies_only_the_newly_mentioned(plan, manager, partner, admin, client_for):
    comment = services.comment_create(user=manager, target=plan, body="@partner1 first")
    response = client_for(manager).post(
        f"/comments/{comment.pk}/edit/", {"body": "@partner1 and @admin1 second", "version": comment.version}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "@partner1 and @admin1 second" and comment.edited_at is not None
    assert Notification.objects.filter(user=partner).count() == 1
    assert Notification.objects.filter(user=admin).count() == 1


# --- who may do what ----------------------------------------------------------------------------


def test_only_the_author_edits_a_comment(plan, manager, admin, client_for):
    comment = services.comment_create(user=manager, target=plan, body="mine")
    assert client_for(admin).post(f"/comments/{comment.pk}/edit/", {"body": "theirs"}).status_code == 403
    assert client_for(manager).get(f"/comments/{comment.pk}/edit/", **HTMX).status_code == 200


def test_the_author_or_an_admin_archives_a_comment_and_nothing_is_deleted(plan, manager, admin, client_for):
    first = services.comment_create(user=manager, target=plan, body="first")
    second = services.comment_create(user=manager, target=plan, body="second")
    other_manager = f.manager_user(username="manager2")
    assert client_for(other_manager).post(f"/comments/{first.pk}/archive/").status_code == 403
    assert client_for(manager).post(f"/comments/{first.pk}/archive/").status_code == 302
    response = client_for(admin).post(f"/comments/{second.pk}/archive/", **HTMX)
    assert response.status_code == 200 and b"Comment archived." in response.content
    assert Comment.objects.count() == 2 and Comment.objects.active().count() == 0
    assert b"first" not in client_for(manager).get(page_url("plan", plan)).content.split(b"plan-history")[0]


def test_a_partner_cannot_read_or_write_comments_on_another_partners_alliance(
    other_plan, manager, partner, client_for
):
    services.comment_create(user=manager, target=other_plan, body="Kestrel only")
    client = client_for(partner)
    assert client.get(thread_url("plan", other_plan), **HTMX).status_code == 404
    assert client.post(thread_url("plan", other_plan), {"body": "sneaky"}).status_code == 404
    comment = Comment.objects.get()
    assert client.get(f"/comments/{comment.pk}/", **HTMX).status_code == 404
    assert client.post(f"/comments/{comment.pk}/archive/").status_code == 404
    assert Comment.objects.count() == 1


def test_a_partner_does_not_read_comments_on_a_kind_their_alliance_does_not_share(
    plan, manager, partner, partner_org, admin, client_for
):
    services.comment_create(user=manager, target=plan, body="Plan talk")
    set_sharing(alliance=plan.alliance, changes=[(partner_org.pk, "plan", False)], user=admin)
    assert client_for(partner).get(thread_url("plan", plan), **HTMX).status_code == 404
    assert not Comment.objects.visible_to(partner).exists()


def test_an_archived_target_closes_its_thread(commitment, manager, client_for):
    from django.utils import timezone

    commitment.archived_at = timezone.now()
    commitment.save()
    response = client_for(manager).post(thread_url("commitment", commitment), {"body": "late"})
    assert response.status_code == 422 and not Comment.objects.exists()


def test_the_thread_costs_the_same_queries_with_one_or_many_comments(plan, manager, partner, client_for):
    client = client_for(manager)
    services.comment_create(user=partner, target=plan, body="@manager1 one")
    client.get(page_url("plan", plan))
    with CaptureQueriesContext(connection) as one:
        client.get(thread_url("plan", plan), **HTMX)
    for i in range(12):
        services.comment_create(user=partner if i % 2 else manager, target=plan, body=f"@partner1 more {i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(thread_url("plan", plan), **HTMX)
    assert response.content.count(b'data-testid="comment"') == 13
    assert len(many) == len(one)
