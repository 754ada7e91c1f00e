"""Governance pages: the alliance's Governance tab, meeting and escalation pages, create/edit
forms, status endpoints (POST, calling services) and the portfolio-wide action item and
escalation lists.

Views parse input, call one service or selector, and render. Reads go through the
visibility rule (what a user may not see is a 404); a visible thing the user may not change
is a 403; a service's field errors come back on the form, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from amity.alliances import selectors as alliance_selectors
from amity.alliances.models import Alliance
from amity.alliances.views import alliance_header_context
from amity.core.api import renamed_fields
from amity.core.permissions import can, get_visible_or_404
from amity.core.services import ConflictError, model_archive, validation_messages
from amity.core.views import Column, ObjectArchiveView, ObjectEditView, ObjectListView, safe_next

from . import selectors, services
from .filters import ActionItemFilterSet, EscalationFilterSet
from .forms import (
    ActionItemForm,
    BodyForm,
    BodyMemberForm,
    CadenceForm,
    DecideForm,
    DecisionForm,
    EscalationForm,
    MeetingForm,
    MeetingStatusForm,
    QuickActionForm,
    WithdrawForm,
    meeting_initial,
)
from .models import (
    ActionItem,
    ActionStatus,
    BodyMember,
    BodyRole,
    Cadence,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingKind,
    MeetingStatus,
)

CELL = "governance/cells/"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _message(exc: ValidationError) -> str:
    return " ".join(m for msgs in validation_messages(exc).values() for m in msgs)


def _errors_to_form(form: Any, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    for field, msgs in validation_messages(exc).items():
        field = (rename or {}).get(field, field)
        for message in msgs:
            form.add_error(field if field in form.fields else None, message)


def tab_url(alliance_id: int, anchor: str = "") -> str:
    return reverse("governance:alliance_governance", args=[alliance_id]) + (f"#{anchor}" if anchor else "")


def _editable(request: HttpRequest, obj: Any) -> None:
    """A visible object the user may not change is a 403 (an invisible one was already a 404)."""
    if not can(request.user, "change", obj):
        raise PermissionDenied


# --- the Governance tab ----------------------------------------------------------------------------


def tab_context(request: HttpRequest, alliance: Alliance) -> dict[str, Any]:
    user = request.user
    ctx = alliance_header_context(request, alliance, tab="governance")
    past_limit = 500 if request.GET.get("meetings") == "all" else 8
    ctx.update(selectors.governance_overview(alliance=alliance, user=user, past_limit=past_limit))
    editable = ctx["editable"]
    ctx.update(
        {
            "can_edit_governance": editable and can(user, "create", Meeting),
            "can_apply_defaults": editable and can(user, "create", Cadence),
            "meeting_kinds": MeetingKind,
        }
    )
    if ctx["can_edit_governance"]:
        # One list of the parties' people for every body's "add a member" picker (one query).
        ctx["party_people"] = list(selectors.party_contacts(alliance, user))
        ctx["member_roles"] = BodyRole.choices
        for body in ctx["bodies"]:
            body.seated_ids = {m.contact_id for m in body.active_members}
    return ctx


@login_required
def alliance_governance(request: HttpRequest, pk: int) -> HttpResponse:
    """Bodies, cadences (next due / overdue), meetings, open action items and escalations."""
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    return render(request, "governance/alliance_governance.html", tab_context(request, alliance))


def _editable_alliance(request: HttpRequest, pk: int) -> Alliance:
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    _editable(request, alliance)
    return alliance


@login_required
@require_POST
def cadence_apply_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "create", Cadence):
        raise PermissionDenied
    try:
        created = services.cadence_apply_defaults(alliance=alliance, user=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        if created:
            names = ", ".join(str(c) for c in created)
            messages.success(
                request, f"Added {len(created)} default cadence{'s' if len(created) > 1 else ''}: {names}."
            )
        else:
            messages.info(request, "This alliance already has every default cadence.")
    return redirect(tab_url(alliance.pk, "cadences"))


@login_required
@require_POST
def body_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_visible_or_404(GovernanceBody, request.user, pk=pk)
    _editable(request, body)
    form = BodyMemberForm(request.POST, body=body, user=request.user)
    if form.is_valid():
        try:
            member = services.body_member_add(
                body=body,
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(
                request, f"{member.contact} joined {body} as {member.get_role_display().lower()}."
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(tab_url(body.alliance_id, f"body-{body.pk}"))


@login_required
@require_POST
def body_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(BodyMember, request.user, pk=pk)
    _editable(request, member.body)
    services.body_member_remove(member=member, user=request.user)
    messages.success(request, f"{member.contact} left {member.body}.")
    return redirect(tab_url(member.body.alliance_id, f"body-{member.body_id}"))


# --- create / edit forms of things that belong to an alliance -----------------------------------------


class AllianceChildEditView(ObjectEditView):
    """Create (under ``alliances/<alliance_pk>/…/new/``) or edit an object of an alliance.

    The alliance is read through the visibility rule first: an invisible alliance is a 404
    even for a user who could not create anything anyway.
    """

    template_name = "governance/form.html"
    lead: ClassVar[str] = ""
    anchor: ClassVar[str] = ""

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        if pk is None:
            self.alliance = alliance_selectors.alliance_detail(
                user=request.user, pk=self.kwargs["alliance_pk"]
            )
            if not can(request.user, "create", self.model) or self.alliance.archived_at is not None:
                raise PermissionDenied
            return None
        obj = get_visible_or_404(self.model, request.user, pk=pk)
        self.alliance = obj.alliance
        _editable(request, obj)
        return obj

    def get(
        self, request: HttpRequest, pk: int | None = None, alliance_pk: int | None = None
    ) -> HttpResponse:
        return super().get(request, pk)

    def post(
        self, request: HttpRequest, pk: int | None = None, alliance_pk: int | None = None
    ) -> HttpResponse:
        return super().post(request, pk)

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = self.initial(request) if obj is None else {}
        return self.form_class(data, instance=obj, user=request.user, alliance=self.alliance, initial=initial)

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        ctx["alliance"] = self.alliance
        ctx["lead"] = self.lead
        if obj is None:
            ctx["cancel_url"] = safe_next(request, tab_url(self.alliance.pk, self.anchor))
        return ctx


class BodyEditView(AllianceChildEditView):
    model = GovernanceBody
    form_class = BodyForm
    anchor = "bodies"
    lead = (
        "A standing body of the alliance: the executive steering group (sponsors, alliance managers, "
        "finance; quarterly), the joint operating team, working groups. Add members on the Governance tab."
    )

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> GovernanceBody:
        if obj is None:
            return services.body_create(alliance=self.alliance, data=form.model_data(), user=user)
        return services.body_update(body=obj, data=form.model_data(), user=user, expected_version=version)[0]


class CadenceEditView(AllianceChildEditView):
    model = Cadence
    form_class = CadenceForm
    anchor = "cadences"
    lead = (
        "How often the alliance holds one kind of meeting. The next due date is the last held meeting "
        "of this kind plus the interval (with none held yet: the alliance's start date plus the interval)."
    )

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Cadence:
        if obj is None:
            return services.cadence_create(alliance=self.alliance, data=form.model_data(), user=user)
        return services.cadence_update(
            cadence=obj, data=form.model_data(), user=user, expected_version=version
        )[0]


class MeetingEditView(AllianceChildEditView):
    model = Meeting
    form_class = MeetingForm
    anchor = "meetings"

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        return meeting_initial(self.alliance, request.GET.get("kind"), request.user)

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        if obj is None and request.GET.get("kind") == MeetingKind.QBR:
            ctx["title"] = "Record a quarterly business review"
            ctx["lead"] = (
                "Step 1 of 3: plan the QBR (or enter one that took place). Then, on its page, mark it "
                "held with the minutes and add the decisions and action items with owners and dates."
            )
        elif obj is None:
            ctx["lead"] = "Plan a meeting; mark it held on its page once it took place."
        return ctx

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Meeting:
        attendees = list(form.cleaned_data.get("attendees") or [])
        if obj is None:
            return services.meeting_create(
                alliance=self.alliance, data=form.model_data(), attendees=attendees, user=user
            )
        return services.meeting_update(
            meeting=obj, data=form.model_data(), attendees=attendees, user=user, expected_version=version
        )[0]


class ActionItemEditView(AllianceChildEditView):
    model = ActionItem
    form_class = ActionItemForm
    anchor = "actions"
    lead = "Something a named person of either side must do by a date."

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        meeting = _int_or_none(request.GET.get("meeting"))
        return {"meeting": meeting} if meeting else {}

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> ActionItem:
        if obj is None:
            return services.action_item_create(alliance=self.alliance, data=form.model_data(), user=user)
        return services.action_item_update(
            item=obj, data=form.model_data(), user=user, expected_version=version
        )[0]


ESCALATION_FIELDS = {"to_body": "escalated_to", "to_sponsor": "escalated_to", "to_contact": "escalated_to"}


class EscalationEditView(AllianceChildEditView):
    model = Escalation
    form_class = EscalationForm
    anchor = "escalations"
    lead = (
        "An issue the alliance team could not settle, raised to a governance body or an executive "
        "sponsor. Executives have 30 days to decide; older open escalations are flagged."
    )

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Escalation:
        data = {**form.model_data(), **form.target()}
        with renamed_fields(ESCALATION_FIELDS):
            if obj is None:
                return services.escalation_create(alliance=self.alliance, data=data, user=user)
            return services.escalation_update(escalation=obj, data=data, user=user, expected_version=version)[
                0
            ]


class GovernanceArchiveView(ObjectArchiveView):
    """Archive (or restore) and go back to the alliance's Governance tab."""

    anchor: ClassVar[str] = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_visible_or_404(self.model, request.user, pk=pk)
        self.success_url = tab_url(obj.alliance_id, self.anchor)
        return super().post(request, pk)


class BodyArchiveView(GovernanceArchiveView):
    model = GovernanceBody
    anchor = "bodies"


class CadenceArchiveView(GovernanceArchiveView):
    model = Cadence
    anchor = "cadences"


class MeetingArchiveView(GovernanceArchiveView):
    model = Meeting
    anchor = "meetings"


class ActionItemArchiveView(GovernanceArchiveView):
    model = ActionItem
    anchor = "actions"


class EscalationArchiveView(GovernanceArchiveView):
    model = Escalation
    anchor = "escalations"


# --- the meeting page --------------------------------------------------------------------------------


def meeting_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    decision_form: DecisionForm | None = None,
    action_form: QuickActionForm | None = None,
    status_error: str = "",
) -> dict[str, Any]:
    user = request.user
    alliance = meeting.alliance
    editable = can(user, "change", meeting) and alliance.archived_at is None and meeting.archived_at is None
    attendees = list(meeting.attendees.all())
    sides: dict[str, list[Any]] = {}
    for contact in attendees:
        sides.setdefault(contact.organization.name, []).append(contact)
    actions = selectors.meeting_actions(meeting=meeting, user=user)
    ctx = {
        "meeting": meeting,
        "object": meeting,
        "alliance": alliance,
        "title": meeting.title,
        "attendee_groups": sides,
        "attendee_count": len(attendees),
        "decisions": selectors.meeting_decisions(meeting=meeting, user=user),
        "actions": actions,
        "open_actions": sum(1 for a in actions if a.status == ActionStatus.OPEN),
        "editable": editable,
        "can_decide": editable and meeting.status != MeetingStatus.CANCELLED,
        "status_error": status_error,
        "today": selectors.today(),
        "startable": meeting.day <= selectors.today(),
    }
    if editable:
        ctx["decision_form"] = decision_form or DecisionForm(user=user)
        ctx["action_form"] = action_form or QuickActionForm(alliance=alliance, user=user)
    return ctx


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    return render(request, "governance/meeting_detail.html", meeting_context(request, meeting))


def _editable_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    _editable(request, meeting)
    return meeting


@login_required
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark held (with minutes), cancel, or plan again."""
    meeting = _editable_meeting(request, pk)
    form = MeetingStatusForm(request.POST, user=request.user)
    error = ""
    if form.is_valid():
        minutes = form.cleaned_data["minutes"] if "minutes" in request.POST else None
        try:
            meeting = services.meeting_set_status(
                meeting=meeting,
                status=form.cleaned_data["status"],
                minutes=minutes,
                user=request.user,
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ConflictError as exc:
            error = str(exc)
        except ValidationError as exc:
            error = _message(exc)
        else:
            messages.success(request, f"{meeting} is now {meeting.get_status_display().lower()}.")
            return redirect(meeting.get_absolute_url())
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    return render(
        request,
        "governance/meeting_detail.html",
        meeting_context(request, meeting, status_error=error),
        status=422,
    )


def _meeting_section(
    request: HttpRequest, meeting: Meeting, section: str, *, failed: bool, flash: str = "", **forms: Any
) -> HttpResponse:
    """Answer a decision/action write: htmx gets the refreshed section, a browser the page."""
    if not failed and not request.htmx:
        messages.success(request, flash)
        return redirect(meeting.get_absolute_url() + f"#{section}")
    meeting = selectors.meeting_detail(user=request.user, pk=meeting.pk)
    ctx = meeting_context(request, meeting, **forms)
    if request.htmx:
        ctx["flash"] = "" if failed else flash
        # 200 even with errors: htmx swaps only successful answers; errors show in the section.
        return render(request, f"governance/partials/meeting_{section}.html", ctx)
    return render(request, "governance/meeting_detail.html", ctx, status=422)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = DecisionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.decision_add(meeting=meeting, text=form.cleaned_data["text"], user=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _meeting_section(request, meeting, "decisions", failed=False, flash="Decision recorded.")
    return _meeting_section(request, meeting, "decisions", failed=True, decision_form=form)


@login_required
@require_POST
def decision_archive(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_visible_or_404(Decision, request.user, pk=pk)
    if not can(request.user, "archive", decision):
        raise PermissionDenied
    model_archive(instance=decision, user=request.user, reason="removed from the minutes")
    meeting = decision.meeting
    return _meeting_section(request, meeting, "decisions", failed=False, flash="Decision removed (archived).")


@login_required
@require_POST
def meeting_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = QuickActionForm(request.POST, alliance=meeting.alliance, user=request.user)
    if form.is_valid():
        try:
            item = services.action_item_create(
                alliance=meeting.alliance, data={**form.cleaned_data, "meeting": meeting}, user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _meeting_section(
                request, meeting, "actions", failed=False, flash=f"Action item for {item.owner} added."
            )
    return _meeting_section(request, meeting, "actions", failed=True, action_form=form)


@login_required
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete, cancel or reopen; back to where the button was (meeting page, tab or list)."""
    item = get_visible_or_404(ActionItem, request.user, pk=pk)
    _editable(request, item)
    status = request.POST.get("status", "")
    completed_on: date | None = None
    raw = request.POST.get("completed_on")
    if raw:
        try:
            completed_on = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, "Completion date: enter a date like 2026-11-01.")
            return redirect(safe_next(request, item.get_absolute_url()))
    try:
        item = services.action_item_set_status(
            item=item, status=status, completed_on=completed_on, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        if request.htmx and item.meeting_id and request.POST.get("section") == "actions":
            meeting = selectors.meeting_detail(user=request.user, pk=item.meeting_id)
            return _meeting_section(
                request,
                meeting,
                "actions",
                failed=False,
                flash=f"“{item}” is {item.get_status_display().lower()}.",
            )
        messages.success(request, f"“{item}” is {item.get_status_display().lower()}.")
    return redirect(safe_next(request, item.get_absolute_url()))


# --- the escalation page --------------------------------------------------------------------------------


def escalation_context(
    request: HttpRequest,
    escalation: Escalation,
    *,
    decide_form: DecideForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    conflict: bool = False,
) -> dict[str, Any]:
    user = request.user
    alliance = escalation.alliance
    editable = (
        can(user, "change", escalation) and alliance.archived_at is None and escalation.archived_at is None
    )
    is_open = escalation.status == EscalationStatus.OPEN
    ctx: dict[str, Any] = {
        "escalation": escalation,
        "object": escalation,
        "alliance": alliance,
        "title": escalation.title,
        "editable": editable,
        "is_open": is_open,
        "today": selectors.today(),
        "age": escalation.age_days(selectors.today()),
        "late": escalation.is_overdue(selectors.today()),
        "conflict": conflict,
    }
    if editable and is_open:
        ctx["decide_form"] = decide_form or DecideForm(alliance=alliance, user=user)
        ctx["withdraw_form"] = withdraw_form or WithdrawForm(user=user)
    return ctx


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_detail(user=request.user, pk=pk)
    return render(request, "governance/escalation_detail.html", escalation_context(request, escalation))


@login_required
@require_POST
def escalation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_detail(user=request.user, pk=pk)
    _editable(request, escalation)
    form = DecideForm(request.POST, alliance=escalation.alliance, user=request.user)
    conflict = False
    if form.is_valid():
        try:
            escalation = services.escalation_decide(
                escalation=escalation,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
                decided_by=form.cleaned_data["decided_by"],
                decided_by_contact=form.cleaned_data["decided_by_contact"],
                user=request.user,
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            conflict = True
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Decision recorded for “{escalation}”.")
            return redirect(escalation.get_absolute_url())
    escalation = selectors.escalation_detail(user=request.user, pk=pk)
    return render(
        request,
        "governance/escalation_detail.html",
        escalation_context(request, escalation, decide_form=form, conflict=conflict),
        status=409 if conflict else 422,
    )


@login_required
@require_POST
def escalation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_detail(user=request.user, pk=pk)
    _editable(request, escalation)
    form = WithdrawForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            escalation = services.escalation_withdraw(
                escalation=escalation, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, f"“{escalation}” was withdrawn.")
    return redirect(escalation.get_absolute_url())


# --- portfolio-wide lists ---------------------------------------------------------------------------------


class ActionItemListView(ObjectListView):
    """Every action item the user may see, across alliances: filter, sort, export."""

    model = ActionItem
    filterset_class = ActionItemFilterSet
    title = "Action items"
    template_name = "governance/list.html"
    export_filename = "action-items.csv"
    columns = [
        Column("title", "Action", sort="title", template=CELL + "action_title.html"),
        Column("alliance", "Alliance", sort="alliance__name", template=CELL + "alliance.html"),
        Column("owner", "Owner", sort="owner__last_name", template=CELL + "owner.html"),
        Column("due_date", "Due", sort="due_date", template=CELL + "due.html", align="text-nowrap"),
        Column("get_status_display", "Status", sort="status_rank", template=CELL + "action_status.html"),
        Column("completed_on", "Completed", sort="completed_on", align="text-nowrap"),
        Column("meeting", "From meeting", template=CELL + "meeting.html"),
    ]

    #: Not a column: open items first, each group by due date (ISO dates sort as text).
    default_sort = "urgency"
    export_columns = [
        Column("owner.organization", "Owner's organization"),
        Column("owner_side", "Owner's side"),
        Column("overdue", "Overdue"),
    ]

    def get_columns(self, request: HttpRequest) -> list[Column]:
        if request.GET.get("export") == "csv":
            return [*self.columns, *self.export_columns]
        return list(self.columns)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = selectors.action_items_of(user=request.user)
        if request.GET.get("archived") != "1":
            qs = qs.active()
        due = Cast("due_date", CharField())
        return qs.annotate(
            status_rank=Case(
                When(status=ActionStatus.OPEN, then=Value(0)),
                When(status=ActionStatus.DONE, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            urgency=Case(
                When(status=ActionStatus.OPEN, then=Concat(Value("0 "), due)),
                default=Concat(Value("1 "), due),
                output_field=CharField(),
            ),
        )

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "lead": "What each side promised to do, from every meeting of every alliance you can see. "
            "Open items past their due date are overdue.",
            "today": selectors.today(),
            "can_change_items": can(request.user, "change", ActionItem),
            "list_kind": "actions",
        }


class EscalationListView(ObjectListView):
    """Every escalation the user may see; open ones older than 30 days are flagged."""

    model = Escalation
    filterset_class = EscalationFilterSet
    title = "Escalations"
    template_name = "governance/list.html"
    default_sort = "-raised_on"
    export_filename = "escalations.csv"
    columns = [
        Column("title", "Escalation", sort="title", link=True),
        Column("alliance", "Alliance", sort="alliance__name", template=CELL + "alliance.html"),
        Column("target_label", "Escalated to", template=CELL + "target.html"),
        Column("raised_on", "Raised", sort="raised_on", align="text-nowrap"),
        Column("raised_by", "Raised by"),
        Column("get_status_display", "Status", sort="status", template=CELL + "escalation_status.html"),
        Column("decided_on", "Decided", sort="decided_on", align="text-nowrap"),
        Column("decider", "Decided by"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = selectors.escalations_of(user=request.user)
        return qs if request.GET.get("archived") == "1" else qs.active()

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "lead": "Issues raised to a governance body or an executive sponsor. Domain practice: executives "
            "have 30 days to resolve a deadlock — open escalations older than that are flagged.",
            "today": selectors.today(),
            "list_kind": "escalations",
        }
