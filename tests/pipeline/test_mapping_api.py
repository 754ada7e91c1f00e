"""/api/v1/mappings: shared and private mapping over the API, with the visibility rule."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amity.pipeline import services_mapping as services
from amity.pipeline.mapping import private
from amity.pipeline.models import MappingRun

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_shared_mapping_over_the_api(api_for, manager, partner_org, alliance, lists):
    api = api_for(manager)
    response = post(
        api, "/api/v1/mappings", {"alliance": alliance.pk, "partner": partner_org.pk, "reveal": True}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == "shared" and body["status"] == "done" and body["matrix"]["total"] == 2
    assert {m["their_name"] for m in body["matches"]} == {"ACME Germany", "Globex Inc."}
    listed = api.get("/api/v1/mappings").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_private_mapping_round_trip_over_the_api(api_for, manager, partner_org, alliance, lists):
    api = api_for(manager)
    started = post(
        api, "/api/v1/mappings/private/request", {"alliance": alliance.pk, "partner": partner_org.pk}
    )
    assert started.status_code == 201 and started.json()["status"] == "requested"
    run_id = started.json()["id"]
    request = b"".join(api.get(started.json()["request_url"]).streaming_content)
    response = private.create_response(request, list(services.account_pairs(partner_org.pk)))
    finished = api.post(
        f"/api/v1/mappings/{run_id}/finish", {"response": SimpleUploadedFile("response.bin", response)}
    )
    assert finished.status_code == 200, finished.content
    assert finished.json()["status"] == "done" and finished.json()["matrix"]["total"] == 2
    again = api.post(f"/api/v1/mappings/{run_id}/finish", {"response": SimpleUploadedFile("r.bin", response)})
    assert again.status_code == 422 and "response" in again.content.decode()


def test_answering_a_partners_request_over_the_api(api_for, manager, partner_org, alliance, lists):
    request, state = private.create_request(list(services.account_pairs(partner_org.pk)))
    answered = api_for(manager).post(
        "/api/v1/mappings/private/respond",
        {
            "alliance": alliance.pk,
            "partner": partner_org.pk,
            "request_file": SimpleUploadedFile("r.bin", request),
        },
    )
    assert answered.status_code == 201, answered.content
    response = b"".join(api_for(manager).get(answered.json()["response_url"]).streaming_content)
    assert private.finish(state, response).total == 2


def test_bad_input_names_the_field(api_for, manager, partner_org, alliance, lists):
    api = api_for(manager)
    missing = post(api, "/api/v1/mappings", {"alliance": alliance.pk, "partner": 999_999})
    assert missing.status_code == 422 and "partner" in missing.content.decode()
    junk = api.post(
        "/api/v1/mappings/private/respond",
        {
            "alliance": alliance.pk,
            "partner": partner_org.pk,
            "request_file": SimpleUploadedFile("r.bin", b"junk"),
        },
    )
    assert junk.status_code == 422 and "request" in junk.content.decode()
    assert not MappingRun.objects.exists()


def test_partners_read_their_own_runs_and_never_the_files(
    api_for,
    manager,
    partner,
    other_partner,
    partner_org,
    alliance,
    lists,
):
    run = services.mapping_request(user=manager, alliance=alliance, partner=partner_org)
    own = api_for(partner)
    assert own.get(f"/api/v1/mappings/{run.pk}").status_code == 200
    assert own.get(f"/api/v1/mappings/{run.pk}/request").status_code == 404
    assert (
        post(own, "/api/v1/mappings", {"alliance": alliance.pk, "partner": partner_org.pk}).status_code == 403
    )
    competitor = api_for(other_partner)
    assert competitor.get(f"/api/v1/mappings/{run.pk}").status_code == 404
    assert competitor.get("/api/v1/mappings").json()["count"] == 0
