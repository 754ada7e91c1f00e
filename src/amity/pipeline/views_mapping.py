"""Account mapping pages: the alliance's mapping tab, a run's overlap matrix, the runs list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from amity.alliances.selectors import alliance_detail
from amity.alliances.views import alliance_header_context
from amity.core.permissions import can, get_visible_or_404
from amity.core.views import _errors_to_form

from . import services_mapping as services
from .forms_mapping import FinishForm, RespondForm, StartForm
from .mapping.keys import STATUS_LABELS
from .models import Account, MappingRole, MappingRun, MappingStatus

THEIR_LABELS = {**STATUS_LABELS, "any": "Any status"}


def _partners(alliance) -> list:
    return [
        party.organization
        for party in alliance.parties.filter(archived_at__isnull=True, organization__is_home=False)
        .select_related("organization")
        .order_by("organization__name")
    ]


def _runs(user, **filters):
    return (
        MappingRun.objects.visible_to(user)
        .filter(archived_at__isnull=True, **filters)
        .select_related("alliance", "partner", "created_by")
    )


@login_required
def alliance_mapping(request: HttpRequest, pk: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    partners = _partners(alliance)
    internal = request.user.is_internal
    counts = {}
    if internal:
        home = services.home_organization()
        counts = dict(
            Account.objects.filter(owner_organization__in=[home, *partners], archived_at__isnull=True)
            .values_list("owner_organization")
            .annotate(n=Count("pk"))
            .values_list("owner_organization", "n")
        )
        ours = counts.get(home.pk, 0)
    else:
        ours = None
    forms = forms or {}
    context = alliance_header_context(request, alliance, tab="pipeline")
    context.update(
        {
            "runs": list(_runs(request.user, alliance=alliance)[:50]),
            "partners": [(p, counts.get(p.pk, 0)) for p in partners],
            "our_count": ours,
            "can_map": can(request.user, "create", MappingRun) and bool(partners),
            "shared_form": forms.get("shared") or StartForm(partners=partners),
            "private_form": forms.get("private") or StartForm(partners=partners, initial={"reveal": True}),
            "respond_form": forms.get("respond") or RespondForm(partners=partners),
        }
    )
    return render(request, "pipeline/mapping_alliance.html", context, status=422 if forms else 200)


def _start(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "create", MappingRun):
        raise PermissionDenied("Only alliance managers map accounts.")
    partners = _partners(alliance)
    form_class = RespondForm if kind == "respond" else StartForm
    form = form_class(request.POST, request.FILES, partners=partners)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "shared":
                run = services.mapping_shared(
                    user=request.user, alliance=alliance, partner=data["partner"], reveal=data["reveal"]
                )
                messages.success(request, f"Mapped: {run.matrix.get('total', 0)} accounts are on both lists.")
            elif kind == "private":
                run = services.mapping_request(
                    user=request.user, alliance=alliance, partner=data["partner"], reveal=data["reveal"]
                )
                messages.success(request, "Request created: download it and send it to the partner.")
            else:
                run = services.mapping_respond(
                    user=request.user,
                    alliance=alliance,
                    partner=data["partner"],
                    request=data["request"],
                    split_statuses=data["split_statuses"],
                    allow_reveal=data["allow_reveal"],
                )
                messages.success(request, "Response created: download it and send it back to the partner.")
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect(run.get_absolute_url())
    return alliance_mapping(request, pk, forms={kind: form})


@login_required
@require_POST
def mapping_shared(request: HttpRequest, pk: int) -> HttpResponse:
    return _start(request, pk, "shared")


@login_required
@require_POST
def mapping_private(request: HttpRequest, pk: int) -> HttpResponse:
    return _start(request, pk, "private")


@login_required
@require_POST
def mapping_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _start(request, pk, "respond")


def matrix_view(run: MappingRun) -> dict[str, Any]:
    """Rows and columns of the overlap matrix, and the heatmap's data."""
    data = run.matrix or {}
    ours, theirs = data.get("statuses", []), data.get("their_statuses", [])
    cells = {(c["ours"], c["theirs"]): c["count"] for c in data.get("cells", [])}
    rows = [
        {
            "label": STATUS_LABELS.get(o, o),
            "cells": [cells.get((o, t), 0) for t in theirs],
            "total": sum(cells.get((o, t), 0) for t in theirs),
        }
        for o in ours
    ]
    chart = {
        "x": [THEIR_LABELS.get(t, t) for t in theirs],
        "y": [STATUS_LABELS.get(o, o) for o in ours],
        "values": [
            [xi, yi, cells.get((o, t), 0)] for yi, o in enumerate(ours) for xi, t in enumerate(theirs)
        ],
        "xName": "Partner's accounts",
        "yName": "Our accounts",
    }
    return {
        "columns": [THEIR_LABELS.get(t, t) for t in theirs],
        "column_totals": [sum(cells.get((o, t), 0) for o in ours) for t in theirs],
        "rows": rows,
        "total": data.get("total", 0),
        "chart": chart,
    }


@login_required
def mapping_detail(request: HttpRequest, pk: int, finish_form: FinishForm | None = None) -> HttpResponse:
    run = get_visible_or_404(MappingRun, request.user, pk=pk)
    internal = request.user.is_internal
    can_finish = (
        can(request.user, "change", run)
        and run.role == MappingRole.INITIATOR
        and run.mode == "private"
        and run.status == MappingStatus.REQUESTED
    )
    matches = [
        m
        | {
            "ours_label": STATUS_LABELS.get(m["ours"], m["ours"]),
            "theirs_label": THEIR_LABELS.get(m["theirs"], m["theirs"]),
        }
        for m in (run.matches if run.reveal_matches else [])[:1000]
    ]
    context = {
        "run": run,
        "internal": internal,
        "matrix": matrix_view(run) if run.matrix else None,
        "matches": matches,
        "can_finish": can_finish,
        "finish_form": finish_form or FinishForm(),
    }
    return render(request, "pipeline/mapping_detail.html", context, status=422 if finish_form else 200)


@login_required
@require_POST
def mapping_finish(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(MappingRun, request.user, pk=pk)
    if not can(request.user, "change", run):
        raise PermissionDenied("Only alliance managers finish a mapping.")
    form = FinishForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            run = services.mapping_finish(user=request.user, run=run, response=form.cleaned_data["response"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Finished: {run.matrix.get('total', 0)} accounts are on both lists.")
            return redirect(run.get_absolute_url())
    return mapping_detail(request, pk, finish_form=form)


@login_required
def mapping_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The request or response message of a run; our secret state is never served."""
    run = get_visible_or_404(MappingRun, request.user, pk=pk)
    if not request.user.is_internal:
        raise Http404("No such file.")
    field = {"request": run.request_file, "response": run.response_file}.get(which)
    if not field:
        raise Http404("No such file.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"amity-mapping-{run.pk}-{which}.bin")


@login_required
def mapping_list(request: HttpRequest) -> HttpResponse:
    runs = list(_runs(request.user).order_by("-created_at", "-pk")[:200])
    return render(request, "pipeline/mapping_list.html", {"runs": runs})


urlpatterns = [
    path("alliances/<int:pk>/mapping/", alliance_mapping, name="alliance_mapping"),
    path("alliances/<int:pk>/mapping/shared/", mapping_shared, name="mapping_shared"),
    path("alliances/<int:pk>/mapping/private/", mapping_private, name="mapping_private"),
    path("alliances/<int:pk>/mapping/respond/", mapping_respond, name="mapping_respond"),
    path("pipeline/mappings/", mapping_list, name="mapping_list"),
    path("pipeline/mappings/<int:pk>/", mapping_detail, name="mapping_detail"),
    path("pipeline/mappings/<int:pk>/finish/", mapping_finish, name="mapping_finish"),
    path("pipeline/mappings/<int:pk>/<str:which>.bin", mapping_file, name="mapping_file"),
]
