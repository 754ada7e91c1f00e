"""Assessments over the API and the pages: open a wave, both sides answer, scores and the
perception gap with calculations; who may see and answer what; gaps turned into actions."""

from __future__ import annotations

import json

from django.urls import reverse

from amity.assessments import services
from amity.assessments.models import Assessment, Instrument
from amity.governance.models import ActionItem
from tests import factories as f


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def health():
    return Instrument.objects.get(key="alliance-health", active=True)


def test_two_sided_wave_over_the_api(api_for, manager, partner, other_partner, alliance):
    response = post(
        api_for(manager),
        "/api/v1/assessments",
        {"alliance": alliance.pk, "instrument": health().pk, "wave": "Q4"},
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/assessments/{response.json()['id']}"
    mine = put(api_for(manager), f"{url}/answers", {"answers": {"visibility-pipeline": {"value": 5}}})
    assert mine.status_code == 200 and mine.json() == {**mine.json(), "side": "ours", "submitted": True}
    theirs = put(api_for(partner), f"{url}/answers", {"answers": {"visibility-pipeline": {"value": 2}}})
    assert theirs.json()["side"] == "partner"
    body = api_for(partner).get(url).json()["scores"]
    assert body["respondents"] == {"ours": 1, "partner": 1}
    assert body["largest_gaps"] == ["visibility-pipeline"]
    [item] = [i for i in body["items"] if i["key"] == "visibility-pipeline"]
    assert (item["gap"], item["ours"]["score"], item["partner"]["score"]) == ("3.00", "100.0", "25.0")
    assert "(5.00 − 1) / 4 × 100 = 100.0" in item["ours"]["calculation"]
    # A competing partner sees nothing of it and cannot answer.
    assert api_for(other_partner).get(url).status_code == 404
    assert put(api_for(other_partner), f"{url}/answers", {"answers": {}}).status_code == 404


def test_bad_answers_are_422_naming_the_item(api_for, manager, alliance):
    wave = services.assessment_create(alliance=alliance, instrument=health(), wave="W", user=manager)
    client = api_for(manager)
    bad = put(client, f"/api/v1/assessments/{wave.pk}/answers", {"answers": {"power-use": {"value": 9}}})
    assert bad.status_code == 422 and "power-use.value" in bad.content.decode()
    unknown = put(client, f"/api/v1/assessments/{wave.pk}/answers", {"answers": {"nope": {"value": 3}}})
    assert unknown.status_code == 422
    duplicate = post(
        client, "/api/v1/assessments", {"alliance": alliance.pk, "instrument": health().pk, "wave": "W"}
    )
    assert duplicate.status_code == 422 and "wave" in duplicate.content.decode()


def test_partner_does_not_see_one_sided_waves(api_for, client_for, manager, partner, alliance):
    wave = services.assessment_create(
        alliance=alliance, instrument=health(), wave="Ours", two_sided=False, user=manager
    )
    assert api_for(partner).get(f"/api/v1/assessments/{wave.pk}").status_code == 404
    assert api_for(partner).get("/api/v1/assessments").json()["count"] == 0
    assert client_for(partner).get(wave.get_absolute_url()).status_code == 404


def test_instruments_are_listed_with_their_items(api_for, partner):
    body = api_for(partner).get("/api/v1/instruments").json()
    keys = {i["key"] for i in body["items"]}
    assert {"alliance-health", "best-practices", "alliance-maturity"} <= keys
    detail = api_for(partner).get(f"/api/v1/instruments/{health().pk}").json()
    assert len(detail["dimensions"]) == 6 and detail["items"][0]["type"] == "tension"


def test_pages_answer_score_and_turn_gaps_into_actions(client_for, manager, partner, alliance, home):
    client = client_for(manager)
    tab = client.get(reverse("assessments:alliance_assessments", args=[alliance.pk]))
    assert tab.status_code == 200
    opened = client.post(
        reverse("assessments:assessment_create", args=[alliance.pk]),
        {"instrument": health().pk, "wave": "H2 2026", "two_sided": "on"},
    )
    assert opened.status_code == 302
    wave = Assessment.objects.get(wave="H2 2026")
    answer_url = reverse("assessments:assessment_answer", args=[wave.pk])
    form = client.get(answer_url)
    assert form.status_code == 200 and "Where you want it" in form.content.decode()
    bad = client.post(answer_url, {"power-use.value": "8", "action": "submit"})
    assert bad.status_code == 422
    assert client.post(answer_url, {"visibility-pipeline.value": "5", "action": "submit"}).status_code == 302
    assert client_for(partner).post(answer_url, {"visibility-pipeline.value": "1"}).status_code == 302
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "Where the sides see it differently" in page and "gap 4.00" in page
    owner = f.ContactFactory(organization=home)
    action = client.post(
        reverse("assessments:assessment_action", args=[wave.pk, "actions"]),
        {"owner": owner.pk, "items": ["visibility-pipeline"]},
    )
    assert action.status_code == 302
    assert ActionItem.objects.filter(alliance=alliance, title__contains="perception gap").count() == 1
    # A partner user can answer but not act for us.
    denied = client_for(partner).post(
        reverse("assessments:assessment_action", args=[wave.pk, "actions"]),
        {"owner": owner.pk, "items": ["visibility-pipeline"]},
    )
    assert denied.status_code == 403


def test_assessment_list_and_instrument_pages(client_for, manager, alliance):
    services.assessment_create(alliance=alliance, instrument=health(), wave="Listed", user=manager)
    client = client_for(manager)
    assert "Listed" in client.get(reverse("assessments:assessment_list")).content.decode()
    assert "Alliance health check" in client.get(reverse("assessments:instrument_list")).content.decode()
    detail = client.get(reverse("assessments:instrument_detail", args=[health().pk])).content.decode()
    assert "Balance of power" in detail
