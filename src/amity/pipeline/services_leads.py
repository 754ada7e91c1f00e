"""Leads shared with partners: created by us, routed by rules kept as data, answered by the partner.

Routing (:func:`route_lead`) walks the active :class:`LeadRoutingRule` rows in priority order.
A rule's criteria all have to match; an empty criterion matches anything:

* **territory** - the lead's country is in the rule's ``countries``;
* **industry** - the lead's industry is in ``industries`` (case-insensitive);
* **capability** - the partner lists the rule's ``capability`` among its capabilities (one per
  line on the organization; a listed capability containing the words counts, case-insensitive);
* **tier** - the alliance's tier is one of the rule's ``tiers``.

Candidates are the alliances in a live stage (launch, manage & grow, review & renew) with one
partner organization, or the rule's fixed alliance; partners that already declined the lead
are skipped. Among several candidates the best tier wins, then the partner's acceptance rate
on earlier leads, then the name - so the same data always routes the same way. The lead keeps
the rule and a plain-words reason; when no rule matches it stays *new* with the reason of every
rule that did not. The partner then accepts or declines (a reason is required); the time from
routing to the answer is the acceptance time (``selectors_leads.acceptance_stats``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty, Stage
from amity.core.roles import Role
from amity.core.services import require, set_history_user
from amity.partners.models import Organization

from . import services
from .models import Account, Lead, LeadRoutingRule, LeadStatus, PartnerRole
from .normalize import normalize_domain, normalize_name

#: Life-cycle stages in which an alliance takes leads.
LIVE_STAGES = (Stage.LAUNCH, Stage.MANAGE, Stage.REVIEW)
LEAD_FIELDS = (
    "company_name",
    "domain",
    "country",
    "industry",
    "need",
    "contact_name",
    "contact_email",
    "amount",
    "currency",
    "description",
)


@dataclass(frozen=True)
class Candidate:
    alliance: Alliance
    partner: Organization


@dataclass(frozen=True)
class Routing:
    """What the rules decided: the rule, the alliance and partner, and why (or why not)."""

    rule: LeadRoutingRule | None
    candidate: Candidate | None
    reason: str


def _save(lead: Lead, user: Any, reason: str) -> Lead:
    lead.full_clean()
    set_history_user(lead, user)
    lead._change_reason = reason
    lead.save()
    return lead


def _link_account(lead: Lead) -> None:
    """The existing account of ours with the lead's domain or normalized name, if any."""
    ours = Account.objects.filter(owner_organization__is_home=True, archived_at__isnull=True)
    domain, name = normalize_domain(lead.domain), normalize_name(lead.company_name)
    match = (ours.filter(domain=domain).first() if domain else None) or (
        ours.filter(normalized_name=name).first() if name else None
    )
    lead.account = match


@transaction.atomic
def lead_create(*, data: dict[str, Any], user: Any, route: bool = False) -> Lead:
    require(user, "create", Lead)
    lead = Lead(**{k: v for k, v in data.items() if k in LEAD_FIELDS}, created_by=user, status=LeadStatus.NEW)
    lead.full_clean(exclude=["account"])
    _link_account(lead)
    lead = _save(lead, user, "Lead created")
    if route:
        lead = route_lead(lead=lead, user=user)
    return lead


# --- routing ------------------------------------------------------------------------------


def _candidates(exclude_partners: set[int]) -> list[Candidate]:
    """Live alliances with exactly one partner organization (the one a lead would go to)."""
    parties = (
        AllianceParty.objects.filter(
            archived_at__isnull=True,
            organization__is_home=False,
            alliance__archived_at__isnull=True,
            alliance__stage__in=LIVE_STAGES,
        )
        .select_related("alliance__tier", "organization")
        .order_by("alliance__name")
    )
    by_alliance: dict[int, list[AllianceParty]] = {}
    for party in parties:
        by_alliance.setdefault(party.alliance_id, []).append(party)
    return [
        Candidate(found[0].alliance, found[0].organization)
        for found in by_alliance.values()
        if len(found) == 1 and found[0].organization_id not in exclude_partners
    ]


def _has_capability(organization: Organization, capability: str) -> bool:
    """The capability is one of the partner's (one per line), or part of one ("FHIR" in
    "EHR integration, HL7/FHIR"), case-insensitive."""
    wanted = capability.strip().lower()
    return any(wanted in line.strip().lower() for line in (organization.capabilities or "").splitlines())


def _acceptance_rates() -> dict[int, float]:
    rows = (
        Lead.objects.filter(
            organization__isnull=False,
            status__in=[LeadStatus.ACCEPTED, LeadStatus.CONVERTED, LeadStatus.DECLINED],
        )
        .values("organization_id")
        .annotate(
            answered=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=[LeadStatus.ACCEPTED, LeadStatus.CONVERTED])),
        )
    )
    return {r["organization_id"]: r["accepted"] / r["answered"] for r in rows if r["answered"]}


def _misses(rule: LeadRoutingRule, lead: Lead) -> list[str]:
    """Why ``rule`` does not apply to the lead itself (territory, industry)."""
    misses = []
    if rule.countries and lead.country not in rule.countries:
        misses.append(f"country {lead.country or '(none)'} not in {', '.join(rule.countries)}")
    industries = {i.strip().lower() for i in rule.industries}
    if industries and (lead.industry or "").strip().lower() not in industries:
        misses.append(f"industry {lead.industry or '(none)'} not in {', '.join(rule.industries)}")
    return misses


def _fits(rule: LeadRoutingRule, candidate: Candidate, tier_ids: set[int]) -> bool:
    if rule.alliance_id and candidate.alliance.pk != rule.alliance_id:
        return False
    if rule.capability and not _has_capability(candidate.partner, rule.capability):
        return False
    return not tier_ids or candidate.alliance.tier_id in tier_ids


def _reason(rule: LeadRoutingRule, lead: Lead, chosen: Candidate) -> str:
    parts = [f"Rule '{rule.name}' (priority {rule.priority})"]
    if rule.countries:
        parts.append(f"country {lead.country} in [{', '.join(rule.countries)}]")
    if rule.industries:
        parts.append(f"industry {lead.industry} in [{', '.join(rule.industries)}]")
    if rule.capability:
        parts.append(f"capability '{rule.capability}' listed by {chosen.partner.name}")
    tier = chosen.alliance.tier
    parts.append(f"tier {tier.name}" if tier else "no tier")
    if rule.alliance_id:
        parts.append(f"fixed alliance {chosen.alliance.name}")
    return ": ".join([parts[0], "; ".join(parts[1:])]) + f" → {chosen.alliance.name}."


def evaluate(lead: Lead) -> Routing:
    """Which rule routes the lead where - without changing anything (also the rule preview)."""
    declined = set(
        lead.history.filter(status=LeadStatus.DECLINED, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    if lead.status == LeadStatus.DECLINED and lead.organization_id:
        declined.add(lead.organization_id)
    candidates = _candidates(declined)
    rates = _acceptance_rates()
    notes = []
    rules = LeadRoutingRule.objects.filter(is_active=True, archived_at__isnull=True).prefetch_related("tiers")
    for rule in rules.order_by("priority", "pk"):
        misses = _misses(rule, lead)
        if misses:
            notes.append(f"'{rule.name}': {'; '.join(misses)}")
            continue
        tier_ids = {t.pk for t in rule.tiers.all()}
        fitting = [c for c in candidates if _fits(rule, c, tier_ids)]
        if not fitting:
            notes.append(
                f"'{rule.name}': no live alliance whose partner fits (capability, tier, declined before)"
            )
            continue
        fitting.sort(
            key=lambda c: (
                c.alliance.tier.rank if c.alliance.tier else 10_000,
                -rates.get(c.partner.pk, 0.0),
                c.alliance.name,
            )
        )
        return Routing(rule, fitting[0], _reason(rule, lead, fitting[0]))
    if not notes:
        return Routing(None, None, "No active routing rule.")
    return Routing(None, None, "No rule matched. " + " · ".join(notes))


def _route(
    lead: Lead, user: Any, alliance: Alliance, partner: Organization, rule, reason: str, today: date
) -> Lead:
    days = rule.response_days if rule is not None else 5
    lead.status = LeadStatus.ROUTED
    lead.alliance, lead.organization, lead.rule = alliance, partner, rule
    lead.routing_reason = reason
    lead.routed_at = timezone.now()
    lead.response_due = today + timedelta(days=days)
    lead.responded_at = lead.responded_by = None
    lead.decline_reason = ""
    return _save(lead, user, f"Routed to {partner}")


def _routable(lead: Lead) -> None:
    if lead.status not in (LeadStatus.NEW, LeadStatus.DECLINED):
        raise ValidationError(
            {"status": f"A lead that is {lead.get_status_display().lower()} cannot be routed."}
        )


@transaction.atomic
def route_lead(*, lead: Lead, user: Any, today: date | None = None) -> Lead:
    """Route by the rules; without a match the lead stays new and says why."""
    require(user, "change", lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _routable(lead)
    routing = evaluate(lead)
    if routing.candidate is None:
        lead.routing_reason = routing.reason
        return _save(lead, user, "No routing rule matched")
    chosen = routing.candidate
    return _route(
        lead,
        user,
        chosen.alliance,
        chosen.partner,
        routing.rule,
        routing.reason,
        today or timezone.localdate(),
    )


@transaction.atomic
def route_lead_to(*, lead: Lead, alliance: Alliance, user: Any, today: date | None = None) -> Lead:
    """Route by hand to an alliance's partner."""
    require(user, "change", lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _routable(lead)
    partners = [
        p.organization
        for p in alliance.parties.filter(
            archived_at__isnull=True, organization__is_home=False
        ).select_related("organization")
    ]
    if len(partners) != 1:
        raise ValidationError({"alliance": "Route leads to an alliance with one partner organization."})
    reason = f"Routed by hand by {user.get_full_name() or user.username} → {alliance.name}."
    return _route(lead, user, alliance, partners[0], None, reason, today or timezone.localdate())


# --- the partner's answer -----------------------------------------------------------------


def _answering(lead: Lead, user: Any) -> Lead:
    """The partner user of the routed organization, or an internal editor on their behalf."""
    if getattr(user, "role", None) == Role.PARTNER:
        if user.organization_id != lead.organization_id:
            raise PermissionDenied("This lead was routed to another partner.")
    else:
        require(user, "change", lead)
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if locked.status != LeadStatus.ROUTED:
        raise ValidationError(
            {"status": f"This lead is {locked.get_status_display().lower()}; only a routed lead is answered."}
        )
    return locked


@transaction.atomic
def lead_accept(*, lead: Lead, user: Any) -> Lead:
    lead = _answering(lead, user)
    lead.status, lead.responded_at, lead.responded_by = LeadStatus.ACCEPTED, timezone.now(), user
    return _save(lead, user, f"Accepted by {lead.organization}")


@transaction.atomic
def lead_decline(*, lead: Lead, user: Any, reason: str) -> Lead:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the lead is declined."})
    lead = _answering(lead, user)
    lead.status, lead.responded_at, lead.responded_by = LeadStatus.DECLINED, timezone.now(), user
    lead.decline_reason = reason
    return _save(lead, user, f"Declined by {lead.organization}: {reason}")


@transaction.atomic
def lead_withdraw(*, lead: Lead, user: Any, reason: str = "") -> Lead:
    require(user, "change", lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (LeadStatus.CONVERTED, LeadStatus.WITHDRAWN):
        raise ValidationError({"status": f"This lead is already {lead.get_status_display().lower()}."})
    lead.status = LeadStatus.WITHDRAWN
    return _save(lead, user, f"Withdrawn{': ' + reason if reason else ''}")


@transaction.atomic
def lead_convert(*, lead: Lead, user: Any, close_date: date | None = None) -> Lead:
    """An accepted lead becomes an opportunity (partner role: referral) on our account."""
    require(user, "change", lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.ACCEPTED:
        raise ValidationError({"status": "Only an accepted lead is converted to an opportunity."})
    account = lead.account
    if account is None:
        account = services.account_create(
            data={
                "name": lead.company_name,
                "domain": lead.domain,
                "country": lead.country,
                "industry": lead.industry,
            },
            user=user,
        )
    opportunity = services.opportunity_create(
        data={
            "name": f"{lead.company_name} – {lead.need or 'lead'}"[:200],
            "account": account,
            "amount": lead.amount or 0,
            "currency": lead.currency,
            "stage": "qualification",
            "close_date": close_date or timezone.localdate() + timedelta(days=90),
            "owner": user if getattr(user, "role", None) != Role.PARTNER else None,
        },
        alliances=[(lead.alliance, PartnerRole.REFERRAL)],
        user=user,
    )
    lead.account, lead.opportunity, lead.status = account, opportunity, LeadStatus.CONVERTED
    return _save(lead, user, f"Converted to {opportunity}")
