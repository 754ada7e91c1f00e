"""The CRM import into the database: ``DatabaseSink`` and the ``amity import`` command."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amity.pipeline.importing import run_import
from amity.pipeline.importing.sink import DatabaseSink
from amity.pipeline.models import (
    Account,
    AccountStatus,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    OpportunityStageChange,
    PartnerRole,
)

from .factories import AccountFactory

DATA = Path(__file__).parent / "data"
SF_ACCOUNTS = DATA / "salesforce_accounts.csv"
SF_OPPORTUNITIES = DATA / "salesforce_opportunities.csv"
HS_DEALS = DATA / "hubspot_deals_bom.csv"
HS_COMPANIES = DATA / "hubspot_companies_latin1.csv"


def import_file(path, kind, *, user, alliance=None, **options):
    return run_import(path, kind, sink=DatabaseSink(user=user, alliance=alliance), **options)


def snapshot(model):
    return sorted(model.objects.values_list("pk", "version"))


@pytest.fixture
def sf_accounts(manager):
    import_file(SF_ACCOUNTS, "accounts", user=manager)


def test_salesforce_accounts_are_created_with_their_external_ids(manager, home):
    result = import_file(SF_ACCOUNTS, "accounts", user=manager)

    assert (result.created, result.updated, result.unchanged, result.rejected) == (4, 0, 0, 0)
    northwind = Account.objects.get(external_ids__salesforce="0015e00000Xy1AbAAJ")
    assert northwind.name == "Northwind Traders"
    assert northwind.domain == "northwindtraders.com"
    assert northwind.country == "US"
    assert northwind.status == AccountStatus.CUSTOMER
    assert northwind.owner_organization == home
    assert northwind.history.count() == 1


def test_salesforce_opportunities_are_linked_to_their_accounts_and_the_alliance(
    manager, alliance, sf_accounts
):
    result = import_file(SF_OPPORTUNITIES, "opportunities", user=manager, alliance=alliance)

    assert (result.created, result.rejected) == (5, 0)
    won = Opportunity.objects.get(external_ids__salesforce="0065e00000A1bCfAAJ")
    assert won.account.name == "Fabrikam GmbH"
    assert won.amount == Decimal("310500.50")
    assert won.stage == OpportunityStage.CLOSED_WON
    assert won.probability == 100
    assert won.links.get().alliance == alliance
    assert won.links.get().role == PartnerRole.CO_SELL
    assert list(won.stage_changes.values_list("from_stage", "to_stage")) == [("", "closed_won")]


def test_importing_the_same_files_again_changes_nothing(manager, alliance, sf_accounts):
    import_file(SF_OPPORTUNITIES, "opportunities", user=manager, alliance=alliance)
    before = (snapshot(Account), snapshot(Opportunity), OpportunityStageChange.objects.count())

    for _ in range(2):
        accounts = import_file(SF_ACCOUNTS, "accounts", user=manager)
        opportunities = import_file(SF_OPPORTUNITIES, "opportunities", user=manager, alliance=alliance)
        assert (accounts.created, accounts.updated, accounts.unchanged) == (0, 0, 4)
        assert (opportunities.created, opportunities.updated, opportunities.unchanged) == (0, 0, 5)

    assert (snapshot(Account), snapshot(Opportunity), OpportunityStageChange.objects.count()) == before
    assert OpportunityAlliance.objects.count() == 5


def test_a_changed_file_updates_exactly_the_changed_rows_and_records_the_stage_move(
    manager, sf_accounts, tmp_path
):
    import_file(SF_OPPORTUNITIES, "opportunities", user=manager)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        SF_OPPORTUNITIES.read_text().replace(
            "Northwind Traders - Data Platform,Prospecting,48000.00,10",
            "Northwind Traders - Data Platform,Proposal/Price Quote,52000.00,50",
        )
    )

    result = import_file(changed, "opportunities", user=manager)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    northwind = Opportunity.objects.get(external_ids__salesforce="0065e00000A1bCdAAJ")
    assert (northwind.stage, northwind.amount, northwind.probability) == ("proposal", Decimal("52000.00"), 50)
    assert northwind.version == 2
    move = northwind.stage_changes.last()
    assert (move.from_stage, move.to_stage, move.changed_by) == ("prospecting", "proposal", manager)
    assert set(Opportunity.objects.exclude(pk=northwind.pk).values_list("version", flat=True)) == {1}


def test_an_opportunity_of_an_unknown_account_is_a_row_error(manager, sf_accounts, tmp_path):
    orphan = tmp_path / "orphan.csv"
    orphan.write_text(SF_OPPORTUNITIES.read_text().replace("0015e00000Xy1AeAAJ", "0015e00000NOPEAAJ"))

    result = import_file(orphan, "opportunities", user=manager)

    assert (result.created, result.rejected) == (4, 1)
    [error] = list(result.errors)
    assert (error.line, error.column, error.value, error.reason) == (
        5,
        "AccountId",
        "0015e00000NOPEAAJ",
        "account not found",
    )
    assert not Opportunity.objects.filter(name="Adventure Works Pilot").exists()


def test_a_dry_run_writes_nothing(manager):
    result = run_import(SF_ACCOUNTS, "accounts", sink=None, dry_run=True)

    assert (result.rows_read, result.accepted, result.created) == (4, 4, 0)
    assert not Account.objects.exists()


def test_hubspot_deals_find_or_create_their_company_by_name(manager):
    AccountFactory(name="Globex Corp.")
    import_file(HS_COMPANIES, "accounts", user=manager)

    result = import_file(HS_DEALS, "opportunities", user=manager)

    assert (result.created, result.rejected) == (5, 0)
    globex = Opportunity.objects.get(external_ids__hubspot="9876543210")
    assert globex.account.name == "Globex Corp."
    soylent = Opportunity.objects.get(external_ids__hubspot="9876543213").account
    assert (soylent.name, soylent.status) == ("Soylent Corp", AccountStatus.PROSPECT)
    assert Account.objects.get(external_ids__hubspot="5550002").country == "DE"
    again = import_file(HS_DEALS, "opportunities", user=manager)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_hubspot_deal_without_a_company_names_the_associated_company_column(manager, tmp_path):
    # Found by the importer fuzz: the error named the internal field "account_external_id".
    lines = HS_DEALS.read_text(encoding="utf-8-sig").splitlines()
    row = next(csv.reader([lines[1]]))
    row[6] = ""
    out = StringIO()
    csv.writer(out).writerows([next(csv.reader([lines[0]])), row])
    orphan = tmp_path / "no_company.csv"
    orphan.write_text(out.getvalue(), encoding="utf-8")

    result = import_file(orphan, "opportunities", user=manager)

    [error] = list(result.errors)
    assert (error.line, error.column, error.value) == (2, "Associated Company", "")
    assert error.reason == "no account given: the deal must name one"
    assert not Opportunity.objects.exists()


def test_an_account_known_by_name_adopts_the_external_id(manager):
    existing = AccountFactory(name="Northwind Traders Inc.")

    result = import_file(SF_ACCOUNTS, "accounts", user=manager)

    assert (result.created, result.updated) == (3, 1)
    existing.refresh_from_db()
    assert existing.external_ids == {"salesforce": "0015e00000Xy1AbAAJ"}
    assert existing.name == "Northwind Traders"


def test_only_editors_may_import(executive, partner):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            DatabaseSink(user=user)


def _opportunities_file(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "CurrencyIsoCode"])
        for n in range(rows):
            writer.writerow(
                [f"006X{n:06d}", f"001X{n % 7:06d}", f"Deal {n}", "Prospecting", n, "2026-06-30", "EUR"]
            )
    return path


def _queries(manager, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_file(path, "opportunities", user=manager, batch_size=50)
    return len(queries)


def test_queries_grow_only_with_the_number_of_batches(manager, alliance, tmp_path):
    for n in range(7):
        AccountFactory(external_ids={"salesforce": f"001X{n:06d}"})
    small = _opportunities_file(tmp_path / "small.csv", 50)
    large = _opportunities_file(tmp_path / "large.csv", 500)

    first_small, first_large = _queries(manager, small), _queries(manager, large)
    again_small, again_large = _queries(manager, small), _queries(manager, large)

    assert Opportunity.objects.count() == 550 - 50  # the small file's ids are the large one's first 50
    assert first_large <= 10 * first_small
    assert again_large <= 10 * again_small


# --- the command -----------------------------------------------------------------------


def command(*args):
    out, err = StringIO(), StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_a_summary(manager, alliance, tmp_path):
    accounts = shutil.copy(SF_ACCOUNTS, tmp_path)
    out, _ = command("accounts", accounts, "--format", "salesforce", "--user", manager.username)
    assert out.strip() == "read 4, created 4, updated 0, unchanged 0, rejected 0"

    out, _ = command("opportunities", SF_OPPORTUNITIES, "--user", manager.username, "--alliance", alliance.pk)
    assert "created 5" in out
    assert alliance.opportunity_links.count() == 5


def test_the_command_writes_the_rejected_rows_next_to_the_file(manager, sf_accounts, tmp_path):
    bad = shutil.copy(DATA / "salesforce_opportunities_bad_values.csv", tmp_path)

    out, _ = command("opportunities", bad, "--user", manager.username)

    report = tmp_path / "salesforce_opportunities_bad_values.csv.errors.csv"
    assert "read 10, created 1, updated 0, unchanged 0, rejected 9" in out
    assert str(report) in out
    rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert rows[1][:3] == ["3", "CloseDate", "2026-02-30"]
    assert len({row[0] for row in rows[1:]}) == 9
    assert Opportunity.objects.get().name == "Good Deal"


def test_the_command_dry_run_writes_nothing(manager):
    out, _ = command("accounts", SF_ACCOUNTS, "--dry-run", "--user", manager.username)

    assert out.startswith("Dry run: read 4, created 0")
    assert not Account.objects.exists()


def test_a_file_that_cannot_be_imported_exits_with_code_2(manager):
    with pytest.raises(CommandError) as raised:
        command("opportunities", DATA / "header_only.csv", "--user", manager.username)

    assert raised.value.returncode == 2
    assert "no data rows" in str(raised.value)
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "--user: no active user"),
        (["--user", "{executive}"], "--user: You may not create"),
        (["--alliance", "999999"], "--alliance: alliance 999999 not found"),
    ],
)
def test_the_command_names_a_bad_option(manager, executive, args, message):
    args = [a.format(executive=executive.username) for a in args]
    if "--user" not in args:
        args += ["--user", manager.username]

    with pytest.raises(CommandError) as raised:
        command("accounts", SF_ACCOUNTS, *args)

    assert raised.value.returncode == 2
    assert message in str(raised.value)


def test_another_partners_account_is_not_shared_with_the_alliance(manager, alliance, other_partner_org):
    AccountFactory(owner_organization=other_partner_org, external_ids={"salesforce": "0015e00000Xy1AbAAJ"})
    for n, ext in enumerate(["0015e00000Xy1AcAAJ", "0015e00000Xy1AdAAJ", "0015e00000Xy1AeAAJ"]):
        AccountFactory(name=f"Home {n}", external_ids={"salesforce": ext})

    result = import_file(SF_OPPORTUNITIES, "opportunities", user=manager, alliance=alliance)

    assert (result.created, result.rejected) == (3, 2)
    assert {e.line for e in result.errors} == {2, 6}
    assert "cannot be shared" in next(iter(result.errors)).reason
