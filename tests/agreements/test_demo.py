"""This app's part of the demo story: it loads through the services, tells the story, and
loading again adds nothing. The demo is loaded once for the module (in a transaction rolled
back at the end, with uploads in a temporary MEDIA_ROOT)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import filetype
import pytest
from django.db import transaction
from django.db.models import Count, F
from django.test.utils import override_settings

from amity.accounts.models import User
from amity.agreements import selectors
from amity.agreements.models import Agreement, AgreementDocument, Commitment
from amity.alliances.models import Alliance
from amity.core import agenda
from amity.demo.loader import load

from .conftest import on_day

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORY_DAY = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        first = load()
        counts = {m: m.objects.count() for m in (Agreement, AgreementDocument, Commitment)}
        files = sorted(p for p in media.rglob("*") if p.is_file())
        second = load()
        yield {"first": first, "second": second, "counts": counts, "files": files, "media": media}
        transaction.set_rollback(True)


@pytest.fixture
def alice(demo, db):
    return User.objects.get(username="alice")


def alliance(name: str) -> Alliance:
    return Alliance.objects.get(name=name)


def test_loading_the_demo_again_adds_no_agreement_document_or_commitment(demo, db):
    assert demo["first"].created["agreements"] == demo["counts"][Agreement] >= 25
    assert demo["first"].created["commitments"] == demo["counts"][Commitment] >= 40
    assert demo["first"].created["agreement documents"] == demo["counts"][AgreementDocument] == 3
    for key in ("agreements", "commitments", "agreement documents"):
        assert demo["second"].created[key] == 0, key
    assert {m: m.objects.count() for m in demo["counts"]} == demo["counts"]
    assert sorted(p for p in demo["media"].rglob("*") if p.is_file()) == demo["files"]


def test_the_demo_documents_are_valid_pdfs_stored_under_random_names(demo, db):
    for document in AgreementDocument.objects.all():
        path = Path(demo["media"]) / document.file.name
        content = path.read_bytes()
        assert filetype.guess(content).mime == "application/pdf"
        assert content.rstrip().endswith(b"%%EOF")
        assert document.original_name.split(".")[0] not in document.file.name


def test_stratus_renewed_automatically_and_its_notice_deadline_is_three_weeks_ahead(demo, db):
    maa = Agreement.objects.get(alliance=alliance("Stratus Cloud Co-Sell"), kind="master")
    assert (maa.status, maa.expiry_date, maa.notice_deadline) == (
        "active",
        date(2027, 2, 21),
        date(2026, 11, 23),
    )
    assert 14 <= (maa.notice_deadline - STORY_DAY).days <= 28
    reasons = list(maa.history.values_list("history_change_reason", flat=True))
    assert any(r and r.startswith("renewed automatically: term ended 21 Feb 2026") for r in reasons)
    with on_day(STORY_DAY):
        assert maa.notice_state() == "soon"
        due = [a.title for a in selectors.renewals_due(user=User.objects.get(username="alice"))]
    assert maa.title in due


def test_stratus_has_the_most_hard_commitments_and_puts_in_far_more(demo, alice):
    hard = (
        Commitment.objects.filter(nature="hard")
        .values("alliance__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    assert hard[0]["alliance__name"] == "Stratus Cloud Co-Sell"
    with on_day(STORY_DAY):
        s = selectors.commitment_summary(user=alice, alliance=alliance("Stratus Cloud Co-Sell"))
    rows = {r["organization"].name: r for r in s["parties"]}
    stratus, halcyon = rows["Stratus Cloud"], rows["Halcyon Data"]
    assert stratus["money"] > 5 * halcyon["money"]
    assert stratus["headcount"] > 2 * halcyon["headcount"]
    assert stratus["other_money"] == [("USD", Decimal("250000.00"))]  # shown apart, never converted
    assert s["counts"]["overdue"] >= 1 and s["counts"]["due_soon"] >= 1
    assert stratus["met_late"] >= 1 and stratus["met_on_time"] >= 1


def test_the_consortium_has_soft_commitments_only_from_several_parties(demo, db):
    commitments = Commitment.objects.filter(alliance=alliance("Open Health Data Consortium"))
    assert set(commitments.values_list("nature", flat=True)) == {"soft"}
    assert commitments.values("party").distinct().count() >= 3


def test_oldbridge_missed_its_commitments_and_its_agreements_are_ending(demo, db):
    oldbridge = alliance("OldBridge Connector")
    assert Commitment.objects.filter(alliance=oldbridge, status="missed").count() >= 2
    statuses = set(Agreement.objects.filter(alliance=oldbridge).values_list("status", flat=True))
    assert "terminated" in statuses


def test_one_commitment_was_renegotiated_and_both_are_kept(demo, db):
    renegotiated = Commitment.objects.filter(status="renegotiated")
    assert renegotiated.count() >= 1
    for old in renegotiated:
        assert Commitment.objects.get(replaces=old).status in ("agreed", "in_progress", "met")


def test_nimbus_has_an_nda_in_force_and_an_mou_in_negotiation(demo, db):
    nimbus = dict(
        Agreement.objects.filter(alliance=alliance("Nimbus Health Clinical Analytics")).values_list(
            "kind", "status"
        )
    )
    assert nimbus == {"nda": "active", "mou": "negotiating"}


def test_the_channel_partners_have_reseller_agreements(demo, db):
    for name in (
        "Kestrel IT Reseller (DACH)",
        "Norte Sistemas Reseller (Iberia)",
        "Pacific Rim Solutions Reseller (APAC)",
        "Atlas Distribution (UK & Ireland)",
    ):
        assert Agreement.objects.filter(alliance=alliance(name), kind="reseller", status="active").exists(), (
            name
        )


def test_the_story_has_overdue_due_soon_on_time_and_late_commitments(demo, db):
    day = STORY_DAY
    open_ = Commitment.objects.filter(status__in=("proposed", "agreed", "in_progress"))
    assert open_.filter(due_date__lt=day).count() >= 2
    assert open_.filter(due_date__gte=day, due_date__lte=date(2026, 12, 1)).count() >= 2
    met = Commitment.objects.filter(status="met")
    assert met.filter(met_on__lte=F("due_date")).exists()
    assert met.filter(met_on__gt=F("due_date")).exists()


def test_the_agenda_carries_the_demo_deadlines(demo, db):
    stratus = alliance("Stratus Cloud Co-Sell")
    items = agenda.items([stratus.pk], start=STORY_DAY, end=date(2026, 11, 30))
    kinds = {i.kind for i in items}
    assert {"agreement_notice", "commitment_due"} <= kinds
