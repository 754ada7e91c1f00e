"""Upgrades: a database of an earlier Amity, with data in it, migrates to this version intact.

An empty SQLite database is migrated to the state of an earlier commit (``EARLIER``, before the
tier review, the strategic review as an instrument, sharing, token scopes, the partner portal,
webhooks and comments), rows are written through the historical models of that state, then it
is migrated to the previous submission's state (``PREVIOUS``, commit 09f19a6) where more rows
are written, then to this version with ``amity migrate``. The rows must still be there, pass
the current models' validation, get what the data migrations give existing rows, and show on
their pages. Finally the backup taken at ``PREVIOUS`` (before upgrading) is restored with
``restore --migrate --force`` over the upgraded database, which must give the same data.

The scenario runs in a subprocess (this file, run as a script), so the test database of the
rest of the suite is never migrated backwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: The Amity migrations as of commit 6da2ed1 (balanced scorecard), per app; apps absent did not exist.
EARLIER = {
    "accounts": "0002_initial",
    "agreements": "0002_alter_historicalagreement_history_change_reason_and_more",
    "alliances": "0003_alter_historicalalliance_history_change_reason_and_more",
    "assessments": "0001_initial",
    "funds": "0002_incentives",
    "governance": "0003_alter_historicalactionitem_history_change_reason_and_more",
    "notifications": "0002_alter_historicalcalendarfeed_history_change_reason_and_more",
    "partners": "0002_alter_historicalcontact_history_change_reason_and_more",
    "pipeline": "0003_external_id_indexes",
    "planning": "0002_alter_historicalinitiativeresource_history_change_reason_and_more",
    "scorecards": "0001_initial",
}
#: The Amity migrations as of commit 09f19a6, the previous submission.
PREVIOUS = {
    **EARLIER,
    "accounts": "0003_token_scope_signin_events",
    "alliances": "0005_sharing",
    "assessments": "0002_assessment_review",
    "comments": "0001_initial",
    "notifications": "0003_mentioned_reason",
    "partners": "0004_partner_applications",
    "portal": "0001_initial",
    "webhooks": "0001_initial",
}


# --- The scenario (in the subprocess) ------------------------------------------------------


def _targets(loader: Any, state: dict[str, str]) -> list[tuple[str, str | None]]:
    """Amity apps at ``state`` (absent: not yet there); other apps at their latest migration."""
    from django.apps import apps

    targets: list[tuple[str, str | None]] = []
    for app in sorted(loader.migrated_apps):
        if apps.get_app_config(app).name.startswith("amity."):
            targets.append((app, state.get(app)))
        else:
            targets += [node for node in loader.graph.leaf_nodes() if node[0] == app]
    return targets


def _migrate_to(state: dict[str, str]) -> tuple[Any, dict[str, str]]:
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    project_state = executor.migrate(_targets(executor.loader, state))
    applied: dict[str, str] = {}
    for app, name in sorted(MigrationExecutor(connection).loader.applied_migrations):
        if apps.get_app_config(app).name.startswith("amity."):
            applied[app] = max(applied.get(app, ""), name)
    return project_state.apps, applied


def _write_earlier(apps: Any) -> dict[str, int]:
    """Rows of the earlier version, through its own models (no code of today's models)."""
    Organization = apps.get_model("partners", "Organization")
    User = apps.get_model("accounts", "User")
    ApiToken = apps.get_model("accounts", "ApiToken")
    Tier = apps.get_model("alliances", "Tier")
    Alliance = apps.get_model("alliances", "Alliance")
    AllianceParty = apps.get_model("alliances", "AllianceParty")
    StrategicReview = apps.get_model("alliances", "StrategicReview")
    Agreement = apps.get_model("agreements", "Agreement")
    Commitment = apps.get_model("agreements", "Commitment")

    home = Organization.objects.create(name="Upgrade Home", is_home=True)
    partner = Organization.objects.create(name="Upgrade Partner Ltd")
    admin = User.objects.create(username="upgrade-admin", password="!", role="admin", email="a@example.com")
    token = ApiToken.objects.create(user=admin, name="made before scopes", prefix="amt_0000", digest="0" * 64)
    alliance = Alliance.objects.create(
        name="Upgrade Alliance",
        alliance_type="gtm",
        owner=admin,
        tier=Tier.objects.get(name="Gold"),
        annual_value=Decimal("1234567.89"),
        start_date=date(2025, 3, 1),
    )
    AllianceParty.objects.create(alliance=alliance, organization=partner, role="partner")
    review = StrategicReview.objects.create(
        alliance=alliance,
        reviewed_by=admin,
        review_date=date(2026, 6, 30),
        score_goals=3,
        score_competency=2,
        score_opportunities=3,
        score_sustainability=2,
        score_innovation=1,
        act_joint_planning=True,
        fte=Decimal("0.5"),
        annual_investment=Decimal("60000.00"),
        sponsorship=3,
    )
    agreement = Agreement.objects.create(alliance=alliance, title="Upgrade co-sell agreement", kind="other")
    commitment = Commitment.objects.create(
        alliance=alliance,
        party=partner,
        nature="hard",
        agreement=agreement,
        title="Two joint webinars",
        due_date=date(2026, 12, 31),
        amount=Decimal("25000.00"),
        currency="EUR",
    )
    return {
        "home": home.pk,
        "partner": partner.pk,
        "admin": admin.pk,
        "token": token.pk,
        "alliance": alliance.pk,
        "review": review.pk,
        "agreement": agreement.pk,
        "commitment": commitment.pk,
    }


def _write_previous(apps: Any, ids: dict[str, int]) -> None:
    SharingSetting = apps.get_model("alliances", "SharingSetting")
    SharingSetting.objects.create(
        alliance_id=ids["alliance"], organization_id=ids["partner"], kind="revenue", shared=True
    )


def _facts(ids: dict[str, int]) -> dict[str, Any]:
    """What the upgraded database holds, read through today's models and pages."""
    from django.core.exceptions import ValidationError
    from django.test import Client

    from amity.accounts.models import ApiToken, User
    from amity.agreements.models import Agreement, Commitment
    from amity.alliances.models import Alliance, SharingSetting, StrategicReview, Tier
    from amity.assessments.models import Assessment
    from amity.partners.models import Organization

    objects = {
        "home": Organization.objects.get(pk=ids["home"]),
        "partner": Organization.objects.get(pk=ids["partner"]),
        "admin": User.objects.get(pk=ids["admin"]),
        "alliance": Alliance.objects.get(pk=ids["alliance"]),
        "review": StrategicReview.objects.get(pk=ids["review"]),
        "agreement": Agreement.objects.get(pk=ids["agreement"]),
        "commitment": Commitment.objects.get(pk=ids["commitment"]),
    }
    invalid = {}
    for key, obj in objects.items():
        try:
            obj.full_clean()
        except ValidationError as exc:
            invalid[key] = exc.message_dict
    alliance = objects["alliance"]
    client = Client()
    client.force_login(objects["admin"])
    return {
        "alliance": [alliance.name, str(alliance.annual_value), alliance.tier.name, str(alliance.start_date)],
        "parties": list(alliance.parties.values_list("organization__name", flat=True)),
        "invalid": invalid,
        "token_scope": ApiToken.objects.get(pk=ids["token"]).scope,
        "tier_levels": dict(Tier.objects.values_list("name", "engagement_level")),
        "review_mirrored": Assessment.objects.filter(review_id=ids["review"]).count(),
        "sharing": list(SharingSetting.objects.filter(alliance=alliance).values_list("kind", "shared")),
        "pages": {
            url: client.get(url).status_code
            for url in (
                alliance.get_absolute_url(),
                objects["agreement"].get_absolute_url(),
                "/",
            )
        },
    }


def scenario(workdir: Path) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    django.setup()
    from django.core.management import call_command

    report: dict[str, Any] = {}
    apps, report["earlier_state"] = _migrate_to(EARLIER)
    ids = _write_earlier(apps)

    apps, report["previous_state"] = _migrate_to(PREVIOUS)
    _write_previous(apps, ids)
    archive = workdir / "previous.tar.gz"  # taken before the upgrade, as the upgrade notes ask
    call_command("backup", str(archive), verbosity=0)

    call_command("migrate", interactive=False, verbosity=0)
    report["upgraded"] = _facts(ids)

    call_command("restore", str(archive), migrate=True, force=True, verbosity=0)
    report["restored"] = _facts(ids)
    return report


# --- The test (in pytest) ------------------------------------------------------------------


def run_scenario(tmp_path: Path, database_url: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "AMITY_TEST_DATABASE_URL"}
    env.update(DATABASE_URL=database_url, AMITY_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, __file__, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_database_of_an_earlier_version_migrates_with_its_data(tmp_path):
    check(run_scenario(tmp_path, f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"))


def test_the_same_upgrade_on_postgresql(tmp_path, postgres_scratch_url):
    check(run_scenario(tmp_path, postgres_scratch_url))


def check(report: dict[str, Any]) -> None:
    """What the scenario must have found, on either engine."""
    # The states really are the earlier ones (no migration of those commits was rewritten).
    assert report["earlier_state"] == EARLIER
    assert report["previous_state"] == PREVIOUS

    upgraded = report["upgraded"]
    assert upgraded["alliance"] == ["Upgrade Alliance", "1234567.89", "Gold", "2025-03-01"]
    assert upgraded["parties"] == ["Upgrade Partner Ltd"]
    assert upgraded["invalid"] == {}
    # What the data migrations give existing rows:
    assert upgraded["token_scope"] == "write"  # a token from before scopes keeps its access
    assert (
        upgraded["tier_levels"]["Gold"] == "managed" and upgraded["tier_levels"]["Silver"] == "self-service"
    )
    assert upgraded["review_mirrored"] == 1  # the strategic review became an assessment wave
    assert upgraded["sharing"] == [["revenue", True]]
    assert set(upgraded["pages"].values()) == {200}, upgraded["pages"]

    # The backup taken before the upgrade, restored into this version with --migrate (back to
    # its state, load, forward): the same upgraded rows and pages.
    assert report["restored"] == upgraded


if __name__ == "__main__":
    print(json.dumps(scenario(Path(sys.argv[1]))))
