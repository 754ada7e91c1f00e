"""``amity token create|list|revoke``: personal API tokens from the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from amity.accounts.models import ApiToken, User
from amity.accounts.services import token_create, token_revoke


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser: CommandParser) -> None:
        # Django's CommandParser makes the subparsers CommandParsers too (errors → CommandError).
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")

        def sub(name: str, help: str) -> ArgumentParser:
            return actions.add_parser(name, help=help)

        create = sub("create", "Create a token and print it once.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", default="API token", help="A label to recognise the token.")
        create.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.READ,
            help="read (default): GET only; write: whatever the user may do.",
        )
        create.add_argument(
            "--expires-days",
            "--days",
            dest="days",
            type=int,
            default=None,
            help="Expire after this many days (default: never).",
        )

        listing = sub("list", "List a user's tokens (never their values).")
        listing.add_argument("--user", required=True, help="Username.")

        revoke = sub("revoke", "Revoke a token by its id.")
        revoke.add_argument("id", type=int, help="Token id, as shown by `amity token list`.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options)
        elif action == "list":
            self.list(options)
        else:
            self.revoke(options)

    def create(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be at least 1.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is inactive.")
        token, raw = token_create(user=user, name=options["name"], days=days, scope=options["scope"])
        expires = (
            f", expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}" if token.expires_at else ""
        )
        self.stderr.write(
            f"Token {token.pk} ({token.name}, {token.get_scope_display().lower()}) for {user.username}{expires}. "
            "Copy it now: it is not stored and cannot be shown again."
        )
        self.stdout.write(raw)

    def list(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        self.stdout.write(
            f"{'id':>6}  {'prefix':<14} {'scope':<6} {'status':<8} {'created':<16} {'expires':<16} "
            f"{'last used':<16} name"
        )
        for t in tokens:
            self.stdout.write(
                f"{t.pk:>6}  {t.prefix + '…':<14} {t.scope:<6} {_status(t):<8} {_when(t.created_at):<16} "
                f"{_when(t.expires_at):<16} {_when(t.last_used_at):<16} {t.name}"
            )

    def revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No API token with id {options['id']}.")
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.pk} was already revoked.")
            return
        token_revoke(token=token, user=None)
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user.username}.")


def _status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_active else "expired"


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
