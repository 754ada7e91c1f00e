"""Earlier versions of any record, and restoring one (``core.versions``), over the API.

``{label}`` names the kind of record as ``app_label.modelname``, e.g. ``agreements.commitment``
or ``alliances.alliance``. Versions are internal: for partner users they do not exist (404).
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from amity.core import versions
from amity.core.api import READ_ERRORS, WRITE_ERRORS, InputSchema, acting_user, get_visible
from amity.core.permissions import require_internal
from amity.core.services import require

router = Router(tags=["versions"])


class VersionOut(Schema):
    history_id: int
    when: datetime
    who: str
    action: str
    reason: str


class VersionsOut(Schema):
    label: str
    id: int
    current_version: int
    versions: list[VersionOut]


class RestoreIn(InputSchema):
    expected_version: int | None = Field(
        None, ge=1, description="The version you looked at; a record changed since answers 409."
    )


class RestoreOut(Schema):
    label: str
    id: int
    version: int
    restored_from: int
    changed: list[str] = Field(description="The fields the restore changed (empty: it already matched).")


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _record(request: HttpRequest, label: str, pk: int):
    user = acting_user(request)
    require_internal(user, hide=True)
    model = versions.model_of(label)
    return user, get_visible(model, user, pk)


@router.get("/versions/{label}/{pk}", response={200: VersionsOut, **READ_ERRORS})
def version_list(request: HttpRequest, label: str, pk: int):
    """Every recorded version of one record, newest first."""
    _, instance = _record(request, label, pk)
    rows = instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:500]
    return {
        "label": instance._meta.label_lower,
        "id": instance.pk,
        "current_version": instance.version,
        "versions": [
            {
                "history_id": r.history_id,
                "when": r.history_date,
                "who": str(r.history_user) if r.history_user else "system",
                "action": ACTIONS.get(r.history_type, r.history_type),
                "reason": r.history_change_reason or "",
            }
            for r in rows
        ],
    }


@router.post("/versions/{label}/{pk}/{history_id}/restore", response={200: RestoreOut, **WRITE_ERRORS})
def version_restore(request: HttpRequest, label: str, pk: int, history_id: int, payload: RestoreIn = None):
    """Give the record the values of one of its versions (not its status, nor figures Amity
    keeps itself); the restore is recorded in its history."""
    user, instance = _record(request, label, pk)
    require(user, "change", instance)
    restored, changed = versions.version_restore(
        instance=instance,
        history_id=history_id,
        user=user,
        expected_version=payload.expected_version if payload else None,
    )
    return {
        "label": restored._meta.label_lower,
        "id": restored.pk,
        "version": restored.version,
        "restored_from": history_id,
        "changed": changed,
    }
