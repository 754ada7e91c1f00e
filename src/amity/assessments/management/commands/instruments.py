"""``amity instruments sync``: validate the YAML instruments and bring the database in line, then
mirror the strategic reviews that have no wave of the strategic-review instrument yet
(``migrate`` does the same). ``amity instruments list`` shows what is synced."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from amity.assessments.instruments import InstrumentError, sync
from amity.assessments.models import Instrument
from amity.assessments.strategic_review import backfill


class Command(BaseCommand):
    help = "Sync the assessment instruments from their YAML files (sync), or list them (list)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["sync", "list"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for inst in Instrument.objects.order_by("key", "version"):
                state = "active" if inst.active else "old"
                self.stdout.write(
                    f"{inst.key} v{inst.version} ({state}): {inst.items.count()} items - {inst.name}"
                )
            return
        try:
            report = sync()
        except InstrumentError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(report))
        self.stdout.write(str(backfill()))
