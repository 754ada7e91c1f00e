"""REST API of account mapping: shared mappings, and private mappings through message files.

Internal users read every run; partner users read the runs with their own organization (the
counts; matched accounts when the run revealed them). Admins and alliance managers start and
finish runs. The request and response files are downloadable by internal users; our secret
state never is.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
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
    acting_user,
    get_visible,
)
from amity.partners.models import Organization

from . import services_mapping as services
from .models import MappingRun

router = Router(tags=["account mapping"])

BINARY = {
    "responses": {
        200: {"description": "A message file (binary).", "content": {"application/octet-stream": {}}}
    }
}


class MappingOut(Schema):
    id: int
    alliance_id: int
    partner_id: int
    partner: str
    mode: str = Field(description="shared | private")
    role: str = Field(description="initiator (we started) | responder (the partner started)")
    status: str = Field(description="requested | responded | done | failed")
    reveal_matches: bool
    our_count: int
    their_count: int | None
    matrix: dict[str, Any] = Field(
        description="Counts per (our status, their status) cell; empty until done."
    )
    matches: list[dict[str, Any]] = Field(description="Matched accounts, when the run revealed them.")
    request_url: str | None
    response_url: str | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_partner(obj: MappingRun) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_matches(obj: MappingRun) -> list[dict[str, Any]]:
        return obj.matches if obj.reveal_matches else []

    @staticmethod
    def resolve_request_url(obj: MappingRun) -> str | None:
        return f"/api/v1/mappings/{obj.pk}/request" if obj.request_file else None

    @staticmethod
    def resolve_response_url(obj: MappingRun) -> str | None:
        return f"/api/v1/mappings/{obj.pk}/response" if obj.response_file else None


class StartIn(InputSchema):
    alliance: Id
    partner: Id
    reveal: bool = Field(False, description="Keep the matched accounts, not only the counts.")


def _runs(user: Any):
    return MappingRun.objects.visible_to(user).filter(archived_at__isnull=True).select_related("partner")


def _run(user: Any, run_id: int) -> MappingRun:
    return get_visible(MappingRun, user, run_id, _runs(user))


def _resolve(user: Any, alliance: int | None, partner: int | None) -> tuple[Alliance, Organization]:
    resolve = Resolver(user)
    found_alliance = resolve.one(Alliance, alliance, "alliance")
    found_partner = resolve.one(Organization, partner, "partner")
    resolve.check()
    return found_alliance, found_partner


@router.get("/mappings", response={200: list[MappingOut], **READ_ERRORS})
@paginate(Page)
def mapping_list(request: HttpRequest):
    return _runs(acting_user(request)).order_by("-created_at", "-pk")


@router.get("/mappings/{run_id}", response={200: MappingOut, **READ_ERRORS})
def mapping_detail(request: HttpRequest, run_id: int):
    return _run(acting_user(request), run_id)


@router.post("/mappings", response={201: MappingOut, **WRITE_ERRORS})
def mapping_shared(request: HttpRequest, payload: StartIn):
    """Shared mode: map our accounts against the partner's accounts in Amity (done at once)."""
    user = acting_user(request)
    alliance, partner = _resolve(user, payload.alliance, payload.partner)
    run = services.mapping_shared(user=user, alliance=alliance, partner=partner, reveal=payload.reveal)
    return Status(201, _run(user, run.pk))


@router.post("/mappings/private/request", response={201: MappingOut, **WRITE_ERRORS})
def mapping_private_request(request: HttpRequest, payload: StartIn):
    """Private mode, we start: creates the request file (``request_url``) to send to the partner."""
    user = acting_user(request)
    alliance, partner = _resolve(user, payload.alliance, payload.partner)
    run = services.mapping_request(user=user, alliance=alliance, partner=partner, reveal=payload.reveal)
    return Status(201, _run(user, run.pk))


@router.post("/mappings/{run_id}/finish", response={200: MappingOut, **WRITE_ERRORS})
def mapping_finish(
    request: HttpRequest,
    run_id: int,
    response: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: the service names it
):
    """Private mode, we started: upload the partner's response file (multipart ``response``)."""
    user = acting_user(request)
    run = services.mapping_finish(user=user, run=_run(user, run_id), response=response or b"")
    return _run(user, run.pk)


@router.post("/mappings/private/respond", response={201: MappingOut, **WRITE_ERRORS})
def mapping_private_respond(
    request: HttpRequest,
    alliance: Form[Id | None] = None,  # type: ignore[valid-type]
    partner: Form[Id | None] = None,  # type: ignore[valid-type]
    request_file: File[UploadedFile] = None,  # type: ignore[assignment]
    split_statuses: Form[bool] = True,
    allow_reveal: Form[bool] = True,
):
    """Private mode, the partner started: upload their request (multipart ``request_file``);
    the response to send back is at ``response_url``."""
    user = acting_user(request)
    found_alliance, found_partner = _resolve(user, alliance, partner)
    run = services.mapping_respond(
        user=user,
        alliance=found_alliance,
        partner=found_partner,
        request=request_file or b"",
        split_statuses=split_statuses,
        allow_reveal=allow_reveal,
    )
    return Status(201, _run(user, run.pk))


def _file(request: HttpRequest, run_id: int, which: str) -> FileResponse:
    user = acting_user(request)
    run = _run(user, run_id)
    field = run.request_file if which == "request" else run.response_file
    if not user.is_internal or not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"amity-mapping-{run.pk}-{which}.bin")


@router.get("/mappings/{run_id}/request", response=READ_ERRORS, openapi_extra=BINARY)
def mapping_request_file(request: HttpRequest, run_id: int):
    return _file(request, run_id, "request")


@router.get("/mappings/{run_id}/response", response=READ_ERRORS, openapi_extra=BINARY)
def mapping_response_file(request: HttpRequest, run_id: int):
    return _file(request, run_id, "response")
