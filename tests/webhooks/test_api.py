"""/api/v1/webhooks: subscriptions (secret once), the log with attempts, test, rotate, redeliver,
the event registry - and who may do what (what you may not see answers 404)."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from amity.webhooks import catalog, services
from amity.webhooks.models import Delivery, DeliveryStatus, Subscription
from tests.api.helpers import API, delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "CRM sync",
    "url": "https://crm.example.com/amity",
    "events": ["deal.approved", "plan.agreed"],
}


@pytest.fixture
def ours(subscribe):
    return subscribe("https://hooks.halcyon.example/amity", ["alliance.stage_changed"], name="Ours")[0]


@pytest.fixture
def theirs(subscribe, partner):
    return subscribe("https://hooks.partner.example/amity", ["deal.approved"], user=partner, name="Theirs")[0]


def test_the_event_registry_lists_every_event_with_an_example(api_for, partner):
    response = get(api_for(partner), "/webhooks/events")
    assert response.status_code == 200
    body = response.json()
    assert [e["name"] for e in body] == list(catalog.EVENTS)
    plan = next(e for e in body if e["name"] == "plan.agreed")
    assert plan["kind"] == "plan" and plan["description"] and "revenue_target" in plan["example"]


def test_creating_answers_the_secret_once(api_for, admin, home):
    client = api_for(admin)
    response = post(client, "/webhooks/subscriptions", GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["secret_prefix"] == body["secret"][:10]
    assert body["internal"] is True and body["organization"]["id"] == home.pk
    assert body["events"] == ["deal.approved", "plan.agreed"] and body["active"] is True
    subscription = Subscription.objects.get(pk=body["id"])
    assert subscription.signing_secret.secret == body["secret"]
    again = get(client, f"/webhooks/subscriptions/{body['id']}").json()
    assert "secret" not in again
    assert "secret" not in get(client, "/webhooks/subscriptions").json()["items"][0]
    assert body["secret"] not in str(subscription.history.all().values())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": []}, "events"),
        ({"events": ["deal.exploded"]}, "events.0"),
        ({"events": ["ping"]}, "events.0"),
        ({"url": "http://crm.example.com/amity"}, "url"),
        ({"url": "ftp://crm.example.com/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://user:pw@crm.example.com/"}, "url"),
        ({"name": ""}, "name"),
        ({"secret": "mine"}, "secret"),
        ({"organization_id": 999_999}, "organization_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_for, admin, home, change, field):
    response = post(api_for(admin), "/webhooks/subscriptions", {**GOOD, **change})
    assert field in field_errors(response), response.json()
    assert not Subscription.objects.exists()


def test_plain_http_is_allowed_to_this_machine_for_our_company_only(api_for, admin, partner, home):
    local = {**GOOD, "url": "http://127.0.0.1:8765/"}
    assert post(api_for(admin), "/webhooks/subscriptions", local).status_code == 201
    assert "url" in field_errors(post(api_for(partner), "/webhooks/subscriptions", local))
    private = {**GOOD, "url": "https://10.0.0.5/hooks"}
    assert "url" in field_errors(post(api_for(partner), "/webhooks/subscriptions", private))


def test_a_partner_user_manages_only_its_own_organizations_webhooks(
    api_for, partner, partner_org, other_partner, other_partner_org, ours, theirs
):
    client = api_for(partner)
    assert ids(get(client, "/webhooks/subscriptions")) == {theirs.pk}
    created = post(client, "/webhooks/subscriptions", GOOD).json()
    assert created["organization"]["id"] == partner_org.pk and created["internal"] is False
    refused = post(client, "/webhooks/subscriptions", {**GOOD, "organization_id": other_partner_org.pk})
    assert "organization_id" in field_errors(refused)

    stranger = api_for(other_partner)
    assert ids(get(stranger, "/webhooks/subscriptions")) == set()
    for path in (f"/webhooks/subscriptions/{theirs.pk}", f"/webhooks/subscriptions/{ours.pk}"):
        assert get(stranger, path).status_code == 404
        assert patch(stranger, path, {"name": "Mine now"}).status_code == 404
        assert delete(stranger, path).status_code == 404
        assert post(stranger, path + "/test").status_code == 404
        assert post(stranger, path + "/rotate-secret").status_code == 404
        assert get(stranger, path + "/deliveries").status_code == 404
    assert Subscription.objects.get(pk=theirs.pk).name == "Theirs"


def test_internal_managers_see_every_webhook_executives_none(
    api_for, admin, manager, executive, ours, theirs
):
    assert ids(get(api_for(admin), "/webhooks/subscriptions")) == {ours.pk, theirs.pk}
    assert ids(get(api_for(manager), "/webhooks/subscriptions")) == {ours.pk, theirs.pk}
    client = api_for(executive)
    assert ids(get(client, "/webhooks/subscriptions")) == set()
    assert get(client, f"/webhooks/subscriptions/{ours.pk}").status_code == 404
    assert post(client, "/webhooks/subscriptions", GOOD).status_code == 403


def test_anonymous_callers_must_authenticate(client, ours):
    assert client.get(f"{API}/webhooks/subscriptions").status_code == 401
    assert client.get(f"{API}/webhooks/events").status_code == 401


def test_patch_changes_with_optimistic_locking_and_delete_archives(api_for, admin, ours):
    client = api_for(admin)
    path = f"/webhooks/subscriptions/{ours.pk}"
    response = patch(client, path, {"events": ["deal.rejected", "deal.approved"], "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["events"] == ["deal.approved", "deal.rejected"]  # registry order
    assert response.json()["version"] == 2
    assert patch(client, path, {"name": "Stale", "version": 1}).status_code == 409
    assert "events.0" in field_errors(patch(client, path, {"events": ["nope"]}))
    assert "secret_prefix" in field_errors(patch(client, path, {"secret_prefix": "x"}))
    assert delete(client, path).status_code == 204
    assert Subscription.objects.get(pk=ours.pk).archived_at is not None
    assert ids(get(client, "/webhooks/subscriptions")) == set()
    assert ids(get(client, "/webhooks/subscriptions", {"include_archived": "true"})) == {ours.pk}


def test_rotate_secret_answers_the_new_secret_once(api_for, admin, ours):
    old = ours.signing_secret.secret
    response = post(api_for(admin), f"/webhooks/subscriptions/{ours.pk}/rotate-secret")
    assert response.status_code == 200
    new = response.json()["secret"]
    assert new != old and Subscription.objects.get(pk=ours.pk).signing_secret.secret == new


def test_a_test_delivery_is_queued_and_logged(
    api_for, partner, theirs, receiver, settings, django_capture_on_commit_callbacks
):
    client = api_for(partner)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/webhooks/subscriptions/{theirs.pk}/test")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["event"], body["status"], body["attempts"]) == ("ping", "pending", 0)
    assert DBTaskResult.objects.filter(task_path="amity.webhooks.tasks.deliver").count() == 1

    # The worker's attempt (to the local receiver; a partner's must be public, so allow it here).
    settings.AMITY_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    Subscription.objects.filter(pk=theirs.pk).update(url=receiver.url)
    receiver.answers = [(500, b"receiver is down")]
    services.delivery_attempt(delivery_id=body["id"], attempt=1)
    log = get(client, f"/webhooks/subscriptions/{theirs.pk}/deliveries").json()
    (item,) = log["items"]
    assert (item["status"], item["response_status"]) == ("gave_up", 500)
    (attempt,) = item["attempt_log"]
    assert (attempt["number"], attempt["status_code"], attempt["response_body"]) == (
        1,
        500,
        "receiver is down",
    )
    assert attempt["duration_ms"] >= 0 and attempt["succeeded"] is False
    assert (
        get(client, f"/webhooks/subscriptions/{theirs.pk}/deliveries", {"status": "succeeded"}).json()[
            "count"
        ]
        == 0
    )

    receiver.answers = []
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, f"/webhooks/deliveries/{body['id']}/redeliver")
    assert again.status_code == 202 and again.json()["status"] == "pending"
    services.delivery_attempt(delivery_id=body["id"])
    detail = get(client, f"/webhooks/deliveries/{body['id']}").json()
    assert detail["status"] == "succeeded" and [a["status_code"] for a in detail["attempt_log"]] == [500, 200]
    assert "status" in field_errors(post(client, f"/webhooks/deliveries/{body['id']}/redeliver"))


def test_another_partners_delivery_is_not_found(api_for, other_partner, theirs):
    delivery = Delivery.objects.create(
        subscription=theirs, event="ping", event_id="0b6f1c9e-3f7a-4d52-9a1e-5c2d8e4f7a10", payload={}
    )
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.GAVE_UP)
    client = api_for(other_partner)
    assert get(client, f"/webhooks/deliveries/{delivery.pk}").status_code == 404
    assert post(client, f"/webhooks/deliveries/{delivery.pk}/redeliver").status_code == 404
    assert get(client, f"/webhooks/deliveries/{2**63}").status_code == 404


def test_list_queries_do_not_grow_with_rows(api_for, admin, subscribe, django_assert_max_num_queries):
    client = api_for(admin)
    first = subscribe("https://a.example/", ["deal.approved"])[0]
    for n in range(3):
        delivery = Delivery.objects.create(
            subscription=first,
            event="deal.approved",
            event_id=f"0b6f1c9e-3f7a-4d52-9a1e-5c2d8e4f7a1{n}",
            payload={},
        )
        delivery.attempt_log.create(number=1, started_at=delivery.created_at, status_code=500)
    get(client, "/webhooks/subscriptions")  # warm up (token last-used, sign-in record)
    with django_assert_max_num_queries(8) as few:
        get(client, "/webhooks/subscriptions")
        get(client, f"/webhooks/subscriptions/{first.pk}/deliveries")
    for n in range(10):
        subscribe(f"https://b{n}.example/", ["deal.approved"])
        delivery = Delivery.objects.create(
            subscription=first,
            event="deal.approved",
            event_id=f"1b6f1c9e-3f7a-4d52-9a1e-5c2d8e4f7a{n:02d}",
            payload={},
        )
        delivery.attempt_log.create(number=1, started_at=delivery.created_at, status_code=500)
    with django_assert_max_num_queries(len(few.captured_queries)):
        get(client, "/webhooks/subscriptions")
        get(client, f"/webhooks/subscriptions/{first.pk}/deliveries")
