"""REST API of CRM imports: upload (with the detected mapping and a preview), change the
mapping, confirm (the background worker runs it), cancel, read progress and counts, and
download the rejected rows as CSV.

Internal users read import jobs; admins and alliance managers write. Partner users get 404
on every operation (they do not know imports exist).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
)
from amity.core.permissions import can

from . import services_imports as services
from .models import ImportJob
from .views_imports import error_report_response

router = Router(tags=["imports"])


class ImportOut(Schema):
    id: int
    kind: str
    format: str = Field(description="The format asked for; empty = detected.")
    detected_format: str
    original_name: str
    size: int
    encoding: str
    delimiter: str
    mapping: dict[str, str | None] = Field(description="Column in the file → Amity field (null: ignored).")
    preview: dict[str, Any] = Field(description="Header, first rows, ignored and missing columns.")
    alliance_id: int | None
    dry_run: bool
    status: str
    percent: int
    bytes_read: int
    rows_read: int
    created_count: int
    updated_count: int
    unchanged_count: int
    rejected_count: int
    message: str
    created_by: str
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    version: int
    errors_url: str

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str:
        return obj.created_by.username

    @staticmethod
    def resolve_errors_url(obj: ImportJob) -> str:
        return f"/api/v1/imports/{obj.pk}/errors"


class MappingIn(InputSchema):
    mapping: dict[Text, Text | None] = Field(
        description='Columns to change: {"Deal Title": "name", "Owner": null}; others stay as they are.'
    )


def _reader(user: Any) -> None:
    if not can(user, "view", ImportJob):
        raise Http404


def _jobs(user: Any):
    _reader(user)
    return ImportJob.objects.visible_to(user).select_related("created_by")


def _job(user: Any, job_id: int) -> ImportJob:
    return get_visible(ImportJob, user, job_id, _jobs(user))


@router.get("/imports", response={200: list[ImportOut], **READ_ERRORS})
@paginate(Page)
def import_list(request: HttpRequest):
    return _jobs(acting_user(request)).order_by("-created_at", "-pk")


@router.post("/imports", response={201: ImportOut, 202: ImportOut, **WRITE_ERRORS})
def import_create(
    request: HttpRequest,
    file: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: the service names "file"
    kind: Form[str] = "",
    format: Form[str] = "",
    alliance: Form[Id | None] = None,  # type: ignore[valid-type]
    dry_run: Form[bool] = False,
    confirm: Form[bool] = False,
):
    """Upload a CSV export (multipart/form-data: ``file``, ``kind`` = accounts|opportunities,
    ``format`` = salesforce|hubspot|csv or empty to detect). Answers 201 with the detected
    mapping and a preview; with ``confirm=true`` the job is queued at once (202)."""
    user = acting_user(request)
    _reader(user)
    resolve = Resolver(user)
    linked = resolve.one(Alliance, alliance, "alliance")
    resolve.check()
    job = services.import_upload(
        user=user, file=file, kind=kind, format=format, alliance=linked, dry_run=dry_run
    )
    if confirm:
        job = services.import_confirm(job=job, user=user)
        return Status(202, _job(user, job.pk))
    return Status(201, _job(user, job.pk))


@router.get("/imports/{job_id}", response={200: ImportOut, **READ_ERRORS})
def import_detail(request: HttpRequest, job_id: int):
    """The job with its progress (``percent``, ``rows_read``) and, when done, its counts."""
    return _job(acting_user(request), job_id)


@router.patch("/imports/{job_id}/mapping", response={200: ImportOut, **WRITE_ERRORS})
def import_mapping(request: HttpRequest, job_id: int, payload: MappingIn):
    user = acting_user(request)
    job = services.import_set_mapping(job=_job(user, job_id), mapping=payload.mapping, user=user)
    return _job(user, job.pk)


@router.post("/imports/{job_id}/confirm", response={202: ImportOut, **WRITE_ERRORS})
def import_confirm(request: HttpRequest, job_id: int):
    """Queue the job for the background worker; a second confirm is 409."""
    user = acting_user(request)
    job = services.import_confirm(job=_job(user, job_id), user=user)
    return Status(202, _job(user, job.pk))


@router.post("/imports/{job_id}/cancel", response={200: ImportOut, **WRITE_ERRORS})
def import_cancel(request: HttpRequest, job_id: int):
    user = acting_user(request)
    job = services.import_cancel(job=_job(user, job_id), user=user)
    return _job(user, job.pk)


@router.get(
    "/imports/{job_id}/errors",
    response=READ_ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The rejected rows: line, column, value, reason (CSV).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def import_errors(request: HttpRequest, job_id: int):
    return error_report_response(_job(acting_user(request), job_id))
