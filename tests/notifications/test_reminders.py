"""Reminders: who is reminded of what, when, once; the e-mail digest and ``amity notify``."""

from __future__ import annotations

import io
import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.core.agenda import DONE
from amity.notifications import services
from amity.notifications.models import Notification, Reason
from tests import factories as f

from .conftest import make_item

TODAY = date(2026, 11, 2)


@pytest.fixture
def owned(alliance, manager):
    alliance.owner = manager
    alliance.save()
    return alliance


def notify(*args: str) -> str:
    out = io.StringIO()
    call_command("notify", *args, stdout=out)
    return out.getvalue()


def reminded(user) -> set[tuple[str, str]]:
    return set(Notification.objects.filter(user=user).values_list("uid", "reason"))


# --- what is due --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "days_ahead", "expected"),
    [
        ("commitment_due", 0, True),
        ("commitment_due", 7, True),
        ("commitment_due", 8, False),
        ("meeting", 7, True),
        ("action_item_due", 8, False),
        ("agreement_notice", 30, True),
        ("agreement_notice", 31, False),
        ("agreement_expiry", 30, True),
        ("agreement_expiry", 31, False),
    ],
)
def test_items_are_due_soon_a_week_ahead_or_reminder_days_ahead_for_notices_and_expiries(
    owned, manager, agenda_items, settings, kind, days_ahead, expected
):
    settings.AMITY_REMINDER_DAYS = 30
    agenda_items.append(make_item(owned, TODAY + timedelta(days=days_ahead), kind=kind, uid="x"))
    services.reminders_send(today=TODAY)
    assert reminded(manager) == ({("x", Reason.DUE_SOON)} if expected else set())


def test_the_notice_run_up_follows_the_reminder_days_setting(owned, manager, agenda_items, settings):
    settings.AMITY_REMINDER_DAYS = 60
    agenda_items.append(make_item(owned, TODAY + timedelta(days=60), kind="agreement_notice", uid="n"))
    agenda_items.append(make_item(owned, TODAY + timedelta(days=60), kind="milestone_due", uid="m"))
    services.reminders_send(today=TODAY)
    assert reminded(manager) == {("n", Reason.DUE_SOON)}


def test_open_items_past_their_day_are_overdue(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY - timedelta(days=1), uid="late"))
    agenda_items.append(make_item(owned, TODAY - timedelta(days=40), uid="later"))
    services.reminders_send(today=TODAY)
    assert reminded(manager) == {("late", Reason.OVERDUE), ("later", Reason.OVERDUE)}


def test_done_items_are_never_reminded(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY - timedelta(days=1), status=DONE))
    agenda_items.append(make_item(owned, TODAY + timedelta(days=1), status=DONE))
    assert services.reminders_send(today=TODAY) == 0


def test_an_item_is_reminded_when_due_soon_and_again_when_overdue(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY + timedelta(days=2), uid="c"))
    assert services.reminders_send(today=TODAY) == 1
    assert services.reminders_send(today=TODAY + timedelta(days=1)) == 0  # still due soon: given
    assert services.reminders_send(today=TODAY + timedelta(days=3)) == 1
    assert reminded(manager) == {("c", Reason.DUE_SOON), ("c", Reason.OVERDUE)}


def test_what_is_remembered_in_the_notification(owned, manager, agenda_items):
    agenda_items.append(
        make_item(
            owned, TODAY, kind="agreement_notice", uid="agreement-4-notice", title="MSA notice", url="/a/4/"
        )
    )
    services.reminders_send(today=TODAY)
    note = Notification.objects.get()
    assert (note.user, note.alliance, note.uid, note.kind) == (
        manager,
        owned,
        "agreement-4-notice",
        "agreement_notice",
    )
    assert (note.title, note.url, note.day, note.read_at) == ("MSA notice", "/a/4/", TODAY, None)


# --- who is reminded ----------------------------------------------------------------------


def test_item_recipients_are_reminded_instead_of_the_owner(owned, manager, admin, agenda_items):
    agenda_items.append(make_item(owned, TODAY, uid="c", recipients=(admin.pk,)))
    services.reminders_send(today=TODAY)
    assert reminded(admin) == {("c", Reason.DUE_SOON)}
    assert reminded(manager) == set()


def test_without_recipients_or_owner_nobody_is_reminded(alliance, agenda_items):
    agenda_items.append(make_item(alliance, TODAY))
    assert services.reminders_send(today=TODAY) == 0


def test_a_partner_user_is_reminded_only_of_alliances_they_can_see(
    owned, other_alliance, partner, other_partner, agenda_items
):
    agenda_items.append(make_item(owned, TODAY, uid="ours", recipients=(partner.pk, other_partner.pk)))
    other_alliance.owner = owned.owner
    other_alliance.save()
    agenda_items.append(make_item(other_alliance, TODAY, uid="theirs", recipients=(partner.pk,)))
    services.reminders_send(today=TODAY)
    assert reminded(partner) == {("ours", Reason.DUE_SOON)}
    assert reminded(other_partner) == set()


def test_a_partner_who_left_the_alliance_is_no_longer_reminded(owned, partner, agenda_items):
    AllianceParty.objects.filter(alliance=owned, organization=partner.organization).update(
        archived_at=timezone.now()
    )
    agenda_items.append(make_item(owned, TODAY, recipients=(partner.pk,)))
    assert services.reminders_send(today=TODAY) == 0


def test_inactive_users_are_not_reminded(owned, manager, agenda_items):
    manager.is_active = False
    manager.save()
    agenda_items.append(make_item(owned, TODAY))
    assert services.reminders_send(today=TODAY) == 0


def test_archived_alliances_are_not_reminded_of(owned, agenda_items):
    owned.archived_at = owned.created_at
    owned.save()
    agenda_items.append(make_item(owned, TODAY))
    assert services.reminders_send(today=TODAY) == 0


# --- idempotent, with one digest per person -------------------------------------------------


def test_notify_twice_sends_the_reminders_once(owned, manager, admin, agenda_items):
    agenda_items.append(
        make_item(owned, TODAY - timedelta(days=3), uid="late", title="Headcount for the lab")
    )
    agenda_items.append(make_item(owned, TODAY + timedelta(days=1), uid="soon", title="Joint webinar"))
    agenda_items.append(make_item(owned, TODAY, uid="admins", recipients=(admin.pk,)))

    first = notify("--date", TODAY.isoformat())
    assert first.strip().splitlines()[-1] == "reminders sent: 3"
    assert len(mail.outbox) == 2  # one digest per person
    assert Notification.objects.count() == 3

    second = notify("--date", TODAY.isoformat())
    assert second.strip().splitlines()[-1] == "reminders sent: 0"
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 3


def test_the_digest_lists_overdue_and_due_soon_items_with_links(owned, manager, agenda_items, base_url):
    agenda_items.append(
        make_item(owned, TODAY - timedelta(days=3), uid="late", title="Headcount for the lab")
    )
    agenda_items.append(
        make_item(owned, TODAY + timedelta(days=1), uid="soon", title="Joint webinar", url="/w/1/")
    )
    services.reminders_send(today=TODAY)

    (message,) = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == "Amity reminders: 1 overdue, 1 due soon"
    assert "OVERDUE" in message.body and "DUE SOON" in message.body
    assert (
        "Headcount for the lab (Stratus Test Alliance): due Fri 30 Oct 2026, 3 days overdue" in message.body
    )
    assert "https://amity.example.com/w/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://amity.example.com/w/1/"' in html
    assert "Joint webinar" in html


def test_the_command_reminds_as_of_today_without_a_date(owned, agenda_items):
    agenda_items.append(make_item(owned, timezone.localdate()))
    assert notify().strip() == "reminders sent: 1"


def test_a_bad_date_is_refused_naming_the_option(db):
    with pytest.raises(CommandError, match="--date"):
        notify("--date", "2026-02-30")


def test_people_without_an_email_address_get_in_app_reminders_only(owned, manager, agenda_items):
    manager.email = ""
    manager.save()
    agenda_items.append(make_item(owned, TODAY))
    assert services.reminders_send(today=TODAY) == 1
    assert mail.outbox == []


def test_a_digest_that_could_not_be_sent_is_sent_on_the_next_run(owned, manager, agenda_items, monkeypatch):
    agenda_items.append(make_item(owned, TODAY, uid="c"))

    def fail(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server away")

    with monkeypatch.context() as m:
        m.setattr("django.core.mail.message.EmailMessage.send", fail)
        assert services.reminders_send(today=TODAY) == 1
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None

    assert services.reminders_send(today=TODAY) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None


def test_read_reminders_are_not_emailed_again(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY, uid="c"))
    services.reminders_send(today=TODAY, email=False)
    services.notification_mark_all_read(user=manager)
    services.reminders_send(today=TODAY)
    assert mail.outbox == []


def test_many_recipients_and_items_take_a_bounded_number_of_queries(
    agenda_items, home, django_assert_max_num_queries
):
    managers = [f.manager_user() for _ in range(5)]
    for i in range(20):
        a = f.AllianceFactory(owner=managers[i % 5])
        agenda_items.append(make_item(a, TODAY - timedelta(days=i % 3)))
    # Creating, digest per person (5) and the e-mailed marks: no query per item.
    with django_assert_max_num_queries(25):
        assert services.reminders_send(today=TODAY) == 20
    assert len(mail.outbox) == 5


def test_a_due_soon_reminder_not_emailed_before_its_day_is_listed_once_as_overdue(
    owned, manager, agenda_items
):
    agenda_items.append(make_item(owned, TODAY + timedelta(days=2), uid="c", title="Joint webinar"))
    services.reminders_send(today=TODAY, email=False)  # e.g. given by the demo, not e-mailed
    services.reminders_send(today=TODAY + timedelta(days=5))
    (message,) = mail.outbox
    assert message.subject == "Amity reminders: 1 overdue"
    assert message.body.count("Joint webinar") == 1
    assert "3 days overdue" in message.body


def test_the_digest_does_not_repeat_an_alliance_the_title_names(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY, title="QBR due · Stratus Test Alliance"))
    services.reminders_send(today=TODAY)
    assert "- QBR due · Stratus Test Alliance: due Mon 2 Nov 2026, today" in mail.outbox[0].body
