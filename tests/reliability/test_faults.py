"""Faults (issue 9 item 4): the fixes the reliability scenarios led to, tested in-process, and
the quick fault scenarios themselves (reliability/), run as subprocesses.

The scenario tests skip with the reason when the machine cannot run them (no PostgreSQL
binaries for the restart, no permission to mount a tmpfs for the full disk); set
AMITY_RELIABILITY_SCENARIOS=0 to skip them all (they take a minute or two on a 2-core box).
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from amity.core.storage import AtomicFileSystemStorage
from amity.notifications import recovery
from amity.notifications.models import WorkerHeartbeat

from ..conftest import login

ROOT = Path(__file__).resolve().parents[2]


# --- a lost database answers 503; a full disk 507 ----------------------------------------------


@pytest.mark.django_db
def test_a_lost_database_connection_answers_503_with_retry_after_on_the_api(admin):
    client = login(Client(raise_request_exception=False), admin)
    with mock.patch(
        "amity.partners.api.Organization.objects.visible_to",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/api/v1/organizations")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing was saved" in response.json()["detail"]


@pytest.mark.django_db
def test_a_lost_database_connection_answers_a_503_page(admin):
    client = login(Client(raise_request_exception=False), admin)
    with mock.patch(
        "amity.partners.views.Organization.objects.visible_to", side_effect=OperationalError("gone")
    ):
        response = client.get("/partners/")
    assert response.status_code == 503
    assert b"unavailable for a moment" in response.content


@pytest.mark.django_db
def test_other_errors_stay_500(admin):
    client = login(Client(raise_request_exception=False), admin)
    with mock.patch("amity.partners.api.Organization.objects.visible_to", side_effect=ValueError("bug")):
        response = client.get("/api/v1/organizations")
    assert response.status_code == 500


@pytest.mark.django_db
def test_a_full_disk_answers_507_naming_the_problem(admin):
    client = login(Client(raise_request_exception=False), admin)
    with mock.patch(
        "amity.partners.api.Organization.objects.visible_to",
        side_effect=OSError(errno.ENOSPC, "No space left"),
    ):
        response = client.get("/api/v1/organizations")
    assert response.status_code == 507
    assert "disk is full" in response.json()["detail"]


# --- uploads are all or nothing --------------------------------------------------------------


class _Failing(ContentFile):
    def chunks(self, chunk_size=None):
        yield b"x" * 1000
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_write_leaves_no_file(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError):
        storage.save("docs/contract.pdf", _Failing(b"", name="contract.pdf"))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_complete_write_lands_under_its_name_and_names_do_not_collide(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    first = storage.save("docs/a.txt", ContentFile(b"one"))
    second = storage.save("docs/a.txt", ContentFile(b"two"))
    assert first == "docs/a.txt" and second != first
    assert storage.open(first).read() == b"one" and storage.open(second).read() == b"two"
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == sorted(
        [Path(first).name, Path(second).name]
    )


# --- the worker's recovery pass ----------------------------------------------------------------


def _running_task(worker_id: str, started_ago: timedelta):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from amity.pipeline.tasks import run_import_job

    result = run_import_job.enqueue(123456)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=timezone.now() - started_ago
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_goes_back_to_the_queue_and_a_live_ones_stays():
    from django_tasks.base import TaskResultStatus

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, seen_at=now)
    WorkerHeartbeat.objects.create(worker_id="dead", started_at=now, seen_at=now - timedelta(minutes=5))
    alive = _running_task("alive", timedelta(minutes=10))
    dead = _running_task("dead", timedelta(minutes=10))
    just_claimed = _running_task("unknown", timedelta(seconds=1))
    assert recovery.requeue_orphaned_tasks() == 1
    for task, status in ((alive, "RUNNING"), (dead, "READY"), (just_claimed, "RUNNING")):
        task.refresh_from_db()
        assert task.status == getattr(TaskResultStatus, status)


@pytest.mark.django_db
def test_the_heartbeat_is_kept_and_removed_on_stop():
    beat = recovery.Heartbeat("w1", every=0.05).start()
    try:
        assert WorkerHeartbeat.objects.filter(worker_id="w1").exists()
    finally:
        beat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="w1").exists()


def test_the_stale_limit_is_checked(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("AMITY_WORKER_STALE_SECONDS", "2")
    with pytest.raises(ImproperlyConfigured):
        recovery.stale_after()
    monkeypatch.setenv("AMITY_WORKER_STALE_SECONDS", "90")
    assert recovery.stale_after() == timedelta(seconds=90)


# --- the scenarios, as subprocesses (quick) ----------------------------------------------------

scenarios = pytest.mark.skipif(
    os.environ.get("AMITY_RELIABILITY_SCENARIOS", "1") == "0", reason="AMITY_RELIABILITY_SCENARIOS=0"
)


def _scenario(name: str):
    sys.path.insert(0, str(ROOT))
    try:
        from reliability import common

        return __import__(f"reliability.{name}", fromlist=["run"]), common
    finally:
        sys.path.remove(str(ROOT))


@scenarios
def test_worker_killed_mid_import_resumes_without_duplicates(tmp_path):
    module, _ = _scenario("worker_kill")
    result = module.run(quick=True, work_dir=tmp_path)
    assert result.ok, result.as_dict()
    assert result.details["final"]["status"] == "done"


@scenarios
def test_worker_killed_mid_webhook_delivery_delivers_again(tmp_path):
    module, _ = _scenario("webhook_kill")
    result = module.run(quick=True, work_dir=tmp_path)
    assert result.ok, result.as_dict()


@scenarios
def test_disk_full_and_cut_uploads_leave_nothing_half_written(tmp_path):
    module, _ = _scenario("disk_full")
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (or CAP_SYS_ADMIN)")
    result = module.run(quick=True, work_dir=tmp_path)
    assert result.ok, result.as_dict()


@scenarios
def test_postgresql_restart_under_load(tmp_path):
    module, common = _scenario("pg_restart")
    why = common.pg_available()
    if why:
        pytest.skip(why)
    result = module.run(quick=True, work_dir=tmp_path, port=common.free_port())
    assert result.ok, result.as_dict()
    assert result.recovery_s is not None
