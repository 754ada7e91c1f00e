"""Settings of webhooks: a Django setting of the same name wins, else the environment variable.

``AMITY_WEBHOOK_TIMEOUT`` (seconds, default 10): how long to wait for a receiver's answer.
``AMITY_WEBHOOK_ALLOW_PRIVATE_TARGETS`` (default false): let partner organizations' webhooks
reach private, loopback and link-local addresses (our company's may always).
``AMITY_WEBHOOK_LEASE_SECONDS`` (default 600): how long a claimed attempt belongs to the
worker sending it; a worker that died while sending leaves it, and once the lease runs out the
next worker's recovery pass sends it again. More than the timeout.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _raw(name: str) -> Any:
    return getattr(settings, name, None) if hasattr(settings, name) else os.environ.get(name)


def timeout() -> float:
    value = _raw("AMITY_WEBHOOK_TIMEOUT")
    if value is None or value == "":
        return 10.0
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"AMITY_WEBHOOK_TIMEOUT={value!r} is not a number of seconds") from None
    if not 0 < seconds <= 60:
        raise ImproperlyConfigured("AMITY_WEBHOOK_TIMEOUT must be more than 0 and at most 60 seconds")
    return seconds


def lease_seconds() -> float:
    value = _raw("AMITY_WEBHOOK_LEASE_SECONDS")
    if value is None or value == "":
        return 600.0
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"AMITY_WEBHOOK_LEASE_SECONDS={value!r} is not a number of seconds"
        ) from None
    if seconds <= timeout():
        raise ImproperlyConfigured("AMITY_WEBHOOK_LEASE_SECONDS must be more than AMITY_WEBHOOK_TIMEOUT")
    return seconds


def allow_private_targets() -> bool:
    value = _raw("AMITY_WEBHOOK_ALLOW_PRIVATE_TARGETS")
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ImproperlyConfigured("AMITY_WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false")
