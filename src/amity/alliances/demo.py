"""Tiers on performance in the demo story (told as of 1 November 2026).

After the October 2026 review round Hannah (head of alliances) makes the tier rules use
performance:

* **"Gold: revenue"** now also needs two certified people at the partner;
* a new rule **"Platinum: high-performing reseller"**: a channel alliance that returned three
  times its cost over the last twelve months (alliance ROI ≥ 300 %) with three certified people.

Partner people's **certifications** are recorded (Kestrel has three, Atlas one valid and one that
expired in September). Hannah runs the **re-tier review of 30 October 2026**; it proposes Kestrel
for Platinum on its performance, Atlas down to Silver (two certified people missing), Pacific Rim
up to Gold, and more. On 31 October she approves Pacific Rim (applied) and Atlas (in its
90-day grace period until 28 January 2027) and rejects Bluepeak; Kestrel, Delft, OldBridge and
Celeste wait for her decision in the demo.

Idempotent: contacts, certifications and rules are found by their natural keys; the review runs
once.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from amity.core.services import model_create, model_update
from amity.demo.loader import story_time
from amity.partners.models import Certification, Contact, Organization

from . import tiering
from .models import Alliance, ProposalStatus, ReviewRule, RuleKind, Tier, TierProposal, TierReview

ARCHITECT = "Halcyon Certified Integration Architect"
SALES = "Halcyon Certified Sales Professional"
BASICS = "Halcyon Platform Fundamentals"

# organization, (first, last, title, function) of people added for the story
PEOPLE = (
    ("Kestrel IT", ("Jonas", "Becker", "Pre-sales Engineer", "technical")),
    ("Atlas Distribution", ("Tom", "Price", "Solutions Engineer", "technical")),
    ("Lumen CRM", ("Aoife", "Byrne", "Integration Engineer", "technical")),
    ("Indus Tech Services", ("Rahul", "Menon", "Delivery Architect", "technical")),
)

# organization, person, kind, course, completed, expires
CERTIFICATIONS = (
    ("Kestrel IT", "Felix Wagner", "certification", ARCHITECT, "2026-02-10", "2028-02-10"),
    ("Kestrel IT", "Lena Hoffmann", "certification", SALES, "2025-11-05", "2027-11-05"),
    ("Kestrel IT", "Jonas Becker", "certification", ARCHITECT, "2026-06-18", "2028-06-18"),
    ("Atlas Distribution", "Chloe Bennett", "certification", SALES, "2024-09-12", "2026-09-12"),
    ("Atlas Distribution", "Tom Price", "certification", ARCHITECT, "2025-03-03", "2027-03-03"),
    ("Atlas Distribution", "Oliver Hughes", "training", BASICS, "2026-05-20", None),
    ("Lumen CRM", "Conor Walsh", "certification", ARCHITECT, "2025-05-20", "2027-05-20"),
    ("Lumen CRM", "Aoife Byrne", "certification", ARCHITECT, "2026-04-14", "2028-04-14"),
    ("Lumen CRM", "Siobhán Kelly", "training", BASICS, "2025-09-01", None),
    ("Indus Tech Services", "Ananya Rao", "certification", SALES, "2026-01-20", "2028-01-20"),
    ("Indus Tech Services", "Rahul Menon", "certification", ARCHITECT, "2025-12-02", "2027-12-02"),
    ("Pacific Rim Solutions", "Ryan Goh", "certification", ARCHITECT, "2026-07-07", "2028-07-07"),
    ("Stratus Cloud", "Daniel Osei", "certification", ARCHITECT, "2025-08-11", "2027-08-11"),
    ("Stratus Cloud", "Rosa Delgado", "certification", SALES, "2025-10-02", "2027-10-02"),
)

RUN_ON = date(2026, 10, 30)
DECIDED_ON = date(2026, 10, 31)
# alliance, approve?, note
DECISIONS = (
    ("Pacific Rim Solutions Reseller (APAC)", True, "Agreed at the QBR: APAC pipeline doubled this year."),
    ("Atlas Distribution (UK & Ireland)", True, "Atlas plans to certify a second engineer before January."),
    (
        "Bluepeak Managed Analytics",
        False,
        "Stays self-service until the managed-analytics pilot ends in March.",
    ),
)


def _at(day: str | date, hour: int = 10) -> datetime:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _org(name: str) -> Organization | None:
    return Organization.objects.filter(name__startswith=name).first()


def _people(admin: Any, result: Any) -> None:
    for org_name, (first, last, title, function) in PEOPLE:
        org = _org(org_name)
        if org is None or Contact.objects.filter(organization=org, first_name=first, last_name=last).exists():
            continue
        with story_time(_at("2026-01-15")):
            model_create(
                model=Contact,
                data={"organization": org, "first_name": first, "last_name": last, "title": title,
                      "function": function, "email": f"{first}.{last}@{org.domain or 'example.com'}".lower()},
                user=admin,
            )  # fmt: skip
        result.created["contacts"] += 1


def _certifications(admin: Any, result: Any) -> None:
    for org_name, person, kind, course, completed, expires in CERTIFICATIONS:
        first, last = person.split(" ", 1)
        contact = Contact.objects.filter(
            organization__name__startswith=org_name, first_name=first, last_name=last
        ).first()
        if contact is None:
            continue
        if Certification.objects.filter(contact=contact, course=course).exists():
            result.existing["certifications"] += 1
            continue
        with story_time(_at(completed)):
            model_create(
                model=Certification,
                data={
                    "contact": contact,
                    "kind": kind,
                    "course": course,
                    "issuer": "Halcyon Partner Academy",
                    "completed_on": date.fromisoformat(completed),
                    "expires_on": date.fromisoformat(expires) if expires else None,
                },
                user=admin,
            )
        result.created["certifications"] += 1


def _rules(admin: Any, result: Any) -> None:
    with story_time(_at("2026-10-29")):
        gold_revenue = ReviewRule.objects.filter(kind=RuleKind.TIER, name="Gold: revenue").first()
        clause = {"fact": "certified_people", "op": ">=", "value": 2}
        if gold_revenue is not None and clause not in gold_revenue.conditions:
            model_update(
                instance=gold_revenue,
                data={
                    "conditions": [*gold_revenue.conditions, clause],
                    "description": "250k+ expected annual revenue and, from Q4 2026, two certified people "
                    "at the partner.",
                },
                user=admin,
            )
            result.created["rule changes"] += 1
        platinum = Tier.objects.filter(name="Platinum").first()
        name = "Platinum: high-performing reseller"
        if platinum is not None and not ReviewRule.objects.filter(name=name).exists():
            model_create(
                model=ReviewRule,
                data={
                    "kind": RuleKind.TIER,
                    "order": 35,
                    "name": name,
                    "description": "A reseller that returned three times its cost over the last twelve months "
                    "and keeps three certified people.",
                    "conditions": [
                        {"fact": "alliance_type", "op": "==", "value": "channel"},
                        {"fact": "kpi_alliance_roi", "op": ">=", "value": 300},
                        {"fact": "certified_people", "op": ">=", "value": 3},
                    ],
                    "tier": platinum,
                },
                user=admin,
            )
            result.created["rules"] += 1


def _review(admin: Any, result: Any) -> None:
    if TierReview.objects.filter(run_on=RUN_ON).exists():
        result.existing["tier reviews"] += 1
        return
    with story_time(_at(RUN_ON, 16)):
        review = tiering.run_review(on=RUN_ON, user=admin)
    TierReview.objects.filter(pk=review.pk).update(created_at=_at(RUN_ON, 16))
    result.created["tier reviews"] += 1
    for name, approve, note in DECISIONS:
        proposal = TierProposal.objects.filter(
            review=review, alliance__name=name, status=ProposalStatus.PROPOSED
        ).first()
        if proposal is None:
            continue
        with story_time(_at(DECIDED_ON, 11)):
            if approve:
                tiering.approve(proposal=proposal, user=admin, note=note, today=DECIDED_ON)
            else:
                tiering.reject(proposal=proposal, user=admin, note=note)
    from .models import TierChange

    TierChange.objects.filter(proposal__review=review).update(changed_at=_at(DECIDED_ON, 11))


def load(loader: Any) -> None:
    admin = loader.users.get("hannah")
    if admin is None or not Alliance.objects.exists():
        return
    result = loader.result
    _people(admin, result)
    _certifications(admin, result)
    _rules(admin, result)
    _review(admin, result)
