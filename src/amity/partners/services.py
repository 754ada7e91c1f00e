"""Writes for organizations, contacts and certifications beyond the generic ones in core/services.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from amity.core.services import model_archive, model_create, model_update, require

from .models import Certification, Contact, Organization


def organization_archive(*, organization: Organization, user: Any, reason: str = "") -> Organization:
    """Archive a partner organization. Our own company cannot be archived."""
    if organization.is_home:
        raise ValidationError({"organization": "Our own company cannot be archived."})
    return model_archive(instance=organization, user=user, reason=reason)


# --- certifications ------------------------------------------------------------------------------


def _check_certified_contact(contact: Contact | None) -> None:
    """Certifications are recorded for partner people: not our own staff, not archived people."""
    if contact is None:
        return
    if contact.organization.is_home:
        raise ValidationError(
            {
                "contact": f"{contact} works at our own company; certifications are recorded for "
                "partner people."
            }
        )
    if contact.archived_at is not None or contact.organization.archived_at is not None:
        raise ValidationError({"contact": f"{contact} is archived."})


def certification_create(*, data: dict[str, Any], user: Any) -> Certification:
    """Record a training or certification of a partner person (``data`` holds the model fields)."""
    require(user, "create", Certification)
    _check_certified_contact(data.get("contact"))
    return model_create(model=Certification, data=data, user=user)


def certification_update(
    *, certification: Certification, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> Certification:
    """Change a certification; a stale ``expected_version`` is a conflict that writes nothing."""
    require(user, "change", certification)
    contact = data.get("contact")
    if contact is not None and contact.pk != certification.contact_id:
        _check_certified_contact(contact)
    saved, _ = model_update(instance=certification, data=data, user=user, expected_version=expected_version)
    return saved
