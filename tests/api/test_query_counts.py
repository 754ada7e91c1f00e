"""List endpoints run a constant number of queries however many rows they return."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.alliances.models import AllianceMember, Tier
from tests import factories as f

from .helpers import API


def rich_alliance(ctx: dict) -> None:
    """An alliance with everything the output shows: tier, owner, parties, objectives, a review."""
    alliance = f.AllianceFactory(partner=ctx["partner_org"], tier=ctx["tier"], owner=ctx["manager"])
    alliance.parties.create(organization=f.OrganizationFactory(), role="member")
    alliance.objectives.add(*ctx["objectives"])
    f.ReviewFactory(alliance=alliance, score_goals=4, reviewed_by=ctx["manager"])


def member(ctx: dict) -> None:
    contact = f.ContactFactory(organization=ctx["partner_org"])
    AllianceMember.objects.create(alliance=ctx["alliance"], contact=contact, role="team")


# (url, who asks, how to add one row)
CASES: dict[str, tuple[str, str, Callable[[dict], None]]] = {
    "organizations": ("/organizations", "manager", lambda ctx: f.OrganizationFactory()),
    "contacts": ("/contacts", "manager", lambda ctx: f.ContactFactory(organization=ctx["partner_org"])),
    "contacts_as_partner": (
        "/contacts",
        "partner",
        lambda ctx: f.ContactFactory(organization=ctx["partner_org"]),
    ),
    "alliances": ("/alliances", "manager", rich_alliance),
    "alliances_as_partner": ("/alliances", "partner", rich_alliance),
    "tiers": ("/tiers", "partner", lambda ctx: f.TierFactory()),
    "objectives": ("/objectives", "manager", lambda ctx: f.ObjectiveFactory()),
    "strategic_reviews": (
        "/alliances/{alliance}/strategic-reviews",
        "manager",
        lambda ctx: f.ReviewFactory(alliance=ctx["alliance"], reviewed_by=ctx["manager"]),
    ),
    "parties": (
        "/alliances/{alliance}/parties",
        "partner",
        lambda ctx: ctx["alliance"].parties.create(organization=f.OrganizationFactory(), role="member"),
    ),
    "members": ("/alliances/{alliance}/members", "partner", member),
    "users": ("/users", "admin", lambda ctx: f.UserFactory()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_list_queries_do_not_grow_with_the_number_of_rows(
    case, request, api_for, alliance, partner_org, manager, django_assert_max_num_queries
):
    path, role, add = CASES[case]
    ctx = {
        "alliance": alliance,
        "partner_org": partner_org,
        "manager": manager,
        "tier": Tier.objects.get(name="Gold"),
        "objectives": [f.ObjectiveFactory(), f.ObjectiveFactory()],
    }
    url = API + path.format(alliance=alliance.pk)
    client = api_for(request.getfixturevalue(role))
    client.get(f"{API}/me")  # the token's first use records last_used_at once; not part of the list

    for _ in range(5):
        add(ctx)
    with CaptureQueriesContext(connection) as five_rows:
        small = client.get(url)
    assert small.status_code == 200, small.content
    assert len(five_rows.captured_queries) <= 6, [q["sql"] for q in five_rows.captured_queries]

    for _ in range(25):
        add(ctx)
    with django_assert_max_num_queries(len(five_rows.captured_queries)):
        large = client.get(url)
    assert large.json()["count"] >= small.json()["count"] + 25
    assert len(large.json()["items"]) >= 30
