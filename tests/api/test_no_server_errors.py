"""Arbitrary input never causes a server error: it is accepted, a conflict, or a 422."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import API

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["NaN", "-Infinity", "1e400", "0.001", "\x00", "2025-02-30", "#zzzzzz", "identify", "gtm"]
    ),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)

FIELDS = {
    "/organizations": ["name", "partner_kind", "website", "domain", "country", "size", "is_home"],
    "/contacts": ["organization_id", "first_name", "last_name", "email", "function"],
    "/alliances": [
        "name",
        "alliance_type",
        "owner_id",
        "tier_id",
        "stage",
        "start_date",
        "end_date",
        "annual_value",
        "objective_ids",
        "partners",
    ],
    "/tiers": ["name", "rank", "target_count", "color"],
    "/objectives": ["code", "title", "horizon_year"],
    "/alliances/{alliance}/strategic-reviews": [
        "score_goals",
        "fte",
        "annual_investment",
        "sponsorship",
        "review_date",
    ],
    "/alliances/{alliance}/transitions": ["to_stage", "attested", "override_reason", "version"],
    "/alliances/{alliance}/parties": ["organization_id", "role"],
    "/alliances/{alliance}/members": ["contact_id", "role", "area"],
}
PATCHABLE = {
    "/alliances/{alliance}": FIELDS["/alliances"] + ["version"],
    "/organizations/{organization}": FIELDS["/organizations"] + ["version"],
}


def allowed(body, statuses: set[int]) -> set[int]:
    # A string is sent as the raw body: malformed JSON is a 400, valid JSON of the wrong shape a 422.
    return statuses | {400} if isinstance(body, str) else statuses


def bodies(fields: list[str]):
    return st.one_of(
        st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in fields}),
        st.lists(st.integers(), max_size=2),
        st.text(max_size=10),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(FIELDS))
def test_arbitrary_create_bodies_never_cause_a_server_error(path, api_for, admin, alliance):
    client = api_for(admin)
    url = API + path.format(alliance=alliance.pk)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(FIELDS[path]))
    def check(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 201, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PATCHABLE))
def test_arbitrary_patch_bodies_never_cause_a_server_error(path, api_for, admin, alliance, partner_org):
    client = api_for(admin)
    url = API + path.format(alliance=alliance.pk, organization=partner_org.pk)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(PATCHABLE[path]))
    def check(body):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@given(
    params=st.dictionaries(
        st.sampled_from(["stage", "type", "tier", "q", "limit", "offset", "organization"]),
        st.text(max_size=25),
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_list_filters_never_cause_a_server_error(api_for, manager, params):
    response = api_for(manager).get(f"{API}/alliances", params)
    assert response.status_code in {200, 422}, (params, response.content)
