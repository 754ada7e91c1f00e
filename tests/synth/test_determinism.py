"""The same seed generates the same program; another seed another one. The command prints a
summary per table."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction

from amity.alliances.models import Alliance, StrategicReview
from amity.partners.models import Contact, Organization
from amity.pipeline.models import Account, Opportunity

SMALL = {"partners": 30, "alliances": 8, "opportunities": 400, "accounts": 150}
AS_OF = date(2026, 12, 4)


def indexes() -> dict[str, set[str]]:
    tables = ("pipeline_account", "pipeline_opportunity", "pipeline_opportunitystagechange")
    with connection.cursor() as cursor:
        return {t: set(connection.introspection.get_constraints(cursor, t)) for t in tables}


def snapshot(seed: int, **options) -> dict[str, list]:
    from amity.synth.generate import generate

    with transaction.atomic():
        generate(**SMALL, seed=seed, as_of=AS_OF, **options)
        shot = {
            "organizations": list(Organization.objects.order_by("pk").values_list("name", "country", "size")),
            "contacts": list(Contact.objects.order_by("pk").values_list("first_name", "last_name", "email")),
            "alliances": list(
                Alliance.objects.order_by("pk").values_list("name", "stage", "annual_value", "start_date")
            ),
            "reviews": list(
                StrategicReview.objects.order_by("pk").values_list("review_date", "criteria_total")
            ),
            "accounts": list(Account.objects.order_by("pk").values_list("name", "domain", "status")),
            "opportunities": list(
                Opportunity.objects.order_by("pk").values_list(
                    "name", "amount", "currency", "stage", "close_date", "created_at"
                )
            ),
        }
        shot["indexes"] = indexes()
        transaction.set_rollback(True)
    return shot


def test_the_same_seed_gives_the_same_names_and_amounts(db):
    first, again = snapshot(7), snapshot(7)
    assert first == again
    assert len(first["opportunities"]) == 400


def test_indexes_dropped_for_the_load_are_built_again_and_change_nothing(db):
    before = indexes()
    deferred = snapshot(7, defer_indexes_at=1)
    assert deferred == snapshot(7)
    assert deferred["indexes"] == before


def test_another_seed_gives_other_data(db):
    first, other = snapshot(7), snapshot(8)
    assert first["organizations"] != other["organizations"]
    assert first["opportunities"] != other["opportunities"]


def test_the_command_prints_progress_and_a_summary(db):
    out = StringIO()
    call_command(
        "generate", "--partners", "20", "--alliances", "4", "--opportunities", "1k", "--accounts", "100",
        "--seed", "5", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "pipeline_opportunity" in text and "rows/s" in text
    assert "Generated" in text and "total" in text
    assert Opportunity.objects.count() == 1000
