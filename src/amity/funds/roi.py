"""MDF ROI: pipeline and closed-won revenue of the opportunities linked to funded requests,
in the reporting currency, divided by what was paid out for them.

Every number is explainable: :class:`Roi` keeps each opportunity line (amount, currency,
rate day, rate, converted amount) and each payment line, and the amounts that could not be
converted (no exchange rate) are listed as problems - never counted as 0 silently.
An opportunity linked to several requests of the same group counts once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from amity.core.models import user_role
from amity.core.roles import Role
from amity.pipeline.models import OPEN_STAGES, Opportunity, OpportunityStage

from .models import ZERO, FundRequest, Payment
from .rates import NoExchangeRate, RateTable, reporting_currency


@dataclass
class Line:
    label: str
    kind: str  # "pipeline", "revenue", "paid"
    amount: Decimal
    currency: str
    on: date
    rate: Decimal | None = None
    converted: Decimal | None = None
    problem: str = ""
    url: str = ""


@dataclass
class Roi:
    pipeline: Decimal = ZERO
    revenue: Decimal = ZERO
    paid: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    currency: str = field(default_factory=reporting_currency)

    @staticmethod
    def _ratio(value: Decimal, paid: Decimal) -> Decimal | None:
        return (value / paid).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if paid > 0 else None

    @property
    def pipeline_ratio(self) -> Decimal | None:
        return self._ratio(self.pipeline, self.paid)

    @property
    def revenue_ratio(self) -> Decimal | None:
        return self._ratio(self.revenue, self.paid)

    @property
    def problems(self) -> list[Line]:
        return [line for line in self.lines if line.problem]

    def add(self, line: Line, rates: RateTable) -> None:
        try:
            line.rate = rates.rate_on(line.currency, line.on)
            line.converted = rates.convert(line.amount, line.currency, line.on)
        except NoExchangeRate as exc:
            line.problem = exc.message_dict["currency"][0]
        self.lines.append(line)
        if line.converted is not None:
            setattr(self, line.kind, getattr(self, line.kind) + line.converted)


def _requests(user: Any):
    opps = Opportunity.objects.visible_to(user).filter(archived_at__isnull=True)
    return (
        FundRequest.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .select_related("budget__organization", "budget__program")
        .prefetch_related(
            Prefetch("opportunities", queryset=opps),
            Prefetch("claims__payment"),
        )
    )


def _opportunity_line(opp: Opportunity, today: date) -> Line | None:
    if opp.stage == OpportunityStage.CLOSED_WON:
        return Line(opp.name, "revenue", opp.amount, opp.currency, opp.close_date, url=opp.get_absolute_url())
    if opp.stage in OPEN_STAGES:
        return Line(opp.name, "pipeline", opp.amount, opp.currency, today, url=opp.get_absolute_url())
    return None


def _roi(requests: list[FundRequest], rates: RateTable, today: date) -> Roi:
    roi = Roi()
    seen: set[int] = set()
    for request in requests:
        for opp in request.opportunities.all():
            if opp.pk in seen:
                continue
            seen.add(opp.pk)
            line = _opportunity_line(opp, today)
            if line is not None:
                roi.add(line, rates)
        for claim in request.claims.all():
            payment = getattr(claim, "payment", None)
            if isinstance(payment, Payment) and payment.archived_at is None:
                roi.add(
                    Line(
                        f"{request.activity}: {payment.reference}",
                        "paid",
                        payment.amount,
                        request.budget.currency,
                        payment.date,
                        url=request.get_absolute_url(),
                    ),
                    rates,
                )
    return roi


def request_roi(*, user: Any, request: FundRequest, today: date | None = None) -> Roi:
    today = today or timezone.localdate()
    return _roi(list(_requests(user).filter(pk=request.pk)), RateTable(), today)


def roi_by(*, user: Any, group: str = "partner", fiscal_year: int | None = None, today: date | None = None):
    """[(label, Roi)] per partner organization or per program, largest paid first."""
    today = today or timezone.localdate()
    qs = _requests(user)
    if fiscal_year:
        qs = qs.filter(budget__fiscal_year=fiscal_year)
    groups: dict[str, list[FundRequest]] = defaultdict(list)
    for request in qs:
        key = str(request.budget.organization) if group == "partner" else str(request.budget.program)
        groups[key].append(request)
    rates = RateTable()
    result = [(label, _roi(reqs, rates, today)) for label, reqs in groups.items()]
    return sorted(result, key=lambda pair: (-pair[1].paid, pair[0]))


def roi_chart(rows: list[tuple[str, Roi]]) -> dict[str, Any]:
    """Closed-won revenue per euro paid, per partner (bar chart data)."""
    return {
        "labels": [label for label, _ in rows],
        "values": [float(roi.revenue_ratio or 0) for _, roi in rows],
    }


def is_partner(user: Any) -> bool:
    return user_role(user) == Role.PARTNER
