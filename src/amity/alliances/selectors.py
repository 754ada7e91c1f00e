"""Reads for alliances. Every selector takes the user and starts from ``visible_to``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from django.utils import timezone

from amity.core.permissions import is_internal
from amity.partners.models import Organization

from .models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    AllianceType,
    Classification,
    CorporateObjective,
    PartyRole,
    ReviewRule,
    RuleKind,
    Stage,
    StageChange,
    StrategicReview,
    Tier,
)


def _latest_review() -> QuerySet:
    return StrategicReview.objects.filter(alliance=OuterRef("pk"), archived_at__isnull=True).order_by(
        "-review_date", "-id"
    )


#: The latest review's values ``with_latest_review`` can annotate: annotation -> review field.
LATEST_REVIEW_FIELDS = {
    "review_id": "id",
    "review_date": "review_date",
    "review_classification": "classification",
    "review_total": "criteria_total",
    "review_activities": "activities_count",
    "review_signals": "commitment_signals",
    "review_tier_id": "recommended_tier_id",
    "review_tier_name": "recommended_tier__name",
}


def with_latest_review(qs: QuerySet, *fields: str) -> QuerySet:
    """Annotate alliances with their latest strategic review's result (internal users only).

    Each annotation is a correlated subquery per row, so a caller names the ones it shows
    (``"review_classification"`` …); without names, all of :data:`LATEST_REVIEW_FIELDS`.
    """
    latest = _latest_review()
    return qs.annotate(
        **{
            name: Subquery(latest.values(LATEST_REVIEW_FIELDS[name])[:1])
            for name in fields or LATEST_REVIEW_FIELDS
        }
    )


def active_parties() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=AllianceParty.objects.active().select_related("organization").order_by("id"),
        to_attr="active_parties",
    )


def alliance_list(
    *,
    user: Any,
    include_archived: bool = False,
    review_fields: tuple[str, ...] = (),
    objectives: bool = True,
) -> QuerySet:
    """Alliances the user may see, with tier, owner and parties loaded in constant queries.

    Internal users also get the latest review's ``review_fields`` (default: all of them, see
    :func:`with_latest_review`); ``objectives=False`` leaves out the objectives' prefetch for a
    caller that does not show them.
    """
    qs = Alliance.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    qs = qs.select_related("tier", "owner").prefetch_related(active_parties())
    if objectives:
        qs = qs.prefetch_related(Prefetch("objectives", queryset=CorporateObjective.objects.order_by("code")))
    if is_internal(user):
        qs = with_latest_review(qs, *review_fields)
    return qs


def alliance_detail(*, user: Any, pk: int) -> Alliance:
    """One visible alliance with parties, people and objectives loaded; 404 otherwise."""
    from django.http import Http404

    qs = Alliance.objects.select_related("tier", "owner").prefetch_related(
        active_parties(),
        Prefetch(
            "members",
            queryset=AllianceMember.objects.active()
            .select_related("contact__organization")
            .order_by("role", "id"),
            to_attr="active_members",
        ),
        "objectives",
    )

    try:
        return qs.visible_to(user).get(pk=pk)
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise Http404("No alliance matches the given query.") from None


def partner_names(alliance: Alliance) -> str:
    parties = getattr(alliance, "active_parties", None)
    if parties is None:
        parties = list(alliance.parties.active().select_related("organization"))
    return ", ".join(p.organization.name for p in parties if p.role != PartyRole.HOST)


def latest_review(alliance: Alliance, user: Any) -> StrategicReview | None:
    if not is_internal(user):
        return None
    return (
        alliance.reviews.active()
        .select_related("recommended_tier", "reviewed_by")
        .order_by("-review_date", "-id")
        .first()
    )


# --- portfolio ---------------------------------------------------------------------------


def portfolio_summary(*, user: Any) -> dict[str, Any]:
    """Totals of the visible, active portfolio by tier, stage, type and classification."""
    qs = Alliance.objects.visible_to(user).active()
    # One GROUP BY tier, stage, type answers the total, the three breakdowns and the value.
    groups = list(
        qs.values("tier_id", "stage", "alliance_type")
        .annotate(n=Count("id"), value=Sum("annual_value"))
        .order_by()
    )
    total = sum(g["n"] for g in groups)
    values = [g["value"] for g in groups if g["value"] is not None]
    tiers = list(Tier.objects.visible_to(user).active().order_by("rank"))
    by_tier_raw: Counter = Counter()
    by_stage_raw: Counter = Counter()
    by_type_raw: Counter = Counter()
    for g in groups:
        by_tier_raw[g["tier_id"]] += g["n"]
        by_stage_raw[g["stage"]] += g["n"]
        by_type_raw[g["alliance_type"]] += g["n"]
    by_tier = [
        {
            "tier_id": t.pk,
            "tier": t.name,
            "rank": t.rank,
            "count": by_tier_raw.get(t.pk, 0),
            "target_count": t.target_count,
            "color": t.color,
            "over_target": t.target_count is not None and by_tier_raw.get(t.pk, 0) > t.target_count,
        }
        for t in tiers
    ]
    if by_tier_raw.get(None):
        by_tier.append(
            {
                "tier_id": None,
                "tier": "No tier",
                "rank": None,
                "count": by_tier_raw[None],
                "target_count": None,
                "color": "#dee2e6",
                "over_target": False,
            }
        )
    summary: dict[str, Any] = {
        "total": total,
        "by_tier": by_tier,
        "by_stage": [
            {"stage": s.value, "label": s.label, "count": by_stage_raw.get(s.value, 0)} for s in Stage
        ],
        "by_type": [
            {"type": t.value, "label": t.label, "count": by_type_raw.get(t.value, 0)} for t in AllianceType
        ],
        "by_classification": [],
        "annual_value": sum(values, Decimal(0)) if values else 0,
    }
    if is_internal(user):
        counts = dict(
            with_latest_review(qs, "review_classification")
            .values("review_classification")
            .annotate(n=Count("id"))
            .values_list("review_classification", "n")
            .order_by()
        )
        summary["by_classification"] = [
            {"classification": c.value, "label": c.label, "count": counts.get(c.value, 0)}
            for c in Classification
        ] + [{"classification": None, "label": "Not reviewed", "count": counts.get(None, 0)}]
    return summary


#: What the ranking reads of each latest review (its explanation JSON stays in the database).
RANKING_REVIEW_FIELDS = (
    "id",
    "alliance_id",
    "review_date",
    "criteria_total",
    "activities_count",
    "commitment_signals",
    "classification",
    "recommended_tier_id",
)


#: Alliance fields the ranking never shows, not loaded.
RANKING_DEFERRED = (
    "created_at",
    "updated_at",
    "description",
    "stage_changed_at",
    "exit_plan",
    "start_date",
    "end_date",
)


@dataclass(slots=True)
class RankedReview:
    """What the ranking shows of an alliance's latest review - a plain row, not a model instance
    (20,000 of them at a large program). ``explanation`` is loaded on demand
    (``with_explanations``)."""

    id: int
    alliance_id: int
    review_date: date
    criteria_total: int
    activities_count: int
    commitment_signals: int
    classification: str
    recommended_tier_id: int | None
    flags: Any = None
    explanation: Any = None

    @property
    def pk(self) -> int:
        return self.id


def with_explanations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Load the explanation JSON of these ranking rows' reviews (which rules fired), in one query."""
    explanations = dict(
        StrategicReview.objects.filter(pk__in=[r["review"].pk for r in rows]).values_list("pk", "explanation")
    )
    for r in rows:
        r["review"].explanation = explanations.get(r["review"].pk)
    return rows


def strategic_review_ranking(*, user: Any) -> dict[str, Any]:
    """The portfolio strategic review: ranking, tier fit, over-subscribed tiers, candidates.

    Internal users only (the classification of a partner is not shared with partners).
    """
    if not is_internal(user):
        return {"rows": [], "tiers": [], "unreviewed": [], "alliancize": []}
    # The alliances with one correlated subquery (the latest review's id) and without the fields
    # no ranking shows (tens of thousands of rows: each datetime and text costs); their tiers
    # from the one query of the tiers below; the reviews as plain rows with only the flags of
    # their explanation JSON, extracted by the database.
    visible = Alliance.objects.visible_to(user).active()
    ranked = with_latest_review(visible.defer(*RANKING_DEFERRED), "review_id")
    alliances = list(ranked.order_by("name"))
    # The partners' names as plain rows (no party and organization instances per alliance).
    # Parties and reviews are selected by subqueries, not lists of tens of thousands of ids.
    names: dict[int, list[str]] = {}
    for alliance_id, name in (
        AllianceParty.objects.active()
        .filter(alliance__in=visible.values("pk"))
        .exclude(role=PartyRole.HOST)
        .order_by("id")
        .values_list("alliance_id", "organization__name")
    ):
        names.setdefault(alliance_id, []).append(name)
    reviews = {
        values[1]: RankedReview(*values)
        for values in StrategicReview.objects.filter(pk__in=ranked.order_by().values("review_id"))
        .order_by()
        .values_list(*RANKING_REVIEW_FIELDS, KeyTransform("flags", "explanation"))
    }
    tiers = {t.pk: t for t in Tier.objects.active()}
    for a in alliances:
        if a.tier_id in tiers:
            a.tier = tiers[a.tier_id]  # the same row, no query per alliance
    rows = []
    for a in alliances:
        review = reviews.get(a.pk)
        if review is None:
            continue
        flags = review.flags if isinstance(review.flags, list) else []
        current = tiers.get(a.tier_id)
        recommended = tiers.get(review.recommended_tier_id)
        if current and recommended:
            fit = (
                "match"
                if current.pk == recommended.pk
                else ("over" if current.rank < recommended.rank else "under")
            )
        else:
            fit = "unknown"
        rows.append(
            {
                "alliance": a,
                "review": review,
                "partners": ", ".join(names.get(a.pk, ())),
                "criteria_total": review.criteria_total,
                "activities_count": review.activities_count,
                "commitment_signals": review.commitment_signals,
                "classification": review.classification,
                "classification_label": Classification(review.classification).label,
                "current_tier": current,
                "recommended_tier": recommended,
                "fit": fit,
                "flags": flags,
                "annual_value": a.annual_value,
            }
        )
    rows.sort(
        key=lambda r: (
            -r["criteria_total"],
            -r["activities_count"],
            -r["commitment_signals"],
            r["alliance"].name,
        )
    )
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    current_counts = Counter(a.tier_id for a in alliances)
    recommended_counts = Counter(r["recommended_tier"].pk for r in rows if r["recommended_tier"])
    tier_rows = [
        {
            "tier": t,
            "current": current_counts.get(t.pk, 0),
            "recommended": recommended_counts.get(t.pk, 0),
            "target": t.target_count,
            "over_by": max(0, current_counts.get(t.pk, 0) - t.target_count)
            if t.target_count is not None
            else 0,
        }
        for t in sorted(tiers.values(), key=lambda t: t.rank)
    ]
    alliancize = [r for r in rows if "alliancize" in r["flags"]]
    return {
        "rows": rows,
        "tiers": tier_rows,
        "oversubscribed": [t for t in tier_rows if t["over_by"] > 0],
        "unreviewed": [a for a in alliances if a.pk not in reviews],
        "alliancize": alliancize,
        "strategic_count": sum(1 for r in rows if r["classification"] == Classification.STRATEGIC),
    }


def objective_coverage(*, user: Any) -> dict[str, Any]:
    """Which corporate objectives each alliance serves, and which no alliance serves."""
    objectives = list(
        CorporateObjective.objects.visible_to(user)
        .active()
        .prefetch_related(
            Prefetch(
                "alliances",
                queryset=Alliance.objects.visible_to(user).active().select_related("tier").order_by("name"),
                to_attr="serving",
            )
        )
    )
    alliances = list(
        Alliance.objects.visible_to(user)
        .active()
        .select_related("tier")
        .prefetch_related("objectives")
        .order_by("name")
    )
    return {
        "objectives": objectives,
        "uncovered": [o for o in objectives if not o.serving],
        "alliances": alliances,
        "without_objective": [a for a in alliances if not a.objectives.all()],
    }


# --- history ---------------------------------------------------------------------------

HIDDEN_FIELDS = {"updated_at", "version", "explanation", "stage_changed_at"}


def _diff(record: Any, prev: Any, names: dict, hidden: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    if prev is None:
        return []
    delta = record.diff_against(prev)
    out = []
    for change in delta.changes:
        if change.field in HIDDEN_FIELDS or change.field in hidden:
            continue
        field = record.instance_type._meta.get_field(change.field)
        out.append(
            {
                "field": str(field.verbose_name),
                "old": _display(field, change.old, names),
                "new": _display(field, change.new, names),
            }
        )
    return out


def _display(field: Any, value: Any, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if field.is_relation and field.related_model is not None:
        key = (field.related_model, value)
        if key not in names:  # one query per distinct related object, not per entry
            obj = field.related_model._default_manager.filter(pk=value).first()
            names[key] = str(obj) if obj else f"#{value}"
        return names[key]
    return str(value)


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _redacted_history_fields(records: list[Any], user: Any) -> dict[int, frozenset[str]]:
    """Per object id, the fields whose changes ``user`` must not see: the fields the visibility
    rule redacts for a partner (``partner_redactions``) on the object as it is now (one query)."""
    if user is None or not records or is_internal(user):
        return {}
    model = records[0].instance_type
    spec = getattr(model, "partner_redactions", None)
    if spec is None:
        return {}
    names = frozenset(spec(getattr(user, "organization_id", None) or 0))
    ids = {r.id for r in records}
    hidden = dict.fromkeys(ids, names)  # an object the user cannot see now hides them all
    for obj in model.objects.visible_to(user).filter(pk__in=ids).only("pk", *names):
        hidden[obj.pk] = frozenset(getattr(obj, "_redacted", ()))
    return hidden


def history_entries(records: Any, label: str, describe: Any = None, user: Any = None) -> list[dict[str, Any]]:
    """Timeline entries for history records, each change diffed against the version before.

    The previous version comes from the same batch when it is there (no query per entry);
    only the oldest record of each object in the batch asks the database for its predecessor.
    With ``user``, a change to a field the visibility rule redacts for that user is left out.
    """
    records = list(records)
    redacted = _redacted_history_fields(records, user)
    by_object: dict[Any, list[Any]] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    previous: dict[int, Any] = {}
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        for older, newer in zip(versions, versions[1:], strict=False):
            previous[newer.history_id] = older
    names: dict = {}
    entries = []
    for record in records:
        changes: list[dict[str, Any]] = []
        if record.history_type == "~":
            prev = previous.get(record.history_id) or record.prev_record
            changes = _diff(record, prev, names, redacted.get(record.id, frozenset()))
        reason = record.history_change_reason or ""
        if record.history_type == "~" and not changes and not reason:
            continue
        entries.append(
            {
                "when": record.history_date,
                "who": str(record.history_user) if record.history_user else "system",
                "what": label,
                "object": describe(record) if describe else str(record.instance),
                "action": ACTIONS.get(record.history_type, record.history_type),
                "reason": reason,
                "changes": changes,
                "version_url": reverse(
                    "version_detail",
                    args=[record.instance_type._meta.label_lower, record.id, record.history_id],
                )
                if record.history_type != "-"
                else "",
            }
        )
    return entries


def alliance_timeline(
    *, alliance: Alliance, user: Any, limit: int = 100, with_apps: bool = True
) -> list[dict[str, Any]]:
    """Every recorded change to the alliance and its parties, people and (internal) reviews,
    and (``with_apps``) the records other apps registered (plans, meetings, agreements …)."""
    entries = history_entries(
        alliance.history.select_related("history_user").order_by("-history_date")[:limit],
        "Alliance",
        lambda r: r.name,
    )
    entries += history_entries(
        AllianceParty.history.filter(alliance_id=alliance.pk)
        .select_related("history_user", "organization")
        .order_by("-history_date")[:limit],
        "Party",
        lambda r: f"{r.organization.name} ({r.get_role_display()})",
    )
    entries += history_entries(
        AllianceMember.history.filter(alliance_id=alliance.pk)
        .select_related("history_user", "contact")
        .order_by("-history_date")[:limit],
        "Person",
        lambda r: f"{r.contact} ({r.get_role_display()})",
    )
    if is_internal(user):
        entries += history_entries(
            StrategicReview.history.filter(alliance_id=alliance.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit],
            "Strategic review",
            lambda r: f"Review of {r.review_date:%d %b %Y}",
        )
    sees = None if is_internal(user) else _timeline_kinds(user, alliance)
    for name, source in TIMELINE_SOURCES.items() if with_apps else ():
        found = source(alliance=alliance, user=user, limit=limit)
        if sees is not None:  # a partner: only the kinds of data the alliance shares with it
            default = TIMELINE_SOURCE_KINDS.get(name)
            found = [e for e in found if sees.get(TIMELINE_KINDS.get(e.get("what"), default), True)]
        entries += found
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


#: The kind of data of each History-tab entry other apps add (by its label, else by its source).
TIMELINE_KINDS = {
    "Plan": "plan",
    "Objective": "plan",
    "Milestone": "roadmap",
    "Initiative": "roadmap",
    "Offering": "roadmap",
    "Governance body": "governance",
    "Meeting": "governance",
    "Decision": "governance",
    "Action item": "governance",
    "Escalation": "governance",
}
TIMELINE_SOURCE_KINDS = {"planning": "plan", "governance": "governance"}


def _timeline_kinds(user: Any, alliance: Alliance) -> dict[str, bool]:
    from .sharing import shared_kinds

    return shared_kinds(user.organization_id, alliance.pk)


#: Other apps add their records to the alliance's History tab: ``source(alliance=, user=,
#: limit=) -> list of entries`` (build them with :func:`history_entries`).
TIMELINE_SOURCES: dict[str, Any] = {}


def register_timeline(name: str, source: Any) -> None:
    TIMELINE_SOURCES[name] = source


def organization_timeline(*, organization: Organization, user: Any, limit: int = 100) -> list[dict[str, Any]]:
    from amity.partners.models import Contact

    entries = history_entries(
        organization.history.select_related("history_user").order_by("-history_date")[:limit],
        "Organization",
        lambda r: r.name,
    )
    contacts = Contact.objects.visible_to(user).filter(organization=organization).values("pk")
    entries += history_entries(
        Contact.history.filter(id__in=contacts)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Contact",
        lambda r: f"{r.first_name} {r.last_name}",
    )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def stage_history(alliance: Alliance) -> QuerySet:
    return (
        StageChange.objects.filter(alliance=alliance)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )


def tier_history(alliance: Alliance, user: Any) -> QuerySet:
    """The alliance's tier changes with what justified each (our people only)."""
    from .models import TierChange

    if not is_internal(user):
        return TierChange.objects.none()
    return (
        TierChange.objects.filter(alliance=alliance)
        .select_related("from_tier", "to_tier", "changed_by", "proposal__review")
        .order_by("-changed_at", "-id")
    )


def open_tier_proposal(alliance: Alliance, user: Any) -> Any:
    """The re-tier proposal still waiting for approval or for its effective date, if any."""
    from .models import OPEN_PROPOSALS, TierProposal

    return (
        TierProposal.objects.visible_to(user)
        .filter(alliance=alliance, status__in=OPEN_PROPOSALS)
        .select_related("review", "current_tier", "proposed_tier", "decided_by")
        .order_by("-review__run_on", "-pk")
        .first()
    )


def alliances_of_organization(*, organization: Organization, user: Any) -> QuerySet:
    return (
        alliance_list(user=user, review_fields=("review_classification",), objectives=False)
        .filter(pk__in=AllianceParty.objects.active().filter(organization=organization).values("alliance_id"))
        .order_by("name")
    )


def due_for_review(*, user: Any) -> QuerySet:
    """Alliances in manage & grow whose latest review is older than a year (or missing)."""
    cutoff = timezone.localdate() - timedelta(days=365)
    qs = with_latest_review(
        Alliance.objects.visible_to(user).active().filter(stage=Stage.MANAGE), "review_date"
    )
    return qs.filter(Q(review_date__lt=cutoff) | Q(review_date__isnull=True))


def strategic_threshold() -> int:
    """The criteria total the first 'strategic' classification rule asks for (drawn on the matrix)."""
    for rule in ReviewRule.objects.active().filter(
        kind=RuleKind.CLASSIFICATION, outcome=Classification.STRATEGIC
    ):
        for clause in rule.conditions:
            if clause.get("fact") == "criteria_total" and clause.get("op") in (">=", ">"):
                try:
                    return int(clause["value"]) + (1 if clause["op"] == ">" else 0)
                except (TypeError, ValueError):
                    continue
    return 13


def recent_stage_changes(*, user: Any, limit: int = 8) -> list[StageChange]:
    """The latest life-cycle moves of alliances the user may see."""
    return list(
        StageChange.objects.filter(alliance__in=Alliance.objects.visible_to(user).active().values("pk"))
        .select_related("alliance", "changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
