"""In a real browser: two people edit the same partner; the second gets the conflict with both
versions side by side, takes the other's industry, keeps their own website, and saves."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_stale_edit_is_merged_field_by_field(page):
    from amity.core.services import model_update

    f.home_org()
    org = f.OrganizationFactory(name="Merge Partner", industry="Retail", website="https://old.example")
    manager = f.manager_user(username="mergemanager")
    other = f.manager_user(username="othermanager")
    sign_in(page, "mergemanager", f.PASSWORD)
    page.goto(f"/partners/{org.pk}/edit/")
    # Meanwhile someone else saves a new industry.
    model_update(instance=org, data={"industry": "Logistics"}, user=other)
    page.fill("#id_industry", "Retail banking")
    page.fill("#id_website", "https://new.example")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    merge = page.locator("[data-testid=conflict-merge]")
    assert "Logistics" in merge.inner_text() and "Retail banking" in merge.inner_text()
    page.click("tr[data-field=industry] [data-merge-take]")
    assert page.input_value("#id_industry") == "Logistics"
    with page.expect_navigation():
        page.click("[data-testid=save]")
    org.refresh_from_db()
    assert (org.industry, org.website) == ("Logistics", "https://new.example")
    assert org.history.first().history_user == manager
