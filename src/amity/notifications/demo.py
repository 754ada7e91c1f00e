"""The notifications part of the demo story: the reminders of the story's day.

Runs after the agreements, planning and governance parts, so the agenda holds their
deadlines, milestones, meetings and action items. The reminders are given as of the day the
story is told (:data:`amity.demo.data.ANCHOR`), in the app only: loading the demo sends no
e-mail. Idempotent: a reminder is given once per person, item and reason.
"""

from __future__ import annotations

from typing import Any

from amity.demo import data
from amity.demo.loader import _moment, story_time

from . import services


def load(loader: Any) -> None:
    with story_time(_moment(data.ANCHOR)):
        created = services.reminders_send(today=data.ANCHOR, email=False)
    if created:
        loader.result.created["reminders"] += created
