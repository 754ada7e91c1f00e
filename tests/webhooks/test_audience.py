"""Who hears of an event: our company everything; a partner only what it sees in Amity - events
of its own alliances, of kinds the alliance shares with it, about objects it may see, with the
fields the visibility rule hides from it sent as null."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amity.alliances.models import DataKind, SharingSetting, Stage
from amity.alliances.services import alliance_transition
from amity.alliances.sharing import set_sharing
from amity.core.events import Event
from amity.planning.models import PlanStatus
from amity.planning.services import plan_agree
from amity.webhooks import services
from amity.webhooks.models import Delivery
from tests import factories as f
from tests.agreements.factories import CommitmentFactory
from tests.planning.factories import PlanFactory

URL = "https://hooks.partner.example/amity"


@pytest.fixture
def ours(subscribe):
    return subscribe(
        "https://hooks.halcyon.example/amity",
        ["alliance.stage_changed", "plan.agreed", "commitment.missed", "deal.registered"],
    )[0]


@pytest.fixture
def theirs(subscribe, partner, partner_org):
    events = ["alliance.stage_changed", "plan.agreed", "commitment.missed", "deal.registered"]
    return subscribe(URL, events, user=partner)[0]


@pytest.fixture
def others(subscribe, other_partner):
    events = ["alliance.stage_changed", "plan.agreed", "commitment.missed", "deal.registered"]
    return subscribe(URL, events, user=other_partner, name="Other partner")[0]


def receivers(event_name: str) -> set[int]:
    return set(Delivery.objects.filter(event=event_name).values_list("subscription_id", flat=True))


def test_a_partner_hears_of_its_own_alliances_only(
    db, admin, alliance, other_alliance, ours, theirs, others, emitted
):
    emitted(alliance_transition, alliance=alliance, to_stage=Stage.TRANSFORM, user=admin)
    assert receivers("alliance.stage_changed") == {ours.pk, theirs.pk}
    Delivery.objects.all().delete()
    emitted(alliance_transition, alliance=other_alliance, to_stage=Stage.TRANSFORM, user=admin)
    assert receivers("alliance.stage_changed") == {ours.pk, others.pk}


def test_a_partner_does_not_hear_of_a_kind_the_alliance_does_not_share_with_it(
    db, admin, manager, partner, partner_org, alliance, ours, theirs, emitted
):
    commitment = CommitmentFactory(alliance=alliance)
    SharingSetting.objects.create(
        alliance=alliance, organization=partner_org, kind=DataKind.COMMITMENTS, shared=False
    )
    from amity.agreements.services import commitment_set_status

    emitted(commitment_set_status, commitment=commitment, to_status="missed", user=manager, note="Late")
    assert receivers("commitment.missed") == {ours.pk}

    # Shared again (through the sharing service): the partner hears of the next one.
    set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.COMMITMENTS, True)], user=admin)
    second = CommitmentFactory(alliance=alliance)
    emitted(commitment_set_status, commitment=second, to_status="missed", user=manager)
    assert set(
        Delivery.objects.filter(payload__data__id=second.pk).values_list("subscription_id", flat=True)
    ) == {
        ours.pk,
        theirs.pk,
    }


def _agreed_plan(alliance, manager, partner, emitted):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED, revenue_target=Decimal("2500000"))
    plan_agree(plan=plan, user=manager)
    emitted(plan_agree, plan=plan, user=partner)
    return plan


def test_revenue_figures_reach_a_partner_only_where_revenue_is_shared(
    db, admin, manager, partner, partner_org, alliance, ours, theirs, emitted
):
    plan = _agreed_plan(alliance, manager, partner, emitted)
    payloads = {d.subscription_id: d.payload["data"] for d in Delivery.objects.filter(event="plan.agreed")}
    assert payloads[ours.pk]["revenue_target"] == "2500000.00"
    assert payloads[ours.pk]["revenue_growth_pct"] == "20.00"
    # Revenue is not shared by default: the partner's copy says null, the rest is the same.
    assert payloads[theirs.pk]["revenue_target"] is None
    assert payloads[theirs.pk]["revenue_growth_pct"] is None
    assert payloads[theirs.pk]["title"] == plan.title

    Delivery.objects.all().delete()
    set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.REVENUE, True)], user=admin)
    PlanFactory(alliance=alliance, fiscal_year=2027, status=PlanStatus.PROPOSED)
    second = alliance.plans.get(fiscal_year=2027)
    plan_agree(plan=second, user=manager)
    emitted(plan_agree, plan=second, user=partner)
    shared = Delivery.objects.get(event="plan.agreed", subscription=theirs)
    assert shared.payload["data"]["revenue_target"] == "1000000.00"


def test_a_plan_hidden_from_the_partner_is_not_announced_to_it(
    db, admin, manager, partner, partner_org, alliance, ours, theirs, emitted
):
    set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.PLAN, False)], user=admin)
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED)
    plan_agree(plan=plan, user=manager)
    emitted(plan_agree, plan=plan, user=manager, organization=partner_org, note="Signed copy received")
    assert receivers("plan.agreed") == {ours.pk}


def test_a_deal_registration_is_announced_only_to_the_partner_that_registered_it(
    db, home, partner, partner_org, other_partner, other_partner_org, ours, theirs, others, emitted
):
    from tests.pipeline.factories import register

    # A consortium: both partners are parties of one alliance.
    consortium = f.AllianceFactory(partner=partner_org)
    from amity.alliances.models import AllianceParty, PartyRole

    AllianceParty.objects.create(alliance=consortium, organization=other_partner_org, role=PartyRole.PARTNER)
    registration = emitted(register, user=partner, alliance=consortium)
    assert receivers("deal.registered") == {ours.pk, theirs.pk}
    data = Delivery.objects.get(subscription=theirs).payload["data"]
    assert data["id"] == registration.pk
    assert data["amount"] == "240000.00"  # the partner's own registration: it sees its amount


def test_a_claim_is_announced_only_to_the_budget_partner(
    db, manager, partner, partner_org, subscribe, emitted
):
    from amity.funds import services as funds
    from amity.funds import services_claims as claims
    from tests.funds.factories import make_budget, make_program, make_request, pdf_upload

    alliance = f.AllianceFactory(partner=partner_org)
    other = f.OrganizationFactory()
    from amity.alliances.models import AllianceParty, PartyRole

    AllianceParty.objects.create(alliance=alliance, organization=other, role=PartyRole.PARTNER)
    other_user = f.partner_user(other)
    ours = subscribe("https://hooks.halcyon.example/amity", ["claim.submitted"])[0]
    theirs = subscribe(URL, ["claim.submitted"], user=partner)[0]
    stranger = subscribe(URL, ["claim.submitted"], user=other_user)[0]
    budget = make_budget(make_program(manager), partner_org, manager, alliance=alliance)
    request = funds.request_approve(request=make_request(budget, partner), user=manager)
    claim = emitted(
        claims.claim_submit, request=request, amount=Decimal("100.00"), files=[pdf_upload()], user=partner
    )
    assert receivers("claim.submitted") == {ours.pk, theirs.pk}
    assert stranger.pk not in receivers("claim.submitted")
    data = Delivery.objects.get(subscription=theirs).payload["data"]
    assert (data["id"], data["amount"], data["organization"]["id"]) == (claim.pk, "100.00", partner_org.pk)
    assert Delivery.objects.get(subscription=theirs).payload["alliance"]["id"] == alliance.pk


def test_fit_refuses_unknown_events_and_events_about_nothing_for_partners(db, partner_org, home):
    event = Event("nothing.happened", None, None, {"id": 1})
    assert services.fit(event, partner_org, {"id": 1}) is None
    assert services.fit(event, home, {"id": 1}) == {"id": 1}
    assert services.on_event(event) == []
