"""Badges and numbers of the planning pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from amity.planning.models import number_label

register = template.Library()

PLAN_STATUS = {
    "draft": ("text-bg-light border", "bi-pencil"),
    "proposed": ("text-bg-warning", "bi-send"),
    "agreed": ("text-bg-info", "bi-people"),
    "active": ("text-bg-success", "bi-play-circle"),
    "closed": ("text-bg-secondary", "bi-lock"),
}
MILESTONE_STATUS = {
    "planned": ("text-bg-light border", "bi-circle"),
    "in_progress": ("text-bg-primary", "bi-arrow-repeat"),
    "done": ("text-bg-success", "bi-check2-circle"),
    "cancelled": ("text-bg-secondary", "bi-x-circle"),
}
GENERIC_STATUS = {
    "idea": "text-bg-light border",
    "in_development": "text-bg-primary",
    "launched": "text-bg-success",
    "retired": "text-bg-secondary",
    "proposed": "text-bg-light border",
    "active": "text-bg-success",
    "on_hold": "text-bg-warning",
    "completed": "text-bg-secondary",
    "cancelled": "text-bg-secondary",
}
CATEGORY_ICONS = {
    "integration": "bi-plug",
    "shared_dashboard": "bi-speedometer2",
    "joint_offering": "bi-box-seam",
    "certification": "bi-patch-check",
    "gtm_launch": "bi-rocket-takeoff",
    "other": "bi-flag",
}


@register.simple_tag
def plan_status_badge(plan: Any) -> str:
    css, icon = PLAN_STATUS.get(plan.status, ("text-bg-light", "bi-circle"))
    return format_html(
        '<span class="badge {}"><i class="bi {}"></i> {}</span>', css, icon, plan.get_status_display()
    )


@register.simple_tag
def milestone_status_badge(milestone: Any) -> str:
    css, icon = MILESTONE_STATUS.get(milestone.status, ("text-bg-light", "bi-circle"))
    return format_html(
        '<span class="badge {}"><i class="bi {}"></i> {}</span>', css, icon, milestone.get_status_display()
    )


@register.simple_tag
def status_badge(obj: Any) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        GENERIC_STATUS.get(obj.status, "text-bg-light"),
        obj.get_status_display(),
    )


@register.filter
def category_icon(code: str) -> str:
    return CATEGORY_ICONS.get(code, "bi-flag")


@register.filter
def num(value: Any) -> str:
    """1234.50 → '1,234.5'; 3.00 → '3'; None → '—'."""
    if value is None or value == "":
        return "—"
    return number_label(Decimal(value))


@register.filter
def progress_css(pct: Any) -> str:
    """Bootstrap colour for a progress percentage: ≥90 on track, ≥60 at risk, else behind."""
    if pct is None:
        return "secondary"
    if pct >= 90:
        return "success"
    if pct >= 60:
        return "warning"
    return "danger"


@register.filter
def bar_width(pct: Any) -> int:
    if pct is None:
        return 0
    return max(0, min(100, int(pct)))


@register.filter
def initial(name: Any) -> str:
    return (str(name) or "?")[:1].upper()
