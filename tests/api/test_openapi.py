"""The generated OpenAPI document and the interactive docs."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_lists_every_endpoint(schema):
    paths = schema["paths"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/organizations/{organization_id}/restore",
        "/api/v1/organizations/{organization_id}/history",
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/alliances",
        "/api/v1/alliances/{alliance_id}",
        "/api/v1/alliances/{alliance_id}/restore",
        "/api/v1/alliances/{alliance_id}/history",
        "/api/v1/alliances/{alliance_id}/parties",
        "/api/v1/alliances/{alliance_id}/parties/{party_id}",
        "/api/v1/alliances/{alliance_id}/members",
        "/api/v1/alliances/{alliance_id}/members/{member_id}",
        "/api/v1/alliances/{alliance_id}/transitions",
        "/api/v1/alliances/{alliance_id}/strategic-reviews",
        "/api/v1/alliances/{alliance_id}/strategic-reviews/{review_id}",
        "/api/v1/tiers",
        "/api/v1/tiers/{tier_id}",
        "/api/v1/objectives",
        "/api/v1/objectives/{objective_id}",
        "/api/v1/portfolio/summary",
        "/api/v1/portfolio/strategic-review",
        "/api/v1/users",
        "/api/v1/me",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/alliances/{alliance_id}"]) == {"get", "patch", "delete"}


def test_every_operation_requires_authentication(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method.upper()} {path} has no security"


def test_lists_document_pagination_and_the_paged_shape(schema):
    operation = schema["paths"]["/api/v1/alliances"]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"limit", "offset", "stage", "type", "tier", "q", "include_archived"} <= params
    paged = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][paged]["properties"]) == {"items", "count"}


def test_request_bodies_document_required_fields_and_choices(schema):
    components = schema["components"]["schemas"]
    alliance_in = components["AllianceIn"]
    assert {"name", "alliance_type", "partners"} <= set(alliance_in["required"])
    assert alliance_in["additionalProperties"] is False
    review_in = components["ReviewIn"]["properties"]
    assert (review_in["score_goals"]["minimum"], review_in["score_goals"]["maximum"]) == (0, 4)


def test_interactive_docs_are_served(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
