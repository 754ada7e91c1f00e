"""How each kind of agenda item is named, drawn and reminded.

The kinds come from the apps that publish agenda sources; an unknown kind still works (it
gets a generic label and icon), so a new source shows up everywhere without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # plural, for a group heading
    icon: str  # a Bootstrap icon class
    order: int


_KINDS = [
    ("agreement_notice", "Notice deadlines", "bi-hourglass-split"),
    ("agreement_expiry", "Agreement expiries", "bi-file-earmark-x"),
    ("commitment_due", "Commitments due", "bi-check2-square"),
    ("milestone_due", "Roadmap milestones", "bi-signpost-split"),
    ("plan_agreement", "Plans awaiting agreement", "bi-pen"),
    ("meeting", "Meetings", "bi-people"),
    ("action_item_due", "Action items", "bi-list-check"),
    ("cadence_due", "Governance cadences", "bi-arrow-repeat"),
    ("escalation_open", "Open escalations", "bi-exclamation-octagon"),
    ("comment", "Comments", "bi-chat-left-text"),
]
KINDS: dict[str, Kind] = {code: Kind(code, label, icon, i) for i, (code, label, icon) in enumerate(_KINDS)}

#: Kinds that need a long run-up (a notice period must be served before the deadline): they
#: are reminded ``settings.AMITY_REMINDER_DAYS`` days ahead; everything else a week ahead.
LONG_NOTICE_KINDS = frozenset({"agreement_notice", "agreement_expiry"})
SHORT_NOTICE_DAYS = 7


def kind(code: str) -> Kind:
    found = KINDS.get(code)
    if found is not None:
        return found
    return Kind(code, code.replace("_", " ").capitalize() or "Other", "bi-calendar-event", len(KINDS))


def reminder_days(code: str) -> int:
    """How many days before its date an item of this kind is reminded as "due soon"."""
    return settings.AMITY_REMINDER_DAYS if code in LONG_NOTICE_KINDS else SHORT_NOTICE_DAYS
