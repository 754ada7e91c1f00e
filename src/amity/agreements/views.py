"""Agreement and commitment pages: the two alliance tabs, portfolio-wide lists, detail pages,
forms, status moves (POST endpoints calling services) and document upload/download/archive.

Views parse, call one service or selector, and render. Every read goes through the
visibility rule: what a user may not see is a 404; a visible thing they may not change is a
403. Service errors come back as form errors or a flash message naming the field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amity.alliances import selectors as alliance_selectors
from amity.alliances.views import alliance_header_context
from amity.core.export import csv_response
from amity.core.permissions import can, is_internal
from amity.core.services import ConflictError, validation_messages
from amity.core.views import Column, ObjectEditView, ObjectListView

from . import selectors, services
from .filters import AgreementFilterSet, CommitmentFilterSet
from .forms import (
    AgreementForm,
    AgreementStatusForm,
    ChooseAllianceForm,
    CommitmentForm,
    CommitmentStatusForm,
    DocumentUploadForm,
)
from .models import Agreement, AgreementDocument, AgreementStatus, Commitment, CommitmentStatus

CELL = "agreements/cells/"


def _messages_of(exc: ValidationError) -> str:
    parts = []
    for field, msgs in validation_messages(exc).items():
        label = "" if field == "__all__" else field.replace("_", " ").replace(".", " ").capitalize() + ": "
        parts.append(label + " ".join(msgs))
    return " ".join(parts)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the alliance tabs ---------------------------------------------------------------------------


@login_required
def alliance_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """The Agreements tab: status, dates, notice deadlines (highlighted when near or passed)."""
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    ctx = alliance_header_context(request, alliance, tab="agreements")
    show_archived = request.GET.get("archived") == "1" and is_internal(request.user)
    agreements = selectors.alliance_agreements(
        user=request.user, alliance=alliance, include_archived=show_archived
    )
    day = selectors.today()
    ctx.update(
        {
            "agreements": agreements,
            "today": day,
            "show_archived": show_archived,
            "alerts": [a for a in agreements if a.notice_state(day) and a.archived_at is None],
            "in_force": sum(1 for a in agreements if a.in_force),
            "documents_total": sum(a.documents_count for a in agreements),
            "exclusive_agreement": next((a for a in agreements if a.exclusive and a.in_force), None),
            "can_create": ctx["editable"] and can(request.user, "create", Agreement),
            "reminder_days": _reminder_days(),
        }
    )
    return render(request, "agreements/alliance_agreements.html", ctx)


def _reminder_days() -> int:
    from django.conf import settings

    return settings.AMITY_REMINDER_DAYS


@login_required
def alliance_commitments(request: HttpRequest, pk: int) -> HttpResponse:
    """The Commitments tab: filters, counts, met-on-time per side, hard/soft mix, contribution balance."""
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    ctx = alliance_header_context(request, alliance, tab="commitments")
    qs = selectors.alliance_commitments(user=request.user, alliance=alliance)
    filterset = CommitmentFilterSet(request.GET or None, queryset=qs, request=request, alliance=alliance)
    rows = filterset.qs.order_by("due_date", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx.update(
        {
            "filterset": filterset,
            "page": page,
            "commitments": list(page.object_list),
            "querystring": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "summary": selectors.commitment_summary(user=request.user, alliance=alliance),
            "today": selectors.today(),
            "can_create": ctx["editable"] and can(request.user, "create", Commitment),
        }
    )
    return render(request, "agreements/alliance_commitments.html", ctx)


# --- portfolio lists --------------------------------------------------------------------------------


class AgreementListView(ObjectListView):
    """Every agreement the user may see, with the renewals and notice deadlines coming due."""

    model = Agreement
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"
    title = "Agreements"
    create_url = "agreements:agreement_new"
    export_filename = "agreements.csv"
    default_sort = "title"
    columns = [
        Column("title", "Agreement", sort="title", template=CELL + "agreement_title.html"),
        Column("alliance", "Alliance", sort="alliance__name", template=CELL + "alliance.html"),
        Column("status", "Status", sort="status", template=CELL + "agreement_status.html"),
        Column("expiry_date", "Expires", sort="expiry_date", align="text-nowrap"),
        Column("notice_deadline", "Notice deadline", sort="notice_deadline", template=CELL + "notice.html"),
        Column(
            "value",
            "Value",
            sort="value",
            align="text-end text-nowrap",
            template=CELL + "agreement_value.html",
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.agreement_list(
            user=request.user, include_archived=request.GET.get("archived") == "1"
        )

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        renewals = list(selectors.renewals_due(user=request.user)[:12])
        return {
            "lead": "Every agreement of the alliances you can see: term, renewal and notice deadlines.",
            "renewals": renewals,
            "renewal_horizon": selectors.RENEWAL_HORIZON_DAYS,
            "today": selectors.today(),
            "secondary_url": reverse("agreements:commitment_list"),
            "secondary_label": "Commitments",
        }

    def export(self, qs: QuerySet, columns: list[Column]) -> HttpResponse:
        header = [
            "Agreement",
            "Alliance",
            "Kind",
            "Status",
            "Parties",
            "Signed",
            "Effective",
            "Expires",
            "Renews automatically",
            "Renewal term (months)",
            "Notice period (days)",
            "Notice deadline",
            "Exclusive",
            "Exclusivity scope",
            "Value",
            "Currency",
            "Owner",
        ]
        rows = (
            [
                a.title,
                a.alliance.name,
                a.get_kind_display(),
                a.get_status_display(),
                "; ".join(o.name for o in a.parties.all()),
                a.signed_date,
                a.effective_date,
                a.expiry_date,
                "yes" if a.auto_renew else "no",
                a.renewal_term_months,
                a.notice_period_days,
                a.notice_deadline,
                "yes" if a.exclusive else "no",
                a.exclusivity_scope,
                a.value,
                a.currency,
                str(a.owner) if a.owner_id else "",
            ]
            for a in qs
        )
        return csv_response(self.export_filename, header, rows)


class CommitmentListView(ObjectListView):
    """The commitments register across the portfolio: who committed what, by when, and whether it was met."""

    model = Commitment
    filterset_class = CommitmentFilterSet
    template_name = "agreements/commitment_list.html"
    title = "Commitments"
    create_url = "agreements:commitment_new"
    export_filename = "commitments.csv"
    default_sort = "due_date"
    columns = [
        Column("title", "Commitment", sort="title", template=CELL + "commitment_title.html"),
        Column("alliance", "Alliance", sort="alliance__name", template=CELL + "alliance.html"),
        Column("party", "Committed by", sort="party__name", template=CELL + "party.html"),
        Column("nature", "Nature", sort="nature", template=CELL + "nature.html"),
        Column("amount", "What", template=CELL + "commitment_what.html", align="text-end text-nowrap"),
        Column("due_date", "Due", sort="due_date", template=CELL + "due.html", align="text-nowrap"),
        Column("status", "Status", sort="status", template=CELL + "commitment_status.html"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.commitment_list(
            user=request.user, include_archived=request.GET.get("archived") == "1"
        )

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "lead": "What each side committed - hard (bound by an agreement) or soft (annual plan, "
            "executive handshake, one-off project) - by when, and whether it was met.",
            "today": selectors.today(),
            "secondary_url": reverse("agreements:agreement_list"),
            "secondary_label": "Agreements",
        }

    def export(self, qs: QuerySet, columns: list[Column]) -> HttpResponse:
        header = [
            "Commitment",
            "Alliance",
            "Committed by",
            "Side",
            "Nature",
            "Source",
            "Agreement",
            "Category",
            "Quantity",
            "Unit",
            "Amount",
            "Currency",
            "Due",
            "Status",
            "Met on",
            "Met on time",
            "Overdue",
            "Owner",
            "Internal owner",
            "Evidence",
        ]
        day = selectors.today()
        rows = (
            [
                c.title,
                c.alliance.name,
                c.party.name,
                "ours" if c.party.is_home else "partner",
                c.get_nature_display(),
                c.get_soft_source_display(),
                c.agreement.title if c.agreement_id else "",
                c.get_category_display(),
                c.quantity,
                c.unit,
                c.amount,
                c.currency if c.amount is not None else "",
                c.due_date,
                c.get_status_display(),
                c.met_on,
                {True: "yes", False: "no", None: ""}[c.met_on_time],
                "yes" if c.overdue_on(day) else "no",
                str(c.owner_contact) if c.owner_contact_id else "",
                str(c.owner_user) if c.owner_user_id else "",
                c.evidence,
            ]
            for c in qs
        )
        return csv_response(self.export_filename, header, rows)


@login_required
def choose_alliance(request: HttpRequest, what: str) -> HttpResponse:
    """'New agreement' / 'New commitment' from a portfolio list: first choose the alliance."""
    model = Agreement if what == "agreement" else Commitment
    if not can(request.user, "create", model):
        raise PermissionDenied
    form = ChooseAllianceForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        name = "agreements:agreement_create" if what == "agreement" else "agreements:commitment_create"
        return redirect(name, alliance_pk=form.cleaned_data["alliance"].pk)
    return render(
        request,
        "agreements/choose_alliance.html",
        {
            "form": form,
            "what": what,
            "title": f"New {what}",
            "cancel_url": reverse(f"agreements:{what}_list"),
        },
    )


# --- create / edit ------------------------------------------------------------------------------


class _AllianceScopedEditView(ObjectEditView):
    """Create (for the alliance in the URL) or edit an object of an alliance."""

    tab: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.alliance_pk = kwargs.pop("alliance_pk", None)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        if pk is None:
            # 404 for an alliance the user may not see comes before 403 for one they may not change.
            self.alliance = alliance_selectors.alliance_detail(user=request.user, pk=self.alliance_pk)
            if not can(request.user, "create", self.model) or not can(request.user, "change", self.alliance):
                raise PermissionDenied
            return None
        obj = super().get_object(request, pk)
        self.alliance = obj.alliance
        return obj

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return self.form_class(data, instance=obj, user=request.user, alliance=self.alliance)

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        verbose = self.model._meta.verbose_name
        ctx["alliance"] = self.alliance
        if obj is None:
            ctx["title"] = f"New {verbose} of {self.alliance}"
            ctx["cancel_url"] = reverse(f"agreements:alliance_{self.tab}", args=[self.alliance.pk])
        return ctx


class AgreementEditView(_AllianceScopedEditView):
    model = Agreement
    form_class = AgreementForm
    tab = "agreements"

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        ctx["lead"] = (
            "The notice deadline is computed: expiry date minus the notice period. The status moves "
            "with the buttons on the agreement's page."
            if obj
            else "Record an agreement in the status it has now; its parties must be parties of the alliance."
        )
        return ctx

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Agreement:
        if obj is None:
            return services.agreement_create(
                alliance=self.alliance, data=form.model_data(), parties=form.party_list(), user=user
            )
        agreement, _ = services.agreement_update(
            agreement=obj,
            data=form.model_data(),
            parties=form.party_list(),
            user=user,
            expected_version=version,
        )
        return agreement


class CommitmentEditView(_AllianceScopedEditView):
    model = Commitment
    form_class = CommitmentForm
    tab = "commitments"

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        ctx["lead"] = (
            "Hard commitments are bound by an agreement of the alliance; soft ones come from an annual "
            "plan, an executive handshake or a one-off project. Give a quantity with its unit (FTE counts "
            "as headcount) or an amount of money."
        )
        return ctx

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Commitment:
        if obj is None:
            return services.commitment_create(alliance=self.alliance, data=form.model_data(), user=user)
        commitment, _ = services.commitment_update(
            commitment=obj, data=form.model_data(), user=user, expected_version=version
        )
        return commitment


# --- agreement detail, status, documents --------------------------------------------------------------


def _agreement_context(
    request: HttpRequest, agreement: Agreement, *, upload_form: DocumentUploadForm | None = None
) -> dict[str, Any]:
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=agreement.alliance_id)
    ctx = alliance_header_context(request, alliance, tab="agreements")
    editable = (
        can(request.user, "change", agreement) and agreement.archived_at is None and not ctx["archived"]
    )
    documents = agreement.visible_documents
    day = selectors.today()
    ctx.update(
        {
            "agreement": agreement,
            "title": agreement.title,
            "today": day,
            "documents": [d for d in documents if d.archived_at is None],
            "archived_documents": [d for d in documents if d.archived_at is not None],
            "agreement_editable": editable,
            "can_archive_agreement": can(request.user, "archive", agreement),
            "moves": [
                {"status": s, "label": AgreementStatus(s).label, **MOVE_HINTS.get(s, {})}
                for s in services.allowed_agreement_statuses(agreement)
            ]
            if editable
            else [],
            "upload_form": upload_form or (DocumentUploadForm(user=request.user) if editable else None),
            "commitments": list(
                selectors.commitment_list(user=request.user)
                .filter(agreement=agreement)
                .order_by("due_date", "pk")
            ),
            "history": selectors.agreement_history(agreement) if is_internal(request.user) else [],
            "reminder_days": _reminder_days(),
        }
    )
    return ctx


MOVE_HINTS: dict[str, dict[str, str]] = {
    AgreementStatus.NEGOTIATING: {
        "icon": "bi-chat-left-dots",
        "date_label": "",
        "css": "btn-outline-primary",
    },
    AgreementStatus.DRAFT: {
        "icon": "bi-arrow-counterclockwise",
        "date_label": "",
        "css": "btn-outline-secondary",
    },
    AgreementStatus.SIGNED: {"icon": "bi-pen", "date_label": "Signed on", "css": "btn-primary"},
    AgreementStatus.ACTIVE: {"icon": "bi-play-circle", "date_label": "Effective from", "css": "btn-success"},
    AgreementStatus.EXPIRED: {
        "icon": "bi-hourglass-bottom",
        "date_label": "Expired on",
        "css": "btn-outline-secondary",
    },
    AgreementStatus.TERMINATED: {
        "icon": "bi-x-octagon",
        "date_label": "Terminated on",
        "css": "btn-outline-danger",
    },
}


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_detail(user=request.user, pk=pk)
    return render(request, "agreements/agreement_detail.html", _agreement_context(request, agreement))


def _editable_agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = selectors.agreement_detail(user=request.user, pk=pk)
    if not can(request.user, "change", agreement):
        raise PermissionDenied
    return agreement


@login_required
@require_POST
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _editable_agreement(request, pk)
    form = AgreementStatusForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Status: " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(agreement.get_absolute_url())
    try:
        agreement = services.agreement_set_status(
            agreement=agreement,
            to_status=form.cleaned_data["status"],
            on=form.cleaned_data.get("on"),
            reason=form.cleaned_data.get("reason", ""),
            user=request.user,
            expected_version=_int_or_none(request.POST.get("version")),
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, f"{agreement} is now {agreement.get_status_display().lower()}.")
    return redirect(agreement.get_absolute_url())


@login_required
@require_POST
def agreement_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (or with ``restore=1`` restore) an agreement; back to the alliance's tab."""
    agreement = selectors.agreement_detail(user=request.user, pk=pk)
    if not can(request.user, "archive", agreement):
        raise PermissionDenied
    try:
        if request.POST.get("restore") == "1":
            services.agreement_restore(agreement=agreement, user=request.user)
            messages.success(request, f"Restored {agreement}.")
            return redirect(agreement.get_absolute_url())
        services.agreement_archive(agreement=agreement, user=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return redirect(agreement.get_absolute_url())
    messages.success(request, f"Archived {agreement}. Nothing is deleted; it can be restored.")
    return redirect("agreements:alliance_agreements", pk=agreement.alliance_id)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _editable_agreement(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            document = services.document_upload(
                agreement=agreement,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data.get("description", ""),
                user=request.user,
            )
        except ValidationError as exc:
            for field, msgs in validation_messages(exc).items():
                for message in msgs:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Uploaded {document} ({document.type_label}).")
            return redirect(agreement.get_absolute_url() + "#documents")
    ctx = _agreement_context(request, agreement, upload_form=form)
    return render(request, "agreements/agreement_detail.html", ctx, status=422)


@never_cache
@login_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """The only way to a stored file: through the visibility rule, as an attachment."""
    document = selectors.document_for_download(user=request.user, agreement_pk=pk, pk=doc_pk)
    return document_response(document)


def document_response(document: AgreementDocument) -> HttpResponse:
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404("The stored file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_POST
def document_archive(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    document = selectors.document_for_download(user=request.user, agreement_pk=pk, pk=doc_pk)
    if not can(request.user, "change", document.agreement):
        raise PermissionDenied
    try:
        if request.POST.get("restore") == "1":
            services.document_restore(document=document, user=request.user)
            messages.success(request, f"Restored {document}.")
        else:
            services.document_archive(document=document, user=request.user)
            messages.success(request, f"Archived {document}: partners can no longer download it.")
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    return redirect(document.agreement.get_absolute_url() + "#documents")


# --- commitment detail and status -----------------------------------------------------------------------


COMMITMENT_MOVES: dict[str, dict[str, str]] = {
    CommitmentStatus.AGREED: {"icon": "bi-hand-thumbs-up", "css": "btn-primary"},
    CommitmentStatus.IN_PROGRESS: {"icon": "bi-arrow-repeat", "css": "btn-outline-primary"},
    CommitmentStatus.MET: {"icon": "bi-check2-circle", "css": "btn-success"},
    CommitmentStatus.MISSED: {"icon": "bi-x-circle", "css": "btn-outline-danger"},
    CommitmentStatus.WAIVED: {"icon": "bi-slash-circle", "css": "btn-outline-secondary"},
    CommitmentStatus.RENEGOTIATED: {"icon": "bi-arrow-left-right", "css": "btn-outline-warning"},
}


def _commitment_context(
    request: HttpRequest, commitment: Commitment, *, status_form: CommitmentStatusForm | None = None
) -> dict[str, Any]:
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=commitment.alliance_id)
    ctx = alliance_header_context(request, alliance, tab="commitments")
    editable = (
        can(request.user, "change", commitment) and commitment.archived_at is None and not ctx["archived"]
    )
    moves = services.allowed_commitment_statuses(commitment) if editable else ()
    chain = _chain(request.user, commitment)
    ctx.update(
        {
            "commitment": commitment,
            "title": commitment.title,
            "today": selectors.today(),
            "commitment_editable": editable,
            "can_archive_commitment": can(request.user, "archive", commitment),
            "moves": [
                {"status": s, "label": CommitmentStatus(s).label, **COMMITMENT_MOVES.get(s, {})}
                for s in moves
                if s not in (CommitmentStatus.MET, CommitmentStatus.RENEGOTIATED)
            ],
            "can_meet": CommitmentStatus.MET in moves,
            "can_renegotiate": CommitmentStatus.RENEGOTIATED in moves,
            "status_form": status_form or CommitmentStatusForm(user=request.user),
            "chain": chain,
            "history": selectors.commitment_history(commitment) if is_internal(request.user) else [],
        }
    )
    return ctx


def _chain(user: Any, commitment: Commitment) -> list[Commitment]:
    """The renegotiation chain this commitment belongs to, oldest first (visible ones)."""
    chain = [commitment]
    seen = {commitment.pk}
    current = commitment
    while current.replaces_id and current.replaces_id not in seen and len(chain) < 20:
        current = selectors.commitment_detail(user=user, pk=current.replaces_id)
        chain.insert(0, current)
        seen.add(current.pk)
    current = commitment
    while len(chain) < 20:
        successor = getattr(current, "replaced_by", None) if hasattr(current, "replaced_by") else None
        if successor is None or successor.pk in seen:
            break
        chain.append(successor)
        seen.add(successor.pk)
        current = successor
    return chain if len(chain) > 1 else []


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_detail(user=request.user, pk=pk)
    return render(request, "agreements/commitment_detail.html", _commitment_context(request, commitment))


@login_required
@require_POST
def commitment_status(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_detail(user=request.user, pk=pk)
    if not can(request.user, "change", commitment):
        raise PermissionDenied
    form = CommitmentStatusForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            commitment = services.commitment_set_status(
                commitment=commitment,
                to_status=form.cleaned_data["status"],
                met_on=form.cleaned_data.get("met_on"),
                evidence=form.cleaned_data.get("evidence", ""),
                note=form.cleaned_data.get("note", ""),
                replacement=form.replacement()
                if form.cleaned_data["status"] == CommitmentStatus.RENEGOTIATED
                else None,
                user=request.user,
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            mapping = {
                "replacement.due_date": "new_due_date",
                "replacement.quantity": "new_quantity",
                "replacement.amount": "new_amount",
                "replacement.title": "new_title",
            }
            for field, msgs in validation_messages(exc).items():
                target = mapping.get(field, field)
                for message in msgs:
                    form.add_error(target if target in form.fields and target != "status" else None, message)
        else:
            if commitment.status == CommitmentStatus.RENEGOTIATED:
                successor = Commitment.objects.get(replaces=commitment)
                messages.success(request, f"Renegotiated: the new terms are commitment #{successor.pk}.")
                return redirect(successor.get_absolute_url())
            messages.success(request, f"{commitment} is now {commitment.get_status_display().lower()}.")
            return redirect(commitment.get_absolute_url())
    commitment = selectors.commitment_detail(user=request.user, pk=pk)
    ctx = _commitment_context(request, commitment, status_form=form)
    ctx["open_form"] = form.data.get("status", "")
    return render(request, "agreements/commitment_detail.html", ctx, status=422)


@login_required
@require_POST
def commitment_archive(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_detail(user=request.user, pk=pk)
    if not can(request.user, "archive", commitment):
        raise PermissionDenied
    if request.POST.get("restore") == "1":
        services.commitment_restore(commitment=commitment, user=request.user)
        messages.success(request, f"Restored {commitment}.")
        return redirect(commitment.get_absolute_url())
    services.commitment_archive(commitment=commitment, user=request.user)
    messages.success(request, f"Archived {commitment}. Nothing is deleted; it can be restored.")
    return redirect("agreements:alliance_commitments", pk=commitment.alliance_id)
