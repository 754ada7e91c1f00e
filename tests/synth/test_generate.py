"""``amity generate``: the generated program is consistent, valid for the models and usable by the
app's pages; the options are checked.

The program (200 partners, 40 alliances, 20,000 opportunities, 5,000 accounts per side) is generated
once per module inside a transaction that is rolled back at the end; each test runs in a savepoint
on top of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from amity.accounts.models import User
from amity.alliances.models import Alliance, AllianceParty, StageChange, StrategicReview, TierChange
from amity.alliances.tabs import TABS
from amity.funds.models import Budget, LedgerEntry
from amity.partners.models import Organization
from amity.pipeline.models import Account, DealRegistration, Opportunity, OpportunityStageChange
from amity.pipeline.normalize import normalize_name
from amity.synth.generate import MARKER_USERNAME, GenerateError, generate
from amity.synth.writer import TableStats
from tests import factories as f

SIZES = {"partners": 200, "alliances": 40, "opportunities": 20_000, "accounts": 5_000}


@pytest.fixture(scope="module")
def program(django_db_setup, django_db_blocker):
    seen: list[TableStats] = []
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(**SIZES, seed=3, progress=seen.append)
        yield result, seen
        transaction.set_rollback(True)


@pytest.fixture
def result(program, db):
    return program[0]


@pytest.fixture
def admin_user(result):
    return f.admin_user(username="gen-admin")


def test_generates_the_sizes_asked_for_and_reports_rows_and_seconds(result):
    assert Organization.objects.filter(is_home=False).count() == 200
    assert Organization.objects.filter(is_home=True).count() == 1
    assert Alliance.objects.count() == 40
    assert Opportunity.objects.count() == 20_000
    home = Organization.objects.get(is_home=True)
    assert Account.objects.filter(owner_organization=home).count() == 5_000
    assert Account.objects.exclude(owner_organization=home).count() == 5_000
    assert result["pipeline_opportunity"] == 20_000
    assert result["pipeline_account"] == 10_000
    assert result["seconds"] > 0
    assert User.objects.filter(username=MARKER_USERNAME, is_active=False).exists()


def test_progress_is_reported_per_table_with_rows_and_time(program, db):
    _, seen = program
    last = {s.table: s for s in seen}
    assert last["pipeline_opportunity"].rows == 20_000
    assert last["pipeline_opportunity"].seconds > 0
    assert last["pipeline_opportunity"].rate > 0


def test_every_alliance_has_our_company_as_host_and_a_partner(result):
    home = Organization.objects.get(is_home=True)
    for alliance in Alliance.objects.all():
        roles = dict(AllianceParty.objects.filter(alliance=alliance).values_list("organization_id", "role"))
        assert roles.pop(home.pk) == "host"
        assert roles and set(roles.values()) <= {"partner", "lead", "member"}


def test_the_stage_history_of_every_alliance_ends_in_its_stage(result):
    for alliance in Alliance.objects.all():
        changes = list(StageChange.objects.filter(alliance=alliance).order_by("changed_at", "id"))
        assert changes[0].from_stage == "" and changes[0].to_stage == "identify"
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_stage == before.to_stage
        assert changes[-1].to_stage == alliance.stage
        assert alliance.stage_changed_at == changes[-1].changed_at


def test_running_alliances_have_a_tier_their_review_recommended(result):
    running = Alliance.objects.filter(stage__in=["launch", "manage", "review", "transform"])
    assert running.exists()
    for alliance in running:
        assert alliance.tier_id is not None
        latest = alliance.reviews.order_by("-review_date").first()
        assert latest.recommended_tier_id == alliance.tier_id
        change = TierChange.objects.filter(alliance=alliance).order_by("-changed_at").first()
        assert change.to_tier_id == alliance.tier_id and (change.rule_name or change.reason)


def test_reviews_are_classified_by_the_rules_and_mirrored_as_assessments(result):
    from amity.alliances.services import review_apply_rules

    reviews = list(StrategicReview.objects.select_related("alliance")[:15])
    assert reviews
    for review in reviews:
        stored = (review.classification, review.recommended_tier_id, review.criteria_total)
        review_apply_rules(review)
        assert (review.classification, review.recommended_tier_id, review.criteria_total) == stored
        assert review.assessment.responses.get().answers.count() == 12


def test_budgets_balance_with_their_ledger(result):
    budgets = list(Budget.objects.all())
    assert budgets
    signs = {
        "allocation": {"allocated": 1, "available": 1},
        "commit": {"available": -1, "committed": 1},
        "release": {"committed": -1, "available": 1},
        "claim": {"committed": -1, "claimed": 1},
        "pay": {"claimed": -1, "paid": 1},
        "expire": {"available": -1, "expired": 1},
    }
    for budget in budgets:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for entry in LedgerEntry.objects.filter(budget=budget):
            for column, sign in signs[entry.kind].items():
                totals[column] += sign * entry.amount
        for column in ("allocated", "committed", "claimed", "paid", "expired", "available"):
            assert getattr(budget, column) == totals[column], (budget, column)


def test_opportunities_won_or_lost_closed_in_the_past_and_open_ones_show_their_history(result):
    today = timezone.localdate()
    stages = Counter(Opportunity.objects.values_list("stage", flat=True))
    assert stages["closed_won"] and stages["closed_lost"] and stages["negotiation"]
    assert not Opportunity.objects.filter(
        stage__in=["closed_won", "closed_lost"], close_date__gte=today
    ).exists()
    for opp in Opportunity.objects.order_by("?")[:50]:
        changes = list(OpportunityStageChange.objects.filter(opportunity=opp).order_by("changed_at", "pk"))
        assert changes[0].from_stage == "" and changes[-1].to_stage == opp.stage
        assert changes[-1].changed_at == opp.stage_changed_at
        if opp.is_closed:
            assert timezone.localtime(opp.stage_changed_at).date() == opp.close_date


def test_a_third_of_the_deals_are_linked_and_some_registered_by_the_partner(result):
    linked = Opportunity.objects.filter(links__isnull=False).distinct().count()
    assert 0.15 < linked / 20_000 < 0.45
    registrations = DealRegistration.objects.all()
    assert registrations.exists()
    for reg in registrations[:30]:
        assert reg.organization_id in set(reg.alliance.parties.values_list("organization_id", flat=True))
        if reg.status in ("approved", "expired"):
            assert reg.protection_until and reg.opportunity_id


def test_accounts_with_a_won_deal_are_customers_and_a_third_of_the_partners_are_ours_too(result):
    home = Organization.objects.get(is_home=True)
    assert not Account.objects.filter(status="prospect", opportunities__stage="closed_won").exists()
    ours = set(Account.objects.filter(owner_organization=home).values_list("normalized_name", flat=True))
    theirs = list(Account.objects.exclude(owner_organization=home).values_list("normalized_name", flat=True))
    shared = sum(1 for name in theirs if name in ours)
    assert 0.25 < shared / len(theirs) < 0.45


def test_stored_names_are_normalized_as_the_app_normalizes_them(result):
    for account in Account.objects.order_by("?")[:500]:
        assert normalize_name(account.name) == account.normalized_name
    for reg in DealRegistration.objects.all()[:100]:
        assert normalize_name(reg.company_name) == reg.normalized_name


def _generated_models():
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in tables and model._meta.app_label not in (
            "contenttypes",
            "auth",
            "sessions",
        ):
            yield model


def test_full_clean_passes_on_a_sample_of_every_generated_model(result):
    generated = {name for name in result if name != "seconds"}
    checked = set()
    for model in _generated_models():
        if model._meta.db_table not in generated:
            continue
        for row in model._default_manager.order_by("?")[:25]:
            try:
                row.full_clean()
            except Exception as exc:  # pragma: no cover - the assertion shows what failed
                pytest.fail(f"{model.__name__} {row.pk}: {exc}")
        checked.add(model._meta.db_table)
    assert checked == generated


def test_every_foreign_key_of_the_generated_rows_points_at_a_row(result):
    # The load skips the per-row checks (ids are assigned by the generator): prove they hold.
    generated = {name for name in result if name != "seconds"}
    checked = 0
    for model in _generated_models():
        if model._meta.db_table not in generated:
            continue
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            dangling = (
                model._default_manager.filter(**{f"{field.attname}__isnull": False})
                .exclude(
                    **{f"{field.attname}__in": target._default_manager.values(field.target_field.attname)}
                )
                .count()
            )
            assert dangling == 0, f"{model._meta.db_table}.{field.column}"
            checked += 1
    assert checked > 50


def test_the_main_pages_answer_for_an_admin(result, admin_user, client_for):
    client = client_for(admin_user)
    rich = (
        Alliance.objects.filter(stage="manage", fund_budgets__isnull=False, opportunity_links__isnull=False)
        .distinct()
        .first()
    ) or Alliance.objects.filter(stage="manage").first()
    budget = Budget.objects.first()
    urls = [
        "/",
        reverse("alliances:alliance_list"),
        reverse("pipeline:opportunity_list"),
        reverse("pipeline:account_list"),
        reverse("pipeline:registration_list"),
        reverse("pipeline:forecast"),
        reverse("scorecards:scorecard_portfolio"),
        reverse("funds:overview"),
        reverse("funds:budget_detail", args=[budget.pk]),
        reverse("partners:organization_list"),
        reverse("agreements:agreement_list"),
        reverse(
            "pipeline:opportunity_detail", args=[Opportunity.objects.filter(links__isnull=False).first().pk]
        ),
        *(reverse(tab.url_name, args=[rich.pk]) for tab in TABS),
        *(
            reverse("alliances:alliance_detail", args=[a.pk])
            for a in {a.stage: a for a in Alliance.objects.all()}.values()
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_database_with_generated_data_is_refused_without_append(result):
    with pytest.raises(GenerateError, match="--append"):
        generate(partners=1, alliances=0, opportunities=0, accounts=0)


def test_append_adds_more_with_new_names(result):
    before = set(Organization.objects.values_list("name", flat=True))
    with transaction.atomic():
        added = generate(partners=30, alliances=5, opportunities=300, accounts=200, seed=3, append=True)
        assert added["partners_organization"] == 30
        after = set(Organization.objects.values_list("name", flat=True))
        assert len(after - before) == 30
        assert Alliance.objects.count() == 45
        home = Organization.objects.get(is_home=True)
        assert Account.objects.filter(owner_organization=home).count() == 5_200
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"partners": -1, "alliances": 0, "opportunities": 0, "accounts": 0}, "--partners"),
        ({"partners": 5, "alliances": -2, "opportunities": 0, "accounts": 0}, "--alliances"),
        ({"partners": 5, "alliances": 0, "opportunities": -3, "accounts": 0}, "--opportunities"),
        ({"partners": 5, "alliances": 0, "opportunities": 0, "accounts": -4}, "--accounts"),
        ({"partners": 5, "alliances": 6, "opportunities": 0, "accounts": 0}, "--alliances"),
        ({"partners": 5, "alliances": 1, "opportunities": 10, "accounts": 0}, "--accounts"),
    ],
)
def test_bad_options_are_refused_naming_the_option(options, message):
    with pytest.raises(GenerateError, match=message):
        generate(**options)


def test_the_command_refuses_bad_options_with_a_command_error(db):
    with pytest.raises(CommandError, match="--alliances"):
        call_command(
            "generate", "--partners", "3", "--alliances", "4", "--opportunities", "0", "--accounts", "0",
            stdout=StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command(
            "generate", "--partners", "-3", "--alliances", "0", "--opportunities", "0", "--accounts", "0",
            stdout=StringIO(),
        )  # fmt: skip
