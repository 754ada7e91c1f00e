"""Incentives in the demo story (told as of 1 November 2026), through the services.

* **Partner-deal bonus FY2026** for our people: 2 % of partner-sourced and co-sell revenue
  (3 % above a quarterly target of 500,000 EUR), 1 % of resell and referral revenue, 750 EUR per
  won registered deal, at most 25,000 EUR a quarter. Sam (sales rep, the reseller deals) and
  Alice are enrolled from January; Omar joined on 1 July, so his April deal shows on the
  exceptions list. Influenced deals earn nothing by design - also on the list, with the rule
  that missed.
* **Referral fees 2026** (5 % of referral and partner-sourced revenue) for Bluepeak, and
  **Reseller rebates 2026** (2 % of resell revenue on deals from 50,000 EUR) for Kestrel IT and
  Norte Sistemas; the other resellers are not enrolled, and the exceptions list says so.
* Q2 statements approved and paid in July; Q3 approved, Sam's paid in October, the others due;
  Q4 is a draft, recomputed as deals close.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.demo.loader import story_time

from . import services_incentives as svc
from .models import Audience, IncentivePlan, Statement, StatementStatus

D = Decimal


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(9, 0)))


PLANS = (
    {
        "name": "Partner-deal bonus FY2026",
        "audience": Audience.REP,
        "description": "For our account executives and alliance managers: a bonus on closed-won deals a "
        "partner sourced, co-sold, resold or referred, so working with partners pays for the direct sales force.",
        "quarterly_target": D("500000"),
        "quarterly_cap": D("25000"),
        "rules": (
            (
                "Partner-sourced and co-sell revenue",
                "percent",
                ["sourced", "co_sell"],
                D("2"),
                D("3"),
                None,
                False,
                None,
            ),
            (
                "Resell and referral revenue",
                "percent",
                ["resell", "referral"],
                D("1"),
                None,
                None,
                False,
                None,
            ),
            ("Registered deal bonus", "fixed", [], None, None, D("750"), True, None),
        ),
        "enroll": (("sam", "2026-01-01"), ("alice", "2026-01-01"), ("omar", "2026-07-01")),
    },
    {
        "name": "Referral fees 2026",
        "audience": Audience.PARTNER,
        "description": "Partners who bring us a customer earn 5 % of the first deal's closed-won revenue.",
        "rules": (("Referral fee", "percent", ["referral", "sourced"], D("5"), None, None, False, None),),
        "enroll_alliances": (("Bluepeak Managed Analytics", "2026-01-01"),),
    },
    {
        "name": "Reseller rebates 2026",
        "audience": Audience.PARTNER,
        "description": "Resellers earn a 2 % rebate on deals from 50,000 EUR.",
        "rules": (("Volume rebate", "percent", ["resell"], D("2"), None, None, False, D("50000")),),
        "enroll_alliances": (
            ("Kestrel IT Reseller (DACH)", "2026-01-01"),
            ("Norte Sistemas Reseller (Iberia)", "2026-01-01"),
        ),
    },
)

#: (quarter day, approved on, paid on (None: only Sam's, on 25 Oct))
QUARTERS = (
    ("2026-04-01", "2026-07-08", "2026-07-25"),
    ("2026-07-01", "2026-10-07", None),
    ("2026-10-01", None, None),
)


def load(story: Any) -> None:
    users = story.users
    admin = story.admin
    if "sam" not in users:
        return
    for spec in PLANS:
        plan = IncentivePlan.objects.filter(name=spec["name"]).first()
        created = plan is None
        if created:
            with story_time(_at("2026-01-05")):
                plan = svc.plan_create(
                    data={
                        "name": spec["name"],
                        "audience": spec["audience"],
                        "description": spec["description"],
                        "currency": "EUR",
                        "valid_from": date(2026, 1, 1),
                        "valid_to": date(2026, 12, 31),
                        "quarterly_target": spec.get("quarterly_target"),
                        "quarterly_cap": spec.get("quarterly_cap"),
                    },
                    user=admin,
                )
                for order, (name, kind, roles, rate, accel, fixed, registered, minimum) in enumerate(
                    spec["rules"]
                ):
                    svc.rule_create(
                        plan=plan,
                        data={
                            "name": name,
                            "order": (order + 1) * 10,
                            "kind": kind,
                            "partner_roles": roles,
                            "rate_percent": rate,
                            "accelerated_percent": accel,
                            "fixed_amount": fixed,
                            "registered_only": registered,
                            "min_deal_amount": minimum,
                        },
                        user=admin,
                    )
                for username, start in spec.get("enroll", ()):
                    if username in users:
                        svc.enroll(
                            plan=plan, rep=users[username], valid_from=date.fromisoformat(start), user=admin
                        )
                for alliance_name, start in spec.get("enroll_alliances", ()):
                    party = (
                        AllianceParty.objects.filter(
                            alliance__name=alliance_name, organization__is_home=False
                        )
                        .select_related("organization")
                        .first()
                    )
                    if party is not None:
                        svc.enroll(
                            plan=plan,
                            organization=party.organization,
                            valid_from=date.fromisoformat(start),
                            user=admin,
                        )
        story.count("incentive plans", created)
    if Statement.objects.exists():
        story.count("incentive statements", False)
        return
    for day, approved_on, paid_on in QUARTERS:
        with story_time(_at(approved_on or "2026-11-01")):
            statements = svc.statements_generate(day=date.fromisoformat(day), user=admin)
        for statement in statements:
            story.count("incentive statements", True)
            if approved_on and statement.total > 0:
                with story_time(_at(approved_on)):
                    statement = svc.statement_approve(statement=statement, user=admin)
                payroll_paid = paid_on or (
                    "2026-10-25" if statement.rep and statement.rep.username == "sam" else None
                )
                if payroll_paid and statement.status == StatementStatus.APPROVED:
                    with story_time(_at(payroll_paid)):
                        svc.statement_pay(
                            statement=statement,
                            paid_on=date.fromisoformat(payroll_paid),
                            reference=f"{'PAYROLL' if statement.rep_id else 'TRF'}-{payroll_paid[:7]}-{statement.pk:04d}",
                            user=admin,
                        )
