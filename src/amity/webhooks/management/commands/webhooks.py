"""``amity webhooks retry``: enqueue every webhook delivery whose next attempt is due.

The database queue (``amity worker``) schedules retries by itself; run this from cron (every
minute) with a task backend that cannot defer tasks, e.g. ``AMITY_TASKS_BACKEND=immediate``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amity.webhooks import services


class Command(BaseCommand):
    help = "Webhooks: 'retry' enqueues every delivery whose next attempt is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["retry"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.deliveries_retry_due()
        self.stdout.write(f"deliveries enqueued: {count}")
