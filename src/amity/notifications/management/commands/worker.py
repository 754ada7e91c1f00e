"""``amity worker``: run the background task queue and enqueue the daily reminders.

One process does both jobs:

* it runs the tasks of the django-tasks-db queue (the ``db_worker`` runner of django-tasks-db,
  in batches: every ready task, then a pause of ``--interval`` seconds), and
* once a day, at or after ``--reminders-at`` (local time), it enqueues
  ``send_daily_reminders``. A database row with a unique (task, day) guards the enqueue, so
  any number of workers may run side by side and the reminders still go out once a day.

With the Redis backend (``AMITY_TASKS_BACKEND=redis``, django-tasks-rq) it runs an RQ worker
on the queue instead (RQ hands each job to exactly one worker, so any number of workers may
run on any number of machines) and keeps the daily schedule in a thread beside it. With
another task backend, the backend's own workers run the tasks and ``amity worker`` only keeps
the daily schedule. SIGTERM or SIGINT (Ctrl+C) stops it cleanly after the task in progress; a
second signal stops it at once.
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime, time
from time import monotonic
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from amity.notifications import recovery, services

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
        self.verbosity = int(options.get("verbosity", 1))
        self.reminders_at = clock_time(options["reminders_at"])
        self.schedule = not options["no_reminders"]
        interval = positive_seconds(str(options["interval"]))
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        self.runner: Worker | None = None
        self.rq_worker: Any = None
        if _is_rq_backend(backend):
            self.rq_worker = rq_worker(
                options["queue_name"].split(","), (options["worker_id"] or get_random_string(32))[:64]
            )
        elif isinstance(backend, DatabaseBackend):
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
            if self.rq_worker is not None:
                self._run_rq(interval=interval, batch=options["batch"])
            else:
                self._loop(interval=interval, batch=options["batch"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("worker stopped")

    def _say_hello(self) -> None:
        if self.rq_worker is not None:
            what = f"running queued tasks from Redis ({_redis_location(self.rq_worker)}, RQ)"
        elif self.runner:
            what = "running queued tasks"
        else:
            what = "keeping the schedule (the backend runs the tasks)"
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
        heartbeat = recovery.Heartbeat(self.runner.worker_id).start() if self.runner is not None else None
        try:
            self._loop_beating(interval=interval, batch=batch)
        finally:
            if heartbeat is not None:
                heartbeat.stop()

    def _recover(self) -> None:
        """Requeue what killed workers left behind (amity.notifications.recovery), now and then."""
        now = monotonic()
        if now < getattr(self, "next_recovery", 0.0):
            return
        self.next_recovery = now + recovery.RECOVER_SECONDS
        try:
            recovery.recover()
        except DatabaseError as exc:
            self.stderr.write(f"recovery pass failed, retrying: {exc}")

    def _loop_beating(self, *, interval: float, batch: bool) -> None:
        while not self.stop.is_set():
            if self.schedule:
                self._schedule(timezone.localtime())
            if self.runner is not None:
                self._recover()
                self.runner.running = not self.stop.is_set()
                try:
                    self.runner.run()
                except DatabaseError as exc:  # e.g. SQLite busy for a moment: the next round retries
                    self.stderr.write(f"task queue unavailable, retrying: {exc}")
            if batch:
                return
            self.stop.wait(interval)

    def _run_rq(self, *, interval: float, batch: bool) -> None:
        """The Redis queue: RQ's work loop in this (main) thread - it takes over SIGTERM/SIGINT
        with the same meaning: the first stops after the task in progress, a second at once -
        and the daily schedule in a thread beside it. With --batch: schedule if due, run every
        ready task (and every deferred one that is due), then return."""
        from redis.exceptions import ConnectionError as RedisConnectionError

        ticker = None
        if self.schedule:
            self._schedule_safely()
            if not batch:
                ticker = threading.Thread(
                    target=self._keep_schedule, args=(interval,), name="amity-schedule", daemon=True
                )
                ticker.start()
        try:
            if not self.stop.is_set():
                self.rq_worker.work(
                    burst=batch,
                    with_scheduler=True,  # deferred tasks (webhook retries); one scheduler per queue
                    logging_level="DEBUG" if self.verbosity >= 2 else "INFO" if self.verbosity else "WARNING",
                )
        except RedisConnectionError as exc:
            raise CommandError(
                f"The Redis task queue at {_redis_location(self.rq_worker)} is not reachable: {exc}"
            ) from None
        finally:
            self.stop.set()
            if ticker is not None:
                ticker.join(timeout=WORKER_JOIN_TIMEOUT)

    def _keep_schedule(self, interval: float) -> None:
        try:
            while not self.stop.wait(max(interval, 1.0)):
                self._schedule_safely()
        finally:
            connections.close_all()  # this thread's own database connections

    def _schedule_safely(self) -> None:
        try:
            self._schedule(timezone.localtime())
        except Exception as exc:  # e.g. Redis away for a moment: the next round tries again
            self.stderr.write(f"could not schedule the daily reminders: {exc}")

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


#: Seconds to wait for the schedule thread when the Redis worker stops.
WORKER_JOIN_TIMEOUT = 10


def _is_rq_backend(backend: object) -> bool:
    """The Redis backend (django-tasks-rq), without importing it when it is not installed."""
    return any(cls.__module__.startswith("django_tasks_rq") for cls in type(backend).__mro__)


def rq_worker(queue_names: list[str], name: str) -> Any:
    """An RQ worker for the Redis task queue (django-rq's RQ_QUEUES, django-tasks-rq's jobs).

    RQ's SimpleWorker runs each task in this process, as the database queue's runner does (no
    fork per task: cheap for the many small tasks, and safe beside the schedule thread); stale
    database connections are dropped around each task, as a request would.
    """
    from django.db import close_old_connections
    from django_rq.queues import get_queues
    from django_tasks_rq import Job
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rq import SimpleWorker

    class AmityWorker(SimpleWorker):
        def execute_job(self, job: Any, queue: Any) -> Any:
            close_old_connections()
            try:
                return super().execute_job(job, queue)
            finally:
                close_old_connections()

    try:
        queues = get_queues(*queue_names, job_class=Job)
    except KeyError as exc:
        raise CommandError(
            f"--queue-name {exc.args[0]!r} is not a queue of the Redis task backend (RQ_QUEUES in settings)."
        ) from None
    connection = queues[0].connection
    try:
        return AmityWorker(
            queues, connection=connection, job_class=Job, queue_class=type(queues[0]), name=name
        )
    except RedisConnectionError as exc:
        raise CommandError(
            f"The Redis task queue at {_redis_location(connection)} is not reachable: {exc}"
        ) from None


def _redis_location(worker_or_connection: Any) -> str:
    """host:port/db of a worker's (or a connection's) Redis, never its password."""
    connection = worker_or_connection
    if not hasattr(connection, "connection_pool"):  # a worker
        connection = connection.connection
    kwargs = connection.connection_pool.connection_kwargs
    if kwargs.get("path"):
        return f"unix:{kwargs['path']}/{kwargs.get('db', 0)}"
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
