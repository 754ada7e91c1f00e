"""The become-a-partner application: public submission (rate-limited per address), vetting,
and the decision. Approval enters the company into the alliance life cycle at *identify*.

Approval writes through the existing services - the organization and contact with the generic
``model_create``, the alliance with ``alliances.services.alliance_create`` (our company as host,
the approving manager as owner, its stage history starting at *identify*) - all in one
transaction: if any step fails (a name already taken, say) nothing is written and the error
names the field to correct.

The per-address limit counts the applications stored from that address in the last hour, so
every server process sees the same count (one indexed query). Submissions that store nothing -
the honeypot's robots - count in Django's cache, which is per process unless a shared cache is
configured: they cost nothing but the request.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from amity.alliances.models import AllianceType, PartyRole, Stage
from amity.core.services import ConflictError, model_create, require, set_history_user

from .models import Contact, ContactFunction, Organization, PartnerKind
from .models_applications import OPEN_APPLICATION, ApplicationStatus, PartnerApplication

logger = logging.getLogger(__name__)

#: Submissions accepted per client address and window (override with AMITY_APPLICATIONS_PER_HOUR).
DEFAULT_PER_HOUR = 5
WINDOW_SECONDS = 3600

#: The alliance type an approved application starts with, by the kind of partner.
DEFAULT_ALLIANCE_TYPE = {
    PartnerKind.ISV: AllianceType.DEVELOPMENT,
    PartnerKind.TECHNOLOGY: AllianceType.DEVELOPMENT,
    PartnerKind.RESEARCH: AllianceType.DEVELOPMENT,
    PartnerKind.VAR: AllianceType.CHANNEL,
    PartnerKind.MSP: AllianceType.CHANNEL,
    PartnerKind.DISTRIBUTOR: AllianceType.CHANNEL,
    PartnerKind.SI: AllianceType.GO_TO_MARKET,
    PartnerKind.CONSULTING: AllianceType.GO_TO_MARKET,
    PartnerKind.OTHER: AllianceType.GO_TO_MARKET,
}


# --- the rate limit ----------------------------------------------------------------------------


def per_hour() -> int:
    return int(getattr(settings, "AMITY_APPLICATIONS_PER_HOUR", DEFAULT_PER_HOUR))


def _key(address: str | None) -> str:
    return f"amity:partner-application:{address or 'unknown'}"


def rate_limited(address: str | None) -> bool:
    """True when ``address`` has used up its submissions for the last hour: the applications
    stored from it (in the database, shared by every process) and the robots' (in the cache)."""
    since = timezone.now() - timedelta(seconds=WINDOW_SECONDS)
    stored = PartnerApplication.objects.filter(submitted_from=address, created_at__gte=since).count()
    return stored + int(cache.get(_key(address), 0)) >= per_hour()


def rate_count(address: str | None) -> None:
    """Count one submission from ``address`` that stored nothing (a robot's)."""
    key = _key(address)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)


# --- e-mail to the applicant ---------------------------------------------------------------------


def home_name() -> str:
    return Organization.objects.filter(is_home=True).values_list("name", flat=True).first() or "Amity"


def _send(application: PartnerApplication, template: str, subject: str, **extra: Any) -> None:
    context = {"application": application, "home": home_name(), **extra}
    message = EmailMessage(
        subject=subject.format(home=context["home"])[:200],
        body=render_to_string(f"partners/applications/email/{template}.txt", context),
        to=[application.contact_email],
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception(
            "The %s e-mail for partner application %s could not be sent.", template, application.pk
        )


def _mail_after_commit(application: PartnerApplication, template: str, subject: str, **extra: Any) -> None:
    transaction.on_commit(lambda: _send(application, template, subject, **extra))


# --- the applicant -------------------------------------------------------------------------------

APPLICANT_FIELDS = (
    "company_name",
    "website",
    "country",
    "partner_kind",
    "size",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_title",
    "proposal",
    "capabilities",
)


def application_submit(
    *, data: dict[str, Any], address: str | None = None, email: bool = True
) -> PartnerApplication:
    """Store a public application (no user: anyone may apply) and confirm it to the applicant."""
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in APPLICANT_FIELDS}
    for name, value in fields.items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError({name: "The text contains a null character."})
    application = PartnerApplication(**fields, submitted_from=address)
    application.full_clean()
    with transaction.atomic():
        application.save()
        if email:
            _mail_after_commit(application, "received", "Your application to partner with {home}")
    return application


# --- vetting and the decision --------------------------------------------------------------------


def _locked(application: PartnerApplication, expected_version: int | None) -> PartnerApplication:
    current = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, expected_version)
    return current


def _decided_error(application: PartnerApplication) -> ValidationError:
    when = f" on {timezone.localtime(application.decided_at):%d %b %Y}" if application.decided_at else ""
    who = f" by {application.decided_by}" if application.decided_by_id else ""
    if application.status == ApplicationStatus.APPROVED:
        return ValidationError(
            {
                "status": f"This application was already approved{when}{who}: it created {application.alliance}."
            }
        )
    return ValidationError({"status": f"This application was already rejected{when}{who}."})


def application_vet(
    *,
    application: PartnerApplication,
    user: Any,
    notes: str | None = None,
    expected_version: int | None = None,
) -> PartnerApplication:
    """Start vetting a submitted application (or update the vetting notes of one being vetted)."""
    require(user, "change", application)
    with transaction.atomic():
        current = _locked(application, expected_version)
        if current.status not in OPEN_APPLICATION:
            raise _decided_error(current)
        if current.status == ApplicationStatus.SUBMITTED:
            current.status = ApplicationStatus.VETTING
            current.vetting_by = user
            current.vetting_started_at = timezone.now()
            current._change_reason = "vetting started"
        if notes is not None:
            current.vetting_notes = notes.strip()
        current.version += 1
        current.full_clean()
        set_history_user(current, user)
        current.save()
    return current


def _organization_for(
    application: PartnerApplication, organization: Organization | None, user: Any
) -> Organization:
    from amity.pipeline.normalize import normalize_domain

    if organization is not None:
        if organization.is_home:
            raise ValidationError(
                {"organization": "That is our own company; choose the applicant's organization."}
            )
        if organization.archived_at is not None:
            raise ValidationError(
                {"organization": f"{organization} is archived: restore it first, or create a new one."}
            )
        return organization
    data = {
        "name": application.company_name,
        "partner_kind": application.partner_kind,
        "website": application.website,
        "domain": normalize_domain(application.website),
        "country": application.country,
        "size": application.size,
        "description": application.proposal[:2000],
        "capabilities": application.capabilities,
    }
    try:
        return model_create(model=Organization, data=data, user=user)
    except ValidationError as exc:
        messages = getattr(exc, "message_dict", {})
        if "name" in messages:
            raise ValidationError(
                {
                    "organization": f"An organization named “{application.company_name}” already exists: "
                    "link the application to it instead of creating a new one."
                }
            ) from exc
        raise ValidationError(
            {"organization": [m for msgs in messages.values() for m in msgs] or exc.messages}
        ) from exc


def _contact_for(application: PartnerApplication, organization: Organization, user: Any) -> Contact:
    existing = Contact.objects.filter(
        organization=organization, email__iexact=application.contact_email, archived_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    data = {
        "organization": organization,
        "first_name": application.contact_first_name,
        "last_name": application.contact_last_name,
        "title": application.contact_title,
        "email": application.contact_email,
        "function": ContactFunction.ALLIANCES,
        "notes": f"Applied to become a partner on {timezone.localtime(application.created_at):%d %b %Y}.",
    }
    return model_create(model=Contact, data=data, user=user)


def application_approve(
    *,
    application: PartnerApplication,
    user: Any,
    organization: Organization | None = None,
    alliance_name: str = "",
    alliance_type: str = "",
    expected_version: int | None = None,
    email: bool = True,
) -> PartnerApplication:
    """Approve an application being vetted: the organization (``organization`` links an existing
    one instead of creating it), its contact, and an alliance in *identify* owned by ``user``.

    Exactly once: a second approval is refused and nothing is written."""
    from amity.alliances.services import alliance_create

    require(user, "change", application)
    name = (alliance_name or "").strip()
    with transaction.atomic():
        current = _locked(application, expected_version)
        if current.status not in OPEN_APPLICATION:
            raise _decided_error(current)
        if current.status != ApplicationStatus.VETTING:
            raise ValidationError({"status": "Start vetting the application before deciding on it."})
        org = _organization_for(current, organization, user)
        contact = _contact_for(current, org, user)
        kind = alliance_type or DEFAULT_ALLIANCE_TYPE.get(
            PartnerKind(current.partner_kind), AllianceType.GO_TO_MARKET
        )
        if kind not in AllianceType.values:
            raise ValidationError({"alliance_type": f"Choose one of {', '.join(AllianceType.values)}."})
        try:
            alliance = alliance_create(
                user=user,
                data={
                    "name": name or f"{org.name} partnership",
                    "alliance_type": kind,
                    "stage": Stage.IDENTIFY,
                    "owner": user,
                    "description": current.proposal[:2000],
                },
                partners=[(org, PartyRole.PARTNER)],
            )
        except ValidationError as exc:
            messages = getattr(exc, "message_dict", {})
            if "name" in messages:
                raise ValidationError(
                    {
                        "alliance_name": f"An alliance named “{name or org.name + ' partnership'}” exists: choose another name."
                    }
                ) from exc
            raise
        current.status = ApplicationStatus.APPROVED
        current.decided_by = user
        current.decided_at = timezone.now()
        current.organization = org
        current.contact = contact
        current.alliance = alliance
        current.version += 1
        current._change_reason = "approved"
        current.full_clean()
        set_history_user(current, user)
        current.save()
        if email:
            _mail_after_commit(
                current, "approved", "Welcome: your application to partner with {home}", owner=user
            )
    return current


def application_reject(
    *,
    application: PartnerApplication,
    user: Any,
    reason: str,
    tell_reason: bool = False,
    expected_version: int | None = None,
    email: bool = True,
) -> PartnerApplication:
    """Reject an open application; the reason is required (and told the applicant only if asked)."""
    require(user, "change", application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the application is rejected."})
    with transaction.atomic():
        current = _locked(application, expected_version)
        if current.status not in OPEN_APPLICATION:
            raise _decided_error(current)
        current.status = ApplicationStatus.REJECTED
        current.rejection_reason = reason
        current.decided_by = user
        current.decided_at = timezone.now()
        current.version += 1
        current._change_reason = "rejected"
        current.full_clean()
        set_history_user(current, user)
        current.save()
        if email:
            _mail_after_commit(
                current,
                "rejected",
                "Your application to partner with {home}",
                reason=reason if tell_reason else "",
            )
    return current


# --- reads ----------------------------------------------------------------------------------------


def application_duplicates(application: PartnerApplication, limit: int = 10) -> list[dict[str, Any]]:
    """Organizations that may be the applicant already: the same web domain, or the same name
    once legal forms, case and punctuation are ignored. Each with why it matched."""
    from amity.pipeline.normalize import normalize_domain, normalize_name

    domain = normalize_domain(application.website)
    wanted = normalize_name(application.company_name)
    words = sorted((w for w in wanted.split() if len(w) >= 3), key=len, reverse=True)
    query = Q(name__iexact=application.company_name)
    if domain:
        query |= Q(domain__iexact=domain)
    if words:
        query |= Q(name__icontains=words[0])
    found = []
    for org in Organization.objects.filter(query, is_home=False).order_by("name")[:50]:
        reasons = []
        if domain and org.domain and org.domain.lower() == domain:
            reasons.append(f"same domain {domain}")
        theirs = normalize_name(org.name)
        if wanted and theirs == wanted:
            reasons.append("same name")
        elif wanted and theirs and (wanted in theirs or theirs in wanted):
            reasons.append("similar name")
        if reasons:
            strong = any(r != "similar name" for r in reasons)
            found.append({"organization": org, "reasons": reasons, "strong": strong})
    found.sort(key=lambda d: (not d["strong"], d["organization"].name))
    return found[:limit]


def default_alliance_name(application: PartnerApplication, organization: Organization | None = None) -> str:
    return f"{organization.name if organization else application.company_name} partnership"


def default_alliance_type(application: PartnerApplication) -> str:
    try:
        return DEFAULT_ALLIANCE_TYPE[PartnerKind(application.partner_kind)]
    except ValueError:
        return AllianceType.GO_TO_MARKET
