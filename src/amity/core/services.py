"""Generic write services: update with optimistic locking, archive and restore.

Domain services call these (or follow the same shape): validate with ``full_clean()``,
write inside ``transaction.atomic()``, bump ``version``, and let simple-history record who
changed what.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .permissions import can

M = TypeVar("M", bound=models.Model)


class ConflictError(Exception):
    """A stale edit: somebody saved the object since the editor loaded it."""

    def __init__(self, instance: models.Model, expected: int):
        self.instance = instance
        self.expected = expected
        self.current = getattr(instance, "version", None)
        super().__init__(
            f"{instance._meta.verbose_name.capitalize()} was changed by someone else "
            f"(you edited version {expected}, it is now version {self.current})."
        )


def require(user: Any, action: str, target: Any) -> None:
    if not can(user, action, target):
        raise PermissionDenied(f"You may not {action} this {target._meta.verbose_name}.")


def _lock(instance: M) -> M:
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def set_history_user(instance: models.Model, user: Any) -> None:
    """simple-history takes the user from the request; outside one (API token, CLI) set it."""
    if getattr(user, "is_authenticated", False):
        instance._history_user = user


def model_create(*, model: type[M], data: dict[str, Any], user: Any, m2m: dict | None = None) -> M:
    require(user, "create", model)
    instance = model(**data)
    instance.full_clean()
    set_history_user(instance, user)
    with transaction.atomic():
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def model_update(
    *,
    instance: M,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    m2m: dict[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> tuple[M, list[str]]:
    """Apply ``data`` to ``instance``; return it and the names of the fields that changed.

    ``expected_version`` is the version the editor loaded; a different current version
    raises :class:`ConflictError` and writes nothing. ``reason`` goes into the history.
    """
    require(user, "change", instance)
    # A field the user sees as redacted (``VisibleQuerySet``) keeps its stored value.
    data = {k: v for k, v in data.items() if k not in getattr(instance, "_redacted", ())}
    with transaction.atomic():
        current = _lock(instance)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(current, expected_version)
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        m2m_changed = []
        for name, values in (m2m or {}).items():
            values = list(values)
            before = {o.pk for o in getattr(current, name).all()}
            after = {getattr(v, "pk", v) for v in values}
            if before != after:
                m2m_changed.append(name)
                getattr(current, name).set(values)
        if changed or m2m_changed:
            current.version += 1
            set_history_user(current, user)
            if reason:
                current._change_reason = reason
            current.save()
    return current, changed + m2m_changed


def model_archive(*, instance: M, user: Any, reason: str = "") -> M:
    """Archive instead of delete: the row stays, hidden from default lists, restorable."""
    require(user, "archive", instance)
    if instance.archived_at is not None:
        return instance
    with transaction.atomic():
        current = _lock(instance)
        current.archived_at = timezone.now()
        current.version += 1
        current._change_reason = reason or "archived"
        set_history_user(current, user)
        current.save()
    return current


def model_restore(*, instance: M, user: Any) -> M:
    require(user, "archive", instance)
    if instance.archived_at is None:
        return instance
    with transaction.atomic():
        current = _lock(instance)
        current.archived_at = None
        current.version += 1
        current._change_reason = "restored from archive"
        set_history_user(current, user)
        current.save()
    return current


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]}; non-field errors under ``__all__``."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}
