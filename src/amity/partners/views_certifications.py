"""Training and certification records of partner people: the portfolio list, add/edit/archive pages,
and the sections of the organization and contact pages.

Reads go through ``Certification.objects.visible_to``: a partner user sees their own organization's
people's records (and may not edit them); anything else is a 404. ``Certification`` has no page of
its own: a record lives on its person's page, which is where its links and redirects point.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from amity.core.permissions import can, get_visible_or_404, is_internal
from amity.core.services import model_archive, model_restore
from amity.core.views import Column, ObjectArchiveView, ObjectEditView, ObjectListView, safe_next

from . import services
from .facts import valid_certifications
from .filters import (
    EXPIRING_WITHIN_DAYS,
    CertificationFilterSet,
    CertificationStatus,
    today,
    with_certification_status,
)
from .forms import CertificationForm
from .models import Certification, Contact, Organization

# --- reads for the pages ---------------------------------------------------------------------


def certification_url(certification: Certification) -> str:
    """Where a certification is shown: its person's page."""
    return reverse("partners:contact_detail", args=[certification.contact_id]) + "#certifications"


def _located(certification: Certification, url: str | None = None) -> Certification:
    # The generic views link and redirect to ``get_absolute_url``; the model has none (a record
    # has no page of its own), so the instance gets one pointing at its person's page or ``url``.
    target = url or certification_url(certification)
    certification.get_absolute_url = lambda: target  # type: ignore[attr-defined]
    return certification


def _shows_certifications(organization: Organization, user: Any) -> bool:
    """Our own staff hold no partner certifications; a partner user sees only their own people's."""
    if organization.is_home:
        return False
    return is_internal(user) or getattr(user, "organization_id", None) == organization.pk


def _permissions(user: Any) -> dict[str, bool]:
    return {
        "can_add_certification": can(user, "create", Certification),
        "can_change_certification": can(user, "change", Certification),
        "can_archive_certification": can(user, "archive", Certification),
    }


def organization_certifications(*, organization: Organization, user: Any) -> dict[str, Any]:
    """The certifications of the organization's active people, and how many people hold a valid one.

    Two queries whatever the number of people: the rows (with their status computed in the
    database) and the count, which is the tier rules' ``certified_people`` fact for today.
    """
    if not _shows_certifications(organization, user):
        return {"show_certifications": False}
    day = today()
    certifications = list(
        with_certification_status(
            Certification.objects.visible_to(user)
            .active()
            .filter(contact__organization=organization, contact__archived_at__isnull=True)
            .select_related("contact"),
            day,
        ).order_by("contact__last_name", "contact__first_name", "-completed_on", "-pk")
    )
    certified_people = (
        valid_certifications([organization.pk], day).visible_to(user).values("contact_id").distinct().count()
    )
    return {
        "show_certifications": True,
        "certifications": certifications,
        "certified_people": certified_people,
        "expiring_count": sum(1 for c in certifications if c.status == CertificationStatus.EXPIRING),
        "expiring_days": EXPIRING_WITHIN_DAYS,
        **_permissions(user),
    }


def contact_certifications(*, contact: Contact, user: Any) -> dict[str, Any]:
    """The person's active certifications, newest first."""
    if not _shows_certifications(contact.organization, user):
        return {"show_certifications": False}
    certifications = list(
        with_certification_status(
            Certification.objects.visible_to(user).active().filter(contact=contact), today()
        ).order_by("-completed_on", "-pk")
    )
    return {
        "show_certifications": True,
        "certifications": certifications,
        "expiring_days": EXPIRING_WITHIN_DAYS,
        **_permissions(user),
    }


# --- pages -----------------------------------------------------------------------------------


class CertificationListView(ObjectListView):
    """Every certification the user may see, across the portfolio, with its status today."""

    model = Certification
    filterset_class = CertificationFilterSet
    title = "Certifications"
    template_name = "partners/list.html"
    create_url = "partners:certification_create"
    export_filename = "certifications.csv"
    default_sort = "-completed_on"
    columns = [
        Column(
            "contact.full_name",
            "Person",
            sort="contact__last_name",
            template="partners/partials/certification_person_cell.html",
        ),
        Column(
            "contact.organization.name",
            "Organization",
            sort="contact__organization__name",
            template="partners/partials/certification_organization_cell.html",
        ),
        Column(
            "course", "Course", sort="course", template="partners/partials/certification_course_cell.html"
        ),
        Column("get_kind_display", "Kind", sort="kind"),
        Column("issuer", "Issuer", sort="issuer"),
        Column("completed_on", "Completed", sort="completed_on", align="text-nowrap"),
        Column("expires_on", "Expires", sort="expires_on", align="text-nowrap"),
        Column("status", "Status", template="partners/partials/certification_status_cell.html"),
    ]
    actions = Column(
        "pk", "", template="partners/partials/certification_actions_cell.html", export=False, align="text-end"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).select_related("contact__organization")
        return with_certification_status(qs, today())

    def get_columns(self, request: HttpRequest) -> list[Column]:
        columns = super().get_columns(request)
        if can(request.user, "change", Certification) or can(request.user, "archive", Certification):
            columns.append(self.actions)
        return columns

    def export(self, qs: QuerySet, columns: list[Column]) -> HttpResponse:
        # The page shows the credential ID under the course; the CSV gives it a column of its own.
        return super().export(qs, [*columns, Column("credential_id", "Credential ID")])

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        lead = (
            "Trainings and certifications of partner people, with their status today. Valid "
            "certifications count towards the tier rules (certified people)."
            if is_internal(request.user)
            else "Trainings and certifications of your organization's people."
        )
        return {"lead": lead, "expiring_days": EXPIRING_WITHIN_DAYS, **_permissions(request.user)}


class CertificationEditView(ObjectEditView):
    """Add (``?contact=`` preselects the person, ``?organization=`` narrows to its people) or edit."""

    model = Certification
    form_class = CertificationForm

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        obj = super().get_object(request, pk)
        return _located(obj) if obj is not None else None

    def _organization(self, request: HttpRequest) -> Organization | None:
        raw = request.GET.get("organization", "")
        if not raw.isdigit():
            return None
        return (
            Organization.objects.visible_to(request.user).active().filter(pk=int(raw), is_home=False).first()
        )

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> CertificationForm:
        initial: dict[str, Any] = {}
        organization = None
        if obj is None:
            organization = self._organization(request)
            if request.GET.get("contact", "").isdigit():
                initial["contact"] = int(request.GET["contact"])
        return self.form_class(
            data, instance=obj, user=request.user, initial=initial, organization=organization
        )

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        if extra.get("conflict") is not None:
            _located(extra["conflict"])
        context = super().context(request, form, obj, **extra)
        context["lead"] = (
            "A course passed or a certification held by a partner person. Leave the expiry empty "
            "when it does not expire."
        )
        if obj is None:
            people = form.fields["contact"].queryset
            person = people.filter(pk=form.initial.get("contact") or 0).first()
            organization = self._organization(request)
            if person:
                context["title"] = f"New certification for {person}"
                default = person.get_absolute_url()
            elif organization:
                context["title"] = f"New certification at {organization}"
                default = organization.get_absolute_url()
            else:
                context["title"] = "New certification"
                default = reverse("partners:certification_list")
            context["cancel_url"] = safe_next(request, default)
            if not people.exists():
                context["lead"] = (
                    "There is nobody to certify yet: add a contact at a partner organization first."
                )
        else:
            context["title"] = f"Edit {obj.course} ({obj.contact})"
            context["cancel_url"] = safe_next(request, certification_url(obj))
        return context

    def save(
        self, form: CertificationForm, obj: Certification | None, user: Any, version: int | None
    ) -> Certification:
        if obj is None:
            saved = services.certification_create(data=form.model_data(), user=user)
        else:
            saved = services.certification_update(
                certification=obj, data=form.model_data(), user=user, expected_version=version
            )
        return _located(saved, safe_next(self.request, certification_url(saved)))


class CertificationArchiveView(ObjectArchiveView):
    """POST archives the certification (``restore=1`` brings it back); then back to ``next``."""

    model = Certification

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        certification = get_visible_or_404(Certification, request.user, pk=pk)
        if not can(request.user, "archive", certification):
            raise PermissionDenied
        if request.POST.get("restore") == "1":
            certification = model_restore(instance=certification, user=request.user)
            messages.success(request, f"Restored {certification}.")
        else:
            certification = model_archive(instance=certification, user=request.user)
            messages.success(
                request, f"Archived {certification}. It can be restored from the certification list."
            )
        return redirect(safe_next(request, certification_url(certification)))
