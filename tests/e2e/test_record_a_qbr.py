"""In a real browser: an alliance manager records a QBR - plans it from the Governance tab,
marks it held with minutes, adds a decision and an action item (htmx, no page reload) and
completes the action; the cadence's next due date moves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from amity.governance.models import ActionItem, Cadence, Decision, Meeting
from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_manager_records_a_qbr_with_decisions_and_action_items(page):
    f.home_org()
    partner_org = f.OrganizationFactory(name="Browser Cloud Inc")
    alliance = f.AllianceFactory(name="Browser Cloud Co-Sell", partner=partner_org)
    owner = f.ContactFactory(organization=partner_org, first_name="Pat", last_name="Partner")
    f.manager_user(username="qbrmanager", first_name="Quinn", last_name="Manager")

    sign_in(page, "qbrmanager", f.PASSWORD)
    page.goto(f"/alliances/{alliance.pk}/governance/")
    page.click("[data-testid=apply-defaults]")
    page.wait_for_selector("[data-testid=cadence-row]")
    assert Cadence.objects.filter(alliance=alliance).count() == 3

    page.click("[data-testid=record-qbr]")
    page.wait_for_url(re.compile(r"/meetings/new/\?kind=qbr"))
    start = timezone.localtime() - timedelta(hours=1)
    page.fill("#id_title", "Browser QBR")
    page.fill("#id_scheduled_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.check(f"input[name=attendees][value='{owner.pk}']")
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title="Browser QBR")

    page.fill("#id_minutes", "Targets met; pipeline reviewed deal by deal.")
    page.click("[data-testid=mark-held]")
    page.wait_for_selector("[data-testid=minutes]")
    meeting.refresh_from_db()
    assert meeting.status == "held"

    page.fill("[data-testid=decision-form] textarea[name=text]", "Launch the joint offer in Q1.")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_selector("[data-testid=decision]:has-text('Launch the joint offer in Q1.')")

    form = page.locator("[data-testid=action-form]")
    form.locator("input[name=title]").fill("Send the offer draft")
    form.locator("select[name=owner]").select_option(str(owner.pk))
    form.locator("input[name=due_date]").fill("2030-01-15")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=meeting-action]:has-text('Send the offer draft')")
    assert Decision.objects.filter(meeting=meeting).count() == 1
    item = ActionItem.objects.get(meeting=meeting)
    assert item.owner == owner

    page.click("[data-testid=meeting-action] [data-testid=complete-action]")
    page.wait_for_selector("[data-testid=meeting-action] .badge:has-text('Done')")
    item.refresh_from_db()
    assert item.status == "done"

    page.goto(f"/alliances/{alliance.pk}/governance/")
    qbr_row = page.locator("[data-testid=cadence-row]", has_text="Quarterly business review")
    assert "never" not in qbr_row.inner_text()
    assert "On track" in qbr_row.inner_text()
