"""Assessment pages: the alliance's Assessments tab (waves, trend, new wave), an assessment with
both sides' scores and the perception gap, the answer form, the portfolio list, instruments."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from amity.alliances.selectors import alliance_detail
from amity.alliances.views import alliance_header_context
from amity.core.forms import VisibleForm
from amity.core.permissions import get_visible_or_404, is_editor
from amity.core.views import Column, ObjectListView, _errors_to_form
from amity.partners.models import Contact

from . import indicators, scoring, services
from .models import Answer, Assessment, Instrument, ItemType, Response, Side


class WaveForm(VisibleForm):
    # A strategic-review wave is made by recording a strategic review (it mirrors the review).
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.filter(active=True).exclude(key="strategic-review").order_by("name")
    )
    wave = forms.CharField(max_length=60, help_text='e.g. "H1 2026"')
    two_sided = forms.BooleanField(
        required=False,
        initial=True,
        label="Ask the partner's people too",
        help_text="Their answers sit beside ours.",
    )
    closes_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ActionForm(VisibleForm):
    owner = forms.ModelChoiceField(queryset=Contact.objects.none(), help_text="A person of either side.")
    items = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple, label="Gaps to act on")

    def __init__(self, *args, alliance=None, gaps=(), **kwargs):
        super().__init__(*args, **kwargs)
        orgs = alliance.parties.values("organization_id") if alliance is not None else []
        self.fields["owner"].queryset = (
            Contact.objects.visible_to(self.user).filter(organization_id__in=orgs, archived_at__isnull=True)
        ).order_by("last_name", "first_name")
        self.fields["items"].choices = [(g.item.key, f"{g.item.text} (gap {g.gap:+})") for g in gaps]


def _results(assessments: list[Assessment]) -> list[tuple[Assessment, scoring.Result]]:
    return [(a, scoring.score(a)) for a in assessments]


@login_required
def alliance_assessments(request: HttpRequest, pk: int, *, form: WaveForm | None = None) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    waves = list(
        Assessment.objects.visible_to(request.user)
        .filter(alliance=alliance, archived_at__isnull=True)
        .select_related("instrument")
        .order_by("-opened_on", "-pk")
    )
    rows = _results(waves)
    trends = []
    for key in dict.fromkeys(a.instrument.key for a in waves):
        same = [a for a in waves if a.instrument.key == key]
        if len(same) > 1:
            trends.append((same[0].instrument.name, f"chart-trend-{key}", scoring.trend(same)))
    context = alliance_header_context(request, alliance, tab="assessments")
    context.update(
        {
            "rows": rows,
            "trends": trends,
            "editor": is_editor(request.user),
            "form": form or WaveForm(user=request.user),
        }
    )
    return render(request, "assessments/alliance_assessments.html", context, status=422 if form else 200)


@login_required
@require_POST
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    if not is_editor(request.user):
        raise PermissionDenied
    form = WaveForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            assessment = services.assessment_create(alliance=alliance, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Opened {assessment.wave}: invite the people who should answer.")
            return redirect(assessment)
    return alliance_assessments(request, pk, form=form)


@login_required
def assessment_detail(
    request: HttpRequest, pk: int, *, action_form: ActionForm | None = None
) -> HttpResponse:
    user = request.user
    assessment = get_visible_or_404(Assessment, user, pk=pk)
    result = scoring.score(assessment)
    keys = [r.item.indicator for r in result.items if r.item.indicator]
    computed = indicators.compute(keys, assessment.alliance)
    dims = assessment.instrument.dimension_names()
    for r in result.items:
        r.indicator = computed.get(r.item.indicator) if r.item.indicator else None
        r.dimension_name = dims.get(r.item.dimension, r.item.dimension)
    mine = Response.objects.filter(assessment=assessment, respondent=user, archived_at__isnull=True).first()
    try:
        services.side_of(user, assessment)
        may_answer = assessment.status == "open"
    except PermissionDenied:
        may_answer = False
    editor = is_editor(user)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "title": str(assessment),
            "assessment": assessment,
            "alliance": assessment.alliance,
            "result": result,
            "dims": dims,
            "radar": scoring.radar(result),
            "gaps": scoring.gap_chart(result),
            "mine": mine,
            "may_answer": may_answer,
            "editor": editor,
            "action_form": (
                action_form or ActionForm(user=user, alliance=assessment.alliance, gaps=result.largest_gaps)
            )
            if editor and result.largest_gaps
            else None,
            "OURS": Side.OURS,
            "PARTNER": Side.PARTNER,
        },
        status=422 if action_form else 200,
    )


@login_required
@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    assessment = get_visible_or_404(Assessment, user, pk=pk)
    if action == "close":
        services.assessment_close(assessment=assessment, user=user)
        messages.success(request, "Closed: no more answers are taken.")
        return redirect(assessment)
    if action != "actions":
        raise PermissionDenied
    if not is_editor(user):
        raise PermissionDenied
    result = scoring.score(assessment)
    form = ActionForm(request.POST, user=user, alliance=assessment.alliance, gaps=result.largest_gaps)
    if form.is_valid():
        try:
            created = services.gaps_to_actions(
                assessment=assessment,
                user=user,
                owner=form.cleaned_data["owner"],
                item_keys=form.cleaned_data["items"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Created {len(created)} action item(s) on the alliance.")
            return redirect(assessment)
    return assessment_detail(request, pk, action_form=form)


@login_required
def assessment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer form: every item with its scale (tension items twice: stands / want)."""
    user = request.user
    assessment = get_visible_or_404(Assessment, user, pk=pk)
    side, organization = services.side_of(user, assessment)  # PermissionDenied: not asked to answer
    instrument = assessment.instrument
    items = list(instrument.items.all())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        answers = {
            item.key: {
                "value": request.POST.get(f"{item.key}.value"),
                "want": request.POST.get(f"{item.key}.want"),
                "comment": request.POST.get(f"{item.key}.comment", ""),
            }
            for item in items
        }
        submit = request.POST.get("action") != "draft"
        try:
            services.response_save(assessment=assessment, user=user, answers=answers, submit=submit)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, "Thank you: your answers count." if submit else "Saved as a draft.")
            return redirect(assessment)
        current = answers
    else:
        current = {
            a.item.key: {"value": a.value, "want": a.want, "comment": a.comment}
            for a in Answer.objects.filter(
                response__assessment=assessment, response__respondent=user, response__archived_at__isnull=True
            ).select_related("item")
        }
    scale = list(range(instrument.scale_min, instrument.scale_max + 1))
    labels = instrument.scale_labels
    groups = []
    for d in instrument.dimensions:
        rows = []
        for item in items:
            if item.dimension != d["key"]:
                continue
            given = current.get(item.key, {})
            rows.append(
                {
                    "item": item,
                    "value": str(given.get("value") or ""),
                    "want": str(given.get("want") or ""),
                    "comment": given.get("comment") or "",
                    "errors": errors.get(f"{item.key}.value", []) + errors.get(f"{item.key}.want", []),
                    "tension": item.type == ItemType.TENSION,
                }
            )
        groups.append((d, rows))
    return render(
        request,
        "assessments/answer.html",
        {
            "title": f"Answer: {instrument.name}",
            "assessment": assessment,
            "groups": groups,
            "scale": scale,
            "labels": labels,
            "side": Side(side).label,
            "organization": organization,
            "form_errors": [m for k, msgs in errors.items() if "." not in k for m in msgs],
        },
        status=422 if errors else 200,
    )


class AssessmentListView(ObjectListView):
    model = Assessment
    title = "Assessments"
    default_sort = "-opened_on"
    columns = [
        Column("__str__", "Assessment", link=True),
        Column("alliance", "Alliance", sort="alliance__name"),
        Column("wave", "Wave", sort="wave"),
        Column("opened_on", "Opened", sort="opened_on"),
        Column("get_status_display", "Status", sort="status"),
        Column("two_sided", "Two-sided"),
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("alliance", "instrument")


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = Instrument.objects.visible_to(request.user).filter(active=True).prefetch_related("items")
    return render(
        request,
        "assessments/instrument_list.html",
        {"title": "Instruments", "instruments": instruments.order_by("kind", "name")},
    )


@login_required
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_visible_or_404(Instrument, request.user, pk=pk)
    items = list(instrument.items.all())
    groups = [(d, [i for i in items if i.dimension == d["key"]]) for d in instrument.dimensions]
    return render(
        request,
        "assessments/instrument_detail.html",
        {"title": str(instrument), "instrument": instrument, "groups": groups},
    )
