"""The joint pipeline in the demo story (told as of 1 November 2026), through the services.

* ~60 customer accounts, most ours, some owned by partners (Stratus, Meridian, Kestrel IT,
  Norte Sistemas, Pacific Rim).
* ~80 opportunities: Stratus has the big co-sell pipeline, Meridian the healthcare deals,
  the channel partners resell; some won and lost, each with its stage history on its dates.
* Deal registration: **Kestrel IT** (Lena) registered *Nordwind Logistik GmbH* and was
  approved (protected until January 2027); **Norte Sistemas** then registered the same
  customer as *NORDWIND-LOGISTIK G.m.b.H.* at ``https://www.nordwind-logistik.de`` - it is
  flagged with Kestrel's registration as a competing match and waits for a decision past its
  deadline. Kestrel's registration of *Alpenrose Hotels* was rejected with a reason (a direct
  account with an open opportunity); Stratus's *Vesta Insurance* was approved and converted.

Idempotent by natural keys: accounts by (owning side, name), opportunities by name,
registrations by (partner, customer name). What exists is left as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from amity.alliances.models import Alliance
from amity.demo.loader import story_time
from amity.partners.models import Organization

from . import services
from .models import (
    Account,
    AccountStatus,
    DealRegistration,
    Lead,
    LeadRoutingRule,
    MappingRun,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    OpportunityStageChange,
    PartnerRole,
    RegistrationMatch,
)

MODELS = (
    MappingRun,
    Lead,
    LeadRoutingRule,
    Account,
    Opportunity,
    OpportunityAlliance,
    OpportunityStageChange,
    DealRegistration,
    RegistrationMatch,
)

STRATUS = "Stratus Cloud Co-Sell"
MERIDIAN = "Halcyon + Meridian Healthcare Data Platform"
KESTREL = "Kestrel IT Reseller (DACH)"
NORTE = "Norte Sistemas Reseller (Iberia)"
PACIFIC = "Pacific Rim Solutions Reseller (APAC)"
ATLAS = "Atlas Distribution (UK & Ireland)"
LUMEN = "Lumen CRM Integration"
BLUEPEAK = "Bluepeak Managed Analytics"

#: (name, domain, country, industry, owner organization name or "" for ours, customer?)
ACCOUNTS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("Vesta Insurance SE", "vesta-insurance.eu", "DE", "Insurance", "", True),
    ("Orion Retail Group", "orionretail.com", "US", "Retail", "", True),
    ("Kingsbridge Bank plc", "kingsbridgebank.co.uk", "GB", "Banking", "", True),
    ("Helios Energy AG", "helios-energy.de", "DE", "Energy", "", False),
    ("Tidewater Logistics Inc", "tidewaterlogistics.com", "US", "Logistics", "", False),
    ("Marlow Foods Ltd", "marlowfoods.co.uk", "GB", "Food & beverage", "", True),
    ("Aurora Telecom Oy", "auroratelecom.fi", "FI", "Telecommunications", "", False),
    ("Cascade Manufacturing LLC", "cascademfg.com", "US", "Manufacturing", "", True),
    ("Bellhaven Pharma NV", "bellhaven-pharma.be", "BE", "Pharmaceuticals", "", False),
    ("Granite Capital Partners", "granitecap.com", "US", "Financial services", "", False),
    ("Solstice Airlines", "solstice-air.com", "IE", "Airlines", "", True),
    ("Verdant Agritech BV", "verdant-agritech.nl", "NL", "Agriculture", "", False),
    ("Ironclad Insurance Co", "ironcladins.com", "US", "Insurance", "", False),
    ("Polaris Automotive GmbH", "polaris-auto.de", "DE", "Automotive", "", True),
    ("Meadowbrook University", "meadowbrook.edu", "US", "Education", "", False),
    ("Northwind Traders", "northwindtraders.com", "US", "Wholesale", "", True),
    ("Crescent Media SA", "crescent-media.fr", "FR", "Media", "", False),
    ("Summit Health Systems", "summithealth.org", "US", "Healthcare", "", True),
    ("Riverside Medical Center", "riversidemedical.org", "US", "Healthcare", "", False),
    ("St. Brigid Hospital Group", "stbrigid.ie", "IE", "Healthcare", "", False),
    ("Nordic Care AB", "nordiccare.se", "SE", "Healthcare", "", True),
    ("Clearwater Clinics", "clearwaterclinics.com", "US", "Healthcare", "", False),
    ("Hanseatic Health GmbH", "hanseatic-health.de", "DE", "Healthcare", "", False),
    ("Lisbon Diagnostics Lda", "lisbondiagnostics.pt", "PT", "Healthcare", "", False),
    ("Alpenrose Hotels AG", "alpenrose-hotels.ch", "CH", "Hospitality", "", False),
    ("Quantum Freight GmbH", "quantumfreight.de", "DE", "Logistics", "Kestrel IT", False),
    ("Rheinland Stadtwerke", "rheinland-sw.de", "DE", "Utilities", "Kestrel IT", True),
    ("Bergmann Maschinenbau KG", "bergmann-mb.de", "DE", "Manufacturing", "Kestrel IT", False),
    ("Wiener Versicherung AG", "wiener-vers.at", "AT", "Insurance", "Kestrel IT", False),
    ("Zurich Precision SA", "zurichprecision.ch", "CH", "Manufacturing", "Kestrel IT", True),
    ("Iberia Seguros SA", "iberiaseguros.es", "ES", "Insurance", "Norte Sistemas", False),
    ("Catalunya Retail SL", "catalunyaretail.es", "ES", "Retail", "Norte Sistemas", True),
    ("Porto Logistica Lda", "portologistica.pt", "PT", "Logistics", "Norte Sistemas", False),
    ("Madrid Metro Energía", "madridenergia.es", "ES", "Energy", "Norte Sistemas", False),
    ("Sydney Harbour Bank", "sydneyharbourbank.com.au", "AU", "Banking", "Pacific Rim Solutions", False),
    ("Kiwi Dairy Co-operative", "kiwidairy.co.nz", "NZ", "Food & beverage", "Pacific Rim Solutions", True),
    ("Singapore Port Authority Pte", "sgport.sg", "SG", "Logistics", "Pacific Rim Solutions", False),
    ("Lakeside Retail Inc", "lakesideretail.com", "US", "Retail", "Stratus Cloud", False),
    ("Apex Mobility Corp", "apexmobility.com", "US", "Transportation", "Stratus Cloud", True),
    ("Blue Harbor Financial", "blueharborfin.com", "US", "Financial services", "Stratus Cloud", False),
    # Stratus's own records of companies we also sell to: the account mapping finds them.
    ("Orion Retail Group Inc.", "orionretail.com", "US", "Retail", "Stratus Cloud", True),
    ("Northwind Traders Corp.", "www.northwindtraders.com", "US", "Wholesale", "Stratus Cloud", True),
    ("Redwood Semiconductors Inc.", "redwoodsemi.com", "US", "Semiconductors", "Stratus Cloud", False),
    ("Helios Energy", "helios-energy.de", "DE", "Energy", "Stratus Cloud", True),
    ("Granite Capital", "granitecap.com", "US", "Financial services", "Stratus Cloud", False),
    ("Tidewater Logistics", "tidewaterlogistics.com", "US", "Logistics", "Stratus Cloud", False),
    ("Evergreen Pharmacies", "evergreenrx.com", "US", "Healthcare", "Meridian Consulting", False),
    ("Highland Health Trust", "highlandhealth.org.uk", "GB", "Healthcare", "Meridian Consulting", True),
    ("Copperfield Mining Ltd", "copperfieldmining.com.au", "AU", "Mining", "", False),
    ("Starling Publishing", "starlingpub.com", "GB", "Media", "", False),
    ("Redwood Semiconductors", "redwoodsemi.com", "US", "Semiconductors", "", True),
    ("Oakmont Property Group", "oakmontproperty.com", "US", "Real estate", "", False),
    ("Falcon Aerospace SAS", "falcon-aero.fr", "FR", "Aerospace", "", False),
    ("Maple Leaf Grocers", "mapleleafgrocers.ca", "CA", "Retail", "", True),
    ("Trondheim Shipping AS", "trondheimshipping.no", "NO", "Shipping", "", False),
    ("Baltic Rail AS", "balticrail.ee", "EE", "Transportation", "", False),
    ("Pinecrest Schools", "pinecrest.edu", "US", "Education", "", False),
    ("Harborview Hotels", "harborviewhotels.com", "US", "Hospitality", "", False),
    ("Ember Games Studio", "embergames.com", "CA", "Gaming", "", False),
    ("Atlas Water Utilities", "atlaswater.co.uk", "GB", "Utilities", "", True),
    ("Cobalt Chemicals BV", "cobaltchem.nl", "NL", "Chemicals", "", False),
    ("Sunrise Telecom KK", "sunrisetel.jp", "JP", "Telecommunications", "", False),
    ("Gulfstream Ports", "gulfstreamports.com", "US", "Logistics", "", False),
    ("Monarch Insurance Group", "monarchins.com", "US", "Insurance", "", True),
    ("Pioneer Seeds Inc", "pioneerseeds.com", "US", "Agriculture", "", False),
    ("Nordwind Logistik GmbH", "nordwind-logistik.de", "DE", "Logistics", "", False),
)

OFFERINGS = (
    "Governed lakehouse",
    "Analytics platform",
    "Data quality suite",
    "Real-time pipelines",
    "Marketplace private offer",
    "Migration to Stratus",
)
HEALTH_OFFERINGS = ("Clinical data platform", "Population health analytics", "FHIR integration")

#: Per alliance: (partner's role, how many opportunities, amount base, owner, account pool filter)
PLAN: tuple[tuple[str, str, int, int, str], ...] = (
    (STRATUS, PartnerRole.CO_SELL, 26, 420_000, "alice"),
    (MERIDIAN, PartnerRole.CO_SELL, 10, 260_000, "omar"),
    (KESTREL, PartnerRole.RESELL, 10, 90_000, "sam"),
    (NORTE, PartnerRole.RESELL, 8, 70_000, "alice"),
    (PACIFIC, PartnerRole.RESELL, 7, 85_000, "alice"),
    (ATLAS, PartnerRole.RESELL, 6, 60_000, "sam"),
    (LUMEN, PartnerRole.INFLUENCED, 7, 120_000, "alice"),
    (BLUEPEAK, PartnerRole.REFERRAL, 6, 95_000, "alice"),
)

#: Stage paths by index: where each opportunity ended up (the last stage) and how it got there.
PATHS: tuple[tuple[str, ...], ...] = (
    ("prospecting",),
    ("prospecting", "qualification"),
    ("prospecting", "qualification", "proposal"),
    ("qualification", "proposal", "negotiation"),
    ("qualification", "proposal", "negotiation", "closed_won"),
    ("prospecting", "qualification", "closed_lost"),
    ("qualification", "proposal"),
    ("prospecting", "qualification", "proposal", "negotiation", "closed_won"),
    ("qualification",),
    ("proposal", "negotiation", "closed_lost"),
)

STORY_DAY = date(2026, 11, 1)


def _moment(day: date, step: int = 0) -> datetime:
    naive = datetime.combine(day, time(9, 0)) + timedelta(minutes=10 * step)
    return timezone.make_aware(naive, timezone.get_default_timezone())


@contextlib.contextmanager
def at(when: datetime) -> Iterator[None]:
    """Write as if it were ``when`` - and stamp the rows created meanwhile with it."""
    marks = {model: model._default_manager.aggregate(m=Max("pk"))["m"] or 0 for model in MODELS}
    with story_time(when):
        yield
    for model, mark in marks.items():
        model._default_manager.filter(pk__gt=mark).update(created_at=when)


def load(loader: Any) -> None:
    """Tell the pipeline's part of the story (idempotent; missing alliances are skipped)."""
    home = Organization.objects.filter(is_home=True).first()
    if home is None:
        return
    users = loader.users
    accounts = _accounts(home, users["alice"])
    _opportunities(accounts, users)
    _direct_deals(accounts, users)
    _registrations(users, accounts)
    _mapping(users)
    from .demo_leads import load as load_leads

    load_leads(users)


def _accounts(home: Organization, user: Any) -> dict[str, Account]:
    found: dict[str, Account] = {}
    orgs = {o.name: o for o in Organization.objects.filter(name__in={a[4] for a in ACCOUNTS if a[4]})}
    for i, (name, domain, country, industry, owner_name, customer) in enumerate(ACCOUNTS):
        owner = orgs.get(owner_name, home) if owner_name else home
        existing = Account.objects.filter(owner_organization=owner, name=name).first()
        if existing is None:
            with at(_moment(date(2025, 1, 15) + timedelta(days=i * 9))):
                existing = services.account_create(
                    data={
                        "name": name,
                        "domain": domain,
                        "country": country,
                        "industry": industry,
                        "owner_organization": owner,
                        "status": AccountStatus.CUSTOMER if customer else AccountStatus.PROSPECT,
                        "external_ids": {"salesforce": f"001DEMO{i + 1:08d}"},
                    },
                    user=user,
                )
        found[name] = existing
    return found


def _short(name: str) -> str:
    """The account's name without its legal form: "Porto Logistica Lda" → "Porto Logistica"."""
    from .normalize import LEGAL_SUFFIXES

    words = name.split()
    while len(words) > 1 and words[-1].strip(".,").lower().replace(".", "") in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def _pool(alliance_name: str, accounts: dict[str, Account]) -> list[Account]:
    healthcare = [a for a in accounts.values() if a.industry == "Healthcare"]
    by_owner = {
        KESTREL: "Kestrel IT",
        NORTE: "Norte Sistemas",
        PACIFIC: "Pacific Rim Solutions",
    }
    if alliance_name == MERIDIAN:
        return [
            a
            for a in healthcare
            if a.owner_organization.is_home or a.owner_organization.name == "Meridian Consulting"
        ]
    if alliance_name in by_owner:
        owned = [a for a in accounts.values() if a.owner_organization.name == by_owner[alliance_name]]
        return (
            owned
            + [
                a
                for a in accounts.values()
                if a.owner_organization.is_home
                and a.industry not in ("Healthcare",)
                and a.name != "Nordwind Logistik GmbH"
            ][:4]
        )
    ours = [
        a
        for a in accounts.values()
        if a.owner_organization.is_home
        and a.industry != "Healthcare"
        and a.name not in ("Nordwind Logistik GmbH", "Alpenrose Hotels AG")
    ]
    if alliance_name == STRATUS:
        stratus = [a for a in accounts.values() if a.owner_organization.name == "Stratus Cloud"]
        return stratus + ours
    return ours[::-1]


def _links(alliance: Alliance, role: str, n: int) -> list[tuple[Alliance, str]]:
    """Which alliance links a demo deal gets: every third co-sell or resell deal was sourced by
    the partner, and every seventh deal on a co-sell account was ours alone (no partner), so
    the forecast can compare deals with and without a partner."""
    if role == PartnerRole.CO_SELL and n % 7 == 6:
        return []
    if role in (PartnerRole.CO_SELL, PartnerRole.RESELL) and n % 3 == 0:
        return [(alliance, PartnerRole.SOURCED)]
    return [(alliance, role)]


def _opportunities(accounts: dict[str, Account], users: dict[str, Any]) -> None:
    serial = 0
    used: set[str] = set()
    for alliance_name, role, count, base, owner in PLAN:
        alliance = Alliance.objects.filter(name=alliance_name).first()
        if alliance is None:
            continue
        pool = _pool(alliance_name, accounts)
        if not pool:
            continue
        for n in range(count):
            serial += 1
            account = pool[n % len(pool)]
            offerings = HEALTH_OFFERINGS if alliance_name == MERIDIAN else OFFERINGS
            offering = offerings[n % len(offerings)]
            name = f"{_short(account.name)} – {offering}"
            for suffix in (" (expansion)", " (renewal)", " (phase 3)", " (phase 4)"):
                if name not in used:
                    break
                name = f"{_short(account.name)} – {offering}{suffix}"
            used.add(name)
            if Opportunity.objects.filter(name=name).exists():
                continue
            path = PATHS[serial % len(PATHS)]
            amount = Decimal(base + ((n * 37_000 + serial * 13_000) % base)).quantize(Decimal("1000"))
            final = path[-1]
            start = STORY_DAY - timedelta(days=40 + (serial * 11) % 300)
            if final in ("closed_won", "closed_lost"):
                close = start + timedelta(days=25 * len(path) + 10)
                close = min(close, STORY_DAY - timedelta(days=3))
            else:
                close = STORY_DAY + timedelta(days=20 + (serial * 17) % 260)
            owner_user = users.get(owner) or users["alice"]
            # A sales rep owns the deal; an alliance manager enters it (reps cannot edit the pipeline).
            user = owner_user if owner_user.role in ("admin", "manager") else users["alice"]
            with at(_moment(start)):
                opp = services.opportunity_create(
                    data={
                        "name": name,
                        "account": account,
                        "amount": amount,
                        "currency": "EUR",
                        "stage": path[0],
                        "close_date": close,
                        "owner": owner_user,
                        "external_ids": {"salesforce": f"006DEMO{serial:08d}"},
                    },
                    alliances=_links(alliance, role, n),
                    user=user,
                )
            # Moves are spread evenly from the start to the close date (closed deals) or to the
            # story's day (open ones), so the stage history reads in order.
            end = close if final in ("closed_won", "closed_lost") else STORY_DAY - timedelta(days=2)
            steps = len(path) - 1
            for k, stage in enumerate(path[1:], start=1):
                day = start + timedelta(days=max(1, ((end - start).days * k) // steps))
                with at(_moment(min(day, STORY_DAY), k)):
                    opp = services.opportunity_set_stage(opportunity=opp, stage=stage, user=user)


#: Deals our direct sales team ran without any partner: (account, offering, amount, stages, days).
#: Fewer of them close as won and they take longer - the contrast the forecast's partner-impact
#: panel shows (seed 002: partners bring access, capability and credibility to the deal).
DIRECT_DEALS: tuple[tuple[str, str, int, tuple[str, ...], int], ...] = (
    ("Copperfield Mining Ltd", "Analytics platform", 240_000, ("prospecting", "qualification", "closed_lost"), 150),
    ("Starling Publishing", "Data quality suite", 90_000, ("prospecting", "qualification", "proposal", "closed_lost"), 170),
    ("Oakmont Property Group", "Analytics platform", 180_000, ("prospecting", "proposal", "negotiation", "closed_won"), 190),
    ("Falcon Aerospace SAS", "Governed lakehouse", 650_000, ("prospecting", "qualification", "proposal", "closed_lost"), 210),
    ("Trondheim Shipping AS", "Real-time pipelines", 210_000, ("prospecting", "qualification", "closed_lost"), 120),
    ("Baltic Rail AS", "Data quality suite", 75_000, ("prospecting", "qualification", "proposal", "negotiation", "closed_lost"), 230),
    ("Pinecrest Schools", "Analytics platform", 60_000, ("prospecting", "qualification", "proposal", "closed_won"), 160),
    ("Harborview Hotels", "Governed lakehouse", 320_000, ("prospecting", "qualification", "closed_lost"), 140),
    ("Ember Games Studio", "Real-time pipelines", 140_000, ("prospecting", "qualification", "proposal"), 0),
    ("Gulfstream Ports", "Governed lakehouse", 480_000, ("prospecting", "qualification"), 0),
)  # fmt: skip


def _direct_deals(accounts: dict[str, Account], users: dict[str, Any]) -> None:
    owner, user = users.get("sam") or users["alice"], users["alice"]  # Sam's deals, entered by Alice
    for serial, (company, offering, amount, path, days) in enumerate(DIRECT_DEALS, start=1):
        account = accounts.get(company)
        name = f"{_short(company)} – {offering} (direct)"
        if account is None or Opportunity.objects.filter(name=name).exists():
            continue
        closed = path[-1] in ("closed_won", "closed_lost")
        start = STORY_DAY - timedelta(days=(days or 60) + 20 + serial * 9)
        close = start + timedelta(days=days) if closed else STORY_DAY + timedelta(days=45 + serial * 20)
        with at(_moment(start)):
            opp = services.opportunity_create(
                data={
                    "name": name,
                    "account": account,
                    "amount": Decimal(amount),
                    "currency": "EUR",
                    "stage": path[0],
                    "close_date": close,
                    "owner": owner,
                    "external_ids": {"salesforce": f"006DIRECT{serial:07d}"},
                },
                alliances=[],
                user=user,
            )
        end = close if closed else STORY_DAY - timedelta(days=2)
        for k, stage in enumerate(path[1:], start=1):
            day = start + timedelta(days=max(1, ((end - start).days * k) // (len(path) - 1)))
            with at(_moment(min(day, STORY_DAY), k)):
                opp = services.opportunity_set_stage(opportunity=opp, stage=stage, user=user)


def _registrations(users: dict[str, Any], accounts: dict[str, Account]) -> None:
    alice, lena = users["alice"], users.get("lena")
    kestrel = Alliance.objects.filter(name=KESTREL).first()
    norte = Alliance.objects.filter(name=NORTE).first()
    stratus = Alliance.objects.filter(name=STRATUS).first()
    meridian = Alliance.objects.filter(name=MERIDIAN).first()

    def exists(alliance: Alliance, company: str) -> bool:
        return DealRegistration.objects.filter(alliance=alliance, company_name=company).exists()

    def submit(by: Any, alliance: Alliance, on: date, **data: Any) -> DealRegistration:
        with at(_moment(on)):
            return services.registration_submit(data=data, alliance=alliance, user=by)

    # Alpenrose is a direct account of ours with an open opportunity: the match tells the reviewer.
    alpenrose = accounts.get("Alpenrose Hotels AG")
    if alpenrose is not None and not Opportunity.objects.filter(account=alpenrose).exists():
        with at(_moment(date(2026, 6, 2))):
            services.opportunity_create(
                data={
                    "name": "Alpenrose Hotels – Guest analytics (direct)",
                    "account": alpenrose,
                    "amount": Decimal("180000"),
                    "currency": "EUR",
                    "stage": OpportunityStage.PROPOSAL,
                    "close_date": date(2026, 12, 18),
                    "owner": users.get("sam") or alice,
                },
                user=alice,
            )

    if kestrel and lena:
        if not exists(kestrel, "Alpenrose Hotels AG"):
            r = submit(
                lena,
                kestrel,
                date(2026, 9, 14),
                company_name="Alpenrose Hotels AG",
                domain="www.alpenrose-hotels.ch",
                country="CH",
                contact_name="Urs Brunner",
                contact_email="urs.brunner@alpenrose-hotels.ch",
                offering="Analytics platform, 40 hotels",
                amount=Decimal("150000"),
                currency="EUR",
                expected_close_date=date(2026, 12, 31),
                notes="Met at the Zurich hospitality summit.",
            )
            with at(_moment(date(2026, 9, 16), 1)):
                services.registration_reject(
                    registration=r,
                    reason=(
                        "Alpenrose Hotels is a direct named account: our enterprise team has had a proposal "
                        "open since June. We would like Kestrel to deliver the implementation services - "
                        "Alice will call you about a services subcontract."
                    ),
                    user=alice,
                )
        if not exists(kestrel, "Nordwind Logistik GmbH"):
            r = submit(
                lena,
                kestrel,
                date(2026, 10, 5),
                company_name="Nordwind Logistik GmbH",
                domain="nordwind-logistik.de",
                country="DE",
                contact_name="Jonas Weber",
                contact_email="jonas.weber@nordwind-logistik.de",
                offering="Data quality suite, 3 warehouses",
                amount=Decimal("210000"),
                currency="EUR",
                expected_close_date=date(2027, 2, 26),
                notes="CIO sponsor; replacing a legacy ETL tool.",
            )
            with at(_moment(date(2026, 10, 7), 1)):
                services.registration_approve(registration=r, user=alice)
    if norte and not exists(norte, "NORDWIND-LOGISTIK G.m.b.H."):
        # Norte Sistemas has no Amity user: the alliance manager registers for them.
        submit(
            alice,
            norte,
            date(2026, 10, 27),
            company_name="NORDWIND-LOGISTIK G.m.b.H.",
            domain="https://www.nordwind-logistik.de/",
            country="DE",
            contact_name="Jonas Weber",
            contact_email="j.weber@nordwind-logistik.de",
            offering="Real-time pipelines for the Iberian hubs",
            amount=Decimal("95000"),
            currency="EUR",
            expected_close_date=date(2027, 1, 29),
            notes="Registered by e-mail from Norte's sales lead, Madrid.",
        )
    priya = users.get("priya")
    if stratus and priya and not exists(stratus, "Vesta Insurance SE"):
        r = submit(
            priya,
            stratus,
            date(2026, 9, 1),
            company_name="Vesta Insurance SE",
            domain="vesta-insurance.eu",
            country="DE",
            contact_name="Katrin Vogel",
            contact_email="katrin.vogel@vesta-insurance.eu",
            offering="Marketplace private offer, lakehouse",
            amount=Decimal("640000"),
            currency="EUR",
            expected_close_date=date(2026, 12, 15),
            notes="Draws down Vesta's committed Stratus spend.",
        )
        with at(_moment(date(2026, 9, 2), 1)):
            r = services.registration_approve(registration=r, user=alice)
        with at(_moment(date(2026, 9, 4), 2)):
            services.registration_convert(registration=r, user=alice)
    marco = users.get("marco")
    if meridian and marco and not exists(meridian, "St. Brigid Hospital Group"):
        submit(
            marco,
            meridian,
            date(2026, 10, 29),
            company_name="St. Brigid Hospital Group",
            domain="stbrigid.ie",
            country="IE",
            contact_name="Aoife Byrne",
            contact_email="aoife.byrne@stbrigid.ie",
            offering="Clinical data platform",
            amount=Decimal("380000"),
            currency="EUR",
            expected_close_date=date(2027, 3, 31),
        )


def _mapping(users: dict[str, Any]) -> None:
    """Alice mapped our accounts against Stratus's (shared mode) before the QBR."""
    from .services_mapping import mapping_shared

    stratus = Alliance.objects.filter(name=STRATUS).first()
    partner = Organization.objects.filter(name="Stratus Cloud").first()
    if stratus is None or partner is None or MappingRun.objects.filter(alliance=stratus).exists():
        return
    with at(_moment(date(2026, 10, 20))):
        mapping_shared(user=users["alice"], alliance=stratus, partner=partner, reveal=True)
