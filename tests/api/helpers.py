"""Small helpers for API tests: JSON requests and the 422 field errors."""

from __future__ import annotations

from typing import Any

from django.test import Client

API = "/api/v1"


def post(client: Client, path: str, body: Any | None = None):
    return client.post(API + path, body if body is not None else {}, content_type="application/json")


def patch(client: Client, path: str, body: Any):
    return client.patch(API + path, body, content_type="application/json")


def get(client: Client, path: str, params: dict | None = None):
    return client.get(API + path, params or {})


def delete(client: Client, path: str):
    return client.delete(API + path)


def field_errors(response) -> dict[str, list[str]]:
    """The per-field messages of a 422 answer (asserting it is one)."""
    assert response.status_code == 422, (response.status_code, response.content)
    body = response.json()
    assert body["detail"]
    return body["errors"]


def ids(response) -> set[int]:
    assert response.status_code == 200, (response.status_code, response.content)
    return {item["id"] for item in response.json()["items"]}
