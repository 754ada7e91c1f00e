"""Private-mode account mapping: ECDH private set intersection through message files."""

import json
import random
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.pipeline.mapping import CUSTOMER, OPEN_OPPORTUNITY, PROSPECT, STATUSES, overlap_matrix, protocol
from amity.pipeline.mapping.private import (
    ANY,
    create_request,
    create_response,
    finish,
    finish_files,
    private_overlap,
    request_files,
    respond_files,
    shard_of,
)
from amity.pipeline.mapping.protocol import ProtocolError

OURS = [
    ("domain:acme.com", CUSTOMER),
    ("domain:globex.com", PROSPECT),
    ("domain:initech.com", OPEN_OPPORTUNITY),
    ("domain:ours-secret.com", CUSTOMER),
]
THEIRS = [
    ("domain:acme.com", PROSPECT),
    ("domain:globex.com", CUSTOMER),
    ("domain:initech.com", OPEN_OPPORTUNITY),
    ("domain:theirs-secret-one.com", CUSTOMER),
    ("name:theirs secret two", PROSPECT),
]

pairs = st.lists(
    st.tuples(st.sampled_from([f"domain:c{i}.com" for i in range(40)]), st.sampled_from(STATUSES)),
    max_size=25,
)


def _listing(n, offset, seed):
    rng = random.Random(seed)
    return [(f"domain:company-{i}.example", rng.choice(STATUSES)) for i in range(offset, offset + n)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ours=pairs, theirs=pairs, shards=st.integers(min_value=1, max_value=3))
def test_private_mode_finds_exactly_the_plain_intersection(ours, theirs, shards):
    expected = overlap_matrix(ours, theirs)

    matrix = private_overlap(ours, theirs, shards=shards, workers=1)

    assert matrix.counts == expected.counts
    assert matrix.keys == expected.keys
    assert (matrix.ours_total, matrix.theirs_total) == (expected.ours_total, expected.theirs_total)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ours=pairs, theirs=pairs)
def test_asking_for_the_size_only_counts_exactly_the_plain_intersection(ours, theirs):
    matrix = private_overlap(ours, theirs, reveal_intersection=False, workers=1)

    assert matrix.counts == overlap_matrix(ours, theirs).counts


def test_a_medium_case_sharded_over_two_processes_equals_the_plain_intersection():
    ours, theirs = _listing(2000, 0, seed=1), _listing(2000, 1200, seed=2)
    expected = overlap_matrix(ours, theirs)

    matrix = private_overlap(ours, theirs, shards=4, workers=2)

    assert matrix.total == expected.total == 800
    assert matrix.counts == expected.counts
    assert matrix.keys == expected.keys


def test_the_buckets_tell_the_client_the_status_of_each_match_on_the_other_side():
    matrix = private_overlap(OURS, THEIRS, workers=1)

    assert matrix.keys[(CUSTOMER, PROSPECT)] == ["domain:acme.com"]
    assert matrix.keys[(PROSPECT, CUSTOMER)] == ["domain:globex.com"]
    assert matrix.keys[(OPEN_OPPORTUNITY, OPEN_OPPORTUNITY)] == ["domain:initech.com"]
    assert matrix.total == 3
    assert (matrix.ours_total, matrix.theirs_total) == (4, 5)
    assert matrix.their_statuses == STATUSES


def test_the_responder_may_hide_its_statuses_behind_a_single_bucket():
    request, state = create_request(OURS, workers=1)
    response = create_response(request, THEIRS, split_statuses=False, workers=1)

    matrix = finish(state, response, workers=1)

    assert matrix.their_statuses == (ANY,)
    assert matrix.keys[(CUSTOMER, ANY)] == ["domain:acme.com"]
    assert matrix.count(PROSPECT, ANY) == 1
    assert matrix.total == 3


def test_asking_for_the_size_only_gives_counts_per_cell_and_no_keys():
    ours, theirs = _listing(300, 0, seed=3), _listing(300, 100, seed=4)
    expected = overlap_matrix(ours, theirs)

    matrix = private_overlap(ours, theirs, reveal_intersection=False, workers=1)

    assert matrix.keys_revealed is False
    assert matrix.counts == expected.counts
    assert all(keys == [] for keys in matrix.keys.values())


def test_a_responder_that_answers_with_counts_only_refuses_a_request_for_the_keys():
    request, _ = create_request(OURS, workers=1)

    with pytest.raises(ProtocolError, match="counts only"):
        create_response(request, THEIRS, allow_reveal=False, workers=1)


def test_the_three_steps_round_trip_through_files(tmp_path):
    request, state, response = tmp_path / "request.bin", tmp_path / "state.bin", tmp_path / "response.bin"

    request_files(OURS, request, state, workers=1)
    respond_files(request, THEIRS, response, workers=1)
    matrix = finish_files(state, response, workers=1)

    assert matrix.counts == overlap_matrix(OURS, THEIRS).counts
    assert matrix.keys[(CUSTOMER, PROSPECT)] == ["domain:acme.com"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    header = protocol.read(response, kind=protocol.RESPONSE).header
    assert header["protocol"] == protocol.PROTOCOL
    assert header["version"] == protocol.VERSION
    assert header["buckets"] == list(STATUSES)
    assert header["server_count"] == 5
    assert header["data_structure"] == "raw"


def test_neither_message_carries_a_key_in_clear():
    request, state = create_request(OURS, workers=1)
    response = create_response(request, THEIRS, workers=1)

    for key, _ in THEIRS:
        assert key.encode() not in response
        assert key.split(":", 1)[1].encode() not in response
    for key, _ in OURS:
        assert key.encode() not in request
        assert key.split(":", 1)[1].encode() not in request
    assert b"acme" in state  # the client's own list stays in its local state file


def test_a_tampered_response_is_refused(tmp_path):
    request, state = create_request(OURS, workers=1)
    response = bytearray(create_response(request, THEIRS, workers=1))
    response[-5] ^= 0xFF

    with pytest.raises(ProtocolError, match="checksum mismatch"):
        finish(state, bytes(response), workers=1)


def test_a_tampered_header_is_refused():
    request, state = create_request(OURS, workers=1)
    response = create_response(request, THEIRS, workers=1).replace(b'"server_count":5', b'"server_count":9')

    with pytest.raises(ProtocolError, match="checksum mismatch"):
        finish(state, response, workers=1)


def _with_header(data, **changes):
    message = protocol.decode(data, kind=protocol.REQUEST)
    header = {**message.header, **changes}
    body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return protocol.MAGIC + len(body).to_bytes(4, "big") + body + b"".join(message.blobs)


def test_a_message_of_another_protocol_version_is_refused():
    request, _ = create_request(OURS, workers=1)

    with pytest.raises(ProtocolError, match="protocol version 2 is not supported"):
        create_response(_with_header(request, version=2), THEIRS, workers=1)


def test_files_that_are_not_messages_or_of_the_wrong_kind_are_refused(tmp_path):
    request, state = create_request(OURS, workers=1)

    with pytest.raises(ProtocolError, match="bad magic"):
        create_response(b"domain:acme.com\n", THEIRS, workers=1)
    with pytest.raises(ProtocolError, match="truncated"):
        create_response(request[:12], THEIRS, workers=1)
    with pytest.raises(ProtocolError, match="expected a response message"):
        finish(state, request, workers=1)
    with pytest.raises(ProtocolError, match="cannot read"):
        finish_files(tmp_path / "state.bin", tmp_path / "missing.bin")


def test_a_response_to_another_request_is_refused():
    _, state = create_request(OURS, workers=1)
    other_request, _ = create_request(OURS, workers=1)
    response = create_response(other_request, THEIRS, workers=1)

    with pytest.raises(ProtocolError, match="session mismatch"):
        finish(state, response, workers=1)


def test_empty_lists_map_to_an_empty_matrix():
    matrix = private_overlap([], THEIRS, workers=1)

    assert matrix.total == 0
    assert matrix.theirs_total == 5


def test_bad_parameters_are_refused_naming_the_parameter():
    with pytest.raises(ValueError, match="shards"):
        create_request(OURS, shards=0)
    with pytest.raises(ValueError, match="workers"):
        create_request(OURS, workers=0)
    with pytest.raises(ValueError, match="status"):
        create_request([("domain:acme.com", "friend")])


def test_the_shard_of_a_key_is_the_same_on_both_sides_and_spreads_keys():
    keys = [f"domain:c{i}.com" for i in range(1000)]
    shards = [shard_of(key, 4) for key in keys]

    assert shards == [shard_of(key, 4) for key in keys]
    assert all(150 < shards.count(s) < 350 for s in range(4))


def test_a_response_with_more_answers_than_were_asked_is_refused():
    import private_set_intersection.python as psi

    request, state = create_request(OURS, workers=1)
    message = protocol.decode(create_response(request, THEIRS, workers=1), kind=protocol.RESPONSE)
    padded = psi.Response.FromString(message.blobs[-1])
    padded.encrypted_elements.append(padded.encrypted_elements[0])
    fields = {
        k: v
        for k, v in message.header.items()
        if k not in {"protocol", "version", "kind", "blob_sizes", "sha256"}
    }
    forged = protocol.encode(protocol.RESPONSE, fields, [*message.blobs[:-1], padded.SerializeToString()])

    with pytest.raises(ProtocolError, match="does not match the size"):
        finish(state, forged, workers=1)


def test_a_request_without_a_session_is_refused():
    request, _ = create_request(OURS, workers=1)
    message = protocol.decode(request, kind=protocol.REQUEST)
    fields = {k: v for k, v in message.header.items() if k in {"reveal_intersection", "shards", "units"}}
    forged = protocol.encode(protocol.REQUEST, fields, message.blobs)

    with pytest.raises(ProtocolError, match="session id is missing"):
        create_response(forged, THEIRS, workers=1)


def test_a_request_whose_messages_do_not_match_its_header_is_refused():
    request, _ = create_request(OURS, workers=1)
    message = protocol.decode(request, kind=protocol.REQUEST)
    fields = {k: v for k, v in message.header.items() if k in {"session", "reveal_intersection", "shards"}}
    fields["units"] = [{**message.header["units"][0], "count": 99}]
    forged = protocol.encode(protocol.REQUEST, fields, message.blobs)

    with pytest.raises(ProtocolError, match="does not match its header"):
        create_response(forged, THEIRS, workers=1)
