"""``amity token create|list|revoke``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from amity.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_prints_a_working_token_once_and_stores_only_its_digest(manager):
    raw, note = run("create", "--user", manager.username, "--name", "CI export", "--days", "30")
    token = ApiToken.objects.get(user=manager)
    assert raw.startswith("amity_")
    assert "cannot be shown again" in note
    assert token.name == "CI export"
    assert token.expires_at is not None
    assert raw not in (token.digest, token.prefix)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == manager.username


def test_list_shows_tokens_without_their_values(manager):
    raw, _ = run("create", "--user", manager.username, "--name", "laptop")
    listing, _ = run("list", "--user", manager.username)
    assert "laptop" in listing
    assert "active" in listing
    assert raw not in listing
    assert ApiToken.objects.get().prefix in listing


def test_list_says_when_a_user_has_no_tokens(manager):
    assert run("list", "--user", manager.username)[0] == f"{manager.username} has no API tokens."


def test_revoke_stops_the_token_from_authenticating(manager):
    raw, _ = run("create", "--user", manager.username)
    token = ApiToken.objects.get()
    message, _ = run("revoke", str(token.pk))
    assert f"Revoked token {token.pk}" in message
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert "revoked" in run("list", "--user", manager.username)[0]
    assert "already revoked" in run("revoke", str(token.pk))[0]


@pytest.mark.parametrize(
    "args",
    [
        ("create", "--user", "nobody"),
        ("create", "--user", "manager1", "--days", "0"),
        ("create",),
        ("list", "--user", "nobody"),
        ("revoke", "999999"),
        ("revoke", "abc"),
        ("explode",),
    ],
)
def test_bad_arguments_are_clear_command_errors(manager, args):
    with pytest.raises(CommandError):
        run(*args)
    assert not ApiToken.objects.exists()
