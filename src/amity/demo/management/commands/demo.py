"""``amity demo [--no-serve]``: load Halcyon Data's demo portfolio, print how to sign in, serve."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from amity.core.management.commands.serve import display_url, resolve_host, resolve_port
from amity.demo import data
from amity.demo.loader import DemoError, load


class Command(BaseCommand):
    help = (
        "Load the demo portfolio of Halcyon Data (deterministic; running it again adds nothing), "
        "print the demo users and their password, then serve Amity (unless --no-serve)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Only load the data; do not start the server."
        )
        parser.add_argument(
            "--host", default=None, help="Passed to 'amity serve' (default: $HOST or 127.0.0.1)."
        )
        parser.add_argument("--port", default=None, help="Passed to 'amity serve' (default: $PORT or 8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        self._migrate_if_needed()
        try:
            result = load()
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        created = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo data of {data.HOME.name}: created {created}."))
        if result.existing.get("alliances"):
            self.stdout.write(
                f"{result.existing['alliances']} alliances were already there and were left as they are."
            )
        self._summary(options)
        if not options["no_serve"]:
            serve_options = {k: options[k] for k in ("host", "port") if options[k]}
            call_command("serve", **serve_options)

    def _migrate_if_needed(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Applying database migrations first …")
            call_command("migrate", interactive=False, verbosity=0)

    def _summary(self, options: dict[str, Any]) -> None:
        try:
            url = display_url(resolve_host(options["host"]), resolve_port(options["port"]))
        except CommandError:
            url = "http://127.0.0.1:8000/"
        width = max(len(u.username) for u in data.USERS)
        lines = ["", f"Amity: {url}", "Sign in as:"]
        lines += [f"  {u.username.ljust(width)}  {u.who}" for u in data.USERS]
        lines += [f"Password for every demo user: {settings.DEMO_PASSWORD}", ""]
        self.stdout.write("\n".join(lines))
