"""Sign-in (password, then an authenticator code for users who turned it on), the personal
API tokens page, two-step sign-in settings, and the sign-in record for admins."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amity.core.views import CappedPaginator

from . import services
from .admin_site import needs_second_factor
from .forms import CodeForm, SignInFilterForm, TokenForm
from .models import ApiToken, SignInEvent, User
from .signins import METHOD_ATTRIBUTE, lockout_response

#: Session key of a sign-in waiting for its second step: who, with which backend, since when.
PENDING_KEY = "amity_signin_pending"
#: Seconds the second step may take after the password.
PENDING_SECONDS = 300


# --- Sign-in ----------------------------------------------------------------------------------


class SignInView(LoginView):
    """Django's sign-in, throttled by django-axes; users with an authenticator get a second step."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if services.totp_device(user) is None:
            return super().form_valid(form)
        # Not signed in yet: remember who passed the password step, briefly, in this session.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
        }
        return _to_verify(self.get_success_url())


def _to_verify(next_url: str) -> HttpResponseRedirect:
    target = reverse("login_verify")
    if next_url:
        target += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
    return HttpResponseRedirect(target)


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, ""
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    backend = str(pending.get("backend") or "")
    if backend not in settings.AUTHENTICATION_BACKENDS:
        return None, ""
    return user, backend


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def signin_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a current code from the user's authenticator app.

    Serves a sign-in that has passed its password step, and a signed-in user whose session has
    not been verified yet (one that started before they turned two-step sign-in on) on the way
    to the admin. Wrong codes count as failed sign-ins for the lockout, and the device itself
    makes each next try wait longer.
    """
    from axes.handlers.proxy import AxesProxyHandler

    if request.user.is_authenticated:
        if not needs_second_factor(request.user):
            return redirect(_safe_next(request))
        user, backend = request.user, ""
    else:
        user, backend = _pending_user(request)
        if user is None:  # no password step, or it expired: start again
            return redirect("login")
    device = services.totp_device(user)
    if device is None:  # turned off meanwhile by an admin
        request.session.pop(PENDING_KEY, None)
        return redirect("login")

    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request, None, credentials)
        if not form.is_valid():  # not six digits: say so, and count nothing
            return _verify_page(request, form, wait=0)
        if services.totp_verify(device=device, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_KEY, None)
            setattr(request, METHOD_ATTRIBUTE, "otp")
            if request.user.is_authenticated:
                import django_otp

                django_otp.login(request, device)
                services.signin_record(
                    request=request,
                    user=user,
                    username=user.username,
                    outcome="success",
                    method="otp",
                    detail="session verified",
                )
            else:
                user.otp_device = device  # django-otp keeps it in the session at login
                auth_login(request, user, backend=backend)
            return redirect(_safe_next(request))
        # A wrong code is a failed sign-in: django-axes counts it, the record shows it.
        setattr(request, METHOD_ATTRIBUTE, "otp")
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request, None, credentials)
        form.add_error(
            "code", "That code is not right, or no longer current. Try the code your app shows now."
        )
        return _verify_page(request, form, wait=services.totp_throttle_wait(device))
    return _verify_page(request, form, wait=0)


def _verify_page(request: HttpRequest, form: CodeForm, *, wait: int) -> HttpResponse:
    return render(
        request,
        "registration/login_verify.html",
        {
            "form": form,
            "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, ""),
            "wait": wait,
            "signed_in": request.user.is_authenticated,
            "title": "Two-step sign-in",
        },
    )


# --- Two-step sign-in settings ----------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG data: URI, drawn here (no outside service sees the secret)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#1b1f3b")


@login_required
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in with an authenticator app on or off."""
    device = services.totp_device(request.user)
    pending = services.totp_device(request.user, confirmed=False) if device is None else None
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    status = 200

    if action == "start":
        try:
            pending = services.totp_enrol_start(user=request.user)
        except ValidationError as exc:  # already on
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:security")
        form = CodeForm()
    elif action == "confirm" and pending is not None:
        if form.is_valid() and services.totp_enrol_confirm(device=pending, code=form.cleaned_data["code"]):
            import django_otp

            django_otp.login(request, pending)  # this session used it: the admin needs no second step
            messages.success(
                request, "Two-step sign-in is on. Each sign-in now asks for a code from your app."
            )
            return redirect("accounts:security")
        if form.is_valid():
            form.add_error(
                "code", "That code is not right. Check the app's clock, then try the code it shows now."
            )
        status = 422
    elif action == "disable" and device is not None:
        if not form.is_valid():  # not six digits: say so, and count nothing
            return _verify_page(request, form, wait=0)
        if services.totp_verify(device=device, code=form.cleaned_data["code"]):
            services.totp_disable(user=request.user)
            messages.success(request, "Two-step sign-in is off.")
            return redirect("accounts:security")
        if form.is_valid():
            form.add_error("code", "That code is not right, or no longer current.")
        status = 422
    elif action == "cancel":
        services.totp_enrol_cancel(user=request.user)
        return redirect("accounts:security")

    context: dict[str, Any] = {
        "device": device,
        "pending": pending,
        "form": form,
        "title": "Two-step sign-in",
    }
    if pending is not None:
        context["otpauth_uri"] = pending.config_url
        context["qr"] = _qr_data_uri(pending.config_url)
        context["secret"] = _base32(pending.bin_key)
    return render(request, "accounts/security.html", context, status=status)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# --- The sign-in record (admins) --------------------------------------------------------------


@login_required
def signins(request: HttpRequest) -> HttpResponse:
    """Recent sign-ins, failures and lockouts, newest first; filter by username and outcome."""
    if not request.user.is_admin_role:
        raise PermissionDenied("Only admins may see the sign-in record.")
    form = SignInFilterForm(request.GET or None)
    events = SignInEvent.objects.select_related("user")
    if form.is_valid():
        if form.cleaned_data["user"]:
            events = events.filter(username__iexact=form.cleaned_data["user"].strip())
        if form.cleaned_data["outcome"]:
            events = events.filter(outcome=form.cleaned_data["outcome"])
    page = CappedPaginator(events, settings.AMITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/partials/signin_table.html" if getattr(request, "htmx", False) else "accounts/signins.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "title": "Sign-ins"},
    )


# --- Personal API tokens ----------------------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    raw = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, raw = services.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            scope=form.cleaned_data["scope"],
        )
        form = TokenForm()
    status = 422 if request.method == "POST" and raw is None else 200
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "raw": raw,
            "tokens": ApiToken.objects.filter(user=request.user),
            "title": "API tokens",
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token, user=request.user)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("accounts:tokens")
