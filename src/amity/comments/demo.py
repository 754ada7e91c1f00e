"""The comments part of the demo story, and two partner applications.

On the Stratus Cloud alliance: Alice and Priya settle the FY2026 plan's quarter split in its
discussion, Alice asks Priya for the Partner Central sandbox on the slipping CRM integration
milestone, and Hannah asks Alice to minute the renegotiated IAM commitment's new date, with
Erin in copy. Priya offers a working session there to "@tom.verhoeven" - Tom is Halcyon's
architect but has no Amity account, so nobody is notified and the thread says so. Each person
mentioned gets a notification.

Two companies applied on the public page: Brightwave Analytics (submitted) and Northstar
Distribution, which Omar is vetting - and which is already in the portfolio under the same web
domain, so its page shows the duplicate.

Idempotent: a comment is found again by its target, author and text; an application by its
company name. Loading sends no e-mail.
"""

from __future__ import annotations

from typing import Any

from amity.demo.loader import _moment, story_time
from amity.notifications.models import Notification

from .models import Comment
from .services import comment_create

STRATUS = "Stratus Cloud Co-Sell"
PLAN = "Stratus co-sell plan FY2026"
MILESTONE = "CRM integration with Stratus Partner Central"
COMMITMENT = "Native Stratus IAM integration"

#: (day, author, target kind, text)
COMMENTS = (
    (
        "2026-10-20",
        "alice",
        "plan",
        "@priya the revenue target moved after your planning round. Can you confirm the Q4 split "
        "between Marketplace private offers and field co-sell before the QBR?",
    ),
    (
        "2026-10-21",
        "priya",
        "plan",
        "@alice confirmed: about 60% through Marketplace private offers, 40% field co-sell. "
        "I will bring the pipeline by region to the QBR.",
    ),
    (
        "2026-10-22",
        "alice",
        "milestone",
        "Partner Central's referral API moved to v3 and their security review took a quarter, "
        "hence the new date.\n@priya could you get us sandbox credentials for the v3 API this week?",
    ),
    (
        "2026-10-23",
        "priya",
        "milestone",
        "@alice requested the sandbox today; our platform team promised it by Friday.",
    ),
    (
        "2026-10-28",
        "hannah",
        "commitment",
        "@alice let's put the new 15 November date in the QBR minutes. @erin FYI: this is the "
        "integration the EMEA banks asked about.",
    ),
    (
        "2026-10-29",
        "priya",
        "commitment",
        "Our IAM team can join a working session next week to get the new API right. "
        "@alice @tom.verhoeven which day suits you?",
    ),
)

#: Applications: (day, fields, vetting (day, username, notes) or None)
APPLICATIONS: tuple[tuple[str, dict[str, str], tuple[str, str, str] | None], ...] = (
    (
        "2026-10-27",
        {
            "company_name": "Brightwave Analytics GmbH",
            "website": "https://www.brightwave-analytics.example",
            "country": "DE",
            "partner_kind": "isv",
            "size": "50-249",
            "contact_first_name": "Jonas",
            "contact_last_name": "Weber",
            "contact_email": "jonas.weber@brightwave-analytics.example",
            "contact_title": "Head of Partnerships",
            "proposal": "A certified connector between our retail demand-forecasting suite and Halcyon's "
            "lakehouse, sold together to mid-size retailers in DACH.",
            "capabilities": "Demand forecasting for retail\nSAP and Shopify connectors\n40 retail customers in DACH",
        },
        None,
    ),
    (
        "2026-10-30",
        {
            "company_name": "Northstar Distribution Pty Ltd",
            "website": "https://www.northstar-dist.example",
            "country": "AU",
            "partner_kind": "distributor",
            "size": "1000-4999",
            "contact_first_name": "Hamish",
            "contact_last_name": "Campbell",
            "contact_email": "hamish.campbell@northstar-dist.example",
            "contact_title": "Vendor Recruitment Manager",
            "proposal": "Distribute Halcyon in Australia, New Zealand and South-East Asia through our 600 "
            "resellers, with a local enablement team and marketplace billing.",
            "capabilities": "Distribution in ANZ and South-East Asia\n600 active resellers\nCloud marketplace billing",
        },
        ("2026-10-31", "omar", "Already a prospect in the portfolio (same domain): link, do not duplicate."),
    ),
)


def _targets(alliance: Any) -> dict[str, Any]:
    from amity.agreements.models import Commitment
    from amity.planning.models import JointBusinessPlan, Milestone

    return {
        "plan": JointBusinessPlan.objects.filter(alliance=alliance, title=PLAN).order_by("-pk").first(),
        "milestone": Milestone.objects.filter(alliance=alliance, title=MILESTONE).order_by("-pk").first(),
        # The IAM integration was renegotiated: comment on the commitment that replaced it.
        "commitment": Commitment.objects.filter(alliance=alliance, title=COMMITMENT).order_by("-pk").first(),
    }


def _comments(loader: Any) -> None:
    from amity.alliances.models import Alliance

    alliance = Alliance.objects.filter(name=STRATUS).first()
    if alliance is None:
        return
    targets = _targets(alliance)
    for day, username, kind, text in COMMENTS:
        target, author = targets.get(kind), loader.users.get(username)
        if target is None or author is None:
            continue
        if Comment.objects.filter(**{kind: target}, author=author, body=text).exists():
            loader.result.existing["comments"] += 1
            continue
        when = _moment(day)
        with story_time(when):
            comment = comment_create(user=author, target=target, body=text, email=False)
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        Notification.objects.filter(uid=f"comment:{comment.pk}").update(created_at=when)
        loader.result.created["comments"] += 1


def _applications(loader: Any) -> None:
    from amity.partners.models_applications import PartnerApplication
    from amity.partners.services_applications import application_submit, application_vet

    for day, fields, vetting in APPLICATIONS:
        if PartnerApplication.objects.filter(company_name=fields["company_name"]).exists():
            loader.result.existing["partner applications"] += 1
            continue
        when = _moment(day)
        with story_time(when):
            application = application_submit(data=fields, address="203.0.113.10", email=False)
        PartnerApplication.objects.filter(pk=application.pk).update(created_at=when)
        if vetting is not None:
            vet_day, username, notes = vetting
            with story_time(_moment(vet_day)):
                application_vet(application=application, user=loader.users[username], notes=notes)
        loader.result.created["partner applications"] += 1


def load(loader: Any) -> None:
    _comments(loader)
    _applications(loader)
