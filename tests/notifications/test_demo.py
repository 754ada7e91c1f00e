"""The notifications part of the demo: the reminders of the story's day, once."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from amity.demo import data
from amity.demo.loader import Loader
from amity.notifications import demo
from amity.notifications.models import Notification

from .conftest import make_item


def test_the_demo_gives_the_reminders_of_the_story_day_once_without_email(alliance, manager, agenda_items):
    alliance.owner = manager
    alliance.save()
    agenda_items.append(
        make_item(alliance, data.ANCHOR - timedelta(days=21), kind="cadence_due", title="QBR")
    )
    agenda_items.append(make_item(alliance, data.ANCHOR + timedelta(days=3), title="Funding"))
    loader = Loader()

    demo.load(loader)
    assert loader.result.created["reminders"] == 2
    note = Notification.objects.get(title="QBR")
    assert note.reason == "overdue"
    assert note.created_at.date() == data.ANCHOR  # reminded on the story's day
    assert mail.outbox == []

    demo.load(loader)
    assert Notification.objects.count() == 2
    assert loader.result.created["reminders"] == 2
