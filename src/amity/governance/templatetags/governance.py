"""Badges and icons of the governance pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()

KIND_ICONS = {
    "qbr": "bi-clipboard-data",
    "pipeline": "bi-funnel",
    "executive": "bi-briefcase",
    "steering": "bi-diagram-3",
    "operating": "bi-people",
    "other": "bi-calendar-event",
}
MEETING_STATUS = {"planned": "text-bg-primary", "held": "text-bg-success", "cancelled": "text-bg-secondary"}
ACTION_STATUS = {"open": "text-bg-warning", "done": "text-bg-success", "cancelled": "text-bg-secondary"}
ESCALATION_STATUS = {"open": "text-bg-danger", "decided": "text-bg-success", "withdrawn": "text-bg-secondary"}
BODY_KIND = {
    "steering": "bi-bank",
    "operating": "bi-gear-wide-connected",
    "working": "bi-tools",
    "other": "bi-people",
}


@register.simple_tag
def kind_icon(kind: str) -> str:
    return format_html('<i class="bi {}" aria-hidden="true"></i>', KIND_ICONS.get(kind, "bi-calendar-event"))


@register.simple_tag
def body_icon(kind: str) -> str:
    return format_html('<i class="bi {}" aria-hidden="true"></i>', BODY_KIND.get(kind, "bi-people"))


@register.simple_tag
def meeting_status_badge(meeting: Any) -> str:
    return format_html(
        '<span class="badge {}" data-testid="meeting-status">{}</span>',
        MEETING_STATUS.get(meeting.status, "text-bg-light"),
        meeting.get_status_display(),
    )


@register.simple_tag
def action_status_badge(item: Any) -> str:
    css = ACTION_STATUS.get(item.status, "text-bg-light")
    return format_html('<span class="badge {}">{}</span>', css, item.get_status_display())


@register.simple_tag
def escalation_status_badge(escalation: Any) -> str:
    css = ESCALATION_STATUS.get(escalation.status, "text-bg-light")
    return format_html(
        '<span class="badge {}" data-testid="escalation-status">{}</span>',
        css,
        escalation.get_status_display(),
    )


@register.filter
def initials(contact: Any) -> str:
    first = (getattr(contact, "first_name", "") or "")[:1]
    last = (getattr(contact, "last_name", "") or "")[:1]
    return (first + last).upper() or "?"


@register.filter
def is_link(value: str) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


@register.filter
def days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"
