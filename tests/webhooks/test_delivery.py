"""Delivery: a real service call reaches a real receiver on 127.0.0.1, signed; retries back off
and give up; 410 deactivates; every attempt is logged; duplicate tasks never send twice."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amity.alliances.models import Stage
from amity.alliances.services import alliance_transition
from amity.webhooks import services
from amity.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription

from .conftest import load_docs_snippet


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # The db_worker runner drops stale connections between tasks; inside a test's transaction
    # that would close the connection the test runs in.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", "--no-reminders", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def pending_delivery(subscribe, receiver, event="alliance.stage_changed"):
    subscription, secret = subscribe(receiver.url, [event])
    now = timezone.now()
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=event,
        event_id="7a0c4f7e-1111-4a4a-9b9b-1234567890ab",
        payload={"id": "7a0c4f7e-1111-4a4a-9b9b-1234567890ab", "event": event, "data": {"x": 1}},
        next_attempt_at=now,
    )
    return delivery, secret, now


# --- the whole way: service → event → worker → receiver ---------------------------------------


def test_a_stage_change_reaches_a_local_receiver_signed(db, admin, alliance, receiver, subscribe, emitted):
    subscription, secret = subscribe(receiver.url, ["alliance.stage_changed"])

    emitted(alliance_transition, alliance=alliance, to_stage=Stage.TRANSFORM, user=admin, reason="Pivot")
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.PENDING
    assert DBTaskResult.objects.filter(task_path="amity.webhooks.tasks.deliver").count() == 1
    assert receiver.requests == []  # the worker sends it, not the request

    run_worker()

    (request,) = receiver.requests
    headers = request.headers
    assert request.path == "/hooks"
    assert headers["Content-Type"] == "application/json"
    assert headers["Amity-Event"] == "alliance.stage_changed"
    assert headers["Amity-Delivery"] == str(delivery.uid)
    assert headers["Amity-Signature"].startswith("v1=")
    # The receiver's check, copied from the docs, accepts it - and only with the right secret.
    verify = load_docs_snippet().verify_amity_webhook
    assert verify(secret, headers, request.body)
    assert not verify("whsec_wrong", headers, request.body)
    assert not verify(secret, headers, request.body + b" ")

    body = json.loads(request.body)
    assert set(body) == {"id", "event", "created_at", "alliance", "data"}
    assert body["event"] == "alliance.stage_changed"
    assert body["alliance"] == {"id": alliance.pk, "name": alliance.name}
    assert body["data"]["from_stage"] == "manage"
    assert body["data"]["to_stage"] == "transform"
    assert body["data"]["reason"] == "Pivot"
    assert body["data"]["url"] == f"http://127.0.0.1:8000/alliances/{alliance.pk}/"
    assert body["id"] == str(delivery.event_id)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert (delivery.attempts, delivery.response_status, delivery.response_body) == (1, 200, "ok")
    (attempt,) = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.succeeded) == (1, 200, True)
    assert subscription.pk == delivery.subscription_id


def test_nothing_is_delivered_when_the_write_rolls_back(db, admin, alliance, receiver, subscribe):
    subscribe(receiver.url, ["alliance.stage_changed"])
    # Without a commit the on-commit callbacks never run: no event, no delivery.
    alliance_transition(alliance=alliance, to_stage=Stage.TRANSFORM, user=admin)
    assert not Delivery.objects.exists()


def test_only_subscribed_events_are_delivered(db, admin, alliance, receiver, subscribe, emitted):
    subscribe(receiver.url, ["deal.registered"])
    emitted(alliance_transition, alliance=alliance, to_stage=Stage.TRANSFORM, user=admin)
    assert not Delivery.objects.exists()


def test_inactive_and_archived_subscriptions_receive_nothing(
    db, admin, alliance, receiver, subscribe, emitted
):
    inactive, _ = subscribe(receiver.url, ["alliance.stage_changed"], name="Off")
    services.subscription_update(subscription=inactive, data={"active": False}, user=admin)
    archived, _ = subscribe(receiver.url, ["alliance.stage_changed"], name="Gone")
    services.subscription_archive(subscription=archived, user=admin)
    emitted(alliance_transition, alliance=alliance, to_stage=Stage.TRANSFORM, user=admin)
    assert not Delivery.objects.exists()


# --- retries ---------------------------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(db, receiver, subscribe):
    delivery, secret, t0 = pending_delivery(subscribe, receiver)
    receiver.answers = [(500, b"boom"), (503, b"busy"), (200, b"thanks")]

    d = services.delivery_attempt(delivery_id=delivery.pk, attempt=1, now=t0)
    assert (d.status, d.attempts, d.response_status, d.response_body) == (
        DeliveryStatus.FAILED,
        1,
        500,
        "boom",
    )
    assert d.next_attempt_at == t0 + timedelta(minutes=1)
    assert d.error == "The receiver answered 500."

    # Too early: nothing is sent.
    early = services.delivery_attempt(delivery_id=delivery.pk, attempt=2, now=t0 + timedelta(seconds=59))
    assert early.attempts == 1 and len(receiver.requests) == 1

    t1 = t0 + timedelta(minutes=1)
    d = services.delivery_attempt(delivery_id=delivery.pk, attempt=2, now=t1)
    assert (d.status, d.attempts, d.response_status) == (DeliveryStatus.FAILED, 2, 503)
    assert d.next_attempt_at == t1 + timedelta(minutes=5)

    t2 = t1 + timedelta(minutes=5)
    d = services.delivery_attempt(delivery_id=delivery.pk, attempt=3, now=t2)
    assert (d.status, d.attempts, d.response_status, d.response_body) == (
        DeliveryStatus.SUCCEEDED,
        3,
        200,
        "thanks",
    )
    assert d.next_attempt_at is None and d.delivered_at == t2 and d.error == ""

    attempts = list(d.attempt_log.values_list("number", "status_code", "response_body", "succeeded"))
    assert attempts == [(1, 500, "boom", False), (2, 503, "busy", False), (3, 200, "thanks", True)]
    # Every attempt is signed afresh with its own timestamp; the body stays the same.
    verify = load_docs_snippet().verify_amity_webhook
    for request, at in zip(receiver.requests, (t0, t1, t2), strict=True):
        assert request.headers["Amity-Timestamp"] == str(int(at.timestamp()))
        assert verify(secret, request.headers, request.body, now=at.timestamp())
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["Amity-Delivery"] for r in receiver.requests}) == 1


def test_the_retry_is_scheduled_in_the_queue_at_its_time(
    db, receiver, subscribe, django_capture_on_commit_callbacks
):
    delivery, _, t0 = pending_delivery(subscribe, receiver)
    receiver.answers = [(500, b"")]
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_attempt(delivery_id=delivery.pk, attempt=1, now=t0)
    task = DBTaskResult.objects.get(task_path="amity.webhooks.tasks.deliver")
    assert task.args_kwargs == {"args": [delivery.pk, 2], "kwargs": {}}
    assert task.run_after == t0 + timedelta(minutes=1)


def test_after_six_failed_attempts_it_gives_up(db, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    receiver.answers = [(500, b"no")] * 10
    waits = []
    for number in range(1, 7):
        d = services.delivery_attempt(delivery_id=delivery.pk, attempt=number, now=now)
        if d.next_attempt_at:
            waits.append(d.next_attempt_at - now)
            now = d.next_attempt_at
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert (d.status, d.attempts, d.next_attempt_at) == (DeliveryStatus.GAVE_UP, 6, None)
    assert (
        services.delivery_attempt(delivery_id=delivery.pk, attempt=7, now=now + timedelta(days=1)).attempts
        == 6
    )
    assert len(receiver.requests) == 6


def test_410_gone_gives_up_at_once_and_deactivates_the_subscription(db, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    receiver.answers = [(410, b"unsubscribed")]
    d = services.delivery_attempt(delivery_id=delivery.pk, attempt=1, now=now)
    assert (d.status, d.attempts, d.next_attempt_at, d.response_status) == (
        DeliveryStatus.GAVE_UP,
        1,
        None,
        410,
    )
    subscription = Subscription.objects.get(pk=delivery.subscription_id)
    assert subscription.active is False
    assert "410 Gone" in subscription.deactivated_reason
    assert subscription.history.first().history_change_reason.startswith("deactivated")


def test_connection_errors_timeouts_and_redirects_are_failures_with_their_reason(
    db, receiver, subscribe, settings
):
    delivery, _, now = pending_delivery(subscribe, receiver)
    # Nobody listens on the port any more.
    Subscription.objects.filter(pk=delivery.subscription_id).update(url="http://127.0.0.1:9/nothing")
    d = services.delivery_attempt(delivery_id=delivery.pk, now=now)
    assert d.status == DeliveryStatus.FAILED and d.response_status is None
    assert d.error.startswith("Could not connect")

    Subscription.objects.filter(pk=delivery.subscription_id).update(url=receiver.url)
    settings.AMITY_WEBHOOK_TIMEOUT = 0.2
    receiver.delay = 1.0
    now = d.next_attempt_at
    d = services.delivery_attempt(delivery_id=delivery.pk, now=now)
    assert d.status == DeliveryStatus.FAILED and d.error == "Timed out after 0.2 s."

    receiver.delay = 0
    receiver.answers = [(302, b"")]
    receiver.extra_headers = {"Location": "https://elsewhere.example/"}
    d = services.delivery_attempt(delivery_id=delivery.pk, now=d.next_attempt_at)
    assert d.status == DeliveryStatus.FAILED and d.response_status == 302
    assert "not followed" in d.error
    assert len([r for r in receiver.requests if r.path == "/hooks"]) == 2  # the redirect was not followed


def test_only_the_first_2000_characters_of_an_answer_are_kept(db, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    receiver.answers = [(500, "é".encode() * 3000)]
    d = services.delivery_attempt(delivery_id=delivery.pk, now=now)
    assert d.response_body == "é" * 2000
    assert DeliveryAttempt.objects.get(delivery=d).response_body == "é" * 2000


def test_a_duplicate_or_stale_task_sends_nothing(db, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    services.delivery_attempt(delivery_id=delivery.pk, attempt=1, now=now)
    again = services.delivery_attempt(delivery_id=delivery.pk, attempt=1, now=now)
    assert again.status == DeliveryStatus.SUCCEEDED and again.attempts == 1
    assert services.delivery_attempt(delivery_id=delivery.pk, attempt=2, now=now).attempts == 1
    assert len(receiver.requests) == 1
    assert services.delivery_attempt(delivery_id=999_999, attempt=1) is None


def test_two_worker_runs_deliver_once(db, admin, alliance, receiver, subscribe, emitted):
    subscribe(receiver.url, ["alliance.stage_changed"])
    emitted(alliance_transition, alliance=alliance, to_stage=Stage.TRANSFORM, user=admin)
    delivery = Delivery.objects.get()
    from amity.webhooks.tasks import deliver

    deliver.enqueue(delivery.pk, 1)  # a duplicate task for the same attempt
    run_worker()
    run_worker()
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().attempts == 1


def test_the_retry_pass_enqueues_what_is_due(db, receiver, subscribe, django_capture_on_commit_callbacks):
    delivery, _, now = pending_delivery(subscribe, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry_due(now=now - timedelta(seconds=1)) == 0
        assert services.deliveries_retry_due(now=now) == 1
    task = DBTaskResult.objects.get(task_path="amity.webhooks.tasks.deliver")
    assert task.args_kwargs == {"args": [delivery.pk, 1], "kwargs": {}}
    out = io.StringIO()
    call_command("webhooks", "retry", stdout=out)
    assert "deliveries enqueued: 1" in out.getvalue()


def test_with_a_backend_that_cannot_defer_the_retry_pass_sends_the_retry(
    db, receiver, subscribe, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    delivery, _, now = pending_delivery(subscribe, receiver)
    receiver.answers = [(500, b"")]
    with django_capture_on_commit_callbacks(execute=True):
        d = services.delivery_attempt(delivery_id=delivery.pk, now=now)
    assert d.status == DeliveryStatus.FAILED and len(receiver.requests) == 1  # no deferred task
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry_due() == 1
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 2


# --- redelivery and the test delivery ----------------------------------------------------------


def test_redeliver_sends_a_given_up_delivery_again_with_a_fresh_schedule(db, admin, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.GAVE_UP, attempts=6, next_attempt_at=None
    )
    receiver.answers = [(500, b"still down")]
    d = services.delivery_redeliver(delivery=Delivery.objects.get(pk=delivery.pk), user=admin)
    assert (d.status, d.retry_base) == (DeliveryStatus.PENDING, 6)
    d = services.delivery_attempt(delivery_id=d.pk, attempt=7, now=timezone.now())
    assert (d.status, d.attempts) == (DeliveryStatus.FAILED, 7)  # retried again, not given up
    assert d.next_attempt_at - d.last_attempt_at == timedelta(minutes=1)


def test_only_failed_deliveries_can_be_redelivered(db, admin, receiver, subscribe):
    from django.core.exceptions import ValidationError

    delivery, _, _ = pending_delivery(subscribe, receiver)
    with pytest.raises(ValidationError):
        services.delivery_redeliver(delivery=delivery, user=admin)


def test_a_test_delivery_pings_the_receiver_once(
    db, admin, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(receiver.url, ["deal.registered"])
    with django_capture_on_commit_callbacks(execute=True):
        ping = services.subscription_test(subscription=subscription, user=admin)
    assert DBTaskResult.objects.filter(task_path="amity.webhooks.tasks.deliver").count() == 1
    run_worker()
    (request,) = receiver.requests
    assert request.headers["Amity-Event"] == "ping"
    assert load_docs_snippet().verify_amity_webhook(secret, request.headers, request.body)
    body = json.loads(request.body)
    assert body["data"]["subscription"] == {"id": subscription.pk, "name": subscription.name}
    ping.refresh_from_db()
    assert ping.status == DeliveryStatus.SUCCEEDED


def test_a_failed_ping_is_not_retried(db, admin, receiver, subscribe):
    subscription, _ = subscribe(receiver.url, ["deal.registered"])
    receiver.answers = [(500, b"")]
    ping = services.subscription_test(subscription=subscription, user=admin)
    d = services.delivery_attempt(delivery_id=ping.pk, now=timezone.now())
    assert (d.status, d.next_attempt_at) == (DeliveryStatus.GAVE_UP, None)


def test_a_rotated_secret_signs_from_the_next_attempt(db, admin, receiver, subscribe):
    delivery, old, now = pending_delivery(subscribe, receiver)
    subscription, new = services.subscription_rotate_secret(subscription=delivery.subscription, user=admin)
    assert new != old and subscription.secret_prefix == new[:10]
    services.delivery_attempt(delivery_id=delivery.pk, now=now)
    verify = load_docs_snippet().verify_amity_webhook
    (request,) = receiver.requests
    assert verify(new, request.headers, request.body, now=now.timestamp())
    assert not verify(old, request.headers, request.body, now=now.timestamp())


def test_a_delivery_to_a_deactivated_subscription_gives_up_without_sending(db, admin, receiver, subscribe):
    delivery, _, now = pending_delivery(subscribe, receiver)
    services.subscription_update(subscription=delivery.subscription, data={"active": False}, user=admin)
    d = services.delivery_attempt(delivery_id=delivery.pk, now=now)
    assert d.status == DeliveryStatus.GAVE_UP and receiver.requests == []
    assert "inactive" in d.error
