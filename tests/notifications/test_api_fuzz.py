"""Arbitrary input to the calendar and notification endpoints never causes a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import API
from tests.api.test_no_server_errors import ANY_VALUE, allowed

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
def test_arbitrary_feed_bodies_never_cause_a_server_error(api_for, partner, alliance, other_alliance):
    client = api_for(partner)

    @FUZZ
    @given(
        body=st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": ANY_VALUE,
                    "alliance_id": st.one_of(ANY_VALUE, st.sampled_from([alliance.pk, other_alliance.pk])),
                },
            ),
            st.lists(st.integers(), max_size=2),
            st.text(max_size=10),
        )
    )
    def check(body):
        response = client.post(f"{API}/calendar/feeds", body, content_type="application/json")
        assert response.status_code in allowed(body, {201, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@given(
    params=st.dictionaries(
        st.sampled_from(["alliance", "start", "end", "limit", "offset"]),
        st.one_of(
            st.text(max_size=12), st.sampled_from(["2026-02-29", "2028-02-29", "0", "-1", "99999999999"])
        ),
    )
)
@FUZZ
def test_arbitrary_agenda_queries_never_cause_a_server_error(api_for, manager, params):
    response = api_for(manager).get(f"{API}/calendar/agenda", params)
    assert response.status_code in {200, 422}, (params, response.content)


@pytest.mark.django_db
@given(params=st.dictionaries(st.sampled_from(["unread", "limit", "offset"]), st.text(max_size=12)))
@FUZZ
def test_arbitrary_notification_filters_never_cause_a_server_error(api_for, manager, params):
    response = api_for(manager).get(f"{API}/notifications", params)
    assert response.status_code in {200, 422}, (params, response.content)
