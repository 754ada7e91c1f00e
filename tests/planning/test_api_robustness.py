"""Planning list endpoints run a constant number of queries, and no input causes a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.planning.models import PlanAgreement, PlanStatus
from tests import factories as f
from tests.api.helpers import API

from .factories import (
    ComponentFactory,
    InitiativeFactory,
    MilestoneFactory,
    OfferingFactory,
    PlanFactory,
    PlanObjectiveFactory,
    ResourceFactory,
)


def add_plan(ctx: dict) -> None:
    alliance = f.AllianceFactory(partner=ctx["partner_org"], owner=ctx["manager"])
    alliance.parties.create(organization=f.OrganizationFactory(), role="member")
    plan = PlanFactory(
        alliance=alliance, owner=ctx["manager"], status=PlanStatus.PROPOSED, proposed_at=timezone.now()
    )
    PlanAgreement.objects.create(plan=plan, organization=ctx["partner_org"], agreed_by=ctx["manager"])
    PlanFactory(alliance=alliance, fiscal_year=2025, renewed_from=None)


def add_objective(ctx: dict) -> None:
    PlanObjectiveFactory(plan=ctx["plan"], owning_side=ctx["partner_org"], owner=ctx["manager"])


def add_milestone(ctx: dict) -> None:
    dep = MilestoneFactory(alliance=ctx["alliance"], owning_side=ctx["partner_org"], owner=ctx["manager"])
    MilestoneFactory(alliance=ctx["alliance"], dependencies=[dep, ctx["first"]])


def add_initiative(ctx: dict) -> None:
    initiative = InitiativeFactory(alliance=ctx["alliance"], owner=ctx["manager"])
    ResourceFactory(initiative=initiative, organization=ctx["partner_org"], requested=3, assigned=1)
    ResourceFactory(initiative=initiative)


def add_offering(ctx: dict) -> None:
    offering = OfferingFactory(alliance=ctx["alliance"], launch_milestone=ctx["first"])
    ComponentFactory(offering=offering, organization=ctx["partner_org"])
    ComponentFactory(offering=offering)


CASES: dict[str, tuple[str, str, Callable[[dict], None]]] = {
    "plans": ("/plans", "manager", add_plan),
    "plans_as_partner": ("/plans", "partner", add_plan),
    "objectives": ("/plans/{plan}/objectives", "partner", add_objective),
    "milestones": ("/milestones", "manager", add_milestone),
    "milestones_as_partner": ("/milestones", "partner", add_milestone),
    "initiatives": ("/initiatives", "partner", add_initiative),
    "offerings": ("/offerings", "manager", add_offering),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_planning_lists_do_not_grow_queries_with_rows(
    case, request, api_for, alliance, partner_org, manager, django_assert_max_num_queries
):
    path, role, add = CASES[case]
    ctx = {
        "alliance": alliance,
        "partner_org": partner_org,
        "manager": manager,
        "plan": PlanFactory(alliance=alliance, fiscal_year=2030),
        "first": MilestoneFactory(alliance=alliance),
    }
    url = API + path.format(plan=ctx["plan"].pk)
    client = api_for(request.getfixturevalue(role))
    client.get(f"{API}/me")  # the token's first use records last_used_at once

    for _ in range(5):
        add(ctx)
    with CaptureQueriesContext(connection) as five:
        small = client.get(url)
    assert small.status_code == 200, small.content
    for _ in range(25):
        add(ctx)
    with django_assert_max_num_queries(len(five.captured_queries)):
        large = client.get(url)
    assert large.json()["count"] >= small.json()["count"] + 25


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "NaN",
            "-Infinity",
            "1e400",
            "0.001",
            "\x00",
            "2026-02-30",
            "2026-06-30",
            "EUR",
            "proposed",
            "done",
            "budget",
        ]
    ),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.integers(min_value=-5, max_value=2**64),
                "organization_id": st.integers(min_value=-5, max_value=2**64),
                "requested": st.one_of(st.text(max_size=5), st.integers()),
                "contribution": st.text(max_size=5),
                "kind": st.sampled_from(["budget", "headcount", "x"]),
            },
        ),
        max_size=2,
    ),
)

FIELDS = {
    "/plans": [
        "alliance_id",
        "fiscal_year",
        "title",
        "revenue_target",
        "currency",
        "revenue_growth_pct",
        "owner_id",
    ],
    "/plans/{plan}/objectives": ["title", "owning_side_id", "owner_id", "order", "target_q1", "actual_q2"],
    "/plans/{plan}/agree": ["organization_id", "note"],
    "/plans/{plan}/status": ["status", "version"],
    "/milestones": ["alliance_id", "title", "category", "due_date", "status", "completed_on", "dependencies"],
    "/initiatives": ["alliance_id", "title", "status", "start_date", "end_date", "owner_id", "resources"],
    "/offerings": ["alliance_id", "name", "status", "launch_milestone_id", "components"],
}
PATCHABLE = {
    "/plans/{plan}": ["fiscal_year", "title", "revenue_target", "currency", "owner_id", "version"],
    "/plan-objectives/{objective}": ["title", "target_q1", "actual_q4", "owning_side_id", "version"],
    "/milestones/{milestone}": ["title", "due_date", "status", "completed_on", "dependencies", "version"],
    "/initiatives/{initiative}": ["title", "start_date", "end_date", "resources", "version"],
    "/offerings/{offering}": ["name", "launch_milestone_id", "components", "version"],
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
def targets(alliance):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, proposed_at=timezone.now())
    milestone = MilestoneFactory(alliance=alliance, due_date=date(2026, 6, 30))
    return {
        "plan": plan.pk,
        "objective": PlanObjectiveFactory(plan=plan).pk,
        "milestone": milestone.pk,
        "initiative": InitiativeFactory(alliance=alliance).pk,
        "offering": OfferingFactory(alliance=alliance, launch_milestone=milestone).pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(FIELDS))
def test_arbitrary_planning_bodies_never_cause_a_server_error(path, api_for, admin, targets):
    client = api_for(admin)
    url = API + path.format(**targets)

    @settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(FIELDS[path]))
    def check(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 201, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PATCHABLE))
def test_arbitrary_planning_patches_never_cause_a_server_error(path, api_for, admin, targets):
    client = api_for(admin)
    url = API + path.format(**targets)

    @settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(PATCHABLE[path]))
    def check(body):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code in allowed(body, {200, 409, 422}), (body, response.content)

    check()


@pytest.mark.django_db
@given(
    params=st.dictionaries(
        st.sampled_from(["alliance", "fiscal_year", "status", "category", "due_after", "limit", "offset"]),
        st.text(max_size=25),
    )
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_planning_filters_never_cause_a_server_error(api_for, manager, params):
    client = api_for(manager)
    for path in ("/plans", "/milestones", "/initiatives", "/offerings"):
        response = client.get(f"{API}{path}", params)
        assert response.status_code in {200, 422}, (path, params, response.content)
