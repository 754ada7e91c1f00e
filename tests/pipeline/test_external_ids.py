"""The import's lookup by CRM id uses the expression indexes on both databases."""

import pytest
from django.db import connection

from amity.pipeline.external_ids import index_name, with_external_id
from amity.pipeline.models import Account, Opportunity

from .factories import AccountFactory

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("model", [Account, Opportunity])
@pytest.mark.parametrize("system", ["salesforce", "hubspot"])
def test_lookup_by_external_id_is_an_index_search(model, system):
    queryset = with_external_id(model.objects.all(), system, ["0015e0000001", "0015e0000002"])
    assert index_name(model._meta.db_table, system) in _plan(queryset)


def test_lookup_finds_exactly_the_rows_with_those_ids():
    wanted = AccountFactory(external_ids={"salesforce": "001A", "hubspot": "77"})
    AccountFactory(external_ids={"salesforce": "001B"})
    AccountFactory(external_ids={"hubspot": "001A"})  # same value, other system
    found = with_external_id(Account.objects.all(), "salesforce", ["001A", "001C"])
    assert list(found) == [wanted]
    assert list(with_external_id(Account.objects.all(), "hubspot", ["77"])) == [wanted]


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="unknown external system"):
        with_external_id(Account.objects.all(), "sap'; drop table x; --", ["1"])
