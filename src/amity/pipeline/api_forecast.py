"""REST API of attribution and forecast: ``GET /forecast?alliance=``.

The same numbers as the Forecast page (see ``amity.pipeline.forecast``); Decimals are strings.
Only the reporting currency is added up; other currencies are listed in ``excluded``. A partner
user gets their alliances' numbers only; an alliance they cannot see is 404.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from amity.alliances.selectors import alliance_detail
from amity.core.api import READ_ERRORS, Id, Money, acting_user

from . import forecast as selectors

router = Router()


class ExcludedOut(Schema):
    currency: str
    count: int
    amount: Money


class ForecastTotalsOut(Schema):
    total: Money = Field(description="Closed-won amount, each deal counted once.")
    sourced: Money = Field(description="Won deals with any sourced link (primary credit).")
    influenced: Money = Field(description="Won deals with partner links, none of them sourced.")
    direct: Money = Field(description="Won deals without any partner.")
    deals: int


class AllianceAttributionOut(Schema):
    alliance_id: int
    name: str
    sourced: Money
    influenced: Money
    total: Money
    deals: int


class PartnerAttributionOut(Schema):
    organization_id: int
    name: str
    sourced: Money
    influenced: Money
    total: Money


class QuarterAttributionOut(Schema):
    label: str
    start: date
    end: date
    sourced: Money
    influenced: Money
    total: Money


class ForecastQuarterOut(Schema):
    label: str
    start: date
    end: date
    count: int
    open: Money
    weighted: Money = Field(description="Sum of amount × probability / 100 of open deals.")


class StageOut(Schema):
    stage: str
    label: str
    count: int
    amount: Money


class ImpactOut(Schema):
    won: int
    closed: int
    win_rate: Decimal | None = Field(description="Percent won of closed; null with nothing closed.")
    average_deal: Money | None
    average_cycle_days: Decimal | None = Field(description="Close date minus created date, won deals.")


class PartnerImpactOut(Schema):
    with_partner: ImpactOut
    without_partner: ImpactOut


class ForecastOut(Schema):
    currency: str = Field(description="The reporting currency; only it is added up.")
    alliance: int | None
    excluded: list[ExcludedOut] = Field(description="Opportunities in other currencies, left out.")
    totals: ForecastTotalsOut
    by_alliance: list[AllianceAttributionOut]
    by_partner: list[PartnerAttributionOut]
    by_quarter: list[QuarterAttributionOut]
    forecast: list[ForecastQuarterOut]
    won_this_quarter: Money
    by_stage: list[StageOut]
    impact: PartnerImpactOut


@router.get("/forecast", response={200: ForecastOut, **READ_ERRORS}, tags=["pipeline"])
def forecast(request: HttpRequest, alliance: Id | None = None):
    """Attribution (sourced vs influenced), weighted forecast by fiscal quarter and partner impact."""
    user = acting_user(request)
    scope = alliance_detail(user=user, pk=alliance) if alliance is not None else None
    result = selectors.forecast(user=user, alliance=scope)
    return {
        **result.__dict__,
        "alliance": scope.pk if scope else None,
        "impact": {"with_partner": result.impact["with"], "without_partner": result.impact["without"]},
    }
