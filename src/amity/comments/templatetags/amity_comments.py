"""``{% comment_thread obj %}``: a plan's, milestone's or commitment's discussion, loaded by the
tag itself so the pages that show it need no change to their views;
``{% milestone_discussions milestones %}``: the roadmap's list of milestone threads."""

from __future__ import annotations

from typing import Any

from django import template

from amity.core.models import user_role

from .. import selectors

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("comments/partials/thread.html", takes_context=True)
def comment_thread(context: Any, target: Any) -> dict[str, Any]:
    if target is None or user_role(_user(context)) is None:
        return {"hidden": True}
    return selectors.thread(user=_user(context), target=target)


@register.inclusion_tag("comments/partials/milestone_discussions.html", takes_context=True)
def milestone_discussions(context: Any, milestones: Any) -> dict[str, Any]:
    milestones = list(milestones or [])
    user = _user(context)
    counts = selectors.milestone_counts(user=user, milestone_ids=[m.pk for m in milestones])
    rows = [
        {"m": m, "n": counts.get(m.pk, {}).get("n", 0), "last": counts.get(m.pk, {}).get("last")}
        for m in milestones
    ]
    return {"rows": rows, "total": sum(r["n"] for r in rows)}


@register.filter
def initial_of(user: Any) -> str:
    """The first letters of a person's names, for an avatar."""
    first = (getattr(user, "first_name", "") or "")[:1]
    last = (getattr(user, "last_name", "") or "")[:1]
    return (first + last).upper() or (getattr(user, "username", "") or "?")[:1].upper()
