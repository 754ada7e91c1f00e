"""``amity backup FILE``: a consistent, verified archive of the database and the uploaded files.

The engine is :mod:`amity.core.backup`; docs/backup.md describes the archive and what it
guarantees. Exits 2, writing nothing under FILE, when the backup cannot be taken.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amity.core.backup import BackupError, backup, summary_table


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the uploaded files (MEDIA_ROOT) to FILE: a .tar.gz "
        "(or an uncompressed .tar when FILE ends in .tar) with a manifest of checksums and row counts. "
        "Safe while Amity runs: the database is read at one point in time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive to write, e.g. amity-2026-12-04.tar.gz.")
        parser.add_argument("--overwrite", action="store_true", help="Replace FILE if it exists.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        log = self.stdout.write if verbose else (lambda message: None)
        try:
            summary = backup(
                options["file"], using=options["database"], overwrite=options["overwrite"], log=log
            )
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}", returncode=2) from None
        if options["verbosity"] >= 2:
            self.stdout.write("\n".join(summary_table(summary.tables, restored=False)))
        if summary.state_note:
            self.stderr.write(summary.state_note)
        if summary.missing_files:
            self.stderr.write(
                f"Warning: {len(summary.missing_files)} file(s) named by the database are not in MEDIA_ROOT "
                f"(the first: {summary.missing_files[0]}); they are listed in the manifest."
            )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {len(summary.tables)} tables ({summary.rows:,} rows, {summary.engine}) and "
                    f"{summary.files} files ({summary.media_bytes / 1e6:.1f} MB) to {summary.path} "
                    f"({summary.size / 1e6:.1f} MB) in {summary.seconds:.1f} s."
                )
            )
