"""The "People with access" card of a partner organization's page (admins and alliance managers)."""

from __future__ import annotations

from typing import Any

from django import template

from amity.portal import selectors

register = template.Library()


@register.inclusion_tag("portal/partials/access_card.html", takes_context=True)
def partner_access_card(context: dict[str, Any], organization: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"card": selectors.access_card(user=user, organization=organization) if user else None}
