"""``amity worker``: run the background task queue and enqueue the daily reminders.

One process does both jobs:

* it runs the tasks of the django-tasks-db queue (the ``db_worker`` runner of django-tasks-db,
  in batches: every ready task, then a pause of ``--interval`` seconds), and
* once a day, at or after ``--reminders-at`` (local time), it enqueues
  ``send_daily_reminders``. A database row with a unique (task, day) guards the enqueue, so
  any number of workers may run side by side and the reminders still go out once a day.

With another task backend (``AMITY_TASKS_BACKEND``), the backend's own workers run the tasks
and ``amity worker`` only keeps the daily schedule. SIGTERM or SIGINT (Ctrl+C) stops it
cleanly after the task in progress; a second signal stops it at once.
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime, time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from amity.notifications import services

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def clock_time(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--reminders-at {value!r} is not a time of day: use HH:MM, e.g. 07:00.") from None


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise CommandError(f"--interval {value!r} is not a number of seconds.") from None
    if not 0 <= seconds <= 3600:
        raise CommandError(f"--interval {value!r} must be between 0 and 3600 seconds.")
    return seconds


class Command(BaseCommand):
    help = (
        "Run the background worker: execute queued tasks and enqueue the daily reminders once a "
        "day (safe with several workers). Stops cleanly on SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reminders-at",
            default="07:00",
            help="Local time of day from which the daily reminders are enqueued (default 07:00).",
        )
        parser.add_argument(
            "--no-reminders", action="store_true", help="Only run queued tasks; do not schedule reminders."
        )
        parser.add_argument(
            "--interval", default="5", help="Seconds to wait when the queue is empty (default 5)."
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Schedule if due, run every ready task, then exit (for cron and tests).",
        )
        parser.add_argument(
            "--queue-name", default=DEFAULT_TASK_QUEUE_NAME, help="Queues to run, comma-separated."
        )
        parser.add_argument("--worker-id", default="", help="A unique id for this worker (default: random).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.reminders_at = clock_time(options["reminders_at"])
        self.schedule = not options["no_reminders"]
        interval = positive_seconds(str(options["interval"]))
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        self.runner: Worker | None = None
        if isinstance(backend, DatabaseBackend):
            self.runner = Worker(
                queue_names=options["queue_name"].split(","),
                interval=0,
                batch=True,  # run what is ready, then come back here for the schedule
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=(options["worker_id"] or get_random_string(32))[:64],
                excluded_queue_names=[],
            )
        elif not self.schedule:
            raise CommandError(
                f"The task backend {type(backend).__name__} runs its own workers; with --no-reminders "
                "there is nothing left for amity worker to do."
            )
        self.stop = threading.Event()
        self.scheduled_day = None
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self._say_hello()
            self._loop(interval=interval, batch=options["batch"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("worker stopped")

    def _say_hello(self) -> None:
        what = "running queued tasks" if self.runner else "keeping the schedule (the backend runs the tasks)"
        when = f"; daily reminders from {self.reminders_at:%H:%M}" if self.schedule else ""
        self.stdout.write(f"worker started: {what}{when}. Stop with Ctrl+C or SIGTERM.")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop.is_set():
            raise SystemExit(1)  # the second signal: stop now
        self.stdout.write(f"{signal.Signals(signum).name} received: stopping after the current task …")
        self.stop.set()
        if self.runner is not None:
            self.runner.running = False

    def _loop(self, *, interval: float, batch: bool) -> None:
        while not self.stop.is_set():
            if self.schedule:
                self._schedule(timezone.localtime())
            if self.runner is not None:
                self.runner.running = not self.stop.is_set()
                try:
                    self.runner.run()
                except DatabaseError as exc:  # e.g. SQLite busy for a moment: the next round retries
                    self.stderr.write(f"task queue unavailable, retrying: {exc}")
            if batch:
                return
            self.stop.wait(interval)

    def _schedule(self, now: datetime) -> None:
        today = now.date()
        if self.scheduled_day == today or now.time() < self.reminders_at:
            return
        try:
            enqueued = services.daily_reminders_schedule(today=today)
        except DatabaseError as exc:  # the database is away for a moment: try again next round
            self.stderr.write(f"could not schedule the daily reminders: {exc}")
            return
        self.scheduled_day = today
        if enqueued:
            self.stdout.write(f"enqueued the daily reminders for {today:%Y-%m-%d}")
