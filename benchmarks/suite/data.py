"""The synthetic portfolio a run measures: ``amity generate`` (``amity.synth.generate``) at a size,
or - if that module is missing - the demo portfolio (``amity demo``'s loader)."""

from __future__ import annotations

import time
from typing import Any

#: partners, alliances, opportunities, accounts per side (``amity generate`` options).
SIZES: dict[str, dict[str, int]] = {
    "tiny": {"partners": 60, "alliances": 15, "opportunities": 3_000, "accounts": 800},
    "quick": {"partners": 2_000, "alliances": 300, "opportunities": 100_000, "accounts": 20_000},
    "medium": {"partners": 10_000, "alliances": 2_000, "opportunities": 500_000, "accounts": 100_000},
    "full": {"partners": 100_000, "alliances": 20_000, "opportunities": 5_000_000, "accounts": 1_000_000},
}

#: Sizes of the import and mapping benchmarks at each size (rows; accounts per side).
EXTERNAL_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"import_rows": 2_000, "import_accounts": 2_000, "mapping_rows": 2_000, "private_rows": 500},
    "quick": {
        "import_rows": 20_000,
        "import_accounts": 50_000,
        "mapping_rows": 100_000,
        "private_rows": 5_000,
    },
    "medium": {
        "import_rows": 200_000,
        "import_accounts": 50_000,
        "mapping_rows": 1_000_000,
        "private_rows": 100_000,
    },
    "full": {
        "import_rows": 1_000_000,
        "import_accounts": 50_000,
        "mapping_rows": 1_000_000,
        "private_rows": 100_000,
    },
}

BENCH_USER = "bench"


def fill(sizes: dict[str, int], *, seed: int = 1, log=print) -> dict[str, Any]:
    """Write the portfolio; returns what was written (rows per table, seconds, source)."""
    started = time.perf_counter()
    try:
        from amity.synth.generate import generate
    except ImportError:  # the generator is not there (yet): the demo portfolio
        from amity.demo.loader import load

        log("amity.synth.generate is missing: loading the demo portfolio instead")
        load()
        return {"source": "demo", "seconds": round(time.perf_counter() - started, 1)}
    last = [0.0]

    def progress(stats: Any) -> None:
        now = time.perf_counter()
        if now - last[0] > 10:
            last[0] = now
            log(f"  generate: {stats.table} {stats.rows:,} rows")

    result = generate(**sizes, seed=seed, progress=progress)
    return {"source": "amity generate", "seconds": result.pop("seconds", None), "rows": result}


def bench_user() -> Any:
    """The run's admin (the import benchmark looks it up by this name too)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    user = users.filter(username=BENCH_USER).first()
    if user is None:
        user = users.create_superuser(BENCH_USER, "bench@example.com", "bench-password-x", role="admin")
    return user
