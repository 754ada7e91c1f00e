"""Signatures: HMAC-SHA256 over "<timestamp>.<body>"; tampering, a wrong secret or an old
timestamp fail - in Amity's own check and in the docs' standalone snippet alike."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from amity.webhooks import signing

from .conftest import load_docs_snippet

SECRET = "whsec_test-secret"
BODY = b'{"id":"e1","event":"ping","data":{}}'
NOW = 1_790_000_000


def headers(secret=SECRET, timestamp=NOW, body=BODY):
    return {"Amity-Timestamp": str(timestamp), "Amity-Signature": signing.sign(secret, timestamp, body)}


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signing.sign(SECRET, NOW, BODY) == f"v1={expected}"
    assert signing.sign(SECRET, NOW, BODY.decode()) == f"v1={expected}"


def test_a_good_signature_verifies():
    assert signing.verify(SECRET, NOW, BODY, signing.sign(SECRET, NOW, BODY), now=NOW + 10)


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "old timestamp", "future timestamp", "changed timestamp", "garbage"],
)
def test_a_bad_delivery_fails_both_checks(case):
    snippet = load_docs_snippet().verify_amity_webhook
    body, secret, now, sent = BODY, SECRET, NOW + 5, headers()
    if case == "tampered body":
        body = BODY.replace(b"ping", b"pong")
    elif case == "wrong secret":
        secret = "whsec_other"
    elif case == "old timestamp":
        now = NOW + 301  # more than five minutes later
    elif case == "future timestamp":
        now = NOW - 301
    elif case == "changed timestamp":
        sent = {**sent, "Amity-Timestamp": str(NOW + 1)}
    elif case == "garbage":
        sent = {"Amity-Timestamp": "yesterday", "Amity-Signature": "v1=zz"}
    assert not signing.verify(secret, sent["Amity-Timestamp"], body, sent["Amity-Signature"], now=now)
    assert not snippet(secret, sent, body, now=now)


def test_the_docs_snippet_accepts_what_amity_signs_within_five_minutes():
    snippet = load_docs_snippet().verify_amity_webhook
    assert snippet(SECRET, headers(), BODY, now=NOW + 299)
    # Header names in any case, several signatures (one of them right).
    lower = {k.lower(): v for k, v in headers().items()}
    lower["amity-signature"] = "v1=" + "0" * 64 + ", " + lower["amity-signature"]
    assert snippet(SECRET, lower, BODY, now=NOW)


def test_the_default_now_is_the_clock():
    stamp = int(time.time())
    assert signing.verify(SECRET, stamp, BODY, signing.sign(SECRET, stamp, BODY))
    assert load_docs_snippet().verify_amity_webhook(SECRET, headers(timestamp=stamp), BODY)


def test_secrets_are_long_random_and_recognizable():
    a, b = signing.new_secret(), signing.new_secret()
    assert a != b and a.startswith("whsec_") and len(a) > 40
