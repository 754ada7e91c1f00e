"""Dated exchange rates: amounts in any currency → the reporting currency.

``convert(amount, currency, on_date)`` uses the latest rate valid on or before the date and
rounds half-up to cents once, at the end. A missing rate raises :class:`NoExchangeRate`, a
``ValidationError`` naming the currency (422 in the API, a message on pages), never a silent 0.
"""

from __future__ import annotations

import bisect
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import ExchangeRate

CENT = Decimal("0.01")


class NoExchangeRate(ValidationError):
    def __init__(self, currency: str, on_date: date):
        self.currency = currency
        self.on_date = on_date
        super().__init__(
            {
                "currency": f"No exchange rate for {currency} to {settings.AMITY_REPORTING_CURRENCY} "
                f"on or before {on_date.isoformat()}: add one under Exchange rates."
            }
        )


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def reporting_currency() -> str:
    return settings.AMITY_REPORTING_CURRENCY


def rate_on(currency: str, on_date: date) -> Decimal:
    """The rate of ``currency`` on ``on_date`` (1 for the reporting currency)."""
    if currency == reporting_currency():
        return Decimal("1")
    rate = (
        ExchangeRate.objects.active()
        .filter(currency=currency, valid_from__lte=on_date)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise NoExchangeRate(currency, on_date)
    return rate


def convert(amount: Decimal, currency: str, on_date: date) -> Decimal:
    """``amount`` of ``currency`` in the reporting currency on ``on_date``, rounded to cents."""
    return cents(Decimal(amount) * rate_on(currency, on_date))


class RateTable:
    """All active rates loaded in one query, for converting many amounts (ROI, overviews)."""

    def __init__(self) -> None:
        self._rates: dict[str, tuple[list[date], list[Decimal]]] = {}
        for currency, day, rate in (
            ExchangeRate.objects.active()
            .order_by("currency", "valid_from")
            .values_list("currency", "valid_from", "rate")
        ):
            days, rates = self._rates.setdefault(currency, ([], []))
            days.append(day)
            rates.append(rate)

    def rate_on(self, currency: str, on_date: date) -> Decimal:
        if currency == reporting_currency():
            return Decimal("1")
        days, rates = self._rates.get(currency, ([], []))
        i = bisect.bisect_right(days, on_date)
        if i == 0:
            raise NoExchangeRate(currency, on_date)
        return rates[i - 1]

    def convert(self, amount: Decimal, currency: str, on_date: date) -> Decimal:
        return cents(Decimal(amount) * self.rate_on(currency, on_date))
