"""Earlier versions of a record, and restoring one.

Every domain model keeps its history (django-simple-history, ``BaseModel.history``). Any earlier
version can be looked at beside the current one and restored: the restorable fields get the
version's values through ``model_update`` - the same policy, validation, optimistic version
check and history as an edit, with the reason "restored the version of <date>" recorded.

Restorable are the fields a user edits, and only those: not the id, the bookkeeping
(created/updated, version, archived), fields the application keeps itself (``editable=False``:
derived figures, ledgers), the workflow - ``status`` and ``stage`` change through their domain
verbs, which do more than set a field (approving a fund request commits budget, moving a stage
checks its gate), and their stamps (``…_at``, ``…_on``, ``…_by``) - the parents a record belongs
to (required foreign keys: a restore never moves a record to another alliance or budget), and a
model's own ``restore_exclude``. A model with ``restorable = False`` (computed statements, say)
has versions to look at but none to restore. Archiving has its own restore (``model_restore``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone

from .models import BaseModel
from .services import model_update

BOOKKEEPING = {"id", "created_at", "updated_at", "version", "archived_at"}
WORKFLOW = {"status", "stage"}
STAMP_SUFFIXES = ("_at", "_on", "_by")


def model_of(label: str) -> type[BaseModel]:
    """The domain model named ``app_label.ModelName`` (any case), else 404."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404(f"No kind of record {label!r}.") from None
    if not issubclass(model, BaseModel) or not hasattr(model, "history"):
        raise Http404(f"No kind of record {label!r}.")
    return model


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def restorable_fields(model: type[models.Model]) -> list[models.Field]:
    if not getattr(model, "restorable", True):
        return []
    exclude = set(getattr(model, "restore_exclude", ())) | BOOKKEEPING | WORKFLOW
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and f.name not in exclude
        and not f.name.endswith(STAMP_SUFFIXES)
        and not (f.many_to_one and not f.null)
    ]


def version_of(instance: BaseModel, history_id: int) -> Any:
    if not 1 <= history_id <= 2**63 - 1:
        raise Http404(f"No such version of this {instance._meta.verbose_name}.")
    record = instance.history.filter(history_id=history_id).select_related("history_user").first()
    if record is None:
        raise Http404(f"No such version of this {instance._meta.verbose_name}.")
    return record


def _display(field: models.Field, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value} (no longer there)"
    return str(value)


def differences(instance: BaseModel, record: Any) -> list[dict[str, str]]:
    """The restorable fields whose current value differs from the version's, for display.
    Fields redacted for the reader (``_redacted``) are left out."""
    hidden = getattr(instance, "_redacted", ())
    rows = []
    for f in restorable_fields(type(instance)):
        if f.name in hidden:
            continue
        now, then = getattr(instance, f.attname), getattr(record, f.attname)
        if now != then:
            rows.append(
                {"field": str(f.verbose_name), "current": _display(f, now), "version": _display(f, then)}
            )
    return rows


def version_restore(
    *, instance: BaseModel, history_id: int, user: Any, expected_version: int | None = None
) -> tuple[BaseModel, list[str]]:
    """Give ``instance`` the restorable values of its version ``history_id``; returns the
    record and the names of the fields that changed (none: nothing is written)."""
    record = version_of(instance, history_id)
    data = {f.attname: getattr(record, f.attname) for f in restorable_fields(type(instance))}
    when = timezone.localtime(record.history_date)
    reason = f"restored the version of {when:%d %b %Y %H:%M} (#{record.history_id})"
    try:
        return model_update(
            instance=instance, data=data, user=user, expected_version=expected_version, reason=reason
        )
    except ValidationError as exc:
        raise ValidationError(
            {
                "version": f"That version is no longer valid as it stands; edit the record instead. ({exc.messages[0]})"
            }
        ) from None
