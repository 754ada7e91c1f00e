"""Properties of the calculators behind the numbers people act on.

* **Forecast** (``pipeline.forecast``): for any book of deals - amounts to the cent, any
  probability, any stage, close dates around today, several currencies, links to alliances as
  sourced or influenced - every figure equals the same sum done here by hand in ``Decimal``: the
  weighted pipeline to the cent per quarter, the won split into sourced + influenced + direct
  (each deal once), the funnel adding up to the book, other currencies left out and named.
* **Scorecard scoring** (``scorecards.kpis.status_of``): the traffic light is monotone in the
  value - a better value never gets a worse colour - and sits exactly on the thresholds.

The MDF ledger's balances have their own property test (``tests/funds/test_ledger_properties``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from amity.core.periods import fiscal_quarter_of
from amity.pipeline.forecast import forecast
from amity.pipeline.models import OPEN_STAGES, Opportunity, OpportunityAlliance, OpportunityStage, PartnerRole
from amity.scorecards.kpis import status_of
from amity.scorecards.models import KPI
from tests.pipeline.factories import AccountFactory

from .conftest import rolled_back

CENT = Decimal("0.01")
WON = OpportunityStage.CLOSED_WON

deal = st.fixed_dictionaries(
    {
        "amount": st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False),
        "probability": st.integers(0, 100),
        "stage": st.sampled_from(OpportunityStage.values),
        "days": st.integers(-400, 450),  # close date relative to today
        "currency": st.sampled_from(["EUR", "EUR", "EUR", "USD", "GBP"]),
        "links": st.lists(st.tuples(st.integers(0, 1), st.sampled_from(PartnerRole.values)), max_size=2),
    }
)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@given(book=st.lists(deal, max_size=12))
def test_every_forecast_figure_is_the_hand_made_sum(book, admin, alliance, other_alliance):
    currency = settings.AMITY_REPORTING_CURRENCY
    alliances = [alliance, other_alliance]
    today = fiscal_quarter_of(alliance.created_at.date()).start + timedelta(days=40)
    with rolled_back():
        account = AccountFactory()
        deals = Opportunity.objects.bulk_create(
            Opportunity(
                name=f"Deal {i}",
                account=account,
                amount=d["amount"],
                currency=d["currency"],
                stage=d["stage"],
                probability=d["probability"],
                close_date=today + timedelta(days=d["days"]),
            )
            for i, d in enumerate(book)
        )
        roles: list[dict[int, str]] = []
        for opp, d in zip(deals, book, strict=True):
            linked = dict(d["links"])  # one link per alliance (the last role drawn wins)
            roles.append(linked)
            OpportunityAlliance.objects.bulk_create(
                OpportunityAlliance(opportunity=opp, alliance=alliances[a], role=role)
                for a, role in linked.items()
            )

        result = forecast(user=admin, today=today)

        here = [
            (opp, d, r) for opp, d, r in zip(deals, book, roles, strict=True) if d["currency"] == currency
        ]
        # Other currencies: never converted, named with their count and amount.
        others: dict[str, list] = {}
        for d in book:
            if d["currency"] != currency:
                row = others.setdefault(d["currency"], [0, Decimal(0)])
                row[0] += 1
                row[1] += d["amount"]
        assert result.excluded == [
            {"currency": c, "count": n, "amount": _cents(a)} for c, (n, a) in sorted(others.items())
        ]
        # Attribution: each won deal once - sourced if any link is sourced, else influenced if linked.
        won = [(d, r) for _, d, r in here if d["stage"] == WON]
        sourced = sum((d["amount"] for d, r in won if PartnerRole.SOURCED in r.values()), Decimal(0))
        influenced = sum(
            (d["amount"] for d, r in won if r and PartnerRole.SOURCED not in r.values()), Decimal(0)
        )
        direct = sum((d["amount"] for d, r in won if not r), Decimal(0))
        assert result.totals["sourced"] == _cents(sourced)
        assert result.totals["influenced"] == _cents(influenced)
        assert result.totals["direct"] == _cents(direct)
        assert result.totals["total"] == _cents(sourced + influenced + direct)
        assert result.totals["deals"] == len(won)
        # Weighted forecast: amount x probability / 100 of open deals, per quarter, to the cent.
        for quarter in result.forecast:
            inside = [
                (opp, d)
                for opp, d, _ in here
                if d["stage"] in OPEN_STAGES and quarter["start"] <= opp.close_date <= quarter["end"]
            ]
            assert quarter["count"] == len(inside)
            assert quarter["open"] == _cents(sum((d["amount"] for _, d in inside), Decimal(0)))
            weighted = sum((d["amount"] * d["probability"] / 100 for _, d in inside), Decimal(0))
            assert quarter["weighted"] == _cents(weighted), quarter
            assert quarter["weighted"] <= quarter["open"]
        # The funnel holds every deal in the reporting currency once.
        assert sum(s["count"] for s in result.by_stage) == len(here)
        assert sum(s["amount"] for s in result.by_stage) == _cents(
            sum((d["amount"] for _, d, _ in here), Decimal(0))
        )
        # Per alliance: a deal counts once per alliance it is linked to, by its role there.
        for row in result.by_alliance:
            a = next(i for i, x in enumerate(alliances) if x.pk == row["alliance_id"])
            mine = [(d, r[a]) for d, r in won if a in r]
            assert row["deals"] == len(mine)
            assert row["sourced"] == _cents(
                sum((d["amount"] for d, role in mine if role == "sourced"), Decimal(0))
            )
            assert row["total"] == _cents(sum((d["amount"] for d, _ in mine), Decimal(0)))


values = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@given(
    higher=st.booleans(),
    thresholds=st.tuples(values, values | st.none()),
    a=values,
    b=values,
)
def test_a_better_value_never_gets_a_worse_traffic_light(higher, thresholds, a, b):
    green, amber = thresholds
    if amber is not None and (amber > green if higher else amber < green):
        green, amber = amber, green  # a KPI's amber threshold sits on the worse side of green
    kpi = KPI(name="x", higher_is_better=higher, green_at=green, amber_at=amber)
    rank = {"red": 0, "amber": 1, "green": 2}
    worse, better = sorted((a, b), reverse=not higher)
    assert rank[status_of(kpi, better)] >= rank[status_of(kpi, worse)]
    # Exactly on a threshold counts as reaching it.
    assert status_of(kpi, green) == "green"
    if amber is not None and amber != green:
        assert status_of(kpi, amber) == "amber"
    assert status_of(kpi, None) is None
    assert status_of(KPI(name="y", higher_is_better=higher), a) is None  # no threshold: no colour
