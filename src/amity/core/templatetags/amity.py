"""Template helpers shared by every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(name="zip")
def zip_lists(a: Any, b: Any) -> list[tuple[Any, Any]]:
    return list(zip(a, b, strict=False))


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    """1234567.5 → '€1,234,568' style, in the reporting currency unless given."""
    if value in (None, ""):
        return "—"
    currency = currency or settings.AMITY_REPORTING_CURRENCY
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency + " ")
    amount = Decimal(value).quantize(Decimal("1"))
    return f"{symbol}{amount:,}"


@register.filter
def compact_money(value: Any) -> str:
    if value in (None, ""):
        return "—"
    v = Decimal(value)
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(settings.AMITY_REPORTING_CURRENCY, "")
    if v >= 1_000_000:
        return f"{symbol}{v / 1_000_000:.1f}M"
    if v >= 1_000:
        return f"{symbol}{v / 1_000:.0f}k"
    return f"{symbol}{v:.0f}"


@register.filter
def cell(value: Any) -> str:
    """A list cell: dates formatted, booleans as ticks, nothing as an em dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, dt.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    if isinstance(value, Decimal):
        return money(value)
    return str(value)


@register.simple_tag
def stage_badge(alliance: Any) -> str:
    return format_html('<span class="badge badge-stage">{}</span>', alliance.get_stage_display())


@register.simple_tag
def classification_badge(code: str | None, label: str | None = None) -> str:
    if not code:
        return format_html('<span class="badge text-bg-light border">{}</span>', "not reviewed")
    from amity.alliances.models import Classification

    return format_html(
        '<span class="badge badge-class-{}">{}</span>', code, label or Classification(code).label
    )


@register.simple_tag
def tier_badge(tier: Any) -> str:
    if tier is None:
        return format_html('<span class="text-secondary">{}</span>', "no tier")
    return format_html('<span class="tier-dot" style="background:{}"></span>{}', tier.color, tier.name)


@register.simple_tag
def score_pips(score: int, maximum: int = 4) -> str:
    pips = "".join('<span class="on"></span>' if i < score else "<span></span>" for i in range(maximum))
    return format_html('<span class="score-pips" title="{} of {}">{}</span>', score, maximum, mark_safe(pips))
