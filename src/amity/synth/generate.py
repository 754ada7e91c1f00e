"""``generate()``: a believable synthetic alliance program, written fast (see docs/generate.md).

What is generated, for ``partners`` N, ``alliances`` M, ``opportunities`` K and ``accounts`` A:

* **Reference data**, only where missing: our home organization (the demo's Halcyon Data), the
  corporate objectives and exchange rates of the demo, one MDF program, and the internal people -
  alliance managers (about one per 150 alliances), sales reps (one per 25,000 opportunities), two
  executives and one inactive ``amity-generate`` account that marks the database as generated.
  Tiers, review rules, stage gates and instruments come from the migrations (run ``amity
  migrate`` first).
* **Partners**: N organizations (kind, country, size, capabilities …) with 1-3 contacts each,
  about one contact of ours per 100 alliances (sponsors), and a portal user (the partner's alliance
  manager) for every running alliance - they register the deals and request the funds.
* **Alliances**: M, each with a distinct primary partner (consortia add members), our company as
  host, a life-cycle stage with its stage history, the gate checklist of every transition, and
  then by stage: strategic reviews scored and classified by the review rules (mirrored as
  assessments, as ``review_record`` does), the recommended tier with its tier change, corporate
  objectives, sponsors and joint team, NDA and main agreement, ~6 commitments, ~5 milestones, the
  joint business plan with objectives and both sides' agreement, and for a third of the running
  alliances an MDF budget with requests, claims, payments and the ledger behind the balances.
* **Accounts**: A of ours (our CRM) and A of partners' (for account mapping: ~35% are the same
  companies as ours), with CRM ids.
* **Opportunities**: K on our accounts, with stage history; won/lost follow the close date; about
  a third are linked to an alliance with the partner's role, and some of those were registered by
  the partner first (deal registrations, approved or expired by the protection rules).

Deterministic: the same sizes, ``seed`` and ``as_of`` give the same rows (ids aside when the
database already held rows). Rows are written in chunks by :mod:`.writer` (COPY on PostgreSQL).
History tables (simple-history) stay empty for generated rows: the app does not need them.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import random
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from amity.accounts.models import User
from amity.agreements.models import Agreement, Commitment
from amity.alliances import rules as review_rules
from amity.alliances.models import (
    ACTIVITIES,
    CRITERIA,
    Alliance,
    AllianceMember,
    AllianceParty,
    CorporateObjective,
    GateCheck,
    GateRequirement,
    ReviewRule,
    StageChange,
    StrategicReview,
    Tier,
    TierChange,
)
from amity.assessments import strategic_review
from amity.assessments.models import Answer, Assessment, Instrument, Response
from amity.core import periods
from amity.core.roles import Role
from amity.demo import data as demo
from amity.demo.loader import email_for
from amity.funds.models import (
    Budget,
    Claim,
    ExchangeRate,
    FundProgram,
    FundRequest,
    LedgerEntry,
    Payment,
)
from amity.partners.models import Contact, Organization
from amity.pipeline.models import (
    STAGE_PROBABILITY,
    Account,
    DealRegistration,
    Opportunity,
    OpportunityAlliance,
    OpportunityStageChange,
)
from amity.pipeline.services import add_business_days, protection_days, review_days
from amity.planning.models import JointBusinessPlan, Milestone, PlanAgreement, PlanObjective

from . import words
from .names import NameSpace
from .writer import ProgressCallback, Sink

#: The inactive user whose presence marks a database as holding generated data.
MARKER_USERNAME = "amity-generate"
#: Rows of the main table per transaction.
CHUNK = 50_000
#: Share of partner accounts that are companies we also have as accounts (account mapping).
ACCOUNT_OVERLAP = 0.35
HISTORY_DAYS = 1095  # about three years back
DAY = 86_400

STAGES = ("identify", "assess", "negotiate", "launch", "manage", "review", "transform", "retired")
STAGE_WEIGHTS = (8, 10, 10, 10, 44, 8, 4, 6)
#: (min, max) age in days of an alliance in each stage.
STAGE_AGE = {
    "identify": (5, 150),
    "assess": (20, 300),
    "negotiate": (60, 450),
    "launch": (100, 600),
    "manage": (200, HISTORY_DAYS),
    "review": (380, HISTORY_DAYS),
    "transform": (400, HISTORY_DAYS),
    "retired": (300, HISTORY_DAYS),
}
FORWARD = ("assess", "negotiate", "launch", "manage")
RUNNING = ("launch", "manage", "review", "transform")  # the re-tiered, co-selling stages
OPP_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
ROLES = ("co_sell", "influenced", "sourced", "resell", "referral")
ROLE_WEIGHTS = (35, 25, 20, 12, 8)


class GenerateError(ValueError):
    """Bad options or an unsuitable database; the message names the option to change."""


# --- days and times -----------------------------------------------------------------------------


class Clock:
    """Days as offsets from ``as_of`` (0 is that day, -1 the day before) and timestamps as the
    database takes them, for local business hours converted to UTC."""

    LO, HI = -2200, 2200

    def __init__(self, as_of: date, vendor: str) -> None:
        self.as_of = as_of
        self.base = as_of.toordinal()
        tz = timezone.get_current_timezone()
        self._dates: list[str] = []
        self._offsets: list[int] = []
        for d in range(self.LO - 1, self.HI + 2):
            day = date.fromordinal(self.base + d)
            self._dates.append(day.isoformat())
            offset = datetime.combine(day, dtime(12), tzinfo=tz).utcoffset()
            self._offsets.append(int(offset.total_seconds()) if offset else 0)
        self.suffix = "+00" if vendor == "postgresql" else ""
        self._hms = [f"{u // 3600:02d}:{u // 60 % 60:02d}:{u % 60:02d}" for u in range(DAY)]

    def date(self, d: int) -> date:
        return date.fromordinal(self.base + d)

    def offset(self, day: date) -> int:
        return day.toordinal() - self.base

    def day(self, d: int) -> str:
        i = d - self.LO + 1
        if 0 <= i < len(self._dates):
            return self._dates[i]
        return date.fromordinal(self.base + d).isoformat()

    def at(self, d: int, seconds: int) -> str:
        """Day ``d`` at ``seconds`` after local midnight, as a UTC timestamp."""
        i = d - self.LO + 1
        u = seconds - self._offsets[i]
        if u < 0:
            u += DAY
            i -= 1
        elif u >= DAY:
            u -= DAY
            i += 1
        return f"{self._dates[i]} {self._hms[u]}{self.suffix}"

    def moment(self, d: int, seconds: int = 9 * 3600) -> datetime:
        local = datetime.combine(self.date(d), dtime()) + timedelta(seconds=seconds)
        return timezone.make_aware(local).astimezone(UTC)


def work(rng: random.Random) -> int:
    """Seconds after midnight during office hours."""
    return rng.randrange(8 * 3600, 18 * 3600)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def dec(cents: int) -> Decimal:
    return Decimal(cents) / 100


def weighted(rng: random.Random, options: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(options, weights=weights)[0]


def round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


# --- options ------------------------------------------------------------------------------------


def check_options(*, partners: int, alliances: int, opportunities: int, accounts: int, seed: int) -> None:
    for option, value in (
        ("--partners", partners),
        ("--alliances", alliances),
        ("--opportunities", opportunities),
        ("--accounts", accounts),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise GenerateError(f"{option} must be a whole number of 0 or more (got {value!r}).")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GenerateError(f"--seed must be a whole number (got {seed!r}).")
    if alliances > partners:
        raise GenerateError(
            f"--alliances ({alliances:,}) cannot exceed --partners ({partners:,}): every alliance has "
            "its own primary partner."
        )
    if opportunities and not accounts:
        raise GenerateError(
            "--opportunities needs --accounts of at least 1: every opportunity is for an account."
        )


def generate(
    *,
    partners: int,
    alliances: int,
    opportunities: int,
    accounts: int,
    seed: int = 1,
    progress: ProgressCallback | None = None,
    append: bool = False,
    as_of: date | None = None,
    using: str = "default",
    chunk: int = CHUNK,
    defer_indexes_at: int = 100_000,
) -> dict[str, Any]:
    """Generate the program into database ``using``; returns rows per table and ``seconds``.

    Refuses (:class:`GenerateError`, naming the option) negative sizes, more alliances than
    partners, opportunities without accounts, a database that was not migrated, and one that
    already holds generated data unless ``append`` is true. ``as_of`` (default: today) is the day
    the data is generated "as of": history lies before it, plans and pipeline after it.
    """
    check_options(
        partners=partners, alliances=alliances, opportunities=opportunities, accounts=accounts, seed=seed
    )
    started = time.perf_counter()
    run = Run(
        partners=partners,
        alliances=alliances,
        opportunities=opportunities,
        accounts=accounts,
        seed=seed,
        append=append,
        as_of=as_of or timezone.localdate(),
        using=using,
        chunk=max(1000, chunk),
        progress=progress,
        defer_indexes_at=defer_indexes_at,
    )
    run.execute()
    result: dict[str, Any] = {name: t.stats.rows for name, t in run.sink.tables.items() if t.stats.rows}
    for name, n in run.orm_rows.items():
        result[name] = result.get(name, 0) + n
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Org:
    """A planned partner organization."""

    index: int
    kind: str
    name: str
    domain: str
    country: str
    size: str
    created: int
    id: int = 0
    contacts: tuple[int, ...] = ()  # executive, alliance manager, technical (as many as it has)
    people: tuple[tuple[str, str], ...] = ()  # their (first, last) names


@dataclass
class Plan:
    """A planned alliance, with the days (offsets) it entered each stage."""

    org: Org
    type: str
    stage: str
    created: int
    path: list[str]
    days: dict[str, int]
    strength: float
    owner: int
    members: list[Org] = field(default_factory=list)
    id: int = 0
    name: str = ""
    value_cents: int = 0
    tier_id: int | None = None
    objectives: list[int] = field(default_factory=list)
    master: int | None = None  # the main agreement's id, once signed
    partner_user: int | None = None  # the partner's alliance manager signs in to the portal

    def reached(self, stage: str) -> bool:
        return stage in self.days


class Run:
    def __init__(
        self,
        *,
        partners: int,
        alliances: int,
        opportunities: int,
        accounts: int,
        seed: int,
        append: bool,
        as_of: date,
        using: str,
        chunk: int,
        progress: ProgressCallback | None,
        defer_indexes_at: int = 100_000,
    ) -> None:
        self.n_partners, self.n_alliances = partners, alliances
        self.n_opportunities, self.n_accounts = opportunities, accounts
        self.seed, self.append, self.as_of, self.using, self.chunk = seed, append, as_of, using, chunk
        now = timezone.make_aware(datetime.combine(as_of, dtime()))
        self.sink = Sink(using, now, progress, defer_at=defer_indexes_at)
        self.clock = Clock(as_of, self.sink.vendor)
        self.currency = settings.AMITY_REPORTING_CURRENCY
        self.orm_rows: dict[str, int] = {}

    def rng(self, label: str) -> random.Random:
        return random.Random(f"amity-generate:{self.seed}:{label}")

    def execute(self) -> None:
        self.reference()
        self.sink.begin()
        try:
            orgs = self.plan_organizations()
            plans = self.plan_alliances(orgs)
            self.write_organizations(orgs, plans)
            self.write_alliances(plans)
            self.write_accounts(orgs, plans)
            self.write_opportunities(plans)
        except BaseException:
            # Indexes and settings back as far as the connection allows; the first error wins.
            with contextlib.suppress(Exception):
                self.sink.finish()
            raise
        self.sink.finish()

    def _count(self, model: type, n: int) -> None:
        if n:
            name = model._meta.db_table
            self.orm_rows[name] = self.orm_rows.get(name, 0) + n

    # --- reference data (small, through the ORM) ----------------------------------------------

    def reference(self) -> None:
        manager = User._default_manager.db_manager(self.using)
        if not self.append and manager.filter(username=MARKER_USERNAME).exists():
            raise GenerateError(
                "This database already holds generated data (the amity-generate user exists). Generate "
                "into a fresh database (e.g. DATABASE_URL=sqlite:///var/gen.sqlite3 amity migrate), or "
                "pass --append to add more."
            )
        self.tiers = list(Tier.objects.using(self.using).filter(archived_at__isnull=True).order_by("rank"))
        self.rules = list(
            ReviewRule.objects.using(self.using)
            .filter(archived_at__isnull=True)
            .select_related("tier")
            .order_by("kind", "order", "id")
        )
        if not self.tiers or not self.rules:
            raise GenerateError(
                "The tiers and review rules are missing: run 'amity migrate' on this database first."
            )
        with transaction.atomic(using=self.using):
            self.home = self._home()
            self._people()
            self.objective_ids = self._objectives()
            self.currencies = self._rates()
            self.program = self._program()
        self.gates = {
            stage: self._checklist(stage)
            for stage in STAGES
            if stage != "identify"  # nothing enters identify: alliances start there
        }
        # The strategic-review instrument the reviews are mirrored on (none before it is synced).
        self.instrument = (
            Instrument.objects.using(self.using)
            .filter(key=strategic_review.KEY, active=True)
            .order_by("-version")
            .first()
        )
        self.items = {i.key: i.pk for i in self.instrument.items.all()} if self.instrument else {}

    def _home(self) -> Organization:
        orgs = Organization.objects.using(self.using)
        home = orgs.filter(is_home=True).first()
        if home is not None:
            return home
        spec = demo.HOME
        if orgs.filter(name=spec.name).exists():
            raise GenerateError(f"An organization named {spec.name!r} exists but is not marked as home.")
        home = Organization(
            name=spec.name,
            is_home=True,
            partner_kind=spec.kind,
            website=f"https://www.{spec.domain}",
            domain=spec.domain,
            country=spec.country,
            industry=spec.industry,
            size=spec.size,
            description=spec.description,
            capabilities="\n".join(spec.capabilities),
            strengths="\n".join(spec.strengths),
            weaknesses="\n".join(spec.weaknesses),
            created_at=self.clock.moment(-HISTORY_DAYS - 30),
        )
        home.full_clean()
        home.save(using=self.using)
        self._count(Organization, 1)
        return home

    def _people(self) -> None:
        """Alliance managers, sales reps, executives and the marker user (only the missing ones)."""
        rng = self.rng("people")
        users = User._default_manager.db_manager(self.using)
        taken = self.usernames = set(users.values_list("username", flat=True))
        wanted = [
            (Role.MANAGER, "Alliance Manager", max(3, min(300, math.ceil(self.n_alliances / 150)))),
            (Role.SALES, "Account Executive", max(5, min(500, math.ceil(self.n_opportunities / 25_000)))),
            (Role.EXECUTIVE, "Vice President Sales", 2),
        ]
        domain = self.home.domain or "example.com"
        joined = self.clock.moment(-HISTORY_DAYS - 20)
        unusable = self.unusable = make_password(None)
        new: list[User] = []
        if not users.filter(username=MARKER_USERNAME).exists():
            new.append(
                User(
                    username=MARKER_USERNAME,
                    first_name="Synthetic data",
                    last_name="(amity generate)",
                    role=Role.EXECUTIVE,
                    is_active=False,
                    is_staff=False,
                    is_superuser=False,
                    password=unusable,
                    title=f"Marks generated data (seed {self.seed}, as of {self.as_of})",
                    date_joined=joined,
                )
            )
        for role, title, count in wanted:
            have = users.filter(role=role, is_active=True).exclude(username=MARKER_USERNAME).count()
            for _ in range(count - have):
                first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
                base = f"{first}.{last}".lower()
                username, n = base, 1
                while username in taken:
                    n += 1
                    username = f"{base}{n}"
                taken.add(username)
                new.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=email_for(first, last, domain).replace("@", f"{n if n > 1 else ''}@", 1),
                        role=role,
                        title=title,
                        is_staff=False,
                        is_superuser=False,
                        password=unusable,
                        date_joined=joined,
                    )
                )
        users.bulk_create(new)
        self._count(User, len(new))
        active = users.filter(is_active=True).exclude(username=MARKER_USERNAME)
        self.managers = list(
            active.filter(role=Role.MANAGER).order_by("pk").values_list("pk", flat=True)
        ) or list(active.filter(role=Role.ADMIN).order_by("pk").values_list("pk", flat=True))
        self.reps = list(active.filter(role=Role.SALES).order_by("pk").values_list("pk", flat=True))

    def _objectives(self) -> list[int]:
        objectives = CorporateObjective.objects.using(self.using)
        if not objectives.filter(archived_at__isnull=True).exists():
            created = [
                CorporateObjective(
                    code=code,
                    title=title,
                    description=description,
                    target=target,
                    horizon_year=year,
                    created_at=self.clock.moment(-HISTORY_DAYS - 10),
                )
                for code, title, description, target, year in demo.OBJECTIVES
            ]
            objectives.bulk_create(created)
            self._count(CorporateObjective, len(created))
        return list(objectives.filter(archived_at__isnull=True).order_by("code").values_list("pk", flat=True))

    def _rates(self) -> list[str]:
        """The currencies money is generated in: mostly ours; USD and GBP when we report in EUR
        (the demo's dated rates are added where missing)."""
        if self.currency != "EUR":
            return [self.currency]
        from amity.funds.demo import RATES

        rates = ExchangeRate.objects.using(self.using)
        missing = [
            ExchangeRate(
                currency=c, rate=Decimal(r), valid_from=d, created_at=self.clock.moment(-HISTORY_DAYS)
            )
            for c, r, d in RATES
            if not rates.filter(currency=c, valid_from=d, archived_at__isnull=True).exists()
        ]
        rates.bulk_create(missing)
        self._count(ExchangeRate, len(missing))
        return ["EUR", "USD", "GBP"]

    def _program(self) -> FundProgram:
        programs = FundProgram.objects.using(self.using)
        program = programs.filter(active=True, archived_at__isnull=True).order_by("pk").first()
        if program is None:
            name = f"{self.home.name} Market Development Fund"
            program = programs.create(
                name=name,
                description="Proposal-based joint marketing funds: requested before the activity, co-funded "
                "by the partner, claimed with proof of performance.",
                default_cofunding_share=Decimal("50"),
                claim_window_days=90,
                created_at=self.clock.moment(-HISTORY_DAYS),
            )
            self._count(FundProgram, 1)
        return program

    def _checklist(self, stage: str) -> str:
        """The gate checklist of entering ``stage``, every item met (as ``gate_evaluate`` stores it)."""
        details = {
            GateCheck.OWNER: "an owner is assigned",
            GateCheck.PARTNER: "1 partner organization(s)",
            GateCheck.SPONSORS: "2 sponsor(s)",
            GateCheck.REVIEW: "1 review(s)",
            GateCheck.RECENT_REVIEW: "a review in the last 12 months",
            GateCheck.OBJECTIVE: "1 objective(s)",
            GateCheck.TIER: "a tier is assigned",
            GateCheck.START_DATE: "the start date is set",
            GateCheck.EXIT_PLAN: "written",
        }
        items = [
            {
                "id": req.pk,
                "label": req.label,
                "check": req.check_kind,
                "attest": req.check_kind == GateCheck.ATTEST,
                "help": req.help_text,
                "met": True,
                "detail": "confirmed"
                if req.check_kind == GateCheck.ATTEST
                else details.get(req.check_kind, "met"),
            }
            for req in GateRequirement.objects.using(self.using)
            .filter(stage=stage, archived_at__isnull=True)
            .order_by("order", "id")
        ]
        return json.dumps(items)

    # --- partners ---------------------------------------------------------------------------------

    def plan_organizations(self) -> list[Org]:
        rng = self.rng("organizations")
        existing = set(Organization.objects.using(self.using).values_list("name", flat=True))
        kinds = list(words.PARTNER_KIND_WEIGHTS)
        kind_of = rng.choices(kinds, weights=list(words.PARTNER_KIND_WEIGHTS.values()), k=self.n_partners)
        spaces = {k: NameSpace(list(words.PARTNER_DESCRIPTORS[k]), self.seed, f"partners:{k}") for k in kinds}
        cursor = dict.fromkeys(kinds, 0)
        countries, country_w = list(words.COUNTRY_WEIGHTS), list(words.COUNTRY_WEIGHTS.values())
        sizes, size_w = list(words.PARTNER_SIZE_WEIGHTS), list(words.PARTNER_SIZE_WEIGHTS.values())
        orgs = []
        for i, kind in enumerate(kind_of):
            space = spaces[kind]
            while True:
                name, _, domain, _, place = space.name(cursor[kind])
                cursor[kind] += 1
                if name not in existing:
                    break
            country = (
                words.CITIES[space.places[place]] if place >= 0 else rng.choices(countries, country_w)[0]
            )
            orgs.append(
                Org(
                    index=i,
                    kind=kind,
                    name=name,
                    domain=domain,
                    country=country,
                    size=rng.choices(sizes, size_w)[0],
                    created=-rng.randint(1, HISTORY_DAYS),
                )
            )
        return orgs

    def plan_alliances(self, orgs: list[Org]) -> list[Plan]:
        rng = self.rng("alliances")
        primaries = rng.sample(orgs, self.n_alliances) if self.n_alliances else []
        plans = []
        for org in primaries:
            types = words.TYPES_BY_KIND[org.kind]
            type_ = types[0] if rng.random() < 0.6 or len(types) == 1 else rng.choice(types[1:])
            if type_ != "consortium" and rng.random() < 0.02:
                type_ = "consortium"
            stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
            lo, hi = STAGE_AGE[stage]
            created = -rng.randint(lo, hi)
            if stage == "retired":
                path = rng.choice(
                    (
                        ["assess", "retired"],
                        ["assess", "negotiate", "retired"],
                        [*FORWARD, "transform", "retired"],
                    )
                )
            elif stage == "identify":
                path = []
            else:
                path = list(FORWARD[: FORWARD.index(stage) + 1]) if stage in FORWARD else [*FORWARD, stage]
            # Entry days between creation and yesterday, in order; a review stage began recently.
            points = sorted(rng.randint(created + 2, -1) for _ in path) if path else []
            if stage == "review":
                points[-1] = min(-1, max(points[-2] + 1, -rng.randint(5, 90)))
                points = [min(p, points[-1]) for p in points]
            days = {"identify": created, **dict(zip(path, points, strict=True))}
            plan = Plan(
                org=org,
                type=type_,
                stage=stage,
                created=created,
                path=path,
                days=days,
                strength=rng.betavariate(2.2, 2.8),
                owner=rng.choice(self.managers),
            )
            if type_ == "consortium":
                plan.members = [o for o in rng.sample(orgs, min(len(orgs), 3)) if o is not org][:2]
            org.created = min(org.created, created - rng.randint(0, 60))
            for member in plan.members:
                member.created = min(member.created, created)
            plans.append(plan)
        return plans

    def write_organizations(self, orgs: list[Org], plans: list[Plan]) -> None:
        rng = self.rng("contacts")
        clock = self.clock
        t_org = self.sink.table(
            Organization,
            cols(
                "id created_at updated_at name is_home partner_kind website domain country "
                "industry size description capabilities strengths weaknesses"
            ),
        )
        t_contact = self.sink.table(
            Contact,
            cols(
                "id created_at updated_at organization_id first_name last_name title function "
                "email phone notes"
            ),
        )
        contacts_of = dict.fromkeys((id(p.org) for p in plans), 3)
        for p in plans:
            for m in p.members:
                contacts_of.setdefault(id(m), 2)
        functions = ("executive", "alliances", "technical")
        first_id = t_org.take(len(orgs))
        for n, org in enumerate(orgs):
            org.id = first_id + n
            at = clock.at(org.created, work(rng))
            caps = rng.sample(words.CAPABILITIES[org.kind], min(2, len(words.CAPABILITIES[org.kind])))
            place = words.COUNTRY_NAMES.get(org.country, org.country)
            t_org.add(
                (
                    org.id,
                    at,
                    at,
                    org.name,
                    False,
                    org.kind,
                    f"https://www.{org.domain}",
                    org.domain,
                    org.country,
                    words.PARTNER_INDUSTRY[org.kind],
                    org.size,
                    f"{words.KIND_PHRASES[org.kind]}, based in {place}.",
                    "\n".join(caps),
                    "\n".join(rng.sample(words.STRENGTHS, rng.randint(1, 2))),
                    rng.choice(words.WEAKNESSES) if rng.random() < 0.5 else "",
                )
            )
            count = contacts_of.get(id(org), 1)
            ids, people = [], []
            for k in range(count):
                function = functions[k] if count > 1 else "alliances"
                first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
                cid = t_contact.take()
                ids.append(cid)
                people.append((first, last))
                code = words.CALLING_CODES.get(org.country, "31")
                t_contact.add(
                    (
                        cid,
                        at,
                        at,
                        org.id,
                        first,
                        last,
                        rng.choice(words.CONTACT_TITLES[function]),
                        function,
                        email_for(first, last, org.domain),
                        f"+{code} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                        "",
                    )
                )
            org.contacts, org.people = tuple(ids), tuple(people)
            if len(t_org.rows) >= self.chunk:
                self.sink.commit()
        # Our own people on the alliances: executives sponsor, the others join teams.
        self.home_sponsors: list[int] = []
        self.home_team: list[int] = []
        count = max(12, min(400, self.n_alliances // 100))
        for k in range(count):
            function = words.HOME_CONTACT_FUNCTIONS[k % len(words.HOME_CONTACT_FUNCTIONS)]
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            cid = t_contact.take()
            (self.home_sponsors if function == "executive" else self.home_team).append(cid)
            at = clock.at(-HISTORY_DAYS - rng.randint(0, 30), work(rng))
            t_contact.add(
                (
                    cid,
                    at,
                    at,
                    self.home.pk,
                    first,
                    last,
                    rng.choice(words.CONTACT_TITLES[function]),
                    function,
                    email_for(first, last, self.home.domain or "example.com"),
                    f"+31 20 555 {rng.randint(1000, 9999)}",
                    "",
                )
            )
        self.sink.commit()

    # --- alliances and everything that hangs off them -------------------------------------------

    def write_alliances(self, plans: list[Plan]) -> None:
        if not plans:
            return
        sink, clock = self.sink, self.clock
        rng = self.rng("alliance-rows")
        existing = set(Alliance.objects.using(self.using).values_list("name", flat=True))
        T = SimpleNamespace(
            alliance=sink.table(
                Alliance,
                cols(
                    "id created_at updated_at version name alliance_type description owner_id tier_id "
                    "stage stage_changed_at start_date end_date annual_value exit_plan"
                ),
            ),
            party=sink.table(
                AllianceParty, cols("id created_at updated_at alliance_id organization_id role")
            ),
            objective=sink.table(Alliance.objectives.through, cols("id alliance_id corporateobjective_id")),
            member=sink.table(
                AllianceMember, cols("id created_at updated_at alliance_id contact_id role area")
            ),
            stage=sink.table(
                StageChange,
                cols("id alliance_id from_stage to_stage changed_by_id changed_at reason checklist"),
            ),
            review=sink.table(
                StrategicReview,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "alliance_id",
                    "reviewed_by_id",
                    "review_date",
                    *[f"score_{k}" for k, _, _ in CRITERIA],
                    *[f"evidence_{k}" for k, _, _ in CRITERIA],
                    *[f for f, _ in ACTIVITIES],
                    "fte",
                    "annual_investment",
                    "sponsorship",
                    "notes",
                    "criteria_total",
                    "activities_count",
                    "commitment_signals",
                    "classification",
                    "recommended_tier_id",
                    "explanation",
                ],
            ),
            tier=sink.table(
                TierChange,
                cols(
                    "id alliance_id from_tier_id to_tier_id source rule_id rule_name clauses "
                    "review_id reason changed_by_id changed_at"
                ),
            ),
        )
        if self.instrument is not None:
            T.assessment = sink.table(
                Assessment,
                cols(
                    "id created_at updated_at alliance_id instrument_id wave opened_on status "
                    "two_sided created_by_id review_id"
                ),
            )
            T.response = sink.table(
                Response,
                cols(
                    "id created_at updated_at assessment_id respondent_id side organization_id submitted_at"
                ),
            )
            T.answer = sink.table(Answer, cols("id response_id item_id value comment"))
        T.user = sink.table(
            User,
            cols(
                "id password is_superuser username first_name last_name email is_staff is_active "
                "date_joined role organization_id title"
            ),
        )
        self._open_agreement_tables(T)
        self._open_planning_tables(T)
        self._open_funds_tables(T)

        home = self.home.pk
        first = T.alliance.take(len(plans))
        for n, p in enumerate(plans):
            p.id = first + n
            programs = words.ALLIANCE_PROGRAMS[p.type]
            name = f"{p.org.name} {rng.choice(programs)}"
            k = 2
            while name in existing:
                name = f"{p.org.name} {rng.choice(programs)} {k}"
                k += 1
            existing.add(name)
            p.name = name
            size_bonus = list(words.PARTNER_SIZE_WEIGHTS).index(p.org.size) * 0.35
            value = rng.lognormvariate(math.log(60_000) + 2.2 * p.strength + size_bonus, 0.7)
            p.value_cents = (
                0 if p.stage in ("identify", "assess") and rng.random() < 0.3 else round_to(value, 1000) * 100
            )
            created = p.created
            created_at = clock.at(created, work(rng))

            # Stage history: created in identify, then each transition with its gate checklist.
            T.stage.add((T.stage.take(), p.id, "", "identify", p.owner, created_at, "Alliance created", "[]"))
            previous, last_at = "identify", created_at
            moments = {"identify": created_at}
            for stage in p.path:
                last_at = clock.at(p.days[stage], work(rng))
                moments[stage] = last_at
                T.stage.add(
                    (
                        T.stage.take(),
                        p.id,
                        previous,
                        stage,
                        p.owner,
                        last_at,
                        rng.choice(words.STAGE_REASONS[stage]),
                        self.gates[stage],
                    )
                )
                previous = stage

            # Parties: our company hosts; a consortium has a lead and members.
            T.party.add((T.party.take(), created_at, created_at, p.id, home, "host"))
            T.party.add(
                (T.party.take(), created_at, created_at, p.id, p.org.id, "lead" if p.members else "partner")
            )
            for member in p.members:
                T.party.add((T.party.take(), created_at, created_at, p.id, member.id, "member"))

            # Objectives: every alliance past negotiate serves one or two.
            if self.objective_ids and (p.reached("negotiate") or rng.random() < 0.5):
                count = 2 if rng.random() < 0.35 else 1
                p.objectives = rng.sample(self.objective_ids, min(count, len(self.objective_ids)))
                for oid in p.objectives:
                    T.objective.add((T.objective.take(), p.id, oid))

            # Sponsors and joint team, named before launch.
            if p.reached("launch"):
                at = clock.at(max(created, p.days["launch"] - rng.randint(2, 10)), work(rng))
                contacts = p.org.contacts
                rows = [
                    (rng.choice(self.home_sponsors or self.home_team), "sponsor", "executive sponsorship")
                ]
                if contacts:
                    rows.append((contacts[0], "sponsor", "executive sponsorship"))
                if len(contacts) > 1:
                    rows.append((contacts[1], "manager", "alliance management"))
                if len(contacts) > 2:
                    rows.append((contacts[2], "team", rng.choice(("engineering", "solutions", "pre-sales"))))
                if self.home_team:
                    rows.append(
                        (
                            rng.choice(self.home_team),
                            "team",
                            rng.choice(("sales", "marketing", "engineering")),
                        )
                    )
                for contact, role, area in rows:
                    T.member.add((T.member.take(), at, at, p.id, contact, role, area))

            if p.stage in RUNNING and p.org.people:
                self._partner_user(T, p)
            reviews = self._reviews(T, p, rng)
            self._tier(T, p, reviews, rng)

            start = p.days.get("launch")
            end = p.days.get("retired")
            end_date = clock.day(end) if end is not None else None
            if end is None and start is not None and rng.random() < 0.3:
                end_date = periods.add_months(clock.date(start), 36).isoformat()  # a three-year term
            exit_plan = words.EXIT_PLAN if p.stage in ("retired", "transform") or rng.random() < 0.2 else ""
            T.alliance.add(
                (
                    p.id,
                    created_at,
                    last_at,
                    1 + len(p.path),
                    p.name,
                    p.type,
                    words.ALLIANCE_DESCRIPTIONS[p.type].format(
                        partner=p.org.name, segment=rng.choice(words.SEGMENTS)
                    ),
                    p.owner,
                    p.tier_id,
                    p.stage,
                    last_at,
                    clock.day(start) if start is not None else None,
                    end_date,
                    money(p.value_cents),
                    exit_plan,
                )
            )
            self._agreements(T, p, rng)
            self._commitments(T, p, rng)
            self._milestones(T, p, rng)
            self._plan(T, p, rng)
            self._funds(T, p, rng)
            if len(T.alliance.rows) >= 2000:
                sink.commit()
        sink.commit()

    def _partner_user(self, T: Any, p: Plan) -> None:
        """The partner's alliance manager has a portal account (registers deals, requests funds)."""
        k = 1 if len(p.org.people) > 1 else 0
        first, last = p.org.people[k]
        email = email_for(first, last, p.org.domain)
        username, n = email, 1
        while username in self.usernames:
            n += 1
            username = f"{n}.{email}"
        self.usernames.add(username)
        p.partner_user = T.user.take()
        joined = self.clock.at(p.days["launch"], 9 * 3600)
        T.user.add(
            (
                p.partner_user,
                self.unusable,
                False,
                username,
                first,
                last,
                email,
                False,
                True,
                joined,
                "partner",
                p.org.id,
                "Partner Alliance Manager",
            )
        )

    def _reviews(self, T: Any, p: Plan, rng: random.Random) -> list[tuple[int, int, dict]]:
        """Strategic reviews: one before negotiating, a second within the last year for running
        alliances; scored from the alliance's strength, classified by the review rules."""
        if not p.reached("assess"):
            return []
        days = []
        lo = p.days["assess"]
        hi = p.days.get("negotiate", p.days.get("retired", -1))
        days.append(rng.randint(min(lo, hi), hi) if hi > lo else hi)
        if p.stage in ("manage", "review", "transform") and days[0] < -330:
            # The review stage is entered after this year's review; the others had theirs lately.
            second = p.days["review"] - rng.randint(1, 30) if p.stage == "review" else -rng.randint(5, 300)
            if second > days[0] + 30:
                days.append(second)
        out = []
        for day in days:
            s = min(1.0, max(0.0, p.strength + rng.gauss(0, 0.08)))
            scores = [min(4, max(0, round(s * 4 + rng.gauss(0, 0.7)))) for _ in CRITERIA]
            acts = [rng.random() < 0.1 + 0.7 * s for _ in ACTIVITIES]
            fte_cents = round_to(rng.uniform(0.05, 0.4 + 2.5 * s) * 100, 5)
            invest_cents = round_to(rng.lognormvariate(math.log(10_000 + 150_000 * s), 0.6), 1000) * 100
            sponsorship = min(4, max(0, round(s * 4 + rng.gauss(0, 0.8))))
            facts = {f"score_{k}": v for (k, _, _), v in zip(CRITERIA, scores, strict=True)}
            facts["criteria_total"] = sum(scores)
            for (f, _), present in zip(ACTIVITIES, acts, strict=True):
                facts[f] = present
            facts["activities_count"] = sum(acts)
            facts["fte"] = dec(fte_cents)
            facts["investment"] = dec(invest_cents)
            facts["sponsorship"] = sponsorship
            facts["alliance_type"] = p.type
            facts["annual_value"] = dec(p.value_cents)
            facts["objectives_count"] = len(p.objectives)
            result = review_rules.evaluate(facts, self.rules)
            rid = T.review.take()
            at = self.clock.at(day, work(rng))
            evidence = [
                words.REVIEW_EVIDENCE[k][0 if v >= 3 else 1 if v >= 2 else 2]
                for (k, _, _), v in zip(CRITERIA, scores, strict=True)
            ]
            review_date = self.clock.day(day)
            T.review.add(
                (
                    rid,
                    at,
                    at,
                    p.id,
                    p.owner,
                    review_date,
                    *scores,
                    *evidence,
                    *acts,
                    money(fte_cents),
                    money(invest_cents),
                    sponsorship,
                    "",
                    result["facts"]["criteria_total"],
                    result["facts"]["activities_count"],
                    result["facts"]["commitment_signals"],
                    result["classification"],
                    result["tier_id"],
                    json.dumps(result),
                )
            )
            if self.instrument is not None:
                self._mirror(T, p, rid, at, review_date, scores, acts, sponsorship, evidence)
            out.append((rid, day, result))
        return out

    def _mirror(
        self,
        T: Any,
        p: Plan,
        review_id: int,
        at: str,
        review_date: str,
        scores: list[int],
        acts: list[bool],
        sponsorship: int,
        evidence: list[str],
    ) -> None:
        """The review as a closed wave of the strategic-review instrument (``mirror_review``)."""
        review = SimpleNamespace(sponsorship=sponsorship)
        for (k, _, _), v, e in zip(CRITERIA, scores, evidence, strict=True):
            setattr(review, f"score_{k}", v)
            setattr(review, f"evidence_{k}", e)
        for (f, _), present in zip(ACTIVITIES, acts, strict=True):
            setattr(review, f, present)
        aid, rid = T.assessment.take(), T.response.take()
        T.assessment.add(
            (
                aid,
                at,
                at,
                p.id,
                self.instrument.pk,
                f"Review {review_date}",
                review_date,
                "closed",
                False,
                p.owner,
                review_id,
            )
        )
        T.response.add((rid, at, at, aid, p.owner, "ours", self.home.pk, at))
        for key, (value, comment) in strategic_review.answers_of(review, self.instrument).items():
            item = self.items.get(key)
            if item is not None:
                T.answer.add((T.answer.take(), rid, item, value, comment))

    def _tier(
        self,
        T: Any,
        p: Plan,
        reviews: list[tuple[int, int, dict]],
        rng: random.Random,
    ) -> None:
        """Running alliances take the tier their reviews recommend, each change naming the rule."""
        if not reviews or not p.reached("launch"):
            return
        current: int | None = None
        for n, (review_id, day, result) in enumerate(reviews):
            tier_id = result["tier_id"]
            if tier_id is None or tier_id == current:
                continue
            when = p.days["launch"] if n == 0 else min(-1, day + rng.randint(1, 7))
            fired = next((r for r in result["rules"] if r["kind"] == "tier" and r["fired"]), None)
            T.tier.add(
                (
                    T.tier.take(),
                    p.id,
                    current,
                    tier_id,
                    "review",
                    fired["id"] if fired else None,
                    fired["name"] if fired else "",
                    json.dumps(fired["clauses"] if fired else []),
                    review_id,
                    "" if fired else f"Recommended by the strategic review of {self.clock.day(day)}",
                    p.owner,
                    self.clock.at(when, work(rng)),
                )
            )
            current = tier_id
        p.tier_id = current

    # --- agreements and commitments -----------------------------------------------------------------

    def _open_agreement_tables(self, T: Any) -> None:
        sink = self.sink
        T.agreement = sink.table(
            Agreement,
            cols(
                "id created_at updated_at alliance_id title kind status signed_date "
                "effective_date expiry_date terminated_date auto_renew renewal_term_months "
                "notice_period_days notice_deadline exclusive exclusivity_scope ip_terms value "
                "currency owner_id notes"
            ),
        )
        T.agreement_party = sink.table(Agreement.parties.through, cols("id agreement_id organization_id"))
        T.commitment = sink.table(
            Commitment,
            cols(
                "id created_at updated_at alliance_id party_id nature soft_source agreement_id "
                "category title description quantity unit amount currency due_date "
                "owner_contact_id owner_user_id status met_on evidence"
            ),
        )

    def _agreements(self, T: Any, p: Plan, rng: random.Random) -> None:
        """A mutual NDA once negotiating; the main agreement is negotiated, then signed at launch."""
        if not p.reached("negotiate"):
            return
        clock, home = self.clock, self.home.pk
        parties = [home, p.org.id, *(m.id for m in p.members)]

        def add(
            title: str, kind: str, status: str, signed: int | None, term_months: int | None, **extra: Any
        ) -> int:
            aid = T.agreement.take()
            effective = signed
            expiry = None
            if signed is not None and term_months:
                start = clock.date(signed)
                expiry = periods.add_months(start, term_months) - timedelta(days=1)
                if expiry < clock.as_of and extra.get("auto_renew"):
                    while expiry < clock.as_of:
                        expiry = periods.add_months(expiry + timedelta(days=1), extra["renewal"]) - timedelta(
                            days=1
                        )
                elif expiry < clock.as_of and status in ("signed", "active"):
                    status = "expired"
            notice = extra.get("notice")
            created = min(signed - rng.randint(10, 60), -1) if signed is not None else p.days["negotiate"]
            created = max(created, p.created)
            at = clock.at(created, work(rng))
            T.agreement.add(
                (
                    aid,
                    at,
                    at,
                    p.id,
                    title,
                    kind,
                    status,
                    clock.day(signed) if signed is not None else None,
                    clock.day(effective) if effective is not None else None,
                    expiry.isoformat() if expiry else None,
                    extra.get("terminated"),
                    bool(extra.get("auto_renew")),
                    extra.get("renewal") if extra.get("auto_renew") else None,
                    notice,
                    (expiry - timedelta(days=notice)).isoformat() if expiry and notice is not None else None,
                    bool(extra.get("scope")),
                    extra.get("scope", ""),
                    extra.get("ip", ""),
                    extra.get("value"),
                    self.currency,
                    p.owner,
                    "",
                )
            )
            for org in parties:
                T.agreement_party.add((T.agreement_party.take(), aid, org))
            return aid

        nda_day = min(-1, p.days["assess"] + rng.randint(3, 30))
        add(f"Mutual NDA - {p.org.name}", "nda", "signed", nda_day, 36)
        title, kind = {
            "channel": (f"Reseller agreement - {p.org.name}", "reseller"),
            "marketing": (f"Co-marketing agreement - {p.org.name}", "co_marketing"),
        }.get(p.type, (f"Master alliance agreement - {p.org.name}", "master"))
        if not p.reached("launch"):
            add(title, kind, "negotiating", None, None)
            return
        launch = p.days["launch"]
        signed = max(p.days["negotiate"], launch - rng.randint(1, 20))
        auto = rng.random() < 0.6
        retired = p.days.get("retired")
        value = money(p.value_cents * 2) if p.value_cents and rng.random() < 0.5 else None
        p.master = add(
            title,
            kind,
            "terminated" if retired is not None else "active",
            signed,
            rng.choice((24, 36)),
            auto_renew=auto,
            renewal=12,
            notice=90 if auto else rng.choice((60, None)),
            terminated=self.clock.day(retired) if retired is not None else None,
            scope="DACH public sector" if rng.random() < 0.08 else "",
            ip="Each party keeps its own IP; jointly developed IP is owned jointly."
            if p.type == "development"
            else "",
            value=value,
        )

    def _commitments(self, T: Any, p: Plan, rng: random.Random) -> None:
        """About six commitments per alliance past negotiate, of both sides; due dates spread from
        the negotiation to a year ahead, with the status their due date makes likely."""
        if not p.reached("negotiate"):
            return
        clock = self.clock
        categories = list(words.COMMITMENT_CATEGORY_WEIGHTS)
        weights = list(words.COMMITMENT_CATEGORY_WEIGHTS.values())
        begin = p.days["negotiate"]
        end = p.days.get("retired", 365)
        for _ in range(rng.randint(4, 8)):
            category = rng.choices(categories, weights)[0]
            title, unit, lo, hi = rng.choice(words.COMMITMENTS[category])
            ours = rng.random() < 0.45
            party = self.home.pk if ours else p.org.id
            hard = p.master is not None and rng.random() < 0.45
            due = rng.randint(begin + 20, max(begin + 21, end))
            if not p.reached("launch"):
                status = rng.choice(("proposed", "agreed"))
            elif due < 0:
                status = rng.choices(("met", "missed", "waived", "in_progress"), (70, 14, 5, 11))[0]
            else:
                status = rng.choices(("agreed", "in_progress", "proposed"), (45, 45, 10))[0]
            if p.stage == "retired" and status in ("proposed", "agreed", "in_progress"):
                status = "waived"  # released when the alliance ended
            met_on = None
            if status == "met":
                met_on = clock.day(min(-1, due + rng.randint(-30, 20)))
            if unit:
                quantity, amount = f"{rng.randint(lo, hi)}.00", None
            else:
                quantity, amount = None, money(round_to(rng.uniform(lo, hi), 1000) * 100)
            created = max(p.created, min(-1, begin + rng.randint(0, 30)))
            at = clock.at(created, work(rng))
            contacts = p.org.contacts
            owner_contact = (
                rng.choice(self.home_team or self.home_sponsors)
                if ours
                else (contacts[1] if len(contacts) > 1 else None)
            )
            T.commitment.add(
                (
                    T.commitment.take(),
                    at,
                    at,
                    p.id,
                    party,
                    "hard" if hard else "soft",
                    "" if hard else rng.choice(("annual_plan", "handshake", "project")),
                    p.master if hard else None,
                    category,
                    title,
                    "",
                    quantity,
                    unit,
                    amount,
                    self.currency,
                    clock.day(due),
                    owner_contact,
                    p.owner,
                    status,
                    met_on,
                    "Delivered as agreed; confirmed in the quarterly review." if status == "met" else "",
                )
            )

    # --- planning -----------------------------------------------------------------------------------

    def _open_planning_tables(self, T: Any) -> None:
        sink = self.sink
        T.milestone = sink.table(
            Milestone,
            cols(
                "id created_at updated_at alliance_id title category description due_date "
                "original_due_date status completed_on owning_side_id owner_id"
            ),
        )
        T.plan = sink.table(
            JointBusinessPlan,
            cols(
                "id created_at updated_at version alliance_id fiscal_year title thesis "
                "revenue_target currency revenue_growth_pct capability_expectations owner_id "
                "status proposed_at agreed_at activated_at closed_at"
            ),
        )
        T.plan_objective = sink.table(
            PlanObjective,
            cols(
                "id created_at updated_at plan_id order title metric unit owning_side_id owner_id "
                "target_q1 target_q2 target_q3 target_q4 actual_q1 actual_q2 actual_q3 actual_q4"
            ),
        )
        T.plan_agreement = sink.table(
            PlanAgreement,
            cols("id created_at updated_at plan_id organization_id agreed_by_id agreed_at on_behalf note"),
        )

    def _milestones(self, T: Any, p: Plan, rng: random.Random) -> None:
        """About five roadmap milestones per alliance past negotiate."""
        if not p.reached("negotiate"):
            return
        clock = self.clock
        begin = p.days["negotiate"]
        end = p.days.get("retired", 365)
        pool = [(c, t) for c, titles in words.MILESTONES.items() for t in titles]
        for category, title in rng.sample(pool, rng.randint(3, 7)):
            original = rng.randint(begin + 14, max(begin + 15, end))
            due = original
            if rng.random() < 0.2:
                due = original + rng.randint(30, 120)  # slipped
            if due < 0 and p.reached("launch"):
                status = rng.choices(("done", "cancelled", "in_progress"), (75, 5, 20))[0]
            elif due < 90 and p.reached("launch"):
                status = rng.choice(("planned", "in_progress"))
            else:
                status = "planned"
            if p.stage == "retired" and status in ("planned", "in_progress"):
                status = "cancelled"
            completed = clock.day(min(-1, due + rng.randint(-20, 10))) if status == "done" else None
            created = max(p.created, min(-1, begin + rng.randint(0, 20)))
            at = clock.at(created, work(rng))
            T.milestone.add(
                (
                    T.milestone.take(),
                    at,
                    at,
                    p.id,
                    title,
                    category,
                    "",
                    clock.day(due),
                    clock.day(original),
                    status,
                    completed,
                    self.home.pk if rng.random() < 0.5 else p.org.id,
                    p.owner if rng.random() < 0.7 else None,
                )
            )

    def _plan(self, T: Any, p: Plan, rng: random.Random) -> None:
        """The joint business plan of the current fiscal year (of the retirement year for retired
        alliances): draft or proposed while negotiating, agreed at launch, active once managed."""
        if not p.reached("negotiate"):
            return
        clock = self.clock
        retired = p.days.get("retired")
        fy = periods.fiscal_year_of(clock.date(retired) if retired is not None else clock.as_of)
        period = periods.fiscal_year(fy)
        status = {
            "negotiate": rng.choice(("draft", "proposed")),
            "launch": "agreed",
            "retired": "closed",
        }.get(p.stage, "active")
        start = max(p.days["negotiate"], clock.offset(period.start) - 30, p.created)
        last = retired if retired is not None else -1
        start = min(start, last)
        proposed = min(last, start + rng.randint(2, 15))
        agreed = min(last, proposed + rng.randint(3, 20))
        activated = min(last, agreed + rng.randint(0, 10))
        launched = p.reached("launch")  # a plan of an alliance retired before launch was never agreed
        stamps = {
            "proposed": status != "draft",
            "agreed": status in ("agreed", "active") or (status == "closed" and launched),
            "activated": status == "active" or (status == "closed" and launched),
        }
        plan_id = T.plan.take()
        created_at = clock.at(start, work(rng))
        latest = {"draft": start, "proposed": proposed, "agreed": agreed, "active": activated}.get(
            status, last
        )
        target = round_to(p.value_cents / 100 * rng.uniform(0.8, 1.3), 10_000) if p.value_cents else None
        T.plan.add(
            (
                plan_id,
                created_at,
                clock.at(latest, work(rng)),
                1 + sum(stamps.values()) + (status == "closed"),
                p.id,
                fy,
                f"FY{fy} joint business plan - {p.org.name}",
                rng.choice(words.PLAN_THESES).format(partner=p.org.name, segment=rng.choice(words.SEGMENTS)),
                money(target * 100) if target and rng.random() < 0.9 else None,
                self.currency,
                f"{rng.randint(5, 60)}.00" if rng.random() < 0.8 else None,
                "\n".join(rng.sample(words.PLAN_EXPECTATIONS, 3)),
                p.owner,
                status,
                clock.at(proposed, work(rng)) if stamps["proposed"] else None,
                clock.at(agreed, work(rng)) if stamps["agreed"] else None,
                clock.at(activated, work(rng)) if stamps["activated"] else None,
                clock.at(retired, work(rng)) if status == "closed" else None,
            )
        )
        quarters = periods.fiscal_quarters(fy)
        reported = [q.end < clock.as_of and status in ("active", "closed") for q in quarters]
        for order, (title, metric, unit) in enumerate(rng.sample(words.PLAN_OBJECTIVES, 3), start=1):
            if unit == "EUR":
                unit = self.currency
                per_q = max(10_000, round_to((p.value_cents / 100 or 100_000) / 4, 1000))
            else:
                per_q = {"people": rng.randint(1, 5), "deals": rng.randint(1, 6)}.get(unit, rng.randint(1, 3))
            targets = [per_q] * 4
            actuals = [
                f"{round(t * rng.uniform(0.5, 1.3))}.00" if done else None
                for t, done in zip(targets, reported, strict=True)
            ]
            T.plan_objective.add(
                (
                    T.plan_objective.take(),
                    created_at,
                    created_at,
                    plan_id,
                    order,
                    title,
                    metric,
                    unit,
                    p.org.id if rng.random() < 0.5 else self.home.pk,
                    p.owner if rng.random() < 0.6 else None,
                    *(f"{t}.00" for t in targets),
                    *actuals,
                )
            )
        if stamps["agreed"]:
            at = clock.at(agreed, work(rng))
            T.plan_agreement.add(
                (T.plan_agreement.take(), at, at, plan_id, self.home.pk, p.owner, at, False, "")
            )
            T.plan_agreement.add(
                (
                    T.plan_agreement.take(),
                    at,
                    at,
                    plan_id,
                    p.org.id,
                    p.partner_user or p.owner,
                    at,
                    p.partner_user is None,
                    "" if p.partner_user else "Signed copy received by e-mail.",
                )
            )

    # --- market development funds -------------------------------------------------------------------

    def _open_funds_tables(self, T: Any) -> None:
        sink = self.sink
        T.budget = sink.table(
            Budget,
            cols(
                "id created_at updated_at program_id organization_id alliance_id fiscal_year "
                "currency expiry_date renewed_from_id allocated committed claimed paid expired "
                "available"
            ),
        )
        T.entry = sink.table(
            LedgerEntry, cols("id budget_id kind amount request_id claim_id payment_id created_by_id at note")
        )
        T.request = sink.table(
            FundRequest,
            cols(
                "id created_at updated_at budget_id activity description planned_cost "
                "partner_share requested_amount expected_outcome campaign_name status "
                "approved_amount decision_reason decided_by_id decided_at submitted_by_id "
                "submitted_at"
            ),
        )
        T.claim = sink.table(
            Claim,
            cols(
                "id created_at updated_at request_id amount description status review_reason "
                "reviewed_by_id reviewed_at submitted_by_id"
            ),
        )
        T.payment = sink.table(
            Payment, cols("id created_at updated_at claim_id date reference amount paid_by_id")
        )

    def _funds(self, T: Any, p: Plan, rng: random.Random) -> None:
        """A third of the running alliances have an MDF budget this fiscal year (some also last
        year's, renewed): requests, decisions, claims and payments, every movement in the ledger."""
        if p.stage not in RUNNING or rng.random() >= 0.35:
            return
        clock = self.clock
        fy = periods.fiscal_year_of(clock.as_of)
        rank = next((t.rank for t in self.tiers if t.pk == p.tier_id), 5)
        lo, hi = {1: (100_000, 200_000), 2: (50_000, 100_000), 3: (25_000, 50_000)}.get(
            rank, (10_000, 25_000)
        )
        previous = None
        launch = p.days.get("launch", p.created)
        if clock.offset(periods.fiscal_year(fy - 1).start) >= launch and rng.random() < 0.4:
            previous = self._budget(T, p, rng, fy - 1, round_to(rng.uniform(lo, hi), 1000) * 100, None)
        self._budget(T, p, rng, fy, round_to(rng.uniform(lo, hi), 1000) * 100, previous)

    def _budget(
        self, T: Any, p: Plan, rng: random.Random, fy: int, allocation: int, renewed_from: int | None
    ) -> int:
        clock = self.clock
        period = periods.fiscal_year(fy)
        begin = max(clock.offset(period.start), p.days.get("launch", p.created))
        end = min(clock.offset(period.end), -1)
        if begin > end:
            begin = end
        bid = T.budget.take()
        bal = dict.fromkeys(("allocated", "committed", "claimed", "paid", "expired", "available"), 0)
        who = p.owner

        def entry(
            kind: str, amount: int, day: int, note: str, request=None, claim=None, payment=None
        ) -> None:
            effects = {
                "allocation": (("allocated", 1), ("available", 1)),
                "commit": (("available", -1), ("committed", 1)),
                "release": (("committed", -1), ("available", 1)),
                "claim": (("committed", -1), ("claimed", 1)),
                "pay": (("claimed", -1), ("paid", 1)),
                "expire": (("available", -1), ("expired", 1)),
            }[kind]
            for column, sign in effects:
                bal[column] += sign * amount
            T.entry.add(
                (
                    T.entry.take(),
                    bid,
                    kind,
                    money(amount),
                    request,
                    claim,
                    payment,
                    who,
                    clock.at(day, work(rng)),
                    note[:300],
                )
            )

        created_at = clock.at(begin, work(rng))
        entry("allocation", allocation, begin, f"FY{fy} allocation")
        for _ in range(1 + (rng.random() < 0.45) + (rng.random() < 0.15)):
            day = rng.randint(begin, end)
            planned = round_to(rng.uniform(4_000, max(4_500, allocation / 100 * 0.8)), 500) * 100
            share = rng.choice((50, 50, 50, 40, 60))
            requested = planned * (100 - share) // 100
            status = rng.choices(
                (
                    "draft",
                    "submitted",
                    "approved",
                    "partially_approved",
                    "rejected",
                    "cancelled",
                    "completed",
                ),
                (8, 12, 25, 8, 10, 5, 32),
            )[0]
            if day > -5 and status not in ("draft", "submitted"):
                status = "submitted"
            if (
                status in ("approved", "partially_approved", "completed", "cancelled")
                and requested > bal["available"]
            ):
                status = "rejected"
            activity = rng.choice(words.MDF_ACTIVITIES)
            rid = T.request.take()
            decided = min(-1, day + rng.randint(2, 10))
            approved = None
            reason = ""
            if status == "partially_approved":
                approved = round_to(requested * rng.uniform(0.5, 0.9), 10_000)
            elif status in ("approved", "completed", "cancelled"):
                approved = requested
            if status == "rejected":
                reason = "Outside the program's focus this year; resubmit with a clearer pipeline target."
            elif approved is not None and approved < requested:
                reason = "Approved in part: the paid media share is not funded."
            if approved is not None:
                entry("commit", approved, decided, f"Approved: {activity}", request=rid)
            claim_rows = []
            if (
                status in ("approved", "partially_approved", "completed")
                and decided < -10
                and rng.random() < 0.75
            ):
                claim_day = min(-1, decided + rng.randint(20, 80))
                amount = (
                    approved if status == "completed" else round_to(approved * rng.uniform(0.6, 1.0), 100)
                )
                amount = min(amount, approved)
                claim_status = (
                    "paid"
                    if status == "completed"
                    else rng.choices(("submitted", "approved", "paid", "rejected"), (25, 20, 45, 10))[0]
                )
                cid = T.claim.take()
                reviewed = min(-1, claim_day + rng.randint(2, 12))
                if claim_status in ("approved", "paid"):
                    entry("claim", amount, reviewed, f"Claim approved: {activity}", request=rid, claim=cid)
                payment_row = None
                if claim_status == "paid":
                    pid = T.payment.take()
                    paid = min(-1, reviewed + rng.randint(3, 20))
                    ref = f"PAY-{fy}-{cid:06d}"
                    paid_at = clock.at(paid, work(rng))
                    payment_row = (pid, paid_at, paid_at, cid, clock.day(paid), ref, money(amount), who)
                    entry("pay", amount, paid, f"Paid {ref}", request=rid, claim=cid, payment=pid)
                at = clock.at(claim_day, work(rng))
                claim_rows.append(
                    (
                        (
                            cid,
                            at,
                            clock.at(reviewed, work(rng)) if claim_status != "submitted" else at,
                            rid,
                            money(amount),
                            "Proof of performance: attendee list, invoices and campaign report.",
                            claim_status,
                            "The invoices do not match the approved activity."
                            if claim_status == "rejected"
                            else "",
                            who if claim_status != "submitted" else None,
                            clock.at(reviewed, work(rng)) if claim_status != "submitted" else None,
                            p.partner_user,
                        ),
                        payment_row,
                    )
                )
                if status == "completed" and approved > amount:
                    entry("release", approved - amount, reviewed, f"Completed: {activity}", request=rid)
            if status == "cancelled":
                entry(
                    "release",
                    approved,
                    min(-1, decided + rng.randint(5, 30)),
                    f"Cancelled: {activity}",
                    request=rid,
                )
            at = clock.at(day, work(rng))
            decided_at = clock.at(decided, work(rng)) if status not in ("draft", "submitted") else None
            T.request.add(
                (
                    rid,
                    at,
                    decided_at or at,
                    bid,
                    activity,
                    f"{activity} with {p.org.name} for {rng.choice(words.SEGMENTS)}.",
                    money(planned),
                    f"{share}.00",
                    money(requested),
                    rng.choice(words.MDF_OUTCOMES),
                    f"{activity} FY{fy}",
                    status,
                    money(approved) if approved is not None else None,
                    reason,
                    who if decided_at else None,
                    decided_at,
                    None if status == "draft" else p.partner_user or who,
                    None if status == "draft" else at,
                )
            )
            for claim_row, payment_row in claim_rows:
                T.claim.add(claim_row)
                if payment_row is not None:
                    T.payment.add(payment_row)
        expiry = period.end
        if expiry < clock.as_of and bal["available"] > 0:
            day = min(-1, clock.offset(expiry) + 1)
            entry("expire", bal["available"], day, f"FY{fy} closed: unspent funds expire")
        T.budget.add(
            (
                bid,
                created_at,
                created_at,
                self.program.pk,
                p.org.id,
                p.id,
                fy,
                self.currency,
                expiry.isoformat(),
                renewed_from,
                *(
                    money(bal[c])
                    for c in ("allocated", "committed", "claimed", "paid", "expired", "available")
                ),
            )
        )
        return bid

    # --- accounts -----------------------------------------------------------------------------------

    def write_accounts(self, orgs: list[Org], plans: list[Plan]) -> None:
        """Our accounts (the CRM) and the partners' (for mapping), about a third of them shared."""
        self.account_first = 0
        self.account_company = array("l")
        self.account_names: list[str] = []
        self.account_country: list[str] = []
        self.account_customer = bytearray()
        if not self.n_accounts:
            return
        rng = self.rng("accounts")
        clock = self.clock
        space = NameSpace(list(words.ACCOUNT_DESCRIPTORS), self.seed, "accounts")
        industries = list(words.ACCOUNT_DESCRIPTORS.values())
        countries, country_w = list(words.COUNTRY_WEIGHTS), list(words.COUNTRY_WEIGHTS.values())
        cum_country = list(_cumulative(country_w))
        total_country = cum_country[-1]
        accounts = Account.objects.using(self.using)
        taken = set(
            accounts.filter(owner_organization_id=self.home.pk, archived_at__isnull=True).values_list(
                "normalized_name", flat=True
            )
        )
        table = self.sink.table(
            Account,
            cols(
                "id created_at updated_at name normalized_name domain country industry "
                "owner_organization_id status external_ids"
            ),
        )
        self.sink.defer_indexes(table, 2 * self.n_accounts)
        random_ = rng.random
        randint = rng.randint

        def company(index: int, owner: int, customer_share: float, crm: bool, age: int) -> tuple:
            name, normalized, domain, d, place = space.name(index)
            if place >= 0:
                country = words.CITIES[space.places[place]]
            else:
                country = countries[bisect.bisect(cum_country, random_() * total_country)]
            if random_() < 0.4:
                form = words.LEGAL_FORMS.get(country)
                if form:
                    name = f"{name} {form}"
            at = clock.at(-randint(1, age), randint(8 * 3600, 18 * 3600))
            customer = random_() < customer_share
            pk = table.take()
            return (
                pk,
                at,
                at,
                name,
                normalized,
                domain,
                country,
                industries[d],
                owner,
                "customer" if customer else "prospect",
                f'{{"salesforce": "001{pk:012d}"}}' if crm else "{}",
            )

        # Ours: the first A companies whose names are free on our side. Customers are the
        # accounts with a won deal (set after the opportunities) and some won before our history.
        self.account_first = table.next_id
        index = 0
        for _ in range(self.n_accounts):
            while taken and space.name(index)[1] in taken:
                index += 1
            row = company(index, self.home.pk, 0.12, True, HISTORY_DAYS)
            self.account_company.append(index)
            self.account_names.append(row[3])
            self.account_country.append(row[6])
            self.account_customer.append(row[9] == "customer")
            table.add(row)
            index += 1
            if len(table.rows) >= self.chunk:
                self.sink.commit()
        self.sink.commit()
        # The partners': companies from 65% of the way through ours onwards, so ~35% are shared.
        owners = [p.org for p in plans if p.reached("launch")] or [p.org for p in plans] or orgs
        if not owners:
            return
        weights = [1 + list(words.PARTNER_SIZE_WEIGHTS).index(o.size) ** 2 for o in owners]
        cum = list(_cumulative(weights))
        total = cum[-1]
        start = int(self.account_company[-1] * (1 - ACCOUNT_OVERLAP)) if self.account_company else 0
        for k in range(self.n_accounts):
            owner = owners[bisect.bisect(cum, random_() * total)]
            table.add(company(start + k, owner.id, 0.4, False, 540))
            if len(table.rows) >= self.chunk:
                self.sink.commit()
        self.sink.commit()

    # --- opportunities --------------------------------------------------------------------------------

    def write_opportunities(self, plans: list[Plan]) -> None:
        """Our pipeline: won/lost before their close date, open ones in the stage their progress
        suggests; linked to running alliances with the partner's role; partners registered some."""
        if not self.n_opportunities:
            return
        sink, clock = self.sink, self.clock
        rng = self.rng("opportunities")
        t_opp = sink.table(
            Opportunity,
            cols(
                "id created_at updated_at name account_id amount currency stage probability "
                "close_date owner_id external_ids stage_changed_at"
            ),
        )
        t_change = sink.table(
            OpportunityStageChange,
            cols("id created_at updated_at opportunity_id from_stage to_stage changed_at changed_by_id"),
        )
        t_link = sink.table(
            OpportunityAlliance, cols("id created_at updated_at opportunity_id alliance_id role")
        )
        t_reg = sink.table(
            DealRegistration,
            cols(
                "id created_at updated_at alliance_id organization_id submitted_by_id "
                "company_name normalized_name domain country contact_name contact_email offering "
                "amount currency expected_close_date notes status submitted_on decision_deadline "
                "decided_at decided_by_id rejection_reason approved_on protection_until "
                "expired_on account_id opportunity_id"
            ),
        )
        k = self.n_opportunities
        for table, expected in ((t_opp, k), (t_change, 3 * k), (t_link, k // 3), (t_reg, k // 25)):
            sink.defer_indexes(table, expected)
        space = NameSpace(list(words.ACCOUNT_DESCRIPTORS), self.seed, "accounts")
        # Alliances in the order they launched: a deal created on day d can only involve the first
        # ``bisect(launched, d)`` of them, picked by the square root of their value.
        linkable = sorted((p for p in plans if p.stage in RUNNING), key=lambda p: p.days["launch"])
        launched = [p.days["launch"] for p in linkable]
        link_cum = list(_cumulative([1 + math.sqrt(p.value_cents / 100) for p in linkable]))
        reps = self.reps or self.managers
        n_reps = len(reps)
        n_accounts = len(self.account_company)
        account_first = self.account_first
        names = self.account_names
        customer = self.account_customer
        offerings = words.OFFERINGS
        n_offerings = len(offerings)
        currencies = self.currencies
        prob = {s: STAGE_PROBABILITY[s] for s in STAGE_PROBABILITY}
        review_n, protect_n = review_days(), protection_days()
        random_, randint, lognorm = rng.random, rng.randint, rng.lognormvariate
        at, day_of = clock.at, clock.day
        role_cum = _cumulative(ROLE_WEIGHTS)
        mu_cycle, mu_amount = math.log(70), math.log(32_000)
        first_names, last_names = words.FIRST_NAMES, words.LAST_NAMES
        next_opp = t_opp.take(self.n_opportunities)
        change_id, link_id = t_change.next_id, t_link.next_id  # written back after the loop
        add_opp, add_change, add_link, add_reg = t_opp.add, t_change.add, t_link.add, t_reg.add
        for n in range(self.n_opportunities):
            oid = next_opp + n
            pos = int(n_accounts * random_() ** 1.6)
            account = account_first + pos
            owner = reps[pos % n_reps]
            offering = offerings[int(random_() * n_offerings)]
            created = -1 - int((HISTORY_DAYS - 95) * random_() ** 1.25)
            cycle = min(420, max(7, int(lognorm(mu_cycle, 0.6))))
            close = created + cycle
            # An alliance takes part in about a third of the deals (only alliances already running).
            link = None
            running = bisect.bisect(launched, created) if linkable else 0
            if running and random_() < 0.38:
                link = linkable[bisect.bisect(link_cum, random_() * link_cum[running - 1])]
            if close <= -1 and random_() < 0.94:
                p_win = 0.38 if link is not None else 0.27
                won = random_() < p_win
                if won and not customer[pos]:
                    customer[pos] = 2  # a customer now: its status is updated below
                reached = 4 if won else 1 + int(random_() * 4)
                final = "closed_won" if won else "closed_lost"
            else:
                if close <= -1:
                    close = -randint(1, 30)  # overdue, still open
                progress = (-created) / max(1, close - created)
                reached = min(4, 1 + int(progress * 4))
                final = None
            amount = lognorm(mu_amount, 1.05) * (1.25 if link is not None else 1.0)
            amount = min(3_500_000, max(1_500, int(amount)))
            amount = amount - amount % (100 if amount >= 10_000 else 50)
            currency = (
                currencies[0]
                if random_() < 0.89 or len(currencies) == 1
                else currencies[1 + (random_() < 0.3)]
            )
            # Stage history: created in prospecting, then one move per stage reached.
            end = close if final is not None else -1
            span = max(1, end - created)
            steps = reached - 1 + (final is not None)
            t = at(created, 28_800 + int(random_() * 36_000))
            created_at = t
            add_change((change_id, t, t, oid, "", "prospecting", t, owner))
            change_id += 1
            previous = "prospecting"
            for k in range(steps):
                if final is not None and k == steps - 1:
                    to, day = final, close
                else:
                    to, day = OPP_STAGES[k + 1], created + (span * (k + 1)) // (steps + 1)
                t = at(day, 28_800 + int(random_() * 36_000))
                add_change((change_id, t, t, oid, previous, to, t, owner))
                change_id += 1
                previous = to
            stage = previous
            p = prob[stage]
            if final is None and random_() < 0.3:
                p = max(5, min(95, p + (5 if random_() < 0.5 else -5)))
            add_opp(
                (
                    oid,
                    created_at,
                    t,
                    f"{names[pos]} - {offering}",
                    account,
                    f"{amount}.00",
                    currency,
                    stage,
                    p,
                    day_of(close),
                    owner,
                    f'{{"salesforce": "006{oid:012d}"}}' if random_() < 0.8 else "{}",
                    t,
                )
            )
            if link is not None:
                role = ROLES[bisect.bisect(role_cum, random_() * role_cum[-1])]
                add_link((link_id, created_at, created_at, oid, link.id, role))
                link_id += 1
                if random_() < 0.03 and running > 1:
                    other = linkable[bisect.bisect(link_cum, random_() * link_cum[running - 1])]
                    if other is not link:
                        add_link((link_id, created_at, created_at, oid, other.id, "influenced"))
                        link_id += 1
                # The partner registered the deal it brought (sourced, resale, referral) first.
                if role in ("sourced", "resell", "referral") and random_() < 0.35:
                    self._registration(
                        add_reg, t_reg, rng, space, link, pos, oid, account, created, close, offering,
                        amount, currency, first_names, last_names, review_n, protect_n,
                    )  # fmt: skip
            if len(t_opp.rows) >= self.chunk:
                sink.commit()
        t_change.next_id, t_link.next_id = change_id, link_id
        sink.commit()
        # An account with a won deal is a customer.
        won = [account_first + pos for pos, flag in enumerate(customer) if flag == 2]
        self._set_customers(won)

    def _set_customers(self, ids: list[int]) -> None:
        if not ids:
            return
        started = time.perf_counter()
        connection = self.sink.connection
        with connection.cursor() as cursor:
            for start in range(0, len(ids), self.chunk):
                part = ids[start : start + self.chunk]
                with transaction.atomic(using=self.using):
                    if self.sink.vendor == "postgresql":
                        cursor.execute(
                            "UPDATE pipeline_account SET status = 'customer' WHERE id = ANY(%s)", [part]
                        )
                    else:
                        cursor.executemany(
                            "UPDATE pipeline_account SET status = 'customer' WHERE id = %s",
                            [(i,) for i in part],
                        )
        stats = self.sink.tables["pipeline_account"].stats
        stats.seconds += time.perf_counter() - started

    def _registration(
        self,
        add: Callable[[tuple], None],
        table: Any,
        rng: random.Random,
        space: NameSpace,
        plan: Plan,
        pos: int,
        oid: int,
        account: int,
        created: int,
        close: int,
        offering: str,
        amount: int,
        currency: str,
        first_names: Sequence[str],
        last_names: Sequence[str],
        review_n: int,
        protect_n: int,
    ) -> None:
        clock = self.clock
        name = self.account_names[pos]
        _, normalized, domain, _, _ = space.name(self.account_company[pos])
        country = self.account_country[pos]
        submitted = max(created - rng.randint(0, 10), clock.LO + 10)
        submitted_on = clock.date(submitted)
        deadline = add_business_days(submitted_on, review_n)
        first, last = rng.choice(first_names), rng.choice(last_names)
        decided = clock.offset(deadline) - rng.randint(0, review_n)
        status, decided_at, approved_on, until, expired_on, reason, opportunity = (
            "submitted", None, None, None, None, "", None,
        )  # fmt: skip
        if decided < 0:
            decided = max(decided, submitted)
            decided_at = clock.at(decided, work(rng))
            if rng.random() < 0.12:
                status, reason = "rejected", rng.choice(words.REGISTRATION_REJECTIONS)
            else:
                approved_on = clock.date(decided)
                until = approved_on + timedelta(days=protect_n)
                opportunity = oid
                if until < clock.as_of:
                    status, expired_on = "expired", (until + timedelta(days=1)).isoformat()
                else:
                    status = "approved"
        at = clock.at(submitted, work(rng))
        add(
            (
                table.take(),
                at,
                decided_at or at,
                plan.id,
                plan.org.id,
                plan.partner_user or plan.owner,
                name,
                normalized,
                domain,
                country,
                f"{first} {last}",
                email_for(first, last, domain),
                offering,
                f"{amount}.00",
                currency,
                clock.day(close),
                "",
                status,
                submitted_on.isoformat(),
                deadline.isoformat(),
                decided_at,
                plan.owner if decided_at else None,
                reason,
                approved_on.isoformat() if approved_on else None,
                until.isoformat() if until else None,
                expired_on,
                account,
                opportunity,
            )
        )


def cols(names: str) -> list[str]:
    """Column names (attnames) from one string."""
    return names.split()


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
