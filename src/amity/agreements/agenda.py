"""Agenda sources of this app: agreement notice deadlines and expiries, commitment due dates.

Registered in ``AgreementsConfig.ready()``. Each source runs one query for all the alliances
it is given (already narrowed by the visibility rule of the person asking).

Status on the agenda:

* notice deadline (``agreement_notice``) and expiry (``agreement_expiry``) of an agreement
  in force (signed or active) are OPEN: a passed one is overdue (the notice window closed, or
  the term ended and nobody renewed or closed the agreement). An expired agreement's expiry
  is DONE. Drafts, negotiations and terminated agreements have no deadlines to watch.
* a commitment's due date (``commitment_due``) is OPEN while it is proposed, agreed or in
  progress, and DONE once closed (met, missed, waived or renegotiated - a renegotiated one's
  new terms are a commitment of their own). A missed commitment is closed, not overdue: the
  miss is recorded and counts in the met-on-time rate.

Recipients: the agreement's owner / the commitment's internal owner, else the alliance owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import chain
from typing import Any

from amity.core import agenda

from .models import OPEN_STATUSES, Agreement, AgreementStatus, Commitment

DATA_AGREEMENTS = "agreements"
DATA_COMMITMENTS = "commitments"
COMMITMENT_DUE = "commitment_due"


def _recipients(*ids: int | None) -> tuple[int, ...]:
    for pk in ids:
        if pk:
            return (pk,)
    return ()


def _between(qs: Any, field: str, start: date | None, end: date | None) -> Any:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _agreements(alliance_ids: Any) -> Any:
    return (
        Agreement.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True)
        .select_related("alliance")
        .only(
            "pk",
            "title",
            "kind",
            "status",
            "expiry_date",
            "notice_deadline",
            "notice_period_days",
            "auto_renew",
            "renewal_term_months",
            "owner_id",
            "alliance__name",
            "alliance__owner_id",
        )
    )


def notice_items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    qs = _between(_agreements(alliance_ids), "notice_deadline", start, end).filter(
        status__in=(AgreementStatus.SIGNED, AgreementStatus.ACTIVE), notice_deadline__isnull=False
    )
    for a in qs.order_by("notice_deadline", "pk"):
        if a.auto_renew:
            what = (
                f"Last day to give notice, or it renews automatically for {a.renewal_term_months} months "
                f"on {a.expiry_date:%d %b %Y}."
            )
        else:
            what = f"Last day to give notice before it expires on {a.expiry_date:%d %b %Y}."
        yield agenda.AgendaItem(
            uid=f"agreement-{a.pk}-notice",
            alliance_id=a.alliance_id,
            kind="agreement_notice",
            title=f"Notice deadline: {a.title} ({a.alliance.name})",
            day=a.notice_deadline,
            url=a.get_absolute_url(),
            status=agenda.OPEN,
            description=f"{what} Notice period {a.notice_period_days} days.",
            recipients=_recipients(a.owner_id, a.alliance.owner_id),
            data_kind=DATA_AGREEMENTS,
        )


def expiry_items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    qs = _between(_agreements(alliance_ids), "expiry_date", start, end).filter(
        status__in=(AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.EXPIRED),
        expiry_date__isnull=False,
    )
    for a in qs.order_by("expiry_date", "pk"):
        if a.auto_renew and a.status != AgreementStatus.EXPIRED:
            what = f"The term ends; it renews automatically for {a.renewal_term_months} months."
        else:
            what = "The term ends: renew, or let it expire."
        yield agenda.AgendaItem(
            uid=f"agreement-{a.pk}-expiry",
            alliance_id=a.alliance_id,
            kind="agreement_expiry",
            title=f"Expiry: {a.title} ({a.alliance.name})",
            day=a.expiry_date,
            url=a.get_absolute_url(),
            status=agenda.DONE if a.status == AgreementStatus.EXPIRED else agenda.OPEN,
            description=what,
            recipients=_recipients(a.owner_id, a.alliance.owner_id),
            data_kind=DATA_AGREEMENTS,
        )


def _commitments(alliance_ids: Any, start: date | None, end: date | None) -> Any:
    return _between(
        Commitment.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True),
        "due_date",
        start,
        end,
    ).select_related("alliance", "party")


def commitment_items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    return _commitment_items(_commitments(alliance_ids, start, end))


def _commitment_items(qs: Any) -> Iterable[agenda.AgendaItem]:
    for c in qs.order_by("due_date", "pk").only(
        "pk",
        "title",
        "status",
        "due_date",
        "nature",
        "owner_user_id",
        "alliance__name",
        "alliance__owner_id",
        "party__name",
    ):
        yield agenda.AgendaItem(
            uid=f"commitment-{c.pk}-due",
            alliance_id=c.alliance_id,
            kind=COMMITMENT_DUE,
            title=f"Commitment due: {c.title} ({c.party.name}, {c.alliance.name})",
            day=c.due_date,
            url=c.get_absolute_url(),
            status=agenda.OPEN if c.status in OPEN_STATUSES else agenda.DONE,
            description=f"{c.get_nature_display()} commitment of {c.party.name}; status {c.get_status_display().lower()}.",
            recipients=_recipients(c.owner_user_id, c.alliance.owner_id),
            data_kind=DATA_COMMITMENTS,
        )


def source(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    """Everything this app puts on the agenda: three queries, whatever the number of items."""
    yield from notice_items(alliance_ids, start, end)
    yield from expiry_items(alliance_ids, start, end)
    yield from commitment_items(alliance_ids, start, end)


def summary(alliance_ids: Any, start: date | None, end: date | None, limit: int) -> agenda.Counted:
    """The dashboard's counts: the (few) notice and expiry dates item by item, the open
    commitments counted in the database (``core.agenda``)."""
    dates = chain(notice_items(alliance_ids, start, end), expiry_items(alliance_ids, start, end))
    result = agenda.summarize((i for i in dates if agenda.within(i, start, end)), limit)
    open_ones = _commitments(alliance_ids, start, end).filter(status__in=OPEN_STATUSES)
    count, first = agenda.counted(open_ones, "due_date", limit, _commitment_items)
    if count:
        result[COMMITMENT_DUE] = (count, first)
    return result


def register() -> None:
    # Its items are of two sharing kinds (documents, commitments): a partner's dashboard takes
    # the item path (its few alliances); ours the summary.
    agenda.register("agreements", source, summary=summary)
