"""The portfolio dashboard, strategic review, objective coverage and rules pages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amity.alliances.models import AllianceType, Tier
from tests import factories as f

PORTFOLIO = reverse("alliances:portfolio")
REVIEW = reverse("alliances:strategic_review")
OBJECTIVES = reverse("alliances:objective_coverage")
RULES = reverse("alliances:rules")

STRONG = {
    "score_goals": 4,
    "score_competency": 4,
    "score_opportunities": 3,
    "score_sustainability": 3,
    "score_innovation": 3,
    "act_bundled": True,
    "act_joint_teams": True,
    "act_joint_planning": True,
    "fte": Decimal("1"),
    "annual_investment": Decimal("100000"),
    "sponsorship": 4,
}
#: A channel partner with some strategic activity: the alliancize flag (seed 001).
PROMISING_CHANNEL = {
    "score_goals": 2,
    "score_competency": 2,
    "score_opportunities": 3,
    "score_sustainability": 1,
    "score_innovation": 2,
    "act_joint_planning": True,
    "act_knowledge": True,
}
WEAK = {"score_goals": 1, "score_competency": 1, "score_opportunities": 1}


def tier(name: str) -> Tier:
    return Tier.objects.get(name=name)


def content(response) -> str:
    return response.content.decode()


@pytest.fixture
def portfolio(db, home, partner_org, other_partner_org):
    """Four alliances in the Strategic tier (target 3), a promising reseller, a weak one, one unreviewed."""
    strategic = tier("Strategic")
    stratus = f.AllianceFactory(
        name="Stratus Co-sell", partner=partner_org, tier=strategic, annual_value=Decimal("2500000")
    )
    f.ReviewFactory(alliance=stratus, **STRONG)
    tops = [stratus]
    for i, score in enumerate((2, 1, 0), start=1):
        a = f.AllianceFactory(name=f"Top Alliance {i}", tier=strategic, annual_value=Decimal("900000"))
        f.ReviewFactory(alliance=a, **{**STRONG, "score_innovation": score})
        tops.append(a)
    reseller = f.AllianceFactory(
        name="Pacific Reseller",
        partner=other_partner_org,
        alliance_type=AllianceType.CHANNEL,
        tier=tier("Silver"),
        annual_value=Decimal("300000"),
    )
    f.ReviewFactory(alliance=reseller, **PROMISING_CHANNEL)
    weak = f.AllianceFactory(name="Weak Marketing", tier=tier("Gold"), alliance_type=AllianceType.MARKETING)
    f.ReviewFactory(alliance=weak, **WEAK)
    unreviewed = f.AllianceFactory(name="Nimbus Prospect", stage="assess")
    return {"tops": tops, "stratus": stratus, "reseller": reseller, "weak": weak, "unreviewed": unreviewed}


# --- dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "manager", "executive"])
def test_dashboard_renders_for_internal_roles(request, client_for, portfolio, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(PORTFOLIO)
    assert response.status_code == 200
    html = content(response)
    assert 'data-testid="kpi-active">7<' in html
    assert 'data-chart-type="pyramid"' in html
    assert 'data-chart-type="matrix"' in html
    assert 'id="chart-matrix"' in html
    assert "over-subscribed by 1" in html
    assert "Stratus Co-sell" in html


def test_dashboard_counts_strategic_alliances_and_revenue(client_for, manager, portfolio):
    html = content(client_for(manager).get(PORTFOLIO))
    assert 'data-testid="kpi-strategic">4<' in html
    # 2.5M + 3 × 0.9M + 0.3M
    assert "€5.5M" in html


def test_dashboard_lists_alliances_due_for_review(client_for, manager, portfolio):
    # Factories make alliances in manage & grow; the reviews are today's, so none of the
    # reviewed ones is due; an unreviewed alliance in manage & grow is.
    f.AllianceFactory(name="Never Reviewed Manage")
    html = content(client_for(manager).get(PORTFOLIO))
    assert "Never Reviewed Manage" in html
    assert 'data-testid="kpi-due">1<' in html


def test_partner_dashboard_shows_only_their_alliances_and_no_classification(client_for, partner, portfolio):
    response = client_for(partner).get(PORTFOLIO)
    assert response.status_code == 200
    html = content(response)
    assert "Stratus Co-sell" in html
    for other in ("Pacific Reseller", "Top Alliance 1", "Weak Marketing", "Nimbus Prospect"):
        assert other not in html
    lowered = html.lower()
    assert "classification" not in lowered
    assert "badge-class-" not in html
    assert "not reviewed" not in lowered
    assert "recommended" not in lowered
    assert 'data-chart-type="matrix"' not in html
    assert reverse("alliances:strategic_review") not in html
    assert 'data-testid="kpi-active">1<' in html


def test_dashboard_for_an_empty_portfolio(client_for, admin):
    response = client_for(admin).get(PORTFOLIO)
    assert response.status_code == 200
    assert "No alliance has a strategic review yet" in content(response)


def test_dashboard_requires_sign_in(client):
    response = client.get(PORTFOLIO)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def _make_reviewed(n: int, start: int) -> None:
    for i in range(start, start + n):
        a = f.AllianceFactory(name=f"Bulk {i}", tier=tier("Gold"), annual_value=Decimal(i * 1000))
        a.objectives.add(f.ObjectiveFactory())
        f.ReviewFactory(alliance=a, **(STRONG if i % 2 else WEAK))
        f.AllianceFactory(name=f"Bulk unreviewed {i}", stage="identify")


@pytest.mark.parametrize("url", [PORTFOLIO, REVIEW, OBJECTIVES, RULES, REVIEW + "?export=csv"])
def test_portfolio_pages_use_constant_queries(client_for, manager, home, url):
    client = client_for(manager)
    _make_reviewed(5, 0)
    few = _queries(client, url)
    _make_reviewed(20, 100)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries for 5 alliances, {many} for 25"


def test_partner_dashboard_uses_constant_queries(client_for, partner, partner_org):
    client = client_for(partner)
    for i in range(5):
        f.AllianceFactory(name=f"Shared {i}", partner=partner_org)
    few = _queries(client, PORTFOLIO)
    for i in range(5, 25):
        f.AllianceFactory(name=f"Shared {i}", partner=partner_org)
    assert _queries(client, PORTFOLIO) == few


# --- strategic review -----------------------------------------------------------------------


def test_strategic_review_flags_the_oversubscribed_strategic_tier(client_for, manager, portfolio):
    html = content(client_for(manager).get(REVIEW))
    assert "<strong>Strategic</strong> holds 4 alliances, target 3: over-subscribed by 1" in html
    assert "only a few alliances can be strategic (seed 000)" in html


def test_strategic_review_suggests_alliancizing_a_promising_channel_partner(client_for, manager, portfolio):
    html = content(client_for(manager).get(REVIEW))
    start = html.index('data-testid="alliancize"')
    callout = html[start : html.index('data-testid="ranking"')]
    assert "Pacific Reseller" in callout
    assert "Stratus Co-sell" not in callout
    assert "Weak Marketing" not in callout


def test_strategic_review_ranks_by_criteria_total(client_for, manager, portfolio):
    html = content(client_for(manager).get(REVIEW))
    table = html[html.index('data-testid="ranking"') :]
    order = ["Stratus Co-sell", "Top Alliance 1", "Top Alliance 2", "Top Alliance 3", "Pacific Reseller"]
    positions = [table.index(name) for name in order]
    assert positions == sorted(positions)
    assert table.index("Pacific Reseller") < table.index("Weak Marketing")


def test_strategic_review_shows_current_and_recommended_tier(client_for, manager, portfolio):
    html = content(client_for(manager).get(REVIEW))
    row_start = html.index(f'data-alliance="{portfolio["weak"].pk}"')
    row = html[row_start : html.index("</tr>", row_start)]
    # Weak Marketing sits in Gold; its review recommends Registered.
    assert "Gold" in row and "Registered" in row
    assert "over-tiered" in row
    stratus_start = html.index(f'data-alliance="{portfolio["stratus"].pk}"')
    stratus_row = html[stratus_start : html.index("</tr>", stratus_start)]
    assert "fits" in stratus_row
    assert "badge-class-strategic" in stratus_row


def test_strategic_review_lists_unreviewed_alliances_with_a_review_link(client_for, manager, portfolio):
    html = content(client_for(manager).get(REVIEW))
    section = html[html.index('data-testid="unreviewed"') :]
    assert "Nimbus Prospect" in section
    assert reverse("alliances:review_create", args=[portfolio["unreviewed"].pk]) in section


def test_strategic_review_ranking_exports_csv(client_for, executive, portfolio):
    response = client_for(executive).get(REVIEW, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Rank", "Alliance", "Partners"]
    assert [r[1] for r in rows[1:3]] == ["Stratus Co-sell", "Top Alliance 1"]
    assert len(rows) == 1 + 6
    stratus = rows[1]
    assert stratus[0] == "1"
    assert stratus[5] == "17"
    assert stratus[8] == "Strategic"
    assert stratus[9] == "Strategic" and stratus[10] == "Strategic"
    reseller = next(r for r in rows if r[1] == "Pacific Reseller")
    assert reseller[12] == "alliancize"


#: The portfolio fixture's reviewed alliances in the ranking's order.
RANKED = (
    "Stratus Co-sell",
    "Top Alliance 1",
    "Top Alliance 2",
    "Top Alliance 3",
    "Pacific Reseller",
    "Weak Marketing",
)


def ranked_names(html: str) -> list[str]:
    table = html[
        html.index('data-testid="ranking"') : html.index("</table>", html.index('data-testid="ranking"'))
    ]
    return [a for a in RANKED if a in table]


def test_strategic_review_pages_the_ranking_and_exports_every_row(
    client_for, executive, portfolio, monkeypatch
):
    from amity.alliances import views_portfolio

    monkeypatch.setattr(views_portfolio, "RANKING_PAGE_SIZE", 4)
    client = client_for(executive)
    first = content(client.get(REVIEW))
    assert ranked_names(first) == ["Stratus Co-sell", "Top Alliance 1", "Top Alliance 2", "Top Alliance 3"]
    assert "1–4 of 6" in first and "Page 1 of 2" in first
    assert 'href="?page=2#ranking"' in first
    assert "hx-target" not in first[first.index('id="ranking"') :].split("</nav>")[0]
    second = content(client.get(REVIEW, {"page": 2}))
    assert ranked_names(second) == ["Pacific Reseller", "Weak Marketing"]
    assert "5–6 of 6" in second
    # Counts and the callouts cover the whole ranking on every page.
    assert "6 reviewed" in second and "Stratus Co-sell" not in ranked_names(second)
    assert "Pacific Reseller" in second[second.index('data-testid="alliancize"') :]
    # A page past the end shows the last one, not an error.
    assert ranked_names(content(client.get(REVIEW, {"page": 99}))) == ["Pacific Reseller", "Weak Marketing"]
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(REVIEW, {"export": "csv", "page": 2}).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 1 + 6


def test_strategic_review_matrix_samples_evenly_over_its_limit(client_for, executive, portfolio, monkeypatch):
    from amity.alliances import views_portfolio

    html = content(client_for(executive).get(REVIEW))
    assert 'data-testid="matrix-sample"' not in html
    monkeypatch.setattr(views_portfolio, "MATRIX_POINTS", 4)
    for url in (REVIEW, PORTFOLIO):
        html = content(client_for(executive).get(url))
        assert "3 of 6 reviewed alliances, an even sample across the ranking" in html
        start = html.index('id="chart-matrix"')
        chart = html[start : html.index("</script>", start)]
        # Every second alliance of the ranking: ranks 1, 3 and 5.
        assert [n for n in RANKED if f'"name": "{n}"' in chart] == [
            "Stratus Co-sell",
            "Top Alliance 2",
            "Pacific Reseller",
        ]


def test_strategic_review_lists_the_first_unreviewed_and_links_the_rest(
    client_for, executive, portfolio, monkeypatch
):
    from amity.alliances import views_portfolio

    f.AllianceFactory(name="Another Prospect", stage="assess")
    monkeypatch.setattr(views_portfolio, "UNREVIEWED_SHOWN", 1)
    html = content(client_for(executive).get(REVIEW))
    section = html[html.index('data-testid="unreviewed"') :]
    assert section.count('data-testid="unreviewed-more"') == 1
    assert "and 1 more in the alliance list" in section
    link = reverse("alliances:alliance_list") + "?classification=none"
    assert link in section
    listed = content(client_for(executive).get(link))
    assert "Another Prospect" in listed and "Nimbus Prospect" in listed and "Weak Marketing" not in listed


@pytest.mark.parametrize("url", [REVIEW, REVIEW + "?export=csv", OBJECTIVES, RULES])
def test_internal_pages_are_404_for_partner_users(client_for, partner, portfolio, url):
    assert client_for(partner).get(url).status_code == 404


def test_sidebar_hides_internal_pages_from_partners(client_for, partner, portfolio):
    html = content(client_for(partner).get(PORTFOLIO))
    assert reverse("alliances:objective_coverage") not in html
    assert reverse("alliances:rules") not in html


# --- objectives -----------------------------------------------------------------------------


def test_objective_coverage_lists_uncovered_objective_and_alliances_without_one(
    client_for, manager, portfolio
):
    served = f.ObjectiveFactory(code="O2", title="Enter the healthcare vertical")
    uncovered = f.ObjectiveFactory(code="O3", title="Expand in Asia-Pacific")
    portfolio["stratus"].objectives.add(served)
    html = content(client_for(manager).get(OBJECTIVES))
    warning = html[html.index('data-testid="uncovered"') : html.index('data-testid="objectives"')]
    assert uncovered.title in warning
    assert served.title not in warning
    assert "Pacific Reseller" in html[html.index('data-testid="without-objective"') :]
    matrix = html[html.index('data-testid="coverage-matrix"') :]
    assert "bi-check-lg" in matrix


# --- rules ----------------------------------------------------------------------------------


def test_rules_page_lists_default_rules_in_plain_words(client_for, manager, db):
    response = client_for(manager).get(RULES)
    assert response.status_code == 200
    html = content(response)
    assert "Strategic: strong criteria, strategic activities and commitment" in html
    assert "criteria total ≥ 13" in html
    assert "Alliancize: channel partner with strategic potential" in html
    assert "alliance type is Channel" in html
    assert "investment ≥ €50,000" in html
    assert "criteria_total" in html  # facts glossary
    for tier_name in ("Strategic", "Platinum", "Gold", "Silver", "Registered"):
        assert tier_name in html
    assert "A signed alliance agreement is on file" in html
    assert "Transform, innovate or exit" in html
    assert "/admin/alliances/reviewrule/" not in html


def test_rules_page_links_admins_to_the_admin(client_for, admin):
    html = content(client_for(admin).get(RULES))
    assert "/admin/alliances/reviewrule/" in html
    assert "/admin/alliances/gaterequirement/" in html


def test_strategic_review_explains_the_first_candidates_and_counts_the_rest(
    client_for, executive, portfolio, monkeypatch
):
    from amity.alliances import views_portfolio

    monkeypatch.setattr(views_portfolio, "ALLIANCIZE_SHOWN", 0)
    html = content(client_for(executive).get(REVIEW))
    callout = html[html.index('data-testid="alliancize"') : html.index('data-testid="ranking"')]
    assert "Pacific Reseller" not in callout and "and 1 more, flagged in the ranking below" in callout
    monkeypatch.setattr(views_portfolio, "ALLIANCIZE_SHOWN", 10)
    html = content(client_for(executive).get(REVIEW))
    callout = html[html.index('data-testid="alliancize"') : html.index('data-testid="ranking"')]
    assert "Pacific Reseller" in callout and "Why:" in callout and "more, flagged" not in callout


def test_the_ranking_reads_in_constant_queries(executive, portfolio):
    from amity.alliances import selectors

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            ranking = selectors.strategic_review_ranking(user=executive)
            # What the pages and the API read of every row and unreviewed alliance.
            for r in ranking["rows"]:
                (
                    r["alliance"].name,
                    r["alliance"].get_absolute_url(),
                    r["review"].review_date,
                    r["review"].pk,
                )
            for a in ranking["unreviewed"]:
                (a.name, a.get_alliance_type_display(), a.get_stage_display(), a.tier and a.tier.name)
        return len(ctx.captured_queries)

    few = queries()
    for i in range(5):
        a = f.AllianceFactory(name=f"More {i}", tier=tier("Gold"))
        f.ReviewFactory(alliance=a, **WEAK)
        f.AllianceFactory(name=f"Unreviewed {i}", tier=tier("Silver"))
    assert queries() == few <= 5
