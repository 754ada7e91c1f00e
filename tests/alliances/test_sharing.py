"""Sharing per alliance and kind of data, enforced by the one visibility rule.

The scene of the issue: an alliance manager shares the plan and the roadmap but not revenue with
one partner; that partner sees exactly that - pages, API, tabs - and a competing partner sees
nothing of it. Within a consortium, one partner may see what another does not.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.alliances import sharing
from amity.alliances.models import AllianceParty, DataKind, SharingSetting, shared_alliance_ids
from amity.planning.models import JointBusinessPlan, Milestone
from tests.api.helpers import get
from tests.planning.factories import MilestoneFactory, PlanFactory


@pytest.fixture
def plan(alliance):
    return PlanFactory(alliance=alliance, revenue_target=Decimal("1000000"), revenue_growth_pct=Decimal("20"))


@pytest.fixture
def milestone(alliance):
    return MilestoneFactory(alliance=alliance, title="Connector GA")


def test_defaults_share_the_plan_but_not_revenue_figures(plan, partner, admin):
    seen = JointBusinessPlan.objects.visible_to(partner).get()
    assert seen.title == plan.title and seen.revenue_target is None and seen.revenue_growth_pct is None
    assert seen._redacted == {"revenue_target", "revenue_growth_pct"}
    assert JointBusinessPlan.objects.visible_to(admin).get().revenue_target == Decimal("1000000.00")
    row = JointBusinessPlan.objects.visible_to(partner).values("title", "revenue_target").get()
    assert row == {"title": plan.title, "revenue_target": None}
    with pytest.raises(TypeError):
        list(JointBusinessPlan.objects.visible_to(partner).values_list("revenue_target", flat=True))
    assert JointBusinessPlan.objects.visible_to(partner).revealed().count() == 0


def test_sharing_revenue_reveals_the_figures(plan, partner, partner_org, alliance, manager):
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.REVENUE, True)], user=manager)
    seen = JointBusinessPlan.objects.visible_to(partner).get()
    assert seen.revenue_target == Decimal("1000000.00") and seen._redacted == set()


def test_hiding_the_roadmap_hides_it_everywhere_for_that_partner(
    milestone, plan, partner, partner_org, alliance, manager, client_for, api_for
):
    assert Milestone.objects.visible_to(partner).count() == 1
    changed = sharing.set_sharing(
        alliance=alliance, changes=[(partner_org.pk, "roadmap", False)], user=manager
    )
    assert changed == 1
    assert Milestone.objects.visible_to(partner).count() == 0
    assert JointBusinessPlan.objects.visible_to(partner).count() == 1  # the plan is still shared
    client = client_for(partner)
    assert client.get(f"/alliances/{alliance.pk}/roadmap/").status_code == 404
    page = client.get(f"/alliances/{alliance.pk}/").content.decode()
    assert f'href="/alliances/{alliance.pk}/roadmap/"' not in page
    assert f'href="/alliances/{alliance.pk}/plan/"' in page
    assert "Your organization sees the joint business plan" in page and "not the roadmap" in page
    assert get(api_for(partner), "/milestones").json()["count"] == 0
    assert get(api_for(partner), f"/milestones/{milestone.pk}").status_code == 404
    body = get(api_for(partner), f"/plans/{plan.pk}").json()
    assert body["title"] == plan.title and body["revenue_target"] is None


def test_an_instance_read_with_redactions_never_writes_them_back(plan, partner, manager):
    from amity.core.services import model_update

    seen = JointBusinessPlan.objects.visible_to(partner).get()  # revenue read as None
    model_update(instance=seen, data={"revenue_target": None, "title": "Renamed"}, user=manager)
    plan.refresh_from_db()
    assert plan.title == "Renamed" and plan.revenue_target == Decimal("1000000.00")


def test_one_consortium_partner_may_see_what_another_does_not(
    milestone, partner, other_partner, other_partner_org, partner_org, alliance, manager
):
    AllianceParty.objects.create(alliance=alliance, organization=other_partner_org, role="member")
    sharing.set_sharing(alliance=alliance, changes=[(other_partner_org.pk, "roadmap", False)], user=manager)
    assert Milestone.objects.visible_to(partner).count() == 1
    assert Milestone.objects.visible_to(other_partner).count() == 0
    rows = {r.organization.pk: r for r in sharing.matrix(alliance)}
    assert rows[partner_org.pk].shared["roadmap"] and not rows[other_partner_org.pk].shared["roadmap"]
    assert rows[other_partner_org.pk].explicit == {"roadmap"}


def test_a_competing_partner_sees_nothing_of_the_alliance(
    milestone, plan, other_partner, client_for, alliance
):
    assert Milestone.objects.visible_to(other_partner).count() == 0
    assert JointBusinessPlan.objects.visible_to(other_partner).count() == 0
    client = client_for(other_partner)
    for url in (
        f"/alliances/{alliance.pk}/",
        f"/alliances/{alliance.pk}/plan/",
        f"/alliances/{alliance.pk}/roadmap/",
    ):
        assert client.get(url).status_code == 404, url


def test_only_partners_of_the_alliance_and_known_kinds_and_editors(
    alliance, other_partner_org, partner_org, manager, executive
):
    with pytest.raises(ValidationError) as exc:
        sharing.set_sharing(alliance=alliance, changes=[(other_partner_org.pk, "plan", False)], user=manager)
    assert "not a partner of this alliance" in str(exc.value)
    with pytest.raises(ValidationError):
        sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "salaries", True)], user=manager)
    with pytest.raises(PermissionDenied):
        sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "plan", False)], user=executive)
    assert not SharingSetting.objects.exists()
    # Setting a kind to its default writes nothing.
    assert sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "plan", True)], user=manager) == 0


def test_the_sharing_page_saves_the_matrix(alliance, partner_org, manager, partner, client_for):
    client = client_for(manager)
    page = client.get(f"/alliances/{alliance.pk}/sharing/").content.decode()
    assert 'data-testid="sharing-form"' in page and "Revenue figures" in page
    shared = {f"share-{partner_org.pk}-{k}": "on" for k in ("plan", "roadmap")}
    response = client.post(f"/alliances/{alliance.pk}/sharing/", shared)
    assert response.status_code == 302
    row = sharing.matrix(alliance)[0]
    assert row.seen == ["plan", "roadmap"]
    assert row.sentence() == (
        "Stratus Test Cloud sees the joint business plan and the roadmap; not the commitments, our deals "
        "linked to the alliance (with their amounts), revenue figures (plan revenue target and growth, the forecast), the "
        "scorecard, the two-sided assessments, the agreements and their documents and governance (bodies, "
        "meetings, decisions, actions, escalations). " + sharing.STATEMENT_DISCLOSURE
    )
    overview = client.get(f"/alliances/{alliance.pk}/").content.decode()
    assert "Stratus Test Cloud sees the joint business plan and the roadmap" in overview
    assert client_for(partner).get(f"/alliances/{alliance.pk}/sharing/").status_code == 404
    assert client_for(partner).get(f"/alliances/{alliance.pk}/commitments/").status_code == 404


def test_a_shared_scorecard_shows_to_the_partner_without_costs(
    alliance, partner_org, partner, manager, client_for
):
    client = client_for(partner)
    assert client.get(f"/alliances/{alliance.pk}/scorecard/").status_code == 404
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "scorecard", True)], user=manager)
    page = client.get(f"/alliances/{alliance.pk}/scorecard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Five dimensions" in html and 'data-testid="costs"' not in html and "QBR pack" not in html


def test_api_reads_and_sets_sharing(alliance, partner_org, manager, partner, executive, api_for):
    from tests.api.helpers import API

    def put(user, body):
        return api_for(user).put(
            f"{API}/alliances/{alliance.pk}/sharing", body, content_type="application/json"
        )

    body = {"changes": [{"organization_id": partner_org.pk, "kind": "revenue", "shared": True}]}
    assert put(executive, body).status_code == 403
    response = put(manager, body)
    assert response.status_code == 200, response.content
    assert response.json()["partners"][0]["shared"]["revenue"] is True
    bad = put(manager, {"changes": [{"organization_id": 999999, "kind": "plan", "shared": False}]})
    assert bad.status_code == 422 and "not a partner" in bad.content.decode()
    own = get(api_for(partner), f"/alliances/{alliance.pk}/sharing").json()
    assert [p["organization_id"] for p in own["partners"]] == [partner_org.pk]
    assert put(partner, body).status_code == 403


def test_the_partners_agenda_and_calendar_hold_only_shared_kinds(
    milestone, alliance, partner_org, partner, manager
):
    from datetime import date

    from amity.notifications.selectors import agenda_for

    window = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    assert [i.title for i in agenda_for(user=partner, **window) if i.data_kind == "roadmap"]
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "roadmap", False)], user=manager)
    assert not [i for i in agenda_for(user=partner, **window) if i.data_kind == "roadmap"]
    assert [i for i in agenda_for(user=manager, **window) if i.data_kind == "roadmap"]


def test_history_and_stored_reminders_follow_the_sharing(
    milestone, alliance, partner_org, partner, manager, client_for
):
    from datetime import date

    from amity.notifications.models import Notification

    Notification.objects.create(
        user=partner, alliance=alliance, uid="m-1", reason="due_soon", kind="milestone_due", title="Connector GA",
        day=date(2026, 6, 30),
    )  # fmt: skip
    client = client_for(partner)
    assert "Connector GA" in client.get(f"/alliances/{alliance.pk}/history/").content.decode()
    assert Notification.objects.visible_to(partner).count() == 1
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "roadmap", False)], user=manager)
    assert "Connector GA" not in client.get(f"/alliances/{alliance.pk}/history/").content.decode()
    assert Notification.objects.visible_to(partner).count() == 0
    assert "Connector GA" in client_for(manager).get(f"/alliances/{alliance.pk}/history/").content.decode()


def test_a_shared_scorecard_shows_results_not_our_inputs(alliance, partner_org, partner, manager, client_for):
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "scorecard", True)], user=manager)
    html = client_for(partner).get(f"/alliances/{alliance.pk}/scorecard/").content.decode()
    assert "Formula:" not in html and "Calculation:" not in html
    assert "Formula:" in client_for(manager).get(f"/alliances/{alliance.pk}/scorecard/").content.decode()


def test_plan_history_hides_revenue_changes_from_a_partner_without_revenue(
    plan, alliance, partner_org, partner, manager, client_for
):
    """The History tab and the plan page diff each change; a revenue target change is a change of
    a redacted field, so a partner without revenue sees the title change but not the figures."""
    from amity.core.services import model_update

    model_update(
        instance=plan, data={"revenue_target": Decimal("7654321"), "title": "FY plan v2"}, user=manager
    )
    for url in (f"/alliances/{alliance.pk}/history/", f"/alliances/{alliance.pk}/plan/{plan.pk}/"):
        seen = client_for(partner).get(url).content.decode()
        assert "FY plan v2" in seen and "7654321" not in seen, url
        assert "7654321" in client_for(manager).get(url).content.decode(), url
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.REVENUE, True)], user=manager)
    assert "7654321" in client_for(partner).get(f"/alliances/{alliance.pk}/history/").content.decode()


def test_the_summary_says_statements_name_the_deals_whenever_pipeline_or_revenue_is_hidden():
    everything = dict.fromkeys(DataKind.values, True)
    assert sharing.STATEMENT_DISCLOSURE not in sharing.describe("P", everything)
    for kind in (DataKind.PIPELINE, DataKind.REVENUE):
        assert sharing.describe("P", everything | {kind: False}).endswith(sharing.STATEMENT_DISCLOSURE)


def test_reminder_e_mails_to_a_partner_follow_the_sharing(milestone, alliance, partner_org, partner, manager):
    """The daily reminders (in-app and the e-mail digest) tell a partner's owner of a milestone
    only while the alliance shares the roadmap with that partner."""
    from datetime import date

    from django.core import mail

    from amity.notifications.services import reminders_send

    milestone.owner = partner
    milestone.save()
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "roadmap", False)], user=manager)
    assert reminders_send(today=date(2026, 6, 29)) == 0
    assert not [m for m in mail.outbox if "Connector GA" in m.body]
    sharing.set_sharing(alliance=alliance, changes=[(partner_org.pk, "roadmap", True)], user=manager)
    assert reminders_send(today=date(2026, 6, 29)) == 1
    (message,) = [m for m in mail.outbox if partner.email in m.to]
    assert "Connector GA" in message.body


def test_kind_filter_agrees_with_the_visibility_rule_in_two_queries(
    alliance, partner_org, manager, django_assert_num_queries
):
    """The agenda's fast check gives the same answer as ``shared_alliance_ids`` for every kind,
    with settings off the default, and for an alliance the partner is no party to."""
    from tests import factories as f

    other = f.AllianceFactory()
    sharing.set_sharing(
        alliance=alliance,
        changes=[(partner_org.pk, "roadmap", False), (partner_org.pk, "revenue", True)],
        user=manager,
    )
    with django_assert_num_queries(2):
        sees = sharing.kind_filter(partner_org.pk)
    for kind in DataKind.values:
        ids = set(shared_alliance_ids(partner_org.pk, kind).values_list("alliance_id", flat=True))
        for a in (alliance, other):
            assert sees(a.pk, kind) == (a.pk in ids), (a, kind)
    assert sees(alliance.pk, "mdf") and sees(alliance.pk, "agreements")  # not a kind; documents
