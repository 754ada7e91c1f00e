"""Fiscal periods. The fiscal year starts in ``settings.AMITY_FISCAL_YEAR_START_MONTH``;
a fiscal year is named by the calendar year in which it *ends* (FY2027 = Jul 2026–Jun 2027
when it starts in July; FY2026 = Jan–Dec 2026 when it starts in January)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings


def start_month() -> int:
    return settings.AMITY_FISCAL_YEAR_START_MONTH


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def fiscal_year_of(day: date) -> int:
    """The fiscal year a date falls in."""
    m = start_month()
    if m == 1:
        return day.year
    return day.year + 1 if day.month >= m else day.year


def fiscal_year(year: int) -> Period:
    m = start_month()
    start = date(year, 1, 1) if m == 1 else date(year - 1, m, 1)
    end = _add_months(start, 12) - timedelta(days=1)
    return Period(f"FY{year}", start, end)


def fiscal_quarters(year: int) -> list[Period]:
    start = fiscal_year(year).start
    quarters = []
    for q in range(4):
        q_start = _add_months(start, 3 * q)
        quarters.append(Period(f"Q{q + 1} FY{year}", q_start, _add_months(q_start, 3) - timedelta(days=1)))
    return quarters


def fiscal_quarter_of(day: date) -> Period:
    return next(q for q in fiscal_quarters(fiscal_year_of(day)) if day in q)


def _add_months(day: date, months: int) -> date:
    """First-of-month arithmetic (periods always start on the 1st)."""
    total = day.year * 12 + (day.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, clamped to the end of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    first = _add_months(date(day.year, day.month, 1), months)
    last_day = (_add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))
