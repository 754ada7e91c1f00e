"""Every write to alliances: create, parties, people, life-cycle transitions, reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from amity.core import events
from amity.core.roles import Role
from amity.core.services import model_archive, model_update, require, set_history_user
from amity.partners.models import Contact, Organization

from . import rules, tiering
from .models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    GateCheck,
    GateRequirement,
    MemberRole,
    PartyRole,
    Stage,
    StageChange,
    StageTransitionRule,
    StrategicReview,
)


def home_organization() -> Organization:
    home = Organization.objects.filter(is_home=True).first()
    if home is None:
        raise ValidationError("Our own company is not set up: create an organization marked 'is home'.")
    return home


# --- alliances and parties ------------------------------------------------------------


@transaction.atomic
def alliance_create(
    *,
    user: Any,
    data: dict[str, Any],
    partners: list[tuple[Organization, str]],
    objectives: list[Any] | None = None,
) -> Alliance:
    """Create an alliance between our company and one or more partners.

    ``partners`` is a list of (organization, role); our own company joins as host.
    """
    require(user, "create", Alliance)
    home = home_organization()
    partner_orgs = [(org, role) for org, role in partners if org.pk != home.pk]
    if not partner_orgs:
        raise ValidationError({"partners": "An alliance needs at least one partner organization."})
    if len({org.pk for org, _ in partner_orgs}) != len(partner_orgs):
        raise ValidationError({"partners": "The same organization is listed twice."})
    data = dict(data)
    data.setdefault("owner", user if getattr(user, "role", None) in (Role.ADMIN, Role.MANAGER) else None)
    alliance = Alliance(**data)
    alliance.full_clean()
    set_history_user(alliance, user)
    alliance.save()
    if objectives:
        alliance.objectives.set(objectives)
    _party_save(alliance, home, PartyRole.HOST, user)
    for org, role in partner_orgs:
        _party_save(alliance, org, role or PartyRole.PARTNER, user)
    StageChange.objects.create(
        alliance=alliance,
        from_stage="",
        to_stage=alliance.stage,
        changed_by=user if user.is_authenticated else None,
        reason="Alliance created",
    )
    if alliance.tier_id:
        tiering.record_manual_change(
            alliance=alliance, from_tier_id=None, user=user, reason="Tier given when the alliance was created"
        )
    return alliance


@transaction.atomic
def alliance_update(
    *,
    alliance: Alliance,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    objectives: list[Any] | None = None,
    tier_reason: str = "",
) -> tuple[Alliance, list[str]]:
    """Edit an alliance's own fields (the stage changes only through a transition).

    A tier changed here is a change by hand: ``tier_reason`` says why, and the change is
    recorded in the tier history (``tiering``).
    """
    data = {k: v for k, v in data.items() if k not in {"stage", "stage_changed_at"}}
    m2m = {"objectives": objectives} if objectives is not None else None
    from_tier_id = alliance.tier_id
    alliance, changed = model_update(
        instance=alliance, data=data, user=user, expected_version=expected_version, m2m=m2m
    )
    if "tier" in changed or "tier_id" in changed:
        tiering.record_manual_change(
            alliance=alliance, from_tier_id=from_tier_id, user=user, reason=tier_reason
        )
    return alliance, changed


def _party_save(alliance: Alliance, organization: Organization, role: str, user: Any) -> AllianceParty:
    party = AllianceParty.objects.filter(alliance=alliance, organization=organization).first()
    if party is None:
        party = AllianceParty(alliance=alliance, organization=organization, role=role)
    else:  # re-joining an alliance restores the archived party row
        party.archived_at = None
        party.role = role
        party.version += 1
    party.full_clean(validate_constraints=False)
    set_history_user(party, user)
    party.save()
    return party


@transaction.atomic
def party_add(*, alliance: Alliance, organization: Organization, role: str, user: Any) -> AllianceParty:
    require(user, "change", alliance)
    if organization.is_home:
        raise ValidationError({"organization": "Our own company is already a party."})
    if alliance.parties.active().filter(organization=organization).exists():
        raise ValidationError({"organization": f"{organization} is already a party."})
    return _party_save(alliance, organization, role, user)


@transaction.atomic
def party_remove(*, party: AllianceParty, user: Any) -> AllianceParty:
    alliance = party.alliance
    require(user, "change", alliance)
    if party.role == PartyRole.HOST:
        raise ValidationError({"organization": "Our own company cannot leave its own alliance."})
    if alliance.parties.active().exclude(pk=party.pk).exclude(role=PartyRole.HOST).count() < 1:
        raise ValidationError({"organization": "An alliance needs at least one partner: add another first."})
    return model_archive(instance=party, user=user, reason="left the alliance")


@transaction.atomic
def member_add(*, alliance: Alliance, contact: Contact, role: str, area: str, user: Any) -> AllianceMember:
    require(user, "change", alliance)
    party_orgs = set(alliance.parties.active().values_list("organization_id", flat=True))
    if contact.organization_id not in party_orgs:
        raise ValidationError(
            {"contact": f"{contact} works for {contact.organization}, which is not a party."}
        )
    member = AllianceMember.objects.filter(alliance=alliance, contact=contact, role=role).first()
    if member and member.archived_at is None:
        raise ValidationError({"contact": f"{contact} already has this role."})
    if member is None:
        member = AllianceMember(alliance=alliance, contact=contact, role=role)
    member.archived_at = None
    member.area = area
    member.full_clean(validate_constraints=False)
    set_history_user(member, user)
    member.save()
    return member


def member_remove(*, member: AllianceMember, user: Any) -> AllianceMember:
    require(user, "change", member.alliance)
    return model_archive(instance=member, user=user, reason="removed from the alliance")


# --- life cycle ------------------------------------------------------------------------


def allowed_transitions(alliance: Alliance) -> list[str]:
    return list(
        StageTransitionRule.objects.active()
        .filter(from_stage=alliance.stage)
        .values_list("to_stage", flat=True)
    )


def _check(alliance: Alliance, check: str) -> tuple[bool, str]:
    """Automatic gate checks: (met, what was found)."""
    if check == GateCheck.OWNER:
        return alliance.owner_id is not None, str(alliance.owner or "no owner")
    if check == GateCheck.PARTNER:
        n = alliance.parties.active().exclude(role=PartyRole.HOST).count()
        return n >= 1, f"{n} partner organization(s)"
    if check == GateCheck.SPONSORS:
        sponsors = (
            alliance.members.active().filter(role=MemberRole.SPONSOR).select_related("contact__organization")
        )
        ours = [m for m in sponsors if m.contact.organization.is_home]
        theirs = [m for m in sponsors if not m.contact.organization.is_home]
        missing = [side for side, found in (("our side", ours), ("partner side", theirs)) if not found]
        return not missing, "missing on " + " and ".join(
            missing
        ) if missing else f"{len(sponsors)} sponsor(s)"
    if check == GateCheck.REVIEW:
        n = alliance.reviews.active().count()
        return n > 0, f"{n} review(s)"
    if check == GateCheck.RECENT_REVIEW:
        since = timezone.localdate() - timedelta(days=365)
        latest = alliance.reviews.active().order_by("-review_date").first()
        if latest is None:
            return False, "no review"
        return latest.review_date >= since, f"latest on {latest.review_date}"
    if check == GateCheck.OBJECTIVE:
        n = alliance.objectives.count()
        return n > 0, f"{n} objective(s)"
    if check == GateCheck.TIER:
        return alliance.tier_id is not None, str(alliance.tier or "no tier")
    if check == GateCheck.START_DATE:
        return alliance.start_date is not None, str(alliance.start_date or "no start date")
    if check == GateCheck.EXIT_PLAN:
        return bool(alliance.exit_plan.strip()), "written" if alliance.exit_plan.strip() else "empty"
    return False, f"unknown check {check!r}"


def gate_evaluate(
    alliance: Alliance, to_stage: str, attested: set[int] | None = None
) -> list[dict[str, Any]]:
    """The checklist for entering ``to_stage``: each item, whether it is met, and why."""
    attested = attested or set()
    items = []
    for req in GateRequirement.objects.active().filter(stage=to_stage).order_by("order", "id"):
        if req.check_kind == GateCheck.ATTEST:
            met, detail = req.pk in attested, "confirmed" if req.pk in attested else "not confirmed"
        else:
            met, detail = _check(alliance, req.check_kind)
        items.append(
            {
                "id": req.pk,
                "label": req.label,
                "check": req.check_kind,
                "attest": req.check_kind == GateCheck.ATTEST,
                "help": req.help_text,
                "met": met,
                "detail": detail,
            }
        )
    return items


class GateBlocked(ValidationError):
    """A transition blocked by unmet gate items; ``items`` lists the checklist."""

    def __init__(self, items: list[dict[str, Any]], stage_label: str):
        self.items = items
        missing = [i["label"] for i in items if not i["met"]]
        super().__init__({"to_stage": [f"Cannot enter {stage_label}: missing - " + "; ".join(missing)]})


@transaction.atomic
def alliance_transition(
    *,
    alliance: Alliance,
    to_stage: str,
    user: Any,
    reason: str = "",
    attested: set[int] | None = None,
    override_reason: str = "",
    expected_version: int | None = None,
) -> StageChange:
    """Move an alliance to ``to_stage`` if the transition is allowed and its gate is met.

    An admin may pass an unmet gate with ``override_reason``; it is recorded.
    """
    require(user, "change", alliance)
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if expected_version is not None and alliance.version != expected_version:
        from amity.core.services import ConflictError

        raise ConflictError(alliance, expected_version)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": f"Unknown stage {to_stage!r}."})
    if to_stage not in allowed_transitions(alliance):
        allowed = ", ".join(Stage(s).label for s in allowed_transitions(alliance)) or "none"
        raise ValidationError(
            {
                "to_stage": f"{alliance.get_stage_display()} → {Stage(to_stage).label} is not an allowed "
                f"transition (allowed: {allowed})."
            }
        )
    items = gate_evaluate(alliance, to_stage, attested)
    unmet = [i for i in items if not i["met"]]
    overridden = False
    if unmet:
        if not override_reason.strip():
            raise GateBlocked(items, Stage(to_stage).label)
        if user.role != Role.ADMIN:
            raise PermissionDenied("Only an admin may override an unmet stage gate.")
        overridden = True
    change = StageChange.objects.create(
        alliance=alliance,
        from_stage=alliance.stage,
        to_stage=to_stage,
        changed_by=user,
        reason=reason,
        overridden=overridden,
        override_reason=override_reason.strip() if overridden else "",
        checklist=items,
    )
    alliance.stage = to_stage
    alliance.stage_changed_at = change.changed_at
    alliance.version += 1
    alliance._change_reason = f"stage → {Stage(to_stage).label}" + (
        " (gate overridden)" if overridden else ""
    )
    set_history_user(alliance, user)
    alliance.save()
    events.emit(
        "alliance.stage_changed",
        alliance_id=alliance.pk,
        kind=None,
        data={
            "id": alliance.pk,
            "name": alliance.name,
            "from_stage": change.from_stage,
            "to_stage": to_stage,
            "to_stage_label": Stage(to_stage).label,
            "reason": reason,
            "url": alliance.get_absolute_url(),
        },
        actor=user,
    )
    return change


# --- strategic review ------------------------------------------------------------------


def review_apply_rules(review: StrategicReview) -> StrategicReview:
    """Compute and store the rules' result on an (unsaved or saved) review."""
    active = rules.active_rules()
    result = rules.evaluate(rules.alliance_facts(review, rules=active), active)
    facts = result["facts"]
    review.criteria_total = facts["criteria_total"]
    review.activities_count = facts["activities_count"]
    review.commitment_signals = facts["commitment_signals"]
    review.classification = result["classification"]
    review.recommended_tier_id = result["tier_id"]
    review.explanation = result
    return review


@transaction.atomic
def review_record(*, alliance: Alliance, user: Any, data: dict[str, Any]) -> StrategicReview:
    """Record a strategic review and its classification and recommended tier."""
    require(user, "create", StrategicReview)
    review = StrategicReview(alliance=alliance, reviewed_by=user, **data)
    review.full_clean(exclude=["alliance", "reviewed_by"])
    review_apply_rules(review)
    set_history_user(review, user)
    review.save()
    # The review is also an answer to the strategic-review instrument (assessments app), so it
    # shows beside the other assessments with its scores, trend and calculation.
    from amity.assessments.strategic_review import mirror_review

    mirror_review(review, user=user)
    return review


def alliance_apply_recommended_tier(*, alliance: Alliance, user: Any) -> Alliance:
    """Set the tier the latest strategic review recommends; the change names the rule that fired."""
    tiering.apply_review_recommendation(alliance=alliance, user=user)
    alliance.refresh_from_db()
    return alliance
