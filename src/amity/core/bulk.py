"""Fast bulk inserts with their audit history, for imports and generators.

``QuerySet.bulk_create`` spends most of its time compiling every value of every row through the
field machinery (``pre_save``, ``get_db_prep_save``, ``field_as_sql`` …): about 30 µs a row for a
15-column model, more than the database needs to store it. :func:`create_with_history` does the
same job - rows in, primary keys set on the instances, one simple-history row (``+``) per
instance with the given user and reason - with one multi-row ``INSERT … RETURNING`` per chunk
and one prepared converter per column, decided once per model:

* text, numbers, booleans and foreign-key ids go in as they are;
* dates, datetimes (time zones included) and decimals through the backend's own
  ``adapt_*_value`` - the same functions ``bulk_create`` ends in;
* anything else (JSON …) through the field's ``get_db_prep_save``.

It does not run ``save()`` or signals (neither does ``bulk_create``); ``auto_now`` and
``auto_now_add`` fields are filled here. ``tests/core/test_bulk.py`` checks that rows written
this way read back equal to rows written by ``bulk_create``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

IDENTITY_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)


def _converter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    ops = connection.ops
    if kind in IDENTITY_TYPES:
        return None
    if kind == "DateTimeField":
        return _last_value_memo(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return lambda value: field.get_db_prep_save(value, connection)


def _last_value_memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` remembering its last answer: a batch's rows share one timestamp."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return converted


@cache
def _plan(model: type[models.Model], alias: str) -> tuple[str, list[models.Field], list, int, Any]:
    connection = connections[alias]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    converters = [_converter(f, connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = 30_000 if connection.vendor == "sqlite" else 60_000  # bound parameters per statement
    chunk = max(1, min(1000, limit // len(fields)))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {{rows}} RETURNING {quote(meta.pk.column)}"
    return sql.replace("{rows}", "%s"), fields, converters, chunk, row


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> Sequence[models.Model]:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys."""
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    template, fields, converters, chunk, row = _plan(model, alias)
    now = timezone.now()
    auto = [
        (i, f)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            params: list[Any] = []
            for obj in part:
                for _, field in auto:
                    setattr(obj, field.attname, now)
                for attname, convert in zip(attnames, converters, strict=True):
                    value = getattr(obj, attname)
                    params.append(value if convert is None or value is None else convert(value))
            cursor.execute(template % ", ".join([row] * len(part)), params)
            for obj, (pk,) in zip(part, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = alias
    return objs


def insert_history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    history_type: str = "+",
    user: Any = None,
    reason: str = "",
) -> None:
    """One simple-history row per saved instance in ``objs`` (``+`` created, ``~`` changed)."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = model.history.model
    tracked = [f.attname for f in historical.tracked_fields]
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    rows = []
    for obj in objs:
        row = historical(
            history_date=now,
            history_user_id=user_id,
            history_change_reason=reason,
            history_type=history_type,
            **{name: getattr(obj, name) for name in tracked},
        )
        rows.append(row)
    insert(historical, rows)


def create_with_history(
    model: type[models.Model], objs: Sequence[models.Model], *, user: Any = None, reason: str = ""
) -> Sequence[models.Model]:
    """``bulk_create_with_history``, faster: insert ``objs`` and their ``+`` history rows."""
    insert(model, objs)
    insert_history(model, objs, user=user, reason=reason)
    return objs
