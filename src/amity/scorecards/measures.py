"""Measures: named figures over Amity's data for a set of alliances and a period, each with the
explanation of how it was counted. KPI formulas (``KPI.formula``) combine them.

Money is in the reporting currency: each amount is converted at the dated exchange rate of its
own day (``funds.rates``); an amount without a rate is left out and named, never counted as 0.
A deal linked to several of the alliances counts once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Min

ZERO = Decimal("0")


@dataclass
class Measure:
    value: Decimal | None
    explanation: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Context:
    alliance_ids: list[int]
    start: date
    end: date
    today: date
    cache: dict = field(default_factory=dict)

    @property
    def rates(self):
        if "rates" not in self.cache:
            from amity.funds.rates import RateTable

            self.cache["rates"] = RateTable()
        return self.cache["rates"]

    def convert(self, amount, currency, day, problems: list[str]) -> Decimal:
        from amity.funds.rates import NoExchangeRate

        try:
            return self.rates.convert(Decimal(amount), currency, day)
        except NoExchangeRate as exc:
            problems.append(exc.message_dict["currency"][0])
            return ZERO

    @property
    def label(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def _cur() -> str:
    return settings.AMITY_REPORTING_CURRENCY


def _won(ctx: Context, *, linked: bool = True):
    from amity.pipeline.models import Opportunity

    qs = Opportunity.objects.filter(
        archived_at__isnull=True, stage="closed_won", close_date__gte=ctx.start, close_date__lte=ctx.end
    )
    if linked:
        qs = qs.filter(
            pk__in=_links(ctx).values("opportunity_id"),
        )
    return qs


def _links(ctx: Context):
    from amity.pipeline.models import OpportunityAlliance

    return OpportunityAlliance.objects.filter(archived_at__isnull=True, alliance_id__in=ctx.alliance_ids)


def _sum_deals(ctx: Context, qs, what: str, day_of=None) -> Measure:
    problems: list[str] = []
    total = ZERO
    n = 0
    for amount, currency, close in qs.values_list("amount", "currency", "close_date"):
        total += ctx.convert(amount, currency, day_of or close, problems)
        n += 1
    return Measure(total, f"{n} {what}: {_fmt(total)} {_cur()}", problems)


def won_revenue(ctx: Context) -> Measure:
    key = "won_revenue"
    if key not in ctx.cache:
        m = _sum_deals(ctx, _won(ctx), f"closed-won deals of the alliance(s) in {ctx.label}, each once")
        ctx.cache[key] = m
    return ctx.cache[key]


def company_won_revenue(ctx: Context) -> Measure:
    return _sum_deals(ctx, _won(ctx, linked=False), f"closed-won deals of the company in {ctx.label}")


def attributed_margin(ctx: Context) -> Measure:
    pct = Decimal(str(settings.AMITY_GROSS_MARGIN_PERCENT))
    revenue = won_revenue(ctx)
    value = (revenue.value * pct / 100).quantize(Decimal("0.01"))
    return Measure(
        value,
        f"won revenue {_fmt(revenue.value)} × gross margin {pct} % (AMITY_GROSS_MARGIN_PERCENT) = {_fmt(value)}",
        revenue.problems,
    )


def entered_costs(ctx: Context) -> Measure:
    from .models import AllianceCost

    problems: list[str] = []
    total = ZERO
    rows = AllianceCost.objects.filter(
        archived_at__isnull=True,
        alliance_id__in=ctx.alliance_ids,
        period_start__gte=ctx.start,
        period_start__lte=ctx.end,
    ).values_list("kind", "amount", "currency", "period_start")
    by_kind: dict[str, Decimal] = {}
    for kind, amount, currency, day in rows:
        value = ctx.convert(amount, currency, day, problems)
        by_kind[kind] = by_kind.get(kind, ZERO) + value
        total += value
    parts = ", ".join(f"{k} {_fmt(v)}" for k, v in sorted(by_kind.items())) or "none entered"
    return Measure(total, f"alliance costs entered for periods starting in {ctx.label}: {parts}", problems)


def mdf_paid(ctx: Context) -> Measure:
    from amity.funds.models import LedgerEntry

    problems: list[str] = []
    total = ZERO
    n = 0
    for amount, currency, at in LedgerEntry.objects.filter(
        kind="pay", budget__alliance_id__in=ctx.alliance_ids, at__date__gte=ctx.start, at__date__lte=ctx.end
    ).values_list("amount", "budget__currency", "at"):
        total += ctx.convert(amount, currency, at.date(), problems)
        n += 1
    return Measure(
        total, f"{n} MDF payment(s) on the alliance's budgets in {ctx.label}: {_fmt(total)}", problems
    )


def incentives_paid(ctx: Context) -> Measure:
    from amity.funds.models import StatementLine

    problems: list[str] = []
    total = ZERO
    n = 0
    for amount, currency, paid_on in StatementLine.objects.filter(
        statement__status="paid",
        statement__paid_on__gte=ctx.start,
        statement__paid_on__lte=ctx.end,
        opportunity_id__in=_links(ctx).values("opportunity_id"),
    ).values_list("amount", "statement__currency", "statement__paid_on"):
        total += ctx.convert(amount, currency, paid_on, problems)
        n += 1
    return Measure(
        total, f"{n} paid incentive line(s) on the alliance's deals in {ctx.label}: {_fmt(total)}", problems
    )


def alliance_cost(ctx: Context) -> Measure:
    parts = [entered_costs(ctx), mdf_paid(ctx), incentives_paid(ctx)]
    total = sum((p.value for p in parts), ZERO)
    return Measure(
        total,
        f"entered costs {_fmt(parts[0].value)} + MDF paid {_fmt(parts[1].value)} + incentives paid "
        f"{_fmt(parts[2].value)} = {_fmt(total)}",
        [p for part in parts for p in part.problems],
    )


def open_pipeline(ctx: Context) -> Measure:
    from amity.pipeline.models import OPEN_STAGES, Opportunity

    horizon = ctx.today + timedelta(days=365)
    qs = Opportunity.objects.filter(
        archived_at__isnull=True,
        stage__in=OPEN_STAGES,
        close_date__gte=ctx.today,
        close_date__lte=horizon,
        pk__in=_links(ctx).values("opportunity_id"),
    )
    return _sum_deals(ctx, qs, "open deals closing within a year (at today's rates)", day_of=ctx.today)


def plan_target(ctx: Context) -> Measure:
    from amity.core import periods
    from amity.planning.models import JointBusinessPlan as Plan

    year = periods.fiscal_year_of(ctx.end)
    problems: list[str] = []
    total = ZERO
    n = 0
    for target, currency in Plan.objects.filter(
        archived_at__isnull=True,
        alliance_id__in=ctx.alliance_ids,
        fiscal_year=year,
        revenue_target__isnull=False,
    ).values_list("revenue_target", "currency"):
        total += ctx.convert(target, currency, ctx.end, problems)
        n += 1
    if not n:
        return Measure(None, f"no plan of FY{year} sets a revenue target")
    return Measure(total, f"revenue target of {n} FY{year} plan(s): {_fmt(total)}", problems)


def _partner_commitments(ctx: Context):
    from amity.agreements.models import Commitment

    return Commitment.objects.filter(
        archived_at__isnull=True,
        alliance_id__in=ctx.alliance_ids,
        party__is_home=False,
        due_date__gte=ctx.start,
        due_date__lte=min(ctx.end, ctx.today),
    ).exclude(status__in=["waived", "renegotiated"])


def commitments_due(ctx: Context) -> Measure:
    n = _partner_commitments(ctx).count()
    return Measure(
        Decimal(n), f"{n} partner commitment(s) came due in {ctx.label} (waived and renegotiated left out)"
    )


def commitments_met_on_time(ctx: Context) -> Measure:
    from django.db.models import F

    n = _partner_commitments(ctx).filter(status="met", met_on__lte=F("due_date")).count()
    return Measure(Decimal(n), f"{n} of them met on or before the due date")


def new_customers(ctx: Context) -> Measure:
    from amity.pipeline.models import Opportunity

    firsts = (
        Opportunity.objects.filter(archived_at__isnull=True, stage="closed_won")
        .values("account_id")
        .annotate(first=Min("close_date"))
        .filter(first__gte=ctx.start, first__lte=ctx.end)
        .values("account_id")
    )
    n = _won(ctx).filter(account_id__in=firsts).values("account_id").distinct().count()
    return Measure(
        Decimal(n), f"{n} account(s) whose first won deal closed in {ctx.label} through the alliance"
    )


def countries(ctx: Context) -> Measure:
    names = sorted(set(_won(ctx).exclude(account__country="").values_list("account__country", flat=True)))
    return Measure(
        Decimal(len(names)), f"{len(names)} countr(ies) of won customers: {', '.join(names) or 'none'}"
    )


def segments(ctx: Context) -> Measure:
    names = sorted(set(_won(ctx).exclude(account__industry="").values_list("account__industry", flat=True)))
    return Measure(
        Decimal(len(names)), f"{len(names)} industr(ies) of won customers: {', '.join(names) or 'none'}"
    )


def mdf_revenue(ctx: Context) -> Measure:
    from amity.funds.models import FundRequest

    requests = FundRequest.objects.filter(budget__alliance_id__in=ctx.alliance_ids, archived_at__isnull=True)
    from amity.pipeline.models import Opportunity

    qs = Opportunity.objects.filter(
        archived_at__isnull=True,
        stage="closed_won",
        close_date__gte=ctx.start,
        close_date__lte=ctx.end,
        fund_requests__in=requests,
    ).distinct()
    return _sum_deals(ctx, qs, "won deals linked to funded MDF activities")


def _milestones(ctx: Context):
    from amity.planning.models import Milestone

    return Milestone.objects.filter(
        archived_at__isnull=True,
        alliance_id__in=ctx.alliance_ids,
        category__in=["integration", "shared_dashboard"],
    ).exclude(status="cancelled")


def integration_done(ctx: Context) -> Measure:
    n = _milestones(ctx).filter(status="done").count()
    return Measure(Decimal(n), f"{n} integration or shared-dashboard milestone(s) done")


def integration_total(ctx: Context) -> Measure:
    n = _milestones(ctx).count()
    return Measure(Decimal(n), f"{n} integration or shared-dashboard milestone(s) planned (not cancelled)")


def _latest_health(ctx: Context):
    key = "health"
    if key not in ctx.cache:
        from amity.assessments import scoring
        from amity.assessments.models import Assessment

        results = []
        for alliance_id in ctx.alliance_ids:
            latest = (
                Assessment.objects.filter(
                    alliance_id=alliance_id,
                    archived_at__isnull=True,
                    instrument__key="alliance-health",
                    opened_on__lte=ctx.end,
                )
                .select_related("instrument")
                .order_by("-opened_on", "-pk")
            )
            for assessment in latest:
                result = scoring.score(assessment)
                if result.overall["ours"] is not None or result.overall["partner"] is not None:
                    results.append((assessment, result))
                    break
        ctx.cache[key] = results
    return ctx.cache[key]


def _health_side(ctx: Context, side: str) -> Measure:
    values = [(a, r.overall[side]) for a, r in _latest_health(ctx) if r.overall[side] is not None]
    if not values:
        return Measure(
            None, f"no health check answered by the {'partner' if side == 'partner' else 'our'} side"
        )
    mean = (sum(v for _, v in values) / len(values)).quantize(Decimal("0.1"))
    waves = "; ".join(f"{a.alliance_id}:{a.wave} {v}" for a, v in values)
    return Measure(mean, f"latest health check score(s) of {len(values)} alliance(s), averaged: {waves}")


def health_ours(ctx: Context) -> Measure:
    return _health_side(ctx, "ours")


def health_partner(ctx: Context) -> Measure:
    return _health_side(ctx, "partner")


def practices_adopted(ctx: Context) -> Measure:
    from amity.assessments import scoring
    from amity.assessments.models import Assessment

    values = []
    for alliance_id in ctx.alliance_ids:
        a = (
            Assessment.objects.filter(
                alliance_id=alliance_id, archived_at__isnull=True, instrument__key="best-practices"
            )
            .select_related("instrument")
            .order_by("-opened_on", "-pk")
            .first()
        )
        if a is not None:
            score = scoring.score(a).overall["ours"]
            if score is not None:
                values.append(score)
    if not values:
        return Measure(None, "no best-practice benchmark answered")
    mean = (sum(values) / len(values)).quantize(Decimal("0.1"))
    return Measure(mean, f"best-practice benchmark score of {len(values)} alliance(s), averaged: {mean}")


def certified_people(ctx: Context) -> Measure:
    from amity.alliances.models import AllianceParty, PartyRole
    from amity.partners.facts import valid_certifications

    orgs = (
        AllianceParty.objects.filter(alliance_id__in=ctx.alliance_ids, archived_at__isnull=True)
        .exclude(role=PartyRole.HOST)
        .values("organization_id")
    )
    certs = valid_certifications(orgs, ctx.end)
    people = certs.values("contact_id").distinct().count()
    return Measure(
        Decimal(people),
        f"{people} partner person(s) with a certification valid on {ctx.end:%d %b %Y} "
        f"({certs.count()} certification(s))",
    )


MEASURES: dict[str, Callable[[Context], Measure]] = {
    f.__name__: f
    for f in (
        won_revenue,
        company_won_revenue,
        attributed_margin,
        entered_costs,
        mdf_paid,
        incentives_paid,
        alliance_cost,
        open_pipeline,
        plan_target,
        commitments_due,
        commitments_met_on_time,
        new_customers,
        countries,
        segments,
        mdf_revenue,
        integration_done,
        certified_people,
        integration_total,
        health_ours,
        health_partner,
        practices_adopted,
    )
}
