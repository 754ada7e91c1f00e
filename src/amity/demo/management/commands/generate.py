"""``amity generate``: a large, believable synthetic alliance program, fast (docs/generate.md)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from amity.synth.generate import GenerateError, generate
from amity.synth.writer import TableStats


def _size(text: str) -> int:
    """A whole number; 100k, 2.5M and 5_000_000 are accepted too."""
    raw = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1
    if raw[-1:] in ("k", "m"):
        factor = 1_000 if raw[-1] == "k" else 1_000_000
        raw = raw[:-1]
    try:
        value = float(raw) * factor
    except ValueError:
        raise ValueError(text) from None
    if value != int(value):
        raise ValueError(text)
    return int(value)


class Command(BaseCommand):
    help = (
        "Generate a synthetic alliance program (partners, alliances with their plans, reviews, "
        "commitments, milestones and funds, accounts on both sides, opportunities) into the database, "
        "fast. Deterministic for a --seed. Run 'amity migrate' first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--partners", type=_size, required=True, help="Partner organizations (e.g. 100k)."
        )
        parser.add_argument("--alliances", type=_size, required=True, help="Alliances (at most --partners).")
        parser.add_argument("--opportunities", type=_size, required=True, help="Opportunities (e.g. 5M).")
        parser.add_argument(
            "--accounts",
            type=_size,
            required=True,
            help="Accounts per side: ours and the partners' (e.g. 1M).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1): same seed, same data."
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="The day the data is generated as of, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already holds generated data (new partners, alliances …).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default 'default')."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        if alias not in connections:
            raise CommandError(f"--database {alias!r} is not a configured database.")
        vendor = connections[alias].vendor
        name = connections[alias].settings_dict.get("NAME")
        self.stdout.write(f"Generating into {vendor} database {name} …")
        self._last: dict[str, float] = {}
        self._seen: dict[str, tuple[int, float]] = {}
        self._stats: dict[str, TableStats] = {}
        started = time.perf_counter()
        try:
            result = generate(
                partners=options["partners"],
                alliances=options["alliances"],
                opportunities=options["opportunities"],
                accounts=options["accounts"],
                seed=options["seed"],
                as_of=options["as_of"],
                append=options["append"],
                using=alias,
                progress=self._progress,
            )
        except GenerateError as exc:
            raise CommandError(str(exc)) from None
        self._summary(result, time.perf_counter() - started)

    def _progress(self, stats: TableStats) -> None:
        """A line per table when it grew, at most every few seconds (and for its first chunk)."""
        self._stats[stats.table] = stats
        key = (stats.rows, stats.index_seconds)
        if self._seen.get(stats.table) == key:
            return
        now = time.perf_counter()
        first = stats.table not in self._seen
        self._seen[stats.table] = key
        if not first and now - self._last.get(stats.table, 0) < 5 and not stats.index_seconds:
            return
        self._last[stats.table] = now
        note = f"  (indexes built in {stats.index_seconds:.1f} s)" if stats.index_seconds else ""
        self.stdout.write(f"  {stats.table:<36} {stats.rows:>12,} rows  {stats.rate:>10,.0f} rows/s{note}")

    def _summary(self, result: dict[str, Any], seconds: float) -> None:
        rows = {k: v for k, v in result.items() if k != "seconds"}
        width = max([len(k) for k in rows] + [5])
        head = f"{'table'.ljust(width)}  {'rows':>12}  {'write s':>8}  {'rows/s':>10}  {'index s':>8}"
        lines = ["", head]
        for table, n in sorted(rows.items(), key=lambda kv: -kv[1]):
            stats = self._stats.get(table)
            if stats is not None and stats.seconds:
                index = f"{stats.index_seconds:>8.1f}" if stats.index_seconds else ""
                lines.append(
                    f"{table.ljust(width)}  {n:>12,}  {stats.seconds:>8.1f}  {stats.rate:>10,.0f}  {index}".rstrip()
                )
            else:
                lines.append(f"{table.ljust(width)}  {n:>12,}  (through the ORM: reference data)")
        total = sum(rows.values())
        rate = total / seconds if seconds else 0
        lines.append(f"{'total'.ljust(width)}  {total:>12,}  {seconds:>8.1f}  {rate:>10,.0f}  (wall clock)")
        self.stdout.write("\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"Generated {total:,} rows in {seconds:,.1f} s."))
