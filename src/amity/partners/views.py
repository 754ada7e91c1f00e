"""Organization and contact pages: generic list, detail, edit and archive views.

Every read goes through ``visible_to``: a partner user sees their own organization, our
company and the co-parties of their alliances, and gets a 404 for anything else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from amity.alliances import selectors as alliance_selectors
from amity.alliances.models import Alliance, AllianceMember, AllianceParty
from amity.core.permissions import can, is_internal
from amity.core.services import model_create, model_update
from amity.core.views import (
    Column,
    ObjectArchiveView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import services
from .filters import ContactFilterSet, OrganizationFilterSet
from .forms import ContactForm, OrganizationForm
from .models import Contact, Organization
from .views_certifications import contact_certifications, organization_certifications

# --- reads for the pages ---------------------------------------------------------------------


def organizations_with_alliance_counts(qs: QuerySet, *, user: Any) -> QuerySet:
    """Annotate ``active_alliances``: the active alliances the *user may see* the organization in.

    One correlated subquery, so the list costs the same number of queries for 5 or 5,000 rows;
    counting only visible alliances keeps a partner from learning the size of our portfolio.
    """
    visible = Alliance.objects.visible_to(user).active().values("pk")
    counts = (
        AllianceParty.objects.filter(
            organization=OuterRef("pk"), archived_at__isnull=True, alliance__in=visible
        )
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(active_alliances=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def organization_page(*, organization: Organization, user: Any) -> dict[str, Any]:
    """The organization's alliances, contacts and (for internal users) history."""
    internal = is_internal(user)
    alliances = list(alliance_selectors.alliances_of_organization(organization=organization, user=user))
    contacts = list(Contact.objects.visible_to(user).active().filter(organization=organization))
    return {
        "alliances": alliances,
        "contacts": contacts,
        "timeline": alliance_selectors.organization_timeline(organization=organization, user=user, limit=25)
        if internal
        else [],
        "is_internal": internal,
        "can_add_contact": can(user, "create", Contact),
    }


def contact_page(*, contact: Contact, user: Any) -> dict[str, Any]:
    """The alliances the contact serves on (visible ones) and, for internal users, the history."""
    internal = is_internal(user)
    memberships = list(
        AllianceMember.objects.visible_to(user)
        .active()
        .filter(contact=contact, alliance__archived_at__isnull=True)
        .select_related("alliance")
        .order_by("alliance__name", "role")
    )
    timeline = (
        alliance_selectors.history_entries(
            contact.history.select_related("history_user").order_by("-history_date")[:25], "Contact"
        )
        if internal
        else []
    )
    return {"memberships": memberships, "timeline": timeline, "is_internal": internal}


# --- organizations ---------------------------------------------------------------------------


class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = OrganizationFilterSet
    title = "Partners"
    template_name = "partners/list.html"
    create_url = "partners:organization_create"
    export_filename = "organizations.csv"
    columns = [
        Column(
            "name", "Name", sort="name", link=True, template="partners/partials/organization_name_cell.html"
        ),
        Column("get_partner_kind_display", "Kind", sort="partner_kind"),
        Column("country", "Country", sort="country"),
        Column("industry", "Industry", sort="industry"),
        Column("get_size_display", "Size", sort="size", align="text-nowrap"),
        Column("active_alliances", "Active alliances", sort="active_alliances", align="text-end"),
        Column("domain", "Domain", sort="domain"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return organizations_with_alliance_counts(super().get_queryset(request), user=request.user)

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        if is_internal(request.user):
            return {
                "lead": "Our partners, prospects and consortium members, with the alliances each takes part in.",
                "secondary_url": reverse("partners:contact_list"),
                "secondary_label": "Contacts",
            }
        return {
            "title": "Organizations",
            "lead": "Your organization, ours, and the organizations you share an alliance with.",
        }


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    template_name = "partners/organization_detail.html"
    context_object_name = "organization"

    def extra_context(self, request: HttpRequest, obj: Organization) -> dict[str, Any]:
        return {
            "title": obj.name,
            **organization_page(organization=obj, user=request.user),
            **organization_certifications(organization=obj, user=request.user),
        }


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        context = super().context(request, form, obj, **extra)
        context["lead"] = "Capabilities, strengths and weaknesses: one per line."
        if obj is None:
            context["title"] = "New partner organization"
            context["cancel_url"] = reverse("partners:organization_list")
        return context

    def save(
        self, form: OrganizationForm, obj: Organization | None, user: Any, version: int | None
    ) -> Organization:
        if obj is None:
            return model_create(model=Organization, data=form.model_data(), user=user)
        saved, _ = model_update(instance=obj, data=form.model_data(), user=user, expected_version=version)
        return saved


class OrganizationArchiveView(ObjectArchiveView):
    model = Organization
    success_url = reverse_lazy("partners:organization_list")

    def archive(self, obj: Organization, user: Any) -> Organization:
        return services.organization_archive(organization=obj, user=user)


# --- contacts --------------------------------------------------------------------------------


class ContactListView(ObjectListView):
    model = Contact
    filterset_class = ContactFilterSet
    title = "Contacts"
    template_name = "partners/list.html"
    create_url = "partners:contact_create"
    export_filename = "contacts.csv"
    default_sort = "full_name"
    columns = [
        Column("full_name", "Name", sort="last_name", link=True),
        Column(
            "organization.name",
            "Organization",
            sort="organization__name",
            template="partners/partials/contact_organization_cell.html",
        ),
        Column("title", "Title", sort="title"),
        Column("get_function_display", "Function", sort="function"),
        Column("email", "E-mail", sort="email", template="partners/partials/contact_email_cell.html"),
        Column("phone", "Phone"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("organization")

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "lead": "People at our partners and at our company: executive sponsors, alliance managers and "
            "joint team members.",
            "secondary_url": reverse("partners:organization_list"),
            "secondary_label": "Organizations",
        }


class ContactDetailView(ObjectDetailView):
    model = Contact
    template_name = "partners/contact_detail.html"
    context_object_name = "contact"

    def extra_context(self, request: HttpRequest, obj: Contact) -> dict[str, Any]:
        return {
            "title": str(obj),
            **contact_page(contact=obj, user=request.user),
            **contact_certifications(contact=obj, user=request.user),
        }


class ContactEditView(ObjectEditView):
    model = Contact
    form_class = ContactForm

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> ContactForm:
        initial = {}
        if obj is None and request.GET.get("organization", "").isdigit():
            initial["organization"] = int(request.GET["organization"])
        return self.form_class(data, instance=obj, user=request.user, initial=initial)

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        context = super().context(request, form, obj, **extra)
        if obj is None:
            organization = (
                form.fields["organization"].queryset.filter(pk=form.initial.get("organization") or 0).first()
            )
            context["title"] = f"New contact at {organization}" if organization else "New contact"
            next_url = request.GET.get("next", "")
            if organization:
                context["cancel_url"] = organization.get_absolute_url()
            elif not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                context["cancel_url"] = reverse("partners:contact_list")
        return context

    def save(self, form: ContactForm, obj: Contact | None, user: Any, version: int | None) -> Contact:
        if obj is None:
            return model_create(model=Contact, data=form.model_data(), user=user)
        saved, _ = model_update(instance=obj, data=form.model_data(), user=user, expected_version=version)
        return saved


class ContactArchiveView(ObjectArchiveView):
    model = Contact
    success_url = reverse_lazy("partners:contact_list")

    def archive(self, obj: Contact, user: Any) -> Contact:
        # Back to the contact's organization, where the archive was most likely started.
        self.success_url = obj.organization.get_absolute_url()
        return super().archive(obj, user)
