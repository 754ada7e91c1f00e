"""Property tests of bad input: hypothesis profiles and a per-example rollback.

The profile is bounded so the whole directory runs in about a minute on two cores:
``properties`` (the default) draws 50 examples per test, ``ci`` (``HYPOTHESIS_PROFILE=ci``)
the same number but derandomized, so a failure there reproduces on every run; ``deep`` is
for a long local hunt. Examples that touch the database run inside :func:`rolled_back`, so
each starts from the fixtures' rows and leaves nothing behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "print_blob": True,
    # Fixtures (users, alliances) are made once per test; each example rolls back its writes.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("properties", max_examples=50, **_COMMON)
settings.register_profile("ci", max_examples=50, derandomize=True, **_COMMON)
settings.register_profile("deep", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "properties"))


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint that is always rolled back (one hypothesis example)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass
