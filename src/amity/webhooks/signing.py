"""How a delivery is signed, and how a receiver checks it (docs/webhooks.md has the same check as
a standalone function, ``docs/webhook_verify.py``, which the tests run against real deliveries).

``Amity-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`` where ``timestamp`` is
the ``Amity-Timestamp`` header (unix seconds) and ``body`` the raw request body. Signing the
timestamp with the body lets a receiver refuse replays: anything older than five minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "v1"
#: How old a timestamp a receiver should still accept, in seconds.
TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes | str) -> str:
    """The ``Amity-Signature`` header value for ``body`` sent at ``timestamp``."""
    message = str(int(timestamp)).encode("ascii") + b"." + _bytes(body)
    digest = hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True when ``signature`` (one or more comma-separated ``v1=…``) signs ``body`` at ``timestamp``
    with ``secret`` and the timestamp is within ``tolerance`` seconds of ``now``."""
    try:
        sent = int(str(timestamp).strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > tolerance:
        return False
    expected = sign(secret, sent, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in (signature or "").split(","))
