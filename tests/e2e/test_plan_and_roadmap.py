"""In a real browser: both sides agree the joint business plan (the partner user for their
side), and the alliance manager adds a roadmap milestone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from amity.planning import services as planning
from amity.planning.models import Milestone, PlanStatus
from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_both_sides_agree_the_plan_and_the_manager_adds_a_milestone(browser, live_server):
    f.home_org()
    partner_org = f.OrganizationFactory(name="Browser Plan Cloud")
    alliance = f.AllianceFactory(name="Browser Plan Alliance", partner=partner_org)
    manager = f.manager_user(username="planmanager", first_name="Pia", last_name="Planner")
    f.partner_user(partner_org, username="planpartner", first_name="Paul", last_name="Partner")
    plan = planning.plan_create(alliance=alliance, data={"title": "Browser FY plan"}, user=manager)
    plan = planning.plan_set_status(plan=plan, status=PlanStatus.PROPOSED, user=manager)

    def session(username):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "Agree to … for …?"
        sign_in(page, username, f.PASSWORD)
        return context, page

    # Our side agrees.
    ours, page = session("planmanager")
    page.goto(f"/alliances/{alliance.pk}/plan/")
    with page.expect_navigation():
        page.click("[data-testid=agree]")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED  # still waiting for the partner
    assert plan.agreements.filter(organization__is_home=True).exists()

    # The partner user agrees for their side: the plan is agreed.
    theirs, partner_page = session("planpartner")
    partner_page.goto(f"/alliances/{alliance.pk}/plan/")
    assert "Agree for Browser Plan Cloud" in partner_page.content()
    with partner_page.expect_navigation():
        partner_page.click("[data-testid=agree]")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert "agreed" in partner_page.locator("[data-testid=plan-status]").inner_text().lower()
    theirs.close()

    # The manager adds a milestone to the roadmap.
    page.goto(f"/alliances/{alliance.pk}/roadmap/")
    page.click("[data-testid=add-milestone]")
    page.fill("#id_title", "CRM integration live")
    page.select_option("#id_category", "integration")
    page.fill("#id_due_date", date(2027, 3, 31).isoformat())
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(rf"/alliances/{alliance.pk}/roadmap/"))
    assert Milestone.objects.filter(alliance=alliance, title="CRM integration live").exists()
    assert "CRM integration live" in page.locator("[data-testid=milestones]").inner_text()
    ours.close()
