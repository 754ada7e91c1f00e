"""The commitments summary: met-on-time rate per side, hard/soft mix, contribution balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from amity.agreements import selectors
from tests import factories as f

from .factories import AgreementFactory, CommitmentFactory, partner_of

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 1)


def rows(summary) -> dict[str, dict]:
    return {r["organization"].name: r for r in summary["parties"]}


def test_met_on_time_is_met_by_the_due_date_over_met_and_missed(alliance, manager):
    partner = partner_of(alliance)
    CommitmentFactory(
        alliance=alliance, party=partner, status="met", due_date=date(2026, 6, 30), met_on=date(2026, 6, 30)
    )
    CommitmentFactory(
        alliance=alliance, party=partner, status="met", due_date=date(2026, 6, 30), met_on=date(2026, 7, 1)
    )
    CommitmentFactory(alliance=alliance, party=partner, status="missed", due_date=date(2026, 6, 30))
    CommitmentFactory(
        alliance=alliance, party=partner, status="met", due_date=date(2026, 12, 31), met_on=date(2026, 10, 1)
    )
    CommitmentFactory(alliance=alliance, party=partner, status="waived", due_date=date(2026, 6, 30))
    CommitmentFactory(alliance=alliance, party=partner, status="renegotiated", due_date=date(2026, 6, 30))
    CommitmentFactory(alliance=alliance, party=partner, status="agreed", due_date=date(2026, 6, 30))
    row = rows(selectors.commitment_summary(user=manager, alliance=alliance, on=DAY))[partner.name]
    assert (row["met_on_time"], row["met_late"], row["missed"], row["judged"]) == (2, 1, 1, 4)
    assert row["rate"] == 0.5 and row["rate_pct"] == 50
    assert (row["open"], row["overdue"]) == (1, 1)
    home = rows(selectors.commitment_summary(user=manager, alliance=alliance, on=DAY))["Halcyon Test"]
    assert home["rate"] is None and home["judged"] == 0


def test_counts_overdue_and_due_soon(alliance, manager):
    CommitmentFactory(alliance=alliance, due_date=date(2026, 10, 31))  # overdue
    CommitmentFactory(alliance=alliance, due_date=DAY)  # due today: soon
    CommitmentFactory(alliance=alliance, due_date=date(2026, 12, 1))  # day 30: soon
    CommitmentFactory(alliance=alliance, due_date=date(2026, 12, 2))  # day 31: later
    CommitmentFactory(alliance=alliance, due_date=date(2026, 10, 1), status="met", met_on=date(2026, 9, 1))
    counts = selectors.commitment_summary(user=manager, alliance=alliance, on=DAY)["counts"]
    assert (counts["total"], counts["open"], counts["overdue"], counts["due_soon"]) == (5, 4, 1, 2)


def test_the_mix_counts_what_was_committed_by_nature_and_source(alliance, manager):
    agreement = AgreementFactory(alliance=alliance)
    CommitmentFactory(alliance=alliance, nature="hard", soft_source="", agreement=agreement)
    CommitmentFactory(alliance=alliance, nature="hard", soft_source="", agreement=agreement, status="missed")
    CommitmentFactory(alliance=alliance, soft_source="handshake")
    CommitmentFactory(alliance=alliance, soft_source="project", status="proposed")  # not committed yet
    CommitmentFactory(alliance=alliance, soft_source="project", status="waived")  # released
    s = selectors.commitment_summary(user=manager, alliance=alliance, on=DAY)
    assert {m["label"]: m["count"] for m in s["mix"]} == {
        "Hard (contractual)": 2,
        "Soft · annual plan": 0,
        "Soft · executive handshake": 1,
        "Soft · one-off project": 0,
    }
    assert (s["hard"], s["soft"], s["hard_pct"]) == (2, 1, 67)
    assert s["charts"]["mix"] == {
        "labels": ["Hard (contractual)", "Soft · executive handshake"],
        "values": [2, 1],
        "colors": ["#5b2a86", "#c9a227"],
    }


def test_the_balance_sums_money_per_currency_headcount_and_other_without_converting(alliance, manager):
    partner = partner_of(alliance)
    home = f.home_org()

    def money(party, amount, currency="EUR", **kw):
        return CommitmentFactory(
            alliance=alliance,
            party=party,
            quantity=None,
            unit="",
            amount=Decimal(amount),
            currency=currency,
            **kw,
        )

    money(partner, "600000")
    money(partner, "400000")
    money(partner, "250000", "USD")
    money(home, "60000")
    money(home, "1500000", category="revenue")  # an outcome, not an input
    money(home, "99999", status="proposed")  # not committed yet
    CommitmentFactory(alliance=alliance, party=partner, quantity=Decimal("4"), unit="FTE")
    CommitmentFactory(alliance=alliance, party=partner, quantity=Decimal("6"), unit="headcount")
    CommitmentFactory(alliance=alliance, party=home, quantity=Decimal("3"), unit="fte")
    CommitmentFactory(alliance=alliance, party=home, quantity=Decimal("12"), unit="engineers")  # other
    CommitmentFactory(alliance=alliance, party=partner, quantity=Decimal("1"), unit="integration")  # other
    s = selectors.commitment_summary(user=manager, alliance=alliance, on=DAY)
    r = rows(s)
    assert r[partner.name]["money"] == Decimal("1000000") and r["Halcyon Test"]["money"] == Decimal("60000")
    assert r[partner.name]["other_money"] == [("USD", Decimal("250000"))]
    assert r["Halcyon Test"]["targets_money"] == [("EUR", Decimal("1500000"))]
    assert (r[partner.name]["headcount"], r["Halcyon Test"]["headcount"]) == (Decimal("10"), Decimal("3"))
    assert (r[partner.name]["other"], r["Halcyon Test"]["other"]) == (1, 1)
    assert (r[partner.name]["money_share"], r[partner.name]["headcount_share"]) == (94, 77)
    assert s["other_currencies"] == ["USD"]
    assert s["charts"]["money"]["values"] == [60000.0, 1000000.0]  # ours first
    assert "Stratus Test Cloud puts in 94% of the money" in s["balance"]
    assert "Partners commit 16.7× the money we do." in s["balance"]


def test_a_consortium_has_a_row_per_party(alliance, manager):
    for name in ("Hospital", "Research Lab"):
        alliance.parties.create(organization=f.OrganizationFactory(name=name), role="member")
    s = selectors.commitment_summary(user=manager, alliance=alliance, on=DAY)
    assert [r["organization"].name for r in s["parties"]] == [
        "Halcyon Test",
        "Stratus Test Cloud",
        "Hospital",
        "Research Lab",
    ]
    assert s["balance"] == ""


def test_the_summary_reads_through_the_visibility_rule(alliance, other_partner, manager):
    CommitmentFactory(alliance=alliance)
    assert selectors.commitment_summary(user=other_partner, alliance=alliance, on=DAY)["counts"]["total"] == 0
    assert selectors.commitment_summary(user=manager, alliance=alliance, on=DAY)["counts"]["total"] == 1
