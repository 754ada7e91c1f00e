"""Targets to comment on: a plan, a milestone and a commitment of the partner's alliance, and the
same on another partner's alliance."""

from __future__ import annotations

import pytest

from tests.agreements.factories import CommitmentFactory
from tests.planning.factories import MilestoneFactory, PlanFactory


@pytest.fixture
def plan(alliance):
    return PlanFactory(alliance=alliance, title="Stratus plan FY2026")


@pytest.fixture
def milestone(alliance):
    return MilestoneFactory(alliance=alliance, title="CRM integration")


@pytest.fixture
def commitment(alliance):
    return CommitmentFactory(alliance=alliance, title="Two solution architects")


@pytest.fixture
def targets(plan, milestone, commitment):
    return {"plan": plan, "milestone": milestone, "commitment": commitment}


@pytest.fixture
def other_plan(other_alliance):
    return PlanFactory(alliance=other_alliance, title="Kestrel plan FY2026")


@pytest.fixture
def writer_api(db):
    """``writer_api(user)``: a client with a write-scoped API token for ``user``."""
    from django.test import Client

    from amity.accounts.services import token_create

    def make(user):
        _, raw = token_create(user=user, name="test", scope="write")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make
