"""Oversized and malformed requests: a clear status and message naming what is wrong, never
a 500 - JSON under /api/v1, a plain page elsewhere."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.partners.models import Organization

from .conftest import rolled_back

API = "/api/v1/organizations"


@pytest.fixture
def api(client_for, admin):
    return client_for(admin)


def test_a_json_body_over_the_limit_is_413_naming_the_body(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post(API, data=json.dumps({"name": "x" * 20_000}), content_type="application/json")
    assert response.status_code == 413
    body = response.json()
    assert "larger than" in body["detail"] and body["errors"]["body"]
    assert not Organization.objects.filter(name__startswith="xxx").exists()


def test_a_form_over_the_limit_is_413_with_a_page_that_says_so(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post("/partners/new/", data={"name": "x" * 20_000})
    assert response.status_code == 413
    assert b"larger than" in response.content and response["Content-Type"].startswith("text/html")


def test_too_many_fields_is_400_naming_the_limit(api):
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = api.post("/partners/new/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and b"more than 1000 fields" in response.content


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("{", "application/json"),
        ('{"name": ', "application/json"),
        ("name=x", "text/plain"),
        ("\x00", "application/json"),
    ],
)
def test_a_malformed_body_is_422_naming_the_body(api, body, content_type):
    response = api.post(API, data=body, content_type=content_type)
    assert response.status_code == 422
    assert response.json()["errors"]["body"]


def test_a_nul_byte_in_a_query_string_or_path_is_refused_not_500(api):
    response = api.get(API + "?q=a%00b")
    assert response.status_code == 422 and "q" in response.json()["errors"]
    assert api.get("/partners/a%00b/").status_code == 404
    assert api.get("/api/v1/organizations/1%002").status_code in (404, 422)


def test_a_huge_header_is_not_a_500(api):
    assert api.get(API, HTTP_X_PADDING="x" * 100_000).status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
payloads = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values | st.text(max_size=300),
        "partner_kind": json_values,
        "country": json_values,
        "website": json_values,
        "domain": json_values,
        "size": json_values,
    },
)


@given(payload=payloads)
def test_any_json_payload_is_created_or_refused_with_field_errors(api, payload):
    with rolled_back():
        before = Organization.objects.count()
        response = api.post(API, data=json.dumps(payload), content_type="application/json")
        assert response.status_code in (201, 422), response.content[:500]
        if response.status_code == 422:
            assert response.json()["errors"] and Organization.objects.count() == before
        else:
            assert Organization.objects.count() == before + 1
