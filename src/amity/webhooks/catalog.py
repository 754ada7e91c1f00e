"""The events a webhook can subscribe to: names, descriptions, and whose visibility decides who
hears of them.

Each event is about one object (``data["id"]``) of ``model``. A partner organization's
subscription receives the event only when that partner would see the object in Amity - the
object's own visibility rule (``Model.objects.visible_to``) decides, including the alliance's
sharing settings, and fields the rule redacts for the partner (a plan's revenue target where
revenue is not shared) are sent as null. Internal subscriptions (our own company) receive all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The test delivery ("Send test delivery"): sent to one subscription, never subscribed to.
PING = "ping"


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    description: str
    #: ``app_label.ModelName`` of the object ``data["id"]`` names (its visibility decides).
    model: str | None
    #: The kind of alliance data it belongs to (``alliances.models.DataKind``), or None.
    kind: str | None
    #: An example of ``data`` (the docs and the API's event list show it).
    example: dict[str, Any] = field(default_factory=dict)


EVENTS: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            "alliance.stage_changed",
            "Alliance stage changed",
            "An alliance moved to another stage of its life cycle (identify … retired).",
            "alliances.Alliance",
            None,
            {
                "id": 12,
                "name": "Stratus Cloud",
                "from_stage": "launch",
                "to_stage": "manage",
                "to_stage_label": "Manage & grow",
                "reason": "Launch gate met",
                "url": "https://amity.example.com/alliances/12/",
            },
        ),
        EventType(
            "deal.registered",
            "Deal registered",
            "A partner registered a deal; only that partner (and our company) hears of it.",
            "pipeline.DealRegistration",
            None,
            {
                "id": 301,
                "company_name": "Acme Logistics",
                "offering": "Data platform, 3 years",
                "amount": "120000.00",
                "currency": "EUR",
                "status": "submitted",
                "decision_deadline": "2026-11-09",
                "organization": {"id": 7, "name": "Stratus Cloud"},
                "url": "https://amity.example.com/pipeline/registrations/301/",
            },
        ),
        EventType(
            "deal.approved",
            "Deal registration approved",
            "We approved a deal registration: the partner is protected until the date given.",
            "pipeline.DealRegistration",
            None,
            {
                "id": 301,
                "company_name": "Acme Logistics",
                "offering": "Data platform, 3 years",
                "amount": "120000.00",
                "currency": "EUR",
                "status": "approved",
                "protection_until": "2027-02-07",
                "organization": {"id": 7, "name": "Stratus Cloud"},
                "url": "https://amity.example.com/pipeline/registrations/301/",
            },
        ),
        EventType(
            "deal.rejected",
            "Deal registration rejected",
            "We rejected a deal registration, with the reason the partner sees.",
            "pipeline.DealRegistration",
            None,
            {
                "id": 302,
                "company_name": "Borealis Foods",
                "offering": "Analytics add-on",
                "amount": "40000.00",
                "currency": "EUR",
                "status": "rejected",
                "rejection_reason": "Already registered by another partner.",
                "organization": {"id": 7, "name": "Stratus Cloud"},
                "url": "https://amity.example.com/pipeline/registrations/302/",
            },
        ),
        EventType(
            "commitment.missed",
            "Commitment missed",
            "A commitment of an alliance was marked missed.",
            "agreements.Commitment",
            "commitments",
            {
                "id": 55,
                "title": "Certify 10 consultants",
                "status": "missed",
                "due_date": "2026-09-30",
                "party": {"id": 7, "name": "Stratus Cloud"},
                "note": "Only 6 certified by the due date.",
                "url": "https://amity.example.com/commitments/55/",
            },
        ),
        EventType(
            "claim.submitted",
            "MDF claim submitted",
            "A partner claimed market development funds with proof; only that partner (and our "
            "company) hears of it.",
            "funds.Claim",
            None,
            {
                "id": 18,
                "amount": "4500.00",
                "currency": "EUR",
                "status": "submitted",
                "request": {"id": 9, "activity": "Joint webinar series"},
                "organization": {"id": 7, "name": "Stratus Cloud"},
                "url": "https://amity.example.com/mdf/claims/18/",
            },
        ),
        EventType(
            "plan.agreed",
            "Joint business plan agreed",
            "Every side agreed to a joint business plan. The revenue target is null for a partner "
            "the alliance does not share revenue figures with.",
            "planning.JointBusinessPlan",
            "plan",
            {
                "id": 4,
                "title": "Stratus Cloud FY2027",
                "fiscal_year": 2027,
                "status": "agreed",
                "revenue_target": "2500000.00",
                "revenue_growth_pct": "15.00",
                "currency": "EUR",
                "url": "https://amity.example.com/alliances/12/plan/4/",
            },
        ),
        EventType(
            "milestone.done",
            "Roadmap milestone done",
            "A milestone of an alliance's roadmap was marked done.",
            "planning.Milestone",
            "roadmap",
            {
                "id": 31,
                "title": "CRM integration live",
                "status": "done",
                "due_date": "2026-10-15",
                "completed_on": "2026-10-12",
                "url": "https://amity.example.com/alliances/12/roadmap/#milestone-31",
            },
        ),
        EventType(
            "meeting.held",
            "Governance meeting held",
            "A governance meeting (QBR, pipeline review …) was marked held.",
            "governance.Meeting",
            "governance",
            {
                "id": 77,
                "title": "Q3 QBR",
                "kind": "qbr",
                "status": "held",
                "day": "2026-10-20",
                "url": "https://amity.example.com/meetings/77/",
            },
        ),
        EventType(
            "decision.recorded",
            "Decision recorded",
            "A decision taken in a governance meeting was recorded.",
            "governance.Decision",
            "governance",
            {
                "id": 140,
                "text": "Fund a second joint webinar in Q1.",
                "decided_on": "2026-10-20",
                "meeting": {"id": 77, "title": "Q3 QBR"},
                "url": "https://amity.example.com/meetings/77/#decision-140",
            },
        ),
    )
}

PING_EVENT = EventType(
    PING,
    "Test delivery",
    "Sent by “Send test delivery” to check a receiver; never sent otherwise.",
    None,
    None,
    {"subscription": {"id": 3, "name": "Our CRM"}, "message": "A test delivery from Amity."},
)


def choices() -> list[tuple[str, str]]:
    return [(e.name, e.label) for e in EVENTS.values()]


def describe(name: str) -> EventType | None:
    return PING_EVENT if name == PING else EVENTS.get(name)
