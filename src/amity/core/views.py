"""Generic views (NetBox-style): list, detail, edit and archive configured by attributes.

Every view reads through ``Model.objects.visible_to(request.user)``; a page a user may not
see is a 404. The same URL serves the full page or, for htmx requests, just the fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache

from .export import csv_response
from .permissions import can, get_visible_or_404
from .services import ConflictError, model_archive, model_restore

#: Rows a list counts at most: past it the list says "more than …" instead of counting millions
#: of rows on every page (a deal list of a large program); filters narrow it.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` + 1 rows of a queryset (one ``COUNT`` over a
    ``LIMIT``-ed subquery of primary keys, without ordering or shown-only annotations).
    ``capped`` says the list has more; pages reach the first ``cap`` + 1 rows."""

    def __init__(self, object_list: Any, per_page: int, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, models.QuerySet):
            return super().count
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_label(self) -> str:
        return f"{self.cap:,}"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": "unreachable", "reason": str(exc).splitlines()[0][:200]},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: a request Django refused before any view could (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files) gets a status and a message that
    say which limit it broke: JSON under /api/, a plain page elsewhere (the page renders
    nothing that could read the refused body again)."""
    status, field = 400, "__all__"
    if isinstance(exception, RequestDataTooBig):
        status, field = 413, "body"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        message = (
            f"The request is larger than {limit:g} MB, the most Amity accepts in one request "
            "(files go through an upload field, which takes more)."
        )
    elif isinstance(exception, TooManyFieldsSent):
        message = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
    elif isinstance(exception, TooManyFilesSent):
        message = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files."
    else:
        message = "The request cannot be understood."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {field: [message]}}, status=status)
    page = render_to_string("400.html", {"message": message, "status": status})  # no context processors
    return HttpResponse(page, status=status)


def resolve(obj: Any, path: str) -> Any:
    """Follow a dotted attribute path; call ``get_<x>_display`` style callables."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj) and not isinstance(obj, models.Manager):
            obj = obj()
    return obj


@dataclass(frozen=True)
class Column:
    """A column of a generic list: what to show, how to sort, whether it links."""

    key: str
    label: str
    sort: str | None = None
    link: bool = False
    template: str | None = None  # optional cell template, gets ``obj`` and ``value``
    export: bool = True
    align: str = ""


class ObjectListView(LoginRequiredMixin, View):
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]] = []
    filterset_class: ClassVar[Any] = None
    template_name: ClassVar[str] = "core/object_list.html"
    partial_template: ClassVar[str] = "core/partials/object_table.html"
    default_sort: ClassVar[str] = "name"
    title: ClassVar[str] = ""
    create_url: ClassVar[str | None] = None
    export_filename: ClassVar[str] = "export.csv"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = self.model.objects.visible_to(request.user)
        if request.GET.get("archived") != "1":
            qs = qs.active()
        return qs

    def get_columns(self, request: HttpRequest) -> list[Column]:
        """The columns for this user (override to hide some, e.g. from partner users)."""
        return list(self.columns)

    def sort_param(self, request: HttpRequest) -> tuple[str, str]:
        allowed = {c.key: c.sort for c in self.get_columns(request) if c.sort}
        raw = request.GET.get("sort", self.default_sort)
        key = raw.lstrip("-")
        if key not in allowed:
            raw, key = self.default_sort, self.default_sort.lstrip("-")
        field = allowed.get(key, key)
        descending = raw.startswith("-")
        return raw, ("-" if descending else "") + field

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        qs = self.get_queryset(request)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=qs, request=request)
            # Valid filters apply; an invalid one is shown with its error, not silently dropped.
            qs = filterset.qs
        sort, order_by = self.sort_param(request)
        qs = qs.order_by(order_by, "pk")
        if request.GET.get("export") == "csv":
            return self.export(qs, self.get_columns(request))
        paginator = CappedPaginator(qs, self.page_size(request))
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query_no_sort = query.copy()
        query_no_sort.pop("sort", None)
        columns = self.get_columns(request)
        context = {
            "title": self.title or self.model._meta.verbose_name_plural.capitalize(),
            "columns": columns,
            "page": page,
            "rows": [(obj, [resolve(obj, c.key) for c in columns]) for obj in page.object_list],
            "filterset": filterset,
            "sort": sort,
            "querystring": query.urlencode(),
            "querystring_no_sort": query_no_sort.urlencode(),
            "can_create": self.create_url and can(request.user, "create", self.model),
            "create_url": self.create_url,
            "model_name": self.model._meta.verbose_name,
            "show_archived": request.GET.get("archived") == "1",
        }
        context.update(self.extra_context(request))
        template = (
            self.partial_template
            if getattr(request, "htmx", False) and not request.htmx.boosted
            else self.template_name
        )
        return render(request, template, context)

    def page_size(self, request: HttpRequest) -> int:
        try:
            return max(1, min(int(request.GET.get("per_page", settings.AMITY_PAGE_SIZE)), 200))
        except ValueError:
            return settings.AMITY_PAGE_SIZE

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def export(self, qs: models.QuerySet, columns: list[Column]) -> HttpResponse:
        columns = [c for c in columns if c.export]
        rows = ([resolve(obj, c.key) for c in columns] for obj in qs.iterator(chunk_size=2000))
        return csv_response(self.export_filename, [c.label for c in columns], rows)


class ObjectDetailView(LoginRequiredMixin, View):
    model: ClassVar[type[models.Model]]
    template_name: ClassVar[str]
    context_object_name: ClassVar[str] = "object"

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return get_visible_or_404(self.model, request.user, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(request, pk)
        context = {
            self.context_object_name: obj,
            "object": obj,
            "can_change": can(request.user, "change", obj),
            "can_archive": can(request.user, "archive", obj),
        }
        context.update(self.extra_context(request, obj))
        return render(request, self.template_name, context)

    def extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit an object through a form and a service.

    Subclasses implement ``save(form, obj, user, version)`` that calls one service. Field
    errors from the service land on the form; a stale edit shows a conflict, never
    overwrites.
    """

    model: ClassVar[type[models.Model]]
    form_class: ClassVar[Any]
    template_name: ClassVar[str] = "core/object_form.html"

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        if pk is None:
            if not can(request.user, "create", self.model):
                raise PermissionDenied
            return None
        obj = get_visible_or_404(self.model, request.user, pk=pk)
        if not can(request.user, "change", obj):
            raise PermissionDenied
        return obj

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return self.form_class(data, instance=obj, user=request.user)

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        verbose = self.model._meta.verbose_name
        return {
            "form": form,
            "object": obj,
            "title": f"Edit {obj}" if obj else f"New {verbose}",
            "cancel_url": obj.get_absolute_url() if obj else safe_next(request),
            "version": getattr(obj, "version", None),
            **extra,
        }

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        return render(request, self.template_name, self.context(request, self.get_form(request, obj), obj))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if form.is_valid():
            version = _int_or_none(request.POST.get("version"))
            try:
                saved = self.save(form, obj, request.user, version)
            except ConflictError as exc:
                form.add_error(None, str(exc))
                return render(
                    request,
                    self.template_name,
                    self.context(
                        request,
                        form,
                        obj,
                        conflict=exc.instance,
                        conflict_rows=conflict_rows(form, exc.instance),
                    ),
                    status=409,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"Saved {saved}.")
                return redirect(saved.get_absolute_url())
        return render(request, self.template_name, self.context(request, form, obj), status=422)

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Any:  # pragma: no cover
        raise NotImplementedError


def conflict_rows(form: Any, saved: models.Model) -> list[dict[str, Any]]:
    """The form's fields where the version saved meanwhile and the user's edit differ: both
    values for display, and the saved one as the form would submit it (to take it over)."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in getattr(form, "cleaned_data", {}):
            continue
        try:
            model_field = saved._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.many_to_many or model_field.one_to_many:
            continue
        now, mine = getattr(saved, name), form.cleaned_data[name]
        if now == mine or (now in (None, "") and mine in (None, "")):
            continue
        raw = field.widget.format_value(field.prepare_value(getattr(saved, model_field.attname)))
        rows.append(
            {
                "name": name,
                "label": field.label or model_field.verbose_name,
                "saved": "—" if now in (None, "") else str(now),
                "mine": "—" if mine in (None, "") else str(mine),
                "raw": "" if raw is None else str(raw),
            }
        )
    return rows


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The ``next`` parameter if it points inside this site, else ``default``."""
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(
                        target,
                        message if target else f"{field}: {message}" if field != "__all__" else message,
                    )
    else:
        for message in exc.messages:
            form.add_error(None, message)


@method_decorator(never_cache, name="dispatch")
class ObjectArchiveView(LoginRequiredMixin, View):
    """POST to archive (or with ``restore=1`` to bring back) an object."""

    model: ClassVar[type[models.Model]]
    success_url: ClassVar[str] = "/"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_visible_or_404(self.model, request.user, pk=pk)
        if not can(request.user, "archive", obj):
            raise PermissionDenied
        try:
            if request.POST.get("restore") == "1":
                obj = model_restore(instance=obj, user=request.user)
                messages.success(request, f"Restored {obj}.")
                return redirect(obj.get_absolute_url())
            self.archive(obj, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(obj.get_absolute_url())
        messages.success(request, f"Archived {obj}. It can be restored from the archived list.")
        return redirect(self.success_url)

    def archive(self, obj: Any, user: Any) -> Any:
        return model_archive(instance=obj, user=user)


# --- earlier versions -----------------------------------------------------------------------


@login_required
def version_detail(request: HttpRequest, label: str, pk: int, history_id: int) -> HttpResponse:
    """One earlier version of a record beside the current one; editors may restore it."""
    from . import versions
    from .permissions import require_internal

    require_internal(request.user, hide=True)  # history is ours
    model = versions.model_of(label)
    instance = get_visible_or_404(model, request.user, pk=pk)
    record = versions.version_of(instance, history_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            restored, changed = versions.version_restore(
                instance=instance,
                history_id=history_id,
                user=request.user,
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ConflictError as exc:
            error, instance, status = str(exc) + " Compare again before restoring.", exc.instance, 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            if changed:
                messages.success(request, f"Restored {restored} as it was on {record.history_date:%d %b %Y}.")
            else:
                messages.info(request, "Nothing to restore: it is already as in that version.")
            return redirect(restored.get_absolute_url())
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(
        request,
        "core/version_detail.html",
        {
            "title": f"{model._meta.verbose_name.capitalize()} as it was",
            "object": instance,
            "record": record,
            "differences": versions.differences(instance, record),
            "can_restore": can(request.user, "change", instance),
            "error": error,
        },
        status=status,
    )
