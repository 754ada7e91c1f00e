"""Writes of the pipeline: accounts, opportunities (with stage history), deal registrations.

The deal-registration duplicate/conflict check runs at submission and stores what it found
as ``RegistrationMatch`` rows for the internal reviewer; the partner only learns that the
registration is under review.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from amity.alliances.models import Alliance, visible_alliance_ids
from amity.core import events
from amity.core.models import user_role
from amity.core.roles import Role
from amity.core.services import model_update, require, set_history_user
from amity.partners.models import Organization

from .models import (
    OPEN_STAGES,
    STAGE_PROBABILITY,
    Account,
    AccountStatus,
    DealRegistration,
    MatchKind,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    OpportunityStageChange,
    PartnerRole,
    RegistrationMatch,
    RegistrationStatus,
)
from .normalize import normalize_domain, normalize_name


def review_days() -> int:
    return int(getattr(settings, "AMITY_DEAL_REVIEW_DAYS", 2))


def protection_days() -> int:
    return int(getattr(settings, "AMITY_DEAL_PROTECTION_DAYS", 90))


def add_business_days(day: date, days: int) -> date:
    """``day`` plus ``days`` working days (Monday–Friday); a weekend start counts from Monday."""
    current = day
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _today() -> date:
    return timezone.localdate()


# --- accounts -----------------------------------------------------------------------------------


def account_create(*, data: dict[str, Any], user: Any) -> Account:
    require(user, "create", Account)
    account = Account(**data)
    if account.owner_organization_id is None:
        account.owner_organization = Organization.objects.filter(is_home=True).first()
    account.full_clean()
    set_history_user(account, user)
    with transaction.atomic():
        account.save()
    return account


def account_update(*, account: Account, data: dict[str, Any], user: Any, expected_version: int | None = None):
    return model_update(instance=account, data=data, user=user, expected_version=expected_version)


# --- opportunities ------------------------------------------------------------------------------


def _check_links(links: list[tuple[Alliance, str]]) -> None:
    seen = set()
    for alliance, role in links:
        if role not in PartnerRole.values:
            raise ValidationError({"alliances": f"Unknown partner role {role!r}."})
        if alliance.pk in seen:
            raise ValidationError({"alliances": f"{alliance} is listed twice."})
        seen.add(alliance.pk)


def _check_account_owner(account: Account | None, links: list[tuple[Alliance, str]]) -> None:
    """A partner's account may only be in that partner's alliances' opportunities: other
    partners must never see it (they would, through the opportunity)."""
    if account is None or not links:
        return
    owner = account.owner_organization
    if owner.is_home:
        return
    from amity.alliances.models import AllianceParty

    ids = [alliance.pk for alliance, _ in links]
    with_owner = set(
        AllianceParty.objects.filter(
            alliance_id__in=ids, organization=owner, archived_at__isnull=True
        ).values_list("alliance_id", flat=True)
    )
    foreign = [alliance.name for alliance, _ in links if alliance.pk not in with_owner]
    if foreign:
        raise ValidationError(
            {"alliances": f"{account} is {owner}'s account; it cannot be shared with {', '.join(foreign)}."}
        )


def _set_links(opportunity: Opportunity, links: list[tuple[Alliance, str]]) -> bool:
    current = {link.alliance_id: link for link in opportunity.links.all()}
    wanted = {alliance.pk: role for alliance, role in links}
    changed = False
    for alliance_id, link in current.items():
        if alliance_id not in wanted:
            link.delete()  # a link is not a record of its own: the opportunity's history keeps it
            changed = True
        elif link.role != wanted[alliance_id]:
            link.role = wanted[alliance_id]
            link.save(update_fields=["role", "updated_at"])
            changed = True
    for alliance_id, role in wanted.items():
        if alliance_id not in current:
            OpportunityAlliance.objects.create(opportunity=opportunity, alliance_id=alliance_id, role=role)
            changed = True
    return changed


def opportunity_create(
    *, data: dict[str, Any], user: Any, alliances: list[tuple[Alliance, str]] | None = None
) -> Opportunity:
    """A new opportunity, its alliance links and the first stage-history row."""
    require(user, "create", Opportunity)
    links = alliances or []
    _check_links(links)
    opportunity = Opportunity(**data)
    _check_account_owner(getattr(opportunity, "account", None) if opportunity.account_id else None, links)
    if opportunity.probability is None:
        opportunity.probability = STAGE_PROBABILITY.get(opportunity.stage, 0)
    opportunity.stage_changed_at = timezone.now()
    opportunity.full_clean()
    set_history_user(opportunity, user)
    with transaction.atomic():
        opportunity.save()
        _set_links(opportunity, links)
        OpportunityStageChange.objects.create(
            opportunity=opportunity,
            from_stage="",
            to_stage=opportunity.stage,
            changed_at=opportunity.stage_changed_at,
            changed_by=user if getattr(user, "is_authenticated", False) else None,
        )
    return opportunity


def opportunity_update(
    *,
    opportunity: Opportunity,
    data: dict[str, Any],
    user: Any,
    expected_version: int | None = None,
    alliances: list[tuple[Alliance, str]] | None = None,
) -> tuple[Opportunity, list[str]]:
    """Edit fields (a stage in ``data`` goes through :func:`opportunity_set_stage`) and links."""
    require(user, "change", opportunity)
    data = dict(data)
    stage = data.pop("stage", None)
    if alliances is not None:
        _check_links(alliances)
    with transaction.atomic():
        opportunity, changed = model_update(
            instance=opportunity, data=data, user=user, expected_version=expected_version
        )
        current_links = (
            alliances
            if alliances is not None
            else [(link.alliance, link.role) for link in opportunity.links.select_related("alliance")]
        )
        _check_account_owner(opportunity.account, current_links)
        if alliances is not None and _set_links(opportunity, alliances):
            changed.append("alliances")
        if stage is not None and stage != opportunity.stage:
            opportunity = opportunity_set_stage(
                opportunity=opportunity,
                stage=stage,
                user=user,
                probability=data.get("probability"),
            )
            changed.append("stage")
    return opportunity, changed


def opportunity_set_stage(
    *,
    opportunity: Opportunity,
    stage: str,
    user: Any,
    probability: int | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move to ``stage``; records who/when/from/to. The probability follows the stage's
    default unless one is given. Moving to the stage it is in changes nothing."""
    require(user, "change", opportunity)
    if stage not in OpportunityStage.values:
        raise ValidationError({"stage": f"Unknown stage {stage!r}."})
    if stage == opportunity.stage and probability is None:
        return opportunity
    data: dict[str, Any] = {
        "stage": stage,
        "probability": probability if probability is not None else STAGE_PROBABILITY[stage],
    }
    from_stage = opportunity.stage
    with transaction.atomic():
        now = timezone.now()
        if stage != from_stage:
            data["stage_changed_at"] = now
        opportunity, _ = model_update(
            instance=opportunity, data=data, user=user, expected_version=expected_version
        )
        if stage != from_stage:
            OpportunityStageChange.objects.create(
                opportunity=opportunity,
                from_stage=from_stage,
                to_stage=stage,
                changed_at=now,
                changed_by=user if getattr(user, "is_authenticated", False) else None,
            )
    return opportunity


# --- deal registrations -------------------------------------------------------------------------


def _deal_event(registration: DealRegistration) -> dict[str, Any]:
    """What a deal-registration event says (``core.events``; webhooks send it to the registering
    partner and our company only - the registration's own visibility rule)."""
    data = {
        "id": registration.pk,
        "company_name": registration.company_name,
        "offering": registration.offering,
        "amount": registration.amount,
        "currency": registration.currency,
        "status": registration.status,
        "decision_deadline": registration.decision_deadline,
        "organization": {"id": registration.organization_id, "name": registration.organization.name},
        "url": registration.get_absolute_url(),
    }
    if registration.status == RegistrationStatus.APPROVED:
        data["protection_until"] = registration.protection_until
    if registration.status == RegistrationStatus.REJECTED:
        data["rejection_reason"] = registration.rejection_reason
    return data


def registration_submit(
    *, data: dict[str, Any], alliance: Alliance, user: Any, organization: Organization | None = None
) -> DealRegistration:
    """A partner registers a deal under one of their alliances (internal editors may register
    on behalf of a partner party of the alliance). Runs the duplicate/conflict check."""
    require(user, "create", DealRegistration)
    role = user_role(user)
    if role == Role.PARTNER:
        if not visible_alliance_ids(user.organization_id).filter(alliance_id=alliance.pk).exists():
            raise ValidationError({"alliance": "Register deals under one of your own alliances."})
        organization = user.organization
    else:
        partners = alliance.parties.filter(archived_at__isnull=True, organization__is_home=False)
        if organization is None:
            party = partners.select_related("organization").first()
            if party is None:
                raise ValidationError({"alliance": "This alliance has no partner to register for."})
            organization = party.organization
        elif not partners.filter(organization=organization).exists():
            raise ValidationError({"organization": f"{organization} is not a partner in {alliance}."})
    if alliance.archived_at is not None:
        raise ValidationError({"alliance": f"{alliance} is archived."})
    today = _today()
    registration = DealRegistration(
        **data,
        alliance=alliance,
        organization=organization,
        submitted_by=user,
        status=RegistrationStatus.SUBMITTED,
        submitted_on=today,
        decision_deadline=add_business_days(today, review_days()),
    )
    registration.full_clean()
    set_history_user(registration, user)
    with transaction.atomic():
        registration.save()
        registration_check(registration=registration, today=today)
        events.emit(
            "deal.registered", alliance_id=alliance.pk, kind=None, data=_deal_event(registration), actor=user
        )
    return registration


def find_matches(registration: DealRegistration, today: date | None = None) -> list[RegistrationMatch]:
    """The duplicate/conflict check: the same customer by normalized name or domain in
    (a) an account with an open opportunity, (b) another partner's active registration
    (submitted, or approved and inside its protection window), (c) the same partner's own
    earlier active registration. Expired, rejected and lapsed registrations are no conflict."""
    today = today or _today()
    name, domain = registration.normalized_name, registration.domain
    if not name and not domain:
        return []  # nothing to match on
    key = Q(normalized_name=name) if name else Q(domain=domain)
    if name and domain:
        key |= Q(domain=domain)
    # Ids and the matched keys only (the matches are stored, never shown from here): plain
    # rows, no model instances.
    opportunities = (
        Opportunity.objects.filter(
            account__in=Account.objects.filter(key, archived_at__isnull=True),
            stage__in=OPEN_STAGES,
            archived_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "account_id", "account__normalized_name", "account__domain")
    )
    found = [
        RegistrationMatch(
            registration=registration,
            kind=MatchKind.OPEN_OPPORTUNITY,
            opportunity_id=opportunity_id,
            account_id=account_id,
            on_name=bool(name) and account_name == name,
            on_domain=bool(domain) and account_domain == domain,
        )
        for opportunity_id, account_id, account_name, account_domain in opportunities
    ]
    others = (
        DealRegistration.objects.filter(key, archived_at__isnull=True)
        .exclude(pk=registration.pk)
        .filter(
            Q(status=RegistrationStatus.SUBMITTED)
            | Q(status=RegistrationStatus.APPROVED, protection_until__gte=today)
        )
        .order_by("pk")
        .values_list("pk", "organization_id", "normalized_name", "domain")
    )
    for other_id, organization_id, other_name, other_domain in others:
        same = organization_id == registration.organization_id
        found.append(
            RegistrationMatch(
                registration=registration,
                kind=MatchKind.DUPLICATE if same else MatchKind.COMPETING_REGISTRATION,
                other_registration_id=other_id,
                on_name=bool(name) and other_name == name,
                on_domain=bool(domain) and other_domain == domain,
            )
        )
    return found


def registration_check(
    *, registration: DealRegistration, today: date | None = None
) -> list[RegistrationMatch]:
    """(Re)run the check and store its matches (replacing earlier ones)."""
    with transaction.atomic():
        registration.matches.all().delete()
        matches = RegistrationMatch.objects.bulk_create(find_matches(registration, today))
    return matches


def _decidable(registration: DealRegistration, user: Any) -> DealRegistration:
    require(user, "decide", registration)
    current = DealRegistration.objects.select_for_update().get(pk=registration.pk)
    if current.status != RegistrationStatus.SUBMITTED:
        raise ValidationError(
            {"status": f"This registration is already {current.get_status_display().lower()}."}
        )
    return current


def registration_approve(
    *, registration: DealRegistration, user: Any, today: date | None = None
) -> DealRegistration:
    """Approve: the partner is protected for the protection window from today."""
    today = today or _today()
    with transaction.atomic():
        current = _decidable(registration, user)
        current.status = RegistrationStatus.APPROVED
        current.decided_at = timezone.now()
        current.decided_by = user
        current.approved_on = today
        current.protection_until = today + timedelta(days=protection_days())
        current.version += 1
        set_history_user(current, user)
        current._change_reason = "approved"
        current.save()
        events.emit(
            "deal.approved", alliance_id=current.alliance_id, kind=None, data=_deal_event(current), actor=user
        )
    return current


def registration_reject(*, registration: DealRegistration, reason: str, user: Any) -> DealRegistration:
    """Reject with a reason the partner sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the partner a reason for the rejection."})
    with transaction.atomic():
        current = _decidable(registration, user)
        current.status = RegistrationStatus.REJECTED
        current.decided_at = timezone.now()
        current.decided_by = user
        current.rejection_reason = reason
        current.version += 1
        set_history_user(current, user)
        current._change_reason = "rejected"
        current.save()
        events.emit(
            "deal.rejected", alliance_id=current.alliance_id, kind=None, data=_deal_event(current), actor=user
        )
    return current


def registrations_expire(today: date | None = None) -> int:
    """The daily pass: approved registrations whose protection window ended become expired.
    Idempotent - a second run on the same day finds nothing left to expire."""
    today = today or _today()
    due = list(
        DealRegistration.objects.filter(
            status=RegistrationStatus.APPROVED, protection_until__lt=today, archived_at__isnull=True
        )
    )
    with transaction.atomic():
        for registration in due:
            registration.status = RegistrationStatus.EXPIRED
            registration.expired_on = today
            registration.version += 1
            registration._change_reason = "protection window ended"
            registration.save()
    return len(due)


def registration_convert(*, registration: DealRegistration, user: Any) -> Opportunity:
    """Turn an approved registration into an opportunity: the account (found by normalized
    name or domain, else created for the partner) and an opportunity linked to the
    registration's alliance with the partner's role "sourced". Converting twice is refused."""
    require(user, "decide", registration)
    with transaction.atomic():
        current = DealRegistration.objects.select_for_update().get(pk=registration.pk)
        if current.opportunity_id:
            raise ValidationError({"status": "This registration was already converted."})
        if current.status != RegistrationStatus.APPROVED:
            raise ValidationError({"status": "Only an approved registration can be converted."})
        key = Q(normalized_name=normalize_name(current.company_name))
        if current.domain:
            key |= Q(domain=normalize_domain(current.domain))
        account = Account.objects.filter(key, archived_at__isnull=True).order_by("pk").first()
        if account is None:
            account = account_create(
                data={
                    "name": current.company_name,
                    "domain": current.domain,
                    "country": current.country,
                    "owner_organization": current.organization,
                    "status": AccountStatus.PROSPECT,
                },
                user=user,
            )
        opportunity = opportunity_create(
            data={
                "name": f"{current.company_name} – {current.offering}",
                "account": account,
                "amount": current.amount,
                "currency": current.currency,
                "stage": OpportunityStage.QUALIFICATION,
                "close_date": current.expected_close_date,
                "owner": user if user_role(user) in (Role.ADMIN, Role.MANAGER) else None,
            },
            alliances=[(current.alliance, PartnerRole.SOURCED)],
            user=user,
        )
        current.account = account
        current.opportunity = opportunity
        current.version += 1
        set_history_user(current, user)
        current._change_reason = "converted to an opportunity"
        current.save()
    return opportunity


def ensure_can_register(user: Any) -> None:
    if user_role(user) not in (Role.ADMIN, Role.MANAGER, Role.PARTNER):
        raise PermissionDenied("You may not register deals.")
