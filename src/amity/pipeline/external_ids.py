"""Indexed lookups of accounts and opportunities by CRM id (``external_ids[system]``).

``external_ids`` is a JSON object (``{"salesforce": "0065e…", "hubspot": "1234"}``). Django's
``external_ids__salesforce__in`` lookup binds the JSON path as a query parameter, which neither
SQLite nor PostgreSQL can match against an expression index - every import batch would scan the
whole table. Migration ``0003`` creates one expression index per (table, system) and
:func:`with_external_id` filters with exactly the indexed expression, so a lookup of a batch of
ids is an index search on both databases. ``system`` is always one of ``EXTERNAL_SYSTEMS``
(checked), so it is safe to write into the SQL literally.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import EXTERNAL_SYSTEMS

#: Tables whose ``external_ids`` are indexed per system.
INDEXED_TABLES = ("pipeline_account", "pipeline_opportunity")


def _check(system: str) -> None:
    if system not in EXTERNAL_SYSTEMS:
        raise ValueError(f"unknown external system {system!r}")


def expression(table: str, system: str, vendor: str, *, qualified: bool = True) -> str:
    """The SQL of ``external_ids[system]`` as text - the same text the indexes are built on."""
    _check(system)
    column = f'"{table}"."external_ids"' if qualified else '"external_ids"'
    if vendor == "postgresql":
        return f"({column} ->> '{system}')"
    return f"JSON_EXTRACT({column}, '$.\"{system}\"')"


def index_name(table: str, system: str) -> str:
    return f"{table}_ext_{system}_idx"


def with_external_id(queryset: QuerySet, system: str, ids: Iterable[str]) -> QuerySet:
    """``queryset`` narrowed to rows whose ``external_ids[system]`` is one of ``ids`` (indexed)."""
    vendor = connections[queryset.db].vendor
    sql = expression(queryset.model._meta.db_table, system, vendor)
    return queryset.annotate(_external_id=RawSQL(sql, ())).filter(_external_id__in=list(ids))


def create_indexes(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in INDEXED_TABLES:
        for system in EXTERNAL_SYSTEMS:
            sql = expression(table, system, vendor, qualified=False)
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, system)}" ON "{table}" ({sql})'
            )


def drop_indexes(schema_editor) -> None:
    for table in INDEXED_TABLES:
        for system in EXTERNAL_SYSTEMS:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, system)}"')
