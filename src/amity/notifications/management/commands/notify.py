"""``amity notify [--date YYYY-MM-DD]``: give today's reminders once and e-mail the digests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amity.notifications import services


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-02.") from None


class Command(BaseCommand):
    help = (
        "Run the daily passes (agreements auto-renew or expire), then create the reminders due today (notice deadlines, expiries, commitments, milestones, "
        "meetings, action items, cadences …) as in-app notifications and send each person one "
        "e-mail digest. Idempotent: a second run on the same day sends nothing. Ends by printing "
        "'reminders sent: N'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", default=None, help="Remind as if today were this day (YYYY-MM-DD); default: today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = iso_date(options["date"]) if options["date"] else None
        created = services.daily_run(today=today)
        self.stdout.write(f"reminders sent: {created}")
