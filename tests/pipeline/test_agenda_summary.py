"""The pipeline's agenda summary (the dashboard's fast path) answers what counting its items
would: per kind how many open items and the first ones in the agenda's order, ties included;
for a partner only where the pipeline is shared; in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.alliances import sharing
from amity.alliances.models import Alliance
from amity.core import agenda
from amity.notifications.selectors import dashboard_agenda, panel_counts
from amity.pipeline import agenda as pipeline_agenda
from amity.pipeline import services
from amity.pipeline.models import OpportunityStage

from .factories import opportunity, register


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def book(manager, partner, alliance, today):
    """Open deals closing on a few days (three on the same day), closed ones, registrations:
    submitted (decision pending), approved (protection running) and rejected."""
    for days, n in ((-20, 1), (-3, 3), (-1, 1), (0, 2), (2, 1), (6, 1), (40, 1)):
        for i in range(n):
            opportunity(
                user=manager, alliance=alliance, name=f"Deal {days}/{i}", close_date=today + timedelta(days)
            )
    opportunity(user=manager, alliance=alliance, stage=OpportunityStage.CLOSED_WON, close_date=today)
    opportunity(user=manager, alliance=alliance, amount=Decimal("5"), close_date=today - timedelta(days=2))
    for i in range(3):
        register(user=partner, alliance=alliance, company_name=f"Registered {i} GmbH")
    approved = register(user=partner, alliance=alliance, company_name="Protected GmbH")
    services.registration_approve(registration=approved, user=manager, today=today - timedelta(days=80))


WINDOWS = [(-365, -1), (0, 7), (-30, 120), (5, 5)]


@pytest.mark.parametrize("few", [0, 40], ids=["by-last-day", "all-built"])
@pytest.mark.parametrize("limit", [0, 1, 2, 4, 10])
def test_the_summary_equals_counting_the_items(book, alliance, today, limit, few, monkeypatch):
    monkeypatch.setattr(agenda, "FEW", few)  # both ways of finding the first ones
    ids = Alliance.objects.filter(pk=alliance.pk).values_list("pk", flat=True)
    for a, b in WINDOWS:
        start, end = today + timedelta(a), today + timedelta(b)
        slow = agenda.summarize(
            (i for i in pipeline_agenda.items(ids, start, end) if agenda.within(i, start, end)), limit
        )
        assert pipeline_agenda.summary(ids, start, end, limit) == slow, (a, b)
    overdue = pipeline_agenda.summary(ids, today - timedelta(365), today - timedelta(1), 2)
    count, first = overdue["opportunity_close"]
    assert count == 6 and [i.title for i in first] == [
        "Expected close: Deal -20/0",
        "Expected close: Deal -3/0",
    ]


def test_the_dashboard_counts_every_open_deal_and_shows_the_first(book, manager, today):
    panels = dashboard_agenda(user=manager, today=today)
    overdue = {g.kind.code: g for g in panels["overdue_groups"]}
    deals = overdue["opportunity_close"]
    assert (deals.count, len(deals.shown), deals.more) == (6, 4, 2)
    assert [e.days for e in deals.shown] == [20, 3, 3, 3]
    due = {g.kind.code: g for g in panels["due_groups"]}
    assert due["opportunity_close"].count == 4  # today x2, in 2 days, in 6 days; not in 40
    assert panels["due_count"] == sum(g.count for g in panels["due_groups"])


def test_a_partner_counts_deals_only_where_the_pipeline_is_shared(book, partner, manager, alliance, today):
    window = {"windows": [(today - timedelta(365), today + timedelta(7))]}
    assert panel_counts(user=partner, **window)[0]["opportunity_close"][0] == 10
    sharing.set_sharing(
        alliance=alliance, changes=[(partner.organization_id, "pipeline", False)], user=manager
    )
    [counted] = panel_counts(user=partner, **window)
    assert "opportunity_close" not in counted and "registration_decision" not in counted


def test_the_summary_takes_a_constant_number_of_queries(book, manager, alliance, today):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            dashboard_agenda(user=manager, today=today)
        return len(ctx.captured_queries)

    few = queries()
    for i in range(30):
        opportunity(
            user=manager, alliance=alliance, name=f"More {i}", close_date=today - timedelta(days=1 + i % 5)
        )
    assert queries() == few
