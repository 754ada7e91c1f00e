"""Who may do what: the model's ``policy`` by role, then the object's own hook."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .models import user_role
from .roles import EDITORS, INTERNAL_ROLES


def is_internal(user: Any) -> bool:
    """Our own people (admin, manager, executive, sales) - not partner users, not anonymous."""
    return user_role(user) in INTERNAL_ROLES


def is_editor(user: Any) -> bool:
    """Admins and alliance managers: those who change the portfolio's shared settings."""
    return user_role(user) in EDITORS


def require_internal(user: Any, message: str = "", *, hide: bool = False) -> None:
    """Stop anyone but our own people: ``PermissionDenied(message)``, or a 404 with ``hide``
    for things whose very existence is internal (reviews, the portfolio pages)."""
    if not is_internal(user):
        if hide:
            raise Http404(message or "No such page.")
        raise PermissionDenied(message or "This is for internal users only.")


def require_editor(user: Any, what: str) -> None:
    """Stop anyone but admins and alliance managers, saying what they may not do."""
    if not is_editor(user):
        raise PermissionDenied(f"Only alliance managers and admins may {what}.")


def can(user: Any, action: str, target: type[models.Model] | models.Model) -> bool:
    """True when ``user`` may perform ``action`` on a model class or one object.

    For an object, visibility is checked by the caller (it was fetched through
    ``visible_to``); this adds the role policy and the object's ``allows(user, action)``.
    """
    role = user_role(user)
    if role is None:
        return False
    model = target if isinstance(target, type) else type(target)
    allowed = getattr(model, "policy", {}).get(action, frozenset())
    if role not in allowed:
        return False
    if not isinstance(target, type) and hasattr(target, "allows"):
        return bool(target.allows(user, action))
    return True


def get_visible_or_404(model: type[models.Model], user: Any, **lookup: Any) -> Any:
    """Fetch one object through the visibility rule; invisible and missing look the same."""
    try:
        return model.objects.visible_to(user).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None
