"""Writes of the partner portal: invitations (create, resend, revoke, accept) and switching a
partner user's access off and on.

Token scheme: a random token (``inv_`` + 32 random bytes, URL-safe) travels in the link; only its
SHA-256 digest is stored (``Invitation.token_digest``), like API tokens. Expiry and revocation are
columns checked on every use, and accepting marks the invitation used inside the same
transaction that creates the user, with the row locked, so a link works exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amity.accounts.models import User
from amity.core.permissions import require_editor
from amity.core.roles import Role
from amity.core.services import set_history_user
from amity.partners.models import Organization

from .models import (
    AccessAction,
    AccessChange,
    Invitation,
    InvitationStatus,
    invitation_days,
    open_invitations_max,
    open_q,
)

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "inv_"
#: Longer input is not one of our tokens (and is not worth hashing).
TOKEN_MAX_LENGTH = 100


class InvitationInvalid(Exception):
    """An invitation link that cannot be used: unknown (mistyped or tampered with), accepted
    already, expired, revoked, or its organization was archived."""

    MESSAGES = {
        "unknown": "This invitation link is not valid. Check that you copied the whole link from the e-mail.",
        InvitationStatus.ACCEPTED: "This invitation was already used. Sign in with the username and "
        "password you chose.",
        InvitationStatus.EXPIRED: "This invitation has expired. Ask the person who invited you to send a new one.",
        InvitationStatus.REVOKED: "This invitation was withdrawn. Ask the person who invited you if you "
        "should still have access.",
        "organization": "This invitation is no longer valid: the organization it was for no longer has access.",
    }

    def __init__(self, reason: str, invitation: Invitation | None = None):
        self.reason = str(reason)
        self.invitation = invitation
        super().__init__(self.MESSAGES[self.reason])

    @property
    def message(self) -> str:
        return str(self)


# --- tokens ------------------------------------------------------------------------------------


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, digest(raw)


def accept_url(raw: str) -> str:
    """The absolute link a person opens to accept (``AMITY_BASE_URL`` + the accept page)."""
    return settings.AMITY_BASE_URL + reverse("portal:invitation_accept", args=[raw])


def normalize_email(email: str) -> str:
    return BaseUserManager.normalize_email((email or "").strip())


def _email_errors(email: str) -> list[str]:
    """Why ``email`` cannot be invited ([] when it can)."""
    try:
        validate_email(email)
    except ValidationError:
        return ["Enter a valid e-mail address."]
    existing = User.objects.filter(email__iexact=email).order_by("-is_active", "pk").first()
    if existing is None:
        return []
    if existing.is_active:
        return [f"{email} already has access to Amity (username {existing.username})."]
    return [
        f"{email} has a deactivated account (username {existing.username}): reactivate it on the "
        "organization's People with access page instead of inviting again."
    ]


# --- e-mail ------------------------------------------------------------------------------------


def _send(invitation_id: int, raw: str) -> bool:
    """Send the invitation e-mail with its link; True when the mail server took it."""
    invitation = Invitation.objects.select_related("organization", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "url": accept_url(raw),
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "base_url": settings.AMITY_BASE_URL,
        "days": invitation_days(),
    }
    message = EmailMultiAlternatives(
        subject=f"Your invitation to Amity for {invitation.organization.name}",
        body=render_to_string("portal/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("portal/email/invitation.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # The invitation stands; the people page shows it was not sent, and "Resend" tries again.
        logger.exception("The invitation e-mail to %s could not be sent.", invitation.email)
        return False
    Invitation.objects.filter(pk=invitation_id).update(
        last_sent_at=timezone.now(), sent_count=F("sent_count") + 1
    )
    return True


def _send_after_commit(invitation: Invitation, raw: str) -> None:
    pk = invitation.pk
    transaction.on_commit(lambda: _send(pk, raw))


# --- invitations -------------------------------------------------------------------------------


def invitation_create(
    *,
    organization: Organization,
    email: str,
    user: Any,
    first_name: str = "",
    last_name: str = "",
    send: bool = True,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to become a partner user of ``organization``; return the invitation and the
    raw token (never stored: shown once to the inviter and sent by e-mail after the commit).

    An open invitation of the same address (to any organization) is revoked: one link per person.
    """
    require_editor(user, "manage partner access")
    now = now or timezone.now()
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    email_errors = _email_errors(email)
    if email_errors:
        errors["email"] = email_errors
    if organization.is_home:
        errors["organization"] = [
            "Invite people of a partner organization; our own people get their accounts from an admin."
        ]
    elif organization.archived_at is not None:
        errors["organization"] = [f"{organization} is archived: restore it before inviting anyone."]
    else:
        already = (
            Invitation.objects.filter(open_q(now), organization=organization)
            .exclude(email__iexact=email)
            .count()
        )
        if already >= open_invitations_max():
            errors["organization"] = [
                f"{organization} already has {already} open invitations (at most {open_invitations_max()}): "
                "revoke some, or wait until they are accepted or expire."
            ]
    if errors:
        raise ValidationError(errors)
    raw, token_digest = _new_token()
    invitation = Invitation(
        email=email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        organization=organization,
        invited_by=user,
        token_digest=token_digest,
        created_at=now,
        expires_at=now + timedelta(days=invitation_days()),
    )
    invitation.full_clean()
    with transaction.atomic():
        for previous in Invitation.objects.select_for_update(of=("self",)).filter(
            open_q(now), email__iexact=email
        ):
            _revoke(previous, user, now, reason="replaced by a new invitation")
        set_history_user(invitation, user)
        invitation._change_reason = "invited"
        invitation.save()
        if send:
            _send_after_commit(invitation, raw)
    return invitation, raw


def invitation_resend(
    *, invitation: Invitation, user: Any, now: datetime | None = None
) -> tuple[Invitation, str]:
    """A new link for an open or expired invitation, valid for the full period again; the old
    link stops working. Returns the invitation and the new raw token."""
    require_editor(user, "manage partner access")
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=invitation.pk)
        )
        status = current.status_on(now)
        if status == InvitationStatus.ACCEPTED:
            raise ValidationError({"__all__": [f"{current.email} already accepted this invitation."]})
        if status == InvitationStatus.REVOKED:
            raise ValidationError({"__all__": ["This invitation was revoked: invite the person again."]})
        email_errors = _email_errors(current.email)
        if email_errors:
            raise ValidationError({"email": email_errors})
        if current.organization.archived_at is not None:
            raise ValidationError({"organization": [f"{current.organization} is archived."]})
        raw, token_digest = _new_token()
        current.token_digest = token_digest
        current.expires_at = now + timedelta(days=invitation_days())
        current.version += 1
        set_history_user(current, user)
        current._change_reason = "new link sent"
        current.save()
        _send_after_commit(current, raw)
    return current, raw


def _revoke(invitation: Invitation, user: Any, now: datetime, reason: str = "revoked") -> None:
    invitation.revoked_at = now
    invitation.revoked_by = user if getattr(user, "is_authenticated", False) else None
    invitation.version += 1
    set_history_user(invitation, user)
    invitation._change_reason = reason
    invitation.save()


def invitation_revoke(*, invitation: Invitation, user: Any, now: datetime | None = None) -> Invitation:
    """Withdraw an invitation: its link stops working (revoking twice changes nothing)."""
    require_editor(user, "manage partner access")
    now = now or timezone.now()
    with transaction.atomic():
        current = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        if current.accepted_at is not None:
            raise ValidationError(
                {"__all__": [f"{current.email} already accepted: deactivate the user instead."]}
            )
        if current.revoked_at is None:
            _revoke(current, user, now)
    return current


def invitation_for_token(raw: str, *, now: datetime | None = None, for_update: bool = False) -> Invitation:
    """The usable invitation of a link's token, or :class:`InvitationInvalid` saying why not."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > TOKEN_MAX_LENGTH:
        raise InvitationInvalid("unknown")
    qs = Invitation.objects.select_related("organization", "invited_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_digest=digest(raw)).first()
    if invitation is None:
        raise InvitationInvalid("unknown")
    status = invitation.status_on(now)
    if status != InvitationStatus.OPEN:
        raise InvitationInvalid(status, invitation)
    if invitation.organization.archived_at is not None or invitation.organization.is_home:
        raise InvitationInvalid("organization", invitation)
    return invitation


def username_errors(username: str) -> list[str]:
    if not username:
        return ["Choose a username."]
    try:
        User.username_validator(username)
    except ValidationError as exc:
        return list(exc.messages)
    if len(username) > User._meta.get_field("username").max_length:
        return ["At most 150 characters."]
    if User.objects.filter(username__iexact=username).exists():
        return [f"The username {username} is taken: choose another one."]
    return []


def invitation_accept(
    *,
    token: str,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    now: datetime | None = None,
) -> User:
    """Create the invited partner user with the password they chose, and mark the invitation used.

    Raises :class:`InvitationInvalid` for a link that cannot be used (nothing is written) and
    ``ValidationError`` per field for a taken username or a password the validators refuse.
    """
    now = now or timezone.now()
    username = (username or "").strip()
    with transaction.atomic():
        invitation = invitation_for_token(token, now=now, for_update=True)
        first_name = (first_name or invitation.first_name).strip()
        last_name = (last_name or invitation.last_name).strip()
        errors: dict[str, list[str]] = {}
        taken = username_errors(username)
        if taken:
            errors["username"] = taken
        email_errors = _email_errors(invitation.email)
        if email_errors:
            errors["__all__"] = email_errors
        user = User(
            username=username,
            email=invitation.email,
            first_name=first_name[:150],
            last_name=last_name[:150],
            role=Role.PARTNER,
            organization=invitation.organization,
            date_joined=now,
        )
        try:
            password_validation.validate_password(password or "", user=user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.full_clean(exclude=["password", "username"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Someone took the username between the check and the write.
            raise ValidationError(
                {"username": [f"The username {username} is taken: choose another one."]}
            ) from None
        invitation.accepted_at = now
        invitation.user = user
        invitation.version += 1
        set_history_user(invitation, user)
        invitation._change_reason = "accepted"
        invitation.save()
    return user


# --- partner users -----------------------------------------------------------------------------


def _partner_user(target: Any) -> None:
    if getattr(target, "role", None) != Role.PARTNER:
        raise ValidationError(
            {"__all__": ["Only partner users are managed here; our own people in Administration."]}
        )


def partner_user_deactivate(*, target: User, user: Any, now: datetime | None = None) -> User:
    """Switch a partner user's access off: never deleted, and every request they make from now on
    is refused (Django's ModelBackend returns no user for an inactive account; API tokens check it too).
    """
    require_editor(user, "manage partner access")
    _partner_user(target)
    with transaction.atomic():
        current = User.objects.select_for_update(of=("self",)).get(pk=target.pk)
        if current.is_active:
            current.is_active = False
            current.save(update_fields=["is_active"])
            AccessChange.objects.create(
                user=current, action=AccessAction.DEACTIVATED, changed_by=user, at=now or timezone.now()
            )
    return current


def partner_user_reactivate(*, target: User, user: Any, now: datetime | None = None) -> User:
    """Give a deactivated partner user their access back (same account, same password)."""
    require_editor(user, "manage partner access")
    _partner_user(target)
    with transaction.atomic():
        current = (
            User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=target.pk)
        )
        if current.organization is not None and current.organization.archived_at is not None:
            raise ValidationError(
                {"__all__": [f"{current.organization} is archived: restore it before giving access back."]}
            )
        if not current.is_active:
            current.is_active = True
            current.save(update_fields=["is_active"])
            AccessChange.objects.create(
                user=current, action=AccessAction.REACTIVATED, changed_by=user, at=now or timezone.now()
            )
    return current
