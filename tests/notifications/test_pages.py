"""The calendar page, the notifications inbox, the top bar and the dashboard panels."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amity.core.agenda import DONE
from amity.notifications import services
from amity.notifications.models import CalendarFeed, Notification, Reason
from tests import factories as f

from .conftest import make_item

CALENDAR = reverse("notifications:calendar")
INBOX = reverse("notifications:notification_list")
PORTFOLIO = reverse("alliances:portfolio")


def html(response) -> str:
    return response.content.decode()


def note(
    user, alliance, *, uid: str = "", reason: str = Reason.DUE_SOON, title: str = "", read: bool = False
):
    n = Notification.objects.count() + 1
    return Notification.objects.create(
        user=user,
        alliance=alliance,
        uid=uid or f"item-{n}",
        reason=reason,
        kind="commitment_due",
        title=title or f"Reminder {n}",
        day=timezone.localdate(),
        read_at=timezone.now() if read else None,
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- calendar page --------------------------------------------------------------------------


def test_the_calendar_page_requires_sign_in(client):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_creating_a_feed_shows_its_address_once(client_for, manager, alliance, agenda_items, base_url):
    client = client_for(manager)
    response = client.post(CALENDAR, {"name": "My deadlines", "alliance": ""})
    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="new-feed"' in page
    assert 'data-testid="feed-url"' in page
    raw = re.search(r'value="https://amity\.example\.com/calendar/(cal_[^"]+)\.ics"', page).group(1)
    assert f'href="webcal://amity.example.com/calendar/{raw}.ics"' in page
    assert client.get(reverse("notifications:feed", args=[raw])).status_code == 200
    # Shown once: the list afterwards shows only the prefix.
    again = html(client.get(CALENDAR))
    assert raw not in again
    assert CalendarFeed.objects.get().prefix in again
    assert "My deadlines" in again


def test_a_feed_of_an_alliance_the_user_cannot_see_cannot_be_chosen(client_for, partner, other_alliance):
    response = client_for(partner).post(CALENDAR, {"alliance": other_alliance.pk})
    assert response.status_code == 422
    assert 'data-field-error="alliance"' in html(response)
    assert not CalendarFeed.objects.exists()


def test_the_alliance_choices_are_the_users_alliances(client_for, partner, alliance, other_alliance):
    page = html(client_for(partner).get(CALENDAR))
    assert "Stratus Test Alliance" in page
    assert "Kestrel Test Alliance" not in page


def test_revoking_a_feed_from_the_page(client_for, manager, agenda_items):
    feed, raw = services.feed_create(user=manager, name="Old phone")
    client = client_for(manager)
    response = client.post(reverse("notifications:feed_revoke", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(reverse("notifications:feed", args=[raw])).status_code == 404
    assert "revoked" in html(client.get(CALENDAR))


def test_nobody_sees_or_revokes_another_users_feed(client_for, manager, admin):
    feed, _ = services.feed_create(user=manager, name="Manager's private feed")
    client = client_for(admin)
    assert "Manager&#x27;s private feed" not in html(client.get(CALENDAR))
    assert client.post(reverse("notifications:feed_revoke", args=[feed.pk])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_revoking_needs_a_post(client_for, manager):
    feed, _ = services.feed_create(user=manager)
    assert client_for(manager).get(reverse("notifications:feed_revoke", args=[feed.pk])).status_code == 405


def test_the_calendar_page_previews_the_coming_weeks(client_for, manager, alliance, agenda_items):
    today = timezone.localdate()
    agenda_items.append(make_item(alliance, today + timedelta(days=2), title="Joint webinar"))
    agenda_items.append(make_item(alliance, today + timedelta(days=45), title="Far away"))
    page = html(client_for(manager).get(CALENDAR))
    assert "Joint webinar" in page
    assert "Far away" not in page


# --- notifications inbox -------------------------------------------------------------------


def test_the_inbox_lists_unread_notifications_first(client_for, manager, alliance):
    note(manager, alliance, title="Older unread")
    note(manager, alliance, title="Already read", read=True)
    note(manager, alliance, title="Newest unread", reason=Reason.OVERDUE)
    page = html(client_for(manager).get(INBOX))
    assert page.index("Newest unread") < page.index("Older unread") < page.index("Already read")
    assert page.count('data-unread="1"') == 2
    assert "Overdue" in page


def test_the_inbox_shows_only_the_users_own_notifications(client_for, manager, admin, alliance):
    note(admin, alliance, title="For the admin")
    note(manager, alliance, title="For the manager")
    page = html(client_for(manager).get(INBOX))
    assert "For the manager" in page
    assert "For the admin" not in page


def test_the_unread_filter(client_for, manager, alliance):
    note(manager, alliance, title="Unread one")
    note(manager, alliance, title="Read one", read=True)
    page = html(client_for(manager).get(INBOX + "?show=unread"))
    assert "Unread one" in page
    assert "Read one" not in page


def test_marking_one_notification_read(client_for, manager, alliance):
    n = note(manager, alliance)
    response = client_for(manager).post(
        reverse("notifications:notification_read", args=[n.pk]) + "?next=/notifications/"
    )
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_marking_read_goes_back_only_inside_the_site(client_for, manager, alliance):
    n = note(manager, alliance)
    response = client_for(manager).post(
        reverse("notifications:notification_read", args=[n.pk]) + "?next=https://evil.example/"
    )
    assert response["Location"] == INBOX


def test_another_users_notification_is_not_found(client_for, manager, admin, alliance):
    n = note(admin, alliance)
    assert (
        client_for(manager).post(reverse("notifications:notification_read", args=[n.pk])).status_code == 404
    )
    n.refresh_from_db()
    assert n.read_at is None


def test_marking_all_read_marks_only_the_users_own(client_for, manager, admin, alliance):
    mine = [note(manager, alliance) for _ in range(3)]
    theirs = note(admin, alliance)
    response = client_for(manager).post(reverse("notifications:notification_read_all"))
    assert response.status_code == 302
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[m.pk for m in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client_for, manager, alliance):
    n = note(manager, alliance)
    assert client_for(manager).get(reverse("notifications:notification_read", args=[n.pk])).status_code == 405
    assert client_for(manager).get(reverse("notifications:notification_read_all")).status_code == 405


def test_a_partner_does_not_see_reminders_of_an_alliance_they_left(client_for, partner, alliance):
    note(partner, alliance, title="From the old days")
    alliance.parties.filter(organization=partner.organization).update(archived_at=timezone.now())
    assert "From the old days" not in html(client_for(partner).get(INBOX))


def test_the_inbox_query_count_does_not_grow_with_rows(client_for, manager, home):
    client = client_for(manager)
    for _ in range(5):
        note(manager, f.AllianceFactory())
    few = count_queries(client, INBOX)
    for _ in range(20):
        note(manager, f.AllianceFactory())
    assert count_queries(client, INBOX) == few


# --- top bar ---------------------------------------------------------------------------------


def test_the_top_bar_shows_the_unread_count(client_for, manager, alliance):
    note(manager, alliance)
    note(manager, alliance)
    note(manager, alliance, read=True)
    page = html(client_for(manager).get(PORTFOLIO))
    assert 'data-testid="unread-count">2<' in page
    assert f'href="{CALENDAR}"' in page


def test_the_top_bar_shows_no_count_without_unread_notifications(client_for, manager, alliance):
    page = html(client_for(manager).get(PORTFOLIO))
    assert 'data-testid="notifications-link"' in page
    assert 'data-testid="unread-count"' not in page


# --- dashboard panels ---------------------------------------------------------------------------


@pytest.fixture
def story(alliance, other_alliance, agenda_items):
    """Open and done items around today on the partner's alliance and on a competitor's."""
    today = timezone.localdate()
    agenda_items += [
        make_item(alliance, today - timedelta(days=12), kind="commitment_due", title="Lab headcount"),
        make_item(alliance, today - timedelta(days=2), kind="action_item_due", title="Send pipeline list"),
        make_item(
            alliance, today - timedelta(days=5), kind="commitment_due", title="Already met", status=DONE
        ),
        make_item(alliance, today, kind="agreement_notice", title="MSA notice deadline"),
        make_item(alliance, today + timedelta(days=7), kind="milestone_due", title="CRM integration live"),
        make_item(alliance, today + timedelta(days=8), kind="milestone_due", title="Next week's milestone"),
        make_item(
            other_alliance, today - timedelta(days=3), kind="commitment_due", title="Competitor overdue"
        ),
        make_item(other_alliance, today + timedelta(days=1), kind="meeting", title="Competitor QBR"),
    ]
    return today


def panel(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("card-footer", start)]


def test_the_manager_sees_overdue_and_due_this_week_grouped_by_kind(client_for, manager, story):
    page = html(client_for(manager).get(PORTFOLIO))
    overdue = panel(page, "overdue-panel")
    assert 'data-testid="overdue-count">3<' in page
    assert overdue.index("Lab headcount") < overdue.index("Competitor overdue")  # longest overdue first
    assert "12 days overdue" in overdue
    assert "Send pipeline list" in overdue and "2 days overdue" in overdue
    assert "Already met" not in page
    assert 'data-kind="commitment_due"' in overdue and 'data-kind="action_item_due"' in overdue
    assert "bi-check2-square" in overdue and "bi-list-check" in overdue
    assert "Stratus Test Alliance" in overdue and "Kestrel Test Alliance" in overdue

    due = panel(page, "due-panel")
    assert 'data-testid="due-count">3<' in page
    assert "MSA notice deadline" in due and ">today<" in due
    assert "Competitor QBR" in due and ">tomorrow<" in due
    assert "CRM integration live" in due and ">in 7 days<" in due
    assert "Next week&#x27;s milestone" not in page


def test_a_partner_sees_only_their_alliances_items(client_for, partner, story):
    page = html(client_for(partner).get(PORTFOLIO))
    assert 'data-testid="agenda-panels"' in page
    assert "Lab headcount" in page and "MSA notice deadline" in page
    assert "Competitor" not in page
    assert 'data-testid="overdue-count">2<' in page
    assert 'data-testid="due-count">2<' in page


def test_the_panels_say_so_when_nothing_is_due(client_for, manager, alliance, agenda_items):
    page = html(client_for(manager).get(PORTFOLIO))
    assert "Nothing is overdue." in page
    assert "Nothing is due in the next seven days." in page


def test_a_long_group_shows_the_first_items_and_how_many_more(client_for, manager, alliance, agenda_items):
    today = timezone.localdate()
    agenda_items += [make_item(alliance, today - timedelta(days=i + 1), title=f"Late {i}") for i in range(9)]
    page = html(client_for(manager).get(PORTFOLIO))
    assert "and 5 more commitments due" in page


@pytest.mark.parametrize("role", ["manager", "partner"])
def test_the_panels_use_constant_queries(request, client_for, home, partner_org, agenda_items, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            a = f.AllianceFactory(partner=partner_org)
            agenda_items.append(make_item(a, today - timedelta(days=1 + i % 3)))
            agenda_items.append(make_item(a, today + timedelta(days=i % 7), kind="meeting"))

    add(5)
    few = count_queries(client, PORTFOLIO)
    add(20)
    assert count_queries(client, PORTFOLIO) == few


def test_dashboard_agenda_for_a_given_day(manager, alliance, agenda_items):
    from amity.notifications.selectors import dashboard_agenda

    agenda_items.append(make_item(alliance, date(2027, 12, 30), title="Before new year"))
    agenda_items.append(make_item(alliance, date(2028, 1, 3), title="After new year"))
    panels = dashboard_agenda(user=manager, today=date(2027, 12, 31))
    assert [e.item.title for g in panels["overdue_groups"] for e in g.entries] == ["Before new year"]
    assert [(e.item.title, e.days) for g in panels["due_groups"] for e in g.entries] == [
        ("After new year", 3)
    ]
