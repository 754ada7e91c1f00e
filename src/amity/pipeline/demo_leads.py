"""Leads in the demo story (October 2026), written through the services.

Four routing rules: DACH resale to Kestrel IT, Iberia resale to Norte Sistemas, hospital data
platforms (FHIR) to Meridian, strategic co-sell to Stratus. Ten leads: *Hanseatic Health* went
to Kestrel by territory, Kestrel declined ("not our field"), and re-routing sent it to Meridian,
who accepted; Kestrel accepted *Bergwerk Logistik* (converted to an opportunity) and has let
*Salzburg Retail* wait past its answer date; Norte accepted one and declined one; Meridian and
Stratus accepted theirs, and Meridian still has one waiting; *Nordic Freight* (Sweden) matched
no rule and waits, new, for a manager to route it by hand.

Idempotent: leads by company name, rules by name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from amity.alliances.models import Tier

from . import services_leads as services
from .models import Lead, LeadRoutingRule

RULES = (
    # name, priority, countries, industries, capability, tier names, days to answer
    ("DACH resale", 10, ["DE", "AT", "CH"], [], "German-language support", [], 5),
    ("Iberia resale", 20, ["ES", "PT"], [], "Spanish and Portuguese support", [], 5),
    ("Hospital data platforms", 30, [], ["Healthcare"], "FHIR", [], 7),
    ("Strategic co-sell", 90, ["US", "GB", "NL"], [], "Co-sell program", ["Strategic"], 3),
)

#: company, country, industry, need, amount, routed on, answer (None: waits), answered on, by
LEADS: tuple[tuple[Any, ...], ...] = (
    ("Hanseatic Health GmbH", "DE", "Healthcare", "EHR integration", 180_000, date(2026, 10, 5),
     ("decline", "Healthcare is not our field; a hospital specialist should take it."), date(2026, 10, 6), "lena"),
    ("Bergwerk Logistik AG", "DE", "Logistics", "Lakehouse resale", 95_000, date(2026, 10, 7),
     ("accept", ""), date(2026, 10, 8), "lena"),
    ("Salzburg Retail GmbH", "AT", "Retail", "Analytics platform", 60_000, date(2026, 10, 20), None, None, None),
    ("Valencia Foods SA", "ES", "Food & beverage", "Analytics platform", 70_000, date(2026, 10, 9),
     ("accept", ""), date(2026, 10, 13), "alice"),
    ("Lisboa Transportes SA", "PT", "Transportation", "Real-time pipelines", 25_000, date(2026, 10, 12),
     ("decline", "Too small for a first project with us; we will refer them back."), date(2026, 10, 16), "alice"),
    ("Mercy Valley Hospital", "US", "Healthcare", "Clinical data platform", 240_000, date(2026, 10, 14),
     ("accept", ""), date(2026, 10, 15), "marco"),
    ("Pacific Northwest Clinics", "US", "Healthcare", "FHIR integration", 120_000, date(2026, 10, 29), None, None, None),
    ("Summit Outdoor Co", "US", "Retail", "Marketplace private offer", 300_000, date(2026, 10, 19),
     ("accept", ""), date(2026, 10, 19), "priya"),
    ("Nordic Freight AB", "SE", "Logistics", "Governed lakehouse", 150_000, date(2026, 10, 27), "unrouted", None, None),
)  # fmt: skip


def _rules(user: Any) -> None:
    from .demo import _moment, at

    for name, priority, countries, industries, capability, tiers, days in RULES:
        if LeadRoutingRule.objects.filter(name=name).exists():
            continue
        with at(_moment(date(2026, 9, 15))):
            rule = LeadRoutingRule.objects.create(
                name=name, priority=priority, countries=countries, industries=industries,
                capability=capability, response_days=days,
            )  # fmt: skip
            rule.tiers.set(Tier.objects.filter(name__in=tiers))


def load(users: dict[str, Any]) -> None:
    from .demo import _moment, at  # noqa: F811  (demo imports this module)

    alice = users["alice"]
    _rules(alice)
    for company, country, industry, need, amount, routed_on, answer, answered_on, by in LEADS:
        if Lead.objects.filter(company_name=company).exists():
            continue
        data = {"company_name": company, "country": country, "industry": industry, "need": need}
        with at(_moment(routed_on)):
            lead = services.lead_create(
                data=data | {"amount": Decimal(amount), "currency": "EUR"}, user=alice
            )
            if answer == "unrouted":
                services.route_lead(lead=lead, user=alice, today=routed_on)
                continue
            lead = services.route_lead(lead=lead, user=alice, today=routed_on)
        if answer is None or lead.organization is None:
            continue
        answerer = users.get(by) or alice
        if answerer.organization_id not in (None, lead.organization_id):
            answerer = alice  # an editor answers on the partner's behalf
        verb, reason = answer
        with at(_moment(answered_on, 15)):
            if verb == "accept":
                lead = services.lead_accept(lead=lead, user=answerer)
            else:
                lead = services.lead_decline(lead=lead, user=answerer, reason=reason)
        if company == "Hanseatic Health GmbH":  # re-routed past Kestrel: Meridian takes it
            with at(_moment(answered_on, 20)):
                lead = services.route_lead(lead=lead, user=alice, today=answered_on)
            marco = users.get("marco")
            with at(_moment(date(2026, 10, 7), 3)):
                services.lead_accept(
                    lead=lead,
                    user=marco if marco and marco.organization_id == lead.organization_id else alice,
                )
        if company == "Bergwerk Logistik AG":
            with at(_moment(date(2026, 10, 12))):
                services.lead_convert(lead=lead, user=alice, close_date=date(2027, 1, 29))
