"""Any earlier version of a record can be looked at and restored - from the History, the
version page and the API - and the restore is itself recorded; workflow, parents and computed
figures are never restored."""

from __future__ import annotations

from datetime import date

import pytest

from amity.core import versions
from amity.core.services import model_update
from amity.funds.models import FundRequest, Statement
from tests.agreements.factories import CommitmentFactory
from tests.api.helpers import API, post


@pytest.fixture
def commitment(alliance, manager):
    c = CommitmentFactory(alliance=alliance, title="Ten joint references", due_date=date(2026, 6, 30))
    model_update(instance=c, data={"title": "Twelve joint references"}, user=manager)
    c, _ = model_update(instance=c, data={"due_date": date(2026, 9, 30)}, user=manager)
    return c


def _first(c):
    return c.history.order_by("history_date", "history_id").first()


def test_the_version_page_shows_what_differs_and_restores_it(commitment, manager, client_for):
    first = _first(commitment)
    client = client_for(manager)
    history = client.get(f"/commitments/{commitment.pk}/").content.decode()
    url = f"/versions/agreements.commitment/{commitment.pk}/{first.history_id}/"
    assert url in history
    page = client.get(url).content.decode()
    assert "Ten joint references" in page and "Twelve joint references" in page
    assert 'data-testid="restore-version"' in page
    response = client.post(url, {"version": commitment.version})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.due_date) == ("Ten joint references", date(2026, 6, 30))
    latest = commitment.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason.startswith("restored the version of")
    assert latest.history_user == manager


def test_a_stale_restore_is_refused_and_writes_nothing(commitment, manager, client_for):
    first = _first(commitment)
    stale = commitment.version - 1
    response = client_for(manager).post(
        f"/versions/agreements.commitment/{commitment.pk}/{first.history_id}/", {"version": stale}
    )
    assert response.status_code == 409 and b"changed by someone else" in response.content
    commitment.refresh_from_db()
    assert commitment.title == "Twelve joint references"


def test_the_api_lists_versions_and_restores_one(commitment, manager, api_for):
    client = api_for(manager)
    listed = client.get(API + f"/versions/agreements.commitment/{commitment.pk}").json()
    assert listed["current_version"] == commitment.version and len(listed["versions"]) == 3
    oldest = listed["versions"][-1]
    assert oldest["action"] == "created"
    path = f"/versions/agreements.commitment/{commitment.pk}/{oldest['history_id']}/restore"
    assert post(client, path, {"expected_version": 1}).status_code == 409
    done = post(client, path, {"expected_version": commitment.version})
    assert done.status_code == 200, done.content
    assert sorted(done.json()["changed"]) == ["due_date", "title"]
    assert done.json()["version"] == commitment.version + 1
    # Restoring the same version again changes nothing.
    assert post(client, path).json()["changed"] == []


def test_partners_find_no_versions_and_read_only_roles_cannot_restore(
    commitment, partner, executive, api_for, client_for
):
    first = _first(commitment)
    assert api_for(partner).get(API + f"/versions/agreements.commitment/{commitment.pk}").status_code == 404
    url = f"/versions/agreements.commitment/{commitment.pk}/{first.history_id}/"
    assert client_for(partner).get(url).status_code == 404
    assert 'data-testid="restore-version"' not in client_for(executive).get(url).content.decode()
    path = f"/versions/agreements.commitment/{commitment.pk}/{first.history_id}/restore"
    assert post(api_for(executive), path).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/versions/nothing.here/1/1/",
        "/versions/auth.group/1/1/",
        "/versions/agreements.commitment/999999/1/",
        "/versions/agreements.commitment/{pk}/99999999999999999999/",
    ],
)
def test_unknown_kinds_records_and_versions_are_not_found(url, commitment, manager, client_for):
    assert client_for(manager).get(url.format(pk=commitment.pk)).status_code == 404


def test_workflow_parents_and_computed_figures_are_never_restored():
    names = {f.name for f in versions.restorable_fields(FundRequest)}
    assert {"description", "planned_cost"} <= names
    assert not names & {"status", "budget", "approved_amount", "decided_at", "decided_by", "submitted_at"}
    assert versions.restorable_fields(Statement) == []
