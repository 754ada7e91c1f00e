"""Scoring of the health check with worked examples, both sides, the perception gap, answering
rules, indicators from Amity's records, and gaps turned into action items."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.assessments import indicators, scoring, services
from amity.assessments.models import Instrument, Side
from tests import factories as f

D = Decimal


@pytest.fixture
def health(db):
    return Instrument.objects.get(key="alliance-health", active=True)


@pytest.fixture
def wave(health, alliance, manager):
    return services.assessment_create(alliance=alliance, instrument=health, wave="H1 2026", user=manager)


def answer(assessment, user, values, submit=True):
    return services.response_save(assessment=assessment, user=user, answers=values, submit=submit)


def test_worked_example_rating_reversed_and_tension(wave, manager, home):
    colleague = f.manager_user(username="colleague")
    answer(wave, manager, {"management-coordination": {"value": 4}, "management-bottleneck": {"value": 2},
                           "management-position": {"value": 2, "want": 4}})  # fmt: skip
    answer(wave, colleague, {"management-coordination": {"value": 5}, "management-bottleneck": {"value": 2},
                             "management-position": {"value": 3, "want": 4}})  # fmt: skip
    result = scoring.score(wave)
    by_key = {r.item.key: r.sides[Side.OURS] for r in result.items}
    assert (by_key["management-coordination"].mean, by_key["management-coordination"].score) == (
        D("4.50"),
        D("87.5"),
    )
    assert by_key["management-bottleneck"].score == D("75.0")  # reversed: 100 − (2 − 1)/4 × 100
    # Tension: stands at 2.5 on average, wanted at 4: 100 − |2.5 − 4| / 4 × 100 = 62.5
    assert by_key["management-position"].score == D("62.5")
    [management] = [d for d in result.dimensions if d.key == "management"]
    assert management.scores[Side.OURS] == D("75.0")  # (87.5 + 75 + 62.5) / 3
    assert management.calculations[Side.OURS] == "(1×62.5 + 1×87.5 + 1×75.0) / 3 = 75.0"
    assert result.overall[Side.OURS] == D("75.0")  # the only dimension answered
    assert result.respondents == {Side.OURS: 2, Side.PARTNER: 0}


def test_perception_gap_between_the_sides(wave, manager, partner):
    answer(wave, manager, {"visibility-pipeline": {"value": 5}, "power-use": {"value": 4}})
    answer(wave, partner, {"visibility-pipeline": {"value": 2}, "power-use": {"value": 4}})
    result = scoring.score(wave)
    assert result.two_sided
    gaps = {r.item.key: r.gap for r in result.items if r.gap is not None}
    assert gaps == {"visibility-pipeline": D("3.00"), "power-use": D("0.00")}
    assert [r.item.key for r in result.largest_gaps] == ["visibility-pipeline"]
    [visibility] = [d for d in result.dimensions if d.key == "visibility"]
    assert (visibility.scores[Side.OURS], visibility.scores[Side.PARTNER], visibility.gap) == (
        D("100.0"),
        D("25.0"),
        D("75.0"),
    )
    chart = scoring.gap_chart(result)
    assert chart["labels"][0] == "Visibility and information access"


def test_drafts_do_not_count_and_answers_are_checked(wave, manager, partner, other_partner):
    answer(wave, manager, {"power-use": {"value": 5}}, submit=False)
    assert scoring.score(wave).respondents[Side.OURS] == 0
    with pytest.raises(ValidationError) as exc:
        answer(wave, manager, {"power-use": {"value": 7}})
    assert "power-use.value" in exc.value.message_dict
    with pytest.raises(ValidationError):
        answer(wave, manager, {"no-such-item": {"value": 3}})
    with pytest.raises(PermissionDenied):
        answer(wave, other_partner, {"power-use": {"value": 3}})  # not a party of this alliance
    services.assessment_close(assessment=wave, user=manager)
    with pytest.raises(ValidationError):
        answer(wave, partner, {"power-use": {"value": 3}})


def test_partner_cannot_answer_a_one_sided_assessment(health, alliance, manager, partner):
    ours_only = services.assessment_create(
        alliance=alliance, instrument=health, wave="Internal", two_sided=False, user=manager
    )
    with pytest.raises(PermissionDenied):
        answer(ours_only, partner, {"power-use": {"value": 3}})


def test_indicators_from_the_records(alliance, home, partner_org):
    home.capabilities = "Data platform\nAnalytics"
    home.save()
    partner_org.capabilities = "Cloud hosting\nAnalytics"
    partner_org.save()
    result = indicators.capability_complementarity(alliance)
    assert result.figure == "67 %"  # 2 of 3 capabilities held by one side only
    assert result.position == D("3.7")  # 1 + 4 × 0.667
    assert "analytics" in result.explanation
    assert indicators.hard_commitment_share(alliance) is None  # nothing to measure


def test_largest_gaps_become_action_items(wave, manager, partner, alliance, home):
    answer(wave, manager, {"visibility-pipeline": {"value": 5}})
    answer(wave, partner, {"visibility-pipeline": {"value": 1}})
    owner = f.ContactFactory(organization=home)
    [action] = services.gaps_to_actions(
        assessment=wave, user=manager, owner=owner, item_keys=["visibility-pipeline"]
    )
    assert action.alliance == alliance and "perception gap" in action.title
    assert "our side answers 5.00, the partner 1.00" in action.notes
    with pytest.raises(PermissionDenied):
        services.gaps_to_actions(
            assessment=wave, user=partner, owner=owner, item_keys=["visibility-pipeline"]
        )
