"""Leads routed to partners by rules kept as data; the partner accepts or declines."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amity.pipeline import selectors_leads
from amity.pipeline import services_leads as services
from amity.pipeline.models import Lead, LeadRoutingRule, LeadStatus

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 2)


def rule(name, priority, **fields):
    tiers = fields.pop("tiers", [])
    made = LeadRoutingRule.objects.create(name=name, priority=priority, **fields)
    made.tiers.set(tiers)
    return made


def lead(manager, **data):
    return services.lead_create(
        data={"company_name": "Nordwind Logistik GmbH", "country": "DE", **data}, user=manager
    )


def test_the_first_matching_rule_by_priority_routes_and_says_why(manager, network, other_partner_org):
    rule("Anything", 50)
    rule(
        "DACH resellers", 10, countries=["DE", "AT", "CH"], capability="Managed security", alliance=network[1]
    )
    routed = services.route_lead(lead=lead(manager, need="Managed security"), user=manager, today=DAY)
    assert routed.status == LeadStatus.ROUTED and routed.organization == other_partner_org
    assert routed.rule.name == "DACH resellers" and routed.response_due == DAY + timedelta(days=5)
    assert routed.routing_reason == (
        "Rule 'DACH resellers' (priority 10): country DE in [DE, AT, CH]; capability 'Managed security' "
        "listed by Kestrel Test IT; tier Lead test tactical; fixed alliance Kestrel Test Alliance "
        "→ Kestrel Test Alliance."
    )


def test_a_capability_rule_picks_the_best_tier_among_partners_that_have_it(manager, network, partner_org):
    rule("Security", 10, capability="managed security")
    routed = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    assert routed.organization == partner_org  # both have it; the better tier (rank 91) wins


def test_a_tier_rule_only_takes_alliances_of_that_tier(manager, network, tiers, other_partner_org):
    rule("Tactical only", 10, tiers=[tiers["tactical"]])
    assert services.route_lead(lead=lead(manager), user=manager, today=DAY).organization == other_partner_org


def test_no_matching_rule_leaves_the_lead_new_and_explains_each_rule(manager, network):
    rule("Iberia", 10, countries=["ES", "PT"])
    rule("SAP in DE", 20, countries=["DE"], capability="SAP", alliance=network[0])
    routed = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    assert routed.status == LeadStatus.NEW and routed.organization is None
    assert "'Iberia': country DE not in ES, PT" in routed.routing_reason
    assert "'SAP in DE': no live alliance whose partner fits" in routed.routing_reason


def test_accept_and_decline_by_the_routed_partner_only_with_a_reason(
    manager, partner, other_partner, network, partner_org
):
    rule("Security", 10, capability="Managed security")
    routed = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    assert routed.organization == partner_org
    with pytest.raises(PermissionDenied):
        services.lead_accept(lead=routed, user=other_partner)
    with pytest.raises(ValidationError) as exc:
        services.lead_decline(lead=routed, user=partner, reason="  ")
    assert "reason" in exc.value.message_dict
    declined = services.lead_decline(lead=routed, user=partner, reason="No capacity in Q4")
    assert declined.status == LeadStatus.DECLINED and declined.responded_by == partner
    with pytest.raises(ValidationError):
        services.lead_accept(lead=declined, user=partner)


def test_a_declined_lead_is_rerouted_past_the_partner_that_declined(
    manager, partner, network, partner_org, other_partner_org
):
    rule("Security", 10, capability="Managed security")
    first = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    services.lead_decline(lead=first, user=partner, reason="Not our region")
    again = services.route_lead(lead=first, user=manager, today=DAY)
    assert again.organization == other_partner_org and again.status == LeadStatus.ROUTED


def test_acceptance_stats_count_each_routing_with_hours(
    manager, partner, other_partner, network, partner_org
):
    rule("Security", 10, capability="Managed security")
    first = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    services.lead_decline(lead=first, user=partner, reason="Not our region")
    rerouted = services.route_lead(lead=first, user=manager, today=DAY)
    services.lead_accept(lead=rerouted, user=other_partner)
    waiting = services.route_lead(
        lead=lead(manager, company_name="Alpenrose"), user=manager, today=DAY - timedelta(days=9)
    )
    stats = {r.organization.name: r for r in selectors_leads.acceptance_stats(user=manager, today=DAY)}
    stratus, kestrel = stats[partner_org.name], stats[other_partner.organization.name]
    assert (stratus.routed, stratus.declined, stratus.accepted) == (2, 1, 0)
    assert stratus.pending == 1 and stratus.overdue == 1 and waiting.organization == partner_org
    assert (kestrel.routed, kestrel.accepted, kestrel.acceptance_rate) == (1, 1, 1.0)
    assert kestrel.median_hours is not None and kestrel.median_hours >= 0
    # A partner sees only its own line.
    assert [r.organization for r in selectors_leads.acceptance_stats(user=partner, today=DAY)] == [
        partner_org
    ]


def test_convert_creates_a_referral_opportunity_on_the_existing_account(manager, partner, network, home):
    from .factories import AccountFactory

    account = AccountFactory(name="Nordwind Logistik GmbH", domain="nordwind.de", owner_organization=home)
    rule("Security", 10, capability="Managed security")
    created = lead(manager, domain="https://www.nordwind.de")
    assert created.account == account
    accepted = services.lead_accept(
        lead=services.route_lead(lead=created, user=manager, today=DAY), user=partner
    )
    converted = services.lead_convert(lead=accepted, user=manager)
    assert converted.status == LeadStatus.CONVERTED and converted.opportunity.account == account
    assert converted.opportunity.links.get().role == "referral"


def test_partners_see_only_their_leads_in_pages_and_answer_there(
    client_for, manager, partner, other_partner, network, partner_org
):
    rule("Security", 10, capability="Managed security")
    routed = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    own, competitor = client_for(partner), client_for(other_partner)
    page = own.get(routed.get_absolute_url())
    assert page.status_code == 200 and b'data-testid="accept"' in page.content
    assert b"Rule &#x27;Security&#x27;" not in page.content  # the routing reason is ours
    assert competitor.get(routed.get_absolute_url()).status_code == 404
    assert b"Nordwind" not in competitor.get(reverse("pipeline:lead_list")).content
    assert competitor.get(reverse("pipeline:lead_rule_list")).status_code == 404
    import io

    from openpyxl import load_workbook

    exported = own.get(reverse("pipeline:lead_list") + "?export=csv")
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert exported.status_code == 200 and b"Nordwind" in content and b"Security" not in content
    sheet = load_workbook(io.BytesIO(own.get(reverse("pipeline:lead_list") + "?export=xlsx").content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "Routing reason" not in cells and any("Nordwind" in c for c in cells)
    internal = client_for(manager).get(reverse("pipeline:lead_list") + "?export=csv")
    body = b"".join(internal.streaming_content) if internal.streaming else internal.content
    assert b"Rule 'Security'" in body
    bad = own.post(reverse("pipeline:lead_decline", args=[routed.pk]), {"reason": ""})
    assert bad.status_code == 422
    own.post(reverse("pipeline:lead_decline", args=[routed.pk]), {"reason": "Fully booked"})
    assert Lead.objects.get(pk=routed.pk).decline_reason == "Fully booked"


def test_a_manager_creates_routes_and_edits_rules_through_the_pages(
    client_for, manager, network, partner_org, tiers
):
    client = client_for(manager)
    response = client.post(
        reverse("pipeline:lead_rule_create"),
        {"name": "Security", "priority": 10, "is_active": "on", "countries": "de, at", "industries": "",
         "capability": "Managed security", "tiers": [tiers["strategic"].pk], "response_days": 3, "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    made = LeadRoutingRule.objects.get()
    assert made.countries == ["DE", "AT"] and list(made.tiers.all()) == [tiers["strategic"]]
    response = client.post(
        reverse("pipeline:lead_create"),
        {"company_name": "Helios Energy AG", "country": "DE", "currency": "EUR", "route_now": "on"},
    )
    created = Lead.objects.get()
    assert response.status_code == 302 and created.organization == partner_org and created.response_due
    assert client.get(reverse("pipeline:lead_list")).status_code == 200
    assert client.get(reverse("pipeline:lead_stats")).status_code == 200
    assert client.get(created.get_absolute_url()).status_code == 200


def test_the_lead_list_has_constant_queries(client_for, manager, network, django_assert_max_num_queries):
    rule("Anything", 10)
    for i in range(6):
        services.route_lead(lead=lead(manager, company_name=f"Company {i}"), user=manager, today=DAY)
    client = client_for(manager)
    client.get(reverse("pipeline:lead_list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pipeline:lead_list")).status_code == 200


def test_a_routed_lead_is_on_the_alliance_agenda_until_answered(manager, partner, network):
    from amity.core import agenda

    rule("Security", 10, capability="Managed security")
    routed = services.route_lead(lead=lead(manager), user=manager, today=DAY)
    [item] = [i for i in agenda.items([routed.alliance_id]) if i.kind == "lead_answer"]
    assert item.day == routed.response_due and item.status == agenda.OPEN
    assert item.recipients == ((routed.alliance.owner_id,) if routed.alliance.owner_id else ())
    services.lead_accept(lead=routed, user=partner)
    [item] = [i for i in agenda.items([routed.alliance_id]) if i.kind == "lead_answer"]
    assert item.status == agenda.DONE
