"""The incentive engine: what each payee earned from a plan in a quarter, deal by deal, and
why every partner deal that earned nothing earned nothing.

Pure reads; the writes (statements) are in ``services_incentives``. Worked example (plan in EUR,
10 % of partner-sourced or co-sell revenue, 15 % above a quarterly target of 100,000, cap
20,000): a rep closes 80,000 EUR then 50,000 USD (rate 0.90 on the close date = 45,000 EUR):

* deal 1: 10 % of 80,000.00 = 8,000.00 (attained 80,000 of 100,000)
* deal 2: 10 % of 20,000.00 up to target + 15 % of 25,000.00 above target = 5,750.00
* total 13,750.00, under the cap.

Every amount is a ``Decimal`` rounded half-up to cents once per line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from amity.alliances.models import AllianceParty
from amity.core import periods
from amity.pipeline.models import (
    DealRegistration,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    PartnerRole,
    RegistrationStatus,
)

from .models import (
    Audience,
    Enrollment,
    IncentivePlan,
    IncentiveRule,
    RuleKind,
    StatementLine,
)
from .rates import NoExchangeRate, RateTable, cents

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def pct(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def payee_key(payee: Any) -> str:
    """``rep:12`` or ``org:7``: who earns, as stored on statement lines."""
    from amity.partners.models import Organization

    return f"org:{payee.pk}" if isinstance(payee, Organization) else f"rep:{payee.pk}"


@dataclass
class Earning:
    opportunity: Opportunity
    rule: IncentiveRule
    rate: Decimal
    basis: Decimal
    amount: Decimal
    explanation: str


@dataclass
class Miss:
    """A partner deal that earned nothing for a payee (or for anyone), and why."""

    opportunity: Opportunity
    reason: str
    payee: Any = None
    plan: IncentivePlan | None = None


@dataclass
class Result:
    plan: IncentivePlan
    payee: Any
    period: periods.Period
    earnings: list[Earning] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    basis: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum((e.amount for e in self.earnings), ZERO)


# --- reading the deals -----------------------------------------------------------------------------


def _won_deals(period: periods.Period):
    """Closed-won, active deals of a quarter with their partner links and registrations."""
    links = OpportunityAlliance.objects.filter(archived_at__isnull=True).select_related("alliance")
    regs = DealRegistration.objects.filter(archived_at__isnull=True, status=RegistrationStatus.APPROVED)
    return (
        Opportunity.objects.filter(
            archived_at__isnull=True,
            stage=OpportunityStage.CLOSED_WON,
            close_date__gte=period.start,
            close_date__lte=period.end,
        )
        .select_related("owner", "account")
        .prefetch_related(Prefetch("links", queryset=links), Prefetch("deal_registrations", queryset=regs))
        .order_by("close_date", "pk")
    )


def _partner_orgs_by_alliance(alliance_ids: set[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for party in (
        AllianceParty.objects.filter(alliance_id__in=alliance_ids, organization__is_home=False)
        .select_related("organization")
        .order_by("organization__name")
    ):
        out[party.alliance_id].append(party.organization)
    return out


def _roles(opp: Opportunity, organization: Any = None, orgs_by_alliance=None) -> set[str]:
    """The partner roles on a deal (of one partner organization's alliances when given)."""
    roles = set()
    for link in opp.links.all():
        if organization is None or organization in orgs_by_alliance.get(link.alliance_id, []):
            roles.add(link.role)
    return roles


def _registered(opp: Opportunity, organization: Any = None) -> bool:
    return any(
        organization is None or r.organization_id == organization.pk for r in opp.deal_registrations.all()
    )


def _rate(rates: RateTable, deal_currency: str, plan_currency: str, day: date) -> Decimal:
    """Units of plan currency per unit of deal currency on ``day``, via the reporting currency."""
    if deal_currency == plan_currency:
        return Decimal("1")
    return rates.rate_on(deal_currency, day) / rates.rate_on(plan_currency, day)


def _role_names(roles) -> str:
    return ", ".join(PartnerRole(r).label.lower() for r in sorted(roles)) or "none"


def _rule_misses(
    rule: IncentiveRule, roles: set[str], registered: bool, basis: Decimal, currency: str
) -> str:
    if rule.partner_roles and not roles & set(rule.partner_roles):
        return f"partner role {_role_names(roles)} is not one of {_role_names(rule.partner_roles)}"
    if rule.registered_only and not registered:
        return "the deal has no approved deal registration"
    if rule.min_deal_amount and basis < rule.min_deal_amount:
        return f"{fmt(basis)} {currency} is below the minimum deal amount of {fmt(rule.min_deal_amount)}"
    return ""


# --- one plan, one payee, one quarter ----------------------------------------------------------------


def compute(
    *,
    plan: IncentivePlan,
    payee: Any,
    period: periods.Period,
    deals: list[Opportunity] | None = None,
    rates: RateTable | None = None,
    orgs_by_alliance: dict | None = None,
    exclude_statement_id: int | None = None,
) -> Result:
    """Everything ``payee`` earned from ``plan`` on deals closed in ``period``, and what missed."""
    rates = rates or RateTable()
    deals = list(_won_deals(period)) if deals is None else deals
    rules = [r for r in plan.rules.all() if r.archived_at is None]
    rules.sort(key=lambda r: (r.order, r.pk))
    is_partner = plan.audience == Audience.PARTNER
    if orgs_by_alliance is None:
        orgs_by_alliance = _partner_orgs_by_alliance(
            {link.alliance_id for d in deals for link in d.links.all()}
        )
    enrollments = [
        e
        for e in Enrollment.objects.filter(plan=plan, archived_at__isnull=True)
        if (e.organization_id if is_partner else e.rep_id) == payee.pk
    ]
    key = payee_key(payee)
    earned_elsewhere = dict(
        StatementLine.objects.filter(rule__plan=plan, payee_key=key)
        .exclude(statement__period_start=period.start)  # this quarter's own statement
        .exclude(statement_id=exclude_statement_id)
        .values_list("opportunity_id", "statement_id")
    )
    result = Result(plan=plan, payee=payee, period=period)
    attained = ZERO
    total = ZERO
    for opp in deals:
        if is_partner:
            roles = _roles(opp, payee, orgs_by_alliance)
            if not roles:
                continue  # not this partner's deal
            registered = _registered(opp, payee)
        else:
            if opp.owner_id != payee.pk:
                continue
            roles = _roles(opp)
            if not roles:
                continue  # a direct deal: the plan pays on partner deals only
            registered = _registered(opp)

        def miss(reason: str, opp=opp) -> None:
            result.misses.append(Miss(opp, reason, payee, plan))

        if not plan.covers(opp.close_date):
            miss(f"{plan} does not cover {opp.close_date:%d %b %Y}")
            continue
        if not any(e.covers(opp.close_date) for e in enrollments):
            miss(f"{payee} is not enrolled in {plan} on {opp.close_date:%d %b %Y}")
            continue
        if opp.pk in earned_elsewhere:
            miss(f"already earned on statement {earned_elsewhere[opp.pk]} of {plan}")
            continue
        try:
            rate = _rate(rates, opp.currency, plan.currency, opp.close_date)
        except NoExchangeRate as exc:
            miss(
                f"the deal is in {opp.currency}, the plan in {plan.currency}: "
                + exc.message_dict["currency"][0]
            )
            continue
        basis = cents(opp.amount * rate)
        conversion = (
            ""
            if opp.currency == plan.currency
            else f" ({fmt(opp.amount)} {opp.currency} × {rate.normalize():f} on {opp.close_date:%d %b %Y})"
        )
        reasons = []
        deal_lines: list[Earning] = []
        counted = False
        for rule in rules:
            why_not = _rule_misses(rule, roles, registered, basis, plan.currency)
            if why_not:
                reasons.append(f"{rule.name}: {why_not}")
                continue
            if rule.kind == RuleKind.PERCENT:
                counted = True
                target = plan.quarterly_target
                below, above = basis, ZERO
                if target is not None and rule.accelerated_percent is not None:
                    below = max(ZERO, min(basis, target - attained))
                    above = basis - below
                accelerated = rule.accelerated_percent if above else ZERO
                amount = cents(below * rule.rate_percent / HUNDRED + above * accelerated / HUNDRED)
                if above and below:
                    text = (
                        f"{pct(rule.rate_percent)} of {fmt(below)} up to the target of {fmt(target)} + "
                        f"{pct(rule.accelerated_percent)} of {fmt(above)} above it"
                    )
                elif above:
                    text = (
                        f"{pct(rule.accelerated_percent)} of {fmt(basis)} (above the target of {fmt(target)})"
                    )
                else:
                    text = f"{pct(rule.rate_percent)} of {fmt(basis)} {plan.currency}{conversion}"
            else:
                amount = cents(rule.fixed_amount)
                text = f"fixed {fmt(amount)} {plan.currency} per won deal"
            if plan.quarterly_cap is not None and total + amount > plan.quarterly_cap:
                capped = max(ZERO, plan.quarterly_cap - total)
                if capped == 0:
                    reasons.append(f"{rule.name}: the quarterly cap of {fmt(plan.quarterly_cap)} is reached")
                    continue
                text += f"; {fmt(amount)} capped to {fmt(capped)} (quarterly cap {fmt(plan.quarterly_cap)})"
                amount = capped
            total += amount
            deal_lines.append(
                Earning(
                    opp, rule, rate, basis, amount, f"{rule.name}: {text} = {fmt(amount)} {plan.currency}"
                )
            )
        if counted:
            attained += basis
            result.basis += basis
        if deal_lines:
            result.earnings.extend(deal_lines)
        else:
            miss("; ".join(reasons) or f"{plan} has no rules")
    return result


# --- who is eligible, and the exceptions -----------------------------------------------------------------


def payees(plan: IncentivePlan, period: periods.Period) -> list[Any]:
    """Reps or partners enrolled in ``plan`` for at least one day of ``period``."""
    seen: dict[int, Any] = {}
    for e in (
        Enrollment.objects.filter(plan=plan, archived_at__isnull=True, valid_from__lte=period.end)
        .select_related("rep", "organization")
        .order_by("pk")
    ):
        if e.valid_to is None or e.valid_to >= period.start:
            payee = e.organization if plan.audience == Audience.PARTNER else e.rep
            seen.setdefault(payee.pk, payee)
    return list(seen.values())


def quarter(day: date) -> periods.Period:
    return periods.fiscal_quarter_of(day)


def exceptions(*, period: periods.Period, audience: str) -> list[Miss]:
    """Every closed-won partner deal of the quarter that earned nothing (per payee), with why.

    For reps: the deal's owner; for partners: each partner organization of the alliances linked
    to the deal. A deal that earned under one plan does not appear for that payee.
    """
    deals = list(_won_deals(period))
    partner_deals = [d for d in deals if any(True for _ in d.links.all())]
    if not partner_deals:
        return []
    rates = RateTable()
    orgs_by_alliance = _partner_orgs_by_alliance({link.alliance_id for d in deals for link in d.links.all()})
    plans = list(
        IncentivePlan.objects.filter(
            audience=audience, archived_at__isnull=True, active=True
        ).prefetch_related("rules")
    )
    earned: set[tuple[int, str]] = set()
    reasons: dict[tuple[int, str], list[str]] = defaultdict(list)
    plans_missed: dict[tuple[int, str], list[IncentivePlan]] = defaultdict(list)
    for plan in plans:
        for payee in payees(plan, period):
            result = compute(
                plan=plan,
                payee=payee,
                period=period,
                deals=deals,
                rates=rates,
                orgs_by_alliance=orgs_by_alliance,
            )
            for e in result.earnings:
                earned.add((e.opportunity.pk, payee_key(payee)))
            for m in result.misses:
                reasons[(m.opportunity.pk, payee_key(payee))].append(f"{plan}: {m.reason}")
                plans_missed[(m.opportunity.pk, payee_key(payee))].append(plan)
    out: list[Miss] = []
    for opp in partner_deals:
        if audience == Audience.REP:
            candidates = [opp.owner] if opp.owner_id else [None]
        else:
            candidates = []
            for link in opp.links.all():
                for org in orgs_by_alliance.get(link.alliance_id, []):
                    if org not in candidates:
                        candidates.append(org)
            if not candidates:
                out.append(Miss(opp, "no partner organization is a party to the linked alliances"))
        for payee in candidates:
            if payee is None:
                out.append(Miss(opp, "no rep owns this deal: set its owner"))
                continue
            key = payee_key(payee)
            if (opp.pk, key) in earned:
                continue
            why = reasons.get((opp.pk, key))
            if not why:
                kind = "incentive" if audience == Audience.REP else "referral-fee or rebate"
                why = [f"{payee} is not enrolled in any active {kind} plan on {opp.close_date:%d %b %Y}"]
            missed = plans_missed.get((opp.pk, key), [])
            out.append(Miss(opp, "; ".join(why), payee, missed[0] if len(missed) == 1 else None))
    return out
