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

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from types import SimpleNamespace
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


_MISSING = object()


def _values(objs, fields, converters, now) -> Iterator[list[Any]]:
    """Each object's column values, converted. ``objs`` may be model instances or plain rows
    (``types.SimpleNamespace``) that leave out fields with defaults."""
    auto = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    attnames = [f.attname for f in fields]
    defaults = {f.attname: f for f in fields if f.has_default()}
    for obj in objs:
        for attname in auto:
            setattr(obj, attname, now)
        values = []
        for attname, convert in zip(attnames, converters, strict=True):
            value = getattr(obj, attname, _MISSING)
            if value is _MISSING:
                field = defaults.get(attname)
                value = field.get_default() if field is not None else None
            values.append(value if convert is None or value is None else convert(value))
        yield values


def _saved(obj: Any, pk: Any, alias: str) -> None:
    obj.pk = pk
    state = getattr(obj, "_state", None)
    if state is not None:
        state.adding = False
        state.db = alias


def insert(model: type[models.Model], objs: Sequence[Any]) -> Sequence[Any]:
    """Insert ``objs`` (unsaved instances of ``model``, or ``SimpleNamespace`` rows of its
    fields' attnames - fields left out get their defaults) and set their primary keys.

    PostgreSQL: the keys are taken from the table's sequence in one query, then the rows go in
    with ``COPY`` (a multi-row INSERT with thousands of parameters spends seconds in the
    driver's query parsing). SQLite: multi-row ``INSERT … RETURNING`` in chunks.
    """
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    template, fields, converters, chunk, row = _plan(model, alias)
    rows = _values(objs, fields, converters, timezone.now())
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            keys = [pk for (pk,) in cursor.fetchall()]
            columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for pk, values in zip(keys, rows, strict=True):
                    copy.write_row([pk, *values])
            for obj, pk in zip(objs, keys, strict=True):
                _saved(obj, pk, alias)
            return objs
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            # zip stops at the end of ``part`` before taking the next row from the generator
            params = [value for _, values in zip(part, rows, strict=False) for value in values]
            cursor.execute(template % ", ".join([row] * len(part)), params)
            for obj, (pk,) in zip(part, cursor.fetchall(), strict=True):
                _saved(obj, pk, alias)
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
    # Plain rows, not model instances: a historical instance costs more to build than to store.
    rows = [
        SimpleNamespace(
            history_date=now,
            history_user_id=user_id,
            history_change_reason=reason,
            history_type=history_type,
            **{name: getattr(obj, name) for name in tracked},
        )
        for obj in objs
    ]
    insert(historical, rows)


def create_with_history(
    model: type[models.Model], objs: Sequence[models.Model], *, user: Any = None, reason: str = ""
) -> Sequence[models.Model]:
    """``bulk_create_with_history``, faster: insert ``objs`` and their ``+`` history rows."""
    insert(model, objs)
    insert_history(model, objs, user=user, reason=reason)
    return objs
