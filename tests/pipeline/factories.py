"""Factories of the pipeline: rows built through the services where it matters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from amity.pipeline import services
from amity.pipeline.models import Account, AccountStatus, Opportunity, OpportunityStage, PartnerRole
from tests import factories as f


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n} GmbH")
    normalized_name = factory.LazyAttribute(lambda a: services.normalize_name(a.name))
    domain = factory.Sequence(lambda n: f"customer{n}.example")
    country = "DE"
    owner_organization = factory.LazyFunction(f.home_org)
    status = AccountStatus.PROSPECT


def opportunity(*, user, alliance=None, account=None, role=PartnerRole.CO_SELL, **data) -> Opportunity:
    """An opportunity through the service (with its first stage-history row)."""
    data.setdefault("name", f"Deal {Opportunity.objects.count() + 1}")
    data.setdefault("amount", Decimal("100000"))
    data.setdefault("currency", "EUR")
    data.setdefault("stage", OpportunityStage.QUALIFICATION)
    data.setdefault("close_date", date.today() + timedelta(days=60))
    return services.opportunity_create(
        data={"account": account or AccountFactory(), **data},
        alliances=[(alliance, role)] if alliance else [],
        user=user,
    )


def registration_data(**overrides) -> dict:
    data = {
        "company_name": "Nordwind Logistik GmbH",
        "domain": "https://www.nordwind-logistik.de/kontakt",
        "country": "DE",
        "contact_name": "Jonas Weber",
        "contact_email": "jonas.weber@nordwind-logistik.de",
        "offering": "Data platform, 200 seats",
        "amount": Decimal("240000"),
        "currency": "EUR",
        "expected_close_date": date.today() + timedelta(days=90),
        "notes": "",
    }
    data.update(overrides)
    return data


def register(*, user, alliance, **overrides):
    return services.registration_submit(data=registration_data(**overrides), alliance=alliance, user=user)
