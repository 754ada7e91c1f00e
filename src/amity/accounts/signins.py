"""Sign-ins recorded from Django's auth signals (and django-axes' lockouts).

``client_ip`` is also django-axes' way of finding the client's address
(``AXES_CLIENT_IP_CALLABLE``), so the lockout and the record agree on it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest

#: Set on a request by the second sign-in step, so the record says how the user signed in.
METHOD_ATTRIBUTE = "amity_signin_method"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or the one the trusted proxies saw.

    With ``AMITY_PROXY_COUNT = n`` proxies in front, each appends the address it received
    the request from to X-Forwarded-For; the n-th entry from the right was written by our
    outermost proxy and is the only one a client cannot forge.
    """
    address = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "AMITY_PROXY_COUNT", 0)
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            address = hops[-count]
    if address is None:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username") or "")[:150]


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from .services import signin_record

    signin_record(
        request=request,
        user=user,
        username=user.get_username(),
        outcome="success",
        method=getattr(request, METHOD_ATTRIBUTE, "password"),
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from .services import signin_record

    # django-axes' receiver ran first (axes is installed before amity.accounts) and marks
    # the request when this failure locked the username out, or it already was.
    locked = bool(getattr(request, "axes_locked_out", False))
    signin_record(
        request=request,
        user=None,
        username=_username(credentials),
        outcome="lockout" if locked else "failure",
        method=getattr(request, METHOD_ATTRIBUTE, "password"),
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="amity.accounts.signins.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="amity.accounts.signins.login_failed")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> Any:
    """The page a locked-out sign-in gets (django-axes' ``AXES_LOCKOUT_CALLABLE``): 429, in words."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "title": "Sign-in locked",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "registration/lockout.html", context, status=429)
