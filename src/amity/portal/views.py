"""Pages of the partner portal.

* ``/partner/`` - the partner home of a partner user's organization; ``/partner/alliances/<pk>/``
  - the dashboard of what one alliance shares with it.
* ``/invitations/<token>/`` - the public page where an invited person sets a password.
* ``/partner-access/`` - partner users across the portfolio; ``/partner-access/<org>/`` - the
  people of one partner organization with their invitations (admins and alliance managers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amity.accounts.models import User
from amity.core.models import user_role
from amity.core.roles import Role
from amity.core.services import validation_messages
from amity.partners.models import Organization

from . import selectors, services
from .forms import AcceptForm, InviteForm, PartnerUserFilterForm
from .models import Invitation, invitation_days

# --- the partner home --------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) != Role.PARTNER:
        # Our own people have the portfolio dashboard.
        return redirect("alliances:portfolio")
    context = selectors.partner_home(user=request.user)
    context["title"] = f"{request.user.organization} · partner home"
    return render(request, "portal/home.html", context)


@login_required
def alliance_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    if user_role(request.user) != Role.PARTNER:
        return redirect("alliances:alliance_detail", pk=pk)
    context = selectors.alliance_dashboard(user=request.user, pk=pk)
    context["title"] = f"{context['alliance'].name} · shared dashboard"
    return render(request, "portal/alliance_dashboard.html", context)


# --- accepting an invitation -------------------------------------------------------------------


def _invalid(request: HttpRequest, exc: services.InvitationInvalid) -> HttpResponse:
    # Unknown (mistyped, tampered) links are "not found"; used, expired or withdrawn ones "gone".
    status = 404 if exc.reason == "unknown" else 410
    return render(
        request,
        "portal/invitation_invalid.html",
        {"title": "Invitation", "reason": exc.reason, "message": exc.message, "invitation": exc.invitation},
        status=status,
    )


@never_cache
@sensitive_post_parameters("password", "password_confirm")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the invited person chooses a username and a password, and is signed in."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as exc:
        return _invalid(request, exc)
    context: dict[str, Any] = {"title": "Accept your invitation", "invitation": invitation, "token": token}
    if request.user.is_authenticated:
        # Accepting would sign this person out of their own account: let them do it knowingly.
        return render(request, "portal/invitation_accept.html", context)
    initial = {
        "username": invitation.email.lower(),
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
    }
    form = AcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token,
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except services.InvitationInvalid as exc:
            return _invalid(request, exc)
        except ValidationError as exc:
            for field, errors in validation_messages(exc).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to Amity, {user.first_name or user.username}. Sign in next time as {user.username}.",
            )
            return redirect("portal:home")
    context["form"] = form
    status = 422 if request.method == "POST" else 200
    return render(request, "portal/invitation_accept.html", context, status=status)


# --- people with access (admins and alliance managers) ----------------------------------------


@login_required
def access_list(request: HttpRequest) -> HttpResponse:
    """Every partner user across the portfolio, by organization, filterable."""
    selectors.require_manager(request.user)
    form = PartnerUserFilterForm(request.GET or None, user=request.user)
    qs = selectors.partner_user_list(user=request.user)
    status = "active"
    if form.is_valid():
        data = form.cleaned_data
        status = data.get("status") or "active"
        qs = selectors.filter_partner_users(
            qs,
            organization_id=data["organization"].pk if data.get("organization") else None,
            active={"active": True, "inactive": False}.get(status),
            q=data.get("q") or "",
            signed_in=data.get("signed_in") or "",
        )
    else:
        qs = qs.filter(is_active=True)
    qs = qs.order_by("organization__name", "last_name", "first_name", "username")
    page = Paginator(qs, settings.AMITY_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.invited_by_name = selectors.invited_by_name(row)
    query = request.GET.copy()
    query.pop("page", None)
    open_count = selectors.filter_invitations(selectors.invitation_list(user=request.user), "open").count()
    partial = getattr(request, "htmx", False) and not request.htmx.boosted
    return render(
        request,
        "portal/partials/access_table.html" if partial else "portal/access_list.html",
        {
            "title": "Partner access",
            "form": form,
            "page": page,
            "status": status,
            "querystring": query.urlencode(),
            "open_invitations": open_count,
        },
    )


def _organization_page(
    request: HttpRequest,
    organization: Organization,
    *,
    form: InviteForm | None = None,
    new_link: str = "",
    new_link_for: Invitation | None = None,
    resent: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = selectors.organization_access(user=request.user, organization=organization)
    context.update(
        {
            "title": f"{organization.name} · people with access",
            "form": form or InviteForm(user=request.user),
            "new_link": new_link,
            "new_link_for": new_link_for,
            "resent": resent,
            "invitation_days": invitation_days(),
        }
    )
    return render(request, "portal/organization_access.html", context, status=status)


def _partner_organization(request: HttpRequest, pk: int) -> Organization:
    selectors.require_manager(request.user)
    # Archived partners keep their page (to see and switch off who had access); inviting to one
    # is refused by the service.
    return get_object_or_404(Organization.objects.visible_to(request.user).filter(is_home=False), pk=pk)


@login_required
def organization_access(request: HttpRequest, pk: int) -> HttpResponse:
    """The people of one partner organization: users, open invitations, and the invite form."""
    organization = _partner_organization(request, pk)
    if request.method != "POST":
        return _organization_page(request, organization)
    form = InviteForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            invitation, raw = services.invitation_create(
                organization=organization,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                user=request.user,
            )
        except ValidationError as exc:
            for field, errors in validation_messages(exc).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _organization_page(
                request, organization, new_link=services.accept_url(raw), new_link_for=invitation
            )
    return _organization_page(request, organization, form=form, status=422)


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    selectors.require_manager(request.user)
    return get_object_or_404(selectors.invitation_list(user=request.user), pk=pk)


def _back(invitation_or_user: Any) -> str:
    return reverse("portal:organization_access", args=[invitation_or_user.organization_id])


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        invitation, raw = services.invitation_resend(invitation=invitation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in validation_messages(exc).values() for m in ms))
        return redirect(_back(invitation))
    return _organization_page(
        request,
        invitation.organization,
        new_link=services.accept_url(raw),
        new_link_for=invitation,
        resent=True,
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.invitation_revoke(invitation=invitation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in validation_messages(exc).values() for m in ms))
    else:
        messages.success(request, f"Revoked the invitation of {invitation.email}: its link no longer works.")
    return redirect(_back(invitation))


def _partner_user(request: HttpRequest, pk: int) -> User:
    selectors.require_manager(request.user)
    return get_object_or_404(selectors.partner_user_list(user=request.user), pk=pk)


def _next_or_back(request: HttpRequest, target: User) -> str:
    # Back to the portfolio-wide list when the button was pressed there.
    return reverse("portal:access_list") if request.POST.get("from") == "list" else _back(target)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _partner_user(request, pk)
    services.partner_user_deactivate(target=target, user=request.user)
    messages.success(
        request, f"Deactivated {target}: they can no longer sign in, and any open session ends now."
    )
    return redirect(_next_or_back(request, target))


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _partner_user(request, pk)
    try:
        services.partner_user_reactivate(target=target, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in validation_messages(exc).values() for m in ms))
    else:
        messages.success(request, f"Reactivated {target}: they sign in with their old username and password.")
    return redirect(_next_or_back(request, target))
