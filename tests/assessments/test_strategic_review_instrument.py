"""The strategic review as an instrument: the YAML items are the review's fields (and cannot drift
from the model), a recorded review becomes a closed one-sided wave whose answers are the review's
fields and whose scores follow the worked example, backfill mirrors older reviews exactly once,
and the review page links to its wave."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils.text import capfirst

from amity.alliances import services as alliance_services
from amity.alliances.models import ACTIVITIES, CRITERIA, SCORE_HELP, Sponsorship, StrategicReview
from amity.assessments import scoring
from amity.assessments.apps import _sync_instruments
from amity.assessments.instruments import DIRECTORY, parse
from amity.assessments.models import Answer, Assessment, Response, Side
from amity.assessments.strategic_review import ITEM_KEYS, backfill, instrument, mirror_review
from amity.core.services import model_archive, model_restore
from tests import factories as f

SPEC = parse(DIRECTORY / "strategic-review.yaml")

# The worked example: criteria 4, 3, 2, 1, 0 (total 10/20), two of six activities, a VP sponsor.
WORKED = {
    "review_date": date(2026, 5, 4),
    "score_goals": 4,
    "evidence_goals": "The joint offering carries 2.4M of this year's growth target.",
    "score_competency": 3,
    "evidence_competency": "Their data platform fills our analytics gap.",
    "score_opportunities": 2,
    "score_sustainability": 1,
    "score_innovation": 0,
    "act_bundled": True,
    "act_long_term": True,
    "fte": Decimal("1.5"),
    "annual_investment": Decimal("120000"),
    "sponsorship": Sponsorship.VP,
    "notes": "Stays a go-to-market alliance for now.",
}


def record(alliance, user, **changes):
    return alliance_services.review_record(alliance=alliance, user=user, data={**WORKED, **changes})


def answers(assessment: Assessment) -> dict[str, tuple[int | None, str]]:
    return {
        a.item.key: (a.value, a.comment)
        for a in Answer.objects.filter(response__assessment=assessment).select_related("item")
    }


# --- the file ---------------------------------------------------------------------------------


def test_items_are_the_review_fields_in_the_model_order():
    keys = [item["key"] for item in SPEC["items"]]
    assert keys == ITEM_KEYS
    assert keys == [key for key, _, _ in CRITERIA] + [field for field, _ in ACTIVITIES] + ["sponsorship"]
    criteria = {key for key, _, _ in CRITERIA}
    for key in keys:  # every item names a field of the review
        StrategicReview._meta.get_field(f"score_{key}" if key in criteria else key)


def test_item_texts_are_the_review_labels_so_they_cannot_drift():
    by_key = {item["key"]: item for item in SPEC["items"]}
    for key, label, question in CRITERIA:
        assert (by_key[key]["dimension"], by_key[key]["text"]) == ("criteria", label)
        assert by_key[key]["guidance"].startswith(question)
    for field, label in ACTIVITIES:
        assert (by_key[field]["dimension"], by_key[field]["text"]) == ("activities", label)
        assert "Present (4)" in by_key[field]["guidance"] and "absent (0)" in by_key[field]["guidance"]
    sponsorship = StrategicReview._meta.get_field("sponsorship")
    assert by_key["sponsorship"]["text"] == capfirst(sponsorship.verbose_name)
    assert by_key["sponsorship"]["dimension"] == "commitment"
    assert [value for value, _ in Sponsorship.choices] == [0, 1, 2, 3, 4]


def test_scale_is_the_review_scale_with_its_labels():
    assert (SPEC["key"], SPEC["version"], SPEC["kind"], SPEC["two_sided"]) == (
        "strategic-review",
        1,
        "assessment",
        False,
    )
    assert (SPEC["scale_min"], SPEC["scale_max"]) == (0, 4)
    help_labels = dict(part.split(" ", 1) for part in SCORE_HELP.split(" · "))
    assert {k: v.lower() for k, v in SPEC["scale_labels"].items()} == help_labels
    assert [d["key"] for d in SPEC["dimensions"]] == ["criteria", "activities", "commitment"]


# --- recording a review -------------------------------------------------------------------------


def test_recording_a_review_records_a_closed_wave_with_its_answers(manager, alliance, home):
    review = record(alliance, manager)
    assessment = review.assessment
    assert assessment.instrument == instrument() and assessment.instrument.key == "strategic-review"
    assert (assessment.alliance, assessment.wave, assessment.opened_on) == (
        alliance,
        "Review 2026-05-04",
        date(2026, 5, 4),
    )
    assert (assessment.status, assessment.two_sided, assessment.created_by) == ("closed", False, manager)
    [response] = assessment.responses.all()
    assert (response.respondent, response.side, response.organization) == (manager, Side.OURS, home)
    assert response.submitted_at == review.created_at
    assert answers(assessment) == {
        "goals": (4, WORKED["evidence_goals"]),
        "competency": (3, WORKED["evidence_competency"]),
        "opportunities": (2, ""),
        "sustainability": (1, ""),
        "innovation": (0, ""),
        "act_bundled": (4, ""),
        "act_joint_teams": (0, ""),
        "act_joint_planning": (0, ""),
        "act_knowledge": (0, ""),
        "act_exclusivity": (0, ""),
        "act_long_term": (4, ""),
        "sponsorship": (3, ""),
    }
    # Every answer equals the review's field (activities: present = 4, absent = 0).
    for key, (value, _) in answers(assessment).items():
        if key in ITEM_KEYS[:5]:
            assert value == getattr(review, f"score_{key}")
        elif key.startswith("act_"):
            assert value == (4 if getattr(review, key) else 0)
        else:
            assert value == review.sponsorship


def test_scores_follow_the_worked_example(manager, alliance):
    result = scoring.score(record(alliance, manager).assessment)
    dims = {d.key: d for d in result.dimensions}
    # Criteria: 4, 3, 2, 1, 0 of 4 → 100, 75, 50, 25, 0 → 50.0 (= criteria total 10 / 20).
    assert dims["criteria"].scores[Side.OURS] == Decimal("50.0")
    assert dims["criteria"].calculations[Side.OURS] == (
        "(1×100.0 + 1×75.0 + 1×50.0 + 1×25.0 + 1×0.0) / 5 = 50.0"
    )
    # Activities: two of six present → 200 / 6 = 33.3.
    assert dims["activities"].scores[Side.OURS] == Decimal("33.3")
    # Commitment: a vice president (3 of 4) → 75.0.
    assert dims["commitment"].scores[Side.OURS] == Decimal("75.0")
    # Overall: (50.0 + 33.3 + 75.0) / 3 = 52.77 → 52.8.
    assert result.overall[Side.OURS] == Decimal("52.8")
    assert result.overall_calculation[Side.OURS] == "(1×50.0 + 1×33.3 + 1×75.0) / 3 = 52.8"
    assert result.respondents == {Side.OURS: 1, Side.PARTNER: 0}
    goals = next(r for r in result.items if r.item.key == "goals")
    assert goals.sides[Side.OURS].calculation == "(4.00 − 0) / 4 × 100 = 100.0"


def test_mirroring_again_updates_and_never_duplicates(manager, alliance):
    review = record(alliance, manager)
    first = review.assessment
    assert mirror_review(review, user=manager).pk == first.pk
    review.score_innovation, review.act_knowledge, review.evidence_goals = 2, True, "Revised."
    assert mirror_review(review, user=manager).pk == first.pk
    assert Assessment.objects.filter(review=review).count() == 1
    assert Response.objects.filter(assessment=first).count() == 1
    mirrored = answers(first)
    assert len(mirrored) == len(ITEM_KEYS)
    assert (mirrored["innovation"], mirrored["act_knowledge"], mirrored["goals"]) == (
        (2, ""),
        (4, ""),
        (4, "Revised."),
    )


def test_a_saved_correction_and_archiving_follow_the_review(admin, manager, alliance):
    review = record(alliance, manager)
    review.score_goals = 1
    review.save()  # e.g. corrected in the admin
    assert answers(review.assessment)["goals"][0] == 1
    model_archive(instance=review, user=admin)
    wave = Assessment.objects.get(review=review)
    assert wave.archived_at is not None
    model_restore(instance=StrategicReview.objects.get(pk=review.pk), user=admin)
    wave.refresh_from_db()
    assert (wave.archived_at, wave.wave) == (None, "Review 2026-05-04")


def test_two_reviews_on_one_day_get_their_own_waves(manager, alliance, other_alliance):
    first, second = record(alliance, manager), record(alliance, manager, score_goals=1)
    elsewhere = record(other_alliance, manager)
    assert [first.assessment.wave, second.assessment.wave, elsewhere.assessment.wave] == [
        "Review 2026-05-04",
        "Review 2026-05-04 (2)",
        "Review 2026-05-04",
    ]
    assert mirror_review(second, user=manager).wave == "Review 2026-05-04 (2)"  # keeps its name


def test_a_review_without_a_reviewer_is_left_on_the_review(manager, alliance):
    review = f.ReviewFactory(alliance=alliance, reviewed_by=None, score_goals=3)
    assert mirror_review(review, user=manager) is None
    assert not Assessment.objects.filter(review=review).exists()


def test_a_mirrored_review_cannot_be_deleted(manager, alliance):
    review = record(alliance, manager)
    with pytest.raises(ProtectedError):
        review.delete()


# --- backfill -----------------------------------------------------------------------------------


def test_backfill_mirrors_older_reviews_exactly_once(manager, executive, alliance, other_alliance):
    # Reviews recorded before the instrument existed: the factory saves them without the hook.
    older = f.ReviewFactory(
        alliance=alliance, reviewed_by=manager, review_date=date(2025, 3, 1), score_goals=2, act_bundled=True
    )
    same_day = f.ReviewFactory(alliance=alliance, reviewed_by=executive, review_date=date(2025, 3, 1))
    archived = f.ReviewFactory(alliance=other_alliance, reviewed_by=manager, review_date=date(2025, 4, 1))
    model_archive(instance=archived, user=manager)
    orphan = f.ReviewFactory(alliance=other_alliance, reviewed_by=None)
    recorded = record(alliance, manager)  # already mirrored by the hook
    assert not Assessment.objects.filter(review__in=[older, same_day, archived, orphan]).exists()

    report = backfill(batch_size=2)
    assert (report.mirrored, report.skipped) == (3, 1)
    assert (
        str(report)
        == "strategic reviews: 3 mirrored as assessments, 1 without a reviewer left on the review only"
    )
    waves = {a.review_id: a for a in Assessment.objects.filter(instrument__key="strategic-review")}
    assert set(waves) == {older.pk, same_day.pk, archived.pk, recorded.pk}
    assert {waves[older.pk].wave, waves[same_day.pk].wave} == {"Review 2025-03-01", "Review 2025-03-01 (2)"}
    assert waves[archived.pk].archived_at is not None and waves[older.pk].archived_at is None
    assert answers(waves[older.pk])["goals"] == (2, "")
    assert answers(waves[older.pk])["act_bundled"] == (4, "")
    assert Response.objects.get(assessment=waves[same_day.pk]).respondent == executive
    assert scoring.score(waves[older.pk]).respondents[Side.OURS] == 1

    again = backfill()
    assert (again.mirrored, again.skipped) == (0, 1)
    assert Assessment.objects.filter(instrument__key="strategic-review").count() == 4
    assert Answer.objects.filter(item__instrument__key="strategic-review").count() == 4 * len(ITEM_KEYS)


def test_backfill_runs_after_migrate_and_in_the_sync_command(manager, alliance, capsys):
    f.ReviewFactory(alliance=alliance, reviewed_by=manager)
    _sync_instruments(sender=None, using="default", verbosity=1)
    assert "strategic reviews: 1 mirrored as assessments" in capsys.readouterr().out
    f.ReviewFactory(alliance=alliance, reviewed_by=manager, review_date=date(2024, 1, 1))
    out = StringIO()
    call_command("instruments", "sync", stdout=out)
    assert "instruments: 0 created" in out.getvalue()
    assert "strategic reviews: 1 mirrored as assessments" in out.getvalue()
    out = StringIO()
    call_command("instruments", "sync", stdout=out)
    assert "strategic reviews: 0 mirrored as assessments" in out.getvalue()


def test_backfill_queries_do_not_grow_with_the_reviews(manager, alliance, django_assert_max_num_queries):
    for day in range(1, 41):
        f.ReviewFactory(alliance=alliance, reviewed_by=manager, review_date=date(2025, 1, 1 + day % 28))
    # A dozen statements per batch of 500 reviews, none per review: 480 answers go in bulk (in the
    # chunks SQLite's variable limit allows), not one by one.
    with django_assert_max_num_queries(25):
        assert backfill().mirrored == 40
    assert Answer.objects.filter(item__instrument__key="strategic-review").count() == 40 * len(ITEM_KEYS)
    assert len(set(Assessment.objects.filter(alliance=alliance).values_list("wave", flat=True))) == 40


# --- pages --------------------------------------------------------------------------------------


def test_review_page_links_to_its_wave_which_shows_the_criteria(client_for, admin, manager, alliance):
    review = record(alliance, manager)
    client = client_for(admin)
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Answers as an assessment" in body and review.assessment.get_absolute_url() in body

    wave = client.get(review.assessment.get_absolute_url())
    assert wave.status_code == 200
    body = wave.content.decode()
    for _, label, _ in CRITERIA:
        assert label in body
    assert "Strategic criteria" in body and "52.8" in body
    tab = client.get(reverse("assessments:alliance_assessments", args=[alliance.pk]))
    assert tab.status_code == 200 and "Review 2026-05-04" in tab.content.decode()


def test_review_page_without_a_wave_has_no_link(client_for, admin, alliance):
    review = f.ReviewFactory(alliance=alliance, reviewed_by=None)
    page = client_for(admin).get(review.get_absolute_url())
    assert page.status_code == 200 and "Answers as an assessment" not in page.content.decode()


def test_partners_do_not_see_the_mirrored_wave(client_for, api_for, manager, partner, alliance):
    wave = record(alliance, manager).assessment
    assert client_for(partner).get(wave.get_absolute_url()).status_code == 404
    assert api_for(partner).get(f"/api/v1/assessments/{wave.pk}").status_code == 404


def test_instrument_page_shows_the_review_items(client_for, manager):
    page = client_for(manager).get(reverse("assessments:instrument_detail", args=[instrument().pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Top-executive sponsorship" in body and "Joint advanced planning" in body


def test_a_strategic_review_wave_is_not_opened_by_hand(db, manager, alliance):
    from django.core.exceptions import ValidationError

    from amity.assessments.models import Instrument
    from amity.assessments.services import assessment_create

    inst = Instrument.objects.get(key="strategic-review", active=True)
    with pytest.raises(ValidationError) as exc:
        assessment_create(alliance=alliance, instrument=inst, wave="By hand", user=manager)
    assert "instrument" in exc.value.message_dict
