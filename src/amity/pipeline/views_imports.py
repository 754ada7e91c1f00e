"""Import pages: the list of jobs, the upload form, the preview/progress/result page.

Internal users read import jobs; admins and managers upload, confirm and cancel. Partner
users get 404 on every page (the ImportJob policy lets only internal roles view).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from amity.core.export import csv_response
from amity.core.permissions import can, get_visible_or_404
from amity.core.services import ConflictError
from amity.core.views import Column, ObjectListView, _errors_to_form

from . import services_imports as services
from .forms_imports import ImportUploadForm
from .importing.formats import FORMAT_LABELS
from .importing.report import HEADER as ERROR_HEADER
from .models import ImportJob, ImportKind

CELLS = "pipeline/partials/"


def _viewer(user: Any) -> None:
    """Partner users (and anyone without a role) do not know imports exist."""
    if not can(user, "view", ImportJob):
        raise Http404


def _job(request: HttpRequest, pk: int) -> ImportJob:
    _viewer(request.user)
    return get_visible_or_404(ImportJob, request.user, pk=pk)


class ImportListView(ObjectListView):
    model = ImportJob
    title = "CRM imports"
    template_name = "pipeline/import_list.html"
    default_sort = "-created_at"
    create_url = "pipeline:import_create"
    export_filename = "imports.csv"
    columns = [
        Column("original_name", "File", sort="original_name", link=True),
        Column("get_kind_display", "Kind", sort="kind"),
        Column("status", "Status", sort="status", template=CELLS + "import_status_cell.html"),
        Column("rows_read", "Rows", sort="rows_read", align="text-end"),
        Column("created_count", "Created", sort="created_count", align="text-end"),
        Column("updated_count", "Updated", sort="updated_count", align="text-end"),
        Column("rejected_count", "Rejected", sort="rejected_count", align="text-end"),
        Column("created_by", "By", sort="created_by__username"),
        Column("created_at", "Uploaded", sort="created_at"),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _viewer(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("created_by")

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"create_label": "Import a CRM export"}


@login_required
def import_create(request: HttpRequest) -> HttpResponse:
    _viewer(request.user)
    if not can(request.user, "create", ImportJob):
        raise PermissionDenied("Only admins and alliance managers import.")
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.import_upload(
                    user=request.user,
                    file=data["file"],
                    kind=data["kind"],
                    format=data["format"],
                    alliance=data["alliance"],
                    dry_run=data["dry_run"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "File checked: review the mapping, then confirm the import.")
                return redirect(job.get_absolute_url())
        status = 422
    return render(
        request,
        "pipeline/import_form.html",
        {"form": form, "title": "Import a CRM export", "cancel_url": reverse("pipeline:import_list")},
        status=status,
    )


def _mapping_rows(job: ImportJob) -> list[dict[str, Any]]:
    header = job.preview.get("header", [])
    samples = job.preview.get("rows", [])
    return [
        {
            "index": i,
            "column": column,
            "field": job.mapping.get(column),
            "samples": [row[i] for row in samples[:3] if i < len(row)],
        }
        for i, column in enumerate(header)
        if column
    ]


def _detail_context(request: HttpRequest, job: ImportJob, **extra: Any) -> dict[str, Any]:
    fields = services.kind_fields(job.kind)
    mapped = {f for f in job.mapping.values() if f}
    list_url = "pipeline:account_list" if job.kind == ImportKind.ACCOUNTS else "pipeline:opportunity_list"
    return {
        "job": job,
        "object": job,
        "title": str(job),
        "fields": fields,
        "required_labels": [f["label"] for f in fields if f["required"]],
        "required_missing": [f for f in fields if f["required"] and f["name"] not in mapped],
        "mapping_rows": _mapping_rows(job),
        "can_edit": can(request.user, "change", job),
        "records_url": reverse(list_url),
        "errors_shown": job.preview.get("errors", []),
        "format_label": FORMAT_LABELS.get(job.detected_format or job.format, "—"),
        "counts": [
            ("Read", job.rows_read, "read"),
            ("Created", job.created_count, "created"),
            ("Updated", job.updated_count, "updated"),
            ("Unchanged", job.unchanged_count, "unchanged"),
            ("Rejected", job.rejected_count, "rejected"),
        ],
        **extra,
    }


def _posted_mapping(request: HttpRequest, job: ImportJob) -> dict[str, str | None]:
    return {row["column"]: request.POST.get(f"map-{row['index']}") or None for row in _mapping_rows(job)}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (POST changes the mapping), the progress bar, or the result."""
    job = _job(request, pk)
    if request.method == "POST":
        try:
            services.import_set_mapping(job=job, mapping=_posted_mapping(request, job), user=request.user)
        except ValidationError as exc:
            job.refresh_from_db()
            problems = [m for ms in exc.message_dict.values() for m in ms]
            return render(
                request,
                "pipeline/import_detail.html",
                _detail_context(request, job, mapping_errors=problems),
                status=422,
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Mapping saved.")
        return redirect(job.get_absolute_url())
    return render(request, "pipeline/import_detail.html", _detail_context(request, job))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx); once the job finishes the page reloads to show the result."""
    job = _job(request, pk)
    if job.is_finished and getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    return render(request, "pipeline/partials/import_progress.html", {"job": job})


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        if job.status == "preview" and any(key.startswith("map-") for key in request.POST):
            # The confirm button sits in the mapping form: save what the user sees first.
            mapping = _posted_mapping(request, job)
            if mapping != {k: v for k, v in job.mapping.items() if k}:
                job = services.import_set_mapping(job=job, mapping=mapping, user=request.user)
        services.import_confirm(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    except ConflictError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, "Import queued: it runs in the background.")
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.import_cancel(job=job, user=request.user)
    except ConflictError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, "Import cancelled.")
    return redirect(job.get_absolute_url())


def error_report_response(job: ImportJob) -> HttpResponse:
    """The rejected rows as CSV (only the header while nothing was rejected)."""
    filename = f"import-{job.pk}-errors.csv"
    if job.error_report:
        response = FileResponse(
            job.error_report.open("rb"), as_attachment=True, filename=filename, content_type="text/csv"
        )
        return response
    return csv_response(filename, ERROR_HEADER, iter(()))


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    return error_report_response(_job(request, pk))


urlpatterns = [
    path("pipeline/imports/", ImportListView.as_view(), name="import_list"),
    path("pipeline/imports/new/", import_create, name="import_create"),
    path("pipeline/imports/<int:pk>/", import_detail, name="import_detail"),
    path("pipeline/imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("pipeline/imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("pipeline/imports/<int:pk>/cancel/", import_cancel, name="import_cancel"),
    path("pipeline/imports/<int:pk>/errors.csv", import_errors, name="import_errors"),
]
