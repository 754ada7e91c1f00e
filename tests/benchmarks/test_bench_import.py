"""The suite's CRM-import benchmark at a tiny size: Amity's import reads every row of the export
the raw load (COPY / executemany) loads. Transactional: the raw load opens its own transaction."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from suite import data, external  # noqa: E402


@pytest.mark.django_db(transaction=True)
def test_the_import_reads_every_row_the_raw_load_does(tmp_path):
    from django.db import connection

    from amity.partners.models import Organization

    Organization.objects.get_or_create(name="Bench Home", defaults={"is_home": True})
    data.bench_user()

    result = external.crm_import(tmp_path, connection.vendor, rows=1_000, accounts=1_000)

    assert result["equal"] and result["answer_size"] == 1_000
    assert result["ratio"] is not None and result["created"] + result["rejected"] == 1_000
