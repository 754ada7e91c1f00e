"""Writes for organizations and contacts beyond the generic ones in core/services.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from amity.core.services import model_archive

from .models import Organization


def organization_archive(*, organization: Organization, user: Any, reason: str = "") -> Organization:
    """Archive a partner organization. Our own company cannot be archived."""
    if organization.is_home:
        raise ValidationError({"organization": "Our own company cannot be archived."})
    return model_archive(instance=organization, user=user, reason=reason)
