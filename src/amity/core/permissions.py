"""Who may do what: the model's ``policy`` by role, then the object's own hook."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404

from .models import user_role


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
