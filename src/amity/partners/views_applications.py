"""Pages of the become-a-partner application.

Public (no sign-in): ``/become-a-partner/`` and its thank-you page. CSRF applies as everywhere;
a honeypot field catches form-filling robots (they see the thank-you page; nothing is stored
or sent); each client address may submit a few times an hour (``services_applications``), after
which it gets a friendly 429 page.

Internal: our editors' inbox of applications under ``/partners/applications/``, each with the
organizations it may duplicate, and the verbs start vetting, approve, reject.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amity.accounts.signins import client_ip
from amity.core.permissions import can, get_visible_or_404
from amity.core.services import ConflictError, validation_messages
from amity.core.views import _errors_to_form

from . import services_applications as services
from .forms_applications import ApplicationForm, ApproveForm, RejectForm, VettingForm
from .models_applications import OPEN_APPLICATION, ApplicationStatus, PartnerApplication

# --- public ----------------------------------------------------------------------------------------


def _public(**extra: Any) -> dict[str, Any]:
    return {"title": "Become a partner", "home": services.home_name(), **extra}


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "partners/applications/rate_limited.html",
        _public(title="Too many applications", per_hour=services.per_hour()),
        status=429,
    )
    response["Retry-After"] = str(services.WINDOW_SECONDS)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The public application form."""
    if request.method != "POST":
        return render(request, "partners/applications/apply.html", _public(form=ApplicationForm()))
    address = client_ip(request)
    if services.rate_limited(address):
        return _rate_limited(request)
    form = ApplicationForm(request.POST)
    if form.is_robot:
        services.rate_count(address)
        return redirect("partner_applications:thanks")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.APPLICANT_FIELDS}
        try:
            services.application_submit(data=data, address=address)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:  # counted: the stored application carries the address
            request.session["applied_as"] = form.cleaned_data["contact_email"]
            return redirect("partner_applications:thanks")
    return render(request, "partners/applications/apply.html", _public(form=form), status=422)


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partners/applications/thanks.html",
        _public(title="Thank you", email=request.session.get("applied_as", "")),
    )


# --- internal --------------------------------------------------------------------------------------

FILTERS = {
    "open": ("Open", OPEN_APPLICATION),
    "submitted": ("Submitted", (ApplicationStatus.SUBMITTED,)),
    "vetting": ("Vetting", (ApplicationStatus.VETTING,)),
    "approved": ("Approved", (ApplicationStatus.APPROVED,)),
    "rejected": ("Rejected", (ApplicationStatus.REJECTED,)),
    "all": ("All", tuple(ApplicationStatus.values)),
}


def _require_viewer(request: HttpRequest) -> None:
    if not can(request.user, "view", PartnerApplication):
        raise PermissionDenied("Partner applications are for alliance managers and admins.")


@login_required
@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    show = request.GET.get("status") if request.GET.get("status") in FILTERS else "open"
    visible = PartnerApplication.objects.visible_to(request.user).active()
    counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    qs = visible.filter(status__in=FILTERS[show][1]).select_related("vetting_by", "decided_by", "alliance")
    page = Paginator(qs.order_by("-created_at", "-id"), settings.AMITY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tabs = [
        {"key": key, "label": label, "n": sum(counts.get(s, 0) for s in statuses), "active": key == show}
        for key, (label, statuses) in FILTERS.items()
    ]
    return render(
        request,
        "partners/applications/list.html",
        {
            "title": "Partner applications",
            "page": page,
            "applications": page.object_list,
            "tabs": tabs,
            "show": show,
            "querystring": f"status={show}",
            "public_url": request.build_absolute_uri(reverse("partner_applications:apply")),
        },
    )


def _to_form(form: Any, exc: ValidationError) -> None:
    """A service's errors on the form: on their field, or above the form (the status of the
    application, say) without a field-name prefix."""
    for field, errors in validation_messages(exc).items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _application(request: HttpRequest, pk: int) -> PartnerApplication:
    return get_visible_or_404(PartnerApplication, request.user, pk=pk)


def _detail_context(request: HttpRequest, application: PartnerApplication, **forms: Any) -> dict[str, Any]:
    duplicates = services.application_duplicates(application) if application.is_open else []
    chosen = next((d["organization"] for d in duplicates if d["strong"]), None)
    approve = forms.get("approve_form") or ApproveForm(
        initial={
            "organization": chosen.pk if chosen else None,
            "alliance_name": services.default_alliance_name(application, chosen),
            "alliance_type": services.default_alliance_type(application),
            "version": application.version,
        }
    )
    chosen_pk = approve["organization"].value()
    return {
        "title": application.company_name,
        "application": application,
        "duplicates": duplicates,
        "chosen_pk": str(chosen_pk or ""),
        "can_decide": can(request.user, "change", application) and application.is_open,
        "vetting_form": forms.get("vetting_form")
        or VettingForm(initial={"notes": application.vetting_notes, "version": application.version}),
        "approve_form": approve,
        "reject_form": forms.get("reject_form") or RejectForm(initial={"version": application.version}),
        "open_form": forms.get("open_form", ""),
        "top_errors": [
            e
            for name in ("vetting_form", "approve_form", "reject_form")
            if name in forms
            for e in forms[name].non_field_errors()
        ],
        "steps": _steps(application),
    }


def _steps(application: PartnerApplication) -> list[dict[str, str]]:
    order = [ApplicationStatus.SUBMITTED, ApplicationStatus.VETTING]
    final = (
        ApplicationStatus.REJECTED
        if application.status == ApplicationStatus.REJECTED
        else ApplicationStatus.APPROVED
    )
    order.append(final)
    at = order.index(application.status) if application.status in order else 0
    return [
        {
            "label": ApplicationStatus(s).label,
            "state": "done" if i < at or (i == at and i == len(order) - 1) else "current" if i == at else "",
            "number": str(i + 1),
        }
        for i, s in enumerate(order)
    ]


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(request, "partners/applications/detail.html", _detail_context(request, application))


def _decide(request: HttpRequest, pk: int) -> PartnerApplication:
    application = _application(request, pk)
    if not can(request.user, "change", application):
        raise PermissionDenied
    return application


def _step(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type,
    name: str,
    act: Callable[[PartnerApplication, dict[str, Any]], PartnerApplication],
    done: Callable[[PartnerApplication], tuple[str, str]],
) -> HttpResponse:
    """One decision step: the form, the service call ``act``, then ``done``'s (message, next
    URL); a bad form, a conflict or the service's errors re-render the page with the form open."""
    application = _decide(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            application = act(application, form.cleaned_data)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            message, url = done(application)
            messages.success(request, message)
            return redirect(url)
    application.refresh_from_db()
    ctx = _detail_context(request, application, **{f"{name}_form": form}, open_form=name)
    return render(request, "partners/applications/detail.html", ctx, status=422)


@login_required
@require_POST
def application_vet(request: HttpRequest, pk: int) -> HttpResponse:
    started = PartnerApplication.objects.filter(pk=pk, status=ApplicationStatus.SUBMITTED).exists()
    return _step(
        request,
        pk,
        form_class=VettingForm,
        name="vetting",
        act=lambda application, data: services.application_vet(
            application=application,
            user=request.user,
            notes=data["notes"],
            expected_version=data.get("version"),
        ),
        done=lambda application: (
            "Vetting started." if started else "Vetting notes saved.",
            application.get_absolute_url(),
        ),
    )


@login_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=ApproveForm,
        name="approve",
        act=lambda application, data: services.application_approve(
            application=application,
            user=request.user,
            organization=data["organization"],
            alliance_name=data["alliance_name"],
            alliance_type=data["alliance_type"],
            expected_version=data.get("version"),
        ),
        done=lambda application: (
            f"Approved. {application.organization} is in the portfolio with the alliance "
            f"“{application.alliance}” in the Identify stage, owned by you.",
            application.alliance.get_absolute_url(),
        ),
    )


@login_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=RejectForm,
        name="reject",
        act=lambda application, data: services.application_reject(
            application=application,
            user=request.user,
            reason=data["reason"],
            tell_reason=data["tell_reason"],
            expected_version=data.get("version"),
        ),
        done=lambda application: (
            f"Rejected the application of {application.company_name}. The applicant was told.",
            application.get_absolute_url(),
        ),
    )
