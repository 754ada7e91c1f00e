"""The partner home and the shared dashboard per alliance: only the partner's own organization's
data, only the kinds each alliance shares with it (the visibility rule decides, through
``visible_to``), and a competing partner sees nothing of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import DataKind
from amity.alliances.sharing import set_sharing
from amity.assessments import services as assessment_services
from amity.assessments.models import Instrument
from amity.planning.models import PlanStatus
from amity.portal import selectors
from tests import factories as f
from tests.agreements.factories import CommitmentFactory
from tests.funds.factories import make_budget, make_program, make_request
from tests.governance.factories import ActionItemFactory
from tests.pipeline.factories import register
from tests.planning.factories import MilestoneFactory, PlanFactory, PlanObjectiveFactory

HOME = "/partner/"


def dashboard(alliance) -> str:
    return reverse("portal:alliance_dashboard", args=[alliance.pk])


def populate(alliance, organization, user, manager, *, tag: str) -> None:
    """One of everything the home shows, for one alliance and its partner."""
    today = timezone.localdate()
    CommitmentFactory(
        alliance=alliance, party=organization, title=f"{tag} commitment", due_date=today - timedelta(days=3)
    )
    ActionItemFactory(
        alliance=alliance, owner=f.ContactFactory(organization=organization), title=f"{tag} action"
    )
    PlanFactory(
        alliance=alliance, title=f"{tag} plan", status=PlanStatus.PROPOSED, proposed_at=timezone.now()
    )
    MilestoneFactory(alliance=alliance, title=f"{tag} milestone")
    register(
        user=user,
        alliance=alliance,
        company_name=f"{tag} Customer GmbH",
        domain=f"{tag.lower()}-customer.example",
    )
    program = make_program(manager, name=f"{tag} MDF")
    budget = make_budget(program, organization, manager, fiscal_year=today.year + 1)
    make_request(budget, user, activity=f"{tag} webinar")
    assessment_services.assessment_create(
        alliance=alliance,
        instrument=Instrument.objects.get(key="alliance-health", active=True),
        wave=f"{tag} wave",
        user=manager,
    )


@pytest.fixture
def story(alliance, other_alliance, partner_org, other_partner_org, partner, other_partner, manager):
    populate(alliance, partner_org, partner, manager, tag="Stratus")
    populate(other_alliance, other_partner_org, other_partner, manager, tag="Kestrel")


def test_the_home_shows_the_partners_own_alliance_and_what_is_due_from_it(
    client_for, partner, alliance, story
):
    response = client_for(partner).get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    ctx = response.context
    assert [a.name for a in ctx["alliances"]] == [alliance.name]
    assert [c.title for c in ctx["due"]["commitments"].rows] == ["Stratus commitment"]
    assert ctx["due"]["commitments"].rows[0].overdue_now
    assert [a.title for a in ctx["due"]["actions"].rows] == ["Stratus action"]
    assert [p.title for p in ctx["due"]["plans"].rows] == ["Stratus plan"]
    assert [r.company_name for r in ctx["registrations"]["latest"].rows] == ["Stratus Customer GmbH"]
    assert [b.program.name for b in ctx["mdf"]["budgets"]] == ["Stratus MDF"]
    assert [r.activity for r in ctx["mdf"]["requests"].rows] == ["Stratus webinar"]
    assert [a.wave for a in ctx["assessments"]["listed"].rows] == ["Stratus wave"]
    assert ctx["assessments"]["waiting"] == 1
    assert "Kestrel" not in content  # nothing of the competing partner
    assert dashboard(alliance) in content
    # In plain words, what the alliance shares (the defaults: everything but revenue and scorecard).
    [card] = ctx["alliances"]
    assert card.shared_sentence.startswith(f"{partner.organization.name} sees the joint business plan")
    assert "not revenue figures" in card.shared_sentence


def test_a_competing_partner_sees_nothing_of_the_first_partners_alliance(
    client_for, other_partner, alliance, story
):
    response = client_for(other_partner).get(HOME)
    content = response.content.decode()
    assert [a.name for a in response.context["alliances"]] != [alliance.name]
    assert "Stratus" not in content
    assert client_for(other_partner).get(dashboard(alliance)).status_code == 404


def test_a_kind_the_alliance_does_not_share_is_hidden_from_the_home_and_the_dashboard(
    client_for, admin, partner, partner_org, alliance, story
):
    set_sharing(
        alliance=alliance,
        changes=[(partner_org.pk, DataKind.ROADMAP, False), (partner_org.pk, DataKind.COMMITMENTS, False)],
        user=admin,
    )
    home = client_for(partner).get(HOME)
    [card] = home.context["alliances"]
    assert card.shared[DataKind.ROADMAP] is False
    assert (
        "not the roadmap" in card.shared_sentence or "the roadmap" not in card.shared_sentence.split(";")[0]
    )
    assert home.context["due"]["commitments"].total == 0  # commitments not shared: not listed either
    assert "Stratus commitment" not in home.content.decode()

    page = client_for(partner).get(dashboard(alliance))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="roadmap-not-shared"' in content and "Stratus milestone" not in content
    assert 'data-testid="commitments-not-shared"' in content and "Stratus commitment" not in content
    assert "roadmap" not in page.context and "commitments" not in page.context
    assert 'data-kind="roadmap" data-shared="no"' in content
    # The plan is still shared.
    assert 'data-testid="plan"' in content


def test_the_dashboard_shows_what_is_shared(client_for, partner, partner_org, alliance, manager, story):
    plan = PlanFactory(alliance=alliance, fiscal_year=2027, title="Stratus plan FY2027")
    PlanObjectiveFactory(plan=plan, title="Co-sell pipeline", actual_q1=Decimal("80"))
    page = client_for(partner).get(dashboard(alliance))
    ctx = page.context
    assert ctx["plan"]["plan"] == plan
    assert [o.title for o in ctx["plan"]["objectives"]] == ["Co-sell pipeline"]
    assert ctx["plan"]["chart"]["series"][0]["values"][0] == 80.0
    assert [m.title for m in ctx["roadmap"]["milestones"]] == ["Stratus milestone"]
    parties = {r["organization"].pk: r for r in ctx["commitments"]["parties"]}
    assert parties[partner_org.pk]["open"] == 1
    assert ctx["pipeline"]["with_amounts"] is False
    assert "revenue" not in ctx
    assert [r["status"] for r in ctx["registrations"]] == ["submitted"]
    content = page.content.decode()
    assert 'data-testid="revenue-not-shared"' in content
    assert 'data-testid="plan-revenue"' not in content  # the plan's revenue target is a revenue figure


def test_revenue_figures_appear_only_when_the_alliance_shares_them(
    client_for, admin, partner, partner_org, alliance, story
):
    PlanFactory(alliance=alliance, fiscal_year=2027, revenue_target=Decimal("750000"))
    assert b"750,000" not in client_for(partner).get(dashboard(alliance)).content
    set_sharing(alliance=alliance, changes=[(partner_org.pk, DataKind.REVENUE, True)], user=admin)
    page = client_for(partner).get(dashboard(alliance))
    assert page.context["pipeline"]["with_amounts"] is True
    assert "revenue" in page.context
    assert b'data-testid="plan-revenue"' in page.content and b"750,000" in page.content


def test_only_partner_users_have_a_home(client_for, manager, alliance):
    assert client_for(manager).get(HOME).url == reverse("alliances:portfolio")
    assert client_for(manager).get(dashboard(alliance)).url == alliance.get_absolute_url()
    from django.test import Client

    assert Client().get(HOME).status_code == 302


def test_the_portfolio_dashboard_of_a_partner_links_to_the_home(client_for, partner, alliance):
    page = client_for(partner).get(reverse("alliances:portfolio"))
    assert page.status_code == 200
    assert b'data-testid="partner-home-link"' in page.content and HOME.encode() in page.content


def test_an_answered_assessment_no_longer_waits(client_for, partner, alliance, story):
    [assessment] = selectors.assessments_waiting(user=partner)["listed"].rows
    assessment_services.response_save(
        assessment=assessment, user=partner, answers={"visibility-pipeline": {"value": 3}}, submit=True
    )
    result = selectors.assessments_waiting(user=partner)
    [row] = result["listed"].rows
    assert (row.ours_submitted, row.mine_submitted, result["waiting"]) == (1, True, 0)


def test_the_home_runs_the_same_queries_however_many_alliances(
    client_for, partner, partner_org, manager, alliance, story
):
    client = client_for(partner)
    client.get(HOME)  # warm caches (content types, instruments)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    for n in range(3):
        more = f.AllianceFactory(name=f"More {n}", partner=partner_org)
        populate(more, partner_org, partner, manager, tag=f"More{n}")
    with CaptureQueriesContext(connection) as four:
        response = client.get(HOME)
    assert len(response.context["alliances"]) == 4
    assert len(four.captured_queries) == len(one.captured_queries), [
        q["sql"][:90] for q in four.captured_queries
    ]


def test_the_dashboard_of_one_alliance_is_bounded(
    client_for, partner, alliance, story, django_assert_max_num_queries
):
    client = client_for(partner)
    client.get(dashboard(alliance))
    with django_assert_max_num_queries(40):
        assert client.get(dashboard(alliance)).status_code == 200
