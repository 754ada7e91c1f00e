"""The API: /calendar/feeds, /calendar/agenda, /notifications - success, bad input, permissions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.core.agenda import DONE
from amity.notifications import services
from amity.notifications.models import CalendarFeed, Notification, Reason
from tests import factories as f
from tests.api.helpers import API, delete, field_errors, get, ids, post

from .conftest import make_item


def note(user, alliance, *, read: bool = False, title: str = "Reminder") -> Notification:
    n = Notification.objects.count() + 1
    return Notification.objects.create(
        user=user,
        alliance=alliance,
        uid=f"item-{n}",
        reason=Reason.OVERDUE,
        kind="commitment_due",
        title=title,
        day=date(2026, 11, 1),
        read_at=timezone.now() if read else None,
    )


# --- calendar feeds ------------------------------------------------------------------------


def test_creating_a_feed_returns_its_address_once(api_for, manager, alliance, agenda_items, base_url):
    client = api_for(manager)
    response = post(client, "/calendar/feeds", {"name": "Stratus dates", "alliance_id": alliance.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Stratus dates"
    assert body["alliance"] == {"id": alliance.pk, "name": "Stratus Test Alliance"}
    assert body["active"] is True
    assert body["url"].startswith("https://amity.example.com/calendar/cal_")
    assert body["webcal_url"] == body["url"].replace("https://", "webcal://")
    assert body["url"].removeprefix("https://amity.example.com/calendar/").startswith(body["prefix"])
    assert Client().get(body["url"].removeprefix("https://amity.example.com")).status_code == 200

    listed = get(client, "/calendar/feeds").json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "url" not in listed[0]


def test_a_feed_of_all_alliances_needs_no_body_fields(api_for, manager):
    response = post(api_for(manager), "/calendar/feeds", {})
    assert response.status_code == 201
    assert response.json()["alliance"] is None
    assert response.json()["name"] == "All my alliances"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"alliance_id": 0}, "alliance_id"),
        ({"alliance_id": "stratus"}, "alliance_id"),
        ({"alliance_id": 2**70}, "alliance_id"),
        ({"name": "x" * 101}, "name"),
        ({"name": "nul\x00"}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_feed_input_is_refused_naming_the_field(api_for, manager, body, field):
    errors = field_errors(post(api_for(manager), "/calendar/feeds", body))
    assert field in errors
    assert not CalendarFeed.objects.exists()


def test_a_partner_cannot_make_a_feed_of_an_alliance_they_cannot_see(api_for, partner, other_alliance):
    errors = field_errors(post(api_for(partner), "/calendar/feeds", {"alliance_id": other_alliance.pk}))
    assert errors == {"alliance_id": [f"Alliance {other_alliance.pk} not found."]}


def test_an_archived_alliance_is_refused(api_for, manager, alliance):
    alliance.archived_at = timezone.now()
    alliance.save()
    errors = field_errors(post(api_for(manager), "/calendar/feeds", {"alliance_id": alliance.pk}))
    assert "alliance_id" in errors


def test_revoking_a_feed(api_for, manager, agenda_items):
    feed, raw = services.feed_create(user=manager)
    client = api_for(manager)
    assert delete(client, f"/calendar/feeds/{feed.pk}").status_code == 204
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404
    assert ids(get(client, "/calendar/feeds")) == set()
    assert ids(get(client, "/calendar/feeds", {"include_revoked": "true"})) == {feed.pk}
    assert delete(client, f"/calendar/feeds/{feed.pk}").status_code == 204  # again: no change


@pytest.mark.parametrize("role", ["admin", "executive", "partner", "other_partner"])
def test_nobody_lists_or_revokes_another_users_feed(request, api_for, manager, role):
    feed, _ = services.feed_create(user=manager)
    client = api_for(request.getfixturevalue(role))
    assert ids(get(client, "/calendar/feeds")) == set()
    assert delete(client, f"/calendar/feeds/{feed.pk}").status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None


@pytest.mark.parametrize("role", ["executive", "partner"])
def test_read_only_roles_may_manage_their_own_feeds(request, api_for, role):
    client = api_for(request.getfixturevalue(role))
    response = post(client, "/calendar/feeds", {})
    assert response.status_code == 201
    assert delete(client, f"/calendar/feeds/{response.json()['id']}").status_code == 204


@pytest.mark.parametrize("feed_id", ["0", "-1", str(2**70), "abc"])
def test_absurd_feed_ids_are_not_found_or_refused(api_for, manager, feed_id):
    response = delete(api_for(manager), f"/calendar/feeds/{feed_id}")
    assert response.status_code in (404, 422)


def test_anonymous_callers_are_refused(db):
    anonymous = Client()
    for path in ("/calendar/feeds", "/calendar/agenda", "/notifications"):
        assert get(anonymous, path).status_code == 401, path
    assert post(anonymous, "/calendar/feeds", {}).status_code == 401
    assert delete(anonymous, "/calendar/feeds/1").status_code == 401
    assert post(anonymous, "/notifications/1/read").status_code == 401
    assert post(anonymous, "/notifications/read-all").status_code == 401


# --- the agenda ----------------------------------------------------------------------------


def test_the_agenda_lists_the_items_of_visible_alliances(
    api_for, manager, alliance, other_alliance, agenda_items
):
    today = timezone.localdate()
    start = datetime(today.year, today.month, today.day, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    agenda_items.append(make_item(alliance, today - timedelta(days=2), uid="late", recipients=(manager.pk,)))
    agenda_items.append(make_item(other_alliance, today, kind="meeting", uid="qbr", start=start, title="QBR"))
    response = get(api_for(manager), "/calendar/agenda")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    late, qbr = body["items"]
    assert late["uid"] == "late"
    assert late["alliance"] == {"id": alliance.pk, "name": "Stratus Test Alliance"}
    assert (late["overdue"], late["days_overdue"], late["all_day"], late["status"]) == (True, 2, True, "open")
    assert late["kind_label"] == "Commitments due"
    assert "recipients" not in late
    assert qbr["all_day"] is False
    assert datetime.fromisoformat(qbr["start"]) == start


def test_a_partner_sees_only_their_alliances_agenda(api_for, partner, alliance, other_alliance, agenda_items):
    today = timezone.localdate()
    agenda_items.append(make_item(alliance, today, uid="ours"))
    agenda_items.append(make_item(other_alliance, today, uid="theirs"))
    body = get(api_for(partner), "/calendar/agenda").json()
    assert [i["uid"] for i in body["items"]] == ["ours"]


def test_the_agenda_of_one_alliance_between_two_days(
    api_for, manager, alliance, other_alliance, agenda_items
):
    agenda_items.append(make_item(alliance, date(2026, 3, 1), uid="in"))
    agenda_items.append(make_item(alliance, date(2026, 4, 1), uid="after"))
    agenda_items.append(make_item(other_alliance, date(2026, 3, 1), uid="other"))
    body = get(
        api_for(manager),
        "/calendar/agenda",
        {"alliance": alliance.pk, "start": "2026-02-28", "end": "2026-03-31"},
    ).json()
    assert [i["uid"] for i in body["items"]] == ["in"]


def test_done_items_are_in_the_agenda_but_never_overdue(api_for, manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, timezone.localdate() - timedelta(days=3), status=DONE))
    (item,) = get(api_for(manager), "/calendar/agenda").json()["items"]
    assert (item["status"], item["overdue"], item["days_overdue"]) == ("done", False, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"start": "2026-01-01", "end": "2028-12-31"}, "end"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "start"),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ({"alliance": "0"}, "alliance"),
        ({"alliance": "x"}, "alliance"),
    ],
)
def test_bad_agenda_queries_are_refused_naming_the_field(api_for, manager, agenda_items, params, field):
    assert field in field_errors(get(api_for(manager), "/calendar/agenda", params))


def test_an_alliance_the_partner_cannot_see_is_not_found(api_for, partner, other_alliance, agenda_items):
    errors = field_errors(get(api_for(partner), "/calendar/agenda", {"alliance": other_alliance.pk}))
    assert errors == {"alliance": [f"Alliance {other_alliance.pk} not found."]}


def test_the_agenda_query_count_does_not_grow_with_items(api_for, manager, home, agenda_items):
    client = api_for(manager)
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            agenda_items.append(make_item(f.AllianceFactory(), today + timedelta(days=i)))

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, "/calendar/agenda").status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first call records when the token was used
    add(5)
    few = queries()
    add(20)
    assert queries() == few


# --- notifications -------------------------------------------------------------------------


def test_listing_notifications_unread_first(api_for, manager, alliance, base_url):
    read = note(manager, alliance, read=True, title="Read")
    unread = note(manager, alliance, title="Unread")
    body = get(api_for(manager), "/notifications").json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [unread.pk, read.pk]
    first = body["items"][0]
    assert first["unread"] is True
    assert first["reason"] == "overdue"
    assert first["alliance"] == {"id": alliance.pk, "name": "Stratus Test Alliance"}
    assert first["url"] == f"https://amity.example.com/alliances/{alliance.pk}/"


def test_filtering_unread_notifications(api_for, manager, alliance):
    read = note(manager, alliance, read=True)
    unread = note(manager, alliance)
    client = api_for(manager)
    assert ids(get(client, "/notifications", {"unread": "true"})) == {unread.pk}
    assert ids(get(client, "/notifications", {"unread": "false"})) == {read.pk}
    assert "unread" in field_errors(get(client, "/notifications", {"unread": "maybe"}))
    assert "limit" in field_errors(get(client, "/notifications", {"limit": "0"}))


def test_marking_a_notification_read(api_for, manager, alliance):
    n = note(manager, alliance)
    response = post(api_for(manager), f"/notifications/{n.pk}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    n.refresh_from_db()
    assert n.read_at is not None
    # Reading it again keeps the first read time.
    first = n.read_at
    post(api_for(manager), f"/notifications/{n.pk}/read")
    n.refresh_from_db()
    assert n.read_at == first


def test_marking_all_read(api_for, manager, admin, alliance):
    for _ in range(3):
        note(manager, alliance)
    note(manager, alliance, read=True)
    theirs = note(admin, alliance)
    response = post(api_for(manager), "/notifications/read-all")
    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert not Notification.objects.filter(user=manager, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("role", ["admin", "executive", "partner", "other_partner"])
def test_nobody_sees_or_reads_another_users_notifications(request, api_for, manager, alliance, role):
    n = note(manager, alliance)
    client = api_for(request.getfixturevalue(role))
    assert ids(get(client, "/notifications")) == set()
    assert post(client, f"/notifications/{n.pk}/read").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize("role", ["executive", "partner"])
def test_read_only_roles_may_mark_their_own_notifications_read(request, api_for, alliance, role):
    user = request.getfixturevalue(role)
    n = note(user, alliance)
    assert post(api_for(user), f"/notifications/{n.pk}/read").status_code == 200
    assert post(api_for(user), "/notifications/read-all").json() == {"marked": 0}


def test_a_partner_no_longer_sees_reminders_of_an_alliance_they_left(api_for, partner, alliance):
    n = note(partner, alliance)
    alliance.parties.filter(organization=partner.organization).update(archived_at=timezone.now())
    client = api_for(partner)
    assert ids(get(client, "/notifications")) == set()
    assert post(client, f"/notifications/{n.pk}/read").status_code == 404


@pytest.mark.parametrize(
    "path", ["/notifications/0/read", f"/notifications/{2**70}/read", "/notifications/x/read"]
)
def test_absurd_notification_ids(api_for, manager, path):
    assert post(api_for(manager), path).status_code in (404, 422)


@pytest.mark.parametrize("path", ["/notifications", "/calendar/feeds"])
def test_list_endpoints_use_constant_queries(api_for, manager, home, path):
    client = api_for(manager)

    def add(n: int) -> None:
        for _ in range(n):
            a = f.AllianceFactory()
            note(manager, a)
            services.feed_create(user=manager, alliance=a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, path).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first call records when the token was used
    add(5)
    few = queries()
    add(20)
    assert queries() == few


def test_the_endpoints_are_documented(db):
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    assert set(paths[f"{API}/calendar/feeds"]) == {"get", "post"}
    assert set(paths[f"{API}/calendar/feeds/{{feed_id}}"]) == {"delete"}
    assert set(paths[f"{API}/calendar/agenda"]) == {"get"}
    assert set(paths[f"{API}/notifications"]) == {"get"}
    assert set(paths[f"{API}/notifications/{{notification_id}}/read"]) == {"post"}
    assert set(paths[f"{API}/notifications/read-all"]) == {"post"}
