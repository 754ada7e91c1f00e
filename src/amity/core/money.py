"""Money is a Decimal with an ISO 4217 currency code; never a float."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code, e.g. EUR.")


def amount_field(verbose_name: str = "amount", **kwargs) -> models.DecimalField:
    """A non-negative amount of money with cents."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("default", default_currency)
    kwargs.setdefault("validators", [currency_validator])
    return models.CharField("currency", **kwargs)


def default_currency() -> str:
    return settings.AMITY_REPORTING_CURRENCY
