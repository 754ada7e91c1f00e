"""schemathesis against ``/api/v1/openapi.json``: for every operation of the schema, generated
requests (valid and invalid) as an admin with a write token must never answer 5xx, and every
answer must conform to the schema (status code documented, body valid).

Bounded in time: a few examples per operation (``MAX_EXAMPLES``, deterministic), on a small
portfolio with an alliance, a partner and a plan, so generated ids sometimes hit real rows.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from amity.api import api

MAX_EXAMPLES = 3

CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
    }
)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), default=str)), config=CONFIG
)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # schemathesis calls the WSGI app directly, so Django's request signals close "old"
    # connections - on PostgreSQL the one the test's transaction runs in. The test client
    # disconnects them for its requests; so do we.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, admin, alliance):
    from amity.accounts.services import token_create
    from tests.planning.factories import MilestoneFactory, PlanFactory

    PlanFactory(alliance=alliance)
    MilestoneFactory(alliance=alliance)
    _, raw = token_create(user=admin, name="schemathesis", scope="write")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema_and_never_fails(case, bearer):
    case.call_and_validate(
        headers=bearer,
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        excluded_checks=[],
    )
