"""iCalendar feeds: parsed back with icalendar, as a calendar client would read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from amity.alliances.models import AllianceParty
from amity.core.agenda import DONE
from amity.notifications import services
from amity.notifications.models import CalendarFeed
from tests import factories as f

from .conftest import make_item

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def fetch(client, raw: str):
    return client.get(reverse("notifications:feed", args=[raw]))


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def render(raw: str, now: datetime) -> Calendar:
    return parse(services.feed_render(token=raw, now=now))


# --- the document ------------------------------------------------------------------------


def test_a_feed_is_a_valid_calendar_with_one_event_per_item(
    client, manager, alliance, agenda_items, base_url
):
    today = timezone.localdate()
    agenda_items.append(
        make_item(alliance, today + timedelta(days=3), uid="agreement-7-notice", title="Notice")
    )
    agenda_items.append(make_item(alliance, today + timedelta(days=10), uid="commitment-3", title="Funding"))
    _, raw = services.feed_create(user=manager)

    response = fetch(client, raw)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = parse(response.content)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Amity//Alliance agenda//EN"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Amity: All my alliances"
    by_uid = events(cal)
    assert set(by_uid) == {"agreement-7-notice@amity", "commitment-3@amity"}
    notice = by_uid["agreement-7-notice@amity"]
    assert str(notice["SUMMARY"]) == "Stratus Test Alliance: Notice"
    assert str(notice["CATEGORIES"].cats[0]) == "commitment_due"
    assert str(notice["STATUS"]) == "CONFIRMED"
    assert notice.decoded("DTSTAMP").tzinfo is not None
    assert str(notice["URL"]) == f"https://amity.example.com/alliances/{alliance.pk}/"
    assert "Stratus Test Alliance" in str(notice["DESCRIPTION"])


def test_uids_are_stable_between_fetches(client, manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, timezone.localdate(), uid="milestone-5"))
    _, raw = services.feed_create(user=manager)
    first = events(parse(fetch(client, raw).content))
    second = events(parse(fetch(client, raw).content))
    assert set(first) == set(second) == {"milestone-5@amity"}


def test_item_links_become_absolute_with_the_base_url(client, manager, alliance, agenda_items, base_url):
    agenda_items.append(make_item(alliance, timezone.localdate(), url="/alliances/1/commitments/#c4"))
    _, raw = services.feed_create(user=manager)
    (event,) = parse(fetch(client, raw).content).walk("VEVENT")
    assert str(event["URL"]) == "https://amity.example.com/alliances/1/commitments/#c4"


def test_dated_items_are_all_day_events_ending_the_next_day(manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, date(2026, 11, 5), uid="d"))
    _, raw = services.feed_create(user=manager)
    content = services.feed_render(token=raw, now=datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert b"DTSTART;VALUE=DATE:20261105" in content
    assert b"DTEND;VALUE=DATE:20261106" in content
    (event,) = parse(content).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 11, 5)
    assert event.decoded("DTEND") == date(2026, 11, 6)
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_an_item_on_new_years_eve_ends_on_new_years_day(manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, date(2027, 12, 31), uid="year-end"))
    _, raw = services.feed_create(user=manager)
    (event,) = render(raw, datetime(2027, 12, 20, 12, tzinfo=UTC)).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 12, 31)
    assert event.decoded("DTEND") == date(2028, 1, 1)


def test_an_item_on_the_29th_of_february_ends_on_the_1st_of_march(manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, date(2028, 2, 29), uid="leap"))
    _, raw = services.feed_create(user=manager)
    (event,) = render(raw, datetime(2028, 2, 1, 12, tzinfo=UTC)).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2028, 2, 29)
    assert event.decoded("DTEND") == date(2028, 3, 1)


@pytest.mark.parametrize(
    ("day", "utc_start"),
    [
        (date(2026, 1, 15), "20260115T080000Z"),  # winter: CET is UTC+1
        (date(2026, 7, 15), "20260715T070000Z"),  # summer: CEST is UTC+2
    ],
)
def test_a_meeting_at_nine_in_amsterdam_is_sent_in_utc(manager, alliance, agenda_items, day, utc_start):
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=AMSTERDAM)
    agenda_items.append(
        make_item(
            alliance, day, kind="meeting", uid="meeting-1", start=start, end=start + timedelta(minutes=90)
        )
    )
    _, raw = services.feed_create(user=manager)
    content = services.feed_render(token=raw, now=datetime(day.year, day.month, 1, tzinfo=UTC))
    assert f"DTSTART:{utc_start}".encode() in content
    (event,) = parse(content).walk("VEVENT")
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert str(event["TRANSP"]) == "OPAQUE"


def test_a_meeting_across_the_autumn_clock_change_keeps_its_length(manager, alliance, agenda_items):
    # 25 Oct 2026: the clocks go back at 03:00 in Amsterdam; 01:30–04:30 local is four hours.
    start = datetime(2026, 10, 25, 1, 30, tzinfo=AMSTERDAM)
    end = datetime(2026, 10, 25, 4, 30, tzinfo=AMSTERDAM)
    agenda_items.append(make_item(alliance, start.date(), kind="meeting", start=start, end=end))
    _, raw = services.feed_create(user=manager)
    (event,) = render(raw, datetime(2026, 10, 1, tzinfo=UTC)).walk("VEVENT")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=4)


def test_a_meeting_without_an_end_lasts_an_hour(manager, alliance, agenda_items):
    start = datetime(2026, 3, 3, 14, 0, tzinfo=AMSTERDAM)
    agenda_items.append(make_item(alliance, start.date(), kind="meeting", start=start))
    _, raw = services.feed_create(user=manager)
    (event,) = render(raw, datetime(2026, 3, 1, tzinfo=UTC)).walk("VEVENT")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)


def test_done_items_stay_in_the_calendar_marked_done(manager, alliance, agenda_items):
    agenda_items.append(make_item(alliance, date(2026, 3, 3), title="QBR", status=DONE))
    _, raw = services.feed_create(user=manager)
    (event,) = render(raw, datetime(2026, 3, 1, tzinfo=UTC)).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("✓ ")
    assert str(event["X-AMITY-STATUS"]) == "done"


def test_the_feed_holds_items_from_90_days_back_to_400_days_ahead(manager, alliance, agenda_items):
    today = date(2026, 6, 1)
    for offset in (-91, -90, 400, 401):
        agenda_items.append(make_item(alliance, today + timedelta(days=offset), uid=f"at{offset}"))
    _, raw = services.feed_create(user=manager)
    cal = render(raw, timezone.make_aware(datetime(2026, 6, 1, 12)))
    assert set(events(cal)) == {"at-90@amity", "at400@amity"}


# --- whose items ------------------------------------------------------------------------


def test_a_partner_users_feed_holds_only_their_alliances(
    client, partner, alliance, other_alliance, agenda_items
):
    today = timezone.localdate()
    agenda_items.append(make_item(alliance, today, uid="ours"))
    agenda_items.append(make_item(other_alliance, today, uid="theirs"))
    _, raw = services.feed_create(user=partner)
    assert set(events(parse(fetch(client, raw).content))) == {"ours@amity"}


def test_a_feed_follows_what_its_owner_can_see_now(client, partner, alliance, agenda_items):
    agenda_items.append(make_item(alliance, timezone.localdate(), uid="ours"))
    _, raw = services.feed_create(user=partner)
    assert set(events(parse(fetch(client, raw).content))) == {"ours@amity"}
    AllianceParty.objects.filter(alliance=alliance, organization=partner.organization).update(
        archived_at=timezone.now()
    )
    assert events(parse(fetch(client, raw).content)) == {}


def test_a_feed_of_one_alliance_holds_only_that_alliance(
    client, manager, alliance, other_alliance, agenda_items
):
    today = timezone.localdate()
    agenda_items.append(make_item(alliance, today, uid="ours", title="Notice"))
    agenda_items.append(make_item(other_alliance, today, uid="theirs"))
    feed, raw = services.feed_create(user=manager, alliance=alliance)
    assert feed.name == "Stratus Test Alliance"
    cal = parse(fetch(client, raw).content)
    assert set(events(cal)) == {"ours@amity"}
    assert str(events(cal)["ours@amity"]["SUMMARY"]) == "Notice"  # the calendar is the alliance
    assert str(cal["X-WR-CALNAME"]) == "Amity: Stratus Test Alliance"


def test_a_partner_cannot_make_a_feed_of_another_partners_alliance(partner, other_alliance):
    with pytest.raises(ValidationError) as exc:
        services.feed_create(user=partner, alliance=other_alliance)
    assert "alliance" in exc.value.message_dict
    assert not CalendarFeed.objects.exists()


def test_an_alliance_feed_whose_alliance_is_no_longer_visible_is_not_found(
    client, partner, alliance, agenda_items
):
    _, raw = services.feed_create(user=partner, alliance=alliance)
    AllianceParty.objects.filter(alliance=alliance, organization=partner.organization).update(
        archived_at=timezone.now()
    )
    assert fetch(client, raw).status_code == 404


# --- secret, revocable ----------------------------------------------------------------------


def test_only_a_digest_of_the_token_is_stored(manager):
    feed, raw = services.feed_create(user=manager)
    assert raw not in {feed.digest, feed.prefix}
    assert raw.startswith(feed.prefix)
    assert not CalendarFeed.objects.filter(digest=raw).exists()
    assert len(feed.digest) == 64


def test_a_revoked_feed_is_not_found(client, manager, alliance, agenda_items):
    feed, raw = services.feed_create(user=manager)
    assert fetch(client, raw).status_code == 200
    services.feed_revoke(feed=feed, user=manager)
    assert fetch(client, raw).status_code == 404


def test_the_feed_of_an_inactive_owner_is_not_found(client, manager, agenda_items):
    _, raw = services.feed_create(user=manager)
    manager.is_active = False
    manager.save()
    assert fetch(client, raw).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "cal_wrong", "cal_" + "x" * 300, "amity_abc"])
def test_an_unknown_token_is_not_found(client, token, agenda_items):
    assert fetch(client, token).status_code == 404


def test_nobody_may_revoke_someone_elses_feed(manager, admin):
    feed, _ = services.feed_create(user=manager)
    with pytest.raises(PermissionDenied):
        services.feed_revoke(feed=feed, user=admin)
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_fetching_a_feed_records_when_it_was_last_used(client, manager, agenda_items):
    feed, raw = services.feed_create(user=manager)
    assert feed.last_used_at is None
    fetch(client, raw)
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_the_webcal_address_is_the_feed_address_with_another_scheme(base_url):
    assert services.feed_url("cal_abc") == "https://amity.example.com/calendar/cal_abc.ics"
    assert services.webcal_url("cal_abc") == "webcal://amity.example.com/calendar/cal_abc.ics"


def test_executives_and_partner_users_may_subscribe_too(executive, partner):
    assert services.feed_create(user=executive)[0].owner == executive
    assert services.feed_create(user=partner)[0].owner == partner


def test_the_feed_query_count_does_not_grow_with_items(
    client, manager, agenda_items, django_assert_max_num_queries
):
    today = timezone.localdate()
    alliances = [f.AllianceFactory() for _ in range(5)]
    for i, a in enumerate(alliances):
        agenda_items.append(make_item(a, today + timedelta(days=i)))
    _, raw = services.feed_create(user=manager)
    fetch(client, raw)  # first fetch writes last_used_at
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        fetch(client, raw)
    for i in range(20):
        a = f.AllianceFactory()
        agenda_items.append(make_item(a, today + timedelta(days=i)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = fetch(client, raw)
    assert len(parse(response.content).walk("VEVENT")) == 25


def test_a_missing_feed_raises_not_found_in_the_service(db):
    with pytest.raises(Http404):
        services.feed_resolve("cal_missing")
