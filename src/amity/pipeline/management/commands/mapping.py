"""``amity mapping request|respond|finish``: private account mapping, one side per machine.

Each side runs its step where its accounts are; only the message files cross
(docs/account-mapping.md). The accounts come either from a CSV file (``--accounts FILE``:
columns ``name``, ``domain``, ``status`` = customer | open_opportunity | prospect; a partner
without Amity runs the command on their own machine) or from this Amity's database
(``--alliance ID --partner NAME``: our accounts, and the run is recorded on the alliance)::

    amity mapping request --accounts ours.csv --out request.bin --state state.bin
    amity mapping respond --accounts theirs.csv --request request.bin --out response.bin
    amity mapping finish --state state.bin --response response.bin [--json]

With ``--alliance/--partner``, ``finish`` takes ``--run ID`` instead of ``--state`` (the state
stays in Amity's storage). A bad file or option exits with code 2 and a message naming it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from amity.alliances.models import Alliance
from amity.partners.models import Organization
from amity.pipeline import services_mapping as services
from amity.pipeline.mapping import STATUSES, matching_key, private, protocol
from amity.pipeline.mapping.keys import STATUS_LABELS
from amity.pipeline.mapping.protocol import ProtocolError
from amity.pipeline.models import MappingRun


def read_accounts(path: Path) -> list[tuple[str, str]]:
    """``(key, status)`` pairs of a CSV file with the columns name, domain, status."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CommandError(f"--accounts: cannot read {path}: {exc.strerror}", returncode=2) from None
    except UnicodeDecodeError:
        raise CommandError(f"--accounts: {path} is not UTF-8 text", returncode=2) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    if "status" not in columns or not ({"name", "domain"} & columns.keys()):
        raise CommandError(
            f"--accounts: {path} needs the columns name and/or domain, and status", returncode=2
        )
    pairs = []
    for line, row in enumerate(reader, start=2):
        status = (row.get(columns["status"]) or "").strip().lower().replace(" ", "_")
        if status not in STATUSES:
            raise CommandError(
                f"--accounts: line {line}: status {status!r} is not one of {', '.join(STATUSES)}",
                returncode=2,
            )
        key = matching_key(
            name=row.get(columns.get("name", ""), ""), domain=row.get(columns.get("domain", ""), "")
        )
        if key:
            pairs.append((key, status))
    return pairs


def matrix_table(data: dict) -> Iterator[str]:
    """The overlap matrix (``Matrix.as_dict()`` or a run's ``matrix``) as text lines."""
    width = 20
    cells = {(c["ours"], c["theirs"]): c["count"] for c in data["cells"]}
    theirs = data["their_statuses"]
    header = [STATUS_LABELS.get(t, "Any status") for t in theirs]
    yield "ours \\ theirs".ljust(width) + "".join(t.rjust(width) for t in header) + "Total".rjust(10)
    for ours in data["statuses"]:
        counts = [cells[(ours, t)] for t in theirs]
        yield (
            STATUS_LABELS[ours].ljust(width)
            + "".join(str(n).rjust(width) for n in counts)
            + str(sum(counts)).rjust(10)
        )
    yield f"On both lists: {data['total']} (ours {data['ours_total']}, theirs {data['theirs_total']})"


class Command(BaseCommand):
    help = "Private account mapping (ECDH private set intersection): request, respond, finish."

    def add_arguments(self, parser) -> None:
        steps = parser.add_subparsers(dest="step", required=True)
        for name, text in (
            ("request", "Step 1 (we start): blind our accounts into a request file; keep the state."),
            ("respond", "Step 2 (the other side): answer a request file from our accounts."),
            ("finish", "Step 3 (we started): the overlap matrix from the state and the response."),
        ):
            step = steps.add_parser(name, help=text, description=text)
            step.add_argument("--json", action="store_true", help="Print the result as JSON.")
            if name != "finish":
                step.add_argument("--accounts", type=Path, help="CSV of our accounts: name, domain, status.")
                step.add_argument("--alliance", type=int, help="Use this Amity's accounts; record the run.")
                step.add_argument("--partner", help="The partner organization's name (with --alliance).")
                step.add_argument("--user", help="The acting user (default: the first admin).")
                step.add_argument("--out", type=Path, required=True, help="Where to write the message.")
        steps.choices["request"].add_argument("--state", type=Path, help="Where to keep our secret state.")
        steps.choices["request"].add_argument(
            "--count-only", action="store_true", help="Learn the counts only, not the matched accounts."
        )
        steps.choices["respond"].add_argument("--request", type=Path, required=True)
        steps.choices["respond"].add_argument(
            "--no-statuses", action="store_true", help="Do not tell the other side our status of each match."
        )
        steps.choices["respond"].add_argument(
            "--counts-only", action="store_true", help="Refuse requests that ask for the matched accounts."
        )
        finish = steps.choices["finish"]
        finish.add_argument("--response", type=Path, required=True)
        finish.add_argument("--state", type=Path, help="The state file kept at the request.")
        finish.add_argument("--run", type=int, help="The recorded run (when the request came from Amity).")
        finish.add_argument("--user", help="The acting user (default: the first admin).")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['step']}")(options)
        except ProtocolError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()), returncode=2
            ) from None
        except PermissionDenied as exc:
            raise CommandError(f"--user: {exc}", returncode=2) from None

    # --- where the accounts come from ----------------------------------------------------

    def _source(self, options) -> tuple[Alliance | None, Organization | None]:
        if bool(options["accounts"]) == bool(options["alliance"]):
            raise CommandError("give either --accounts FILE or --alliance ID --partner NAME", returncode=2)
        if options["accounts"]:
            return None, None
        alliance = Alliance.objects.filter(pk=options["alliance"]).first()
        if alliance is None:
            raise CommandError(f"--alliance: alliance {options['alliance']} not found", returncode=2)
        partner = Organization.objects.filter(name=options["partner"] or "").first()
        if partner is None:
            raise CommandError(f"--partner: no organization named {options['partner']!r}", returncode=2)
        return alliance, partner

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(f"--user: no active user {username or '(admin)'}", returncode=2)
        return user

    def _copy(self, field, path: Path) -> None:
        with field.open("rb") as fh:
            protocol.write(path, fh.read())

    # --- the three steps -----------------------------------------------------------------

    def _request(self, options) -> None:
        alliance, partner = self._source(options)
        reveal = not options["count_only"]
        if alliance is None:
            if not options["state"]:
                raise CommandError("--state: where to keep the secret state (never send it)", returncode=2)
            pairs = read_accounts(options["accounts"])
            private.request_files(pairs, options["out"], options["state"], reveal_intersection=reveal)
            self.stdout.write(
                f"Request for {len(pairs)} accounts: {options['out']} (send it); state: {options['state']} (keep it)"
            )
            return
        run = services.mapping_request(
            user=self._user(options["user"]), alliance=alliance, partner=partner, reveal=reveal
        )
        self._copy(run.request_file, options["out"])
        self.stdout.write(
            f"Run {run.pk}: request for {run.our_count} accounts in {options['out']} (send it to {partner}); finish with --run {run.pk}"
        )

    def _respond(self, options) -> None:
        alliance, partner = self._source(options)
        split, reveal_ok = not options["no_statuses"], not options["counts_only"]
        if alliance is None:
            pairs = read_accounts(options["accounts"])
            private.respond_files(
                options["request"], pairs, options["out"], split_statuses=split, allow_reveal=reveal_ok
            )
            self.stdout.write(f"Response from {len(pairs)} accounts: {options['out']} (send it back)")
            return
        try:
            data = options["request"].read_bytes()
        except OSError as exc:
            raise CommandError(
                f"--request: cannot read {options['request']}: {exc.strerror}", returncode=2
            ) from None
        run = services.mapping_respond(
            user=self._user(options["user"]), alliance=alliance, partner=partner,
            request=ContentFile(data), split_statuses=split, allow_reveal=reveal_ok,
        )  # fmt: skip
        self._copy(run.response_file, options["out"])
        self.stdout.write(
            f"Run {run.pk}: response from {run.our_count} accounts in {options['out']} (send it back to {partner})"
        )

    def _finish(self, options) -> None:
        if bool(options["state"]) == bool(options["run"]):
            raise CommandError("give either --state FILE or --run ID", returncode=2)
        if options["state"]:
            matrix = private.finish_files(options["state"], options["response"])
        else:
            run = MappingRun.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"--run: mapping run {options['run']} not found", returncode=2)
            try:
                data = options["response"].read_bytes()
            except OSError as exc:
                raise CommandError(
                    f"--response: cannot read {options['response']}: {exc.strerror}", returncode=2
                ) from None
            run = services.mapping_finish(
                user=self._user(options["user"]), run=run, response=ContentFile(data)
            )
            result = run.matrix | {"matches": run.matches}
        if options["state"]:
            result = matrix.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for line in matrix_table(result):
                self.stdout.write(line)
