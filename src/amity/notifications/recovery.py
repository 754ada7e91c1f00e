"""Recovery of work a killed worker left behind (database task queue).

django-tasks-db marks a task ``RUNNING`` when a worker claims it and never looks at it again:
a worker killed in the middle of a CRM import or a webhook delivery (SIGKILL, out of memory,
the machine lost) left it ``RUNNING`` for ever, and the import never finished. Now each
``amity worker`` keeps a :class:`~amity.notifications.models.WorkerHeartbeat` fresh from a
thread beside its work, and every worker's loop makes a recovery pass now and then:

* a ``RUNNING`` task whose worker's heartbeat is older than :func:`stale_after` goes back to
  ``READY`` and runs again - Amity's tasks are idempotent: an import upserts by external id,
  a webhook attempt is claimed once per attempt number;
* a webhook delivery whose claimed attempt never got recorded is enqueued again once its
  lease (``AMITY_WEBHOOK_LEASE_SECONDS``, default 600) ran out - the daily retry pass
  would only have found it the next day; the receiver sees the same
  ``Amity-Delivery`` id again and can drop it (at-least-once delivery).

``AMITY_WORKER_STALE_SECONDS`` (default 60, at least 3 x the heartbeat) sets when a silent
worker counts as dead. Found by the worker-kill scenarios of ``make reliability``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.utils import timezone

log = logging.getLogger(__name__)

#: Seconds between two heartbeats of a worker.
HEARTBEAT_SECONDS = 5.0
#: Seconds between two recovery passes of a worker.
RECOVER_SECONDS = 15.0
#: How long a webhook delivery may be overdue before the recovery pass enqueues it again (a
#: deferred retry normally runs on time; this catches the ones nobody will run).
OVERDUE = timedelta(0)


def stale_after() -> timedelta:
    raw = os.environ.get("AMITY_WORKER_STALE_SECONDS", "").strip() or "60"
    try:
        seconds = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"AMITY_WORKER_STALE_SECONDS={raw!r} is not a number of seconds") from None
    if seconds < 3 * HEARTBEAT_SECONDS:
        raise ImproperlyConfigured(f"AMITY_WORKER_STALE_SECONDS must be at least {3 * HEARTBEAT_SECONDS:g}")
    return timedelta(seconds=seconds)


def beat(worker_id: str, started_at=None) -> None:
    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "seen_at": now,
            "started_at": started_at or now,
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


class Heartbeat:
    """Beats for ``worker_id`` from a daemon thread until :meth:`stop`; removes its row then."""

    def __init__(self, worker_id: str, every: float = HEARTBEAT_SECONDS) -> None:
        self.worker_id, self.every = worker_id, every
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="amity-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._beat()
        self._thread.start()
        return self

    def _beat(self) -> None:
        try:
            beat(self.worker_id, self.started_at)
        except DatabaseError as exc:  # the database is away for a moment: the next beat retries
            log.warning("worker heartbeat failed: %s", exc)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self._beat()
        finally:
            connections.close_all()  # this thread's own connection

    def stop(self) -> None:
        from .models import WorkerHeartbeat

        self._stop.set()
        self._thread.join(timeout=self.every + 5)
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def requeue_orphaned_tasks(now=None) -> int:
    """Put ``RUNNING`` tasks of dead workers back to ``READY``; returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - stale_after()
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = 0
    for pk, worker_ids, started_at in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING
    ).values_list("pk", "worker_ids", "started_at"):
        owner = worker_ids[-1] if worker_ids else None
        if owner in alive or (started_at is not None and started_at > cutoff):
            continue
        requeued += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
    if requeued:
        log.warning("requeued %d task(s) left running by a stopped worker", requeued)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return requeued


def reenqueue_lost_deliveries(now=None) -> int:
    """Enqueue again every webhook delivery whose claimed attempt never got recorded (the worker
    died while sending) once its lease ran out; returns how many. Retries a worker scheduled
    normally are left to their own deferred task."""
    from django.db.models import Count, F
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from amity.webhooks.models import Delivery
    from amity.webhooks.services import OPEN_STATUSES, _enqueue

    now = now or timezone.now()
    lost = (
        Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now - OVERDUE, attempts__gt=0)
        .annotate(logged=Count("attempt_log"))
        .filter(attempts__gt=F("logged"))
        .values_list("pk", "attempts")
    )
    enqueued = 0
    for pk, attempts in lost:
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path__endswith=".deliver",
            args_kwargs__args=[pk, attempts + 1],
        )
        if not waiting.exists():
            _enqueue(pk, attempts + 1)
            enqueued += 1
    if enqueued:
        log.warning("enqueued %d webhook delivery(ies) a stopped worker left unsent", enqueued)
    return enqueued


def recover(now=None) -> tuple[int, int]:
    """One recovery pass: (tasks requeued, webhook deliveries enqueued again)."""
    now = now or timezone.now()
    return requeue_orphaned_tasks(now), reenqueue_lost_deliveries(now)
