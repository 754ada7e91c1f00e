"""Writes of assessments: open a wave, answer it (our side or the partner's), close it, and turn
the largest perception gaps into action items."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from amity.core.models import user_role
from amity.core.permissions import is_editor
from amity.core.roles import INTERNAL_ROLES, Role
from amity.core.services import model_update, require, set_history_user
from amity.partners.models import Organization

from .models import Answer, Assessment, AssessmentStatus, Instrument, ItemType, Response, Side


def assessment_create(
    *,
    alliance: Any,
    instrument: Instrument,
    wave: str,
    user: Any,
    two_sided: bool | None = None,
    opened_on: date | None = None,
    closes_on: date | None = None,
) -> Assessment:
    require(user, "create", Assessment)
    wave = (wave or "").strip()
    errors: dict[str, str] = {}
    if not wave:
        errors["wave"] = 'Name the wave, e.g. "H1 2026".'
    if not instrument.active:
        errors["instrument"] = f"{instrument} is an old version; use the current one."
    elif instrument.key == "strategic-review":
        errors["instrument"] = "Record a strategic review on the alliance page: its answers become this wave."
    two_sided = instrument.two_sided if two_sided is None else bool(two_sided)
    if (
        two_sided
        and not alliance.parties.filter(organization__is_home=False, archived_at__isnull=True).exists()
    ):
        errors["two_sided"] = "This alliance has no partner organization to answer."
    opened_on = opened_on or timezone.localdate()
    if closes_on is not None and closes_on < opened_on:
        errors["closes_on"] = "The assessment cannot close before it opens."
    if Assessment.objects.filter(
        alliance=alliance, instrument=instrument, wave=wave, archived_at__isnull=True
    ).exists():
        errors["wave"] = f"{alliance} already has a {instrument.name} wave called {wave!r}."
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        alliance=alliance,
        instrument=instrument,
        wave=wave,
        two_sided=two_sided,
        opened_on=opened_on,
        closes_on=closes_on,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    assessment.full_clean()
    set_history_user(assessment, user)
    assessment.save()
    return assessment


def side_of(user: Any, assessment: Assessment) -> tuple[str, Organization]:
    """Which side a person answers for: our people ours, a partner user its organization's."""
    role = user_role(user)
    if role in INTERNAL_ROLES:
        return Side.OURS, Organization.objects.get(is_home=True)
    if role == Role.PARTNER and assessment.two_sided:
        org = user.organization
        if assessment.alliance.parties.filter(organization=org, archived_at__isnull=True).exists():
            return Side.PARTNER, org
    raise PermissionDenied("You are not asked to answer this assessment.")


def _value(raw: Any, lo: int, hi: int, field: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field: f"Answer with a whole number from {lo} to {hi}."}) from None
    if not lo <= value <= hi:
        raise ValidationError({field: f"Answer with a whole number from {lo} to {hi}."})
    return value


def response_save(
    *, assessment: Assessment, user: Any, answers: dict[str, dict[str, Any]], submit: bool = False
) -> Response:
    """Save (and with ``submit`` hand in) ``user``'s answers: ``{item key: {value, want, comment}}``.

    Items left out or empty count as "not applicable / don't know". A submitted response can be
    changed while the assessment is open (it stays submitted).
    """
    side, organization = side_of(user, assessment)
    assessment = Assessment.objects.select_related("instrument").get(pk=assessment.pk)  # current status
    if assessment.status != AssessmentStatus.OPEN or assessment.archived_at is not None:
        raise ValidationError({"status": "This assessment is closed."})
    instrument = assessment.instrument
    items = {item.key: item for item in instrument.items.all()}
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise ValidationError({"answers": f"Unknown items: {', '.join(unknown)}."})
    lo, hi = instrument.scale_min, instrument.scale_max
    rows = []
    for key, raw in answers.items():
        raw = raw or {}
        value = _value(raw.get("value"), lo, hi, f"{key}.value")
        want = _value(raw.get("want"), lo, hi, f"{key}.want")
        if items[key].type != ItemType.TENSION:
            want = None
        comment = str(raw.get("comment") or "").strip()[:2000]
        if "\x00" in comment:
            raise ValidationError({f"{key}.comment": "Null characters are not allowed."})
        rows.append((items[key], value, want, comment))
    if submit and not any(value is not None for _, value, _, _ in rows):
        raise ValidationError({"answers": "Answer at least one item before handing in."})
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .filter(assessment=assessment, respondent=user, archived_at__isnull=True)
            .first()
        )
        if response is None:
            response = Response(
                assessment=assessment,
                respondent=user,
                side=side,
                organization=organization,
                created_at=timezone.now(),
            )
            set_history_user(response, user)
            response.save()
        for item, value, want, comment in rows:
            Answer.objects.update_or_create(
                response=response, item=item, defaults={"value": value, "want": want, "comment": comment}
            )
        if submit and response.submitted_at is None:
            response.submitted_at = timezone.now()
            response.version += 1
            set_history_user(response, user)
            response.save()
    return response


def assessment_close(*, assessment: Assessment, user: Any) -> Assessment:
    if not is_editor(user):
        raise PermissionDenied("Only alliance managers and admins may close an assessment.")
    return model_update(instance=assessment, data={"status": AssessmentStatus.CLOSED}, user=user)[0]


def gaps_to_actions(
    *, assessment: Assessment, user: Any, owner: Any, item_keys: list[str], due_in_days: int = 30
) -> list:
    """One action item per chosen gap, owned by ``owner`` (a contact of one of the parties)."""
    from amity.governance.services import action_item_create

    from . import scoring

    if not is_editor(user):
        raise PermissionDenied("Only alliance managers and admins may create action items.")
    if owner is None:
        raise ValidationError({"owner": "Choose who owns the action items."})
    if not item_keys:
        raise ValidationError({"items": "Choose at least one gap."})
    result = scoring.score(assessment)
    by_key = {r.item.key: r for r in result.items}
    created = []
    with transaction.atomic():
        for key in item_keys:
            r = by_key.get(key)
            if r is None or r.gap is None:
                raise ValidationError({"items": f"{key} has no perception gap to act on."})
            ours, theirs = r.sides[Side.OURS].mean, r.sides[Side.PARTNER].mean
            created.append(
                action_item_create(
                    alliance=assessment.alliance,
                    data={
                        "title": f"Close the perception gap: {r.item.text}"[:250],
                        "notes": (
                            f"{assessment.instrument.name}, {assessment.wave}: our side answers {ours}, the "
                            f"partner {theirs} (gap {r.gap} on a {assessment.instrument.scale_min}-"
                            f"{assessment.instrument.scale_max} scale). Agree on the facts and on what each "
                            "side will do."
                        ),
                        "owner": owner,
                        "due_date": timezone.localdate() + timedelta(days=due_in_days),
                    },
                    user=user,
                )
            )
    return created
