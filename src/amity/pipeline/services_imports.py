"""CRM imports from the UI and the API: upload → preview → confirm → background run → report.

``import_upload`` checks and stores the file and keeps what the preview shows (detected
layout, encoding, delimiter, column mapping, the header and the first rows); a file that
cannot be imported at all is refused with a field error and nothing is stored.
``import_set_mapping`` changes column → field while in preview, ``import_confirm`` queues the
job once, ``import_cancel`` stops a job that has not started, and ``import_run`` (what the
background task calls) streams the file through the engine into the database, reporting
progress to the row at most every :data:`PROGRESS_EVERY` seconds.
"""

from __future__ import annotations

import codecs
import logging
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from amity.core.services import ConflictError, require, set_history_user

from .importing import FORMATS, KINDS, ImportFileError, open_table, plan_mapping, run_import
from .importing.formats import FIELDS
from .importing.reader import RowProblem
from .importing.sink import DatabaseSink
from .models import ImportJob, ImportStatus

log = logging.getLogger(__name__)

#: The default upper limit of an upload (``AMITY_IMPORT_MAX_BYTES`` overrides it).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
#: Rows kept for the preview, rejected rows kept for the detail page.
PREVIEW_ROWS = 5
SHOWN_ERRORS = 20
#: Seconds between two progress writes while a job runs.
PROGRESS_EVERY = 0.5
#: Rows handed to the database in one transaction (also how often progress is reported).
BATCH_SIZE = 500

BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook or a ZIP archive",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
}


class ImportStateError(ConflictError):
    """The job is not in a state where this action makes sense (e.g. confirmed twice)."""

    def __init__(self, job: ImportJob, message: str):
        self.instance = job
        self.expected = job.version
        self.current = job.version
        Exception.__init__(self, message)


def max_bytes() -> int:
    return int(getattr(settings, "AMITY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def kind_fields(kind: str) -> list[dict[str, Any]]:
    """The Amity fields of ``kind`` a column can feed, with their labels and whether required."""
    return [
        {
            "name": spec.name,
            "label": spec.label or spec.name.replace("_", " ").capitalize(),
            "required": spec.required,
        }
        for spec in FIELDS[kind].values()
    ]


# --- upload and preview ----------------------------------------------------------------------


def _check_bytes(upload: Any) -> None:
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            {"file": f"The file is {size / 1e6:.1f} MB; imports take at most {limit / 1e6:.0f} MB."}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode()
    for signature, what in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise ValidationError({"file": f"This is {what}, not a CSV file: export or save it as CSV."})
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head and not utf16:
        raise ValidationError({"file": "This is not a text CSV file (it contains binary data)."})


def _inspect(upload: Any, kind: str, format: str | None, mapping: Mapping | None = None) -> dict[str, Any]:
    """Open the upload with the engine: layout, encoding, delimiter, mapping plan, first rows."""
    upload.seek(0)
    try:
        table = open_table(upload)
        try:
            plan = plan_mapping(table.header, kind, format, mapping)
            rows, problems = [], []
            for line, row in table:
                if isinstance(row, RowProblem):
                    problems.append({"line": line, "reason": row.reason})
                else:
                    rows.append([row.get(h, "") for h in table.header])
                if len(rows) + len(problems) >= PREVIEW_ROWS:
                    break
            if not rows and not problems:
                raise ImportFileError("The file has a header row but no data rows.")
        finally:
            table.close()
    except ImportFileError as exc:
        raise ValidationError({"file": exc.message}) from exc
    except (UnicodeError, ValueError) as exc:
        raise ValidationError({"file": f"The file cannot be read as CSV: {exc}"}) from exc
    finally:
        upload.seek(0)
    return {
        "plan": plan,
        "encoding": table.encoding_label,
        "delimiter": table.delimiter,
        "delimiter_label": table.delimiter_label,
        "header": table.header,
        "rows": rows,
        "problems": problems,
    }


def _preview(info: dict[str, Any], kind: str) -> dict[str, Any]:
    plan = info["plan"]
    mapped = {src: f for src, f in plan.columns}
    return {
        "delimiter_label": info["delimiter_label"],
        "header": info["header"],
        "rows": info["rows"],
        "problems": info["problems"],
        "missing": list(plan.missing),
        "ignored": list(plan.ignored),
        "required": [f["name"] for f in kind_fields(kind) if f["required"]],
        "unmapped_required": [
            f["name"] for f in kind_fields(kind) if f["required"] and f["name"] not in mapped.values()
        ],
    }


def _full_mapping(header: list[str], plan) -> dict[str, str | None]:
    mapped = {src: f for src, f in plan.columns}
    return {h: mapped.get(h) for h in header if h}


def import_upload(
    *,
    user: Any,
    file: Any,
    kind: str,
    format: str | None = "",
    alliance: Any = None,
    dry_run: bool = False,
) -> ImportJob:
    """Check and store an upload, detect its layout and keep the preview; see the module docs."""
    require(user, "create", ImportJob)
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = f"Choose what the file holds: {', '.join(KINDS)}."
    format = format or ""
    if format not in ("", *FORMATS):
        errors["format"] = (
            f"Unknown format {format!r}; use one of: {', '.join(FORMATS)} (or leave empty to detect)."
        )
    if file is None:
        errors["file"] = "Choose a CSV file to import."
    if errors:
        raise ValidationError(errors)
    _check_bytes(file)
    info = _inspect(file, kind, format or None)
    plan = info["plan"]
    job = ImportJob(
        kind=kind,
        format=format,
        detected_format=plan.format,
        original_name=Path(getattr(file, "name", "") or "import.csv").name[:255],
        size=file.size,
        encoding=info["encoding"],
        delimiter=info["delimiter"],
        mapping=_full_mapping(info["header"], plan),
        preview=_preview(info, kind),
        alliance=alliance,
        dry_run=bool(dry_run),
        created_by=user,
    )
    job.file.save(job.original_name, File(file, name=job.original_name), save=False)
    try:
        job.full_clean(exclude=["file", "error_report"])
        set_history_user(job, user)
        with transaction.atomic():
            job.save()
    except Exception:
        job.file.delete(save=False)  # nothing half-written: no orphan file
        raise
    return job


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job.pk)


def import_set_mapping(*, job: ImportJob, mapping: Mapping[str, Any], user: Any) -> ImportJob:
    """Change which column feeds which field while the job waits in preview."""
    require(user, "change", job)
    if not isinstance(mapping, Mapping):
        raise ValidationError({"mapping": "Give the mapping as column → field (or empty to ignore it)."})
    header = [h for h in job.preview.get("header", []) if h]
    fields = set(FIELDS[job.kind])
    errors = []
    clean: dict[str, str | None] = {}
    for column, target in mapping.items():
        if column not in header:
            errors.append(f"{column!r} is not a column of the file.")
            continue
        target = target or None
        if target is not None and (not isinstance(target, str) or target not in fields):
            errors.append(
                f"{column!r}: {target!r} is not a field of {job.kind}; use one of {', '.join(FIELDS[job.kind])}."
            )
            continue
        clean[column] = target
    full = {**job.mapping, **clean}
    targets = [t for t in full.values() if t]
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        errors.append(f"Several columns feed {', '.join(twice)}: choose one column per field.")
    if errors:
        raise ValidationError({"mapping": errors})
    try:
        plan = plan_mapping(header, job.kind, job.detected_format or None, full)
    except ImportFileError as exc:
        raise ValidationError({"mapping": exc.message}) from exc
    with transaction.atomic():
        job = _locked(job)
        if job.status != ImportStatus.PREVIEW:
            raise ImportStateError(job, "The mapping can only be changed before the import is confirmed.")
        job.mapping = _full_mapping(header, plan)
        job.preview = {**job.preview, **_preview({**job.preview, "plan": plan}, job.kind)}
        job.version += 1
        set_history_user(job, user)
        job.save()
    return job


def import_confirm(*, job: ImportJob, user: Any) -> ImportJob:
    """Queue the job for the background worker, once: confirming twice is a conflict."""
    from .tasks import run_import_job

    require(user, "change", job)
    with transaction.atomic():
        job = _locked(job)
        if job.status != ImportStatus.PREVIEW:
            raise ImportStateError(job, f"This import is already {job.get_status_display().lower()}.")
        job.status = ImportStatus.QUEUED
        job.queued_at = timezone.now()
        job.version += 1
        set_history_user(job, user)
        job.save()
        result = run_import_job.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def import_cancel(*, job: ImportJob, user: Any) -> ImportJob:
    """Cancel a job that waits in preview or in the queue (a running import finishes)."""
    require(user, "change", job)
    with transaction.atomic():
        job = _locked(job)
        if job.status not in (ImportStatus.PREVIEW, ImportStatus.QUEUED):
            raise ImportStateError(
                job, f"This import is {job.get_status_display().lower()}; it cannot be cancelled."
            )
        job.status = ImportStatus.CANCELLED
        job.finished_at = timezone.now()
        job.version += 1
        set_history_user(job, user)
        job.save()
    return job


# --- the background run ---------------------------------------------------------------------


class _Progress:
    """Writes bytes/rows read to the job row, at most every ``PROGRESS_EVERY`` seconds."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        self.writes = 0

    def __call__(self, progress) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.writes += 1
        ImportJob.objects.filter(pk=self.job_id).update(
            bytes_read=progress.bytes_read, rows_read=progress.rows_read
        )


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.version += 1
    set_history_user(job, job.created_by)
    job.save()


def import_run(job_id: int) -> str:
    """Run a confirmed job (what the task calls); return its final status.

    A finished, cancelled or unconfirmed job is left alone, so running a job twice does
    nothing the second time; a job left ``running`` by a killed worker runs again (records
    are upserted by external id, so nothing is duplicated).
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return job.status if job else ""
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.RUNNING, started_at=timezone.now(), bytes_read=0, rows_read=0
        )
    job.refresh_from_db()
    try:
        sink = None
        if not job.dry_run:
            try:
                sink = DatabaseSink(user=job.created_by, alliance=job.alliance)
            except (PermissionDenied, ValidationError) as exc:
                msg = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                _finish(job, ImportStatus.FAILED, message=f"{job.created_by} may not import: {msg}")
                return job.status
        try:
            with job.file.open("rb") as source:
                result = run_import(
                    source,
                    job.kind,
                    job.detected_format or job.format or None,
                    {k: v for k, v in job.mapping.items() if k},
                    sink=sink,
                    dry_run=job.dry_run,
                    batch_size=BATCH_SIZE,
                    progress=_Progress(job.pk),
                )
        except ImportFileError as exc:
            _finish(job, ImportStatus.FAILED, message=exc.message)
            return job.status
        try:
            shown = [list(e) for _, e in zip(range(SHOWN_ERRORS), result.errors.first, strict=False)]
            report_name = ""
            if result.rejected:
                with tempfile.TemporaryFile() as spool:
                    for chunk in result.errors.csv_lines():
                        spool.write(chunk.encode("utf-8"))
                    spool.seek(0)
                    job.error_report.save(f"import-{job.pk}-errors.csv", File(spool), save=False)
                report_name = job.error_report.name
        finally:
            result.errors.close()
        job.refresh_from_db(fields=["bytes_read"])
        _finish(
            job,
            ImportStatus.DONE,
            bytes_read=job.size,
            rows_read=result.rows_read,
            created_count=result.created,
            updated_count=result.updated,
            unchanged_count=result.unchanged,
            rejected_count=result.rejected,
            error_report=report_name,
            preview={**job.preview, "errors": shown, "format_label": result.format_label},
            message="",
        )
        return job.status
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), message=f"Unexpected error: {exc}"[:2000]
        )
        raise
