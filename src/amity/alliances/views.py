"""Alliance pages: list, detail, create/edit, life-cycle transition, strategic review,
parties and people.

Views parse input, call a service or selector, and render. Every read goes through the
visibility rule (an alliance a user may not see is a 404); every write goes through
``alliances.services`` and its errors come back as form errors, never a 500.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.core.export import csv_response
from amity.core.permissions import can, get_visible_or_404, is_internal
from amity.core.roles import Role
from amity.core.services import ConflictError, validation_messages
from amity.core.views import Column, ObjectArchiveView, ObjectEditView, ObjectListView

from . import forms as forms_module
from . import rules, selectors, services, sharing, tiering
from .filters import AllianceFilterSet
from .forms import AllianceForm, MemberAddForm, PartyAddForm, ReviewForm, TransitionForm
from .models import (
    STAGE_ORDER,
    Alliance,
    AllianceMember,
    AllianceParty,
    Classification,
    MemberRole,
    PartyRole,
    RuleKind,
    Stage,
    StageTransitionRule,
    StrategicReview,
)
from .tabs import TABS

# --- list ------------------------------------------------------------------------------

CELL = "alliances/cells/"


class AllianceListView(ObjectListView):
    """The alliances a user may see, filtered, sorted, paginated and exportable as CSV."""

    model = Alliance
    filterset_class = AllianceFilterSet
    title = "Alliances"
    create_url = "alliances:alliance_create"
    export_filename = "alliances.csv"
    default_sort = "name"
    base_columns = [
        Column("name", "Name", sort="name", link=True),
        Column("active_parties", "Partners", template=CELL + "partners.html"),
        Column("get_alliance_type_display", "Type", align="text-nowrap"),
        Column("tier", "Tier", sort="tier_rank", template=CELL + "tier.html"),
        Column("stage", "Stage", sort="stage_rank", template=CELL + "stage.html"),
        Column("owner", "Owner", sort="owner_name", align="text-nowrap"),
        Column("annual_value", "Expected annual revenue", sort="annual_value", align="text-end text-nowrap"),
    ]
    internal_columns = [
        Column("review_classification", "Classification", template=CELL + "classification.html"),
    ]

    def get_columns(self, request: HttpRequest) -> list[Column]:
        # Partners never get the classification column.
        return self.base_columns + (self.internal_columns if is_internal(request.user) else [])

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list shows (and filters by) the latest classification only, and no objectives.
        qs = selectors.alliance_list(
            user=request.user,
            include_archived=request.GET.get("archived") == "1",
            review_fields=("review_classification",),
            objectives=False,
        )
        return qs.annotate(
            # Sort stages in life-cycle order and tiers by rank (no tier last), on every DB.
            stage_rank=Case(
                *[When(stage=code, then=Value(rank)) for code, rank in STAGE_ORDER.items()],
                default=Value(99),
                output_field=IntegerField(),
            ),
            tier_rank=Coalesce("tier__rank", Value(32767)),
            owner_name=Coalesce(
                NullIf(Concat("owner__first_name", Value(" "), "owner__last_name"), Value(" ")),
                "owner__username",
            ),
        )

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        if is_internal(request.user):
            lead = "Every alliance of the portfolio with its partners, tier, life-cycle stage and latest classification."
        else:
            lead = "The alliances your organization takes part in."
        return {"lead": lead}

    def export(self, qs: QuerySet, columns: list[Column]) -> HttpResponse:
        columns = [c for c in columns if c.export]
        rows = ([plain_value(obj, c.key) for c in columns] for obj in qs.iterator(chunk_size=2000))
        return csv_response(self.export_filename, [c.label for c in columns], rows)


def plain_value(alliance: Alliance, key: str) -> Any:
    """A list cell as plain text (or a number) for the CSV export."""
    if key == "active_parties":
        return selectors.partner_names(alliance)
    if key == "tier":
        return alliance.tier.name if alliance.tier else ""
    if key == "stage":
        return alliance.get_stage_display()
    if key == "owner":
        return str(alliance.owner) if alliance.owner else ""
    if key == "review_classification":
        code = getattr(alliance, "review_classification", None)
        return Classification(code).label if code else "Not reviewed"
    value = getattr(alliance, key)
    return value() if callable(value) else value


# --- create / edit / archive -------------------------------------------------------------


class AllianceEditView(ObjectEditView):
    """Create an alliance with its partners, or edit its own fields (with a version check)."""

    model = Alliance
    form_class = AllianceForm

    def context(self, request: HttpRequest, form: Any, obj: Any, **extra: Any) -> dict[str, Any]:
        ctx = super().context(request, form, obj, **extra)
        if obj is None:
            ctx["cancel_url"] = reverse("alliances:alliance_list")
            ctx["lead"] = (
                "An alliance between our company and one or more partners. It starts in the "
                "Identify stage; stage gates apply from there."
            )
        else:
            ctx["lead"] = (
                "Parties and people are managed on the alliance page; the stage changes through a transition."
            )
        return ctx

    def save(self, form: Any, obj: Any, user: Any, version: int | None) -> Alliance:
        objectives = list(form.cleaned_data.get("objectives") or [])
        if obj is None:
            return services.alliance_create(
                user=user, data=form.model_data(), partners=form.partner_list(), objectives=objectives
            )
        alliance, _ = services.alliance_update(
            alliance=obj,
            data=form.model_data(),
            user=user,
            expected_version=version,
            objectives=objectives,
            tier_reason=form.cleaned_data.get("tier_reason", ""),
        )
        return alliance


class AllianceArchiveView(ObjectArchiveView):
    model = Alliance
    success_url = reverse_lazy("alliances:alliance_list")


# --- detail ------------------------------------------------------------------------------


def _steps(alliance: Alliance) -> list[dict[str, Any]]:
    current = STAGE_ORDER.get(alliance.stage, 0)
    return [
        {
            "code": stage.value,
            "label": stage.label,
            "number": i + 1,
            "state": "done" if i < current else "current" if i == current else "",
        }
        for i, stage in enumerate(Stage)
    ]


def _targets(alliance: Alliance, user: Any, attested: set[int] | None = None) -> list[dict[str, Any]]:
    """The stages the alliance may move to next, each with its gate checklist evaluated now."""
    labels = dict(
        StageTransitionRule.objects.visible_to(user)
        .active()
        .filter(from_stage=alliance.stage)
        .values_list("to_stage", "label")
    )
    targets = []
    for stage in services.allowed_transitions(alliance):
        items = services.gate_evaluate(alliance, stage, attested)
        targets.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "action": labels.get(stage) or f"Move to {Stage(stage).label}",
                "items": items,
                "met": sum(1 for i in items if i["met"]),
                "ready": all(i["met"] for i in items),
                "automatic_missing": [i for i in items if not i["met"] and not i["attest"]],
            }
        )
    return targets


def _people(alliance: Alliance, parties: list[AllianceParty]) -> dict[str, Any]:
    members = list(getattr(alliance, "active_members", []))
    sponsors = [m for m in members if m.role == MemberRole.SPONSOR]
    return {
        "sponsors": [
            {
                "party": party,
                "members": [m for m in sponsors if m.contact.organization_id == party.organization_id],
            }
            for party in parties
        ],
        "managers": [m for m in members if m.role == MemberRole.MANAGER],
        "team": [m for m in members if m.role == MemberRole.TEAM],
        "count": len(members),
    }


def readable(value: Any) -> Any:
    """Undo scientific notation in stored facts ("1.2E+5" → "120000") for display."""
    if isinstance(value, str) and "E" in value.upper():
        try:
            return format(Decimal(value), "f")
        except (InvalidOperation, ValueError):
            return value
    return value


def rule_groups(review: StrategicReview | None) -> list[dict[str, Any]]:
    """The review's rule results grouped by kind; the rules that decided the result marked."""
    if review is None or not isinstance(review.explanation, dict):
        return []
    results = review.explanation.get("rules", [])
    groups = []
    for kind in RuleKind:
        items = []
        for result in results:
            if result.get("kind") != kind.value:
                continue
            item = dict(result)
            item["clauses"] = [{**c, "actual": readable(c.get("actual"))} for c in result.get("clauses", [])]
            item["decisive"] = bool(item.get("fired")) and kind in (RuleKind.CLASSIFICATION, RuleKind.TIER)
            items.append(item)
        if items:
            groups.append(
                {
                    "kind": kind.value,
                    "label": kind.label,
                    "rules": items,
                    "fired": [i for i in items if i.get("fired")],
                    "missed": [i for i in items if not i.get("fired")],
                }
            )
    return groups


def _review_summary(review: StrategicReview | None) -> dict[str, Any]:
    if review is None:
        return {}
    explanation = review.explanation if isinstance(review.explanation, dict) else {}
    signal_rules = [r for r in explanation.get("rules", []) if r.get("kind") == RuleKind.SIGNAL]
    signal_names = list(dict.fromkeys(r.get("outcome") for r in signal_rules))
    return {
        "groups": rule_groups(review),
        "signal_rules": signal_rules,
        "signals_max": len(signal_names) or 3,
        "flags": explanation.get("flags", []),
        "decided": explanation.get("classification_decided", True),
    }


def _partner_tab(tab: Any, shared: dict[str, bool] | None) -> bool:
    """A partner sees a tab unless it is ours only or its kind of data is not shared with it."""
    kind = sharing.TAB_KINDS.get(tab.name)
    if kind is not None and shared is not None:
        return shared[kind]
    return not tab.internal_only


def alliance_header_context(request: HttpRequest, alliance: Alliance, *, tab: str) -> dict[str, Any]:
    """What every tab of the alliance page shows in its header (``alliances/alliance_base.html``).

    Other apps' tab views call this with an alliance from ``selectors.alliance_detail``.
    """
    user = request.user
    internal = is_internal(user)
    archived = alliance.archived_at is not None
    can_change = can(user, "change", alliance)
    parties = list(alliance.active_parties)
    shared = None if internal else sharing.shared_kinds(user.organization_id, alliance.pk)
    tabs = [t for t in TABS if internal or _partner_tab(t, shared)]
    if tab not in {t.name for t in tabs}:
        raise Http404  # a tab of data not shared with this partner: as if it did not exist
    return {
        "alliance": alliance,
        "object": alliance,
        "title": alliance.name,
        "tab": tab,
        "tabs": tabs,
        "shared_with_me": shared,
        "internal": internal,
        "archived": archived,
        "can_change": can_change,
        "editable": can_change and not archived,
        "can_archive": can(user, "archive", alliance),
        "can_review": internal and not archived and can(user, "create", StrategicReview),
        "steps": _steps(alliance),
        "parties": parties,
        "partners": [p for p in parties if p.role != PartyRole.HOST],
        "review": selectors.latest_review(alliance, user) if internal else None,
    }


def tier_context(alliance: Alliance, user: Any, *, limit: int) -> dict[str, Any]:
    """The alliance's tier history and the open re-tier proposal, if any (internal users)."""
    return {
        "tier_changes": selectors.tier_history(alliance, user)[:limit],
        "open_proposal": selectors.open_tier_proposal(alliance, user),
        "can_decide_tier": tiering.can_decide(user),
    }


def detail_context(
    request: HttpRequest,
    alliance: Alliance,
    *,
    party_form: PartyAddForm | None = None,
    member_form: MemberAddForm | None = None,
    party_error: str = "",
    member_error: str = "",
) -> dict[str, Any]:
    """Everything the alliance page shows, read through the selectors for this user."""
    user = request.user
    ctx = alliance_header_context(request, alliance, tab="overview")
    internal, archived, editable = ctx["internal"], ctx["archived"], ctx["editable"]
    parties = ctx["parties"]
    ctx.update(
        {
            "days_in_stage": max(0, (timezone.now() - alliance.stage_changed_at).days),
            "people": _people(alliance, parties),
            "stage_history": list(selectors.stage_history(alliance)[:25]),
            # The overview shows the alliance's own recent changes; the History tab shows all.
            "timeline": selectors.alliance_timeline(alliance=alliance, user=user, limit=25, with_apps=False),
            "party_error": party_error,
            "member_error": member_error,
        }
    )
    if internal:
        ctx["sharing"] = sharing.matrix(alliance)
    elif ctx["shared_with_me"] is not None:
        ctx["sharing_sentence"] = sharing.describe("Your organization", ctx["shared_with_me"])
    if internal:
        ctx.update(tier_context(alliance, user, limit=5))
        ctx["review_summary"] = _review_summary(ctx["review"])
        ctx["objectives"] = list(alliance.objectives.all())
        ctx["targets"] = _targets(alliance, user) if not archived else []
    if editable:
        ctx["party_form"] = party_form or PartyAddForm(alliance=alliance, user=user)
        ctx["member_form"] = member_form or MemberAddForm(alliance=alliance, user=user)
    return ctx


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    return render(request, "alliances/alliance_detail.html", detail_context(request, alliance))


@login_required
def alliance_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: the whole stage history and every recorded change."""
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    ctx = alliance_header_context(request, alliance, tab="history")
    ctx["stage_history"] = list(selectors.stage_history(alliance)[:500])
    if ctx["internal"]:
        ctx.update(tier_context(alliance, request.user, limit=500))
    ctx["timeline"] = selectors.alliance_timeline(alliance=alliance, user=request.user, limit=500)
    return render(request, "alliances/alliance_history.html", ctx)


# --- parties and people (htmx: the changed sections swap in place) ---------------------------


def _first_error(exc: ValidationError) -> str:
    return " ".join(m for msgs in validation_messages(exc).values() for m in msgs)


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    for field, msgs in validation_messages(exc).items():
        for message in msgs:
            form.add_error(field if field in form.fields else None, message)


def _editable_alliance(request: HttpRequest, pk: int) -> Alliance:
    """The alliance for a party/member write: 404 if invisible, 403 if the user may not edit."""
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "change", alliance):
        raise PermissionDenied
    return alliance


def _sections(
    request: HttpRequest, pk: int, *, ok_message: str = "", failed: bool = False, **forms: Any
) -> HttpResponse:
    """Answer a party/member write: htmx gets the refreshed sections, a browser the page."""
    if not failed and not request.htmx:
        messages.success(request, ok_message)
        return redirect("alliances:alliance_detail", pk=pk)
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    ctx = detail_context(request, alliance, **forms)
    if request.htmx:
        # 200 even on an error: htmx swaps only successful responses, and the error is
        # shown inline in the section.
        ctx["flash"] = "" if failed else ok_message
        return render(request, "alliances/partials/live.html", ctx)
    return render(request, "alliances/alliance_detail.html", ctx, status=422)


@login_required
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _editable_alliance(request, pk)
    form = PartyAddForm(request.POST, alliance=alliance, user=request.user)
    if form.is_valid():
        try:
            party = services.party_add(
                alliance=alliance,
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _sections(request, pk, ok_message=f"{party.organization} joined the alliance.")
    return _sections(request, pk, failed=True, party_form=form)


@login_required
def party_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """The add-a-party select's options for a search (htmx): the first visible organizations,
    not yet parties, whose name contains ``search`` (a program has too many to list them all)."""
    alliance = _editable_alliance(request, pk)
    form = PartyAddForm(alliance=alliance, user=request.user)
    field = form.fields["organization"]
    term = request.GET.get("search", "").strip()
    found = field.queryset.filter(name__icontains=term) if term else field.queryset
    return render(
        request,
        "alliances/partials/party_candidates.html",
        {"empty_label": field.empty_label, "organizations": found[: forms_module.PARTY_CHOICES_SHOWN]},
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    alliance = _editable_alliance(request, pk)
    party = get_visible_or_404(AllianceParty, request.user, pk=party_pk, alliance=alliance)
    try:
        services.party_remove(party=party, user=request.user)
    except ValidationError as exc:
        return _sections(request, pk, failed=True, party_error=_first_error(exc))
    return _sections(request, pk, ok_message=f"{party.organization} left the alliance.")


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _editable_alliance(request, pk)
    form = MemberAddForm(request.POST, alliance=alliance, user=request.user)
    if form.is_valid():
        try:
            member = services.member_add(
                alliance=alliance,
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
                area=form.cleaned_data["area"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _sections(
                request, pk, ok_message=f"{member.contact} added as {member.get_role_display().lower()}."
            )
    return _sections(request, pk, failed=True, member_form=form)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    alliance = _editable_alliance(request, pk)
    member = get_visible_or_404(AllianceMember, request.user, pk=member_pk, alliance=alliance)
    try:
        services.member_remove(member=member, user=request.user)
    except ValidationError as exc:
        return _sections(request, pk, failed=True, member_error=_first_error(exc))
    return _sections(
        request, pk, ok_message=f"{member.contact} is no longer {member.get_role_display().lower()}."
    )


# --- life cycle --------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def alliance_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the next stage; the gate checklist must be met (or, by an admin, overridden)."""
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "change", alliance):
        raise PermissionDenied
    posted = request.method == "POST"
    attested = {int(v) for v in request.POST.getlist("attested") if v.isdigit()} if posted else set()
    targets = _targets(alliance, request.user, attested)
    initial_stage = request.GET.get("to") or (targets[0]["stage"] if len(targets) == 1 else None)
    form = TransitionForm(
        request.POST if posted else None,
        targets=targets,
        can_override=request.user.role == Role.ADMIN,
        initial={"to_stage": initial_stage},
    )
    status, blocked, conflict = 200, None, None
    if posted:
        status = 422
        if form.is_valid():
            to_stage = form.cleaned_data["to_stage"]
            try:
                change = services.alliance_transition(
                    alliance=alliance,
                    to_stage=to_stage,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    attested=form.attested_ids,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    expected_version=_int_or_none(request.POST.get("version")),
                )
            except services.GateBlocked as exc:
                blocked = {
                    "stage": to_stage,
                    "label": Stage(to_stage).label,
                    "missing": [i for i in exc.items if not i["met"]],
                }
                for target in targets:
                    if target["stage"] == to_stage:
                        target["items"] = exc.items
                        target["blocked"] = True
            except ConflictError as exc:
                conflict = exc.instance
                status = 409
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                note = " (gate overridden)" if change.overridden else ""
                messages.success(request, f"{alliance} moved to {Stage(change.to_stage).label}{note}.")
                return redirect(alliance.get_absolute_url())
    selected = form["to_stage"].value()
    return render(
        request,
        "alliances/alliance_transition.html",
        {
            "alliance": alliance,
            "title": f"Move {alliance} to its next stage",
            "form": form,
            "targets": targets,
            "selected": selected,
            "blocked": blocked,
            "conflict": conflict,
            "steps": _steps(alliance),
            "can_override": request.user.role == Role.ADMIN,
        },
        status=status,
    )


@login_required
@require_POST
def alliance_apply_tier(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the tier the latest strategic review recommends."""
    if not is_internal(request.user):
        raise Http404
    alliance = get_visible_or_404(Alliance, request.user, pk=pk)
    try:
        alliance = services.alliance_apply_recommended_tier(alliance=alliance, user=request.user)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"{alliance} is now in the {alliance.tier} tier.")
    return redirect("alliances:alliance_detail", pk=pk)


# --- strategic review --------------------------------------------------------------------

#: Fields copied from the previous review when a new one starts (not date and notes).
CARRY_OVER = [f for f in ReviewForm._meta.fields if f not in ("review_date", "notes")]


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the five criteria, the six activities and the commitment signals."""
    if not is_internal(request.user):
        raise Http404  # partners never learn that strategic reviews exist
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    if not can(request.user, "create", StrategicReview):
        raise PermissionDenied
    previous = selectors.latest_review(alliance, request.user)
    initial = model_to_dict(previous, fields=CARRY_OVER) if previous else {}
    form = ReviewForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_record(alliance=alliance, user=request.user, data=form.model_data())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"Review recorded: {review.get_classification_display().lower()}, "
                f"recommended tier {review.recommended_tier or 'none'}.",
            )
            return redirect(review.get_absolute_url())
    return render(
        request,
        "alliances/review_form.html",
        {
            "alliance": alliance,
            "title": f"Strategic review of {alliance}",
            "form": form,
            "previous": previous,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """One review's result, with every rule, its clauses, and the rule that decided."""
    alliance = selectors.alliance_detail(user=request.user, pk=pk)
    review = get_visible_or_404(StrategicReview, request.user, pk=review_pk, alliance=alliance)
    explanation = review.explanation if isinstance(review.explanation, dict) else {}
    facts = explanation.get("facts", {})
    history = (
        StrategicReview.objects.visible_to(request.user)
        .active()
        .filter(alliance=alliance)
        .select_related("recommended_tier", "reviewed_by")
        .order_by("-review_date", "-id")
    )
    return render(
        request,
        "alliances/review_detail.html",
        {
            "alliance": alliance,
            "review": review,
            "title": f"Strategic review of {alliance}",
            "summary": _review_summary(review),
            "facts": [
                {"name": name, "description": description, "value": readable(facts[name])}
                for name, description in rules.all_facts().items()
                if name in facts
            ],
            "reviews": list(history),
            "can_change": can(request.user, "change", alliance) and alliance.archived_at is None,
            "can_review": alliance.archived_at is None and can(request.user, "create", StrategicReview),
        },
    )


urlpatterns = [
    path("alliances/", AllianceListView.as_view(), name="alliance_list"),
    path("alliances/new/", AllianceEditView.as_view(), name="alliance_create"),
    path("alliances/<int:pk>/", alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/history/", alliance_history, name="alliance_history"),
    path("alliances/<int:pk>/edit/", AllianceEditView.as_view(), name="alliance_edit"),
    path("alliances/<int:pk>/transition/", alliance_transition, name="alliance_transition"),
    path("alliances/<int:pk>/archive/", AllianceArchiveView.as_view(), name="alliance_archive"),
    path("alliances/<int:pk>/apply-tier/", alliance_apply_tier, name="alliance_apply_tier"),
    path("alliances/<int:pk>/reviews/new/", review_create, name="review_create"),
    path("alliances/<int:pk>/reviews/<int:review_pk>/", review_detail, name="review_detail"),
    path("alliances/<int:pk>/parties/add/", party_add, name="party_add"),
    path("alliances/<int:pk>/parties/candidates/", party_candidates, name="party_candidates"),
    path("alliances/<int:pk>/parties/<int:party_pk>/remove/", party_remove, name="party_remove"),
    path("alliances/<int:pk>/members/add/", member_add, name="member_add"),
    path("alliances/<int:pk>/members/<int:member_pk>/remove/", member_remove, name="member_remove"),
]
