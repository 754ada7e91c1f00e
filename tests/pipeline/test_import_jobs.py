"""CRM imports from the UI and the API: upload → preview → confirm → the real queue → report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from amity.core.services import ConflictError
from amity.pipeline import services_imports as svc
from amity.pipeline.models import Account, ImportJob, ImportStatus, Opportunity

DATA = Path(__file__).parent / "data"
SF_OPPS = "salesforce_opportunities.csv"
BAD_VALUES = "salesforce_opportunities_bad_values.csv"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # The db_worker runner drops stale connections between tasks; inside a test's transaction
    # that would close the connection the test runs in.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (DATA / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def accounts(manager):
    """The Salesforce accounts the opportunity export refers to, imported through the queue."""
    job = finished(new_job(manager, "salesforce_accounts.csv", kind="accounts"), manager)
    assert job.status == ImportStatus.DONE and job.created_count == 4, job.preview.get("errors")
    return job


def new_job(user, name=SF_OPPS, kind="opportunities", **kw) -> ImportJob:
    return svc.import_upload(user=user, file=upload(name), kind=kind, **kw)


def run_worker() -> None:
    call_command("worker", "--batch", "--no-reminders", stdout=io.StringIO(), stderr=io.StringIO())


def finished(job: ImportJob, user) -> ImportJob:
    svc.import_confirm(job=job, user=user)
    run_worker()
    job.refresh_from_db()
    return job


# --- upload and preview ----------------------------------------------------------------------


def test_upload_detects_the_layout_and_keeps_a_preview(manager):
    job = new_job(manager)
    assert job.status == ImportStatus.PREVIEW
    assert job.detected_format == "salesforce" and job.format == ""
    assert job.encoding and job.delimiter
    assert job.mapping["Id"] == "external_id" and job.mapping["Name"] == "name"
    assert job.mapping["LeadSource"] == "lead_source"
    assert job.preview["header"][:3] == ["Id", "AccountId", "Name"]
    assert len(job.preview["rows"]) == 5
    assert job.preview["rows"][1][2] == "Contoso, Ltd. - Analytics Renewal"
    assert job.preview["ignored"] == [] and job.preview["required"] == ["external_id", "name", "stage"]
    assert job.file.read().startswith(b"Id,AccountId")
    assert job.size == (DATA / SF_OPPS).stat().st_size


@pytest.mark.parametrize(
    ("name", "content", "kw", "field", "words"),
    [
        ("empty.csv", b"", {}, "file", "empty"),
        ("header_only.csv", None, {}, "file", "no data rows"),
        ("book.xlsx", b"PK\x03\x04" + b"\x00" * 100, {}, "file", "Excel"),
        ("bin.csv", b"Id,Name\n\x00\x01\x02\x00", {}, "file", "binary"),
        ("odd.csv", b"foo,bar\n1,2\n", {}, "file", "do not look like"),
        (SF_OPPS, None, {"kind": "widgets"}, "kind", "accounts"),
        (SF_OPPS, None, {"format": "sap"}, "format", "sap"),
    ],
)
def test_a_file_that_cannot_be_imported_names_the_field_and_stores_nothing(
    manager, name, content, kw, field, words
):
    kwargs = {"kind": "opportunities", **kw}
    with pytest.raises(ValidationError) as exc:
        svc.import_upload(user=manager, file=upload(name, content), **kwargs)
    assert field in exc.value.message_dict
    assert words.lower() in " ".join(exc.value.message_dict[field]).lower()
    assert not ImportJob.objects.exists()


def test_a_failed_save_leaves_no_file_behind(manager, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def broken(self, *args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(ImportJob, "save", broken)
    with pytest.raises(RuntimeError):
        new_job(manager)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    monkeypatch.undo()
    settings.MEDIA_ROOT = str(tmp_path)
    new_job(manager)  # the same upload stored for real lands there: the check above can fail
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_the_size_limit_comes_from_the_settings(manager, settings):
    settings.AMITY_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        new_job(manager)
    assert "at most" in exc.value.message_dict["file"][0]
    assert not ImportJob.objects.exists()


def test_only_editors_upload(executive, partner):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            new_job(user)
    assert not ImportJob.objects.exists()


def test_the_mapping_can_be_changed_in_preview_and_is_validated(manager):
    job = new_job(manager)
    job = svc.import_set_mapping(job=job, mapping={"Type": None, "OwnerId": None}, user=manager)
    assert job.mapping["OwnerId"] is None and "OwnerId" in job.preview["ignored"]
    with pytest.raises(ValidationError) as exc:
        svc.import_set_mapping(job=job, mapping={"Nope": "name"}, user=manager)
    assert "not a column" in exc.value.message_dict["mapping"][0]
    with pytest.raises(ValidationError) as exc:
        svc.import_set_mapping(job=job, mapping={"LeadSource": "colour"}, user=manager)
    assert "not a field" in exc.value.message_dict["mapping"][0]
    with pytest.raises(ValidationError) as exc:
        svc.import_set_mapping(job=job, mapping={"Id": None}, user=manager)
    assert "missing the required" in exc.value.message_dict["mapping"][0]
    with pytest.raises(ValidationError) as exc:
        svc.import_set_mapping(job=job, mapping={"LeadSource": "name"}, user=manager)
    assert "Several columns feed name" in exc.value.message_dict["mapping"][0]
    job.refresh_from_db()
    assert job.mapping["Id"] == "external_id" and job.mapping["Name"] == "name"


# --- confirm, the real queue, the run -----------------------------------------------------------


def test_confirm_queues_once_and_the_worker_imports(manager, accounts):
    job = new_job(manager)
    job = svc.import_confirm(job=job, user=manager)
    assert job.status == ImportStatus.QUEUED and job.queued_at
    (task,) = DBTaskResult.objects.filter(args_kwargs__args=[job.pk])
    assert task.task_path == "amity.pipeline.tasks.run_import_job"
    assert task.args_kwargs["args"] == [job.pk] and job.task_id == str(task.id)
    with pytest.raises(ConflictError):
        svc.import_confirm(job=job, user=manager)
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1

    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert (job.rows_read, job.created_count, job.rejected_count) == (5, 5, 0)
    assert job.bytes_read == job.size and job.percent == 100
    assert job.started_at and job.finished_at
    assert Opportunity.objects.filter(name="Fabrikam Lakehouse Migration").exists()
    assert not job.error_report

    # Running it again does nothing; a re-import of the same file creates nothing new.
    assert svc.import_run(job.pk) == ImportStatus.DONE
    again = finished(new_job(manager), manager)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert Opportunity.objects.count() == 5


def test_rejected_rows_land_in_the_error_report(manager, accounts):
    job = finished(new_job(manager, BAD_VALUES), manager)
    assert job.status == ImportStatus.DONE
    assert job.rejected_count > 0 and job.rows_read == 10
    assert job.created_count + job.rejected_count == job.rows_read
    rows = list(csv.reader(io.StringIO(job.error_report.read().decode("utf-8-sig"))))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert len(rows) - 1 >= job.rejected_count
    assert any(r[2] == "2026-02-30" for r in rows[1:])
    assert job.preview["errors"][0][0] == int(rows[1][0])


def test_a_dry_run_writes_nothing(manager):
    job = finished(new_job(manager, dry_run=True), manager)
    assert job.status == ImportStatus.DONE and job.rows_read == 5
    assert not Opportunity.objects.exists() and not Account.objects.exists()


def test_progress_is_written_throttled_without_history(manager, accounts, monkeypatch):
    monkeypatch.setattr(svc, "PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(svc, "BATCH_SIZE", 1)
    seen = []
    real = svc._Progress.__call__

    def spy(self, progress):
        real(self, progress)
        seen.append(ImportJob.objects.values_list("rows_read", "bytes_read", "status").get(pk=self.job_id))

    monkeypatch.setattr(svc._Progress, "__call__", spy)
    job = new_job(manager)
    history = job.history.count()
    finished(job, manager)
    rows = [s[0] for s in seen]
    assert rows[:5] == [1, 2, 3, 4, 5]
    assert all(s[2] == ImportStatus.RUNNING for s in seen)
    assert seen[-1][1] > 0
    # confirm and finish add history rows; progress does not.
    assert job.history.count() == history + 2


def test_progress_writes_are_throttled_to_one_per_interval(db):
    progress = svc._Progress(0)
    for _ in range(50):
        progress(type("P", (), {"bytes_read": 1, "rows_read": 1})())
    assert progress.writes == 1


def test_a_job_left_running_runs_again_and_a_cancelled_one_never(manager, accounts):
    job = new_job(manager)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert svc.import_run(job.pk) == ImportStatus.DONE
    assert Opportunity.objects.count() == 5

    other = new_job(manager, dry_run=True)
    svc.import_confirm(job=other, user=manager)
    svc.import_cancel(job=other, user=manager)
    run_worker()
    other.refresh_from_db()
    assert other.status == ImportStatus.CANCELLED and other.rows_read == 0
    with pytest.raises(ConflictError):
        svc.import_cancel(job=other, user=manager)


def test_a_file_level_error_fails_the_job_with_a_message(manager):
    job = new_job(manager)
    header = (DATA / SF_OPPS).read_bytes().splitlines()[0] + b"\n"
    job.file.save("broken.csv", upload("broken.csv", header), save=True)
    job = finished(job, manager)
    assert job.status == ImportStatus.FAILED
    assert "no data rows" in job.message


def test_an_unexpected_error_fails_the_job_and_is_raised(manager, monkeypatch):
    job = new_job(manager)
    svc.import_confirm(job=job, user=manager)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(svc, "run_import", boom)
    with pytest.raises(RuntimeError):
        svc.import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "disk on fire" in job.message


def test_the_alliance_links_imported_opportunities(manager, accounts, alliance):
    job = finished(new_job(manager, alliance=alliance), manager)
    assert job.status == ImportStatus.DONE
    assert Opportunity.objects.filter(alliances=alliance).count() == 5


# --- pages ------------------------------------------------------------------------------------


def page_urls(job: ImportJob) -> list[tuple[str, str]]:
    return [
        ("get", reverse("pipeline:import_list")),
        ("get", reverse("pipeline:import_create")),
        ("get", reverse("pipeline:import_detail", args=[job.pk])),
        ("get", reverse("pipeline:import_progress", args=[job.pk])),
        ("get", reverse("pipeline:import_errors", args=[job.pk])),
        ("post", reverse("pipeline:import_confirm", args=[job.pk])),
        ("post", reverse("pipeline:import_cancel", args=[job.pk])),
        ("post", reverse("pipeline:import_detail", args=[job.pk])),
    ]


def test_partner_users_get_404_on_every_import_page(manager, partner, client_for):
    job = new_job(manager)
    client = client_for(partner)
    for method, url in page_urls(job):
        assert getattr(client, method)(url).status_code == 404, url
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


def test_executives_read_but_do_not_upload_or_confirm(manager, executive, client_for):
    job = new_job(manager)
    client = client_for(executive)
    assert client.get(reverse("pipeline:import_list")).status_code == 200
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and b'data-testid="confirm"' not in page.content
    assert client.get(reverse("pipeline:import_create")).status_code == 403
    assert client.post(reverse("pipeline:import_confirm", args=[job.pk])).status_code == 403
    assert client.post(reverse("pipeline:import_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


def test_upload_page_shows_the_preview_then_confirm_runs_through_the_queue(manager, accounts, client_for):
    client = client_for(manager)
    with (DATA / SF_OPPS).open("rb") as fh:
        response = client.post(
            reverse("pipeline:import_create"), {"file": fh, "kind": "opportunities", "format": ""}
        )
    job = ImportJob.objects.get(original_name=SF_OPPS)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Salesforce" in page and 'data-testid="mapping-table"' in page
    assert "Fabrikam Lakehouse Migration" in page  # a sample row

    # Confirm with the mapping as posted from the form (OwnerId ignored).
    posted = {f"map-{i}": (job.mapping[h] or "") for i, h in enumerate(job.preview["header"])}
    posted[f"map-{job.preview['header'].index('OwnerId')}"] = ""
    response = client.post(reverse("pipeline:import_confirm", args=[job.pk]), posted)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.mapping["OwnerId"] is None
    progress = client.get(reverse("pipeline:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in progress.content

    run_worker()
    progress = client.get(reverse("pipeline:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 286 or progress.headers.get("HX-Refresh") == "true"
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-count="created">5<' in page and 'data-testid="records-link"' in page


def test_a_bad_upload_shows_the_field_error_and_stores_nothing(manager, client_for):
    client = client_for(manager)
    response = client.post(
        reverse("pipeline:import_create"),
        {"file": upload("x.csv", b"foo,bar\n1,2\n"), "kind": "opportunities"},
    )
    assert response.status_code == 422
    assert b'data-field-error="file"' in response.content and b"do not look like" in response.content
    assert not ImportJob.objects.exists()


def test_the_mapping_form_shows_errors_without_a_500(manager, client_for):
    job = new_job(manager)
    client = client_for(manager)
    posted = {f"map-{i}": (job.mapping[h] or "") for i, h in enumerate(job.preview["header"])}
    posted["map-0"] = ""  # Id: the external id is required
    response = client.post(job.get_absolute_url(), posted)
    assert response.status_code == 422 and b"missing the required" in response.content
    job.refresh_from_db()
    assert job.mapping["Id"] == "external_id"


def test_the_error_report_downloads_through_the_visibility_rule(manager, accounts, client_for, executive):
    job = finished(new_job(manager, BAD_VALUES), manager)
    response = client_for(executive).get(reverse("pipeline:import_errors", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0] == ["line", "column", "value", "reason"] and len(lines) > job.rejected_count
    page = client_for(manager).get(job.get_absolute_url()).content.decode()
    assert 'data-testid="rejected-rows"' in page and "2026-02-30" in page


def test_the_list_page_has_a_bounded_number_of_queries(manager, client_for, django_assert_max_num_queries):
    client = client_for(manager)
    for _ in range(3):
        new_job(manager)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("pipeline:import_list")).status_code == 200
    for _ in range(12):
        new_job(manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("pipeline:import_list"))
    assert page.content.count(SF_OPPS.encode()) >= 15


# --- API ------------------------------------------------------------------------------------

API = "/api/v1/imports"


def api_upload(client, name=SF_OPPS, **fields):
    data = {"kind": "opportunities", **fields}
    with (DATA / name).open("rb") as fh:
        return client.post(API, {"file": fh, **data})


def test_api_upload_previews_then_mapping_confirm_and_worker(manager, accounts, api_for):
    client = api_for(manager)
    response = api_upload(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "preview" and body["detected_format"] == "salesforce"
    assert body["mapping"]["Name"] == "name" and len(body["preview"]["rows"]) == 5
    job_id = body["id"]

    patched = client.patch(
        f"{API}/{job_id}/mapping", {"mapping": {"OwnerId": None}}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["mapping"]["OwnerId"] is None
    bad = client.patch(
        f"{API}/{job_id}/mapping", {"mapping": {"Name": "colour"}}, content_type="application/json"
    )
    assert bad.status_code == 422 and "mapping" in bad.json()["errors"]

    assert client.post(f"{API}/{job_id}/confirm").status_code == 202
    assert client.post(f"{API}/{job_id}/confirm").status_code == 409
    run_worker()
    done = client.get(f"{API}/{job_id}").json()
    assert done["status"] == "done" and done["percent"] == 100 and done["created_count"] == 5

    listed = client.get(API).json()
    assert listed["count"] == 2 and listed["items"][0]["id"] == job_id
    report = client.get(f"{API}/{job_id}/errors")
    assert report.status_code == 200
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines() == ["line,column,value,reason"]


def test_api_upload_with_confirm_queues_at_once(manager, accounts, api_for):
    response = api_upload(api_for(manager), BAD_VALUES, confirm="true")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_worker()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportStatus.DONE and job.rejected_count > 0
    report = api_for(manager).get(f"{API}/{job.pk}/errors")
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["line", "column", "value", "reason"] and len(rows) > job.rejected_count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "widgets"}, "kind"),
        ({"format": "sap"}, "format"),
        ({"alliance": "999999"}, "alliance"),
    ],
)
def test_api_bad_input_names_the_field_and_stores_nothing(manager, api_for, fields, field):
    response = api_upload(api_for(manager), **fields)
    assert response.status_code == 422 and field in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_api_without_a_file_or_with_an_empty_one_is_422(manager, api_for):
    client = api_for(manager)
    assert "file" in client.post(API, {"kind": "accounts"}).json()["errors"]
    response = client.post(API, {"kind": "accounts", "file": upload("empty.csv", b"")})
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_api_permissions(manager, executive, partner, api_for):
    job = new_job(manager)
    partner_client = api_for(partner)
    for method, url in [
        ("get", API),
        ("get", f"{API}/{job.pk}"),
        ("get", f"{API}/{job.pk}/errors"),
        ("post", f"{API}/{job.pk}/confirm"),
        ("post", f"{API}/{job.pk}/cancel"),
    ]:
        assert getattr(partner_client, method)(url).status_code == 404, url
    assert api_upload(partner_client).status_code == 404

    exec_client = api_for(executive)
    assert exec_client.get(f"{API}/{job.pk}").status_code == 200
    assert api_upload(exec_client).status_code == 403
    assert exec_client.post(f"{API}/{job.pk}/confirm").status_code == 403
    assert exec_client.post(f"{API}/{job.pk}/cancel").status_code == 403
    assert ImportJob.objects.count() == 1
    assert ImportJob.objects.get().status == ImportStatus.PREVIEW
    assert api_for(manager).post(f"{API}/{job.pk}/cancel").json()["status"] == "cancelled"


def test_the_api_list_has_a_bounded_number_of_queries(manager, api_for, django_assert_max_num_queries):
    client = api_for(manager)
    for _ in range(3):
        new_job(manager)
    with django_assert_max_num_queries(10) as few:
        assert client.get(API).json()["count"] == 3
    for _ in range(10):
        new_job(manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(API).json()["count"] == 13
