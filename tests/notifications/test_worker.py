"""The background worker: the once-a-day guard, the real database queue, a clean stop."""

from __future__ import annotations

import io
import os
import signal
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from amity.notifications import services
from amity.notifications.models import Notification, ScheduledRun
from amity.notifications.tasks import send_daily_reminders

from .conftest import make_item

TODAY = date(2026, 11, 2)
WORKER = "amity.notifications.management.commands.worker"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # The db_worker runner drops stale connections between tasks; inside a test's transaction
    # that would close the connection the test runs in.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.fixture
def owned(alliance, manager):
    alliance.owner = manager
    alliance.save()
    return alliance


def worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- once a day -----------------------------------------------------------------------------


def test_the_daily_reminders_are_enqueued_once_per_day(db):
    assert services.daily_reminders_schedule(today=TODAY) is True
    assert services.daily_reminders_schedule(today=TODAY) is False
    assert services.daily_reminders_schedule(today=TODAY) is False
    assert ScheduledRun.objects.filter(day=TODAY).count() == 1
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "amity.notifications.tasks.send_daily_reminders"
    assert task.args_kwargs == {"args": ["2026-11-02"], "kwargs": {}}
    assert ScheduledRun.objects.get().task_result_id == str(task.id)

    assert services.daily_reminders_schedule(today=TODAY + timedelta(days=1)) is True
    assert DBTaskResult.objects.count() == 2


def test_a_day_another_worker_already_scheduled_is_left_alone(db):
    ScheduledRun.objects.create(task=services.DAILY_REMINDERS, day=TODAY)
    assert services.daily_reminders_schedule(today=TODAY) is False
    assert not DBTaskResult.objects.exists()


def test_the_database_refuses_a_second_row_for_the_same_day(db):
    ScheduledRun.objects.create(task=services.DAILY_REMINDERS, day=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(task=services.DAILY_REMINDERS, day=TODAY)


def test_the_guard_row_and_the_task_are_written_together(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(DatabaseBackend, "enqueue", broken)
    with pytest.raises(RuntimeError):
        services.daily_reminders_schedule(today=TODAY)
    assert not ScheduledRun.objects.exists()  # so the next round tries again


# --- through the real database queue ------------------------------------------------------------


def test_an_enqueued_reminder_task_runs_through_the_database_queue(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY + timedelta(days=1), uid="soon"))
    services.daily_reminders_schedule(today=TODAY)
    assert not Notification.objects.exists()  # enqueued, not run

    output = worker("--batch", "--no-reminders")

    (task,) = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == 1
    assert Notification.objects.get().uid == "soon"
    assert output.strip().splitlines()[-1] == "worker stopped"


def test_the_worker_enqueues_todays_reminders_and_runs_them(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, timezone.localdate(), uid="today"))
    output = worker("--batch", "--reminders-at", "00:00")
    assert f"enqueued the daily reminders for {timezone.localdate():%Y-%m-%d}" in output
    assert Notification.objects.get().uid == "today"
    # A second worker the same day finds the guard row and enqueues nothing.
    again = worker("--batch", "--reminders-at", "00:00")
    assert "enqueued" not in again
    assert DBTaskResult.objects.count() == 1


def test_the_worker_waits_for_the_reminder_hour(db, monkeypatch):
    early = timezone.make_aware(datetime(2026, 11, 2, 6, 59))
    monkeypatch.setattr(f"{WORKER}.timezone.localtime", lambda *args: early)
    worker("--batch", "--reminders-at", "07:00")
    assert not ScheduledRun.objects.exists()

    monkeypatch.setattr(f"{WORKER}.timezone.localtime", lambda *args: early + timedelta(minutes=1))
    worker("--batch", "--reminders-at", "07:00")
    assert ScheduledRun.objects.get().day == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("args", "option"),
    [(["--reminders-at", "7 o'clock"], "--reminders-at"), (["--interval", "-1"], "--interval")],
)
def test_bad_worker_options_are_refused_naming_the_option(db, args, option):
    with pytest.raises(CommandError, match=option):
        worker("--batch", *args)


# --- a clean stop ---------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_cleanly_on_a_signal(db, monkeypatch, signum):
    from django_tasks_db.management.commands.db_worker import Worker

    rounds = []
    real_run = Worker.run

    def run_then_signal(self):
        rounds.append(1)
        real_run(self)
        if len(rounds) == 3:
            os.kill(os.getpid(), signum)  # as `kill` or Ctrl+C would, while the worker idles

    monkeypatch.setattr(Worker, "run", run_then_signal)
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}

    output = worker("--interval", "0.01", "--no-reminders")

    assert len(rounds) == 3
    assert f"{signal.Signals(signum).name} received" in output
    assert output.strip().splitlines()[-1] == "worker stopped"
    # The process's own handlers are back.
    assert {s: signal.getsignal(s) for s in before} == before


def test_the_task_can_also_be_called_directly(owned, manager, agenda_items):
    agenda_items.append(make_item(owned, TODAY, uid="x"))
    assert send_daily_reminders.call(TODAY.isoformat()) == 1
    assert send_daily_reminders.call(TODAY.isoformat()) == 0


def test_a_busy_database_does_not_stop_the_worker(db, monkeypatch):
    from django.db import OperationalError

    def locked(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(f"{WORKER}.Worker.run", locked)
    err = io.StringIO()
    call_command("worker", "--batch", stdout=io.StringIO(), stderr=err)
    assert "task queue unavailable, retrying: database is locked" in err.getvalue()
