"""The alliance's sharing settings: which kinds of data each partner sees (internal editors).

The page is a matrix partner × kind of data; saving writes only what changed
(``sharing.set_sharing``), and the alliance page says the result in plain words.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from amity.core.permissions import can, is_internal
from amity.core.services import validation_messages

from . import selectors, sharing
from .models import SHARED_BY_DEFAULT, DataKind
from .views import alliance_header_context


def _context(request: HttpRequest, alliance: Any) -> dict[str, Any]:
    ctx = alliance_header_context(request, alliance, tab="overview")
    rows = sharing.matrix(alliance)
    ctx.update(
        {
            "title": f"Sharing of {alliance}",
            "rows": rows,
            "kinds": [
                {"value": k.value, "label": k.label, "default": SHARED_BY_DEFAULT[k]} for k in DataKind
            ],
        }
    )
    return ctx


@login_required
def alliance_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_internal(request.user):
        raise Http404
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "change", alliance) or alliance.archived_at is not None:
        raise PermissionDenied
    if request.method == "POST":
        changes = [
            (row.party.organization_id, kind, f"share-{row.party.organization_id}-{kind}" in request.POST)
            for row in sharing.matrix(alliance)
            for kind in DataKind.values
        ]
        try:
            changed = sharing.set_sharing(alliance=alliance, changes=changes, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in validation_messages(exc).values() for m in ms))
            return render(request, "alliances/sharing.html", _context(request, alliance), status=422)
        messages.success(request, f"Sharing saved ({changed} change{'s' if changed != 1 else ''}).")
        return redirect("alliances:alliance_detail", pk=alliance.pk)
    return render(request, "alliances/sharing.html", _context(request, alliance))


urlpatterns = [path("alliances/<int:pk>/sharing/", alliance_sharing, name="alliance_sharing")]
