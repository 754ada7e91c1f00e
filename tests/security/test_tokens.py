"""API tokens scoped read or write, with an expiry; existing tokens keep working."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from amity.accounts.models import ApiToken, SignInEvent
from amity.accounts.services import token_create

pytestmark = pytest.mark.django_db

WRITE = ("/api/v1/organizations", {"name": "Written By Token GmbH", "partner_kind": "technology"})


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_new_tokens_are_read_only_unless_asked(manager):
    token, _ = token_create(user=manager)
    assert token.scope == "read"


def test_a_read_token_reads(manager):
    _, raw = token_create(user=manager, scope="read")
    assert bearer(raw).get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_read_token_may_not_write_and_is_told_why(admin, partner_org, method):
    _, raw = token_create(user=admin, scope="read")
    url = WRITE[0] if method == "post" else f"{WRITE[0]}/{partner_org.pk}"
    response = getattr(bearer(raw), method)(url, WRITE[1], content_type="application/json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "read-only" in detail and method.upper() in detail
    partner_org.refresh_from_db()
    assert partner_org.archived_at is None and partner_org.name == "Stratus Test Cloud"


def test_a_read_token_wins_over_a_session(admin, client_for):
    # A caller that sends a token gets what the token allows, even with a session cookie.
    _, raw = token_create(user=admin, scope="read")
    client = client_for(admin)
    response = client.post(
        WRITE[0], WRITE[1], content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403


def test_a_write_token_writes(admin):
    _, raw = token_create(user=admin, scope="write")
    response = bearer(raw).post(WRITE[0], WRITE[1], content_type="application/json")
    assert response.status_code in (200, 201), response.content


def test_an_expired_token_is_401_with_the_date(manager):
    token, raw = token_create(user=manager, days=1, scope="write")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert "expired on" in response.json()["detail"]


def test_a_revoked_token_is_401_and_says_so(manager):
    token, raw = token_create(user=manager)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_an_unknown_token_is_a_plain_401(db):
    response = bearer("amity_" + "x" * 43).get("/api/v1/me")
    assert response.status_code == 401 and response.json()["detail"] == "Authentication required."


def test_a_token_of_a_deactivated_user_stops_working(manager):
    _, raw = token_create(user=manager)
    manager.is_active = False
    manager.save()
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_tokens_first_use_is_recorded_as_a_sign_in(manager):
    token, raw = token_create(user=manager, name="laptop")
    bearer(raw).get("/api/v1/me", HTTP_USER_AGENT="curl/8.5")
    bearer(raw).get("/api/v1/me")
    events = SignInEvent.objects.filter(method="token")
    assert events.count() == 1
    event = events.get()
    assert (event.user, event.outcome, event.ip_address, event.user_agent) == (
        manager,
        "success",
        "127.0.0.1",
        "curl/8.5",
    )
    assert token.prefix in event.detail


def test_the_cli_creates_scoped_expiring_tokens(manager):
    out, err = StringIO(), StringIO()
    call_command(
        "token",
        "create",
        "--user",
        manager.username,
        "--scope",
        "write",
        "--expires-days",
        "7",
        stdout=out,
        stderr=err,
    )
    token = ApiToken.objects.get(user=manager)
    assert token.scope == "write"
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert "read and write" in err.getvalue()
    listing = StringIO()
    call_command("token", "list", "--user", manager.username, stdout=listing)
    assert "write" in listing.getvalue()


def test_the_cli_default_is_read_only(manager):
    call_command("token", "create", "--user", manager.username, stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.get(user=manager).scope == "read"


def test_the_tokens_page_creates_read_only_tokens_by_default_and_shows_scope_and_expiry(manager, client_for):
    client = client_for(manager)
    page = client.get("/account/tokens/")
    assert '<option value="read" selected>' in page.text
    created = client.post("/account/tokens/", {"name": "reporting", "scope": "read", "days": "30"})
    assert created.status_code == 200 and 'data-testid="new-token"' in created.text
    token = ApiToken.objects.get(user=manager)
    assert token.scope == "read" and token.expires_at is not None
    assert "read only" in created.text
    assert token.expires_at.strftime("%Y") in created.text
    client.post("/account/tokens/", {"name": "sync", "scope": "write", "days": ""})
    listing = client.get("/account/tokens/").text
    assert "read &amp; write" in listing and "never" in listing


def test_tokens_made_before_scopes_keep_writing():
    """The migration gives existing tokens write scope and no expiry; new ones default to read."""
    from importlib import import_module

    migration = import_module("amity.accounts.migrations.0003_token_scope_signin_events").Migration
    added = next(
        op
        for op in migration.operations
        if getattr(op, "name", "") == "scope" and op.__class__.__name__ == "AddField"
    )
    altered = next(
        op
        for op in migration.operations
        if getattr(op, "name", "") == "scope" and op.__class__.__name__ == "AlterField"
    )
    assert added.field.default == "write"
    assert altered.field.default == "read"
