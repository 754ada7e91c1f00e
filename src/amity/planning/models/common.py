"""Shared helpers of the planning models: sides, people, labels, percentages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator

from amity.alliances.models import AllianceParty

ZERO = Decimal("0")
HUNDRED = Decimal("100")
QUARTERS = (1, 2, 3, 4)
NOT_NEGATIVE = [MinValueValidator(ZERO)]


def party_organization_ids(alliance_id: int | None) -> set[int]:
    """The organizations taking part in an alliance now (our company included)."""
    if alliance_id is None:
        return set()
    return set(
        AllianceParty.objects.filter(alliance_id=alliance_id, archived_at__isnull=True).values_list(
            "organization_id", flat=True
        )
    )


def _check_side(errors: dict[str, str], field: str, organization_id: int | None, alliance_id: int) -> None:
    if organization_id is not None and organization_id not in party_organization_ids(alliance_id):
        errors[field] = "This organization is not a party of the alliance."


def _check_person(errors: dict[str, str], field: str, user: Any, alliance_id: int) -> None:
    """A partner user can own something only for an organization that is a party."""
    if user is None or getattr(user, "role", None) != "partner":
        return
    if user.organization_id not in party_organization_ids(alliance_id):
        errors[field] = f"{user} works for an organization that is not a party of the alliance."


def day_label(day: date | None) -> str:
    """1 Jun 2026 (no leading zero, on every platform)."""
    return f"{day.day} {day:%b %Y}" if day else ""


def number_label(value: Decimal | None) -> str:
    """1234.50 → '1,234.5', 3.00 → '3', None → '—' (explanations read like the page)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return f"{value.quantize(Decimal('1')):,}"
    return f"{value.normalize():,f}"


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a whole-number percentage of ``whole``; None when it cannot be computed."""
    if part is None or whole is None or whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("1"))


# --- joint business plans -----------------------------------------------------------------
