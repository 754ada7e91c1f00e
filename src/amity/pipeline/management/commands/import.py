"""``amity import accounts|opportunities --format salesforce|hubspot|csv FILE``: a CRM export into the database.

Shows a progress bar (bytes read) on stderr, ends with a summary line, and writes the rejected
rows to ``FILE.errors.csv`` next to the file. A file that cannot be imported at all exits with
code 2 and writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from amity.alliances.models import Alliance
from amity.pipeline.importing import FORMATS, KINDS, ImportFileError, run_import
from amity.pipeline.importing.sink import DatabaseSink


class Command(BaseCommand):
    help = "Import accounts or opportunities from a Salesforce, HubSpot or Amity CSV export."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, default=None, help="Detected when left out.")
        parser.add_argument("--mapping", default=None, help="A JSON file of column → field.")
        parser.add_argument("--dry-run", action="store_true", help="Validate every row, write nothing.")
        parser.add_argument("--user", default=None, help="The importing user (default: the first admin).")
        parser.add_argument("--alliance", type=int, default=None, help="Link opportunities to this alliance.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.", returncode=2)
        user = self._user(options["user"])
        sink = None
        if not options["dry_run"]:
            alliance = None
            if options["alliance"] is not None:
                alliance = Alliance.objects.visible_to(user).filter(pk=options["alliance"]).first()
                if alliance is None:
                    raise CommandError(f"--alliance: alliance {options['alliance']} not found.", returncode=2)
            try:
                sink = DatabaseSink(user=user, alliance=alliance)
            except PermissionDenied as exc:
                raise CommandError(f"--user: {exc}", returncode=2) from exc
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages), returncode=2) from exc
        console = Console(file=self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        columns = (TextColumn("Importing {task.description}"), BarColumn(), DownloadColumn())
        try:
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task(path.name, total=path.stat().st_size)
                result = run_import(
                    path,
                    options["kind"],
                    options["format"],
                    options["mapping"],
                    sink=sink,
                    dry_run=options["dry_run"],
                    batch_size=options["batch_size"],
                    progress=lambda p: bar.update(task, completed=p.bytes_read),
                )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        prefix = "Dry run: " if result.dry_run else ""
        self.stdout.write(
            f"{prefix}read {result.rows_read}, created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, rejected {result.rejected}"
        )
        if result.rejected:
            report = path.with_name(path.name + ".errors.csv")
            with report.open("w", encoding="utf-8", newline="") as out:
                result.errors.write_csv(out)
            self.stdout.write(f"Rejected rows: {report}")
        result.errors.close()

    def _user(self, username: str | None):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--user: no active user {username!r}.", returncode=2)
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("--user: give the importing user (there is no admin).", returncode=2)
        return user
