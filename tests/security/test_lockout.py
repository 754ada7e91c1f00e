"""Sign-in throttling (django-axes): a username is locked out from one address after
AMITY_LOGIN_FAILURES failed sign-ins, for AMITY_LOGIN_COOLOFF_MINUTES."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client

from amity.accounts.models import SignInEvent
from tests import factories as f

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def fail(client: Client, username: str, times: int, **extra):
    response = None
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", **extra)
    return response


def test_the_defaults_are_five_failures_and_fifteen_minutes():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_failed_sign_in_says_so_and_is_not_yet_a_lockout(manager):
    response = fail(Client(), manager.username, 1)
    assert response.status_code == 200
    assert "didn't match" in response.text


def test_after_five_failures_even_the_right_password_gets_the_lockout_page(manager):
    client = Client()
    for _ in range(4):
        assert fail(client, manager.username, 1).status_code == 200
    locked = fail(client, manager.username, 1)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "Try again in 15 minutes" in locked.text
    assert manager.username in locked.text
    right = sign_in(client, manager.username)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(manager, executive):
    fail(Client(), manager.username, 5)
    # The same username from another address, and another username from the same address, sign in.
    elsewhere = sign_in(Client(REMOTE_ADDR="203.0.113.9"), manager.username)
    assert elsewhere.status_code == 302
    other_user = sign_in(Client(), executive.username)
    assert other_user.status_code == 302


def test_the_lockout_ends_after_the_cool_off(manager):
    from axes.models import AccessAttempt

    fail(Client(), manager.username, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert sign_in(Client(), manager.username).status_code == 302


def test_a_success_resets_the_count(manager):
    client = Client()
    fail(client, manager.username, 4)
    assert sign_in(client, manager.username).status_code == 302
    client.post("/logout/")
    assert fail(Client(), manager.username, 4).status_code == 200, "counting starts again"


def test_behind_a_proxy_the_address_comes_from_x_forwarded_for(manager, settings):
    settings.AMITY_PROXY_COUNT = 1
    # Every request arrives from the proxy (127.0.0.1); the client's own address is the last hop.
    fail(Client(), manager.username, 5, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(Client(), manager.username, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    # A forged first hop does not help the locked-out client.
    forged = sign_in(Client(), manager.username, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    assert forged.status_code == 429
    assert SignInEvent.objects.filter(ip_address="198.51.100.7", outcome="lockout").exists()


def test_the_api_takes_no_passwords_so_it_cannot_go_around_the_lockout(manager):
    basic = base64.b64encode(f"{manager.username}:{f.PASSWORD}".encode()).decode()
    response = Client(HTTP_AUTHORIZATION=f"Basic {basic}").get("/api/v1/me")
    assert response.status_code == 401
    posted = Client().post("/api/v1/me", {"username": manager.username, "password": f.PASSWORD})
    assert posted.status_code == 405, "no API operation takes a username and password"
