"""Reads for agreements and commitments. Every selector takes the user and starts from
``visible_to``; aggregates are computed in the database (a constant number of queries).

The numbers of the commitments summary, and how they are counted:

* **overdue** - open (proposed, agreed, in progress) with a due date before today;
* **due soon** - open and due today or in the next 30 days;
* **met-on-time rate** of a party - commitments met on or before their due date ÷ the
  commitments closed with a verdict (met or missed). Waived and renegotiated ones are left out
  (the bar was moved by agreement; a renegotiated commitment's new terms count instead), and
  open ones count once they close;
* **hard/soft mix** and **contribution balance** - over what each party *committed*: agreed,
  in progress, met and missed commitments (proposals are not commitments yet; waived ones were
  released; renegotiated ones were replaced). The balance is about inputs, so revenue targets
  (outcomes) are listed but not counted. Money is summed per currency and only the
  reporting currency is charted - another currency is shown next to it, never converted;
  headcount is the sum of quantities in FTE/headcount; *other* counts the commitments that are
  neither money nor headcount (a roadmap item, an integration, a certification …).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty, PartyRole
from amity.core.permissions import is_internal
from amity.partners.models import Organization

from .models import (
    COMMITTED_STATUSES,
    IN_FORCE,
    OPEN_STATUSES,
    Agreement,
    AgreementDocument,
    Category,
    Commitment,
    CommitmentStatus,
    Nature,
    SoftSource,
    headcount_q,
)

CENT = Decimal("0.01")
#: "Due soon" on the commitments pages and filters.
DUE_SOON_DAYS = 30
#: How far ahead the agreements list looks for renewals and notice deadlines.
RENEWAL_HORIZON_DAYS = 90


def today() -> date:
    return timezone.localdate()


# --- agreements -----------------------------------------------------------------------------------


def _documents_count() -> Subquery:
    return Subquery(
        AgreementDocument.objects.filter(agreement=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def parties_prefetch() -> Prefetch:
    return Prefetch("parties", queryset=Organization.objects.order_by("-is_home", "name"))


def agreement_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    """Agreements the user may see, with alliance, owner, parties and a document count loaded."""
    qs = Agreement.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return (
        qs.select_related("alliance", "owner")
        .prefetch_related(parties_prefetch())
        .annotate(documents_count=Coalesce(_documents_count(), 0))
    )


def documents_prefetch(user: Any, *, include_archived: bool = False) -> Prefetch:
    docs = AgreementDocument.objects.visible_to(user).select_related("uploaded_by")
    if not include_archived:
        docs = docs.active()
    return Prefetch("documents", queryset=docs.order_by("-created_at", "-id"), to_attr="visible_documents")


def agreement_detail(*, user: Any, pk: int) -> Agreement:
    """One visible agreement with parties and documents (archived ones for internal users)."""
    qs = (
        Agreement.objects.visible_to(user)
        .select_related("alliance", "owner")
        .prefetch_related(parties_prefetch(), documents_prefetch(user, include_archived=is_internal(user)))
    )
    try:
        return qs.get(pk=pk)
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404("No agreement matches the given query.") from None


def alliance_agreements(*, user: Any, alliance: Alliance, include_archived: bool = False) -> list[Agreement]:
    """The agreements tab: every agreement of one alliance, in-force ones first."""
    qs = agreement_list(user=user, include_archived=include_archived).filter(alliance=alliance)
    status_rank = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(["active", "signed", "negotiating", "draft"])],
        default=Value(9),
        output_field=IntegerField(),
    )
    return list(
        qs.prefetch_related(documents_prefetch(user))
        .annotate(status_rank=status_rank)
        .order_by("status_rank", F("expiry_date").asc(nulls_last=True), "title", "pk")
    )


def with_next_date(qs: QuerySet, day: date) -> QuerySet:
    """Annotate ``next_date``: the notice deadline while it is ahead, else the expiry date."""
    return qs.annotate(
        next_date=Case(
            When(notice_deadline__gte=day, then=F("notice_deadline")),
            default=F("expiry_date"),
            output_field=DateField(),
        )
    )


def renewals_due(*, user: Any, within_days: int = RENEWAL_HORIZON_DAYS, on: date | None = None) -> QuerySet:
    """Agreements in force whose notice deadline or expiry falls within ``within_days``
    (or whose term already ended without a renewal or an expiry being recorded)."""
    day = on or today()
    horizon = day + timedelta(days=within_days)
    qs = agreement_list(user=user).filter(status__in=IN_FORCE, expiry_date__isnull=False)
    qs = qs.filter(Q(expiry_date__lte=horizon) | Q(notice_deadline__gte=day, notice_deadline__lte=horizon))
    return with_next_date(qs, day).order_by("next_date", "pk")


def document_for_download(*, user: Any, agreement_pk: int, pk: int) -> AgreementDocument:
    """A document through the visibility rule (partners: live documents of their alliances)."""
    try:
        return (
            AgreementDocument.objects.visible_to(user)
            .select_related("agreement")
            .get(pk=pk, agreement_id=agreement_pk, agreement__in=Agreement.objects.visible_to(user))
        )
    except (AgreementDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("No document matches the given query.") from None


# --- commitments ----------------------------------------------------------------------------------


def commitment_list(*, user: Any, include_archived: bool = False) -> QuerySet:
    """Commitments the user may see, with everything a row shows loaded in the same query."""
    qs = Commitment.objects.visible_to(user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related(
        "alliance", "party", "agreement", "owner_contact", "owner_user", "replaces", "replaced_by"
    )


def commitment_detail(*, user: Any, pk: int) -> Commitment:
    try:
        return commitment_list(user=user, include_archived=True).get(pk=pk)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise Http404("No commitment matches the given query.") from None


def open_q() -> Q:
    return Q(status__in=OPEN_STATUSES)


def overdue_q(day: date) -> Q:
    return open_q() & Q(due_date__lt=day)


def due_soon_q(day: date, days: int = DUE_SOON_DAYS) -> Q:
    return open_q() & Q(due_date__gte=day, due_date__lte=day + timedelta(days=days))


def side_q(side: str) -> Q:
    """``ours``: our own company committed; ``partner``: any partner organization did."""
    if side == "ours":
        return Q(party__is_home=True)
    if side == "partner":
        return Q(party__is_home=False)
    return Q()


MIX_LABELS = [
    ((Nature.HARD, ""), "Hard (contractual)", "#5b2a86"),
    ((Nature.SOFT, SoftSource.ANNUAL_PLAN), "Soft · annual plan", "#3a9d8f"),
    ((Nature.SOFT, SoftSource.HANDSHAKE), "Soft · executive handshake", "#c9a227"),
    ((Nature.SOFT, SoftSource.PROJECT), "Soft · one-off project", "#2f6690"),
]


def _ratio(part: Any, whole: Any) -> float | None:
    return float(part) / float(whole) if whole else None


def _pct(part: Any, whole: Any) -> int | None:
    r = _ratio(part, whole)
    return round(r * 100) if r is not None else None


def commitment_summary(*, user: Any, alliance: Alliance, on: date | None = None) -> dict[str, Any]:
    """Counts, met-on-time rate per party, hard/soft mix and contribution balance - explained.

    Six queries whatever the number of commitments.
    """
    day = on or today()
    currency = settings.AMITY_REPORTING_CURRENCY
    qs = Commitment.objects.visible_to(user).active().filter(alliance=alliance).order_by()
    committed = Q(status__in=COMMITTED_STATUSES)
    # What a side puts in: a revenue target is an outcome, not an input, so it is left out.
    contribution = committed & ~Q(category=Category.REVENUE)
    met = Q(status=CommitmentStatus.MET)
    headcount = headcount_q()

    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    totals = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_q()),
        overdue=Count("pk", filter=overdue_q(day)),
        due_soon=Count("pk", filter=due_soon_q(day)),
    )
    per_party = {
        row["party_id"]: row
        for row in qs.values("party_id").annotate(
            total=Count("pk"),
            met=Count("pk", filter=met),
            met_on_time=Count("pk", filter=met & Q(met_on__lte=F("due_date"))),
            missed=Count("pk", filter=Q(status=CommitmentStatus.MISSED)),
            open=Count("pk", filter=open_q()),
            overdue=Count("pk", filter=overdue_q(day)),
            committed=Count("pk", filter=committed),
            hard=Count("pk", filter=committed & Q(nature=Nature.HARD)),
            headcount=Sum("quantity", filter=contribution & headcount),
            other=Count("pk", filter=contribution & Q(amount__isnull=True) & ~headcount),
            targets=Count("pk", filter=committed & Q(category=Category.REVENUE)),
        )
    }
    money: dict[int, dict[str, Decimal]] = defaultdict(dict)
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        qs.filter(committed, amount__isnull=False)
        .values("party_id", "currency", "category")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    ):
        bucket = targets if row["category"] == Category.REVENUE else money
        bucket[row["party_id"]][row["currency"]] = (
            bucket[row["party_id"]].get(row["currency"], Decimal("0")) + row["total"]
        )
    mix_raw = {
        (n, s if n == Nature.SOFT else ""): c
        for n, s, c in qs.filter(committed)
        .values_list("nature", "soft_source")
        .annotate(c=Count("pk"))
        .values_list("nature", "soft_source", "c")
    }

    # The parties: the alliance's own, plus any former party that still has commitments.
    parties = list(
        AllianceParty.objects.filter(alliance=alliance, archived_at__isnull=True)
        .select_related("organization")
        .order_by("id")
    )
    orgs = [p.organization for p in parties if p.role == PartyRole.HOST] + [
        p.organization for p in parties if p.role != PartyRole.HOST
    ]
    missing = set(per_party) - {o.pk for o in orgs}
    if missing:
        orgs += list(Organization.objects.filter(pk__in=missing).order_by("name"))

    rows = []
    for org in orgs:
        r = per_party.get(org.pk, {})
        judged = r.get("met", 0) + r.get("missed", 0)
        on_time = r.get("met_on_time", 0)
        party_money = money.get(org.pk, {})
        rows.append(
            {
                "organization": org,
                "side": "ours" if org.is_home else "partner",
                "side_label": "Our company" if org.is_home else "Partner",
                "total": r.get("total", 0),
                "committed": r.get("committed", 0),
                "hard": r.get("hard", 0),
                "open": r.get("open", 0),
                "overdue": r.get("overdue", 0),
                "met": r.get("met", 0),
                "met_on_time": on_time,
                "met_late": r.get("met", 0) - on_time,
                "missed": r.get("missed", 0),
                "judged": judged,
                "rate": _ratio(on_time, judged),
                "rate_pct": _pct(on_time, judged),
                "money": party_money.get(currency, Decimal("0")),
                "other_money": [(cur, amt) for cur, amt in party_money.items() if cur != currency],
                "headcount": (r.get("headcount") or Decimal("0")).quantize(CENT),
                "other": r.get("other", 0),
                "targets": r.get("targets", 0),
                "targets_money": [(cur, amt) for cur, amt in targets.get(org.pk, {}).items()],
            }
        )
    total_money = sum((r["money"] for r in rows), Decimal("0"))
    total_headcount = sum((r["headcount"] for r in rows), Decimal("0"))
    total_other = sum(r["other"] for r in rows)
    for r in rows:
        r["money_share"] = _pct(r["money"], total_money)
        r["headcount_share"] = _pct(r["headcount"], total_headcount)
        r["other_share"] = _pct(r["other"], total_other)
    other_currencies = sorted({cur for r in rows for cur, _ in r["other_money"]})

    mix = [
        {"nature": key[0], "source": key[1], "label": label, "color": color, "count": mix_raw.get(key, 0)}
        for key, label, color in MIX_LABELS
    ]
    hard = mix[0]["count"]
    soft = sum(m["count"] for m in mix[1:])
    names = [r["organization"].name for r in rows]
    return {
        "as_of": day,
        "currency": currency,
        "counts": {
            "total": totals["total"],
            "open": totals["open"],
            "overdue": totals["overdue"],
            "due_soon": totals["due_soon"],
            "by_status": [
                {"status": s.value, "label": s.label, "count": by_status.get(s.value, 0)}
                for s in CommitmentStatus
            ],
        },
        "parties": rows,
        "mix": mix,
        "hard": hard,
        "soft": soft,
        "hard_pct": _pct(hard, hard + soft),
        "totals": {"money": total_money, "headcount": total_headcount, "other": total_other},
        "other_currencies": other_currencies,
        "balance": balance_reading(rows, total_money, total_headcount),
        "charts": {
            "mix": {
                "labels": [m["label"] for m in mix if m["count"]],
                "values": [m["count"] for m in mix if m["count"]],
                "colors": [m["color"] for m in mix if m["count"]],
            },
            "money": {"labels": names, "values": [float(r["money"]) for r in rows], "colors": _colors(rows)},
            "headcount": {
                "labels": names,
                "values": [float(r["headcount"]) for r in rows],
                "colors": _colors(rows),
            },
            "other": {"labels": names, "values": [r["other"] for r in rows], "colors": _colors(rows)},
        },
        "explanation": {
            "rate": "Met on time ÷ closed with a verdict (met or missed). Waived and renegotiated "
            "commitments are left out; open ones count once they close.",
            "committed": "Counted: agreed, in progress, met and missed commitments. Proposals are not "
            "commitments yet, waived ones were released, renegotiated ones were replaced by their "
            "new terms (counted instead). Revenue targets are outcomes, not inputs: they are listed but "
            "not counted as contribution.",
            "money": f"Sum of amounts in {currency}. Amounts in another currency are listed "
            "separately and never converted.",
            "headcount": "Sum of quantities whose unit is FTE or headcount.",
            "other": "Commitments with neither an amount nor a headcount: roadmap items, integrations, "
            "certifications …",
        },
    }


def _colors(rows: list[dict[str, Any]]) -> list[str]:
    return ["#2f6690" if r["side"] == "ours" else "#c9a227" for r in rows]


def balance_reading(rows: list[dict[str, Any]], total_money: Decimal, total_headcount: Decimal) -> str:
    """One sentence on the balance of power (seed 002): who puts in the most money and people."""
    if not rows or (not total_money and not total_headcount):
        return ""
    parts = []
    for label, key, total in (("money", "money", total_money), ("headcount", "headcount", total_headcount)):
        if not total:
            continue
        top = max(rows, key=lambda r: r[key])
        share = _pct(top[key], total)
        parts.append(f"{top['organization'].name} puts in {share}% of the {label}")
    ours = [r for r in rows if r["side"] == "ours"]
    theirs = [r for r in rows if r["side"] != "ours"]
    sentence = "; ".join(parts) + "."
    if ours and theirs and total_money:
        our_money = sum((r["money"] for r in ours), Decimal("0"))
        their_money = sum((r["money"] for r in theirs), Decimal("0"))
        if our_money and their_money:
            ratio = their_money / our_money
            if ratio >= Decimal("1.5"):
                sentence += f" Partners commit {ratio:.1f}× the money we do."
            elif ratio <= Decimal("0.67"):
                sentence += f" We commit {(1 / ratio):.1f}× the money our partners do."
            else:
                sentence += " Money is roughly symmetrical."
    return sentence


def alliance_commitments(*, user: Any, alliance: Alliance) -> QuerySet:
    """The commitments of one alliance, for its tab."""
    return commitment_list(user=user).filter(alliance=alliance)


def commitment_history(commitment: Commitment, limit: int = 50) -> list[dict[str, Any]]:
    from amity.alliances.selectors import history_entries

    return history_entries(
        commitment.history.select_related("history_user").order_by("-history_date")[:limit],
        "Commitment",
        lambda r: r.title,
    )


def agreement_history(agreement: Agreement, limit: int = 50) -> list[dict[str, Any]]:
    from amity.alliances.selectors import history_entries

    entries = history_entries(
        agreement.history.select_related("history_user").order_by("-history_date")[:limit],
        "Agreement",
        lambda r: r.title,
    )
    entries += history_entries(
        AgreementDocument.history.filter(agreement_id=agreement.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Document",
        lambda r: r.original_name,
    )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def alliance_history(*, alliance: Alliance, user: Any, limit: int = 100) -> list[dict[str, Any]]:
    """This app's records on the alliance's History tab: agreements (status moves, renewals),
    their documents and the commitments (internal users, as on the detail pages)."""
    from amity.alliances.selectors import history_entries

    if not is_internal(user):
        return []
    entries = history_entries(
        Agreement.history.filter(alliance_id=alliance.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Agreement",
        lambda r: r.title,
    )
    entries += history_entries(
        AgreementDocument.history.filter(agreement__alliance_id=alliance.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Agreement document",
        lambda r: r.original_name,
    )
    entries += history_entries(
        Commitment.history.filter(alliance_id=alliance.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        "Commitment",
        lambda r: r.title,
    )
    return entries
