from tests import factories as f


def test_partner_user_sees_only_alliances_of_their_organization(alliance, other_alliance, partner):
    from amity.alliances.models import Alliance

    assert list(Alliance.objects.visible_to(partner)) == [alliance]


def test_manager_sees_every_alliance(alliance, other_alliance, manager):
    from amity.alliances.models import Alliance

    assert set(Alliance.objects.visible_to(manager)) == {alliance, other_alliance}


def test_review_factory_runs_the_rules(db, home):
    review = f.ReviewFactory(
        score_goals=4,
        score_competency=3,
        score_opportunities=2,
        score_sustainability=2,
        score_innovation=2,
        act_bundled=True,
        act_joint_teams=True,
        act_joint_planning=True,
        fte=1,
        annual_investment=100000,
        sponsorship=4,
    )
    assert review.classification == "strategic"
    assert review.recommended_tier.name == "Platinum"
