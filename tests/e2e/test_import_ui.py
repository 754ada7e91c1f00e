"""In a real browser: a manager uploads a Salesforce opportunity export, reviews the detected
format and mapping, confirms, watches the job finish and downloads the error report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from amity.pipeline import services_imports
from amity.pipeline.models import ImportJob, ImportStatus, Opportunity
from tests import factories as f
from tests.e2e.conftest import sign_in
from tests.pipeline.test_import_jobs import DATA, upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_imports_a_salesforce_export_and_downloads_the_error_report(page, tmp_path):
    f.home_org()
    manager = f.manager_user(username="importer", first_name="Ida", last_name="Import")
    # The accounts the opportunities refer to, imported beforehand.
    accounts = services_imports.import_upload(
        user=manager, file=upload("salesforce_accounts.csv"), kind="accounts"
    )
    services_imports.import_confirm(job=accounts, user=manager)
    assert services_imports.import_run(accounts.pk) == ImportStatus.DONE

    sign_in(page, "importer", f.PASSWORD)
    page.goto("/pipeline/imports/")
    page.click("[data-testid=create]")
    page.set_input_files("#id_file", str(DATA / "salesforce_opportunities_bad_values.csv"))
    page.select_option("#id_kind", "opportunities")
    page.click("[data-testid=upload]")

    # The preview: detected format, the mapping table with a select per column, sample rows.
    page.wait_for_selector("[data-testid=mapping-table]")
    assert "Salesforce" in page.inner_text("[data-testid=detected-format]")
    assert "(detected)" in page.inner_text("[data-testid=detected-format]")
    assert page.locator("[data-testid=mapping-table] select").count() == 15
    assert page.input_value("tr[data-column=StageName] select") == "stage"
    assert "Bad Amount" in page.inner_text("[data-testid=sample-rows]")
    page.select_option("tr[data-column=OwnerId] select", "")  # ignore the owner column

    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=import-progress][data-status=queued]")
    assert page.locator(".progress-bar").count() == 1
    job = ImportJob.objects.get(original_name="salesforce_opportunities_bad_values.csv")
    assert job.status == ImportStatus.QUEUED and job.mapping["OwnerId"] is None

    # The background worker runs the job; the polling page shows the result by itself.
    assert services_imports.import_run(job.pk) == ImportStatus.DONE
    page.wait_for_selector("[data-testid=import-done]")
    job.refresh_from_db()
    assert page.inner_text("[data-count=read]") == "10"
    assert page.inner_text("[data-count=rejected]") == str(job.rejected_count) != "0"
    assert page.inner_text("[data-count=created]") == str(job.created_count)
    assert Opportunity.objects.filter(name="Good Deal").exists()
    assert "2026-02-30" in page.inner_text("[data-testid=rejected-rows]")

    with page.expect_download() as download_info:
        page.click("[data-testid=error-report]")
    target = Path(tmp_path) / "errors.csv"
    download_info.value.save_as(target)
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert any(row[1] == "CloseDate" and row[2] == "2026-02-30" for row in rows[1:])
