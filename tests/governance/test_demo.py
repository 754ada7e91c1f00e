"""Governance in the demo story: Stratus's QBR is about three weeks overdue on the story's
"today", the escalations tell their stories, and loading the demo again adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.alliances.models import Alliance
from amity.demo import data
from amity.demo.loader import load
from amity.governance.models import (
    ActionItem,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
)
from amity.governance.selectors import cadence_statuses

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MODELS = (GovernanceBody, BodyMember, Cadence, Meeting, Decision, ActionItem, Escalation)
STORY_DAY = data.ANCHOR  # 1 November 2026


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        first = load()
        counts = {model: model._default_manager.count() for model in MODELS}
        second = load()
        yield {"first": first, "second": second, "counts": counts}
        transaction.set_rollback(True)


@pytest.fixture
def stratus(demo, db):
    return Alliance.objects.get(name="Stratus Cloud Co-Sell")


def statuses(alliance: Alliance) -> dict:
    cadences = Cadence.objects.filter(alliance=alliance, archived_at__isnull=True).select_related("alliance")
    return {s.cadence.meeting_kind: s for s in cadence_statuses(cadences, on=STORY_DAY)}


def test_loading_the_demo_twice_adds_no_governance_rows(demo, db):
    assert {model: model._default_manager.count() for model in MODELS} == demo["counts"]
    for what in ("governance bodies", "cadences", "meetings", "decisions", "action items", "escalations"):
        assert demo["first"].created[what] > 0, what
        assert demo["second"].created[what] == 0, what


def test_stratus_has_a_steering_group_with_both_sponsors_and_an_operating_team(stratus):
    steering = GovernanceBody.objects.get(alliance=stratus, kind="steering")
    chairs = {
        (m.contact.first_name, m.contact.organization.name) for m in steering.members.filter(role="chair")
    }

    assert chairs == {("Erin", "Halcyon Data"), ("Graham", "Stratus Cloud")}
    assert GovernanceBody.objects.filter(alliance=stratus, kind="operating").exists()


def test_stratus_next_qbr_is_about_three_weeks_overdue_on_the_story_day(stratus):
    qbr = statuses(stratus)["qbr"]

    assert qbr.last_held == date(2026, 7, 9)
    assert qbr.next_due == date(2026, 10, 9)
    assert qbr.overdue and 18 <= qbr.days_overdue <= 26


def test_stratus_held_qbrs_in_january_april_and_july_and_monthly_pipeline_reviews(stratus):
    qbrs = Meeting.objects.filter(alliance=stratus, kind="qbr", status=MeetingStatus.HELD)
    pipeline = Meeting.objects.filter(alliance=stratus, kind="pipeline")

    assert sorted(m.day.month for m in qbrs if m.day.year == 2026) == [1, 4, 7]
    assert all(m.minutes for m in qbrs)
    assert pipeline.filter(status=MeetingStatus.HELD).count() >= 8
    assert pipeline.filter(status=MeetingStatus.CANCELLED).exists()
    assert not statuses(stratus)["pipeline"].overdue


def test_stratus_qbrs_have_decisions_and_action_items_some_done_one_overdue(stratus):
    items = ActionItem.objects.filter(alliance=stratus)
    overdue = [i for i in items if i.is_overdue(STORY_DAY)]

    assert Decision.objects.filter(alliance=stratus, meeting__kind="qbr").count() >= 6
    assert items.filter(status="done").count() >= 4
    assert [i.title for i in overdue] == ["Certify 10 more Stratus solution architects on Halcyon"]


def test_the_marketplace_margin_escalation_went_to_the_steering_group_and_was_decided(stratus):
    escalation = Escalation.objects.get(alliance=stratus, title__icontains="private-offer margins")

    assert escalation.to_body.kind == "steering"
    assert escalation.status == EscalationStatus.DECIDED and escalation.decided_on == date(2026, 6, 10)
    assert escalation.created_at.date() == date(2026, 4, 23)


def test_meridian_has_a_qbr_and_an_open_escalation_flagged_after_30_days(demo, db):
    meridian = Alliance.objects.get(name="Halcyon + Meridian Healthcare Data Platform")
    escalation = Escalation.objects.get(alliance=meridian)

    assert Meeting.objects.filter(alliance=meridian, kind="qbr", status="held").exists()
    assert escalation.status == EscalationStatus.OPEN and escalation.to_sponsor is not None
    assert escalation.is_overdue(STORY_DAY)


def test_oldbridge_escalation_about_missed_commitments_led_to_the_exit(demo, db):
    oldbridge = Alliance.objects.get(name="OldBridge Connector")
    escalation = Escalation.objects.get(alliance=oldbridge)

    assert "missed" in escalation.title
    assert escalation.status == EscalationStatus.DECIDED
    assert escalation.decided_by_contact.first_name == "Ravi"
    assert escalation.decided_on <= date(2026, 10, 28)  # before the move to transform or retire
    assert "exit plan" in escalation.decision


def test_more_alliances_have_cadences_and_one_is_switched_off(demo, db):
    with_cadences = set(Cadence.objects.values_list("alliance__name", flat=True))

    assert len(with_cadences) >= 6
    kestrel = Alliance.objects.get(name="Kestrel IT Reseller (DACH)")
    assert statuses(kestrel)["executive"].state == "inactive"
    lumen = Alliance.objects.get(name="Lumen CRM Integration")
    assert statuses(lumen)["qbr"].overdue
