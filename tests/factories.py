"""Factories for tests: real rows in the real database, built through the models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from amity.accounts.models import User
from amity.alliances.models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    AllianceType,
    CorporateObjective,
    MemberRole,
    PartyRole,
    Stage,
    StrategicReview,
    Tier,
)
from amity.core.roles import Role
from amity.partners.models import Contact, Organization, PartnerKind

PASSWORD = "correct-horse-battery-9"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner {n} GmbH")
    partner_kind = PartnerKind.TECHNOLOGY
    domain = factory.Sequence(lambda n: f"partner{n}.example")
    country = "DE"


def home_org() -> Organization:
    home = Organization.objects.filter(is_home=True).first()
    return home or OrganizationFactory(name="Halcyon Test", is_home=True, domain="halcyon.test", country="NL")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def admin_user(**kw) -> User:
    return UserFactory(role=Role.ADMIN, **kw)


def manager_user(**kw) -> User:
    return UserFactory(role=Role.MANAGER, **kw)


def executive_user(**kw) -> User:
    return UserFactory(role=Role.EXECUTIVE, **kw)


def partner_user(organization: Organization | None = None, **kw) -> User:
    return UserFactory(role=Role.PARTNER, organization=organization or OrganizationFactory(), **kw)


class TierFactory(DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: 100 + n)


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = CorporateObjective

    code = factory.Sequence(lambda n: f"T{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")


class AllianceFactory(DjangoModelFactory):
    """An alliance with our company as host and one partner (``partner=`` to choose it)."""

    class Meta:
        model = Alliance
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Alliance {n}")
    alliance_type = AllianceType.GO_TO_MARKET
    stage = Stage.MANAGE

    @factory.post_generation
    def partner(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        AllianceParty.objects.get_or_create(
            alliance=obj, organization=home_org(), defaults={"role": PartyRole.HOST}
        )
        if extracted is not False:
            AllianceParty.objects.create(
                alliance=obj, organization=extracted or OrganizationFactory(), role=PartyRole.PARTNER
            )


def add_sponsor(alliance: Alliance, organization: Organization) -> AllianceMember:
    contact = ContactFactory(organization=organization)
    return AllianceMember.objects.create(alliance=alliance, contact=contact, role=MemberRole.SPONSOR)


class ReviewFactory(DjangoModelFactory):
    """A review whose result is computed by the real rules (through the service helper)."""

    class Meta:
        model = StrategicReview
        skip_postgeneration_save = True

    alliance = factory.SubFactory(AllianceFactory)

    @factory.post_generation
    def _rules(obj, create, extracted, **kwargs):  # noqa: N805
        from amity.alliances.services import review_apply_rules

        review_apply_rules(obj)
        if create:
            obj.save()
