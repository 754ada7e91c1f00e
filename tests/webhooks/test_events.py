"""Every announced event leaves its service with what a receiver needs: ids, names, the new state
and the address of the object in Amity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from amity.agreements.services import commitment_set_status
from amity.governance.models import MeetingStatus
from amity.governance.services import decision_add, meeting_set_status
from amity.pipeline.services import registration_approve, registration_reject
from amity.planning.models import MilestoneStatus, PlanStatus
from amity.planning.services import milestone_set_status, plan_agree
from amity.webhooks import catalog
from amity.webhooks.models import Delivery
from tests.agreements.factories import CommitmentFactory
from tests.governance.factories import MeetingFactory, at
from tests.pipeline.factories import register
from tests.planning.factories import MilestoneFactory, PlanFactory

BASE = "http://127.0.0.1:8000"


@pytest.fixture
def everything(subscribe):
    return subscribe("https://hooks.halcyon.example/all", list(catalog.EVENTS))[0]


def data_of(event: str) -> dict:
    (delivery,) = Delivery.objects.filter(event=event)
    assert delivery.payload["event"] == event
    return delivery.payload["data"]


def test_deal_registered_approved_and_rejected(
    db, manager, partner, partner_org, alliance, everything, emitted
):
    first = emitted(register, user=partner, alliance=alliance)
    data = data_of("deal.registered")
    assert data["id"] == first.pk and data["status"] == "submitted"
    assert data["company_name"] == "Nordwind Logistik GmbH" and data["currency"] == "EUR"
    assert data["organization"] == {"id": partner_org.pk, "name": partner_org.name}
    assert data["url"] == f"{BASE}/pipeline/registrations/{first.pk}/"

    emitted(registration_approve, registration=first, user=manager)
    data = data_of("deal.approved")
    assert data["status"] == "approved" and data["protection_until"]

    second = register(
        user=partner, alliance=alliance, company_name="Borealis Foods", domain="borealis.example"
    )
    emitted(registration_reject, registration=second, reason="Already ours", user=manager)
    data = data_of("deal.rejected")
    assert (data["id"], data["status"], data["rejection_reason"]) == (second.pk, "rejected", "Already ours")


def test_commitment_missed(db, manager, alliance, partner_org, everything, emitted):
    commitment = CommitmentFactory(alliance=alliance)
    emitted(commitment_set_status, commitment=commitment, to_status="met", user=manager, evidence="Done")
    assert not Delivery.objects.exists()  # met is no event
    other = CommitmentFactory(alliance=alliance)
    emitted(commitment_set_status, commitment=other, to_status="missed", user=manager, note="Only 6 of 10")
    data = data_of("commitment.missed")
    assert (data["id"], data["status"], data["note"]) == (other.pk, "missed", "Only 6 of 10")
    assert data["party"] == {"id": partner_org.pk, "name": partner_org.name}
    assert data["url"] == f"{BASE}/commitments/{other.pk}/"


def test_claim_submitted(db, manager, partner, partner_org, alliance, everything, emitted):
    from amity.funds import services as funds
    from amity.funds import services_claims as claims
    from tests.funds.factories import make_budget, make_program, make_request, pdf_upload

    budget = make_budget(make_program(manager), partner_org, manager)
    request = funds.request_approve(request=make_request(budget, partner), user=manager)
    claim = emitted(
        claims.claim_submit, request=request, amount=Decimal("250"), files=[pdf_upload()], user=partner
    )
    (delivery,) = Delivery.objects.filter(event="claim.submitted")
    assert delivery.payload["alliance"] is None  # a budget of no particular alliance
    data = delivery.payload["data"]
    assert (data["id"], data["amount"], data["status"]) == (claim.pk, "250.00", "submitted")
    assert data["request"] == {"id": request.pk, "activity": request.activity}


def test_plan_agreed_once_every_side_agreed(db, manager, partner, alliance, everything, emitted):
    plan = PlanFactory(alliance=alliance, status=PlanStatus.PROPOSED)
    emitted(plan_agree, plan=plan, user=manager)
    assert not Delivery.objects.exists()  # one side is not agreement
    emitted(plan_agree, plan=plan, user=partner)
    data = data_of("plan.agreed")
    assert (data["id"], data["status"], data["fiscal_year"]) == (plan.pk, "agreed", 2026)
    assert data["revenue_target"] == "1000000.00"
    assert data["url"] == f"{BASE}/alliances/{alliance.pk}/plan/{plan.pk}/"


def test_milestone_done(db, manager, alliance, everything, emitted):
    milestone = MilestoneFactory(alliance=alliance)
    emitted(milestone_set_status, milestone=milestone, status=MilestoneStatus.IN_PROGRESS, user=manager)
    assert not Delivery.objects.exists()
    emitted(milestone_set_status, milestone=milestone, status=MilestoneStatus.DONE, user=manager)
    data = data_of("milestone.done")
    assert (data["id"], data["status"], data["completed_on"]) == (
        milestone.pk,
        "done",
        timezone.localdate().isoformat(),
    )


def test_meeting_held_and_decision_recorded(db, manager, alliance, everything, emitted):
    meeting = MeetingFactory(
        alliance=alliance,
        status=MeetingStatus.PLANNED,
        scheduled_start=at(timezone.localdate() - timedelta(days=1)),
    )
    emitted(meeting_set_status, meeting=meeting, status="held", user=manager, minutes="Agreed the Q1 plan")
    data = data_of("meeting.held")
    assert (data["id"], data["status"], data["kind"]) == (meeting.pk, "held", "qbr")
    decision = emitted(decision_add, meeting=meeting, text="Fund a second webinar", user=manager)
    data = data_of("decision.recorded")
    assert (data["id"], data["text"], data["meeting"]["id"]) == (
        decision.pk,
        "Fund a second webinar",
        meeting.pk,
    )
    assert data["url"].startswith(f"{BASE}/meetings/{meeting.pk}/")
