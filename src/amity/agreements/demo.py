"""The agreements and commitments of the demo story (Halcyon Data, told as of 2026-11-01).

Everything is written through this app's services, each on its story date (``story_time``),
so statuses, renewals and renegotiations have real history entries with their reasons.

What the story shows:

* **Stratus Cloud** - the master alliance agreement renewed automatically in February 2026;
  its 90-day notice deadline (23 Nov 2026) is about three weeks after "today": a renewal
  alert. Stratus carries the most hard commitments, and the contribution balance shows Stratus
  putting in far more money and people than Halcyon (seed 002: balance of power). Stratus's
  MDF is in USD, shown next to the EUR chart and never converted. One Halcyon commitment (the
  IAM integration) was renegotiated; the migration funding is overdue.
* **Meridian** - an exclusive co-marketing agreement and an SOW; GBP money on their side.
* **Open Health Data Consortium** - soft commitments only (annual plan, handshake, projects).
* **Reseller agreements** for Kestrel, Norte, Pacific Rim and Atlas (Pacific Rim's notice
  deadline is close, Norte's certification commitment is overdue).
* **Nimbus Health** (assess) - an NDA in force and an MoU under negotiation.
* **OldBridge** (transform or retire) - three missed roadmap commitments, the marketing
  addendum terminated and the main agreement's notice deadline coming up.

Idempotent by natural keys: an agreement by alliance and title, a document by agreement and
original name, a commitment by alliance, party and title (the original, not a renegotiated
successor). Rows that exist are left as they are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from amity.alliances.models import Alliance

from . import services
from .models import Agreement, AgreementDocument, Commitment

IMPORT = "2025-01-15"


@dataclass(frozen=True)
class Ag:
    """An agreement: recorded on ``recorded`` in ``status``, then ``steps`` on their dates.

    A step is ``(day, "status", to_status[, on])``, ``(day, "renew")`` or
    ``(day, "document", file name, description)``.
    """

    key: str
    alliance: str
    title: str
    kind: str
    recorded: str
    status: str = "active"
    signed: str | None = None
    effective: str | None = None
    expiry: str | None = None
    renew_months: int | None = None
    notice_days: int | None = None
    exclusive_scope: str = ""
    ip_terms: str = ""
    value: str | None = None
    currency: str = "EUR"
    notes: str = ""
    steps: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Cm:
    """A commitment: ``source`` is the agreement key (hard) or the soft source.

    A step is ``(day, to_status, {"met_on": …, "evidence": …, "note": …, "replacement": {…}})``.
    """

    alliance: str
    party: str
    title: str
    category: str
    source: str
    due: str
    recorded: str
    quantity: str | None = None
    unit: str = ""
    amount: str | None = None
    currency: str = "EUR"
    status: str = "agreed"
    owner: str = ""  # a contact key of the demo data
    owner_user: str = ""
    description: str = ""
    steps: tuple[tuple[str, str, dict[str, Any]], ...] = field(default_factory=tuple)


HOME = "Halcyon Data"
STRATUS = "Stratus Cloud Co-Sell"
MERIDIAN = "Halcyon + Meridian Healthcare Data Platform"
OHDC = "Open Health Data Consortium"
DELFT = "Delft AI Research Programme"
KESTREL = "Kestrel IT Reseller (DACH)"
NORTE = "Norte Sistemas Reseller (Iberia)"
PACRIM = "Pacific Rim Solutions Reseller (APAC)"
ATLAS = "Atlas Distribution (UK & Ireland)"
OLDBRIDGE = "OldBridge Connector"
NIMBUS = "Nimbus Health Clinical Analytics"
CELESTE = "Celeste Sovereign Cloud Hosting"

SOFT_SOURCES = {"annual_plan", "handshake", "project"}

AGREEMENTS: tuple[Ag, ...] = (
    # --- Stratus Cloud ------------------------------------------------------------------------
    Ag(
        "stratus-nda",
        STRATUS,
        "Mutual NDA Stratus Cloud - Halcyon",
        "nda",
        recorded=IMPORT,
        signed="2022-06-15",
        effective="2022-06-15",
        expiry="2025-06-14",
        notes="Superseded by the confidentiality clause of the master alliance agreement.",
        steps=(("2025-06-16", "status", "expired"),),
    ),
    Ag(
        "stratus-maa",
        STRATUS,
        "Master alliance agreement (marketplace and co-sell)",
        "master",
        recorded=IMPORT,
        signed="2023-02-20",
        effective="2023-02-22",
        expiry="2026-02-21",
        renew_months=12,
        notice_days=90,
        ip_terms="Each party keeps its own IP. The joint reference architecture and the co-branded "
        "solution brief are owned jointly; either party may use them during the term and for six "
        "months after.",
        value="2000000",
        notes="Minimum marketplace bookings of EUR 2M over the initial term; Halcyon deals count "
        "towards Stratus sellers' quota (co-sell eligible). Renews for 12 months unless either "
        "party gives 90 days' notice.",
        steps=(
            (IMPORT, "document", "Stratus MAA - signed.pdf", "Signed copy, incl. annex A (co-sell rules)"),
            ("2026-02-23", "renew"),
        ),
    ),
    Ag(
        "stratus-mdf",
        STRATUS,
        "MDF agreement 2026",
        "mdf",
        recorded="2026-01-06",
        status="draft",
        effective="2026-01-20",
        expiry="2026-12-31",
        value="250000",
        currency="USD",
        notes="Stratus funds joint campaigns in USD; claims within 45 days of each activity.",
        steps=(
            ("2026-01-08", "status", "negotiating"),
            ("2026-01-20", "status", "signed"),
            ("2026-01-20", "status", "active"),
        ),
    ),
    # --- Meridian -------------------------------------------------------------------------------
    Ag(
        "meridian-comarketing",
        MERIDIAN,
        "Co-marketing agreement: healthcare data platform",
        "co_marketing",
        recorded=IMPORT,
        signed="2023-03-20",
        effective="2023-04-01",
        expiry="2028-03-31",
        notice_days=180,
        exclusive_scope="The joint healthcare data-platform offering for hospitals in the UK, the "
        "Netherlands and the Nordics",
        ip_terms="Halcyon owns the platform; Meridian owns its implementation accelerators; the "
        "'Halcyon + Meridian' brand of the bundle is co-owned.",
        steps=((IMPORT, "document", "Meridian co-marketing agreement.pdf", "Signed agreement"),),
    ),
    Ag(
        "meridian-sow",
        MERIDIAN,
        "SOW: St. Aurelia data-platform rollout",
        "sow",
        recorded="2026-04-20",
        status="draft",
        effective="2026-05-11",
        expiry="2027-01-31",
        notice_days=30,
        value="850000",
        notes="Meridian delivers, Halcyon provides the platform and two architects.",
        steps=(
            ("2026-04-22", "status", "negotiating"),
            ("2026-05-04", "status", "signed"),
            ("2026-05-11", "status", "active"),
        ),
    ),
    # --- Open Health Data Consortium ---------------------------------------------------------
    Ag(
        "ohdc-loi",
        OHDC,
        "Letters of intent",
        "mou",
        recorded="2025-09-22",
        signed="2025-09-22",
        effective="2025-09-22",
        expiry="2026-01-31",
        notes="Non-binding; replaced by the consortium agreement.",
        steps=(("2026-02-02", "status", "expired"),),
    ),
    Ag(
        "ohdc-consortium",
        OHDC,
        "Consortium agreement",
        "other",
        recorded="2026-01-12",
        status="negotiating",
        effective="2026-02-01",
        expiry="2029-01-31",
        notice_days=180,
        ip_terms="Background IP stays with each member. Results are published openly; derived "
        "datasets stay with St. Aurelia Health under its data-protection review.",
        notes="Knowledge sharing, no revenue targets: every member's contribution is a soft commitment.",
        steps=(("2026-01-20", "status", "signed"), ("2026-02-02", "status", "active")),
    ),
    # --- Delft --------------------------------------------------------------------------------------
    Ag(
        "delft-research",
        DELFT,
        "Research collaboration agreement",
        "other",
        recorded="2025-05-15",
        status="signed",
        signed="2025-05-15",
        effective="2025-06-01",
        expiry="2029-05-31",
        notice_days=180,
        value="400000",
        ip_terms="Delft may publish all results after a 60-day review; Halcyon gets an exclusive, "
        "royalty-free licence to foreground IP for commercial use.",
        steps=(("2025-06-02", "status", "active"),),
    ),
    # --- channel ---------------------------------------------------------------------------------------
    Ag(
        "kestrel-2020",
        KESTREL,
        "Reseller agreement DACH 2020-2025",
        "reseller",
        recorded=IMPORT,
        signed="2020-02-20",
        effective="2020-03-01",
        expiry="2025-12-31",
        notice_days=90,
        steps=(("2026-01-02", "status", "expired"),),
    ),
    Ag(
        "kestrel-2026",
        KESTREL,
        "Reseller agreement DACH 2026-2027",
        "reseller",
        recorded="2025-11-20",
        status="negotiating",
        effective="2026-01-01",
        expiry="2027-12-31",
        renew_months=12,
        notice_days=90,
        notes="Adds a deal-registration clause: 90-day protection window for registered deals.",
        steps=(("2025-11-28", "status", "signed"), ("2026-01-02", "status", "active")),
    ),
    Ag(
        "norte",
        NORTE,
        "Reseller agreement Iberia",
        "reseller",
        recorded=IMPORT,
        signed="2021-04-20",
        effective="2021-05-01",
        expiry="2026-04-30",
        renew_months=12,
        notice_days=60,
        steps=(("2026-05-04", "renew"),),
    ),
    Ag(
        "pacrim",
        PACRIM,
        "Reseller agreement APAC",
        "reseller",
        recorded=IMPORT,
        signed="2023-01-16",
        effective="2023-02-01",
        expiry="2026-01-31",
        renew_months=12,
        notice_days=75,
        notes="Candidate to 'alliancize' for APAC: consider a strategic alliance agreement at renewal.",
        steps=(("2026-02-02", "renew"),),
    ),
    Ag(
        "atlas",
        ATLAS,
        "Distribution agreement UK & Ireland",
        "reseller",
        recorded=IMPORT,
        signed="2019-06-20",
        effective="2019-07-01",
        notice_days=180,
        notes="Open-ended; either party may end it with 180 days' notice.",
    ),
    Ag(
        "koala",
        "Koala Cloud Services (ANZ)",
        "Reseller and managed-service agreement ANZ",
        "reseller",
        recorded=IMPORT,
        signed="2024-05-20",
        effective="2024-06-01",
        expiry="2027-05-31",
        renew_months=12,
        notice_days=90,
    ),
    Ag(
        "bluepeak",
        "Bluepeak Managed Analytics",
        "MSP agreement",
        "reseller",
        recorded="2025-05-05",
        signed="2025-05-05",
        effective="2025-05-05",
        expiry="2027-05-04",
        renew_months=12,
        notice_days=60,
    ),
    Ag(
        "shoreline",
        "Shoreline Nordic Reseller",
        "Reseller agreement Nordics",
        "reseller",
        recorded=IMPORT,
        signed="2017-03-20",
        effective="2017-04-01",
        expiry="2025-12-31",
        steps=(("2026-01-02", "status", "expired"),),
    ),
    # --- technology and marketing --------------------------------------------------------------------
    Ag(
        "lumen",
        "Lumen CRM Integration",
        "Technology partnership and marketplace listing agreement",
        "other",
        recorded=IMPORT,
        signed="2022-01-10",
        effective="2022-01-15",
        expiry="2027-01-14",
        renew_months=24,
        notice_days=30,
    ),
    Ag(
        "ferro",
        "Ferro Security Integration",
        "Integration partnership agreement",
        "other",
        recorded=IMPORT,
        signed="2023-08-21",
        effective="2023-09-01",
        notice_days=90,
    ),
    Ag(
        "polar",
        "Polar Insights Embedded BI",
        "OEM licence agreement",
        "other",
        recorded=IMPORT,
        signed="2024-08-26",
        effective="2024-09-01",
        expiry="2027-08-31",
        renew_months=12,
        notice_days=90,
        value="120000",
    ),
    Ag(
        "fjord",
        "Fjord Data Labs Co-Marketing",
        "Co-marketing agreement 2026",
        "co_marketing",
        recorded="2026-01-12",
        signed="2026-01-12",
        effective="2026-01-12",
        expiry="2026-12-31",
    ),
    Ag(
        "helvetia",
        "Helvetia Compliance Content Series",
        "Content partnership MoU",
        "mou",
        recorded=IMPORT,
        signed="2024-02-15",
        effective="2024-03-01",
        notice_days=30,
    ),
    Ag(
        "brightline",
        "Brightline Advisory Referrals",
        "Referral agreement",
        "other",
        recorded=IMPORT,
        signed="2022-05-25",
        effective="2022-06-01",
        notice_days=30,
        notes="15% of first-year contract value for introduced customers; 90-day conversion window.",
    ),
    Ag(
        "basalt",
        "Basalt Storage Appliance Bundle",
        "Mutual NDA - Basalt Storage",
        "nda",
        recorded="2025-04-28",
        signed="2025-04-28",
        effective="2025-04-28",
        expiry="2027-04-27",
        notes="Kept until it expires (exit plan of the retired alliance).",
    ),
    # --- new and ending alliances ----------------------------------------------------------------------
    Ag(
        "celeste",
        CELESTE,
        "Sovereign hosting agreement",
        "master",
        recorded="2026-09-20",
        status="negotiating",
        effective="2026-10-01",
        expiry="2028-09-30",
        notice_days=90,
        value="500000",
        ip_terms="Each party keeps its own IP; Celeste's certifications cover the hosting, Halcyon's the software.",
        steps=(
            ("2026-09-28", "status", "signed"),
            ("2026-09-28", "document", "Celeste sovereign hosting agreement.pdf", "Signed agreement"),
            ("2026-10-01", "status", "active"),
        ),
    ),
    Ag(
        "tessellate",
        "Tessellate AI Model Partnership",
        "OEM licence and European exclusivity (term sheet)",
        "other",
        recorded="2026-09-01",
        status="draft",
        exclusive_scope="European exclusivity for tabular language models in analytics platforms",
        value="200000",
        steps=(("2026-09-01", "status", "negotiating"),),
    ),
    Ag(
        "nimbus-nda",
        NIMBUS,
        "Mutual NDA - Nimbus Health",
        "nda",
        recorded="2026-08-10",
        signed="2026-08-10",
        effective="2026-08-10",
        expiry="2028-08-09",
    ),
    Ag(
        "nimbus-mou",
        NIMBUS,
        "MoU: European clinical analytics partnership",
        "mou",
        recorded="2026-09-07",
        status="draft",
        notes="Business case under review by Erin and Noor; no commitment before the selection decision.",
        steps=(("2026-09-14", "status", "negotiating"),),
    ),
    Ag(
        "oldbridge",
        OLDBRIDGE,
        "Connector partnership agreement",
        "other",
        recorded=IMPORT,
        signed="2018-09-20",
        effective="2018-10-01",
        expiry="2027-03-31",
        notice_days=120,
        notes="Exit plan: written notice of non-renewal to OldBridge by 15 November 2026.",
    ),
    Ag(
        "oldbridge-marketing",
        OLDBRIDGE,
        "Joint marketing addendum",
        "co_marketing",
        recorded=IMPORT,
        signed="2021-03-01",
        effective="2021-03-01",
        expiry="2027-03-31",
        steps=(("2026-10-28", "status", "terminated", "", "Joint marketing stopped under the exit plan."),),
    ),
    Ag(
        "indus",
        "Indus Tech Services Delivery Partnership",
        "Delivery partnership agreement",
        "other",
        recorded=IMPORT,
        signed="2022-01-20",
        effective="2022-02-01",
        expiry="2027-01-31",
        notice_days=90,
    ),
    Ag(
        "cobalt",
        "Cobalt Systems Integration (France)",
        "Reseller and services agreement (France)",
        "reseller",
        recorded=IMPORT,
        signed="2020-12-15",
        effective="2021-01-01",
        expiry="2026-12-31",
        notice_days=60,
    ),
)


def _met(day: str, evidence: str) -> tuple[str, str, dict[str, Any]]:
    return (day, "met", {"met_on": day, "evidence": evidence})


COMMITMENTS: tuple[Cm, ...] = (
    # --- Stratus: the most hard commitments, and Stratus puts in far more ---------------------
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Partner solutions architects for Halcyon",
        "headcount",
        "stratus-maa",
        due="2026-03-31",
        recorded="2025-11-20",
        quantity="4",
        unit="FTE",
        owner="stratus_sa",
        steps=(
            ("2026-01-12", "in_progress", {}),
            _met("2026-03-15", "Four PSAs named and onboarded (QBR Q1 deck)."),
        ),
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Co-sell specialists in the EMEA field",
        "headcount",
        "stratus-maa",
        due="2026-06-30",
        recorded="2025-11-20",
        quantity="6",
        unit="FTE",
        owner="stratus_vp",
        steps=(
            ("2026-02-02", "in_progress", {}),
            _met(
                "2026-07-20", "Six specialists in post; a hiring freeze delayed two of them by three weeks."
            ),
        ),
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Marketplace private-offer API access",
        "integration",
        "stratus-maa",
        due="2026-09-30",
        recorded="2026-01-15",
        quantity="1",
        unit="integration",
        owner="stratus_mkt",
        steps=(_met("2026-09-25", "Private offers created through the API since 25 September."),),
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Proof-of-concept funding",
        "funding",
        "stratus-maa",
        due="2026-12-31",
        recorded="2025-12-10",
        amount="600000",
        owner="stratus_vp",
        steps=(("2026-02-02", "in_progress", {}),),
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Migration funding for ten customer migrations",
        "funding",
        "stratus-maa",
        due="2026-10-15",
        recorded="2025-12-10",
        amount="400000",
        owner="stratus_vp",
        owner_user="alice",
        description="Funds ten migrations from on-premises warehouses; six approved so far.",
        steps=(("2026-03-02", "in_progress", {}),),
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "MDF for joint campaigns 2026",
        "marketing",
        "stratus-mdf",
        due="2026-12-31",
        recorded="2026-01-20",
        amount="250000",
        currency="USD",
        owner="stratus_mkt",
    ),
    Cm(
        STRATUS,
        "Stratus Cloud",
        "Field quota credit for Halcyon marketplace deals",
        "other",
        "handshake",
        due="2026-11-20",
        recorded="2026-10-12",
        quantity="1",
        unit="programme",
        owner="stratus_vp",
        description="Agreed between Erin and Graham Whitfield at the annual review: not yet in the contract.",
    ),
    Cm(
        STRATUS,
        HOME,
        "Dedicated Stratus alliance team",
        "headcount",
        "stratus-maa",
        due="2026-01-31",
        recorded="2025-11-20",
        quantity="3",
        unit="FTE",
        owner="alice",
        owner_user="alice",
        steps=(
            _met("2026-01-20", "Alliance manager, partner engineer and marketplace operations lead in post."),
        ),
    ),
    Cm(
        STRATUS,
        HOME,
        "Stratus Advanced certification for 12 engineers",
        "certification",
        "stratus-maa",
        due="2026-06-30",
        recorded="2025-11-20",
        quantity="12",
        unit="engineers",
        owner="tom",
        steps=(
            ("2026-02-02", "in_progress", {}),
            _met("2026-06-28", "12 certificates (list in the QBR Q2 pack)."),
        ),
    ),
    Cm(
        STRATUS,
        HOME,
        "Native Stratus IAM integration",
        "integration",
        "stratus-maa",
        due="2026-08-31",
        recorded="2025-12-10",
        quantity="1",
        unit="integration",
        owner="tom",
        owner_user="alice",
        steps=(
            ("2026-03-02", "in_progress", {}),
            (
                "2026-08-20",
                "renegotiated",
                {
                    "replacement": {"due_date": "2026-11-15"},
                    "note": "Stratus changed its IAM API in July; new date agreed at the Q3 QBR.",
                },
            ),
        ),
    ),
    Cm(
        STRATUS,
        HOME,
        "Joint webinar series",
        "marketing",
        "annual_plan",
        due="2026-09-30",
        recorded="2025-12-10",
        amount="60000",
        owner="katrin",
        steps=(_met("2026-10-10", "Four webinars, 1,140 registrations; the last one moved to October."),),
    ),
    Cm(
        STRATUS,
        HOME,
        "Marketplace bookings 2026",
        "revenue",
        "stratus-maa",
        due="2026-12-31",
        recorded="2025-12-10",
        amount="1500000",
        status="in_progress",
        owner="sam",
    ),
    # --- Meridian ----------------------------------------------------------------------------------------
    Cm(
        MERIDIAN,
        "Meridian Consulting",
        "Healthcare delivery squad",
        "headcount",
        "meridian-comarketing",
        due="2026-04-30",
        recorded="2026-01-15",
        quantity="8",
        unit="FTE",
        owner="meridian_delivery",
        steps=(_met("2026-04-28", "Squad of eight staffed from Manchester and Pune."),),
    ),
    Cm(
        MERIDIAN,
        "Meridian Consulting",
        "Joint go-to-market budget (Meridian share)",
        "marketing",
        "meridian-comarketing",
        due="2026-12-31",
        recorded="2026-01-15",
        amount="150000",
        currency="GBP",
        status="in_progress",
        owner="marco",
    ),
    Cm(
        MERIDIAN,
        "Meridian Consulting",
        "20 consultants certified on Halcyon",
        "certification",
        "annual_plan",
        due="2026-11-30",
        recorded="2026-01-15",
        quantity="20",
        unit="consultants",
        status="in_progress",
        owner="marco",
    ),
    Cm(
        MERIDIAN,
        HOME,
        "Joint go-to-market budget (Halcyon share)",
        "marketing",
        "meridian-comarketing",
        due="2026-12-31",
        recorded="2026-01-15",
        amount="150000",
        status="in_progress",
        owner="katrin",
    ),
    Cm(
        MERIDIAN,
        HOME,
        "Healthcare solution architects",
        "headcount",
        "meridian-comarketing",
        due="2026-03-31",
        recorded="2026-01-15",
        quantity="2",
        unit="FTE",
        owner="noor",
        steps=(_met("2026-03-20", "Two architects assigned to the joint offering."),),
    ),
    Cm(
        MERIDIAN,
        HOME,
        "FHIR connector generally available",
        "roadmap",
        "handshake",
        due="2026-10-15",
        recorded="2026-02-10",
        quantity="1",
        unit="release",
        owner="tom",
        steps=(("2026-05-04", "in_progress", {}), _met("2026-10-20", "Released in Halcyon 7.4.")),
    ),
    # --- Open Health Data Consortium: soft commitments only ---------------------------------------------
    Cm(
        OHDC,
        "St. Aurelia Health",
        "De-identified dataset (1.4 million records)",
        "other",
        "project",
        due="2026-06-30",
        recorded="2026-02-02",
        quantity="1",
        unit="dataset",
        owner="aurelia_data",
        steps=(_met("2026-06-26", "Dataset released to the consortium workspace after the ethics review."),),
    ),
    Cm(
        OHDC,
        "Quantia ML",
        "Federated learning pilot",
        "integration",
        "project",
        due="2026-12-15",
        recorded="2026-02-02",
        quantity="1",
        unit="pilot",
        status="in_progress",
        owner="quantia_eng",
    ),
    Cm(
        OHDC,
        "Delft Institute of Data Science",
        "Two PhD researchers on the platform",
        "headcount",
        "annual_plan",
        due="2026-09-01",
        recorded="2026-02-02",
        quantity="2",
        unit="FTE",
        owner="delft_pi",
        steps=(_met("2026-09-01", "Both researchers started on 1 September."),),
    ),
    Cm(
        OHDC,
        HOME,
        "Platform hosting credits",
        "funding",
        "handshake",
        due="2026-12-31",
        recorded="2026-02-02",
        amount="40000",
        status="in_progress",
        owner="noor",
    ),
    Cm(
        OHDC,
        HOME,
        "Data engineer for the consortium",
        "headcount",
        "annual_plan",
        due="2026-03-01",
        recorded="2026-02-02",
        quantity="1",
        unit="FTE",
        owner="julia",
        steps=(_met("2026-02-27", "Data engineer seconded from the AI team."),),
    ),
    # --- Delft --------------------------------------------------------------------------------------------
    Cm(
        DELFT,
        "Delft Institute of Data Science",
        "Two joint PhD positions",
        "headcount",
        "delft-research",
        due="2025-09-01",
        recorded="2025-06-02",
        quantity="2",
        unit="FTE",
        owner="delft_dir",
        steps=(_met("2025-09-01", "Both PhD students started."),),
    ),
    Cm(
        DELFT,
        HOME,
        "Research funding 2026",
        "funding",
        "delft-research",
        due="2026-09-30",
        recorded="2026-01-12",
        amount="100000",
        owner="ravi",
        steps=(_met("2026-09-15", "Second tranche paid."),),
    ),
    Cm(
        DELFT,
        "Delft Institute of Data Science",
        "Explainability toolkit prototype",
        "roadmap",
        "delft-research",
        due="2026-12-31",
        recorded="2026-01-12",
        quantity="1",
        unit="prototype",
        status="in_progress",
        owner="delft_pi",
    ),
    # --- channel -------------------------------------------------------------------------------------------
    Cm(
        KESTREL,
        "Kestrel IT",
        "Twelve certified consultants",
        "certification",
        "kestrel-2026",
        due="2026-06-30",
        recorded="2026-01-02",
        quantity="12",
        unit="consultants",
        owner="kestrel_presales",
        steps=(_met("2026-06-15", "Twelve consultants certified, two more in training."),),
    ),
    Cm(
        KESTREL,
        "Kestrel IT",
        "Licence bookings 2026",
        "revenue",
        "kestrel-2026",
        due="2026-12-31",
        recorded="2026-01-02",
        amount="850000",
        status="in_progress",
        owner="lena",
    ),
    Cm(
        KESTREL,
        HOME,
        "Partner enablement days",
        "other",
        "annual_plan",
        due="2026-10-31",
        recorded="2026-01-02",
        quantity="4",
        unit="days",
        owner="daniel",
        steps=(_met("2026-10-30", "Four enablement days held in Munich and Vienna."),),
    ),
    Cm(
        NORTE,
        "Norte Sistemas",
        "Two more certified consultants",
        "certification",
        "annual_plan",
        due="2026-09-30",
        recorded="2026-01-15",
        quantity="2",
        unit="consultants",
        status="in_progress",
        owner="norte_sales",
    ),
    Cm(
        PACRIM,
        "Pacific Rim Solutions",
        "APAC banking accelerator",
        "roadmap",
        "handshake",
        due="2026-12-31",
        recorded="2026-03-10",
        quantity="1",
        unit="accelerator",
        status="in_progress",
        owner="pacrim_tech",
    ),
    Cm(
        PACRIM,
        HOME,
        "Singapore-based partner engineer",
        "headcount",
        "annual_plan",
        due="2026-07-01",
        recorded="2026-02-02",
        quantity="1",
        unit="FTE",
        status="in_progress",
        owner="meilin",
        owner_user="alice",
        description="Open requisition since March; two candidates declined.",
    ),
    Cm(
        ATLAS,
        "Atlas Distribution",
        "Recruit 20 new resellers",
        "other",
        "atlas",
        due="2026-12-31",
        recorded="2026-01-15",
        quantity="20",
        unit="resellers",
        status="in_progress",
        owner="atlas_pm",
    ),
    Cm(
        "Bluepeak Managed Analytics",
        "Bluepeak Managed Services",
        "15 managed Halcyon customers",
        "other",
        "project",
        due="2026-12-31",
        recorded="2026-01-15",
        quantity="15",
        unit="customers",
        status="in_progress",
        owner="bluepeak_svc",
        steps=(_met("2026-10-01", "17 managed customers live."),),
    ),
    Cm(
        "Fjord Data Labs Co-Marketing",
        "Fjord Data Labs",
        "Two joint webinars",
        "marketing",
        "annual_plan",
        due="2026-06-30",
        recorded="2026-01-12",
        quantity="2",
        unit="webinars",
        owner="fjord_cmo",
        steps=(_met("2026-06-20", "Webinars held in March and June."),),
    ),
    Cm(
        "Fjord Data Labs Co-Marketing",
        HOME,
        "Shared conference booth",
        "marketing",
        "annual_plan",
        due="2026-10-15",
        recorded="2026-01-12",
        amount="12000",
        owner="katrin",
        steps=(("2026-09-10", "waived", {"note": "The conference was cancelled by the organizer."}),),
    ),
    # --- new and ending alliances ----------------------------------------------------------------------------
    Cm(
        CELESTE,
        "Celeste Sovereign Cloud",
        "Dedicated sovereign region capacity",
        "integration",
        "celeste",
        due="2026-10-01",
        recorded="2026-10-01",
        quantity="1",
        unit="region",
        owner="celeste_arch",
        steps=(_met("2026-10-01", "Region FR-2 reserved and certified for health data."),),
    ),
    Cm(
        CELESTE,
        HOME,
        "EU-only edition launch",
        "roadmap",
        "celeste",
        due="2026-12-01",
        recorded="2026-10-01",
        quantity="1",
        unit="release",
        status="in_progress",
        owner="tom",
        owner_user="alice",
    ),
    Cm(
        NIMBUS,
        "Nimbus Health",
        "Two US reference hospitals for the business case",
        "other",
        "handshake",
        due="2026-10-30",
        recorded="2026-09-14",
        quantity="2",
        unit="references",
        status="proposed",
        owner="nimbus_bd",
    ),
    Cm(
        OLDBRIDGE,
        "OldBridge Software",
        "API v3 support in the ERP",
        "roadmap",
        "oldbridge",
        due="2025-12-31",
        recorded=IMPORT,
        quantity="1",
        unit="release",
        owner="oldbridge_pm",
        steps=(
            ("2026-01-12", "missed", {"note": "Not delivered: OldBridge moved the team to maintenance."}),
        ),
    ),
    Cm(
        OLDBRIDGE,
        "OldBridge Software",
        "Cloud connector beta (Q2 2026)",
        "roadmap",
        "oldbridge",
        due="2026-06-30",
        recorded="2026-01-15",
        quantity="1",
        unit="release",
        owner="oldbridge_pm",
        steps=(("2026-07-06", "missed", {"note": "No beta; OldBridge asked for another quarter."}),),
    ),
    Cm(
        OLDBRIDGE,
        "OldBridge Software",
        "Cloud connector GA (Q4 2026)",
        "roadmap",
        "oldbridge",
        due="2026-10-15",
        recorded="2026-01-15",
        quantity="1",
        unit="release",
        owner="oldbridge_pm",
        steps=(("2026-10-28", "missed", {"note": "Missed again; the exit plan starts."}),),
    ),
    Cm(
        OLDBRIDGE,
        HOME,
        "Connector maintenance until 31 March 2027",
        "other",
        "oldbridge",
        due="2027-03-31",
        recorded="2026-10-27",
        quantity="0.5",
        unit="FTE",
        owner="tom",
    ),
)


# --- loading ---------------------------------------------------------------------------------------

STAMPED = (Agreement, AgreementDocument, Commitment)


def _moment(day: str, step: int = 0) -> datetime:
    local = timezone.make_aware(
        datetime.combine(date.fromisoformat(day), time(9, 30)) + timedelta(minutes=step)
    )
    return local.astimezone(UTC)


@contextlib.contextmanager
def _at(day: str, step: int = 0) -> Iterator[None]:
    """The story clock for this app's writes, and ``created_at`` set to that moment."""
    from amity.demo.loader import story_time

    when = _moment(day, step)
    marks = {m: m._default_manager.aggregate(x=Max("pk"))["x"] or 0 for m in STAMPED}
    with story_time(when):
        yield
    for model, mark in marks.items():
        model._default_manager.filter(pk__gt=mark).update(created_at=when)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, Latin-1 text) - no library needed."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "72 770 Td", f"({esc(title)}) Tj", "/F1 10 Tf", "0 -30 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "0 -15 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _Loader:
    def __init__(self, loader: Any):
        self.loader = loader
        self.result = loader.result
        self.alliances = {a.name: a for a in Alliance.objects.select_related("owner")}
        self.agreements: dict[str, Agreement] = {}

    def user_for(self, alliance: Alliance, key: str = "") -> Any:
        if key:
            return self.loader.users[key]
        return alliance.owner or self.loader.users["hannah"]

    # --- agreements ---------------------------------------------------------------------------

    def agreement(self, spec: Ag) -> None:
        alliance = self.alliances.get(spec.alliance)
        if alliance is None:
            return
        existing = Agreement.objects.filter(alliance=alliance, title=spec.title).first()
        if existing is not None:
            self.result.existing["agreements"] += 1
            self.agreements[spec.key] = existing
            return
        user = self.user_for(alliance)
        with _at(spec.recorded):
            agreement = services.agreement_create(
                alliance=alliance,
                user=user,
                data={
                    "title": spec.title,
                    "kind": spec.kind,
                    "status": spec.status,
                    "signed_date": _d(spec.signed),
                    "effective_date": _d(spec.effective),
                    "expiry_date": _d(spec.expiry),
                    "auto_renew": spec.renew_months is not None,
                    "renewal_term_months": spec.renew_months,
                    "notice_period_days": spec.notice_days,
                    "exclusive": bool(spec.exclusive_scope),
                    "exclusivity_scope": spec.exclusive_scope,
                    "ip_terms": spec.ip_terms,
                    "value": Decimal(spec.value) if spec.value else None,
                    "currency": spec.currency,
                    "notes": spec.notes,
                },
            )
        self.result.created["agreements"] += 1
        for i, step in enumerate(spec.steps, start=1):
            day, action, *args = step
            with _at(day, i):
                agreement.refresh_from_db()
                if action == "status":
                    to_status = args[0]
                    on = _d(args[1]) if len(args) > 1 and args[1] else None
                    reason = args[2] if len(args) > 2 else ""
                    services.agreement_set_status(
                        agreement=agreement, to_status=to_status, on=on, reason=reason, user=user
                    )
                elif action == "renew":
                    services.agreement_renew(agreement=agreement, user=user)
                elif action == "document":
                    self.document(agreement, spec, args[0], args[1], user)
        agreement.refresh_from_db()
        self.agreements[spec.key] = agreement

    def document(self, agreement: Agreement, spec: Ag, name: str, description: str, user: Any) -> None:
        if AgreementDocument.objects.filter(agreement=agreement, original_name=name).exists():
            return
        parties = ", ".join(o.name for o in agreement.parties.order_by("-is_home", "name"))
        lines = [
            f"Parties: {parties}",
            f"Kind: {agreement.get_kind_display()}",
            f"Signed: {agreement.signed_date or '-'}    Effective: {agreement.effective_date or '-'}",
            f"Expires: {agreement.expiry_date or 'open-ended'}",
        ]
        if agreement.auto_renew:
            lines.append(
                f"Renews automatically for {agreement.renewal_term_months} months unless either party "
                f"gives {agreement.notice_period_days} days' notice."
            )
        if agreement.exclusivity_scope:
            lines.append(f"Exclusivity: {agreement.exclusivity_scope}")
        if agreement.ip_terms:
            lines.append("IP ownership: " + agreement.ip_terms[:110])
        lines += ["", "Demo document generated by Amity - the Halcyon Data story. Not a real contract."]
        upload = SimpleUploadedFile(name, pdf(agreement.title, lines), content_type="application/pdf")
        services.document_upload(agreement=agreement, upload=upload, description=description, user=user)
        self.result.created["agreement documents"] += 1

    # --- commitments ------------------------------------------------------------------------------

    def commitment(self, spec: Cm) -> None:
        alliance = self.alliances.get(spec.alliance)
        party = self.loader.orgs.get(spec.party)
        if alliance is None or party is None:
            return
        if Commitment.objects.filter(
            alliance=alliance, party=party, title=spec.title, replaces__isnull=True
        ).exists():
            self.result.existing["commitments"] += 1
            return
        user = self.user_for(alliance)
        hard = spec.source not in SOFT_SOURCES
        data = {
            "party": party,
            "nature": "hard" if hard else "soft",
            "soft_source": "" if hard else spec.source,
            "agreement": self.agreements[spec.source] if hard else None,
            "category": spec.category,
            "title": spec.title,
            "description": spec.description,
            "quantity": Decimal(spec.quantity) if spec.quantity else None,
            "unit": spec.unit,
            "amount": Decimal(spec.amount) if spec.amount else None,
            "currency": spec.currency,
            "due_date": _d(spec.due),
            "status": spec.status,
            "owner_contact": self.loader.people.get(spec.owner) if spec.owner else None,
            "owner_user": self.loader.users[spec.owner_user] if spec.owner_user else None,
        }
        with _at(spec.recorded, 30):
            commitment = services.commitment_create(alliance=alliance, data=data, user=user)
        self.result.created["commitments"] += 1
        for i, (day, to_status, extra) in enumerate(spec.steps, start=31):
            extra = dict(extra)
            if "met_on" in extra:
                extra["met_on"] = _d(extra["met_on"])
            if "replacement" in extra:
                extra["replacement"] = {
                    k: _d(v) if k == "due_date" else v for k, v in extra["replacement"].items()
                }
            with _at(day, i):
                commitment.refresh_from_db()
                commitment = services.commitment_set_status(
                    commitment=commitment, to_status=to_status, user=user, **extra
                )
                if to_status == "renegotiated":
                    self.result.created["commitments"] += 1


def load(loader: Any) -> None:
    """Add the agreements, documents and commitments of the story (idempotent)."""
    builder = _Loader(loader)
    for spec in AGREEMENTS:
        builder.agreement(spec)
    for spec in COMMITMENTS:
        builder.commitment(spec)
