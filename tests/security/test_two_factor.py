"""Optional two-step sign-in with an authenticator app (TOTP, django-otp)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from amity.accounts.models import SignInEvent
from tests import factories as f

from .conftest import code_for, sign_in

pytestmark = pytest.mark.django_db


def device_of(user):
    from amity.accounts.services import totp_device

    return totp_device(user)


def test_an_admin_enrols_from_the_account_page_with_a_qr_code_and_a_real_code(admin, client_for):
    client = client_for(admin)
    page = client.get("/account/security/")
    assert page.status_code == 200 and 'data-testid="otp-off"' in page.text

    started = client.post("/account/security/", {"action": "start"})
    assert started.status_code == 200
    html = started.text
    assert re.search(r'src="data:image/svg\+xml[^"]+"', html), "the QR code is drawn here, as a data: image"
    assert "otpauth://totp/Amity%3Aadmin1?secret=" in html or "otpauth://totp/Amity:admin1?secret=" in html
    assert device_of(admin) is None, "not on until confirmed"

    from amity.accounts.services import totp_device

    unconfirmed = totp_device(admin, confirmed=False)
    wrong = client.post("/account/security/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.text
    unconfirmed.refresh_from_db()
    type(unconfirmed).objects.filter(pk=unconfirmed.pk).update(throttling_failure_count=0)

    done = client.post("/account/security/", {"action": "confirm", "code": code_for(unconfirmed)})
    assert done.status_code == 302
    assert device_of(admin) is not None
    assert 'data-testid="otp-on"' in client.get("/account/security/").text


def test_the_code_form_asks_for_six_digits(admin, client_for):
    client = client_for(admin)
    client.post("/account/security/", {"action": "start"})
    response = client.post("/account/security/", {"action": "confirm", "code": "12ab"})
    assert response.status_code == 422
    assert "Enter the six digits" in response.text


def test_with_a_device_the_password_alone_does_not_sign_in(enrolled_admin):
    client = Client()
    response = client.post("/login/?next=/scorecards/", {"username": "admin1", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302, "still signed out"

    verify = client.get(response["Location"])
    assert verify.status_code == 200 and "Enter your code" in verify.text

    done = client.post(
        "/login/verify/", {"code": code_for(device_of(enrolled_admin)), "next": "/scorecards/"}
    )
    assert done.status_code == 302 and done["Location"] == "/scorecards/"
    assert client.session["_auth_user_id"] == str(enrolled_admin.pk)
    assert client.get("/").status_code == 200
    event = SignInEvent.objects.filter(outcome="success").latest("at")
    assert (event.user, event.method) == (enrolled_admin, "otp")


def test_a_code_works_only_once(enrolled_admin):
    code = code_for(device_of(enrolled_admin))
    first = Client()
    sign_in(first, "admin1")
    assert first.post("/login/verify/", {"code": code}).status_code == 302
    second = Client()
    sign_in(second, "admin1")
    again = second.post("/login/verify/", {"code": code})
    assert again.status_code == 200 and "not right" in again.text
    assert "_auth_user_id" not in second.session


def test_wrong_codes_are_recorded_counted_and_lock_out(enrolled_admin, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    sign_in(client, "admin1")
    first = client.post("/login/verify/", {"code": "000000"})
    assert first.status_code == 200 and "not right" in first.text
    failures = SignInEvent.objects.filter(username="admin1", method="otp", outcome="failure")
    assert failures.count() == 1
    client.post("/login/verify/", {"code": "000001"})
    locked = client.post("/login/verify/", {"code": "000002"})
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert SignInEvent.objects.filter(username="admin1", method="otp", outcome="lockout").exists()
    # The pending sign-in is gone: even the right code now needs the password again, which is locked.
    after = client.post("/login/verify/", {"code": code_for(device_of(enrolled_admin))})
    assert after.status_code == 302 and after["Location"] == "/login/"
    assert sign_in(Client(), "admin1").status_code == 429


def test_the_second_step_needs_the_first(enrolled_admin):
    client = Client()
    response = client.post("/login/verify/", {"code": code_for(device_of(enrolled_admin))})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(enrolled_admin, monkeypatch):
    from amity.accounts import views

    client = Client()
    sign_in(client, "admin1")
    monkeypatch.setattr(views, "PENDING_SECONDS", -1)
    response = client.post("/login/verify/", {"code": code_for(device_of(enrolled_admin))})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_users_without_a_device_sign_in_with_the_password_only(manager):
    client = Client()
    response = sign_in(client, manager.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_the_admin_site_asks_a_user_with_a_device_for_a_verified_session(enrolled_admin, client_for):
    unverified = client_for(enrolled_admin)  # a session without the second step
    response = unverified.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login = unverified.get(response["Location"])
    assert login.status_code == 302 and login["Location"].startswith("/login/verify/")
    verified = unverified.post(
        "/login/verify/", {"code": code_for(device_of(enrolled_admin)), "next": "/admin/"}
    )
    assert verified.status_code == 302 and verified["Location"] == "/admin/"
    assert unverified.get("/admin/").status_code == 200


def test_an_admin_without_a_device_is_not_forced_to_enrol(admin, client_for):
    assert client_for(admin).get("/admin/").status_code == 200


def test_the_admin_never_offers_its_own_password_form(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/admin/")
    posted = Client().post("/admin/login/", {"username": "x", "password": "y"})
    assert posted.status_code == 302 and posted["Location"].startswith("/login/")


def test_non_admins_get_no_admin_login_loop(manager, client_for):
    assert client_for(manager).get("/admin/login/").status_code == 403


def test_turning_it_off_needs_a_current_code(enrolled_admin):
    client = Client()
    sign_in(client, "admin1")
    device = device_of(enrolled_admin)
    client.post("/login/verify/", {"code": code_for(device)})
    refused = client.post("/account/security/", {"action": "disable", "code": "000000"})
    assert refused.status_code == 422 and device_of(enrolled_admin) is not None
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/account/security/", {"action": "disable", "code": code_for(device, ahead=1)})
    assert done.status_code == 302
    assert device_of(enrolled_admin) is None


def test_a_malformed_code_is_explained_and_not_counted(enrolled_admin):
    client = Client()
    sign_in(client, "admin1")
    response = client.post("/login/verify/", {"code": "12ab"})
    assert response.status_code == 200 and "Enter the six digits" in response.text
    assert not SignInEvent.objects.filter(method="otp").exists()
