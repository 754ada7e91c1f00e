"""Helpers for the security tests: real TOTP codes from a device's key, sign-in by the form."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f


def code_for(device, ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device`` now (or ``ahead`` steps later).

    Each code works once, so a test that needs two codes in the same 30 seconds takes the next
    step's (Amity accepts one step either side for clock drift).
    """
    from django_otp.oath import totp

    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return str(value).zfill(device.digits)


def sign_in(client: Client, username: str, password: str = f.PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def enrolled_admin(admin):
    """An admin with a confirmed authenticator device."""
    from amity.accounts import services

    device = services.totp_enrol_start(user=admin)
    assert services.totp_enrol_confirm(device=device, code=code_for(device))
    # Forget that the enrolment used the current code, so the test may sign in with it.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    return admin
