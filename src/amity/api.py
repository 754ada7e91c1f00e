"""The REST API root: authentication, error handling, and each app's router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from amity import __version__
from amity.accounts.services import token_check
from amity.core.services import ConflictError, validation_messages


class BearerToken(HttpBearer):
    """``Authorization: Bearer amity_…``: a personal token, within its scope and until it expires.

    A revoked or expired token answers 401 and a read-only token asked to write answers 403,
    each saying so, even when the caller also has a session: the token the caller chose wins.
    """

    def authenticate(self, request: HttpRequest, token: str):
        check = token_check(token, method=request.method or "GET", request=request)
        if check.user is None:
            if check.status == 403:
                raise HttpError(403, check.message)
            if check.message:
                raise AuthenticationError(message=check.message)
            return None
        request.user = check.user
        return check.user


api = NinjaAPI(
    title="Amity API",
    version=__version__,
    description=(
        "Strategic alliance management. Authenticate with a session cookie or "
        "`Authorization: Bearer <token>` (create one on the *API tokens* page or with "
        "`amity token create --user NAME --scope read|write`); a read-only token may only GET. "
        "Lists are paginated (`limit`, `offset`) and return `count` and `items`. "
        "Invalid input answers 422 with messages per field; what you may not see answers 404. "
        "Send an `Idempotency-Key` header (a fresh random value per new record, the same one on "
        "retries) with a POST and a retry answers the first answer again (`Idempotent-Replayed: "
        "true`) without creating anything twice; keys are kept for 24 hours."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def _field_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(p) for p in error.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", "invalid"))
    return fields


@api.exception_handler(NinjaValidationError)
def on_ninja_validation(request, exc):
    return api.create_response(
        request, {"detail": "Invalid input.", "errors": _field_errors(exc.errors)}, status=422
    )


@api.exception_handler(ValidationError)
def on_validation(request, exc):
    return api.create_response(
        request, {"detail": "Invalid input.", "errors": validation_messages(exc)}, status=422
    )


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return api.create_response(request, {"detail": str(exc), "current_version": exc.current}, status=409)


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    # ninja's own "Unauthorized" says nothing useful; a token's own reason (expired, revoked) does.
    detail = "Authentication required." if exc.message == "Unauthorized" else exc.message
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        # A body that is not JSON (or not the multipart form) is invalid input like any other.
        errors = {"body": ["The request body cannot be read: send JSON (or the documented form)."]}
        return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _mount() -> None:
    from amity.accounts.api import router as accounts_router
    from amity.agreements.api import router as agreements_router
    from amity.alliances.api import router as alliances_router
    from amity.assessments.api import router as assessments_router
    from amity.comments.api import router as comments_router
    from amity.core.api_versions import router as versions_router
    from amity.funds.api import router as funds_router
    from amity.governance.api import router as governance_router
    from amity.notifications.api import router as notifications_router
    from amity.partners.api import router as partners_router
    from amity.pipeline.api import router as pipeline_router
    from amity.pipeline.api_forecast import router as forecast_router
    from amity.pipeline.api_imports import router as imports_router
    from amity.pipeline.api_leads import router as leads_router
    from amity.pipeline.api_mapping import router as mapping_router
    from amity.planning.api import router as planning_router
    from amity.portal.api import router as portal_router
    from amity.scorecards.api import router as scorecards_router
    from amity.webhooks.api import router as webhooks_router

    api.add_router("", partners_router)
    api.add_router("", alliances_router)
    api.add_router("", accounts_router)
    api.add_router("", agreements_router)
    api.add_router("", planning_router)
    api.add_router("", governance_router)
    api.add_router("", notifications_router)
    api.add_router("", pipeline_router)
    api.add_router("", forecast_router)
    api.add_router("", imports_router)
    api.add_router("", mapping_router)
    api.add_router("", leads_router)
    api.add_router("", funds_router)
    api.add_router("", assessments_router)
    api.add_router("", scorecards_router)
    api.add_router("", webhooks_router)
    api.add_router("", portal_router)
    api.add_router("", comments_router)
    api.add_router("", versions_router)


_mount()
