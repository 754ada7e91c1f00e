"""Idempotency keys on API POSTs: a retry with the same key gets the first answer and creates
nothing twice; the same key for another request is refused naming the header."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amity.core.idempotency import purge
from amity.core.models import IdempotencyRecord
from amity.pipeline.models import DealRegistration
from tests.api.helpers import API
from tests.pipeline.test_api import reg_body


def _post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(API + path, body, content_type="application/json", **headers)


@pytest.fixture
def client(api_for, partner):
    return api_for(partner)


def test_a_retried_registration_is_created_once_and_answered_the_same(client, alliance):
    first = _post(client, "/deal-registrations", reg_body(alliance), key="8f0c-retry-1")
    assert first.status_code == 201, first.content
    again = _post(client, "/deal-registrations", reg_body(alliance), key="8f0c-retry-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert DealRegistration.objects.count() == 1
    # Without a key, or with another one, each POST is a new registration.
    assert _post(client, "/deal-registrations", reg_body(alliance), key="8f0c-retry-2").status_code == 201
    assert _post(client, "/deal-registrations", reg_body(alliance)).status_code == 201
    assert DealRegistration.objects.count() == 3


def test_the_same_key_for_another_request_is_refused_naming_the_header(client, alliance):
    assert _post(client, "/deal-registrations", reg_body(alliance), key="k-1").status_code == 201
    other = _post(client, "/deal-registrations", reg_body(alliance, company_name="Other Co"), key="k-1")
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "another request" in other.json()["detail"][0]["msg"]
    assert DealRegistration.objects.count() == 1


def test_a_refused_request_forgets_the_key_so_the_corrected_one_may_use_it(client, alliance):
    bad = _post(client, "/deal-registrations", {**reg_body(alliance), "amount": "lots"}, key="k-2")
    assert bad.status_code == 422 and "amount" in bad.json()["errors"]
    assert not IdempotencyRecord.objects.exists()
    assert _post(client, "/deal-registrations", reg_body(alliance), key="k-2").status_code == 201


def test_keys_of_different_clients_never_meet(api_for, partner, other_partner, alliance, other_alliance):
    a = _post(api_for(partner), "/deal-registrations", reg_body(alliance), key="same")
    b = _post(api_for(other_partner), "/deal-registrations", reg_body(other_alliance), key="same")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_a_key_that_is_empty_or_too_long_is_refused(client, alliance):
    for key in ("   ", "x" * 256):
        response = _post(client, "/deal-registrations", reg_body(alliance), key=key)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][1] == "Idempotency-Key"
    assert DealRegistration.objects.count() == 0


def test_a_server_error_writes_nothing_and_keeps_no_key(client, alliance, monkeypatch):
    from amity.pipeline import services

    real = services.registration_submit

    def broken(**kwargs):
        real(**kwargs)
        raise RuntimeError("the disk went away after the write")

    monkeypatch.setattr(services, "registration_submit", broken)
    client.raise_request_exception = False  # answer the 500 the way a server would
    response = _post(client, "/deal-registrations", reg_body(alliance), key="k-500")
    assert response.status_code == 500
    assert DealRegistration.objects.count() == 0 and not IdempotencyRecord.objects.exists()


def test_the_daily_pass_forgets_keys_after_a_day(client, alliance):
    _post(client, "/deal-registrations", reg_body(alliance), key="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge() == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_create_one_registration(api_for, partner, alliance):
    """Needs real concurrent transactions (PostgreSQL); SQLite serializes writers anyway."""
    import threading

    from django.db import close_old_connections, connection

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent retries need PostgreSQL: set AMITY_TEST_DATABASE_URL to run it.")
    clients = [api_for(partner), api_for(partner)]
    token = clients[0].defaults["HTTP_AUTHORIZATION"]
    clients[1].defaults["HTTP_AUTHORIZATION"] = token  # the same client retrying
    barrier = threading.Barrier(2)
    answers: list = []

    def send(c) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(_post(c, "/deal-registrations", reg_body(alliance), key="race"))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert DealRegistration.objects.count() == 1
