"""REST API of instruments and assessments.

``/instruments`` lists the synced questionnaires with their items. ``/assessments`` opens a wave
on an alliance (managers, admins), takes a person's answers (``PUT /assessments/{id}/answers``:
our people answer for our side, a partner user of the alliance for the partner side when the
wave is two-sided) and gives the scores per side, the perception gap and every calculation.
A partner user sees the two-sided waves of its own alliances, never one-sided ones (404).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
)

from . import scoring, services
from .models import Assessment, AssessmentStatus, Instrument, InstrumentKind, ItemType, Side

router = Router(tags=["assessments"])


class InstrumentItemOut(Schema):
    key: str
    dimension: str
    order: int
    type: ItemType
    text: str
    guidance: str
    weight: Decimal
    reverse: bool
    poles: list[str]
    indicator: str
    stage: str


class InstrumentDimensionOut(Schema):
    key: str
    name: str
    weight: Decimal
    description: str


class InstrumentOut(Schema):
    id: int
    key: str
    version: int
    name: str
    kind: InstrumentKind
    two_sided: bool
    active: bool
    scale_min: int
    scale_max: int
    description: str
    source: str


class InstrumentDetailOut(InstrumentOut):
    dimensions: list[InstrumentDimensionOut]
    items: list[InstrumentItemOut]

    @staticmethod
    def resolve_items(obj: Instrument) -> list:
        return list(obj.items.all())


class InstrumentFilters(Schema):
    kind: InstrumentKind | None = None
    active: bool | None = True


@router.get("/instruments", response={200: list[InstrumentOut], **READ_ERRORS})
@paginate(Page)
def instrument_list(request: HttpRequest, filters: Query[InstrumentFilters]):
    qs = Instrument.objects.visible_to(acting_user(request))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs.order_by("key", "-version")


@router.get("/instruments/{instrument_id}", response={200: InstrumentDetailOut, **READ_ERRORS})
def instrument_detail(request: HttpRequest, instrument_id: int):
    return get_visible(Instrument, acting_user(request), instrument_id)


# --- assessments ---------------------------------------------------------------------------------


class AllianceBrief(Schema):
    id: int
    name: str


class AssessmentOut(Schema):
    id: int
    alliance: AllianceBrief
    instrument: InstrumentOut
    wave: str
    status: AssessmentStatus
    two_sided: bool
    opened_on: date
    closes_on: date | None


class SideScoreOut(Schema):
    n: int
    mean: Decimal | None
    want: Decimal | None
    score: Decimal | None
    calculation: str


class ItemScoreOut(Schema):
    key: str
    dimension: str
    text: str
    ours: SideScoreOut
    partner: SideScoreOut
    gap: Decimal | None = Field(description="Our mean answer minus the partner's, in scale points.")
    want_gap: Decimal | None = Field(description="Tension items: where we want it minus where they want it.")


class DimensionScoreOut(Schema):
    key: str
    name: str
    weight: Decimal
    ours: Decimal | None
    partner: Decimal | None
    gap: Decimal | None
    calculation_ours: str
    calculation_partner: str


class ScoresOut(Schema):
    respondents: dict[str, int]
    overall_ours: Decimal | None
    overall_partner: Decimal | None
    calculation_ours: str
    calculation_partner: str
    gap: Decimal | None = Field(description="Our overall score minus the partner's (0-100 scale).")
    dimensions: list[DimensionScoreOut]
    items: list[ItemScoreOut]
    largest_gaps: list[str] = Field(description="Item keys with the largest perception gaps, largest first.")


class AssessmentDetailOut(AssessmentOut):
    scores: ScoresOut


class AssessmentIn(InputSchema):
    alliance: Id
    instrument: Id
    wave: Text = Field(max_length=60)
    two_sided: bool | None = None
    opened_on: date | None = None
    closes_on: date | None = None


class AnswerIn(InputSchema):
    value: int | None = Field(None, ge=0, le=10)
    want: int | None = Field(None, ge=0, le=10)
    comment: Text = Field("", max_length=2000)


class AnswersIn(InputSchema):
    answers: dict[str, AnswerIn] = Field(description="Item key → answer; empty value = not applicable.")
    submit: bool = Field(True, description="Hand in (counts in the scores); false keeps a draft.")


class ResponseOut(Schema):
    id: int
    side: Side
    submitted: bool
    answered: int


class AssessmentFilters(Schema):
    alliance: Id | None = None
    instrument: str | None = Field(None, description="Instrument key, e.g. alliance-health.")
    status: AssessmentStatus | None = None


def _side(s: scoring.SideItem) -> dict:
    return {"n": s.n, "mean": s.mean, "want": s.want, "score": s.score, "calculation": s.calculation}


def _detail(assessment: Assessment) -> dict:
    result = scoring.score(assessment)
    return {
        "id": assessment.pk,
        "alliance": assessment.alliance,
        "instrument": assessment.instrument,
        "wave": assessment.wave,
        "status": assessment.status,
        "two_sided": assessment.two_sided,
        "opened_on": assessment.opened_on,
        "closes_on": assessment.closes_on,
        "scores": {
            "respondents": result.respondents,
            "overall_ours": result.overall[Side.OURS],
            "overall_partner": result.overall[Side.PARTNER],
            "calculation_ours": result.overall_calculation[Side.OURS],
            "calculation_partner": result.overall_calculation[Side.PARTNER],
            "gap": result.gap,
            "dimensions": [
                {
                    "key": d.key,
                    "name": d.name,
                    "weight": d.weight,
                    "ours": d.scores[Side.OURS],
                    "partner": d.scores[Side.PARTNER],
                    "gap": d.gap,
                    "calculation_ours": d.calculations[Side.OURS],
                    "calculation_partner": d.calculations[Side.PARTNER],
                }
                for d in result.dimensions
            ],
            "items": [
                {
                    "key": r.item.key,
                    "dimension": r.item.dimension,
                    "text": r.item.text,
                    "ours": _side(r.sides[Side.OURS]),
                    "partner": _side(r.sides[Side.PARTNER]),
                    "gap": r.gap,
                    "want_gap": r.want_gap,
                }
                for r in result.items
            ],
            "largest_gaps": [r.item.key for r in result.largest_gaps],
        },
    }


def _assessments(user):
    return (
        Assessment.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .select_related("alliance", "instrument")
    )


@router.get("/assessments", response={200: list[AssessmentOut], **READ_ERRORS})
@paginate(Page)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]):
    qs = _assessments(acting_user(request))
    if filters.alliance:
        qs = qs.filter(alliance_id=filters.alliance)
    if filters.instrument:
        qs = qs.filter(instrument__key=filters.instrument)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-opened_on", "-pk")


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **READ_ERRORS})
def assessment_detail(request: HttpRequest, assessment_id: int):
    """A wave with both sides' scores, the perception gap and each calculation."""
    user = acting_user(request)
    return _detail(get_visible(Assessment, user, assessment_id, _assessments(user)))


@router.post("/assessments", response={201: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_create(request: HttpRequest, payload: AssessmentIn):
    """Open a wave of an instrument on an alliance (alliance managers, admins)."""
    user = acting_user(request)
    refs = Resolver(user)
    alliance = refs.one(Alliance, payload.alliance, "alliance")
    instrument = refs.one(Instrument, payload.instrument, "instrument")
    refs.check()
    assessment = services.assessment_create(
        alliance=alliance,
        instrument=instrument,
        wave=payload.wave,
        two_sided=payload.two_sided,
        opened_on=payload.opened_on,
        closes_on=payload.closes_on,
        user=user,
    )
    return Status(201, _detail(assessment))


@router.put("/assessments/{assessment_id}/answers", response={200: ResponseOut, **WRITE_ERRORS})
def answers_put(request: HttpRequest, assessment_id: int, payload: AnswersIn):
    """Save your answers (our people for our side; a partner user of the alliance for theirs)."""
    user = acting_user(request)
    assessment = get_visible(Assessment, user, assessment_id, _assessments(user))
    response = services.response_save(
        assessment=assessment,
        user=user,
        answers={key: answer.dict() for key, answer in payload.answers.items()},
        submit=payload.submit,
    )
    return {
        "id": response.pk,
        "side": response.side,
        "submitted": response.submitted_at is not None,
        "answered": response.answers.exclude(value__isnull=True).count(),
    }


@router.post("/assessments/{assessment_id}/close", response={200: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_close(request: HttpRequest, assessment_id: int):
    user = acting_user(request)
    assessment = get_visible(Assessment, user, assessment_id, _assessments(user))
    services.assessment_close(assessment=assessment, user=user)
    return _detail(Assessment.objects.select_related("alliance", "instrument").get(pk=assessment.pk))
