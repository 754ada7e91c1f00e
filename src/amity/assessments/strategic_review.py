"""The strategic review (``alliances.StrategicReview``) as an instrument.

Every review is mirrored into a closed, one-sided wave of the ``strategic-review`` instrument
(``instruments/strategic-review.yaml``) on the review's alliance, so reviews sit beside the other
assessments with their scores, trend and calculations. The review stays the record - the rules
engine, forms, API and review pages read it; the mirror is derived from it and kept in step.

* :func:`mirror_review` - called by ``alliances.services.review_record`` once a review is saved.
  Idempotent: mirroring a review again brings its wave up to date, it never adds a second one.
* :func:`backfill` - mirrors every review that has no wave yet (the reviews recorded before the
  instrument existed). Runs after the instrument sync on ``migrate`` and in
  ``amity instruments sync``; in batches, with bulk inserts.
* :func:`follow_review` - a later save of a mirrored review (archived, restored, corrected in the
  admin) updates its wave (connected to ``post_save`` in ``apps.py``).

The wave: ``Review <date>`` (``Review 2026-05-04 (2)`` for a second review of the alliance on the
same day, since an alliance has one wave of a name per instrument), opened on the review date,
closed, our side only, archived when the review is. One response by the reviewer for our
(home) organization, submitted when the review was recorded, with one answer per item:

* criteria ``goals`` … ``innovation``: ``score_<key>`` (0-4), ``evidence_<key>`` as the comment;
* activities ``act_bundled`` … ``act_long_term``: yes/no fields answered on the 0-4 scale -
  present is the top of the scale (4), absent the bottom (0), as each item's guidance says. An
  activity item then scores 100 or 0 and the dimension is the share of activities present
  (the review's activities count out of 6), with no change to the scoring engine;
* ``sponsorship``: the 0-4 sponsorship level.

A review without a reviewer (``reviewed_by`` is SET_NULL when the person is deleted) is not
mirrored: a response is one person's answers, and putting the review under someone who did not
give it would be false. Such a review keeps its data where it is, on the review; :func:`backfill`
counts it as skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from amity.alliances.models import ACTIVITIES, CRITERIA, StrategicReview
from amity.core.services import set_history_user
from amity.partners.models import Organization

from .models import Answer, Assessment, AssessmentStatus, Instrument, Response, Side

KEY = "strategic-review"
CRITERIA_KEYS = [key for key, _, _ in CRITERIA]
ACTIVITY_FIELDS = [field for field, _ in ACTIVITIES]
#: Item keys in the order of the YAML file: the review's fields they mirror are described above.
ITEM_KEYS = [*CRITERIA_KEYS, *ACTIVITY_FIELDS, "sponsorship"]
CHANGE_REASON = "mirrors the strategic review"
BATCH = 500


def instrument() -> Instrument | None:
    """The active version of the strategic-review instrument (None before the first sync)."""
    return Instrument.objects.filter(key=KEY, active=True).order_by("-version").first()


def wave_name(review: StrategicReview) -> str:
    return f"Review {review.review_date}"  # a date prints as ISO 8601, e.g. 2026-05-04


def _named_after(wave: str, base: str) -> bool:
    return wave == base or (wave.startswith(f"{base} (") and wave.endswith(")"))


def _free_wave(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} ({n})"
    return name


def answers_of(review: StrategicReview, inst: Instrument) -> dict[str, tuple[int, str]]:
    """Item key → (value, comment) for ``review`` on ``inst``'s scale."""
    values: dict[str, tuple[int, str]] = {
        key: (int(getattr(review, f"score_{key}")), getattr(review, f"evidence_{key}") or "")
        for key in CRITERIA_KEYS
    }
    for field in ACTIVITY_FIELDS:
        values[field] = (inst.scale_max if getattr(review, field) else inst.scale_min, "")
    values["sponsorship"] = (int(review.sponsorship), "")
    return values


def _home() -> Organization | None:
    return Organization.objects.filter(is_home=True).first()


def _create(reviews: list[StrategicReview], inst: Instrument, home: Organization, user: Any = None) -> int:
    """Mirror ``reviews`` (none mirrored yet, all with a reviewer) in a few bulk inserts."""
    if not reviews:
        return 0
    taken: dict[int, set[str]] = defaultdict(set)
    for alliance_id, wave in Assessment.objects.filter(
        instrument=inst, alliance_id__in={r.alliance_id for r in reviews}, archived_at__isnull=True
    ).values_list("alliance_id", "wave"):
        taken[alliance_id].add(wave)
    history_user = user if getattr(user, "is_authenticated", False) else None
    assessments = []
    for review in reviews:
        if review.archived_at is None:
            wave = _free_wave(wave_name(review), taken[review.alliance_id])
            taken[review.alliance_id].add(wave)
        else:  # archived waves are outside the one-wave-per-name rule
            wave = wave_name(review)
        assessment = Assessment(
            alliance_id=review.alliance_id,
            instrument=inst,
            wave=wave,
            opened_on=review.review_date,
            status=AssessmentStatus.CLOSED,
            two_sided=False,
            created_by_id=review.reviewed_by_id,
            created_at=review.created_at,
            archived_at=review.archived_at,
            review_id=review.pk,
        )
        assessment._change_reason = CHANGE_REASON
        assessments.append(assessment)
    bulk_create_with_history(assessments, Assessment, batch_size=BATCH, default_user=history_user)
    # Looked up rather than read off the objects: not every database returns bulk-inserted keys.
    by_review = dict(
        Assessment.objects.filter(review_id__in=[r.pk for r in reviews]).values_list("review_id", "pk")
    )
    responses = []
    for review in reviews:
        response = Response(
            assessment_id=by_review[review.pk],
            respondent_id=review.reviewed_by_id,
            side=Side.OURS,
            organization=home,
            submitted_at=review.created_at,
            created_at=review.created_at,
        )
        response._change_reason = CHANGE_REASON
        responses.append(response)
    bulk_create_with_history(responses, Response, batch_size=BATCH, default_user=history_user)
    by_assessment = dict(
        Response.objects.filter(assessment_id__in=by_review.values()).values_list("assessment_id", "pk")
    )
    items = {item.key: item for item in inst.items.all()}
    Answer.objects.bulk_create(
        (
            Answer(
                response_id=by_assessment[by_review[review.pk]], item=items[key], value=value, comment=comment
            )
            for review in reviews
            for key, (value, comment) in answers_of(review, inst).items()
            if key in items
        ),
        batch_size=1000,
    )
    return len(reviews)


def _update(assessment: Assessment, review: StrategicReview, user: Any) -> Assessment:
    """Bring an existing mirror in line with its review (only what changed is written)."""
    inst = assessment.instrument
    wanted: dict[str, Any] = {
        "alliance_id": review.alliance_id,
        "opened_on": review.review_date,
        "status": AssessmentStatus.CLOSED,
        "two_sided": False,
        "archived_at": review.archived_at,
    }
    base = wave_name(review)
    if review.archived_at is not None:
        wanted["wave"] = assessment.wave if _named_after(assessment.wave, base) else base
    else:
        taken = set(
            Assessment.objects.filter(
                alliance_id=review.alliance_id, instrument=inst, archived_at__isnull=True
            )
            .exclude(pk=assessment.pk)
            .values_list("wave", flat=True)
        )
        keep = _named_after(assessment.wave, base) and assessment.wave not in taken
        wanted["wave"] = assessment.wave if keep else _free_wave(base, taken)
    if any(getattr(assessment, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(assessment, name, value)
        assessment.version += 1
        assessment._change_reason = CHANGE_REASON
        set_history_user(assessment, user)
        assessment.save()

    response = assessment.responses.filter(archived_at__isnull=True).order_by("pk").first()
    if response is None:
        home = _home()
        if review.reviewed_by_id is None or home is None:
            return assessment
        response = Response(
            assessment=assessment,
            respondent_id=review.reviewed_by_id,
            side=Side.OURS,
            organization=home,
            submitted_at=review.created_at,
            created_at=review.created_at,
        )
        response._change_reason = CHANGE_REASON
        set_history_user(response, user)
        response.save()
    elif review.reviewed_by_id is not None and response.respondent_id != review.reviewed_by_id:
        response.respondent_id = review.reviewed_by_id
        response.version += 1
        response._change_reason = CHANGE_REASON
        set_history_user(response, user)
        response.save()

    items = {item.key: item for item in inst.items.all()}
    existing = {a.item_id: a for a in response.answers.all()}
    changed, new = [], []
    for key, (value, comment) in answers_of(review, inst).items():
        item = items.get(key)
        if item is None:
            continue
        answer = existing.get(item.pk)
        if answer is None:
            new.append(Answer(response=response, item=item, value=value, comment=comment))
        elif (answer.value, answer.comment) != (value, comment):
            answer.value, answer.comment = value, comment
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["value", "comment"])
    Answer.objects.bulk_create(new)
    return assessment


def mirror_review(review: StrategicReview, *, user: Any = None) -> Assessment | None:
    """Record ``review`` as a wave of the strategic-review instrument, or update its wave.

    Returns the wave, or None when the review is not mirrored: it has no reviewer to answer for
    (see the module docstring), or the instrument or our home organization does not exist yet
    (``backfill`` catches up once they do).
    """
    if review.pk is None:
        return None
    # Two reviews of one alliance recorded at the same moment may pick the same wave name (or one
    # review be mirrored twice at once); the constraint refuses the second, which tries again.
    for attempt in range(3):
        existing = Assessment.objects.select_related("instrument").filter(review_id=review.pk).first()
        if existing is not None:
            with transaction.atomic():
                return _update(existing, review, user)
        inst, home = instrument(), _home()
        if review.reviewed_by_id is None or inst is None or home is None:
            return None
        try:
            with transaction.atomic():
                _create([review], inst, home, user=user)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return Assessment.objects.get(review_id=review.pk)
    return None  # pragma: no cover - the loop returns or raises


def follow_review(review: StrategicReview) -> None:
    """After any save of a mirrored review: bring its wave in line (archive, restore, correction)."""
    assessment = Assessment.objects.select_related("instrument").filter(review_id=review.pk).first()
    if assessment is not None:
        with transaction.atomic():
            _update(assessment, review, getattr(review, "_history_user", None))


@dataclass
class BackfillReport:
    mirrored: int = 0
    skipped: int = 0  # reviews without a reviewer: nobody to answer for
    missing: str = ""  # what is missing when nothing could be mirrored

    def __str__(self) -> str:
        if self.missing:
            return f"strategic reviews: none mirrored ({self.missing})"
        text = f"strategic reviews: {self.mirrored} mirrored as assessments"
        if self.skipped:
            text += f", {self.skipped} without a reviewer left on the review only"
        return text


def _unmirrored() -> Any:
    return StrategicReview.objects.filter(assessment__isnull=True)


def backfill(*, batch_size: int = BATCH) -> BackfillReport:
    """Mirror every review that has no wave yet, oldest first, ``batch_size`` reviews at a time.

    Each batch is its own transaction: an interrupted run keeps what it did, and running it again
    carries on (a mirrored review is never mirrored twice).
    """
    report = BackfillReport(skipped=_unmirrored().filter(reviewed_by__isnull=True).count())
    pending = _unmirrored().filter(reviewed_by__isnull=False)
    if not pending.exists():
        return report
    inst, home = instrument(), _home()
    if inst is None or home is None:
        report.missing = (
            "the strategic-review instrument is not synced" if inst is None else "no home organization"
        )
        return report
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last).defer("explanation", "notes").order_by("pk")[:batch_size])
        if not batch:
            return report
        with transaction.atomic():
            report.mirrored += _create(batch, inst, home)
        last = batch[-1].pk
