"""This app's agenda items: notice deadlines, expiries and commitment due dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from amity.agreements.agenda import source
from amity.alliances.models import Alliance
from amity.core import agenda
from tests import factories as f

from .factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def by_uid(items) -> dict[str, agenda.AgendaItem]:
    return {i.uid: i for i in items}


def test_the_app_registers_one_source_named_agreements():
    assert agenda.sources()["agreements"] is source


def test_an_agreement_in_force_puts_its_notice_deadline_and_expiry_on_the_agenda(alliance, manager):
    a = AgreementFactory(
        alliance=alliance,
        title="MAA",
        expiry_date=date(2027, 2, 21),
        auto_renew=True,
        renewal_term_months=12,
        notice_period_days=90,
        owner=manager,
    )
    items = by_uid(agenda.items([alliance.pk]))
    notice = items[f"agreement-{a.pk}-notice"]
    assert (notice.kind, notice.day, notice.status, notice.data_kind) == (
        "agreement_notice",
        date(2026, 11, 23),
        agenda.OPEN,
        "agreements",
    )
    assert notice.recipients == (manager.pk,)
    assert notice.url == a.get_absolute_url()
    assert "renews automatically for 12 months" in notice.description
    expiry = items[f"agreement-{a.pk}-expiry"]
    assert (expiry.kind, expiry.day) == ("agreement_expiry", date(2027, 2, 21))
    assert notice.overdue_on(date(2026, 11, 24)) and not notice.overdue_on(date(2026, 11, 23))


def test_uids_are_stable_across_edits_and_reads(alliance):
    a = AgreementFactory(alliance=alliance, expiry_date=date(2027, 1, 14), notice_period_days=30)
    first = [i.uid for i in agenda.items([alliance.pk])]
    a.expiry_date = date(2027, 6, 30)
    a.save()
    second = [i.uid for i in agenda.items([alliance.pk])]
    assert first == second == [f"agreement-{a.pk}-notice", f"agreement-{a.pk}-expiry"]


def test_drafts_and_terminated_agreements_have_no_deadlines_and_expired_ones_are_done(alliance):
    AgreementFactory(alliance=alliance, status="draft", expiry_date=date(2027, 1, 1), notice_period_days=30)
    AgreementFactory(
        alliance=alliance, status="terminated", expiry_date=date(2027, 1, 1), notice_period_days=30
    )
    expired = AgreementFactory(alliance=alliance, status="expired", expiry_date=date(2025, 12, 31))
    items = agenda.items([alliance.pk])
    assert [i.uid for i in items] == [f"agreement-{expired.pk}-expiry"]
    assert items[0].status == agenda.DONE and not items[0].overdue_on(date(2026, 11, 1))


def test_recipients_fall_back_to_the_alliance_owner(alliance, manager):
    Alliance.objects.filter(pk=alliance.pk).update(owner=manager)
    a = AgreementFactory(alliance=alliance, expiry_date=date(2027, 1, 14))
    c = CommitmentFactory(alliance=alliance)
    items = by_uid(agenda.items([alliance.pk]))
    assert items[f"agreement-{a.pk}-expiry"].recipients == (manager.pk,)
    assert items[f"commitment-{c.pk}-due"].recipients == (manager.pk,)
    other = f.manager_user(username="watcher")
    watched = CommitmentFactory(alliance=alliance, owner_user=other)
    assert by_uid(agenda.items([alliance.pk]))[f"commitment-{watched.pk}-due"].recipients == (other.pk,)


def test_open_commitments_are_overdue_after_their_due_date_closed_ones_never(alliance):
    open_one = CommitmentFactory(alliance=alliance, due_date=date(2026, 10, 15), status="in_progress")
    proposed = CommitmentFactory(alliance=alliance, due_date=date(2026, 10, 15), status="proposed")
    met = CommitmentFactory(
        alliance=alliance, due_date=date(2026, 10, 15), status="met", met_on=date(2026, 10, 1)
    )
    missed = CommitmentFactory(alliance=alliance, due_date=date(2026, 10, 15), status="missed")
    items = by_uid(agenda.items([alliance.pk]))
    day = date(2026, 11, 1)
    assert items[f"commitment-{open_one.pk}-due"].overdue_on(day)
    assert items[f"commitment-{proposed.pk}-due"].overdue_on(day)
    assert items[f"commitment-{met.pk}-due"].status == agenda.DONE
    assert not items[f"commitment-{missed.pk}-due"].overdue_on(day)
    assert items[f"commitment-{open_one.pk}-due"].kind == "commitment_due"
    assert items[f"commitment-{open_one.pk}-due"].data_kind == "commitments"


def test_only_the_given_alliances_and_days_are_read(alliance, other_alliance):
    CommitmentFactory(alliance=alliance, due_date=date(2026, 11, 10))
    CommitmentFactory(alliance=alliance, due_date=date(2027, 3, 1))
    CommitmentFactory(alliance=other_alliance, due_date=date(2026, 11, 10))
    items = agenda.items([alliance.pk], start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert [i.day for i in items] == [date(2026, 11, 10)]
    assert all(i.alliance_id == alliance.pk for i in items)


def test_archived_rows_are_not_on_the_agenda(alliance):
    CommitmentFactory(alliance=alliance, archived_at="2026-01-01T00:00:00Z")
    AgreementFactory(alliance=alliance, expiry_date=date(2027, 1, 1), archived_at="2026-01-01T00:00:00Z")
    assert agenda.items([alliance.pk]) == []


def test_the_source_runs_three_queries_however_many_items(alliance, django_assert_num_queries):
    for i in range(25):
        AgreementFactory(alliance=alliance, expiry_date=date(2027, 1, 1 + i % 28), notice_period_days=30)
        CommitmentFactory(alliance=alliance, amount=Decimal("1"), due_date=date(2026, 12, 1 + i % 28))
    with django_assert_num_queries(3):
        items = list(source([alliance.pk], None, None))
    assert len(items) == 75
