"""REST API of KPIs and scorecards; business cases and the optimizer register on the same router.

``GET /scorecards`` gives the balanced scorecard of one alliance (``alliance=``) or of the whole
visible portfolio, for a fiscal year or quarter, with every KPI's formula, calculation and
inputs. Internal users only: a partner user gets 403.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import READ_ERRORS, Id, Page, acting_user, get_visible
from amity.core.permissions import is_internal

from . import kpis
from .models import KPI

router = Router(tags=["scorecards"])


def _internal(request: HttpRequest):
    user = acting_user(request)
    if not is_internal(user):
        raise PermissionDenied("Scorecards are our own yardsticks.")
    return user


class KPIOut(Schema):
    id: int
    key: str
    name: str
    dimension: str
    formula: str
    unit: str
    higher_is_better: bool
    target: Decimal | None
    green_at: Decimal | None
    amber_at: Decimal | None
    weight: Decimal
    active: bool
    description: str


@router.get("/kpis", response={200: list[KPIOut], **READ_ERRORS})
@paginate(Page)
def kpi_list(request: HttpRequest):
    """KPI definitions: each a formula over named measures of Amity's data, with thresholds."""
    user = _internal(request)
    return KPI.objects.visible_to(user).filter(archived_at__isnull=True).order_by("dimension", "order", "pk")


class MeasureOut(Schema):
    name: str
    value: Decimal | None
    explanation: str
    problems: list[str]


class KPIResultOut(Schema):
    key: str
    name: str
    unit: str
    formula: str
    value: Decimal | None
    status: str | None = Field(description="green, amber, red, or null (no value or no thresholds).")
    calculation: str
    reason: str = Field(description="Why there is no value (a missing input or a division by zero).")
    inputs: list[MeasureOut]


class ScorecardDimensionOut(Schema):
    dimension: str
    label: str
    score: Decimal | None
    calculation: str
    kpis: list[KPIResultOut]


class ScorecardOut(Schema):
    alliance_id: int | None
    start: date
    end: date
    dimensions: list[ScorecardDimensionOut]


class ScorecardFilters(Schema):
    alliance: Id | None = Field(None, description="One alliance; empty: the whole visible portfolio.")
    period: str = Field("fy", pattern="^(fy|quarter)$")
    day: date | None = Field(None, description="Any day of the fiscal year or quarter (default today).")


@router.get("/scorecards", response={200: ScorecardOut, **READ_ERRORS})
def scorecard(request: HttpRequest, filters: Query[ScorecardFilters]):
    user = _internal(request)
    period = kpis.period_of(filters.period, filters.day or timezone.localdate())
    if filters.alliance:
        ids = [get_visible(Alliance, user, filters.alliance).pk]
    else:
        ids = list(
            Alliance.objects.visible_to(user).filter(archived_at__isnull=True).values_list("pk", flat=True)
        )
    card = kpis.scorecard(ids, period.start, period.end)
    return {
        "alliance_id": filters.alliance,
        "start": period.start,
        "end": period.end,
        "dimensions": [
            {
                "dimension": d.dimension,
                "label": d.label,
                "score": d.score,
                "calculation": d.calculation,
                "kpis": [
                    {
                        "key": r.kpi.key,
                        "name": r.kpi.name,
                        "unit": r.kpi.unit,
                        "formula": r.kpi.formula,
                        "value": r.value,
                        "status": r.status,
                        "calculation": r.calculation,
                        "reason": r.reason,
                        "inputs": [
                            {
                                "name": n,
                                "value": m.value,
                                "explanation": m.explanation,
                                "problems": m.problems,
                            }
                            for n, m in r.inputs
                        ],
                    }
                    for r in d.kpis
                ],
            }
            for d in card.dimensions
        ],
    }


from . import api_business_case, api_optimizer  # noqa: E402, F401 - register their operations
