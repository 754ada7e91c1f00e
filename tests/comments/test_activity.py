"""The activity feed (/activity/ and /api/v1/activity): recent activity across the alliances a
user sees, with the partner sharing rule applied, one query per source."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.alliances.models import StageChange, TierChange
from amity.alliances.sharing import set_sharing
from amity.comments import activity, services
from tests import factories as f
from tests.agreements.factories import CommitmentFactory
from tests.api.helpers import get
from tests.planning.factories import MilestoneFactory, PlanFactory


def _verbs(user, **kw):
    return [a.verb for a in activity.feed(user=user, **kw).items]


@pytest.fixture
def story(alliance, other_alliance, manager, partner, other_partner):
    """Some of everything on both alliances."""
    StageChange.objects.create(
        alliance=alliance, from_stage="identify", to_stage="assess", reason="Fit confirmed"
    )
    StageChange.objects.create(alliance=other_alliance, from_stage="launch", to_stage="manage", reason="Live")
    TierChange.objects.create(
        alliance=alliance, to_tier=f.TierFactory(name="Gold"), source="manual", reason="ROI"
    )
    plan = PlanFactory(alliance=alliance, title="Stratus plan")
    plan.status = "proposed"
    plan.save()
    other = PlanFactory(alliance=other_alliance, title="Kestrel plan")
    other.status = "proposed"
    other.save()
    milestone = MilestoneFactory(alliance=alliance, title="CRM sync")
    milestone.status, milestone.completed_on = "done", date(2026, 1, 5)
    milestone.save()
    commitment = CommitmentFactory(alliance=alliance, title="Two architects")
    commitment.status, commitment.met_on = "met", date(2026, 1, 6)
    commitment.save()
    services.comment_create(user=manager, target=plan, body="Stratus plan talk")
    services.comment_create(user=other_partner, target=other, body="Kestrel plan talk")
    return {"plan": plan, "other_plan": other, "milestone": milestone, "commitment": commitment}


def test_our_people_see_everything(story, manager):
    verbs = _verbs(manager)
    assert verbs.count("alliance.stage_changed") == 2
    assert "alliance.tier_changed" in verbs
    assert verbs.count("plan.proposed") == 2
    assert "milestone.done" in verbs and "commitment.met" in verbs
    assert verbs.count("comment.added") == 2


def test_a_partner_sees_only_their_alliances_and_never_tiers(story, partner):
    items = activity.feed(user=partner).items
    assert {a.alliance_name for a in items} == {"Stratus Test Alliance"}
    verbs = [a.verb for a in items]
    assert "alliance.tier_changed" not in verbs
    assert {
        "alliance.stage_changed",
        "plan.proposed",
        "milestone.done",
        "commitment.met",
        "comment.added",
    } <= set(verbs)
    # Our reasons for a stage change stay ours.
    assert all(a.detail == "" for a in items if a.source == "stage")


def test_a_partner_does_not_see_kinds_their_alliance_does_not_share(
    story, partner, partner_org, alliance, admin
):
    set_sharing(
        alliance=alliance,
        changes=[(partner_org.pk, "plan", False), (partner_org.pk, "commitments", False)],
        user=admin,
    )
    verbs = _verbs(partner)
    assert "plan.proposed" not in verbs and "comment.added" not in verbs and "commitment.met" not in verbs
    assert "milestone.done" in verbs and "alliance.stage_changed" in verbs


def test_filter_by_alliance(story, manager, alliance):
    items = activity.feed(user=manager, alliance_id=alliance.pk).items
    assert items and {a.alliance_id for a in items} == {alliance.pk}


def test_newest_first(story, manager):
    times = [a.at for a in activity.feed(user=manager).items]
    assert times == sorted(times, reverse=True)


def test_the_page_shows_the_feed_and_filters_by_alliance(
    story, partner, alliance, other_alliance, client_for
):
    client = client_for(partner)
    page = client.get("/activity/")
    assert page.status_code == 200
    assert b"Stratus plan talk" in page.content and b"Kestrel plan talk" not in page.content
    assert client.get(f"/activity/?alliance={alliance.pk}").status_code == 200
    assert client.get(f"/activity/?alliance={other_alliance.pk}").status_code == 404
    assert client.get("/activity/?page=abc").status_code == 200


def test_the_feed_pages_and_stops(alliance, manager, client_for):
    for i in range(60):
        StageChange.objects.create(alliance=alliance, from_stage="identify", to_stage="assess", reason=str(i))
    first = activity.feed(user=manager, limit=50)
    assert len(first.items) == 50 and first.next_offset == 50
    second = activity.feed(user=manager, offset=50, limit=50)
    assert len(second.items) == 10 and second.next_offset is None
    assert not {a.key for a in first.items} & {a.key for a in second.items}
    page = client_for(manager).get("/activity/")
    assert b'data-testid="older"' in page.content


def test_one_query_per_source_whatever_the_number_of_rows(alliance, manager, partner, client_for):
    plan = PlanFactory(alliance=alliance)
    StageChange.objects.create(alliance=alliance, from_stage="identify", to_stage="assess")
    services.comment_create(user=manager, target=plan, body="one")
    client = client_for(partner)
    client.get("/activity/")
    with CaptureQueriesContext(connection) as few:
        client.get("/activity/")
    for i in range(20):
        StageChange.objects.create(alliance=alliance, from_stage="assess", to_stage="negotiate")
        services.comment_create(user=manager, target=plan, body=f"more {i}")
        m = MilestoneFactory(alliance=alliance)
        m.status, m.completed_on = "done", date(2026, 1, 5)
        m.save()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/activity/")
    assert response.content.count(b'data-testid="activity"') == 50
    assert len(many) == len(few)


def test_the_api_feed(story, partner, other_alliance, writer_api):
    client = writer_api(partner)
    body = get(client, "/activity").json()
    assert body["items"] and all(i["alliance"]["name"] == "Stratus Test Alliance" for i in body["items"])
    assert {"verb", "title", "url", "at", "data_kind", "actor"} <= set(body["items"][0])
    assert get(client, "/activity", {"alliance": other_alliance.pk}).status_code == 404
    assert get(client, "/activity", {"limit": 0}).status_code == 422
    assert get(client, "/activity", {"offset": 5000}).status_code == 422


def test_applications_show_in_the_feed_of_our_editors_only(db, manager, partner, executive):
    from amity.partners.services_applications import application_submit

    application_submit(
        data={
            "company_name": "Brightwave",
            "website": "https://brightwave.example",
            "country": "DE",
            "partner_kind": "isv",
            "size": "50-249",
            "contact_first_name": "Jonas",
            "contact_last_name": "Weber",
            "contact_email": "jonas@brightwave.example",
            "proposal": "A connector for retail forecasting.",
        },
        email=False,
    )
    assert "application.submitted" in _verbs(manager)
    assert "application.submitted" not in _verbs(partner)
    assert "application.submitted" not in _verbs(executive)
