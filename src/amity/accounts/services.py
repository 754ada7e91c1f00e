"""Writes for users, API tokens, the sign-in record and authenticator (TOTP) devices."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import ApiToken, SignInEvent, User

TOKEN_PREFIX = "amity_"
#: What a read-only token may do.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *,
    user: User,
    name: str = "API token",
    days: int | None = None,
    scope: str = ApiToken.Scope.READ,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and the raw value, which is never stored.

    Read-only unless asked for ``scope="write"``; never expires unless given ``days``.
    """
    if scope not in ApiToken.Scope.values:
        raise ValidationError(
            {"scope": f"Scope must be one of {', '.join(ApiToken.Scope.values)}, not {scope!r}."}
        )
    if days is not None and days < 1:
        raise ValidationError({"days": "A token expires after at least one day."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name or "API token",
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, raw


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token is worth for one request.

    ``user`` is set when the request may go ahead; otherwise ``status`` (401 or 403) and
    ``message`` say why, or ``status`` is 401 with no message for a value that is no token of
    ours at all (nothing to tell a guesser).
    """

    user: User | None
    status: int
    message: str = ""


def token_check(raw: str, *, method: str = "GET", request: HttpRequest | None = None) -> TokenCheck:
    """Check a bearer token for a request with HTTP ``method``."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return TokenCheck(None, 401)
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw)).first()
    if token is None or not token.user.is_active:
        return TokenCheck(None, 401)
    if token.revoked_at is not None:
        return TokenCheck(None, 401, "This API token has been revoked.")
    if token.is_expired:
        when = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        return TokenCheck(None, 401, f"This API token expired on {when}; create a new one.")
    if token.scope == ApiToken.Scope.READ and method.upper() not in SAFE_METHODS:
        return TokenCheck(
            None,
            403,
            f"This API token is read-only: it may {', '.join(sorted(SAFE_METHODS))} but not {method.upper()}. "
            "Use a token with write scope.",
        )
    now = timezone.now()
    if token.last_used_at is None:
        signin_record(
            request=request,
            user=token.user,
            username=token.user.username,
            outcome="success",
            method="token",
            detail=f"token {token.prefix}… ({token.name})",
        )
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenCheck(token.user, 200)


def token_authenticate(raw: str, *, method: str = "GET") -> User | None:
    """The active user owning an active token that may make a ``method`` request, or None."""
    return token_check(raw, method=method).user


def token_revoke(*, token: ApiToken, user: Any) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


# --- The sign-in record -----------------------------------------------------------------------


def signin_record(
    *,
    request: HttpRequest | None,
    user: User | None,
    username: str,
    outcome: str,
    method: str = SignInEvent.Method.PASSWORD,
    detail: str = "",
) -> SignInEvent:
    """Record one sign-in attempt; the address and browser come from ``request``."""
    from .signins import client_ip

    ip = user_agent = None
    if request is not None:
        ip = getattr(request, "axes_ip_address", None) or client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")
    if user is None and username:
        user = User.objects.filter(username=username).first()
    return SignInEvent.objects.create(
        user=user,
        username=username[:150],
        outcome=outcome,
        method=method,
        ip_address=ip,
        user_agent=(user_agent or "")[:300],
        detail=detail[:200],
    )


# --- Authenticator (TOTP) devices -------------------------------------------------------------


def totp_device(user: Any, *, confirmed: bool | None = True) -> Any:
    """The user's authenticator device (confirmed by default), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user is None or not getattr(user, "is_authenticated", False):
        return None
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def totp_enrol_start(*, user: User) -> Any:
    """A new, unconfirmed authenticator device with a fresh secret (replacing an unfinished one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        if totp_device(user, confirmed=True) is not None:
            raise ValidationError("Two-step sign-in is already on; turn it off first to use another app.")
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_verify(*, device: Any, code: str) -> bool:
    """Whether ``code`` is a current code of ``device`` (throttled after wrong codes)."""
    code = "".join(str(code or "").split())
    if not code.isdigit() or len(code) != device.digits:
        return False
    with transaction.atomic():
        from django_otp.plugins.otp_totp.models import TOTPDevice

        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = bool(locked.verify_token(code))
    device.refresh_from_db()
    return ok


def totp_throttle_wait(device: Any) -> int:
    """Seconds until the device accepts another code after wrong ones (0: it does now)."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


def totp_enrol_confirm(*, device: Any, code: str) -> bool:
    """Turn two-step sign-in on once the user proves the app shows the right codes."""
    if not totp_verify(device=device, code=code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_enrol_cancel(*, user: User) -> None:
    """Drop an unfinished enrolment (its secret was shown but never confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def totp_disable(*, user: User) -> int:
    """Remove the user's authenticator devices; return how many."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
