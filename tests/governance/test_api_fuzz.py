"""Arbitrary input to the governance API never causes a server error: it is accepted, a
conflict, or a 422 naming what was wrong."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import API

from .factories import ActionItemFactory, BodyFactory, CadenceFactory, EscalationFactory, MeetingFactory

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "\x00",
            "2026-02-30",
            "2026-07-09T14:00:00",
            "2026-07-09T14:00:00+02:00",
            "2026-03-29T02:30:00+01:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01",
            "9999-12-31",
            "qbr",
            "held",
            "done",
            "decided",
            "steering",
            "1e400",
        ]
    ),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)

CREATE = {
    "/governance-bodies": ["alliance_id", "name", "kind", "purpose"],
    "/governance-bodies/{body}/members": ["contact_id", "role"],
    "/cadences": ["alliance_id", "meeting_kind", "interval_months", "body_id", "active"],
    "/meetings": [
        "alliance_id",
        "kind",
        "title",
        "scheduled_start",
        "duration_minutes",
        "attendee_ids",
        "body_id",
    ],
    "/meetings/{meeting}/status": ["status", "minutes", "version"],
    "/meetings/{meeting}/decisions": ["text"],
    "/action-items": ["alliance_id", "title", "owner_id", "due_date", "meeting_id"],
    "/action-items/{item}/status": ["status", "completed_on", "version"],
    "/escalations": ["alliance_id", "title", "raised_on", "to_body_id", "to_sponsor_id", "to_contact_id"],
    "/escalations/{escalation}/decide": ["decision", "decided_on", "decided_by", "decided_by_contact_id"],
    "/alliances/{alliance}/cadences/apply-defaults": [],
}
PATCH = {
    "/governance-bodies/{body}": ["name", "kind", "purpose", "version"],
    "/cadences/{cadence}": ["meeting_kind", "interval_months", "body_id", "active", "version"],
    "/meetings/{meeting}": [
        "title",
        "scheduled_start",
        "duration_minutes",
        "attendee_ids",
        "body_id",
        "version",
    ],
    "/action-items/{item}": ["title", "owner_id", "due_date", "meeting_id", "version"],
    "/escalations/{escalation}": [
        "title",
        "raised_on",
        "to_body_id",
        "to_sponsor_id",
        "to_contact_id",
        "version",
    ],
}
LISTS = {
    "/cadences": ["alliance", "meeting_kind", "active", "overdue", "limit", "offset"],
    "/meetings": ["alliance", "status", "kind", "body", "start_from", "start_to", "overdue"],
    "/action-items": ["alliance", "meeting", "status", "overdue", "owner_side"],
    "/escalations": ["alliance", "status", "overdue"],
}


def bodies(fields: list[str]):
    return st.one_of(
        st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in fields}),
        st.lists(st.integers(), max_size=2),
        st.text(max_size=10),
    )


def allowed(body, statuses: set[int]) -> set[int]:
    return statuses | {400} if isinstance(body, str) else statuses


@pytest.fixture
def ids(alliance):
    body = BodyFactory(alliance=alliance)
    return {
        "alliance": alliance.pk,
        "body": body.pk,
        "cadence": CadenceFactory(alliance=alliance).pk,
        "meeting": MeetingFactory(alliance=alliance, status="planned").pk,
        "item": ActionItemFactory(alliance=alliance).pk,
        "escalation": EscalationFactory(alliance=alliance, to_body=body).pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(CREATE))
def test_arbitrary_post_bodies_never_cause_a_server_error(path, api_for, admin, ids):
    client = api_for(admin)
    url = API + path.format(**ids)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(CREATE[path]))
    def check(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 201, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PATCH))
def test_arbitrary_patch_bodies_never_cause_a_server_error(path, api_for, admin, ids):
    client = api_for(admin)
    url = API + path.format(**ids)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(PATCH[path]))
    def check(body):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(LISTS))
def test_arbitrary_list_filters_never_cause_a_server_error(path, api_for, manager, ids):
    client = api_for(manager)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        params=st.dictionaries(
            st.sampled_from(LISTS[path]),
            st.one_of(
                st.text(max_size=25),
                st.sampled_from(["0001-01-01", "9999-12-31", "true", "-1", "2026-11-01"]),
            ),
        )
    )
    def check(params):
        response = client.get(API + path, params)
        assert response.status_code in {200, 422}, (params, response.content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T23:00:00+00:00"]
)
def test_meeting_times_outside_the_calendar_are_a_field_error(value, api_for, admin, alliance):
    body = {"alliance_id": alliance.pk, "title": "X", "scheduled_start": value}

    response = api_for(admin).post(API + "/meetings", body, content_type="application/json")

    assert response.status_code == 422
    assert "scheduled_start" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"start_from": "0001-01-01"}, {"start_to": "9999-12-31"}])
def test_meeting_date_filters_outside_the_calendar_are_a_field_error(params, api_for, manager):
    response = api_for(manager).get(API + "/meetings", params)

    assert response.status_code == 422
    assert set(params) <= set(response.json()["errors"])
