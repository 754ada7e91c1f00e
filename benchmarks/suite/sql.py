"""Helpers for the hand-written baselines: a cursor, the few expressions that differ between
SQLite and PostgreSQL, and money/number normalisation shared by both sides of a comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of ``sql`` through Django's database cursor (no ORM)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def money(value: Any) -> Decimal:
    """A database amount (Decimal, int, float or None) as Decimal cents, rounded half-up."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        value = Decimal(repr(value))
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def opt_money(value: Any) -> Decimal | None:
    return None if value is None else money(value)


def as_date(value: Any) -> date | None:
    """A date from a raw row (SQLite returns expressions as text)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def placeholders(values: Iterable[Any]) -> str:
    return ", ".join("%s" for _ in values)


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants [start 00:00, end+1 00:00) in the current time zone: ``at__date`` between
    start and end, written so that an index on ``at`` serves it."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time()), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time()), tz),
    )


def local_date_sql(column: str) -> str:
    """The calendar date of a timestamp column in the current time zone (what ``TruncDate`` and
    ``__date`` compute)."""
    from django.utils import timezone

    name = timezone.get_current_timezone_name()
    if vendor() == "postgresql":
        return f"({column} AT TIME ZONE '{name}')::date"
    # Django registers this function on every SQLite connection; it is what the ORM calls too.
    return f"django_datetime_cast_date({column}, '{name}', 'UTC')"


def utc_date_sql(column: str) -> str:
    """The UTC calendar date of a timestamp column (``aware_datetime.date()`` in Python)."""
    if vendor() == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"


def converted_sql(amount: str, currency: str, day: str, reporting: str) -> str:
    """``amount`` of ``currency`` in the reporting currency at the latest active rate valid on
    ``day``, rounded half-up to cents - ``funds.rates.RateTable.convert`` as SQL. NULL when there
    is no rate (Amity counts such an amount as 0 and names it; SUM skips NULL).

    On SQLite amounts are floats, so the product is formed in integers (cents × rate·10⁸) to
    round exactly as Decimal does; PostgreSQL's numeric is exact already.
    """
    lookup = (
        "SELECT r.rate FROM funds_exchangerate r WHERE r.archived_at IS NULL AND r.currency = {c} "
        "AND r.valid_from <= {d} ORDER BY r.valid_from DESC LIMIT 1"
    )
    if vendor() == "postgresql":
        rate = f"CASE WHEN {currency} = '{reporting}' THEN 1 ELSE ({lookup.format(c=currency, d=day)}) END"
        return f"ROUND({amount} * ({rate}), 2)"
    units = lookup.replace("SELECT r.rate", "SELECT CAST(ROUND(r.rate * 100000000) AS INTEGER)")
    rate = f"CASE WHEN {currency} = '{reporting}' THEN 100000000 ELSE ({units.format(c=currency, d=day)}) END"
    product = f"CAST(ROUND({amount} * 100) AS INTEGER) * ({rate})"
    # cents of the result, rounded half away from zero (ROUND_HALF_UP); integer division
    # truncates toward zero, so the half is added with the amount's sign (the rate is positive)
    return f"(({product}) + (CASE WHEN {amount} >= 0 THEN 50000000 ELSE -50000000 END)) / 100000000"


def date_sql(day: date) -> str:
    """A date literal (for expressions where a parameter would be repeated)."""
    if vendor() == "postgresql":
        return f"DATE '{day.isoformat()}'"
    return f"'{day.isoformat()}'"


def converted_total(value: Any) -> Decimal:
    """The SUM of :func:`converted_sql` as Decimal (SQLite sums integer cents)."""
    if value is None:
        return Decimal("0.00")
    if vendor() == "postgresql":
        return money(value)
    return (Decimal(int(value)) / 100).quantize(CENT)


def json_text_sql(column: str, key: str) -> str:
    """The JSON text of ``column[key]`` (NULL when missing)."""
    if vendor() == "postgresql":
        return f"({column} -> '{key}')::text"
    return f"json_extract({column}, '$.{key}')"


def name_order_sql(column: str) -> str:
    """Order by a name as Python's ``sorted`` does (code points), whatever the DB collation."""
    if vendor() == "postgresql":
        return f'{column} COLLATE "C"'
    return column  # SQLite's default BINARY collation compares UTF-8 bytes: code point order
