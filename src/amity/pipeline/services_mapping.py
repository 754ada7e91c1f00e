"""Account mapping with a partner, from Amity's own accounts (docs/account-mapping.md).

Each side's list is ``(key, status)`` pairs (:func:`account_pairs`): the key is the account's
stored normalized domain, else its normalized name (``mapping.keys.matching_key`` computes the
same from raw values, so a partner's CSV file and Amity's rows agree); the status is
*customer*, else *open opportunity* when the account has an open opportunity, else *prospect*.

* :func:`mapping_shared` - both lists in Amity: the overlap matrix at once.
* :func:`mapping_request` → (partner responds on their side) → :func:`mapping_finish` - private
  mode when we start: our request goes to the partner, our secret state stays in storage here.
* :func:`mapping_respond` - private mode when the partner starts: we answer their request; they
  finish on their side and we learn nothing but the sizes the protocol shows.

Every run is recorded as a :class:`~amity.pipeline.models.MappingRun`. Only editors map; the
partner must be a party of the alliance. The matched accounts are kept (and shown) only when
the run reveals them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty
from amity.core.services import require, set_history_user
from amity.partners.models import Organization

from .mapping import keys as mapping_keys
from .mapping import private
from .mapping.protocol import ProtocolError
from .mapping.shared import Matrix
from .models import (
    OPEN_STAGES,
    Account,
    AccountStatus,
    MappingMode,
    MappingRole,
    MappingRun,
    MappingStatus,
    Opportunity,
)

#: PostgreSQL's memory for the sorts and hash tables of one shared mapping (``SET LOCAL``).
OVERLAP_WORK_MEM = "256MB"
#: Matched accounts kept per cell of the matrix when a run reveals them.
MATCH_CAP = 500
#: Largest message file accepted from a partner (a 1M-account request is about 70 MB).
MAX_MESSAGE_BYTES = 512 * 1024 * 1024


def account_pairs(organization_id: int) -> Iterator[tuple[str, str]]:
    """``(key, status)`` of one side's active accounts, streamed without model instances."""
    open_accounts = set(
        Opportunity.objects.filter(
            account__owner_organization_id=organization_id, stage__in=OPEN_STAGES, archived_at__isnull=True
        ).values_list("account_id", flat=True)
    )
    rows = (
        Account.objects.filter(owner_organization_id=organization_id, archived_at__isnull=True)
        .values_list("pk", "normalized_name", "domain", "status")
        .iterator(chunk_size=20_000)
    )
    customer = AccountStatus.CUSTOMER
    for pk, name, domain, status in rows:
        key = f"domain:{domain}" if domain else f"name:{name}" if name else ""
        if status == customer:
            yield key, mapping_keys.CUSTOMER
        elif pk in open_accounts:
            yield key, mapping_keys.OPEN_OPPORTUNITY
        else:
            yield key, mapping_keys.PROSPECT


#: The overlap of two sides' accounts in one statement (``shared_overlap``). ``keys``: every
#: key on either list (domain, else normalized name; none skipped) with the best status of each
#: side's accounts behind it (0 customer, 1 open opportunity, 2 prospect - ``STATUSES`` order, as
#: ``keys.group_by_status``; NULL: not on that side's list) - one hash aggregate, no join. Rows
#: answered: ``('totals', ours, theirs, NULL)``, ``('cell', our status, their status, count,
#: NULL)`` per non-empty cell, ``('key', our status, their status, NULL, key)`` for the first keys
#: of a cell in code-point order (``COLLATE``: "C" on PostgreSQL, BINARY on SQLite), at most
#: ``cap``.
_OVERLAP_SQL = """
WITH keys AS MATERIALIZED (
    SELECT k,
           MIN(CASE WHEN owner = %(ours)s THEN r END) AS our_r,
           MIN(CASE WHEN owner = %(theirs)s THEN r END) AS their_r
    FROM (
        SELECT a.owner_organization_id AS owner,
               (CASE WHEN a.domain <> '' THEN 'domain:' || a.domain
                     WHEN a.normalized_name <> '' THEN 'name:' || a.normalized_name END) COLLATE {collation} AS k,
               CASE WHEN a.status = %(customer)s THEN 0
                    WHEN a.id IN (
                        SELECT o.account_id FROM pipeline_opportunity o
                        WHERE o.stage IN ({open_stages}) AND o.archived_at IS NULL
                    ) THEN 1
                    ELSE 2 END AS r
        FROM pipeline_account a
        WHERE a.owner_organization_id IN (%(ours)s, %(theirs)s) AND a.archived_at IS NULL
        {fence}
    ) keyed
    WHERE k IS NOT NULL
    GROUP BY k
),
pairs AS MATERIALIZED (
    SELECT k, our_r, their_r FROM keys WHERE our_r IS NOT NULL AND their_r IS NOT NULL
)
SELECT 'totals', COUNT(our_r), COUNT(their_r), CAST(NULL AS INTEGER), CAST(NULL AS TEXT) FROM keys
UNION ALL
SELECT 'cell', our_r, their_r, COUNT(*), CAST(NULL AS TEXT) FROM pairs GROUP BY our_r, their_r
{keys}
"""
_OVERLAP_KEYS_SQL = """
UNION ALL
SELECT 'key', our_r, their_r, CAST(NULL AS INTEGER), k FROM (
    SELECT our_r, their_r, k,
           ROW_NUMBER() OVER (PARTITION BY our_r, their_r ORDER BY k) AS n
    FROM pairs
) firsts WHERE n <= %(cap)s
"""


def shared_overlap(ours: int, theirs: int, *, cap: int | None = None) -> Matrix:
    """The overlap matrix of two organizations' active accounts, computed in the database.

    The same ``Matrix`` as ``overlap_matrix(account_pairs(ours), account_pairs(theirs), cap=cap)``
    (the tests compare them), in one statement: 1M × 1M accounts never cross into Python.
    """
    if cap is not None and cap < 0:
        raise ValueError("cap: must be zero or more")
    open_stages = ", ".join(f"%(open{i})s" for i in range(len(OPEN_STAGES)))
    keys_sql = ""
    params: dict[str, Any] = {
        "customer": AccountStatus.CUSTOMER,
        "ours": ours,
        "theirs": theirs,
        **{f"open{i}": str(stage) for i, stage in enumerate(OPEN_STAGES)},
    }
    if cap is None or cap > 0:
        keys_sql = _OVERLAP_KEYS_SQL
        params["cap"] = cap if cap is not None else 2**62
    collation = '"C"' if connection.vendor == "postgresql" else "BINARY"
    # PostgreSQL would inline ``keyed`` and so work out each account's status twice (once per
    # side's MIN); OFFSET 0 keeps it a subquery.
    fence = "OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = _OVERLAP_SQL.format(open_stages=open_stages, collation=collation, keys=keys_sql, fence=fence)
    statuses = mapping_keys.STATUSES
    cells = [(a, b) for a in statuses for b in statuses]
    counts = dict.fromkeys(cells, 0)
    found: dict[tuple[str, str], list[str]] = {cell: [] for cell in cells}
    totals = [0, 0]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One big statement: compiling it (JIT) costs more than it saves, and its hash
            # tables of a million keys a side would spill to disk at the default work_mem.
            cursor.execute(f"SET LOCAL jit = off; SET LOCAL work_mem = '{OVERLAP_WORK_MEM}'")
        cursor.execute(sql, params)
        for kind, first, second, count, key in cursor.fetchall():
            if kind == "totals":
                totals = [first, second]
            elif kind == "cell":
                counts[(statuses[first], statuses[second])] = count
            else:
                found[(statuses[first], statuses[second])].append(key)
    return Matrix(
        counts=counts,
        keys={cell: sorted(keys) for cell, keys in found.items()},
        ours_total=totals[0],
        theirs_total=totals[1],
    )


def home_organization() -> Organization:
    home = Organization.objects.filter(is_home=True).first()
    if home is None:
        raise ValidationError({"partner": "There is no home organization whose accounts could be mapped."})
    return home


def _check_partner(alliance: Alliance, partner: Organization) -> None:
    if (
        partner.is_home
        or not AllianceParty.objects.filter(
            alliance=alliance, organization=partner, archived_at__isnull=True
        ).exists()
    ):
        raise ValidationError({"partner": f"{partner} is not a partner in {alliance}."})


def _matrix_data(matrix: Matrix) -> dict[str, Any]:
    data = matrix.as_dict()
    for cell in data["cells"]:
        cell.pop("keys")
    return data


def _matches(matrix: Matrix, partner_id: int | None) -> list[dict[str, Any]]:
    """The matched accounts with their names on each side (ours; theirs when in Amity)."""
    found = [(key, ours, theirs) for (ours, theirs), keys in matrix.keys.items() for key in keys]
    names: dict[tuple[int, str], str] = {}
    domains = [k.split(":", 1)[1] for k, _, _ in found if k.startswith("domain:")]
    plain = [k.split(":", 1)[1] for k, _, _ in found if k.startswith("name:")]
    owners = [home_organization().pk] + ([partner_id] if partner_id else [])
    accounts = Account.objects.filter(owner_organization_id__in=owners, archived_at__isnull=True)
    columns = ("owner_organization_id", "name", "domain", "normalized_name")
    for query in (accounts.filter(domain__in=domains), accounts.filter(domain="", normalized_name__in=plain)):
        for owner, name, domain, normalized in query.order_by().values_list(*columns):
            names.setdefault((owner, f"domain:{domain}" if domain else f"name:{normalized}"), name)
    return [
        {
            "key": key,
            "ours": ours,
            "theirs": theirs,
            "our_name": names.get((owners[0], key), ""),
            "their_name": names.get((partner_id, key), "") if partner_id else "",
        }
        for key, ours, theirs in sorted(found)
    ]


def _new_run(user: Any, alliance: Alliance | None, partner: Organization | None, **fields: Any) -> MappingRun:
    require(user, "create", MappingRun)
    missing = {
        name: f"Choose the {name} of the mapping."
        for name, value in (("alliance", alliance), ("partner", partner))
        if value is None
    }
    if missing:
        raise ValidationError(missing)
    _check_partner(alliance, partner)
    return MappingRun(alliance=alliance, partner=partner, created_by=user, **fields)


def _save(run: MappingRun, user: Any, reason: str) -> MappingRun:
    set_history_user(run, user)
    run._change_reason = reason
    run.save()
    return run


@transaction.atomic
def mapping_shared(
    *, user: Any, alliance: Alliance, partner: Organization, reveal: bool = False
) -> MappingRun:
    """Map our accounts against the partner's accounts in Amity; a finished run."""
    run = _new_run(user, alliance, partner, mode=MappingMode.SHARED, reveal_matches=reveal)
    matrix = shared_overlap(home_organization().pk, partner.pk, cap=MATCH_CAP if reveal else 0)
    run.matrix = _matrix_data(matrix)
    run.matches = _matches(matrix, partner.pk) if reveal else []
    run.our_count, run.their_count = matrix.ours_total, matrix.theirs_total
    run.status, run.finished_at = MappingStatus.DONE, timezone.now()
    return _save(run, user, f"Shared mapping: {matrix.total} accounts on both lists")


@transaction.atomic
def mapping_request(
    *, user: Any, alliance: Alliance, partner: Organization, reveal: bool = True
) -> MappingRun:
    """Private mode, we start: the request for the partner and our secret state, stored."""
    run = _new_run(
        user, alliance, partner, mode=MappingMode.PRIVATE, role=MappingRole.INITIATOR, reveal_matches=reveal
    )
    request, state = private.create_request(account_pairs(home_organization().pk), reveal_intersection=reveal)
    run.our_count = private.protocol.decode(request, kind=private.protocol.REQUEST).header["client_count"]
    run.request_file.save("request.bin", ContentFile(request), save=False)
    run.state_file.save("state.bin", ContentFile(state), save=False)
    run.status = MappingStatus.REQUESTED
    return _save(run, user, "Private mapping requested")


def _read_message(upload: Any, field: str) -> bytes:
    size = getattr(upload, "size", None) or 0
    if size > MAX_MESSAGE_BYTES:
        raise ValidationError({field: f"The file is larger than {MAX_MESSAGE_BYTES // 2**20} MB."})
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if not data:
        raise ValidationError({field: "The file is empty."})
    return data


@transaction.atomic
def mapping_finish(*, user: Any, run: MappingRun, response: Any) -> MappingRun:
    """Private mode, we started: finish with the partner's response file (bytes or upload)."""
    require(user, "change", run)
    run = MappingRun.objects.select_for_update().get(pk=run.pk)
    if run.mode != MappingMode.PRIVATE or run.role != MappingRole.INITIATOR:
        raise ValidationError({"response": "Only a private mapping we started is finished with a response."})
    if run.status != MappingStatus.REQUESTED:
        raise ValidationError({"response": f"This mapping is already {run.get_status_display().lower()}."})
    data = _read_message(response, "response")
    with run.state_file.open("rb") as fh:
        state = fh.read()
    try:
        matrix = private.finish(state, data, cap=MATCH_CAP)
    except ProtocolError as exc:
        raise ValidationError({"response": str(exc)}) from None
    run.response_file.save("response.bin", ContentFile(data), save=False)
    run.matrix = _matrix_data(matrix)
    run.matches = _matches(matrix, None) if matrix.keys_revealed else []
    run.their_count = matrix.theirs_total
    run.status, run.finished_at = MappingStatus.DONE, timezone.now()
    return _save(run, user, f"Private mapping finished: {matrix.total} accounts on both lists")


@transaction.atomic
def mapping_respond(
    *,
    user: Any,
    alliance: Alliance,
    partner: Organization,
    request: Any,
    split_statuses: bool = True,
    allow_reveal: bool = True,
) -> MappingRun:
    """Private mode, the partner started: our response to their request file, stored."""
    run = _new_run(
        user, alliance, partner, mode=MappingMode.PRIVATE, role=MappingRole.RESPONDER, reveal_matches=False
    )
    data = _read_message(request, "request")
    try:
        response = private.create_response(
            data,
            account_pairs(home_organization().pk),
            split_statuses=split_statuses,
            allow_reveal=allow_reveal,
        )
        header = private.protocol.decode(data, kind=private.protocol.REQUEST).header
    except ProtocolError as exc:
        raise ValidationError({"request": str(exc)}) from None
    run.their_count = header["client_count"]
    run.our_count = private.protocol.decode(response, kind=private.protocol.RESPONSE).header["server_count"]
    run.request_file.save("request.bin", ContentFile(data), save=False)
    run.response_file.save("response.bin", ContentFile(response), save=False)
    run.status, run.finished_at = MappingStatus.RESPONDED, timezone.now()
    return _save(run, user, "Answered the partner's private mapping request")
