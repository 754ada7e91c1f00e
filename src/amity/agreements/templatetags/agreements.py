"""Badges and number formats of the agreements and commitments pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

AGREEMENT_BADGES = {
    "draft": ("text-bg-light border", "bi-pencil"),
    "negotiating": ("text-bg-info", "bi-chat-left-dots"),
    "signed": ("text-bg-primary", "bi-pen"),
    "active": ("text-bg-success", "bi-check-circle"),
    "expired": ("text-bg-secondary", "bi-hourglass-bottom"),
    "terminated": ("text-bg-danger", "bi-x-octagon"),
}
COMMITMENT_BADGES = {
    "proposed": ("text-bg-light border", "bi-lightbulb"),
    "agreed": ("text-bg-primary", "bi-hand-thumbs-up"),
    "in_progress": ("text-bg-info", "bi-arrow-repeat"),
    "met": ("text-bg-success", "bi-check2-circle"),
    "missed": ("text-bg-danger", "bi-x-circle"),
    "waived": ("text-bg-secondary", "bi-slash-circle"),
    "renegotiated": ("text-bg-warning", "bi-arrow-left-right"),
}


def _badge(css: str, icon: str, label: str, testid: str) -> str:
    return format_html(
        '<span class="badge {}" data-status="{}"><i class="bi {}"></i> {}</span>', css, testid, icon, label
    )


@register.simple_tag
def agreement_status_badge(obj: Any) -> str:
    css, icon = AGREEMENT_BADGES.get(obj.status, ("text-bg-light", "bi-circle"))
    return _badge(css, icon, obj.get_status_display(), obj.status)


@register.simple_tag
def commitment_status_badge(obj: Any) -> str:
    css, icon = COMMITMENT_BADGES.get(obj.status, ("text-bg-light", "bi-circle"))
    return _badge(css, icon, obj.get_status_display(), obj.status)


@register.simple_tag
def nature_badge(obj: Any) -> str:
    if obj.nature == "hard":
        return mark_safe(
            '<span class="badge rounded-pill text-bg-dark" title="Bound by an agreement">'
            '<i class="bi bi-lock-fill"></i> hard</span>'
        )
    return format_html(
        '<span class="badge rounded-pill text-bg-light border" title="{}"><i class="bi bi-unlock"></i> soft</span>',
        obj.get_soft_source_display() or "soft",
    )


@register.simple_tag
def side_badge(organization: Any) -> str:
    if getattr(organization, "is_home", False):
        return format_html(
            '<span class="badge rounded-pill text-bg-primary-subtle text-primary-emphasis">{}</span>', "ours"
        )
    return format_html(
        '<span class="badge rounded-pill text-bg-warning-subtle text-warning-emphasis">{}</span>', "partner"
    )


@register.filter
def qty(value: Any) -> str:
    """2.00 → '2', 1.50 → '1.5', 12000 → '12,000'."""
    if value in (None, ""):
        return "—"
    number = Decimal(value)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text


@register.filter
def days_word(value: int) -> str:
    value = int(value)
    if value == 0:
        return "today"
    if value == 1:
        return "tomorrow"
    if value == -1:
        return "yesterday"
    return f"in {value} days" if value > 0 else f"{-value} days ago"
