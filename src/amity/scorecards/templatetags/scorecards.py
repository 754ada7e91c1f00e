"""Formatting of KPI values by unit, and the red/amber/green badge."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


@register.filter
def kpi_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return f"{value:,.0f} {settings.AMITY_REPORTING_CURRENCY}"
    if unit == "percent":
        return f"{value:,.1f} %"
    if unit == "ratio":
        return f"{value:,.2f}×"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


@register.simple_tag
def rag(status):
    if not status:
        return format_html(
            '<span class="badge text-bg-light" title="{}">{}</span>', "No thresholds or no value", "—"
        )
    css = {"green": "text-bg-success", "amber": "text-bg-warning", "red": "text-bg-danger"}[status]
    return format_html('<span class="badge {}" data-rag="{}">{}</span>', css, status, status.capitalize())


@register.simple_tag
def score_cell(score):
    if score is None:
        return format_html('<span class="text-secondary">{}</span>', "—")
    css = "text-bg-success" if score >= 75 else "text-bg-warning" if score >= 40 else "text-bg-danger"
    return format_html('<span class="badge {} fs-6 fw-normal">{}</span>', css, score)
