"""``amity restore FILE``: put back the database and the uploaded files from ``amity backup``.

The engine is :mod:`amity.core.backup`; docs/backup.md gives the policy. It refuses, writing
nothing, a damaged archive, one of another migration state (unless --migrate) and a database
that is not empty (unless --force); exits 2 then.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amity.core.backup import BackupError, restore, summary_table


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with a backup made by 'amity backup'. The "
        "archive is verified first (SHA-256 of every member), the rows are loaded in one transaction "
        "and counted, the files are checked once in place; any failure leaves everything as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="An archive written by 'amity backup'.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that is not empty: everything in it is replaced.",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="The archive is of an older migration state: migrate this database back to it, "
            "load, then migrate forward to this version.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only verify the archive and whether it can be restored here; write nothing.",
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        log = self.stdout.write if verbose else (lambda message: None)
        try:
            summary = restore(
                options["file"],
                using=options["database"],
                force=options["force"],
                migrate=options["migrate"],
                dry_run=options["dry_run"],
                log=log,
            )
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}\nNothing was changed.", returncode=2) from None
        if not verbose:  # -v 0 (cron): the exit status says it
            return
        for note in summary.notes:
            self.stdout.write(note)
        manifest = summary.manifest
        made = f"made {manifest.get('created_at')} by Amity {manifest.get('amity_version')}"
        if summary.checked_only:
            intact = (
                f"{summary.path} ({made}) is intact: every member matches its SHA-256 "
                f"({len(summary.tables)} tables, {summary.rows:,} rows, {summary.files} files)"
            )
            if summary.refusals:
                self.stdout.write(self.style.SUCCESS(f"{intact}."))
                for refusal in summary.refusals:
                    self.stdout.write(f"A restore into this database would be refused: {refusal}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{intact}; it can be restored into this database."))
            return
        self.stdout.write("\n".join(summary_table(summary.tables, restored=True)))
        if summary.migrated:
            self.stdout.write(f"Migrated forward after loading: {', '.join(summary.migrated)}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path} ({made}): {summary.rows:,} rows counted as in the archive, "
                f"{summary.files} files ({summary.media_bytes / 1e6:.1f} MB) verified by SHA-256, "
                f"in {summary.seconds:.1f} s."
            )
        )
