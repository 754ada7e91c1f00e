"""Fixtures shared by the pipeline tests (mapping and leads)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from amity.pipeline.models import Opportunity
from tests import factories as f

from .factories import AccountFactory


@pytest.fixture
def lists(home, partner_org):
    """Ours: 2 customers, 1 prospect with an open deal, 1 prospect. Theirs: 3 accounts, 2 shared."""
    ours = {
        "acme": AccountFactory(
            name="Acme GmbH", domain="acme.de", status="customer", owner_organization=home
        ),
        "globex": AccountFactory(name="Globex", domain="", status="customer", owner_organization=home),
        "initech": AccountFactory(
            name="Initech", domain="initech.com", status="prospect", owner_organization=home
        ),
        "hooli": AccountFactory(name="Hooli", domain="hooli.io", status="prospect", owner_organization=home),
    }
    Opportunity.objects.create(
        name="Initech deal", account=ours["initech"], amount=Decimal("1000"), currency="EUR",
        stage="proposal", probability=50, close_date=date.today() + timedelta(days=30),
    )  # fmt: skip
    theirs = {
        "acme": AccountFactory(
            name="ACME Germany", domain="acme.de", status="prospect", owner_organization=partner_org
        ),
        "globex": AccountFactory(name="Globex Inc.", domain="", status="customer", owner_organization=partner_org),
        "umbrella": AccountFactory(name="Umbrella", domain="umbrella.com", status="customer", owner_organization=partner_org),
    }  # fmt: skip
    return ours, theirs


@pytest.fixture
def tiers(db):
    return {
        "strategic": f.TierFactory(name="Lead test strategic", rank=91),
        "tactical": f.TierFactory(name="Lead test tactical", rank=93),
    }


@pytest.fixture
def network(home, partner_org, other_partner_org, alliance, other_alliance, tiers):
    """Stratus (strategic, cloud security) and Kestrel (tactical, DACH reseller, cloud security)."""
    partner_org.capabilities = "Cloud migration\nManaged security"
    partner_org.save()
    other_partner_org.capabilities = "Managed security\nSAP"
    other_partner_org.save()
    alliance.tier = tiers["strategic"]
    alliance.save()
    other_alliance.tier = tiers["tactical"]
    other_alliance.save()
    return alliance, other_alliance
