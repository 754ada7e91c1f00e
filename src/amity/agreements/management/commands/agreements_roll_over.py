"""``amity agreements_roll_over``: the daily pass over agreements.

Signed agreements whose effective date has come become active; active agreements whose term
ended renew (auto-renewal: expiry + renewal term, repeated until it lies ahead) or expire.
Every change is recorded in the agreement's history with the reason. Safe to run again: a
second run the same day changes nothing. The background worker runs it daily.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amity.agreements.services import agreements_roll_over


class Command(BaseCommand):
    help = "Activate, renew or expire agreements whose dates have come (idempotent; run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {options['date']!r} is not a date like 2026-11-01.") from exc
        result = agreements_roll_over(today=day)
        for label, agreements in result.items():
            for agreement in agreements:
                self.stdout.write(
                    f"{label}: {agreement.alliance} - {agreement} (expires {agreement.expiry_date})"
                )
        self.stdout.write(
            f"agreements activated: {len(result['activated'])}, renewed: {len(result['renewed'])}, "
            f"expired: {len(result['expired'])}"
        )
