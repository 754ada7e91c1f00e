"""Private-mode account mapping: elliptic-curve Diffie-Hellman private set intersection.

Neither side hands over its account list. The *requesting* side (the client) and the
*responding* side (the server) exchange two files; only blinded points and protocol
messages of ``openmined-psi`` cross (the cryptography is the library's, none is written
here). The three steps, each a function on bytes plus a ``*_files`` wrapper on paths:

1. ``create_request(ours)`` → ``(request, state)``: the client blinds its keys with a fresh
   secret key (``H(x)^a``), writes ``request.bin`` and keeps the key and its own list in a
   local state file (never sent).
2. ``create_response(request, theirs)`` → ``response``: the server, with its own fresh
   key ``b``, blinds its keys once per status bucket (customers, open opportunities,
   prospects: one setup message ``{H(y)^b}`` per bucket) and re-blinds the client's points
   (``H(x)^ab``), writing ``response.bin``.
3. ``finish(state, response)`` → ``Matrix``: the client unblinds (``H(x)^b``) and looks
   them up in each bucket: it learns which of its keys the server has, and in which bucket
   — or, when it asked for the size only, just the count per cell.

For speed both sides shard their keys by a *public* hash of the key (``shard_of``): a key
lands in the same shard on both sides, so shards are matched independently, in parallel
processes (``ProcessPoolExecutor``), with the same secret keys — the result is exactly the
plain intersection. Sharding reveals the number of keys per shard, nothing else; see
docs/account-mapping.md for what each side learns.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import private_set_intersection.python as psi
from google.protobuf.message import DecodeError

from . import protocol
from .keys import STATUSES, group_by_status
from .protocol import ProtocolError
from .shared import Matrix, capped_keys

#: The single column of a response whose side chose not to reveal its statuses.
ANY = "any"
#: The unit label of a request that asks for the matched keys (all statuses in one unit).
ALL = "all"
#: Below this many keys a side uses one shard: shard sizes of tiny lists say more.
MIN_SHARD_KEYS = 10_000
MAX_SHARDS = 64
#: The setup messages use the library's RAW structure: exact (no false positives) and sorted,
#: so the client can merge the buckets to find all matches with one pass (see ``_intersect``).
DATA_STRUCTURE = psi.DataStructure.RAW
FPR = 0.0


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def shard_of(key: str, shards: int) -> int:
    """The shard of ``key``: a public hash (BLAKE2b) of the key modulo the shard count."""
    if shards == 1:
        return 0
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def _shard(keys: Iterable[str], shards: int) -> list[list[str]]:
    parts: list[list[str]] = [[] for _ in range(shards)]
    for key in sorted(keys):
        parts[shard_of(key, shards)].append(key)
    return parts


# -- work done in the worker processes (module level: they are pickled by name) -----------


def _encrypt(client_key: bytes, reveal: bool, keys: list[str]) -> bytes:
    client = psi.client.CreateFromKey(client_key, reveal)
    return client.CreateRequest(keys).SerializeToString()


def _setup(server_key: bytes, reveal: bool, keys: list[str]) -> bytes:
    server = psi.server.CreateFromKey(server_key, reveal)
    return server.CreateSetupMessage(FPR, max(1, len(keys)), keys, DATA_STRUCTURE).SerializeToString()


def _process(server_key: bytes, reveal: bool, request: bytes) -> bytes:
    server = psi.server.CreateFromKey(server_key, reveal)
    return server.ProcessRequest(psi.Request.FromString(request)).SerializeToString()


def _intersect(
    client_key: bytes, reveal: bool, response: bytes, setups: list[bytes], expected: int
) -> list[Any]:
    """Per bucket: the matched indices of the unit's keys (``reveal``) or the match count.

    With the keys revealed, one pass against the merged buckets finds every match; the
    matches alone are then looked up bucket by bucket (the buckets are disjoint, so the last
    bucket is what remains). The merge only concatenates and sorts the server's blinded
    points — the order the library's RAW lookup expects.
    """
    client = psi.client.CreateFromKey(client_key, reveal)
    answer = psi.Response.FromString(response)
    if len(answer.encrypted_elements) != expected:
        raise ProtocolError("response file: an answer does not match the size of its request")
    parsed = [psi.ServerSetup.FromString(setup) for setup in setups]
    if not reveal:
        return [client.GetIntersectionSize(setup, answer) for setup in parsed]
    if len(parsed) == 1:
        return [sorted(client.GetIntersection(parsed[0], answer))]
    union = psi.ServerSetup()
    union.raw.encrypted_elements.extend(
        sorted(point for setup in parsed for point in setup.raw.encrypted_elements)
    )
    remaining = sorted(client.GetIntersection(union, answer))
    # Largest bucket first: most matches are settled by the first lookup; the last bucket
    # (the smallest) is what remains and costs no lookup at all.
    order = sorted(range(len(parsed)), key=lambda b: -len(parsed[b].raw.encrypted_elements))
    found: list[Any] = [[] for _ in parsed]
    for bucket in order[:-1]:
        if not remaining:
            break
        subset = psi.Response()
        subset.encrypted_elements.extend(answer.encrypted_elements[i] for i in remaining)
        hits = set(client.GetIntersection(parsed[bucket], subset))
        found[bucket] = sorted(remaining[j] for j in hits)
        remaining = [index for j, index in enumerate(remaining) if j not in hits]
    found[order[-1]] = remaining
    return found


def _run(tasks: list[tuple[Callable, tuple]], workers: int | None) -> list:
    """Results of ``tasks`` in order, spread over ``workers`` processes (inline for one)."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers: must be 1 or more")
    try:
        if workers == 1 or len(tasks) <= 1:
            return [function(*args) for function, args in tasks]
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            futures = [pool.submit(function, *args) for function, args in tasks]
            return [future.result() for future in futures]
    except (DecodeError, RuntimeError) as exc:
        raise ProtocolError(f"message: the library refused it ({exc})") from None


# -- step 1: the client's request ---------------------------------------------------------


def create_request(
    ours: Iterable[tuple[str, str]],
    *,
    reveal_intersection: bool = True,
    shards: int | None = None,
    workers: int | None = None,
) -> tuple[bytes, bytes]:
    """Step 1 (client): the request to send and the secret state to keep, as bytes.

    ``ours`` are ``(key, status)`` pairs. With ``reveal_intersection`` the client will learn
    the matched keys (and their bucket on the other side); without, only the count per
    (our status × their bucket) cell — the request then holds one unit per status of ours.
    """
    groups = group_by_status(ours)
    total = sum(len(keys) for keys in groups.values())
    workers = default_workers() if workers is None else workers
    if shards is None:
        shards = 1 if total < MIN_SHARD_KEYS else min(MAX_SHARDS, 2 * max(1, workers))
    if not 1 <= shards <= MAX_SHARDS:
        raise ValueError(f"shards: must be between 1 and {MAX_SHARDS}")
    status_of = {key: status for status, keys in groups.items() for key in keys}
    if reveal_intersection:
        labelled = [(ALL, part) for part in _shard(status_of, shards)]
    else:
        labelled = [(status, part) for status in STATUSES for part in _shard(groups[status], shards)]
    units = [
        {"group": group, "shard": index % shards, "count": len(keys)}
        for index, (group, keys) in enumerate(labelled)
    ]
    client_key = psi.client.CreateWithNewKey(reveal_intersection).GetPrivateKeyBytes()
    requests = _run([(_encrypt, (client_key, reveal_intersection, keys)) for _, keys in labelled], workers)
    session = secrets.token_hex(16)
    fields = {
        "session": session,
        "reveal_intersection": reveal_intersection,
        "shards": shards,
        "units": units,
        "client_count": total,
    }
    request = protocol.encode(protocol.REQUEST, fields, requests)
    lists = [json.dumps([[key, status_of[key]] for key in keys]).encode() for _, keys in labelled]
    state = protocol.encode(protocol.CLIENT_STATE, fields, [client_key, *lists])
    return request, state


def request_files(
    ours: Iterable[tuple[str, str]], request_path: str | os.PathLike, state_path: str | os.PathLike, **options
) -> Path:
    """Step 1 on files: writes ``request_path`` (to send) and ``state_path`` (0600, to keep)."""
    request, state = create_request(ours, **options)
    protocol.write(state_path, state, private=True)
    return protocol.write(request_path, request)


def _check_units(header: dict, count: int, label: str) -> list[dict]:
    shards, units = header.get("shards"), header.get("units")
    if not isinstance(header.get("session"), str) or not header["session"]:
        raise ProtocolError(f"{label}: the session id is missing")
    if type(shards) is not int or not 1 <= shards <= MAX_SHARDS:
        raise ProtocolError(f"{label}: shards must be between 1 and {MAX_SHARDS}")
    if not isinstance(header.get("reveal_intersection"), bool):
        raise ProtocolError(f"{label}: reveal_intersection must be true or false")
    if not isinstance(units, list) or len(units) != count:
        raise ProtocolError(f"{label}: the units do not match the payload")
    for unit in units:
        if (
            not isinstance(unit, dict)
            or unit.get("group") not in (ALL, *STATUSES)
            or not isinstance(unit.get("shard"), int)
            or not 0 <= unit["shard"] < shards
            or not isinstance(unit.get("count"), int)
        ):
            raise ProtocolError(f"{label}: malformed unit {unit!r}")
    return units


# -- step 2: the server's response --------------------------------------------------------


def create_response(
    request: bytes,
    theirs: Iterable[tuple[str, str]],
    *,
    split_statuses: bool = True,
    allow_reveal: bool = True,
    workers: int | None = None,
) -> bytes:
    """Step 2 (server): the response to a request, from the server's ``(key, status)`` pairs.

    ``split_statuses`` answers with one bucket per status (the client learns the status of
    each match); without it, one bucket ``any`` (the client learns membership only).
    ``allow_reveal=False`` refuses requests that ask for the matched keys.
    """
    message = protocol.decode(request, kind=protocol.REQUEST)
    header = message.header
    units = _check_units(header, len(message.blobs), "request")
    reveal = header["reveal_intersection"]
    if reveal and not allow_reveal:
        raise ProtocolError("request: asks for the matched accounts; this side answers with counts only")
    for unit, blob in zip(units, message.blobs, strict=True):
        try:
            parsed = psi.Request.FromString(blob)
        except DecodeError:
            raise ProtocolError("request: a request message is damaged") from None
        if parsed.reveal_intersection != reveal or len(parsed.encrypted_elements) != unit["count"]:
            raise ProtocolError("request: a request message does not match its header")
    groups = group_by_status(theirs)
    if split_statuses:
        buckets = [(status, groups[status]) for status in STATUSES]
    else:
        buckets = [(ANY, set().union(*groups.values()))]
    shards = header["shards"]
    parts = [_shard(keys, shards) for _, keys in buckets]  # parts[bucket][shard]
    server_key = psi.server.CreateWithNewKey(reveal).GetPrivateKeyBytes()
    setup_tasks = [
        (_setup, (server_key, reveal, parts[b][s])) for s in range(shards) for b in range(len(buckets))
    ]
    process_tasks = [(_process, (server_key, reveal, blob)) for blob in message.blobs]
    results = _run(setup_tasks + process_tasks, workers)
    fields = {
        "session": header["session"],
        "reveal_intersection": reveal,
        "shards": shards,
        "buckets": [label for label, _ in buckets],
        "setup_counts": [[len(parts[b][s]) for b in range(len(buckets))] for s in range(shards)],
        "units": units,
        "server_count": sum(len(keys) for _, keys in buckets),
        "data_structure": DATA_STRUCTURE.name.lower(),
        "fpr": FPR,
    }
    return protocol.encode(protocol.RESPONSE, fields, results)


def respond_files(
    request_path: str | os.PathLike,
    theirs: Iterable[tuple[str, str]],
    response_path: str | os.PathLike,
    **options,
) -> Path:
    """Step 2 on files: reads ``request_path``, writes ``response_path``."""
    request = _read(request_path, protocol.REQUEST)
    return protocol.write(response_path, create_response(request, theirs, **options))


# -- step 3: the client's result ----------------------------------------------------------


def finish(state: bytes, response: bytes, *, cap: int | None = None, workers: int | None = None) -> Matrix:
    """Step 3 (client): the overlap matrix from the kept state and the server's response."""
    if cap is not None and cap < 0:
        raise ValueError("cap: must be zero or more")
    kept = protocol.decode(state, kind=protocol.CLIENT_STATE)
    answer = protocol.decode(response, kind=protocol.RESPONSE)
    mine, theirs = kept.header, answer.header
    units = _check_units(mine, len(kept.blobs) - 1, "state")
    if theirs.get("session") != mine["session"]:
        raise ProtocolError("response file: it answers another request (session mismatch)")
    buckets = theirs.get("buckets")
    if (
        not isinstance(buckets, list)
        or not buckets
        or len(set(buckets)) != len(buckets)
        or not set(buckets) <= {ANY, *STATUSES}
    ):
        raise ProtocolError("response file: malformed buckets")
    shards, reveal = mine["shards"], mine["reveal_intersection"]
    if (
        theirs.get("shards") != shards
        or theirs.get("reveal_intersection") != reveal
        or theirs.get("units") != units
        or len(answer.blobs) != shards * len(buckets) + len(units)
    ):
        raise ProtocolError("response file: it does not match the request")
    setups = answer.blobs[: shards * len(buckets)]
    responses = answer.blobs[shards * len(buckets) :]
    theirs_total = 0  # what the setups show: one blinded point per key of the server
    for blob in setups:
        try:
            setup = psi.ServerSetup.FromString(blob)
        except DecodeError:
            raise ProtocolError("response file: a setup message is damaged") from None
        if setup.HasField("gcs") or setup.HasField("bloom_filter"):
            raise ProtocolError("response file: setup messages must use the raw data structure")
        theirs_total += len(setup.raw.encrypted_elements)
    client_key = kept.blobs[0]
    tasks = [
        (
            _intersect,
            (
                client_key,
                reveal,
                blob,
                setups[unit["shard"] * len(buckets) : (unit["shard"] + 1) * len(buckets)],
                unit["count"],
            ),
        )
        for unit, blob in zip(units, responses, strict=True)
    ]
    found = _run(tasks, workers)
    cells: dict[tuple[str, str], set[str]] = {(o, t): set() for o in STATUSES for t in buckets}
    counts = dict.fromkeys(cells, 0)
    for unit, listing, per_bucket in zip(units, kept.blobs[1:], found, strict=True):
        if reveal:
            pairs = json.loads(listing)
            for bucket, indices in zip(buckets, per_bucket, strict=True):
                for index in indices:
                    key, status = pairs[index]
                    cells[(status, bucket)].add(key)
        else:
            for bucket, size in zip(buckets, per_bucket, strict=True):
                counts[(unit["group"], bucket)] += size
    if reveal:
        counts = {cell: len(keys) for cell, keys in cells.items()}
    return Matrix(
        counts=counts,
        keys={cell: capped_keys(keys, cap) for cell, keys in cells.items()},
        ours_total=mine["client_count"],
        theirs_total=theirs_total,
        keys_revealed=reveal,
        their_statuses=tuple(buckets),
    )


def finish_files(state_path: str | os.PathLike, response_path: str | os.PathLike, **options) -> Matrix:
    """Step 3 on files: reads the kept state and the response; returns the matrix."""
    state = _read(state_path, protocol.CLIENT_STATE)
    return finish(state, _read(response_path, protocol.RESPONSE), **options)


def _read(path: str | os.PathLike, kind: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ProtocolError(f"{kind} file: cannot read {path}: {exc.strerror}") from None


def private_overlap(
    ours: Iterable[tuple[str, str]],
    theirs: Iterable[tuple[str, str]],
    *,
    reveal_intersection: bool = True,
    split_statuses: bool = True,
    cap: int | None = None,
    shards: int | None = None,
    workers: int | None = None,
) -> Matrix:
    """All three steps in one process (tests, benchmarks, and both lists on one machine)."""
    request, state = create_request(
        ours, reveal_intersection=reveal_intersection, shards=shards, workers=workers
    )
    response = create_response(request, theirs, split_statuses=split_statuses, workers=workers)
    return finish(state, response, cap=cap, workers=workers)
