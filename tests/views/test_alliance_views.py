"""Alliance pages: list, detail, create/edit, transition, strategic review, parties, people."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amity.alliances import services
from amity.alliances.models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    GateRequirement,
    MemberRole,
    PartyRole,
    Stage,
    StageChange,
    StrategicReview,
    Tier,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

STRATEGIC_SCORES = {
    "score_goals": 4,
    "score_competency": 3,
    "score_opportunities": 2,
    "score_sustainability": 2,
    "score_innovation": 2,
    "act_bundled": True,
    "act_joint_teams": True,
    "act_joint_planning": True,
    "fte": 1,
    "annual_investment": 100000,
    "sponsorship": 4,
}


def url(name: str, *args) -> str:
    return reverse(f"alliances:{name}", args=args)


def tier(name: str) -> Tier:
    return Tier.objects.get(name=name)


def strategic_review(alliance: Alliance) -> StrategicReview:
    return f.ReviewFactory(alliance=alliance, **STRATEGIC_SCORES)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def alliance_form_data(**overrides) -> dict:
    data = {
        "name": "Orion Joint Cloud",
        "alliance_type": "gtm",
        "owner": "",
        "tier": "",
        "start_date": "",
        "end_date": "",
        "annual_value": "250000",
        "description": "Joint offering on the partner's cloud.",
        "exit_plan": "",
        "partner_role": "partner",
    }
    data.update(overrides)
    return data


# --- list ------------------------------------------------------------------------------


def test_alliance_list_shows_partners_tier_stage_and_classification_to_a_manager(
    client_for, manager, alliance
):
    alliance.tier = tier("Gold")
    alliance.annual_value = Decimal("1250000")
    alliance.save()
    strategic_review(alliance)
    response = client_for(manager).get(url("alliance_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stratus Test Alliance" in html
    assert "Stratus Test Cloud" in html
    assert "Gold" in html
    assert "Manage &amp; grow" in html
    assert "€1,250,000" in html
    assert "badge-class-strategic" in html
    assert url("alliance_create") in html  # "New alliance" for an editor


def test_partner_user_sees_only_their_alliances_and_no_classification_in_the_list(
    client_for, partner, alliance, other_alliance
):
    strategic_review(alliance)
    response = client_for(partner).get(url("alliance_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stratus Test Alliance" in html
    assert "Kestrel Test Alliance" not in html
    assert "Classification" not in html
    assert "badge-class-" not in html
    assert url("alliance_create") not in html


def test_executive_sees_the_list_without_a_new_alliance_button(client_for, executive, alliance):
    response = client_for(executive).get(url("alliance_list"))
    assert response.status_code == 200
    assert url("alliance_create") not in response.content.decode()


def test_alliance_list_searches_partner_names_and_filters_by_stage_and_type(
    client_for, manager, alliance, other_alliance
):
    client = client_for(manager)
    html = client.get(url("alliance_list"), {"q": "kestrel test it"}).content.decode()
    assert "Kestrel Test Alliance" in html and "Stratus Test Alliance" not in html

    other_alliance.stage = Stage.NEGOTIATE
    other_alliance.alliance_type = "channel"
    other_alliance.save()
    html = client.get(url("alliance_list"), {"stage": "negotiate"}).content.decode()
    assert "Kestrel Test Alliance" in html and "Stratus Test Alliance" not in html
    html = client.get(url("alliance_list"), {"alliance_type": "gtm"}).content.decode()
    assert "Stratus Test Alliance" in html and "Kestrel Test Alliance" not in html


def test_alliance_list_filters_by_classification_of_the_latest_review(
    client_for, manager, alliance, other_alliance
):
    strategic_review(alliance)
    client = client_for(manager)
    html = client.get(url("alliance_list"), {"classification": "strategic"}).content.decode()
    assert "Stratus Test Alliance" in html and "Kestrel Test Alliance" not in html
    html = client.get(url("alliance_list"), {"classification": "none"}).content.decode()
    assert "Kestrel Test Alliance" in html and "Stratus Test Alliance" not in html


def test_alliance_list_filters_by_tier_and_owner(client_for, manager, alliance, other_alliance):
    alliance.tier = tier("Silver")
    alliance.owner = manager
    alliance.save()
    client = client_for(manager)
    html = client.get(url("alliance_list"), {"tier": alliance.tier_id}).content.decode()
    assert "Stratus Test Alliance" in html and "Kestrel Test Alliance" not in html
    html = client.get(url("alliance_list"), {"owner": manager.pk}).content.decode()
    assert "Stratus Test Alliance" in html and "Kestrel Test Alliance" not in html


def test_alliance_list_sorts_by_revenue_tier_rank_and_stage(client_for, manager, home):
    f.AllianceFactory(name="Small", annual_value=10, tier=tier("Registered"), stage=Stage.MANAGE)
    f.AllianceFactory(name="Large", annual_value=900000, tier=tier("Strategic"), stage=Stage.IDENTIFY)
    f.AllianceFactory(name="Middle", annual_value=5000, tier=None, stage=Stage.NEGOTIATE)
    client = client_for(manager)

    def order(sort: str) -> list[str]:
        rows = csv_rows(client.get(url("alliance_list"), {"sort": sort, "export": "csv"}))
        return [row[0] for row in rows[1:]]

    assert order("-annual_value") == ["Large", "Middle", "Small"]
    assert order("tier") == ["Large", "Small", "Middle"]  # by rank, no tier last
    assert order("stage") == ["Large", "Middle", "Small"]  # life-cycle order
    assert order("name") == ["Large", "Middle", "Small"]


def test_alliance_list_paginates(client_for, manager, home):
    for i in range(30):
        f.AllianceFactory(name=f"Alliance {i:02d}")
    client = client_for(manager)
    first = client.get(url("alliance_list")).content.decode()
    assert "1–25 of 30" in first
    assert "Alliance 24" in first and "Alliance 25" not in first
    second = client.get(url("alliance_list"), {"page": 2}).content.decode()
    assert "26–30 of 30" in second
    assert "Alliance 25" in second and "Alliance 24" not in second


def test_csv_export_is_plain_text_and_defuses_formulas(client_for, manager, home, partner_org):
    risky = f.AllianceFactory(name='=HYPERLINK("http://evil")', partner=partner_org, tier=tier("Gold"))
    risky.annual_value = Decimal("1000")
    risky.owner = manager
    risky.save()
    strategic_review(risky)
    response = client_for(manager).get(url("alliance_list"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    header, row = rows[0], rows[1]
    assert header == [
        "Name",
        "Partners",
        "Type",
        "Tier",
        "Stage",
        "Owner",
        "Expected annual revenue",
        "Classification",
    ]
    assert row[0] == '\'=HYPERLINK("http://evil")'
    assert row[1:] == [
        "Stratus Test Cloud",
        "Go-to-market / co-sell",
        "Gold",
        "Manage & grow",
        str(manager),
        "1000.00",
        "Strategic",
    ]
    assert "<" not in "".join(row)


def test_partner_csv_export_has_no_classification(client_for, partner, alliance):
    rows = csv_rows(client_for(partner).get(url("alliance_list"), {"export": "csv"}))
    assert "Classification" not in rows[0]
    assert [r[0] for r in rows[1:]] == ["Stratus Test Alliance"]


def test_alliance_list_query_count_does_not_grow_with_rows(client_for, manager, home):
    client = client_for(manager)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("alliance_list")).status_code == 200
        return len(ctx.captured_queries)

    for i in range(5):
        a = f.AllianceFactory(name=f"Few {i}", tier=tier("Gold"), owner=manager)
        strategic_review(a)
    few = count_queries()
    for i in range(25):
        a = f.AllianceFactory(name=f"Many {i}", tier=tier("Silver"), owner=manager)
        AllianceParty.objects.create(alliance=a, organization=f.OrganizationFactory(), role="member")
        strategic_review(a)
    many = count_queries()
    assert many == few
    assert few <= 15


def test_htmx_list_request_returns_only_the_table(client_for, manager, alliance):
    response = client_for(manager).get(url("alliance_list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="object-table"' in html
    assert "<html" not in html


# --- detail ----------------------------------------------------------------------------


def test_manager_sees_the_alliance_page_with_the_rules_that_fired(
    client_for, manager, alliance, django_assert_max_num_queries
):
    strategic_review(alliance)
    f.add_sponsor(alliance, f.home_org())
    client = client_for(manager)
    with django_assert_max_num_queries(30):
        response = client.get(url("alliance_detail", alliance.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="review-section"' in html
    assert "Strategic: strong criteria, strategic activities and commitment" in html
    assert "why this result" in html
    assert "rule-fired" in html
    assert "criteria_total &gt;= 13" in html
    assert "Platinum" in html  # recommended tier
    assert 'data-testid="apply-tier"' in html
    assert 'data-testid="gates"' in html
    assert "Annual review" in html  # a next stage with its checklist
    assert "A strategic review in the last 12 months" in html
    assert url("alliance_edit", alliance.pk) in html
    assert url("alliance_transition", alliance.pk) in html
    assert url("review_create", alliance.pk) in html
    assert "Stratus Test Cloud" in html
    assert "Executive sponsors" in html


def test_partner_sees_their_own_alliance_without_the_strategic_review(client_for, partner, alliance):
    strategic_review(alliance)
    response = client_for(partner).get(url("alliance_detail", alliance.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stratus Test Alliance" in html
    assert 'data-testid="review-section"' not in html
    assert "badge-class-" not in html
    assert "Recommended" not in html
    assert "rule-fired" not in html
    assert 'data-testid="gates"' not in html
    assert url("alliance_edit", alliance.pk) not in html
    assert url("review_create", alliance.pk) not in html


def test_partner_gets_404_for_another_partners_alliance_on_every_page(client_for, partner, other_alliance):
    review = strategic_review(other_alliance)
    client = client_for(partner)
    for name in ("alliance_detail", "alliance_edit", "alliance_transition", "review_create"):
        assert client.get(url(name, other_alliance.pk)).status_code == 404, name
    assert client.get(url("review_detail", other_alliance.pk, review.pk)).status_code == 404
    assert client.post(url("alliance_archive", other_alliance.pk)).status_code == 404


def test_partner_gets_404_on_the_review_pages_of_their_own_alliance(client_for, partner, alliance):
    review = strategic_review(alliance)
    client = client_for(partner)
    assert client.get(url("review_create", alliance.pk)).status_code == 404
    assert client.get(url("review_detail", alliance.pk, review.pk)).status_code == 404
    assert client.post(url("alliance_apply_tier", alliance.pk)).status_code == 404


def test_detail_shows_history_of_field_changes(client_for, manager, alliance):
    services.alliance_update(alliance=alliance, data={"name": "Stratus Renamed"}, user=manager)
    html = client_for(manager).get(url("alliance_detail", alliance.pk)).content.decode()
    assert 'data-testid="timeline"' in html
    assert "Stratus Test Alliance" in html and "Stratus Renamed" in html
    assert "diff-old" in html


# --- create and edit -------------------------------------------------------------------


def test_create_without_a_partner_shows_an_error_on_the_partners_field(client_for, manager, home):
    response = client_for(manager).post(url("alliance_create"), alliance_form_data())
    assert response.status_code == 422
    assert 'data-field-error="partners"' in response.content.decode()
    assert not Alliance.objects.filter(name="Orion Joint Cloud").exists()


def test_create_with_end_before_start_shows_an_error_on_the_end_date(client_for, manager, home, partner_org):
    data = alliance_form_data(start_date="2026-05-01", end_date="2026-01-01", partners=[partner_org.pk])
    response = client_for(manager).post(url("alliance_create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field-error="end_date"' in html
    assert "before the start date" in html
    assert not Alliance.objects.filter(name="Orion Joint Cloud").exists()


def test_create_adds_our_company_as_host_and_the_chosen_partners(
    client_for, manager, home, partner_org, other_partner_org
):
    objective = f.ObjectiveFactory()
    client = client_for(manager)
    form = client.get(url("alliance_create")).content.decode()
    assert f'<option value="{manager.pk}" selected>' in form  # the owner defaults to the editor
    data = alliance_form_data(
        owner=manager.pk,
        partners=[partner_org.pk, other_partner_org.pk],
        partner_role="member",
        alliance_type="consortium",
        objectives=[objective.pk],
        start_date="2026-01-01",
        end_date="2027-12-31",
    )
    response = client.post(url("alliance_create"), data)
    alliance = Alliance.objects.get(name="Orion Joint Cloud")
    assert response.status_code == 302
    assert response["Location"] == url("alliance_detail", alliance.pk)
    parties = {p.organization.name: p.role for p in alliance.parties.active().select_related("organization")}
    assert parties == {home.name: PartyRole.HOST, "Stratus Test Cloud": "member", "Kestrel Test IT": "member"}
    assert alliance.owner == manager
    assert list(alliance.objectives.all()) == [objective]
    assert StageChange.objects.filter(alliance=alliance, to_stage=Stage.IDENTIFY).exists()


def test_create_form_offers_only_partner_organizations(client_for, manager, home, partner_org):
    html = client_for(manager).get(url("alliance_create")).content.decode()
    assert "Stratus Test Cloud" in html
    assert f'value="{home.pk}"' not in html.split('name="partners"')[1].split("</select>")[0]


def test_edit_saves_through_the_service_and_bumps_the_version(client_for, manager, alliance):
    client = client_for(manager)
    assert client.get(url("alliance_edit", alliance.pk)).status_code == 200
    data = alliance_form_data(name="Stratus Cloud Alliance", version=alliance.version)
    response = client.post(url("alliance_edit", alliance.pk), data)
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert alliance.name == "Stratus Cloud Alliance"
    assert alliance.version == 2
    assert alliance.parties.active().count() == 2  # parties untouched by the edit form


def test_edit_with_a_stale_version_shows_the_conflict(client_for, manager, admin, alliance):
    stale = alliance.version
    services.alliance_update(alliance=alliance, data={"description": "Changed meanwhile"}, user=admin)
    response = client_for(manager).post(
        url("alliance_edit", alliance.pk), alliance_form_data(name="My edit", version=stale)
    )
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.name == "Stratus Test Alliance"
    assert alliance.description == "Changed meanwhile"


def test_executive_gets_403_on_create_and_edit(client_for, executive, alliance):
    client = client_for(executive)
    assert client.get(url("alliance_create")).status_code == 403
    assert client.get(url("alliance_edit", alliance.pk)).status_code == 403
    assert client.post(url("alliance_edit", alliance.pk), alliance_form_data()).status_code == 403
    assert client.get(url("alliance_transition", alliance.pk)).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client_for, alliance):
    response = client_for(None).get(url("alliance_detail", alliance.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- life cycle ------------------------------------------------------------------------


def test_transition_page_lists_the_next_stages_with_their_checklists(client_for, manager, alliance):
    response = client_for(manager).get(url("alliance_transition", alliance.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="review"' in html and 'value="transform"' in html
    assert "A strategic review in the last 12 months" in html
    assert "Override an unmet gate" not in html  # admins only


def test_transition_blocked_by_the_gate_lists_what_is_missing(client_for, manager, alliance):
    response = client_for(manager).post(
        url("alliance_transition", alliance.pk), {"to_stage": "review", "version": alliance.version}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="gate-blocked"' in html
    blocked = html.split('data-testid="gate-blocked"')[1].split("</div>\n</div>")[0]
    assert "A strategic review in the last 12 months" in blocked
    alliance.refresh_from_db()
    assert alliance.stage == Stage.MANAGE


def test_transition_with_attested_items_succeeds_and_appears_in_the_stage_history(
    client_for, manager, home, partner_org
):
    alliance = f.AllianceFactory(partner=partner_org, stage=Stage.NEGOTIATE, start_date="2026-01-01")
    f.add_sponsor(alliance, home)
    f.add_sponsor(alliance, partner_org)
    attest = GateRequirement.objects.filter(stage=Stage.LAUNCH, check_kind="attest").values_list(
        "pk", flat=True
    )
    client = client_for(manager)

    blocked = client.post(url("alliance_transition", alliance.pk), {"to_stage": "launch"})
    assert blocked.status_code == 422
    assert "A signed alliance agreement is on file" in blocked.content.decode()

    response = client.post(
        url("alliance_transition", alliance.pk),
        {"to_stage": "launch", "attested": list(attest), "reason": "Agreement signed 2 May"},
    )
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert alliance.stage == Stage.LAUNCH
    html = client.get(url("alliance_detail", alliance.pk)).content.decode()
    history = html.split('data-testid="stage-history"')[1]
    assert "Negotiate" in history and "Launch" in history
    assert "Agreement signed 2 May" in history


def test_admin_can_override_an_unmet_gate_with_a_reason(client_for, admin, alliance):
    client = client_for(admin)
    assert "Override an unmet gate" in client.get(url("alliance_transition", alliance.pk)).content.decode()
    response = client.post(
        url("alliance_transition", alliance.pk),
        {"to_stage": "review", "override_reason": "Board asked for an early renewal"},
    )
    assert response.status_code == 302
    change = StageChange.objects.filter(alliance=alliance).latest("changed_at")
    assert change.overridden is True
    assert change.override_reason == "Board asked for an early renewal"
    html = client.get(url("alliance_detail", alliance.pk)).content.decode()
    assert 'data-testid="overridden"' in html
    assert "Board asked for an early renewal" in html


def test_manager_cannot_override_a_gate(client_for, manager, alliance):
    response = client_for(manager).post(
        url("alliance_transition", alliance.pk), {"to_stage": "review", "override_reason": "Because"}
    )
    assert response.status_code == 422
    alliance.refresh_from_db()
    assert alliance.stage == Stage.MANAGE


def test_transition_with_a_stale_version_is_a_conflict(client_for, manager, admin, alliance):
    stale = alliance.version
    services.alliance_update(alliance=alliance, data={"description": "Changed meanwhile"}, user=admin)
    response = client_for(manager).post(
        url("alliance_transition", alliance.pk), {"to_stage": "transform", "version": stale}
    )
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()


def test_transition_to_a_stage_that_is_not_allowed_is_a_field_error(client_for, manager, alliance):
    response = client_for(manager).post(url("alliance_transition", alliance.pk), {"to_stage": "identify"})
    assert response.status_code == 422
    assert 'data-field-error="to_stage"' in response.content.decode()


# --- strategic review ------------------------------------------------------------------


def test_review_form_records_classification_and_recommended_tier_and_shows_the_rules(
    client_for, manager, alliance
):
    client = client_for(manager)
    form = client.get(url("review_create", alliance.pk))
    assert form.status_code == 200
    assert "Major business goals and revenue growth" in form.content.decode()
    data = {k: ("on" if v is True else v) for k, v in STRATEGIC_SCORES.items()}
    data.update({"evidence_goals": "Adds 8% to revenue", "review_date": timezone.localdate().isoformat()})
    response = client.post(url("review_create", alliance.pk), data)
    review = StrategicReview.objects.get(alliance=alliance)
    assert response.status_code == 302
    assert response["Location"] == url("review_detail", alliance.pk, review.pk)
    assert review.classification == "strategic"
    assert review.recommended_tier.name == "Platinum"
    assert review.reviewed_by == manager

    html = client.get(response["Location"]).content.decode()
    assert "badge-class-strategic" in html
    assert "Platinum" in html
    assert "13<span" in html  # criteria total
    assert 'data-testid="rules-classification"' in html
    assert (
        'data-rule="Strategic: strong criteria, strategic activities and commitment" data-fired="1"' in html
    )
    assert 'data-rule="Platinum: strategic" data-fired="1"' in html
    assert "why this result" in html
    assert "Adds 8% to revenue" in html
    assert "criteria_total" in html  # facts table


def test_review_form_shows_field_errors(client_for, manager, alliance):
    response = client_for(manager).post(
        url("review_create", alliance.pk), {"score_goals": "9", "fte": "-1", "review_date": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field-error="score_goals"' in html
    assert 'data-field-error="fte"' in html
    assert not StrategicReview.objects.exists()


def test_executive_gets_403_on_the_review_form_but_may_read_results(client_for, executive, alliance):
    review = strategic_review(alliance)
    client = client_for(executive)
    assert client.get(url("review_create", alliance.pk)).status_code == 403
    assert client.get(url("review_detail", alliance.pk, review.pk)).status_code == 200


def test_review_detail_lists_earlier_reviews(client_for, manager, alliance):
    older = f.ReviewFactory(alliance=alliance, review_date="2025-01-15")
    newer = strategic_review(alliance)
    html = client_for(manager).get(url("review_detail", alliance.pk, newer.pk)).content.decode()
    assert older.get_absolute_url() in html
    assert "15 Jan 2025" in html


def test_apply_recommended_tier_sets_the_tier(client_for, manager, alliance):
    strategic_review(alliance)
    response = client_for(manager).post(url("alliance_apply_tier", alliance.pk))
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert alliance.tier.name == "Platinum"


def test_apply_recommended_tier_without_a_review_is_a_message_not_an_error(client_for, manager, alliance):
    client = client_for(manager)
    response = client.post(url("alliance_apply_tier", alliance.pk), follow=True)
    assert response.status_code == 200
    assert "No strategic review recommends a tier yet." in response.content.decode()


# --- parties and people ----------------------------------------------------------------


def test_add_and_remove_a_member(client_for, manager, alliance, partner_org):
    contact = f.ContactFactory(organization=partner_org, first_name="Ada", last_name="Sponsor")
    client = client_for(manager)
    response = client.post(
        url("member_add", alliance.pk), {"contact": contact.pk, "role": "sponsor", "area": ""}
    )
    assert response.status_code == 302
    member = AllianceMember.objects.get(alliance=alliance, contact=contact)
    assert member.role == MemberRole.SPONSOR
    assert "Ada Sponsor" in client.get(url("alliance_detail", alliance.pk)).content.decode()

    response = client.post(url("member_remove", alliance.pk, member.pk))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.archived_at is not None


def test_member_of_an_organization_that_is_not_a_party_is_refused(client_for, manager, alliance):
    stranger = f.ContactFactory()
    response = client_for(manager).post(
        url("member_add", alliance.pk), {"contact": stranger.pk, "role": "team"}
    )
    assert response.status_code == 422
    assert 'data-field-error="contact"' in response.content.decode()
    assert not AllianceMember.objects.exists()


def test_htmx_member_add_returns_the_refreshed_sections(client_for, manager, alliance, home):
    contact = f.ContactFactory(organization=home, first_name="Grace", last_name="Ours")
    response = client_for(manager).post(
        url("member_add", alliance.pk),
        {"contact": contact.pk, "role": "manager", "area": "alliances"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="people" class="card mb-3" hx-swap-oob="true"' in html
    assert 'id="gates"' in html
    assert "Grace Ours" in html
    assert "<html" not in html


def test_add_and_remove_a_party(client_for, manager, alliance, other_partner_org):
    client = client_for(manager)
    response = client.post(
        url("party_add", alliance.pk), {"organization": other_partner_org.pk, "role": "partner"}
    )
    assert response.status_code == 302
    party = AllianceParty.objects.get(alliance=alliance, organization=other_partner_org)
    assert party.archived_at is None
    response = client.post(url("party_remove", alliance.pk, party.pk))
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.archived_at is not None


def test_the_last_partner_cannot_be_removed(client_for, manager, alliance, partner_org):
    party = AllianceParty.objects.get(alliance=alliance, organization=partner_org)
    response = client_for(manager).post(url("party_remove", alliance.pk, party.pk))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="party-error"' in html
    assert "at least one partner" in html
    party.refresh_from_db()
    assert party.archived_at is None


def test_executive_cannot_add_a_party(client_for, executive, alliance, other_partner_org):
    response = client_for(executive).post(
        url("party_add", alliance.pk), {"organization": other_partner_org.pk, "role": "partner"}
    )
    assert response.status_code == 403
    assert not AllianceParty.objects.filter(organization=other_partner_org).exists()


# --- archive ---------------------------------------------------------------------------


def test_archive_hides_the_alliance_and_restore_brings_it_back(client_for, manager, alliance):
    client = client_for(manager)
    response = client.post(url("alliance_archive", alliance.pk))
    assert response.status_code == 302
    assert response["Location"] == url("alliance_list")
    alliance.refresh_from_db()
    assert alliance.archived_at is not None
    listed = client.get(url("alliance_list")).content.decode().split('data-testid="object-table"')[1]
    assert "Stratus Test Alliance" not in listed
    listed = client.get(url("alliance_list"), {"archived": "1"}).content.decode()
    assert "Stratus Test Alliance" in listed.split('data-testid="object-table"')[1]
    detail = client.get(url("alliance_detail", alliance.pk)).content.decode()
    assert 'data-testid="archived-banner"' in detail and 'data-testid="restore"' in detail

    response = client.post(url("alliance_archive", alliance.pk), {"restore": "1"})
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert alliance.archived_at is None


def test_partner_cannot_change_people_or_parties_of_their_own_alliance(
    client_for, partner, alliance, partner_org
):
    contact = f.ContactFactory(organization=partner_org)
    party = AllianceParty.objects.get(alliance=alliance, organization=partner_org)
    client = client_for(partner)
    assert (
        client.post(url("member_add", alliance.pk), {"contact": contact.pk, "role": "team"}).status_code
        == 403
    )
    assert client.post(url("member_add", alliance.pk), {}).status_code == 403
    assert client.post(url("party_remove", alliance.pk, party.pk)).status_code == 403
    assert client.get(url("alliance_edit", alliance.pk)).status_code == 403
    assert not AllianceMember.objects.exists()


def test_writes_need_post(client_for, manager, alliance):
    client = client_for(manager)
    for name in ("member_add", "party_add", "alliance_apply_tier"):
        assert client.get(url(name, alliance.pk)).status_code == 405


def test_past_a_hundred_organizations_the_party_select_lists_the_first_and_searches_the_rest(
    client_for, manager, alliance, monkeypatch
):
    from amity.alliances import forms

    monkeypatch.setattr(forms, "PARTY_CHOICES_SHOWN", 3)
    for name in ("Aardvark Labs", "Beacon Works", "Cobalt Systems", "Zephyr Analytics"):
        f.OrganizationFactory(name=name)
    client = client_for(manager)

    page = client.get(url("alliance_detail", alliance.pk)).content.decode()
    assert 'name="search"' in page
    assert "Aardvark Labs" in page and "Zephyr Analytics" not in page

    found = client.get(url("party_candidates", alliance.pk), {"search": "zeph"})
    assert found.status_code == 200
    assert "Zephyr Analytics" in found.content.decode()
    assert "Aardvark Labs" not in found.content.decode()

    # Any visible organization still validates, listed or not.
    zephyr = f.OrganizationFactory._meta.model.objects.get(name="Zephyr Analytics")
    response = client.post(url("party_add", alliance.pk), {"organization": zephyr.pk, "role": "partner"})
    assert response.status_code == 302
    assert AllianceParty.objects.filter(alliance=alliance, organization=zephyr).exists()


def test_party_candidates_need_edit_rights(client_for, executive, alliance):
    response = client_for(executive).get(url("party_candidates", alliance.pk), {"search": "a"})
    assert response.status_code in (403, 404)
