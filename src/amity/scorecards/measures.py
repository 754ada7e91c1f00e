"""Measures: named figures over Amity's data for a set of alliances and a period, each with the
explanation of how it was counted. KPI formulas (``KPI.formula``) combine them.

Money is in the reporting currency: each amount is converted at the dated exchange rate of its
own day (``funds.rates``); an amount without a rate is left out and named, never counted as 0.
A deal linked to several of the alliances counts once.

Rows are read per roll-up, not per alliance: a :class:`Batch` fetches each source of rows
(won deals, costs, MDF payments …) once for all the alliances of the roll-up - one query per
source, whatever their number - and indexes them by alliance; a :class:`Context` (one group of
alliances: one alliance, or the portfolio) picks its own rows from it, each row once. A single
scorecard is the batch of one group, so every measure has exactly one implementation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Q

from amity.core import periods
from amity.funds.rates import NoExchangeRate, RateTable

ZERO = Decimal("0")

#: Above this many alliances a batch reads the rows of every alliance and keeps its own in
#: Python, rather than sending the ids as query parameters (SQLite caps them).
MAX_ID_PARAMETERS = 2000


@dataclass
class Measure:
    value: Decimal | None
    explanation: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Rows:
    """Rows of one source, in the order of its query, and the positions of each alliance's rows."""

    rows: list[tuple]
    by_alliance: dict[int, list[int]] | None  # None: the rows are not per alliance (the company's)

    def of(self, alliance_ids: list[int]) -> list[tuple]:
        """The rows of these alliances, each once, in query order."""
        if self.by_alliance is None:
            return self.rows
        if len(alliance_ids) == 1:  # one alliance's scorecard: its own rows, already in order
            positions = self.by_alliance.get(alliance_ids[0])
            return [self.rows[i] for i in positions] if positions else []
        picked: set[int] = set()
        for alliance_id in alliance_ids:
            picked.update(self.by_alliance.get(alliance_id, ()))
        return [self.rows[i] for i in sorted(picked)]


def _indexed(rows: Iterable[tuple]) -> Rows:
    """Rows as ``(key, alliance_id, *values)`` - a key (deal, line …) that belongs to several
    alliances comes once per alliance, consecutively (its query orders by key last) - turned
    into one row of ``values`` per key, listed under each of its alliances."""
    out: list[tuple] = []
    by_alliance: dict[int, list[int]] = defaultdict(list)
    last = object()
    for key, alliance_id, *values in rows:
        if key != last:
            out.append(tuple(values))
            last = key
        positions = by_alliance[alliance_id]
        if not positions or positions[-1] != len(out) - 1:
            positions.append(len(out) - 1)
    return Rows(out, dict(by_alliance))


class Batch:
    """The rows every measure reads, fetched once for all the alliances of a roll-up."""

    def __init__(self, alliance_ids: Iterable[int], start: date, end: date, today: date) -> None:
        self.alliance_ids = sorted(set(alliance_ids))
        self.start, self.end, self.today = start, end, today
        self.label = f"{start:%d %b %Y} – {end:%d %b %Y}"
        self.cache: dict = {}  # source name → its rows (and the exchange rates)
        self.formula_outcomes: dict = {}  # (formula, input values) → (raw value, reason): kpis.evaluate

    def scope(self, field_name: str) -> Q:
        """Rows of the batch's alliances (of every alliance when they are too many to list)."""
        if len(self.alliance_ids) > MAX_ID_PARAMETERS:
            return Q()
        return Q(**{f"{field_name}__in": self.alliance_ids})

    def get(self, source: str):
        if source not in self.cache:
            self.cache[source] = SOURCES[source](self)
        return self.cache[source]

    @property
    def rates(self) -> RateTable:
        if "rates" not in self.cache:
            self.cache["rates"] = RateTable()
        return self.cache["rates"]


@dataclass
class Context:
    alliance_ids: list[int]
    start: date
    end: date
    today: date
    cache: dict = field(default_factory=dict)
    batch: Batch | None = None  # shared by the scorecards of one roll-up; its own when None
    measures: dict[str, Measure] = field(default_factory=dict)  # measure name → its value here

    def __post_init__(self) -> None:
        if self.batch is None:
            self.batch = Batch(self.alliance_ids, self.start, self.end, self.today)

    def rows(self, source: str) -> list[tuple]:
        """This context's rows of a source of the batch (a deal of several alliances once)."""
        key = ("rows", source)
        if key not in self.cache:
            self.cache[key] = self.batch.get(source).of(self.alliance_ids)
        return self.cache[key]

    @property
    def rates(self):
        return self.batch.rates

    def convert(self, amount, currency, day, problems: list[str]) -> Decimal:
        try:
            return self.rates.convert(Decimal(amount), currency, day)
        except NoExchangeRate as exc:
            problems.append(exc.message_dict["currency"][0])
            return ZERO

    @property
    def label(self) -> str:
        return self.batch.label  # the batch's period is the context's


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def _cur() -> str:
    return settings.AMITY_REPORTING_CURRENCY


# --- the sources: one query each for the whole batch --------------------------------------------


def _links(batch: Batch):
    from amity.pipeline.models import OpportunityAlliance

    return OpportunityAlliance.objects.filter(batch.scope("alliance_id"), archived_at__isnull=True)


def _source_links(batch: Batch) -> dict[int, list[int]]:
    """deal id → the batch's alliances taking part in it (non-archived links)."""
    links: dict[int, list[int]] = defaultdict(list)
    for opportunity_id, alliance_id in _links(batch).order_by().values_list("opportunity_id", "alliance_id"):
        links[opportunity_id].append(alliance_id)
    return links


def _by_deal(batch: Batch, rows: list[tuple]) -> Rows:
    """Rows ``(deal id, …)``, each listed under every alliance of the batch its deal is linked to."""
    links = batch.get("links")
    by_alliance: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for alliance_id in links.get(row[0], ()):
            by_alliance[alliance_id].append(i)
    return Rows(rows, dict(by_alliance))


def _linked_deals(batch: Batch, **lookups) -> Rows:
    """The deals matching ``lookups`` that the batch's alliances take part in: (pk, amount,
    currency, close_date, account_id, country, industry), in the deals' order."""
    from amity.pipeline.models import Opportunity

    rows = (
        Opportunity.objects.filter(pk__in=_links(batch).values("opportunity_id"), **lookups)
        .order_by("close_date", "name", "pk")
        .values_list(
            "pk", "amount", "currency", "close_date", "account_id", "account__country", "account__industry"
        )
    )
    return _by_deal(batch, list(rows))


def _source_won(batch: Batch) -> Rows:
    return _linked_deals(
        batch,
        archived_at__isnull=True,
        stage="closed_won",
        close_date__gte=batch.start,
        close_date__lte=batch.end,
    )


def _source_company_won(batch: Batch) -> Rows:
    from amity.pipeline.models import Opportunity

    qs = Opportunity.objects.filter(
        archived_at__isnull=True, stage="closed_won", close_date__gte=batch.start, close_date__lte=batch.end
    )
    return Rows(list(qs.values_list("amount", "currency", "close_date")), None)


def _source_first_won_accounts(batch: Batch) -> set[int]:
    """Accounts whose first won deal closed in the period (of those the batch's alliances won)."""
    from amity.pipeline.models import Opportunity

    won_here = Opportunity.objects.filter(
        archived_at__isnull=True,
        stage="closed_won",
        close_date__gte=batch.start,
        close_date__lte=batch.end,
        pk__in=_links(batch).values("opportunity_id"),
    ).values("account_id")
    return set(
        Opportunity.objects.filter(archived_at__isnull=True, stage="closed_won", account_id__in=won_here)
        .values("account_id")
        .annotate(first=Min("close_date"))
        .filter(first__gte=batch.start, first__lte=batch.end)
        .values_list("account_id", flat=True)
    )


def _source_open(batch: Batch) -> Rows:
    from amity.pipeline.models import OPEN_STAGES

    return _linked_deals(
        batch,
        archived_at__isnull=True,
        stage__in=OPEN_STAGES,
        close_date__gte=batch.today,
        close_date__lte=batch.today + timedelta(days=365),
    )


def _source_costs(batch: Batch) -> Rows:
    from .models import AllianceCost

    return _indexed(
        AllianceCost.objects.filter(
            batch.scope("alliance_id"),
            archived_at__isnull=True,
            period_start__gte=batch.start,
            period_start__lte=batch.end,
        )
        .order_by("alliance", "-period_start", "kind", "pk")
        .values_list("pk", "alliance_id", "kind", "amount", "currency", "period_start")
    )


def _source_mdf_paid(batch: Batch) -> Rows:
    from amity.funds.models import LedgerEntry

    return _indexed(
        LedgerEntry.objects.filter(
            batch.scope("budget__alliance_id"),
            kind="pay",
            budget__alliance_id__isnull=False,
            at__date__gte=batch.start,
            at__date__lte=batch.end,
        )
        .order_by("budget", "at", "pk")
        .values_list("pk", "budget__alliance_id", "amount", "budget__currency", "at")
    )


def _source_incentives(batch: Batch) -> Rows:
    """Paid incentive lines on the batch's deals, each under every alliance its deal is linked to."""
    from amity.funds.models import StatementLine

    lines = (
        StatementLine.objects.filter(
            statement__status="paid",
            statement__paid_on__gte=batch.start,
            statement__paid_on__lte=batch.end,
            opportunity_id__in=_links(batch).values("opportunity_id"),
        )
        .order_by("close_date", "opportunity_id", "rule__order", "pk")
        .values_list("opportunity_id", "amount", "statement__currency", "statement__paid_on")
    )
    return _by_deal(batch, list(lines))


def _source_plans(batch: Batch) -> Rows:
    from amity.planning.models import JointBusinessPlan as Plan

    return _indexed(
        Plan.objects.filter(
            batch.scope("alliance_id"),
            archived_at__isnull=True,
            fiscal_year=periods.fiscal_year_of(batch.end),
            revenue_target__isnull=False,
        )
        .order_by("alliance_id", "pk")
        .values_list("pk", "alliance_id", "revenue_target", "currency")
    )


def _source_commitments(batch: Batch) -> Rows:
    from amity.agreements.models import Commitment

    return _indexed(
        Commitment.objects.filter(
            batch.scope("alliance_id"),
            archived_at__isnull=True,
            party__is_home=False,
            due_date__gte=batch.start,
            due_date__lte=min(batch.end, batch.today),
        )
        .exclude(status__in=["waived", "renegotiated"])
        .order_by("alliance_id", "pk")
        .values_list("pk", "alliance_id", "status", "met_on", "due_date")
    )


def _source_mdf_deals(batch: Batch) -> Rows:
    """Won deals linked to a (non-archived) fund request on a budget of the batch's alliances."""
    from amity.funds.models import FundRequest

    through = FundRequest.opportunities.through
    return _indexed(
        through.objects.filter(
            batch.scope("fundrequest__budget__alliance_id"),
            fundrequest__budget__alliance_id__isnull=False,
            fundrequest__archived_at__isnull=True,
            opportunity__archived_at__isnull=True,
            opportunity__stage="closed_won",
            opportunity__close_date__gte=batch.start,
            opportunity__close_date__lte=batch.end,
        )
        .order_by("opportunity__close_date", "opportunity__name", "opportunity_id")
        .values_list(
            "opportunity_id",
            "fundrequest__budget__alliance_id",
            "opportunity__amount",
            "opportunity__currency",
            "opportunity__close_date",
        )
    )


def _source_milestones(batch: Batch) -> Rows:
    from amity.planning.models import Milestone

    return _indexed(
        Milestone.objects.filter(
            batch.scope("alliance_id"),
            archived_at__isnull=True,
            category__in=["integration", "shared_dashboard"],
        )
        .exclude(status="cancelled")
        .order_by("alliance_id", "pk")
        .values_list("pk", "alliance_id", "status")
    )


def _source_health(batch: Batch) -> dict:
    """alliance id → (assessment, result) of its latest health check with a score by either side
    opened by the end of the period; every candidate wave is scored in the same few queries."""
    from amity.assessments import scoring
    from amity.assessments.models import Assessment

    waves = list(
        Assessment.objects.filter(
            batch.scope("alliance_id"),
            archived_at__isnull=True,
            instrument__key="alliance-health",
            opened_on__lte=batch.end,
        ).order_by("alliance_id", "-opened_on", "-pk")
    )
    results = scoring.score_many(waves)
    latest: dict[int, tuple] = {}
    for assessment in waves:
        if assessment.alliance_id in latest:
            continue
        result = results[assessment.pk]
        if result.overall["ours"] is not None or result.overall["partner"] is not None:
            latest[assessment.alliance_id] = (assessment, result)
    return latest


def _source_practices(batch: Batch) -> dict:
    """alliance id → our side's score of its latest best-practice benchmark (None: unanswered)."""
    from amity.assessments import scoring
    from amity.assessments.models import Assessment

    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(
        batch.scope("alliance_id"), archived_at__isnull=True, instrument__key="best-practices"
    ).order_by("alliance_id", "-opened_on", "-pk"):
        latest.setdefault(assessment.alliance_id, assessment)
    results = scoring.score_many(list(latest.values()))
    return {alliance_id: results[a.pk].overall["ours"] for alliance_id, a in latest.items()}


def _source_partner_orgs(batch: Batch) -> dict[int, set[int]]:
    from amity.alliances.models import AllianceParty, PartyRole

    orgs: dict[int, set[int]] = defaultdict(set)
    for alliance_id, organization_id in (
        AllianceParty.objects.filter(batch.scope("alliance_id"), archived_at__isnull=True)
        .exclude(role=PartyRole.HOST)
        .order_by()
        .values_list("alliance_id", "organization_id")
    ):
        orgs[alliance_id].add(organization_id)
    return orgs


def _source_certifications(batch: Batch) -> dict[int, list[int]]:
    """organization id → the contact of each certification valid at the end of the period."""
    from amity.alliances.models import AllianceParty, PartyRole
    from amity.partners.facts import valid_certifications

    orgs = (
        AllianceParty.objects.filter(batch.scope("alliance_id"), archived_at__isnull=True)
        .exclude(role=PartyRole.HOST)
        .values("organization_id")
    )
    contacts: dict[int, list[int]] = defaultdict(list)
    for organization_id, contact_id in valid_certifications(orgs, batch.end).values_list(
        "contact__organization_id", "contact_id"
    ):
        contacts[organization_id].append(contact_id)
    return contacts


SOURCES: dict[str, Callable[[Batch], object]] = {
    "links": _source_links,
    "won": _source_won,
    "company_won": _source_company_won,
    "first_won_accounts": _source_first_won_accounts,
    "open": _source_open,
    "costs": _source_costs,
    "mdf_paid": _source_mdf_paid,
    "incentives": _source_incentives,
    "plans": _source_plans,
    "commitments": _source_commitments,
    "mdf_deals": _source_mdf_deals,
    "milestones": _source_milestones,
    "health": _source_health,
    "practices": _source_practices,
    "partner_orgs": _source_partner_orgs,
    "certifications": _source_certifications,
}


# --- the measures -------------------------------------------------------------------------------


def _sum_deals(ctx: Context, rows, what: str, day_of=None) -> Measure:
    """rows: (amount, currency, close_date, …) of deals."""
    problems: list[str] = []
    total = ZERO
    n = 0
    for amount, currency, close, *_ in rows:
        total += ctx.convert(amount, currency, day_of or close, problems)
        n += 1
    return Measure(total, f"{n} {what}: {_fmt(total)} {_cur()}", problems)


def _won(ctx: Context) -> list[tuple]:
    """(pk, amount, currency, close_date, account_id, country, industry) of the won deals."""
    return ctx.rows("won")


def won_revenue(ctx: Context) -> Measure:
    key = "won_revenue"
    if key not in ctx.cache:
        rows = [row[1:] for row in _won(ctx)]
        m = _sum_deals(ctx, rows, f"closed-won deals of the alliance(s) in {ctx.label}, each once")
        ctx.cache[key] = m
    return ctx.cache[key]


def company_won_revenue(ctx: Context) -> Measure:
    # The same for every group of the batch: summed once.
    key = "measure:company_won_revenue"
    if key not in ctx.batch.cache:
        ctx.batch.cache[key] = _sum_deals(
            ctx, ctx.rows("company_won"), f"closed-won deals of the company in {ctx.label}"
        )
    m = ctx.batch.cache[key]
    return Measure(m.value, m.explanation, list(m.problems))


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
    problems: list[str] = []
    total = ZERO
    by_kind: dict[str, Decimal] = {}
    for kind, amount, currency, day in ctx.rows("costs"):
        value = ctx.convert(amount, currency, day, problems)
        by_kind[kind] = by_kind.get(kind, ZERO) + value
        total += value
    parts = ", ".join(f"{k} {_fmt(v)}" for k, v in sorted(by_kind.items())) or "none entered"
    return Measure(total, f"alliance costs entered for periods starting in {ctx.label}: {parts}", problems)


def mdf_paid(ctx: Context) -> Measure:
    problems: list[str] = []
    total = ZERO
    n = 0
    for amount, currency, at in ctx.rows("mdf_paid"):
        total += ctx.convert(amount, currency, at.date(), problems)
        n += 1
    return Measure(
        total, f"{n} MDF payment(s) on the alliance's budgets in {ctx.label}: {_fmt(total)}", problems
    )


def incentives_paid(ctx: Context) -> Measure:
    problems: list[str] = []
    total = ZERO
    n = 0
    for _, amount, currency, paid_on in ctx.rows("incentives"):
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
    rows = [row[1:] for row in ctx.rows("open")]
    return _sum_deals(ctx, rows, "open deals closing within a year (at today's rates)", day_of=ctx.today)


def plan_target(ctx: Context) -> Measure:
    year = periods.fiscal_year_of(ctx.end)
    problems: list[str] = []
    total = ZERO
    n = 0
    for target, currency in ctx.rows("plans"):
        total += ctx.convert(target, currency, ctx.end, problems)
        n += 1
    if not n:
        return Measure(None, f"no plan of FY{year} sets a revenue target")
    return Measure(total, f"revenue target of {n} FY{year} plan(s): {_fmt(total)}", problems)


def commitments_due(ctx: Context) -> Measure:
    n = len(ctx.rows("commitments"))
    return Measure(
        Decimal(n), f"{n} partner commitment(s) came due in {ctx.label} (waived and renegotiated left out)"
    )


def commitments_met_on_time(ctx: Context) -> Measure:
    n = sum(
        1
        for status, met_on, due in ctx.rows("commitments")
        if status == "met" and met_on is not None and met_on <= due
    )
    return Measure(Decimal(n), f"{n} of them met on or before the due date")


def new_customers(ctx: Context) -> Measure:
    firsts = ctx.batch.get("first_won_accounts")
    n = len({row[4] for row in _won(ctx) if row[4] in firsts})
    return Measure(
        Decimal(n), f"{n} account(s) whose first won deal closed in {ctx.label} through the alliance"
    )


def countries(ctx: Context) -> Measure:
    names = sorted({row[5] for row in _won(ctx) if row[5] != ""})
    return Measure(
        Decimal(len(names)), f"{len(names)} countr(ies) of won customers: {', '.join(names) or 'none'}"
    )


def segments(ctx: Context) -> Measure:
    names = sorted({row[6] for row in _won(ctx) if row[6] != ""})
    return Measure(
        Decimal(len(names)), f"{len(names)} industr(ies) of won customers: {', '.join(names) or 'none'}"
    )


def mdf_revenue(ctx: Context) -> Measure:
    return _sum_deals(ctx, ctx.rows("mdf_deals"), "won deals linked to funded MDF activities")


def integration_done(ctx: Context) -> Measure:
    n = sum(1 for (status,) in ctx.rows("milestones") if status == "done")
    return Measure(Decimal(n), f"{n} integration or shared-dashboard milestone(s) done")


def integration_total(ctx: Context) -> Measure:
    n = len(ctx.rows("milestones"))
    return Measure(Decimal(n), f"{n} integration or shared-dashboard milestone(s) planned (not cancelled)")


def _latest_health(ctx: Context):
    latest = ctx.batch.get("health")
    return [latest[a] for a in ctx.alliance_ids if a in latest]


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
    scores = ctx.batch.get("practices")
    values = [scores[a] for a in ctx.alliance_ids if scores.get(a) is not None]
    if not values:
        return Measure(None, "no best-practice benchmark answered")
    mean = (sum(values) / len(values)).quantize(Decimal("0.1"))
    return Measure(mean, f"best-practice benchmark score of {len(values)} alliance(s), averaged: {mean}")


def certified_people(ctx: Context) -> Measure:
    orgs_of = ctx.batch.get("partner_orgs")
    contacts_of = ctx.batch.get("certifications")
    orgs = {org for a in set(ctx.alliance_ids) for org in orgs_of.get(a, ())}
    certs = [contact for org in orgs for contact in contacts_of.get(org, ())]
    people = len(set(certs))
    return Measure(
        Decimal(people),
        f"{people} partner person(s) with a certification valid on {ctx.end:%d %b %Y} "
        f"({len(certs)} certification(s))",
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
