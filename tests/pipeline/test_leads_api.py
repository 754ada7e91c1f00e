"""/api/v1/leads and /api/v1/lead-rules."""

import json

import pytest

from amity.pipeline.models import Lead, LeadStatus

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_rules_leads_routing_and_answers_over_the_api(
    api_for,
    manager,
    partner,
    other_partner,
    network,
    partner_org,
    tiers,
):
    api = api_for(manager)
    made = post(api, "/api/v1/lead-rules", {"name": "Security", "priority": 10, "countries": ["de"],
                                             "capability": "Managed security", "tiers": [tiers["strategic"].pk]})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["countries"] == ["DE"] and made.json()["tier_ids"] == [tiers["strategic"].pk]
    created = post(
        api,
        "/api/v1/leads",
        {"company_name": "Helios Energy AG", "country": "DE", "amount": "250000.00", "route": True},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "routed" and body["organization_id"] == partner_org.pk
    assert (
        body["routing_reason"].startswith("Rule 'Security' (priority 10)") and body["amount"] == "250000.00"
    )

    own = api_for(partner)
    seen = own.get(f"/api/v1/leads/{body['id']}").json()
    assert seen["routing_reason"] == "" and seen["rule_id"] is None
    assert api_for(other_partner).get(f"/api/v1/leads/{body['id']}").status_code == 404
    assert api_for(other_partner).get("/api/v1/leads").json()["count"] == 0
    assert api_for(partner).get("/api/v1/lead-rules").status_code == 404

    refused = post(own, f"/api/v1/leads/{body['id']}/decline", {"reason": ""})
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    accepted = post(own, f"/api/v1/leads/{body['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["response_hours"] is not None
    converted = post(api, f"/api/v1/leads/{body['id']}/convert")
    assert converted.status_code == 200 and converted.json()["opportunity_id"]
    stats = api.get("/api/v1/leads/stats").json()
    assert [(s["organization"], s["accepted"], s["acceptance_rate"]) for s in stats] == [
        (partner_org.name, 1, 1.0)
    ]


def test_bad_input_names_the_field_and_partners_cannot_create(api_for, manager, partner, network):
    api = api_for(manager)
    bad = post(api, "/api/v1/leads", {"company_name": "X", "country": "Germany"})
    assert bad.status_code == 422 and "country" in bad.content.decode()
    assert post(api_for(partner), "/api/v1/leads", {"company_name": "Acme"}).status_code == 403
    rule = post(api, "/api/v1/lead-rules", {"name": "R", "tiers": [999_999]})
    assert rule.status_code == 422 and "tiers" in rule.content.decode()
    assert not Lead.objects.exists()


def test_manual_routing_and_stale_rule_edits(api_for, manager, network, other_partner_org):
    api = api_for(manager)
    lead = post(api, "/api/v1/leads", {"company_name": "Alpenrose Hotels"}).json()
    routed = post(api, f"/api/v1/leads/{lead['id']}/route", {"alliance": network[1].pk})
    assert routed.status_code == 200 and routed.json()["organization_id"] == other_partner_org.pk
    assert routed.json()["status"] == LeadStatus.ROUTED
    rule = post(api, "/api/v1/lead-rules", {"name": "R"}).json()
    ok = api.patch(
        f"/api/v1/lead-rules/{rule['id']}",
        json.dumps({"priority": 5, "version": rule["version"]}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["priority"] == 5
    stale = api.patch(
        f"/api/v1/lead-rules/{rule['id']}",
        json.dumps({"priority": 6, "version": rule["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409
