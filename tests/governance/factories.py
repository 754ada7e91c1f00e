"""Factories for governance tests: real rows, built through the models (services are what
the tests exercise)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from amity.alliances.models import Alliance
from amity.governance.models import (
    ActionItem,
    ActionStatus,
    BodyKind,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from amity.partners.models import Contact, Organization
from tests import factories as f


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment on ``day`` in the program's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_default_timezone())


def person(alliance: Alliance, organization: Organization | None = None, **kw) -> Contact:
    """A contact of one of the alliance's parties (the first partner unless named)."""
    if organization is None:
        party = alliance.parties.exclude(role="host").select_related("organization").first()
        organization = party.organization
    return f.ContactFactory(organization=organization, **kw)


def ours(alliance: Alliance, **kw) -> Contact:
    return f.ContactFactory(organization=f.home_org(), **kw)


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = GovernanceBody

    alliance = factory.SubFactory(f.AllianceFactory)
    name = factory.Sequence(lambda n: f"Steering group {n}")
    kind = BodyKind.STEERING


class BodyMemberFactory(DjangoModelFactory):
    class Meta:
        model = BodyMember

    body = factory.SubFactory(BodyFactory)
    contact = factory.LazyAttribute(lambda m: person(m.body.alliance))


class CadenceFactory(DjangoModelFactory):
    class Meta:
        model = Cadence

    alliance = factory.SubFactory(f.AllianceFactory)
    meeting_kind = MeetingKind.QBR
    interval_months = 3


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    alliance = factory.SubFactory(f.AllianceFactory)
    kind = MeetingKind.QBR
    title = factory.Sequence(lambda n: f"Business review {n}")
    scheduled_start = factory.LazyFunction(lambda: at(timezone.localdate() - timedelta(days=7)))
    status = MeetingStatus.HELD


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    alliance = factory.SelfAttribute("meeting.alliance")
    text = factory.Sequence(lambda n: f"Decision {n}")
    decided_on = factory.LazyAttribute(lambda d: d.meeting.day)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda a: person(a.alliance))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    status = ActionStatus.OPEN


class EscalationFactory(DjangoModelFactory):
    class Meta:
        model = Escalation

    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Escalation {n}")
    to_body = factory.LazyAttribute(lambda e: BodyFactory(alliance=e.alliance))
    raised_on = factory.LazyFunction(timezone.localdate)
