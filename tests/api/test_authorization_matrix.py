"""Who gets which status for every object type and action: the whole matrix, exactly.

Partner-own is a partner user of the alliance's partner organization; partner-other is a
partner user of another partner. What a user may not see answers 404, never 403.
Strategic reviews are records: they are never edited (405 for everyone), only archived.
"""

from __future__ import annotations

import pytest
from django.test import Client

from amity.alliances.models import CorporateObjective, Tier
from tests import factories as f

from .helpers import API

ROLES = ["admin", "manager", "executive", "partner_own", "partner_other", "anonymous"]

# Statuses in the order of ROLES.
SEE_OWN = {
    "list": (200, 200, 200, 200, 200, 401),
    "detail": (200, 200, 200, 200, 404, 401),
    "update": (200, 200, 403, 403, 404, 401),
    "delete": (204, 204, 403, 403, 404, 401),
}
EXPECTED = {
    "organization": SEE_OWN,
    "contact": SEE_OWN,
    "alliance": SEE_OWN,
    "tier": {
        "list": (200, 200, 200, 200, 200, 401),
        "detail": (200, 200, 200, 200, 200, 401),
        "update": (200, 403, 403, 403, 403, 401),
        "delete": (204, 403, 403, 403, 403, 401),
    },
    "objective": {
        "list": (200, 200, 200, 200, 200, 401),
        "detail": (200, 200, 200, 404, 404, 401),
        "update": (200, 403, 403, 404, 404, 401),
        "delete": (204, 403, 403, 404, 404, 401),
    },
    "strategic review": {
        "list": (200, 200, 200, 404, 404, 401),
        "detail": (200, 200, 200, 404, 404, 401),
        "update": (405, 405, 405, 405, 405, 405),
        "delete": (204, 204, 403, 404, 404, 401),
    },
}
CASES = [
    pytest.param(
        kind, action, role, EXPECTED[kind][action][i], id=f"{role}-{action}-{kind.replace(' ', '_')}"
    )
    for kind in EXPECTED
    for action in ("list", "detail", "update", "delete")
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def target(alliance, other_alliance, partner_org, manager):
    """For each object type: (list url, detail url, a harmless PATCH body, the object id)."""
    contact = f.ContactFactory(organization=partner_org)
    tier = f.TierFactory()
    objective = f.ObjectiveFactory()
    review = f.ReviewFactory(alliance=alliance, reviewed_by=manager)
    reviews = f"/alliances/{alliance.pk}/strategic-reviews"
    return {
        "organization": ("/organizations", partner_org.pk, {"industry": "Cloud"}),
        "contact": ("/contacts", contact.pk, {"title": "CTO"}),
        "alliance": ("/alliances", alliance.pk, {"description": "Joint cloud offer"}),
        "tier": ("/tiers", tier.pk, {"description": "Tested"}),
        "objective": ("/objectives", objective.pk, {"description": "Tested"}),
        "strategic review": (reviews, review.pk, {"notes": "Tested"}),
    }


@pytest.fixture
def caller(request, api_for):
    def make(role: str) -> Client:
        if role == "anonymous":
            return Client()
        fixture = {"partner_own": "partner", "partner_other": "other_partner"}.get(role, role)
        return api_for(request.getfixturevalue(fixture))

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "action", "role", "expected"), CASES)
def test_each_role_gets_exactly_the_expected_status(target, caller, kind, action, role, expected):
    base, pk, body = target[kind]
    client = caller(role)
    url = f"{API}{base}/{pk}"
    if action == "list":
        response = client.get(f"{API}{base}")
    elif action == "detail":
        response = client.get(url)
    elif action == "update":
        response = client.patch(url, body, content_type="application/json")
    else:
        response = client.delete(url)
    assert response.status_code == expected, response.content

    if action == "list" and expected == 200:
        # A list shows an object exactly when its detail may be read.
        listed = pk in {item["id"] for item in response.json()["items"]}
        assert listed == (EXPECTED[kind]["detail"][ROLES.index(role)] == 200)


@pytest.mark.django_db
def test_refused_writes_change_nothing(target, caller):
    for role in ("executive", "partner_own", "partner_other", "anonymous"):
        client = caller(role)
        for base, pk, body in target.values():
            client.patch(f"{API}{base}/{pk}", body, content_type="application/json")
            client.delete(f"{API}{base}/{pk}")
    assert not Tier.objects.filter(description="Tested").exists()
    assert not CorporateObjective.objects.filter(archived_at__isnull=False).exists()
    from amity.alliances.models import Alliance, StrategicReview
    from amity.partners.models import Contact, Organization

    for model in (Organization, Contact, Alliance, StrategicReview, Tier, CorporateObjective):
        assert not model.objects.filter(archived_at__isnull=False).exists(), model
        assert not model.objects.filter(version__gt=1).exists(), model
