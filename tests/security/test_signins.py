"""Sign-ins audited: every sign-in, failure and lockout is recorded; admins see the record."""

from __future__ import annotations

import pytest
from django.test import Client

from amity.accounts.models import SignInEvent
from tests import factories as f

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_password_sign_in_is_recorded_with_address_and_browser(manager):
    sign_in(Client(HTTP_USER_AGENT="Firefox/140"), manager.username)
    event = SignInEvent.objects.get(outcome="success")
    assert (event.user, event.username, event.method) == (manager, manager.username, "password")
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", "Firefox/140")


def test_a_failure_is_recorded_for_known_and_unknown_usernames(manager):
    sign_in(Client(), manager.username, "wrong-password")
    sign_in(Client(), "nobody-like-this", "wrong-password")
    known = SignInEvent.objects.get(username=manager.username)
    unknown = SignInEvent.objects.get(username="nobody-like-this")
    assert (known.outcome, known.user) == ("failure", manager)
    assert (unknown.outcome, unknown.user) == ("failure", None)


def test_lockouts_are_recorded(manager):
    client = Client()
    for _ in range(6):
        sign_in(client, manager.username, "wrong-password")
    outcomes = list(SignInEvent.objects.order_by("at", "id").values_list("outcome", flat=True))
    assert outcomes == ["failure"] * 4 + ["lockout"] * 2


def test_passwords_are_never_recorded(manager):
    sign_in(Client(), manager.username, "a-secret-guess-123")
    stored = " ".join(
        str(v) for v in SignInEvent.objects.values_list("username", "detail", "user_agent").get()
    )
    assert "a-secret-guess-123" not in stored


@pytest.fixture
def history(admin, manager, executive):
    for _ in range(2):
        sign_in(Client(), manager.username, "wrong-password")
    sign_in(Client(), manager.username)
    sign_in(Client(), executive.username)
    return SignInEvent.objects.all()


def test_admins_see_the_record_newest_first(history, admin, client_for):
    page = client_for(admin).get("/account/sign-ins/")
    assert page.status_code == 200
    table = page.text.split('data-testid="signins"')[1]
    # client_for's own sign-in (force_login) is recorded too: it is the newest.
    assert table.index("admin1") < table.index("exec1") < table.index("manager1")


def test_the_record_filters_by_user_and_outcome(history, admin, client_for):
    client = client_for(admin)
    failed = client.get("/account/sign-ins/", {"user": "manager1", "outcome": "failure"})
    rows = failed.text.split('data-testid="signins"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2 and "exec1" not in rows and "Signed in" not in rows
    signed_in = client.get("/account/sign-ins/", {"outcome": "success", "user": "exec1"}).text
    assert "exec1" in signed_in and "manager1" not in signed_in.split('data-testid="signins"')[1]


@pytest.mark.parametrize("role_user", ["manager", "executive", "partner"])
def test_only_admins_see_the_record(history, request, role_user, client_for):
    assert client_for(request.getfixturevalue(role_user)).get("/account/sign-ins/").status_code == 403


def test_the_record_is_paginated_with_bounded_queries(
    admin, client_for, django_assert_max_num_queries, settings
):
    settings.AMITY_PAGE_SIZE = 10
    user = f.manager_user(username="busy")
    SignInEvent.objects.bulk_create(
        SignInEvent(user=user, username="busy", outcome="failure", ip_address="192.0.2.1") for _ in range(40)
    )
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        page = client.get("/account/sign-ins/")
    assert "1–10 of 41" in page.text


def test_a_long_record_counts_up_to_the_cap(history, admin, client_for, monkeypatch):
    from amity.core import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    page = client_for(admin).get("/account/sign-ins/", {"outcome": "failure"})
    assert "1–2 of 2" in page.text  # under the cap: the exact count
    page = client_for(admin).get("/account/sign-ins/")
    assert "of more than 2; filter to narrow the list" in page.text
