"""The demo portfolio: it loads, tells demo.md's story, and loading it again adds nothing.

The demo is loaded once per module inside a transaction that is rolled back at the end, so
other test modules never see it; each test runs in its own savepoint on top of it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from amity.accounts.models import User
from amity.alliances import selectors
from amity.alliances.models import (
    Alliance,
    AllianceMember,
    AllianceType,
    Classification,
    CorporateObjective,
    Stage,
    StageChange,
    StrategicReview,
    Tier,
)
from amity.core.roles import Role
from amity.demo import data
from amity.demo.loader import load
from amity.partners.models import Organization, PartnerKind

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        result = load()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def hannah(demo, db):
    return User.objects.get(username="hannah")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_demo_loads_halcyon_data_and_about_thirty_partners_of_every_kind(demo, db):
    home = Organization.objects.get(is_home=True)
    assert home.name == "Halcyon Data"
    partners = Organization.objects.filter(is_home=False)
    assert 28 <= partners.count() <= 35
    assert set(partners.values_list("partner_kind", flat=True)) == set(PartnerKind.values)
    for org in partners:
        assert org.domain and org.website and org.country and org.industry and org.size, org
        assert org.capability_list, org
    assert 24 <= Alliance.objects.count() <= 30
    assert demo.created["alliances"] == Alliance.objects.count()


def test_running_the_demo_again_adds_nothing(demo, db):
    before = row_counts()
    again = load()
    assert not again.created_anything
    assert again.existing["alliances"] == Alliance.objects.count()
    assert row_counts() == before


def test_demo_users_have_their_roles_and_the_demo_password(demo, db):
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "hannah": Role.ADMIN,
        "alice": Role.MANAGER,
        "omar": Role.MANAGER,
        "erin": Role.EXECUTIVE,
        "sam": Role.SALES,
        "priya": Role.PARTNER,
        "marco": Role.PARTNER,
        "lena": Role.PARTNER,
    }
    for user in User.objects.all():
        assert user.check_password(settings.DEMO_PASSWORD), user.username
    assert User.objects.get(username="hannah").is_staff


def test_partner_users_belong_to_different_partner_organizations(demo, db):
    partners = User.objects.filter(role=Role.PARTNER).select_related("organization")
    assert {u.organization.name for u in partners} == {"Stratus Cloud", "Meridian Consulting", "Kestrel IT"}
    priya = partners.get(username="priya")
    lena = partners.get(username="lena")
    assert list(Alliance.objects.visible_to(priya).values_list("name", flat=True)) == [
        "Stratus Cloud Co-Sell"
    ]
    assert list(Alliance.objects.visible_to(lena).values_list("name", flat=True)) == [
        "Kestrel IT Reseller (DACH)"
    ]


def test_alliance_managers_own_about_a_dozen_alliances_each(demo, db):
    owners = Counter(Alliance.objects.values_list("owner__username", flat=True))
    assert 11 <= owners["alice"] <= 15
    assert 11 <= owners["omar"] <= 15


def test_every_stage_and_every_type_appears(demo, db):
    assert set(Alliance.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Alliance.objects.values_list("alliance_type", flat=True)) == set(AllianceType.values)


def test_consortium_has_four_parties_and_soft_commitments(demo, db):
    consortium = Alliance.objects.get(name="Open Health Data Consortium")
    names = set(consortium.parties.values_list("organization__name", flat=True))
    assert names == {"Halcyon Data", "St. Aurelia Health", "Quantia ML", "Delft Institute of Data Science"}
    assert "soft commitments" in consortium.description


def test_strategic_tier_is_over_subscribed_by_one(hannah):
    strategic = Tier.objects.get(name="Strategic")
    assert strategic.target_count == 3
    assert Alliance.objects.filter(tier=strategic).count() == 4
    ranking = selectors.strategic_review_ranking(user=hannah)
    assert [(t["tier"].name, t["over_by"]) for t in ranking["oversubscribed"]] == [("Strategic", 1)]


def test_pacific_rim_is_flagged_to_alliancize(hannah):
    ranking = selectors.strategic_review_ranking(user=hannah)
    flagged = [row["alliance"].name for row in ranking["alliancize"]]
    assert flagged == ["Pacific Rim Solutions Reseller (APAC)"]
    row = ranking["alliancize"][0]
    assert row["alliance"].alliance_type == AllianceType.CHANNEL
    assert row["criteria_total"] >= 9
    assert row["classification"] != Classification.STRATEGIC


def test_every_classification_appears_and_a_few_alliances_are_unreviewed(hannah):
    ranking = selectors.strategic_review_ranking(user=hannah)
    assert {row["classification"] for row in ranking["rows"]} == set(Classification.values)
    assert 2 <= len(ranking["unreviewed"]) <= 3
    mismatched = {
        row["alliance"].name: row["fit"] for row in ranking["rows"] if row["fit"] in ("over", "under")
    }
    assert 2 <= len(mismatched) <= 6
    assert mismatched["Delft AI Research Programme"] == "over"


def test_reviews_come_from_the_rules_and_some_alliances_have_last_years_too(demo, db):
    stratus = Alliance.objects.get(name="Stratus Cloud Co-Sell")
    latest, previous = stratus.reviews.order_by("-review_date")[:2]
    assert (previous.review_date.year, latest.review_date.year) == (2025, 2026)
    assert latest.classification == Classification.STRATEGIC
    assert latest.recommended_tier.name == "Strategic"
    assert latest.explanation["rules"], "the rules' explanation is stored"
    assert all(r.evidence_goals and r.reviewed_by_id for r in StrategicReview.objects.all())
    twice = Alliance.objects.filter(reviews__review_date__year=2025).filter(reviews__review_date__year=2026)
    assert twice.distinct().count() >= 5


def test_stage_history_is_walked_through_the_life_cycle_by_people(demo, db):
    for alliance in Alliance.objects.all():
        changes = list(StageChange.objects.filter(alliance=alliance).order_by("changed_at", "id"))
        assert changes[0].from_stage == "" and changes[0].to_stage == Stage.IDENTIFY
        assert changes[-1].to_stage == alliance.stage
        assert all(c.changed_by_id for c in changes), alliance
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_stage == before.to_stage
    overridden = StageChange.objects.filter(overridden=True)
    assert overridden.exists()
    assert all(c.override_reason and c.changed_by.role == Role.ADMIN for c in overridden)
    oldbridge = Alliance.objects.get(name="OldBridge Connector")
    assert oldbridge.stage == Stage.TRANSFORM and oldbridge.exit_plan


def test_history_entries_carry_a_user_and_story_dates(demo, db):
    for model in (Alliance, AllianceMember, StrategicReview, Organization):
        assert not model.history.filter(history_user__isnull=True).exists(), model
    stratus = Alliance.objects.get(name="Stratus Cloud Co-Sell")
    assert stratus.created_at.date() == data.IMPORT
    assert stratus.reviews.order_by("-review_date").first().review_date == date(2026, 10, 12)
    assert stratus.history.order_by("history_date").first().history_date.date() == data.IMPORT


def test_sponsors_are_named_on_both_sides_of_launched_alliances(demo, db):
    launched = Alliance.objects.filter(stage__in=[Stage.LAUNCH, Stage.MANAGE, Stage.REVIEW, Stage.TRANSFORM])
    for alliance in launched:
        sponsors = alliance.members.filter(role="sponsor").select_related("contact__organization")
        sides = {m.contact.organization.is_home for m in sponsors}
        assert sides == {True, False}, alliance


def test_every_objective_is_served_and_healthcare_by_few(hannah):
    coverage = selectors.objective_coverage(user=hannah)
    assert coverage["uncovered"] == []
    served = {o.code: len(o.serving) for o in coverage["objectives"]}
    assert served.keys() == {"O1", "O2", "O3", "O4", "O5"}
    assert served["O2"] <= 3 < served["O1"]
    assert coverage["without_objective"], "some alliances serve no objective - a finding"
    assert CorporateObjective.objects.count() == 5


def test_demo_command_prints_the_users_and_password_and_serves_unless_told_not_to(demo, db, monkeypatch):
    from amity.demo.management.commands import demo as command

    calls = []
    monkeypatch.setattr(command, "call_command", lambda name, **kw: calls.append((name, kw)))
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert settings.DEMO_PASSWORD in text
    assert "http://" in text
    for spec in data.USERS:
        assert spec.username in text
    assert calls == []

    call_command("demo", "--port", "8123", stdout=StringIO())
    assert calls == [("serve", {"port": "8123"})]


@pytest.mark.parametrize("username", ["hannah", "alice", "sam", "priya", "lena"])
def test_the_dashboard_panels_count_what_the_agenda_holds(demo, db, username):
    """The panels' fast path (sources counting in the database) against the agenda read item by
    item, on the demo portfolio: the same count per kind and the same first items."""
    from datetime import timedelta

    from django.utils import timezone

    from amity.core import agenda
    from amity.notifications import selectors as panels

    user = User.objects.get(username=username)
    today = timezone.localdate()
    result = panels.dashboard_agenda(user=user, today=today)
    for name, start, end in (
        ("overdue", today - timedelta(days=panels.OVERDUE_LOOKBACK_DAYS), today - timedelta(days=1)),
        ("due", today, today + timedelta(days=panels.WEEK_DAYS)),
    ):
        slow = agenda.summarize(
            panels.agenda_for(user=user, start=start, end=end), panels.PANEL_ITEMS_PER_KIND
        )
        groups = {g.kind.code: g for g in result[f"{name}_groups"]}
        assert {k: c for k, (c, _) in slow.items()} == {k: g.count for k, g in groups.items()}, name
        assert {k: [i.uid for i in first] for k, (_, first) in slow.items()} == {
            k: [e.item.uid for e in g.shown] for k, g in groups.items()
        }, name
        assert result[f"{name}_count"] == sum(c for c, _ in slow.values())
    if username == "hannah":
        assert result["overdue_count"] and result["due_count"]  # the demo has both


@pytest.mark.parametrize("few", [0, 40])
def test_every_agenda_summary_answers_what_counting_its_items_would(demo, db, few, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from amity.alliances.models import Alliance
    from amity.core import agenda

    monkeypatch.setattr(agenda, "FEW", few)  # both ways of finding the first ones
    ids = Alliance.objects.values_list("pk", flat=True)
    today = timezone.localdate()
    with_summary = {name: r for name, r in agenda.registered().items() if r.summary is not None}
    assert {"pipeline", "planning.milestones", "agreements"} <= set(with_summary)
    for name, source in with_summary.items():
        for back, ahead in ((365, -1), (0, 7), (90, 120)):
            start, end = today - timedelta(days=back), today + timedelta(days=ahead)
            for limit in (0, 1, 4):
                slow = agenda.summarize(
                    (i for i in source.source(ids, start, end) if agenda.within(i, start, end)), limit
                )
                assert source.summary(ids, start, end, limit) == slow, (name, back, ahead, limit)
