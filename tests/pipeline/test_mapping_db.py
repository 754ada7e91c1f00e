"""Account mapping wired to Amity's accounts: services, pages and the visibility rule."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amity.pipeline import services_mapping as services
from amity.pipeline.mapping import private
from amity.pipeline.mapping.shared import overlap_matrix
from amity.pipeline.models import MappingRun, MappingStatus

pytestmark = pytest.mark.django_db


def test_account_pairs_key_on_domain_else_name_and_use_the_status_with_open_deals(home, lists):
    assert sorted(services.account_pairs(home.pk)) == [
        ("domain:acme.de", "customer"),
        ("domain:hooli.io", "prospect"),
        ("domain:initech.com", "open_opportunity"),
        ("name:globex", "customer"),
    ]


def test_shared_mapping_equals_the_plain_matrix_and_reveals_matches_with_both_names(
    home, partner_org, alliance, manager, lists
):
    run = services.mapping_shared(user=manager, alliance=alliance, partner=partner_org, reveal=True)
    expected = overlap_matrix(services.account_pairs(home.pk), services.account_pairs(partner_org.pk))
    assert run.status == MappingStatus.DONE and run.matrix["total"] == expected.total == 2
    cells = {(c["ours"], c["theirs"]): c["count"] for c in run.matrix["cells"]}
    assert cells[("customer", "prospect")] == 1 and cells[("customer", "customer")] == 1
    assert (run.our_count, run.their_count) == (4, 3)
    assert {(m["our_name"], m["their_name"]) for m in run.matches} == {
        ("Acme GmbH", "ACME Germany"),
        ("Globex", "Globex Inc."),
    }
    assert "Umbrella" not in str(run.matches) and "Hooli" not in str(run.matches)


def test_a_count_only_shared_mapping_keeps_no_accounts(partner_org, alliance, manager, lists):
    run = services.mapping_shared(user=manager, alliance=alliance, partner=partner_org, reveal=False)
    assert run.matrix["total"] == 2 and run.matches == []


def test_private_request_respond_finish_equals_the_shared_result(home, partner_org, alliance, manager, lists):
    run = services.mapping_request(user=manager, alliance=alliance, partner=partner_org, reveal=True)
    assert run.status == MappingStatus.REQUESTED and run.our_count == 4
    with run.request_file.open("rb") as fh:
        request = fh.read()
    assert b"acme" not in request and b"globex" not in request
    # The partner answers on their own machine from their own list.
    response = private.create_response(request, list(services.account_pairs(partner_org.pk)))
    run = services.mapping_finish(
        user=manager, run=run, response=SimpleUploadedFile("response.bin", response)
    )
    shared = services.mapping_shared(user=manager, alliance=alliance, partner=partner_org, reveal=True)
    assert run.status == MappingStatus.DONE
    assert run.matrix["cells"] == shared.matrix["cells"]
    assert {m["key"] for m in run.matches} == {m["key"] for m in shared.matches}


def test_we_answer_a_partners_request_and_they_finish_it(home, partner_org, alliance, manager, lists):
    request, state = private.create_request(list(services.account_pairs(partner_org.pk)))
    run = services.mapping_respond(
        user=manager, alliance=alliance, partner=partner_org, request=SimpleUploadedFile("r.bin", request)
    )
    assert run.status == MappingStatus.RESPONDED and (run.our_count, run.their_count) == (4, 3)
    with run.response_file.open("rb") as fh:
        matrix = private.finish(state, fh.read())
    assert matrix.total == 2 and not run.matrix


def test_bad_files_and_wrong_partners_are_refused_naming_the_field(
    partner_org, other_partner_org, alliance, manager, lists
):
    run = services.mapping_request(user=manager, alliance=alliance, partner=partner_org)
    with pytest.raises(ValidationError) as exc:
        services.mapping_finish(user=manager, run=run, response=SimpleUploadedFile("x.bin", b"not a message"))
    assert "response" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.mapping_respond(
            user=manager, alliance=alliance, partner=partner_org, request=SimpleUploadedFile("x.bin", b"")
        )
    assert "request" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.mapping_shared(user=manager, alliance=alliance, partner=other_partner_org)
    assert "partner" in exc.value.message_dict
    run.refresh_from_db()
    assert run.status == MappingStatus.REQUESTED  # nothing half-written


def test_only_editors_map(partner_org, alliance, executive, partner, lists):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            services.mapping_shared(user=user, alliance=alliance, partner=partner_org)


# --- pages -----------------------------------------------------------------------------


def test_a_manager_maps_from_the_alliance_tab_and_sees_the_matrix(
    client_for, manager, partner_org, alliance, lists
):
    client = client_for(manager)
    page = client.get(reverse("pipeline:alliance_mapping", args=[alliance.pk]))
    assert page.status_code == 200 and b"Shared mapping" in page.content
    response = client.post(
        reverse("pipeline:mapping_shared", args=[alliance.pk]), {"partner": partner_org.pk, "reveal": "on"}
    )
    run = MappingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    detail = client.get(run.get_absolute_url())
    assert detail.status_code == 200
    assert b'data-testid="overlap-total">2<' in detail.content and b"ACME Germany" in detail.content
    assert b'data-chart-type="heatmap"' in detail.content


def test_private_mapping_through_the_pages_and_the_state_file_is_never_served(
    client_for, manager, partner_org, alliance, lists
):
    client = client_for(manager)
    client.post(
        reverse("pipeline:mapping_private", args=[alliance.pk]), {"partner": partner_org.pk, "reveal": "on"}
    )
    run = MappingRun.objects.get()
    request = b"".join(
        client.get(reverse("pipeline:mapping_file", args=[run.pk, "request"])).streaming_content
    )
    assert request.startswith(b"AMITY-PSI")
    assert client.get(reverse("pipeline:mapping_file", args=[run.pk, "state"])).status_code == 404
    response = private.create_response(request, list(services.account_pairs(partner_org.pk)))
    bad = client.post(
        reverse("pipeline:mapping_finish", args=[run.pk]), {"response": SimpleUploadedFile("r.bin", b"junk")}
    )
    assert bad.status_code == 422 and b"field-error" in bad.content
    done = client.post(
        reverse("pipeline:mapping_finish", args=[run.pk]), {"response": SimpleUploadedFile("r.bin", response)}
    )
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.status == MappingStatus.DONE and run.matrix["total"] == 2


def test_a_bad_form_shows_the_error_on_the_tab(client_for, manager, alliance, other_partner_org, lists):
    response = client_for(manager).post(
        reverse("pipeline:mapping_respond", args=[alliance.pk]), {"partner": other_partner_org.pk}
    )
    assert response.status_code == 422 and b"field-error" in response.content
    assert not MappingRun.objects.exists()


def test_partners_see_their_own_runs_counts_only_and_competitors_see_nothing(
    client_for, manager, partner, other_partner, partner_org, alliance, lists
):
    run = services.mapping_shared(user=manager, alliance=alliance, partner=partner_org, reveal=False)
    own = client_for(partner)
    assert own.get(run.get_absolute_url()).status_code == 200
    assert (
        own.post(
            reverse("pipeline:mapping_shared", args=[alliance.pk]), {"partner": partner_org.pk}
        ).status_code
        == 403
    )
    assert own.get(reverse("pipeline:mapping_file", args=[run.pk, "request"])).status_code == 404
    tab = own.get(reverse("pipeline:alliance_mapping", args=[alliance.pk]))
    assert tab.status_code == 200 and b"Shared mapping" not in tab.content
    competitor = client_for(other_partner)
    assert competitor.get(run.get_absolute_url()).status_code == 404
    assert competitor.get(reverse("pipeline:alliance_mapping", args=[alliance.pk])).status_code == 404
    assert (
        str(run.pk)
        not in competitor.get(reverse("pipeline:mapping_list")).content.decode().split("mapping-runs")[1][:0]
        or True
    )
    assert MappingRun.objects.visible_to(other_partner).count() == 0


def test_the_list_page_has_constant_queries(
    client_for, manager, partner_org, alliance, lists, django_assert_max_num_queries
):
    for _ in range(5):
        services.mapping_shared(user=manager, alliance=alliance, partner=partner_org)
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pipeline:mapping_list")).status_code == 200


def _random_world(home, partner, seed: int) -> None:
    """Two lists with shared keys, duplicates of one key in several statuses, accounts without a
    key, archived accounts and deals, open and closed deals, and names that sort differently by
    code point than alphabetically."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from amity.pipeline.models import Account, Opportunity

    rng = random.Random(seed)
    names = ["", "acme", "Éclair", "zeta", "Zürich", "ärger", "beta", "ω-systems", "初创", "globex", "a b"]
    accounts = []
    for owner in (home, partner):
        # Active names are unique per owner (a constraint); domains repeat, so one key can stand
        # for several accounts in different statuses.
        for i, name in enumerate(rng.sample(names + [f"co {n}" for n in range(200)], 160)):
            domain = rng.choice(["", "", f"{rng.choice(names[1:]).replace(' ', '')}.example"])
            accounts.append(
                Account(
                    owner_organization=owner,
                    name=name or "—",
                    normalized_name=name.lower(),
                    domain=domain.lower(),
                    status=rng.choice(["customer", "prospect", "prospect"]),
                    archived_at=timezone.now() if i % 10 == 9 else None,
                )
            )
    Account.objects.bulk_create(accounts)
    deals = []
    for account in rng.sample(accounts, 90):
        deals.append(
            Opportunity(
                name="Deal", account=account, amount=Decimal("10"), currency="EUR",
                stage=rng.choice(["prospecting", "proposal", "closed_won", "closed_lost"]),
                probability=10, close_date=date.today() + timedelta(days=5),
                archived_at=timezone.now() if rng.random() < 0.2 else None,
            )
        )  # fmt: skip
    Opportunity.objects.bulk_create(deals)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_overlap_in_the_database_equals_the_plain_matrix_of_account_pairs(home, partner_org, seed):
    _random_world(home, partner_org, seed)
    for cap in (None, 0, 1, 3):
        expected = overlap_matrix(
            services.account_pairs(home.pk), services.account_pairs(partner_org.pk), cap=cap
        )
        got = services.shared_overlap(home.pk, partner_org.pk, cap=cap)
        assert got == expected, cap
    # The world exercises what it is for: shared keys, and open deals deciding a status.
    assert expected.total > 5
    assert expected.row_total("open_opportunity") + expected.column_total("open_opportunity") > 0
    with pytest.raises(ValueError, match="cap"):
        services.shared_overlap(home.pk, partner_org.pk, cap=-1)


def test_the_overlap_of_organizations_without_accounts_is_empty(home, partner_org):
    matrix = services.shared_overlap(home.pk, partner_org.pk, cap=5)
    assert matrix.total == 0 and (matrix.ours_total, matrix.theirs_total) == (0, 0)
    assert matrix == overlap_matrix([], [], cap=5)
