"""``{% unread_notifications as n %}``: the signed-in user's unread count, one query per page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from amity.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if request is None or user is None:
        return selectors.unread_count(user=user)
    # Asked by the top bar and by the page itself: count once per request.
    if not hasattr(request, "_amity_unread"):
        request._amity_unread = selectors.unread_count(user=user)
    return request._amity_unread


@register.filter
def kind_icon(code: str) -> str:
    from amity.notifications.kinds import kind

    return kind(code).icon


@register.filter
def kind_label(code: str) -> str:
    from amity.notifications.kinds import kind

    return kind(code).label


@register.filter
def days_phrase(days: int) -> str:
    """0 → today, 1 → tomorrow, n → in n days (for the "due this week" panel)."""
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


@register.filter
def relative_to(day: date, today: date) -> str:
    """A due date against today: "today", "in 3 days", "5 days ago"."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta > 0:
        return f"in {delta} day{'s' if delta != 1 else ''}"
    return f"{-delta} day{'s' if delta != -1 else ''} ago"
