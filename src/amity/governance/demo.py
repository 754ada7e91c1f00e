"""Governance in the demo story: bodies, cadences, QBRs and pipeline reviews with their
minutes, decisions and action items, and escalations - written through the services, each on
its story date.

The story (told as of 1 November 2026):

* **Stratus Cloud** - an executive steering group (Erin and Stratus's VP as co-chairs) and a
  joint operating team; the default cadences; QBRs held in January, April and July 2026, so
  the next QBR was due on 9 October and is about three weeks overdue; monthly pipeline
  reviews (August's was cancelled); one action item from the July QBR is overdue; the
  marketplace private-offer margin dispute went to the steering group and was decided at the
  June executive alignment.
* **Meridian** - a QBR in September and an escalation to our CEO (its executive sponsor)
  about a competing bid, open for more than 30 days.
* **OldBridge** - the escalation about the missed cloud-connector commitments, decided by
  our CTO in October: wind the alliance down (its exit plan).
* Cadences and meetings for the Open Health Data Consortium, the Delft research programme,
  Kestrel IT (where the executive alignment cadence is switched off) and Lumen CRM (whose
  QBR is a few days overdue).

Idempotent by natural keys: bodies by (alliance, name), cadences by (alliance, kind),
meetings and escalations by (alliance, title). What exists is left as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceMember, MemberRole
from amity.demo.loader import story_time

from . import services
from .models import (
    ActionItem,
    ActionStatus,
    BodyMember,
    Cadence,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    MeetingStatus,
)

MODELS = (GovernanceBody, BodyMember, Cadence, Meeting, Decision, ActionItem, Escalation)


def moment(day: str, hhmm: str = "09:00") -> datetime:
    """An aware moment in the program's time zone."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(
        datetime.combine(date.fromisoformat(day), time(hour, minute)), timezone.get_default_timezone()
    )


@contextlib.contextmanager
def at(when: datetime) -> Iterator[None]:
    """Write as if it were ``when`` - and stamp the rows created meanwhile with it."""
    marks = {model: model._default_manager.aggregate(m=Max("pk"))["m"] or 0 for model in MODELS}
    with story_time(when):
        yield
    for model, mark in marks.items():
        model._default_manager.filter(pk__gt=mark).update(created_at=when)


# --- the story as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    name: str
    kind: str
    purpose: str
    members: tuple[tuple[str, str], ...]  # (person key, "chair" | "member")


@dataclass(frozen=True)
class Action:
    title: str
    owner: str  # person key
    due: str
    done: str = ""  # day it was done; "" = still open
    cancelled: bool = False


@dataclass(frozen=True)
class Mtg:
    title: str
    kind: str
    start: str  # "YYYY-MM-DD HH:MM" in the program's time zone
    body: str = ""  # body name
    minutes_long: int = 60
    location: str = ""
    attendees: tuple[str, ...] = ()
    agenda: str = ""
    minutes: str = ""
    status: str = "held"
    decisions: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Esc:
    title: str
    description: str
    raised: str
    by: str  # username
    to_body: str = ""
    to_sponsor: str = ""  # person key of an executive sponsor of the alliance
    decided: str = ""
    decision: str = ""
    decided_by: str = ""  # person key
    decided_by_text: str = ""


@dataclass(frozen=True)
class Story:
    alliance: str
    by: str  # the alliance manager who keeps the records
    setup: str  # day the bodies and cadences were set up
    bodies: tuple[Body, ...] = ()
    defaults: bool = True
    cadences: tuple[tuple[str, int, str], ...] = ()  # (kind, months, body name) added by hand
    inactive: tuple[str, ...] = ()  # meeting kinds whose cadence is switched off
    meetings: tuple[Mtg, ...] = ()
    escalations: tuple[Esc, ...] = field(default_factory=tuple)


QBR_AGENDA = (
    "1. Last quarter against the commitments made at the previous QBR\n"
    "2. Joint pipeline, deal by deal\n"
    "3. Blockers and escalations\n"
    "4. Next quarter's plan: owners and dates"
)
PIPELINE_AGENDA = (
    "1. New and changed opportunities\n2. Deals at risk: who helps\n3. Registrations and conflicts"
)
STRATUS_CALL = "https://meet.stratuscloud.example/halcyon-joint-team"
STRATUS_QBR_ROOM = "Stratus Amsterdam office, Zuidas - room Cumulus"

STRATUS_PIPELINE = [
    (
        "2026-01-13",
        "held",
        "12 opportunities reviewed; two moved to commit. Stratus asked for a POC at Van Dijk Logistics.",
    ),
    (
        "2026-02-10",
        "held",
        "Van Dijk POC approved from Stratus's migration fund. Three new registrations from the field.",
    ),
    ("2026-03-10", "held", "Q1 forecast at €1.0M; Nordbank deal slips to Q2 pending security review."),
    (
        "2026-04-14",
        "held",
        "Nordbank signed through a marketplace private offer (€420k). Margin question raised.",
    ),
    (
        "2026-05-12",
        "held",
        "Campaign leads arriving; 9 new opportunities. Private-offer deals on hold until the margin is settled.",
    ),
    ("2026-06-09", "held", "Margin settled (see June executive alignment); four held deals released."),
    (
        "2026-07-14",
        "held",
        "H2 account plan walked through with the Stratus field leads for DACH and Benelux.",
    ),
    ("2026-08-11", "cancelled", ""),
    (
        "2026-09-15",
        "held",
        "€11.8M open pipeline; 6 deals in commit for Q4. GPU preview draws interest from two banks.",
    ),
    ("2026-10-13", "held", "Q4 commit at €1.6M. Two deals need Stratus credits to close before year end."),
]

STORIES: tuple[Story, ...] = (
    Story(
        alliance="Stratus Cloud Co-Sell",
        by="alice",
        setup="2025-01-20",
        bodies=(
            Body(
                "Executive steering group",
                "steering",
                "Sponsors, alliance managers and finance of both sides. Meets for the QBR every quarter; "
                "arbitrates what the operating team cannot settle.",
                (
                    ("erin", "chair"),
                    ("stratus_vp", "chair"),
                    ("alice", "member"),
                    ("priya", "member"),
                    ("lars", "member"),
                ),
            ),
            Body(
                "Joint operating team",
                "operating",
                "Runs the co-sell motion week to week: pipeline, marketplace offers, enablement, the joint roadmap.",
                (
                    ("alice", "chair"),
                    ("priya", "member"),
                    ("sam", "member"),
                    ("stratus_mkt", "member"),
                    ("tom", "member"),
                    ("stratus_sa", "member"),
                ),
            ),
        ),
        meetings=(
            Mtg(
                "Executive alignment H2 2025",
                "executive",
                "2025-12-09 16:00",
                minutes_long=60,
                location=STRATUS_CALL,
                attendees=("erin", "stratus_vp", "alice", "priya"),
                agenda="1. FY2026 ambition\n2. Marketplace and co-sell investment\n3. AI analytics on Stratus GPUs",
                minutes="Both sponsors confirmed the alliance as strategic for FY2026. Stratus will put Halcyon in "
                "its EMEA data & analytics ISV spotlight. Agreed to explore GPU co-engineering for the AI line.",
                decisions=("FY2026 co-sell ambition: €4.5M new ARR through Stratus.",),
            ),
            Mtg(
                "Q4 2025 business review",
                "qbr",
                "2026-01-22 14:00",
                body="Executive steering group",
                minutes_long=90,
                location=STRATUS_QBR_ROOM,
                attendees=("erin", "stratus_vp", "alice", "priya", "lars", "sam"),
                agenda=QBR_AGENDA,
                minutes="FY2025 closed at €2.9M co-sell ARR (22% of all new ARR); 7 marketplace private offers. "
                "Commitments of the last QBR: reference architecture slipped to Q1. Blocker: Stratus sellers get "
                "no quota credit for marketplace deals under $100k, so small deals are not registered.",
                decisions=(
                    "Target €4.5M co-sell ARR in 2026, split into quarterly targets in the joint plan.",
                    "Stratus funds two proofs of concept from its migration fund in Q1.",
                ),
                actions=(
                    Action(
                        "Share the Q1 co-sell target list (top 40 accounts)",
                        "priya",
                        "2026-02-06",
                        done="2026-02-04",
                    ),
                    Action(
                        "Publish the governed-lakehouse reference architecture",
                        "tom",
                        "2026-03-31",
                        done="2026-03-27",
                    ),
                ),
            ),
            Mtg(
                "Q1 2026 business review",
                "qbr",
                "2026-04-21 15:00",
                body="Executive steering group",
                minutes_long=90,
                location=STRATUS_CALL,
                attendees=("erin", "stratus_vp", "alice", "priya", "lars"),
                agenda=QBR_AGENDA,
                minutes="Q1 co-sell ARR €1.1M against a €1.05M target. Open pipeline €11M. Reference architecture "
                "published. Blocker: Stratus wants us to absorb its marketplace fee on private offers and match a "
                "5% customer discount; the operating team could not agree.",
                decisions=(
                    "Escalate the private-offer margin question to the executive steering group.",
                    "Run a joint EMEA marketplace campaign in May and June (Halcyon funds 40%, Stratus 60%).",
                ),
                actions=(
                    Action(
                        "Write the private-offer margin options paper",
                        "alice",
                        "2026-05-08",
                        done="2026-05-07",
                    ),
                    Action(
                        "Launch the EMEA marketplace campaign", "stratus_mkt", "2026-05-15", done="2026-05-20"
                    ),
                ),
            ),
            Mtg(
                "Executive alignment H1 2026",
                "executive",
                "2026-06-10 17:00",
                minutes_long=45,
                location=STRATUS_CALL,
                attendees=("erin", "stratus_vp", "alice", "priya", "lars"),
                agenda="1. Private-offer margins (escalation)\n2. GPU co-engineering for the AI line",
                minutes="The sponsors settled the private-offer margin escalation (see the escalation). Stratus "
                "assigns two engineers part-time to GPU co-engineering.",
                decisions=(
                    "Private offers: Halcyon absorbs the marketplace fee above €250k, no extra discount; Stratus "
                    "gives co-sell quota credit on all private offers from Q3.",
                ),
            ),
            Mtg(
                "Q2 2026 business review",
                "qbr",
                "2026-07-09 14:00",
                body="Executive steering group",
                minutes_long=90,
                location=STRATUS_QBR_ROOM,
                attendees=("erin", "stratus_vp", "alice", "priya", "lars", "sam"),
                agenda=QBR_AGENDA,
                minutes="H1 co-sell ARR €2.3M (51% of the year's target). Campaign produced 31 leads, 9 "
                "opportunities. Quota credit on private offers live since 1 July. Only 4 of 14 promised Stratus "
                "solution architects are certified on Halcyon - the main blocker for Q3.",
                decisions=(
                    "Co-engineer a GPU-accelerated analytics preview for the Stratus Summit in October.",
                    "Next QBR in the week of 5 October, at Halcyon's Amsterdam office.",
                ),
                actions=(
                    Action("Send the H2 co-sell account plan", "alice", "2026-07-31", done="2026-07-30"),
                    Action(
                        "Show marketplace private offers on the joint pipeline dashboard",
                        "tom",
                        "2026-08-31",
                        done="2026-08-28",
                    ),
                    Action(
                        "Certify 10 more Stratus solution architects on Halcyon", "stratus_sa", "2026-09-30"
                    ),
                    Action("Book the Q3 QBR with the sponsors' offices", "priya", "2026-11-13"),
                ),
            ),
            *(
                Mtg(
                    f"Pipeline review {date.fromisoformat(day):%B %Y}",
                    "pipeline",
                    f"{day} 10:00",
                    body="Joint operating team",
                    minutes_long=60,
                    location=STRATUS_CALL,
                    attendees=("alice", "priya", "sam", "stratus_mkt"),
                    agenda=PIPELINE_AGENDA,
                    minutes=minutes,
                    status=status,
                )
                for day, status, minutes in STRATUS_PIPELINE
            ),
            Mtg(
                "Pipeline review November 2026",
                "pipeline",
                "2026-11-10 10:00",
                body="Joint operating team",
                location=STRATUS_CALL,
                attendees=("alice", "priya", "sam", "stratus_mkt"),
                agenda=PIPELINE_AGENDA,
                status="planned",
            ),
        ),
        escalations=(
            Esc(
                "Marketplace private-offer margins",
                "Stratus asks Halcyon to absorb its 3% marketplace fee on private offers and to match a 5% "
                "customer discount that its field sellers promise. Our sales team wants to keep list price; "
                "four deals (€1.3M) wait for an answer. The operating team could not agree (Q1 QBR).\n\n"
                "Options: (a) absorb fee and discount, (b) absorb the fee above a deal size, (c) pass both through.",
                raised="2026-04-23",
                by="alice",
                to_body="Executive steering group",
                decided="2026-06-10",
                decision="Option (b): Halcyon absorbs the marketplace fee on private offers above €250k (they "
                "draw down the customer's committed spend); below that the fee is passed through. No extra "
                "discount. In return Stratus gives co-sell quota credit on all private offers from Q3.",
                decided_by_text="Erin Castellano and Graham Whitfield (co-chairs)",
            ),
        ),
    ),
    Story(
        alliance="Halcyon + Meridian Healthcare Data Platform",
        by="omar",
        setup="2025-02-10",
        bodies=(
            Body(
                "Executive steering group",
                "steering",
                "Both executive sponsors and the partner leads; quarterly, with the QBR.",
                (("pieter", "chair"), ("meridian_md", "chair"), ("omar", "member"), ("marco", "member")),
            ),
            Body(
                "Joint delivery board",
                "operating",
                "Delivery and compliance leads of both sides; monthly, with the pipeline review.",
                (
                    ("noor", "chair"),
                    ("meridian_delivery", "member"),
                    ("sofia", "member"),
                    ("marco", "member"),
                ),
            ),
        ),
        meetings=(
            Mtg(
                "Executive alignment May 2026",
                "executive",
                "2026-05-20 16:00",
                location="https://meet.halcyondata.example/meridian-sponsors",
                attendees=("pieter", "meridian_md", "omar", "marco"),
                agenda="1. Healthcare bundle: second wave\n2. Staffing the rollouts",
                minutes="Sponsors agreed to take the bundle to university hospitals; Meridian reserves 12 "
                "consultants in Pune for our rollouts through Q1 2027.",
            ),
            Mtg(
                "Q3 2026 business review",
                "qbr",
                "2026-09-17 13:00",
                body="Executive steering group",
                minutes_long=90,
                location="Meridian, 20 Finsbury Square, London",
                attendees=("pieter", "meridian_md", "omar", "marco", "noor"),
                agenda=QBR_AGENDA,
                minutes="Two hospitals live (St. Aurelia Leuven, Ziekenhuis Oost). Bundle pipeline €6.2M. "
                "Meridian's Pune team staffed the second rollout on time. Concern: Meridian is also bidding "
                "with a competitor for the Nordic regional hospital tender.",
                decisions=(
                    "Offer the bundle to three Dutch university hospitals before year end.",
                    "Raise the Nordic tender conflict with our executive sponsor.",
                ),
                actions=(
                    Action("Draft the university-hospital offer", "marco", "2026-10-09", done="2026-10-08"),
                    Action("Publish the St. Aurelia reference case", "noor", "2026-11-27"),
                ),
            ),
            Mtg(
                "Pipeline review October 2026",
                "pipeline",
                "2026-10-20 11:00",
                body="Joint delivery board",
                location="https://meet.halcyondata.example/meridian-pipeline",
                attendees=("omar", "marco", "noor", "meridian_delivery"),
                agenda=PIPELINE_AGENDA,
                minutes="Eight hospital opportunities; two in commit. Nordic tender still unresolved.",
            ),
        ),
        escalations=(
            Esc(
                "Meridian bidding with a competitor for the Nordic hospital tender",
                "Meridian's Nordic practice joined a competitor's consortium for the regional hospital tender in "
                "which we bid with Meridian's UK team. The alliance agreement has no exclusivity for the Nordics. "
                "We need a decision: accept it, ask Meridian to withdraw from one bid, or negotiate exclusivity.",
                raised="2026-09-24",
                by="omar",
                to_sponsor="pieter",
            ),
        ),
    ),
    Story(
        alliance="OldBridge Connector",
        by="omar",
        setup="2025-03-03",
        defaults=False,
        cadences=(("executive", 6, ""),),
        meetings=(
            Mtg(
                "Executive alignment: connector roadmap",
                "executive",
                "2026-07-08 15:00",
                location="https://meet.halcyondata.example/oldbridge",
                attendees=("ravi", "oldbridge_vp", "omar", "oldbridge_pm"),
                agenda="1. Cloud connector (Q2 commitment)\n2. Customer renewals",
                minutes="OldBridge did not deliver the cloud connector promised for Q2 and cannot give a new "
                "date: the ERP product is in maintenance mode. Renewals under the connector keep falling.",
                decisions=("Escalate the missed commitments to our executive sponsor.",),
            ),
        ),
        escalations=(
            Esc(
                "OldBridge missed the cloud-connector commitments",
                "OldBridge committed to a cloud connector for Q2 2026 and missed it; the Q4 follow-up date is "
                "also gone. Their ERP is in maintenance mode and connector renewals fell to €40k. Continue, "
                "renegotiate, or wind the alliance down?",
                raised="2026-07-15",
                by="omar",
                to_sponsor="ravi",
                decided="2026-10-26",
                decision="Wind the alliance down. Write the exit plan, tell OldBridge in writing by 15 November "
                "2026, support connector customers until 31 March 2027 and move them to the generic ERP "
                "connector at no cost.",
                decided_by="ravi",
            ),
        ),
    ),
    Story(
        alliance="Open Health Data Consortium",
        by="alice",
        setup="2026-02-02",
        bodies=(
            Body(
                "Consortium steering board",
                "steering",
                "One executive of each of the four parties; quarterly.",
                (
                    ("aurelia_cmio", "chair"),
                    ("noor", "member"),
                    ("quantia_ceo", "member"),
                    ("delft_dir", "member"),
                ),
            ),
        ),
        defaults=False,
        cadences=(("qbr", 3, "Consortium steering board"),),
        meetings=(
            Mtg(
                "Consortium review Q2 2026",
                "qbr",
                "2026-05-28 10:00",
                body="Consortium steering board",
                minutes_long=120,
                location="St. Aurelia Health, Leuven",
                attendees=("aurelia_cmio", "noor", "quantia_ceo", "delft_dir", "alice"),
                agenda=QBR_AGENDA,
                minutes="Data platform in production; first federated-learning study approved by the ethics board.",
                decisions=("Open the platform to a second hospital group in 2027.",),
            ),
            Mtg(
                "Consortium review Q3 2026",
                "qbr",
                "2026-08-27 10:00",
                body="Consortium steering board",
                minutes_long=120,
                location="https://meet.halcyondata.example/ohdc",
                attendees=("aurelia_cmio", "noor", "quantia_ceo", "delft_dir", "alice"),
                agenda=QBR_AGENDA,
                minutes="Two studies running; Quantia's funding round closed. Publication plan agreed with Delft.",
                actions=(
                    Action(
                        "Circulate the publication and IP protocol",
                        "delft_dir",
                        "2026-09-30",
                        done="2026-09-29",
                    ),
                ),
            ),
        ),
    ),
    Story(
        alliance="Delft AI Research Programme",
        by="omar",
        setup="2025-06-02",
        defaults=False,
        cadences=(("steering", 6, ""),),
        meetings=(
            Mtg(
                "Research steering meeting June 2026",
                "steering",
                "2026-06-18 14:00",
                minutes_long=90,
                location="Delft Institute of Data Science",
                attendees=("ravi", "delft_dir", "omar", "delft_liaison", "julia", "delft_pi"),
                minutes="Two papers accepted; explainability prototype ready for the product team.",
                decisions=("Fund a third PhD position from 2027.",),
            ),
        ),
    ),
    Story(
        alliance="Kestrel IT Reseller (DACH)",
        by="alice",
        setup="2025-01-27",
        inactive=("executive",),
        meetings=(
            Mtg(
                "Q2 2026 partner business review",
                "qbr",
                "2026-08-20 10:00",
                minutes_long=60,
                location="https://meet.halcyondata.example/kestrel",
                attendees=("alice", "lena", "daniel"),
                agenda=QBR_AGENDA,
                minutes="H1 resale €410k. Two deal registrations in conflict with another reseller (see pipeline).",
                actions=(Action("Certify two more Kestrel consultants", "lena", "2026-12-15"),),
            ),
            Mtg(
                "Pipeline review October 2026",
                "pipeline",
                "2026-10-15 09:30",
                location="https://meet.halcyondata.example/kestrel",
                attendees=("alice", "lena"),
                agenda=PIPELINE_AGENDA,
                minutes="Five open deals; one registration conflict still with channel operations.",
            ),
        ),
    ),
    Story(
        alliance="Lumen CRM Integration",
        by="alice",
        setup="2025-01-28",
        meetings=(
            Mtg(
                "Executive alignment May 2026",
                "executive",
                "2026-05-12 16:00",
                location="https://meet.halcyondata.example/lumen",
                attendees=("ravi", "lumen_vp", "alice"),
                minutes="Connector v3 roadmap agreed; Lumen to feature it at its user conference.",
            ),
            Mtg(
                "Q2 2026 integration review",
                "qbr",
                "2026-07-28 11:00",
                location="https://meet.halcyondata.example/lumen",
                attendees=("alice", "lumen_pm", "tom"),
                agenda=QBR_AGENDA,
                minutes="Connector v3 in beta with 6 customers; sync latency down to 40 s.",
                actions=(
                    Action(
                        "Ship connector v3 to the Lumen marketplace",
                        "lumen_pm",
                        "2026-10-30",
                        done="2026-10-29",
                    ),
                ),
            ),
            Mtg(
                "Pipeline review October 2026",
                "pipeline",
                "2026-10-06 10:00",
                location="https://meet.halcyondata.example/lumen",
                attendees=("alice", "lumen_pm"),
                agenda=PIPELINE_AGENDA,
                minutes="Eleven opportunities mention the connector; three need the v3 bulk sync.",
            ),
        ),
    ),
)


# --- loading ---------------------------------------------------------------------------------------


class _Story:
    def __init__(self, loader: Any, story: Story, alliance: Alliance):
        self.loader = loader
        self.story = story
        self.alliance = alliance
        self.by = loader.users[story.by]
        self.bodies: dict[str, GovernanceBody] = {
            b.name: b for b in GovernanceBody.objects.filter(alliance=alliance, archived_at__isnull=True)
        }

    def count(self, what: str, created: bool) -> None:
        (self.loader.result.created if created else self.loader.result.existing)[what] += 1

    def person(self, key: str) -> Any:
        return self.loader.people[key]

    def run(self) -> None:
        story = self.story
        with at(moment(story.setup)):
            for spec in story.bodies:
                self.body(spec)
            self.cadences()
        for spec in sorted(story.meetings, key=lambda m: m.start):
            self.meeting(spec)
        for spec in story.escalations:
            self.escalation(spec)

    def body(self, spec: Body) -> None:
        if spec.name in self.bodies:
            self.count("governance bodies", False)
            return
        body = services.body_create(
            alliance=self.alliance,
            data={"name": spec.name, "kind": spec.kind, "purpose": spec.purpose},
            user=self.by,
        )
        for key, role in spec.members:
            services.body_member_add(body=body, contact=self.person(key), role=role, user=self.by)
        self.bodies[spec.name] = body
        self.count("governance bodies", True)

    def cadences(self) -> None:
        existing = {
            c.meeting_kind for c in Cadence.objects.filter(alliance=self.alliance, archived_at__isnull=True)
        }
        if self.story.defaults:
            for cadence in services.cadence_apply_defaults(alliance=self.alliance, user=self.by):
                existing.add(cadence.meeting_kind)
                self.count("cadences", True)
        for kind, months, body in self.story.cadences:
            if kind in existing:
                continue
            data = {"meeting_kind": kind, "interval_months": months, "body": self.bodies.get(body)}
            services.cadence_create(alliance=self.alliance, data=data, user=self.by)
            existing.add(kind)
            self.count("cadences", True)
        for kind in self.story.inactive:
            for cadence in Cadence.objects.filter(alliance=self.alliance, meeting_kind=kind, active=True):
                services.cadence_update(
                    cadence=cadence,
                    data={"active": False, "notes": "Tactical reseller: no executive alignment meetings."},
                    user=self.by,
                )

    def meeting(self, spec: Mtg) -> None:
        if Meeting.objects.filter(alliance=self.alliance, title=spec.title).exists():
            self.count("meetings", False)
            return
        day, hhmm = spec.start.split()
        start = moment(day, hhmm)
        planned_on = start - timedelta(days=21)
        with at(planned_on):
            meeting = services.meeting_create(
                alliance=self.alliance,
                data={
                    "kind": spec.kind,
                    "title": spec.title,
                    "body": self.bodies.get(spec.body),
                    "scheduled_start": start,
                    "duration_minutes": spec.minutes_long,
                    "location": spec.location,
                    "agenda": spec.agenda,
                },
                attendees=[self.person(k) for k in spec.attendees],
                user=self.by,
            )
        self.count("meetings", True)
        if spec.status == MeetingStatus.PLANNED:
            return
        wrap_up = start + timedelta(minutes=spec.minutes_long + 30)
        if spec.status == MeetingStatus.CANCELLED:
            with at(start - timedelta(days=2)):
                services.meeting_set_status(meeting=meeting, status=MeetingStatus.CANCELLED, user=self.by)
            return
        with at(wrap_up):
            meeting = services.meeting_set_status(
                meeting=meeting, status=MeetingStatus.HELD, minutes=spec.minutes, user=self.by
            )
            for text in spec.decisions:
                services.decision_add(meeting=meeting, text=text, user=self.by)
                self.count("decisions", True)
            for action in spec.actions:
                item = services.action_item_create(
                    alliance=self.alliance,
                    data={
                        "title": action.title,
                        "owner": self.person(action.owner),
                        "due_date": date.fromisoformat(action.due),
                        "meeting": meeting,
                    },
                    user=self.by,
                )
                self.count("action items", True)
                self.finish(item, action)

    def finish(self, item: ActionItem, action: Action) -> None:
        if action.done:
            with at(moment(action.done, "17:00")):
                services.action_item_set_status(
                    item=item,
                    status=ActionStatus.DONE,
                    completed_on=date.fromisoformat(action.done),
                    user=self.by,
                )
        elif action.cancelled:
            services.action_item_set_status(item=item, status=ActionStatus.CANCELLED, user=self.by)

    def sponsor(self, key: str) -> AllianceMember:
        return AllianceMember.objects.get(
            alliance=self.alliance,
            contact=self.person(key),
            role=MemberRole.SPONSOR,
            archived_at__isnull=True,
        )

    def escalation(self, spec: Esc) -> None:
        if Escalation.objects.filter(alliance=self.alliance, title=spec.title).exists():
            self.count("escalations", False)
            return
        raiser = self.loader.users[spec.by]
        with at(moment(spec.raised, "11:00")):
            escalation = services.escalation_create(
                alliance=self.alliance,
                data={
                    "title": spec.title,
                    "description": spec.description,
                    "raised_on": date.fromisoformat(spec.raised),
                    "to_body": self.bodies[spec.to_body] if spec.to_body else None,
                    "to_sponsor": self.sponsor(spec.to_sponsor) if spec.to_sponsor else None,
                },
                user=raiser,
            )
        self.count("escalations", True)
        if spec.decided:
            with at(moment(spec.decided, "18:00")):
                services.escalation_decide(
                    escalation=escalation,
                    decision=spec.decision,
                    decided_on=date.fromisoformat(spec.decided),
                    decided_by=spec.decided_by_text,
                    decided_by_contact=self.person(spec.decided_by) if spec.decided_by else None,
                    user=raiser,
                )


def load(loader: Any) -> None:
    """Tell governance's part of the story (idempotent; alliances missing from the database are skipped)."""
    for story in STORIES:
        alliance = Alliance.objects.filter(name=story.alliance).first()
        if alliance is None:
            continue
        _Story(loader, story, alliance).run()
