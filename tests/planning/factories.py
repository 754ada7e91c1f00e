"""Factories for planning tests: real rows through the models (services are tested on them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from amity.planning.models import (
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    OfferingComponent,
    PlanObjective,
    PlanStatus,
)
from tests import factories as f


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = JointBusinessPlan

    alliance = factory.SubFactory(f.AllianceFactory)
    fiscal_year = 2026
    title = factory.LazyAttribute(lambda p: f"{p.alliance.name} plan FY{p.fiscal_year}")
    thesis = "Grow the joint business in EMEA."
    revenue_target = Decimal("1000000")
    currency = "EUR"
    revenue_growth_pct = Decimal("20")
    capability_expectations = "Partner: certify five architects\nUs: ship the connector"
    status = PlanStatus.DRAFT


class PlanObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = PlanObjective

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    metric = "Pipeline created"
    unit = "EUR"
    target_q1 = Decimal("100")
    target_q2 = Decimal("100")
    target_q3 = Decimal("100")
    target_q4 = Decimal("100")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    category = "integration"
    due_date = date(2026, 6, 30)

    @factory.post_generation
    def dependencies(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.dependencies.set(extracted)


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = JointInitiative

    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
    goal = "Win the top accounts together."
    status = "active"


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeResource

    initiative = factory.SubFactory(InitiativeFactory)
    organization = factory.LazyAttribute(lambda r: f.home_org())
    kind = "headcount"
    description = "Solution architects"
    requested = Decimal("2")
    assigned = Decimal("2")
    unit = "FTE"


class OfferingFactory(DjangoModelFactory):
    class Meta:
        model = JointOffering

    alliance = factory.SubFactory(f.AllianceFactory)
    name = factory.Sequence(lambda n: f"Offering {n}")
    value_proposition = "Better together."
    status = "idea"


class ComponentFactory(DjangoModelFactory):
    class Meta:
        model = OfferingComponent

    offering = factory.SubFactory(OfferingFactory)
    organization = factory.LazyAttribute(lambda c: f.home_org())
    contribution = "The data platform"
