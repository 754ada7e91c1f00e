"""The world of the authorization matrix: our company, one user of every internal role, partner A
on alliance X and a *competing* partner B on alliance Y.

Both alliances get the same kinds of data, built by one function (mostly through the services, so
ledgers, histories and stage changes are real). X's texts are ordinary (``XSIDE_…``); Y's carry
the canary markers of :mod:`.canaries`. Afterwards every object of Y (and B, B's people and
records) is **renumbered to the primary key P = 900001** in its table - the primary key and every
foreign key and history row pointing at it - so a URL with P in every path parameter names Y's
objects, whatever the route. A table in which the builder made nothing gets a P row from a
generic filler (``fill_generic``), so a model added later is still planted.
"""

from __future__ import annotations

import contextlib
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from amity.core.roles import Role
from tests import factories as f

from . import canaries as c

P = 900001

#: Tables the renumbering and the generic filler leave alone (not domain data of an alliance).
NOT_PLANTED = {
    "alliances.SharingSetting": "the sharing settings are what the tests set",
    "notifications.ScheduledRun": "the worker's once-a-day guard: no user-facing data",
    "core.IdempotencyRecord": "answers stored per client for API retries: read only by the middleware",
    "notifications.WorkerHeartbeat": "a running worker's liveness: no user-facing data",
}


def domain_models() -> list[type[models.Model]]:
    """Every concrete model of Amity (not the history tables, not Django's own)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("amity.")
        and not m._meta.abstract
        and not m._meta.proxy
        and not m.__name__.startswith("Historical")
    ]


def all_tables() -> list[type[models.Model]]:
    """Every concrete model, history and auto-created many-to-many tables included."""
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]


@dataclass
class Side:
    """One alliance with its partner organization and everything built for it."""

    tag: str  # "X" (partner A) or "Y" (partner B, the canaries)
    org: Any = None
    user: Any = None
    contact: Any = None
    alliance: Any = None
    objects: dict[str, Any] = field(default_factory=dict)

    def t(self, cls: str, what: str) -> str:
        """A text of this side: a canary on Y, an ordinary marker on X."""
        if self.tag == "Y":
            return c.marker(cls, what)
        return f"XSIDE_{cls.upper()}_{what.upper()}"

    def n(self, number: Decimal, ordinary: str) -> Decimal:
        return number if self.tag == "Y" else Decimal(ordinary)


@dataclass
class World:
    home: Any = None
    users: dict[str, Any] = field(default_factory=dict)  # role name → user
    x: Side = field(default_factory=lambda: Side("X"))
    y: Side = field(default_factory=lambda: Side("Y"))
    program: Any = None
    tiers: list[Any] = field(default_factory=list)
    feeds: dict[str, str] = field(default_factory=dict)  # user key → raw calendar token
    problems: list[str] = field(default_factory=list)  # steps of the builder that failed
    renumbered: dict[str, int] = field(default_factory=dict)  # model label → the old pk of its P row
    filled: dict[str, str] = field(default_factory=dict)  # model label → "generic" or why not
    generic_of_y: set[str] = field(default_factory=set)  # generic P rows that hang off Y
    marked: dict[type, Any] = field(default_factory=dict)
    marking: bool = False  # only while Y is built

    def mark(self, obj: Any) -> Any:
        """Make ``obj`` the P row of its table (else the first row Y's phase made there)."""
        if self.marking:
            self.marked.setdefault(type(obj), obj)
        return obj

    @property
    def clients_users(self) -> dict[str, Any]:
        return {**self.users, "partner_a": self.x.user, "partner_b": self.y.user}


@contextlib.contextmanager
def step(world: World, name: str) -> Iterator[None]:
    """Run one part of the build in a savepoint; a failure is recorded, not fatal (other
    engineers change the services while this test is written)."""
    try:
        with transaction.atomic():
            yield
    except Exception as exc:  # noqa: BLE001 - reported by test_world_is_complete
        tb = traceback.extract_tb(exc.__traceback__)
        where = next((f"{fr.filename.split('/src/')[-1]}:{fr.lineno}" for fr in reversed(tb)), "?")
        world.problems.append(f"{name}: {type(exc).__name__}: {str(exc)[:300]} ({where})")


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


# --- the build ---------------------------------------------------------------------------------


def build() -> World:
    from amity.funds import services as funds

    world = World()
    world.home = f.home_org()
    world.users = {
        "admin": f.admin_user(username="authz_admin", first_name="Ada", last_name="Admin"),
        "manager": f.manager_user(username="authz_manager", first_name="Max", last_name="Manager"),
        "executive": f.executive_user(username="authz_exec", first_name="Eve", last_name="Exec"),
        "sales": f.UserFactory(username="authz_sales", role=Role.SALES, first_name="Sal", last_name="Sales"),
    }
    world.tiers = [f.TierFactory(name="Authz Gold", rank=91), f.TierFactory(name="Authz Silver", rank=92)]
    with step(world, "fund program"):
        world.program = funds.program_create(
            data={"name": "Authz MDF", "default_cofunding_share": Decimal("50")}, user=world.users["admin"]
        )

    _partner(world, world.x, "Arcadia Partner GmbH", "authz_partner_a")
    build_side(world, world.x)

    marks = {m: _max_pk(m) for m in domain_models()}
    world.marking = True
    _partner(world, world.y, c.marker("B", "ORG") + " Competitor Ltd", "authz_partner_b")
    build_side(world, world.y)
    world.marking = False
    renumber(world, marks)
    fill_generic(world)

    # Calendar feeds of every user (made after the renumbering: not Y's data, except B's own).
    from amity.notifications.services import feed_create

    for key, user in world.users.items():
        with step(world, f"calendar feed of {key}"):
            _, raw = feed_create(user=user, name=f"authz {key}")
            world.feeds[key] = raw
    return world


def _max_pk(model: type[models.Model]) -> int:
    pk = model._meta.pk
    if pk.is_relation:
        return 0
    return model._base_manager.aggregate(m=Max("pk"))["m"] or 0


def _partner(world: World, side: Side, name: str, username: str) -> None:
    side.org = world.mark(
        f.OrganizationFactory(
            name=name,
            description=side.t("B", "ORG_DESCRIPTION"),
            capabilities=side.t("B", "CAPABILITIES"),
            strengths=side.t("B", "STRENGTHS"),
            domain=f"{username}.example",
        )
    )
    side.contact = world.mark(
        f.ContactFactory(
            organization=side.org,
            first_name=side.t("B", "CONTACT"),
            last_name="Person",
            email=f"contact@{username}.example",
            notes=side.t("B", "CONTACT_NOTES"),
        )
    )
    side.user = world.mark(
        f.partner_user(side.org, username=username, first_name=side.t("B", "USER"), last_name="Partneruser")
    )


def build_side(world: World, side: Side) -> None:  # noqa: C901, PLR0915 - one story, told in order
    from amity.alliances.models import (
        Alliance,
        AllianceMember,
        AllianceParty,
        MemberRole,
        PartyRole,
        Stage,
        StageChange,
        TierChange,
        TierProposal,
        TierReview,
    )

    admin, manager = world.users["admin"], world.users["manager"]
    today = timezone.localdate()
    soon = today + timedelta(days=10)
    t, o = side.t, side.objects

    # The alliance, its parties and people.
    side.alliance = a = world.mark(
        Alliance.objects.create(
            name=t("ALLIANCE", "NAME") + (" Nimbus" if side.tag == "Y" else " Arcadia"),
            alliance_type="gtm",
            stage=Stage.MANAGE,
            owner=manager,
            tier=world.tiers[0],
            description=t("ALLIANCE", "DESCRIPTION"),
            exit_plan=t("ALLIANCE", "EXIT_PLAN"),
            start_date=today - timedelta(days=400),
            annual_value=Decimal("250000"),
        )
    )
    world.mark(AllianceParty.objects.create(alliance=a, organization=side.org, role=PartyRole.PARTNER))
    AllianceParty.objects.create(alliance=a, organization=world.home, role=PartyRole.HOST)
    o["member"] = world.mark(
        AllianceMember.objects.create(
            alliance=a, contact=side.contact, role=MemberRole.SPONSOR, area=t("ALLIANCE", "AREA")
        )
    )
    ours = f.ContactFactory(organization=world.home, first_name="Olivia", last_name="Ours")
    AllianceMember.objects.create(alliance=a, contact=ours, role=MemberRole.MANAGER, area="alliances")
    world.mark(
        StageChange.objects.create(
            alliance=a, from_stage=Stage.LAUNCH, to_stage=Stage.MANAGE, changed_by=manager,
            reason=t("ALLIANCE", "STAGE_REASON"),
        )
    )  # fmt: skip

    # Our own deliberations: never for a partner.
    with step(world, f"{side.tag} strategic review"):
        o["review"] = world.mark(
            f.ReviewFactory(
                alliance=a, reviewed_by=manager, notes=t("INTERNAL", "REVIEW_NOTES"),
                evidence_goals=t("INTERNAL", "REVIEW_EVIDENCE"), score_goals=3,
            )
        )  # fmt: skip
    with step(world, f"{side.tag} tiering"):
        review = world.mark(
            TierReview.objects.create(
                run_on=today, period_start=today - timedelta(days=365), period_end=today, started_by=admin
            )
        )
        o["proposal"] = world.mark(
            TierProposal.objects.create(
                review=review, alliance=a, current_tier=world.tiers[0], proposed_tier=world.tiers[1],
                status="proposed", note=t("INTERNAL", "TIER_NOTE"), explanation={"why": t("INTERNAL", "TIER_WHY")},
            )
        )  # fmt: skip
        world.mark(
            TierChange.objects.create(
                alliance=a, from_tier=world.tiers[1], to_tier=world.tiers[0], source="manual",
                reason=t("INTERNAL", "TIER_CHANGE"), changed_by=admin,
            )
        )  # fmt: skip

    _agreements(world, side, soon)
    _planning(world, side, today, soon)
    _governance(world, side, today, soon)
    _pipeline(world, side, today)
    _funds(world, side, today)
    _assessments(world, side)
    _scorecards(world, side, today)
    _activity(world, side, today, soon)


def _agreements(world: World, side: Side, soon: date) -> None:
    from amity.agreements.demo import pdf
    from amity.agreements.models import Agreement, Commitment
    from amity.agreements.services import document_upload

    t, o, a, manager = side.t, side.objects, side.alliance, world.users["manager"]
    with step(world, f"{side.tag} agreement"):
        agreement = o["agreement"] = world.mark(
            Agreement.objects.create(
                alliance=a, title=t("DOCUMENTS", "AGREEMENT"), kind="master", status="active",
                signed_date=soon - timedelta(days=300), effective_date=soon - timedelta(days=290),
                expiry_date=soon + timedelta(days=60), notice_period_days=70, notice_deadline=soon,
                notes=t("DOCUMENTS", "AGREEMENT_NOTES"), ip_terms=t("DOCUMENTS", "IP_TERMS"),
                value=Decimal("120000"), owner=manager,
            )
        )  # fmt: skip
        agreement.parties.set([world.home, side.org])
    with step(world, f"{side.tag} agreement document"):
        content = pdf(t("DOCUMENTS", "FILE_TITLE"), [t("DOCUMENTS", "FILE_BODY")])
        upload = SimpleUploadedFile(f"{t('DOCUMENTS', 'FILENAME').lower()}.pdf", content, "application/pdf")
        o["document"] = world.mark(
            document_upload(
                agreement=agreement, upload=upload, user=manager, description=t("DOCUMENTS", "DOC")
            )
        )
    with step(world, f"{side.tag} commitment"):
        o["commitment"] = world.mark(
            Commitment.objects.create(
                alliance=a, party=side.org, nature="soft", soft_source="annual_plan", category="other",
                title=t("COMMITMENTS", "COMMITMENT"), description=t("COMMITMENTS", "DESCRIPTION"),
                quantity=Decimal("1"), unit="item", due_date=soon, status="agreed",
                owner_contact=side.contact, evidence=t("COMMITMENTS", "EVIDENCE"),
            )
        )  # fmt: skip


def _planning(world: World, side: Side, today: date, soon: date) -> None:
    from amity.core import periods
    from amity.planning.models import (
        InitiativeResource,
        JointBusinessPlan,
        JointInitiative,
        JointOffering,
        Milestone,
        OfferingComponent,
        PlanAgreement,
        PlanObjective,
    )

    t, o, a, manager = side.t, side.objects, side.alliance, world.users["manager"]
    with step(world, f"{side.tag} plan"):
        plan = o["plan"] = world.mark(
            JointBusinessPlan.objects.create(
                alliance=a, fiscal_year=periods.fiscal_year_of(today), title=t("PLAN", "TITLE"),
                thesis=t("PLAN", "THESIS"), revenue_target=side.n(c.PLAN_REVENUE, "1234000"), currency="EUR",
                revenue_growth_pct=Decimal("17"), capability_expectations=t("PLAN", "CAPABILITIES"),
                owner=manager, status="active",
            )
        )  # fmt: skip
        o["objective"] = world.mark(
            PlanObjective.objects.create(
                plan=plan, title=t("PLAN", "OBJECTIVE"), metric=t("PLAN", "METRIC"), unit="deals",
                owning_side=side.org, target_q1=Decimal("3"), actual_q1=Decimal("2"),
            )
        )  # fmt: skip
        world.mark(
            PlanAgreement.objects.create(
                plan=plan, organization=side.org, agreed_by=side.user, note=t("PLAN", "AGREED")
            )
        )
    with step(world, f"{side.tag} roadmap"):
        milestone = o["milestone"] = world.mark(
            Milestone.objects.create(
                alliance=a, title=t("ROADMAP", "MILESTONE"), description=t("ROADMAP", "MILESTONE_TEXT"),
                due_date=soon, owning_side=side.org, category="integration",
            )
        )  # fmt: skip
        initiative = o["initiative"] = world.mark(
            JointInitiative.objects.create(
                alliance=a, title=t("ROADMAP", "INITIATIVE"), goal=t("ROADMAP", "GOAL"), status="active",
                start_date=today - timedelta(days=30), end_date=soon + timedelta(days=90),
            )
        )  # fmt: skip
        world.mark(
            InitiativeResource.objects.create(
                initiative=initiative, organization=side.org, description=t("ROADMAP", "RESOURCE"),
                requested=Decimal("2"), assigned=Decimal("1"),
            )
        )  # fmt: skip
        offering = o["offering"] = world.mark(
            JointOffering.objects.create(
                alliance=a, name=t("ROADMAP", "OFFERING"), value_proposition=t("ROADMAP", "VALUE"),
                target_markets=t("ROADMAP", "MARKETS"), launch_milestone=milestone,
            )
        )  # fmt: skip
        world.mark(
            OfferingComponent.objects.create(
                offering=offering, organization=side.org, contribution=t("ROADMAP", "COMPONENT")
            )
        )


def _governance(world: World, side: Side, today: date, soon: date) -> None:
    from amity.governance.models import (
        ActionItem,
        BodyMember,
        Cadence,
        Decision,
        Escalation,
        GovernanceBody,
        Meeting,
    )

    t, o, a, manager = side.t, side.objects, side.alliance, world.users["manager"]
    with step(world, f"{side.tag} governance"):
        body = o["body"] = world.mark(
            GovernanceBody.objects.create(
                alliance=a, name=t("GOVERNANCE", "BODY"), kind="steering", purpose=t("GOVERNANCE", "PURPOSE")
            )
        )
        world.mark(BodyMember.objects.create(body=body, contact=side.contact, role="chair"))
        world.mark(
            Cadence.objects.create(
                alliance=a, meeting_kind="qbr", interval_months=3, body=body, notes=t("GOVERNANCE", "CADENCE")
            )
        )
        meeting = o["meeting"] = world.mark(
            Meeting.objects.create(
                alliance=a, body=body, kind="qbr", title=t("GOVERNANCE", "MEETING"), scheduled_start=_at(soon),
                location=t("GOVERNANCE", "LOCATION"), agenda=t("GOVERNANCE", "AGENDA"),
                minutes=t("GOVERNANCE", "MINUTES"), status="planned",
            )
        )  # fmt: skip
        meeting.attendees.set([side.contact])
        o["decision"] = world.mark(
            Decision.objects.create(
                alliance=a,
                meeting=meeting,
                text=t("GOVERNANCE", "DECISION"),
                decided_on=today,
                recorded_by=manager,
            )
        )
        o["action"] = world.mark(
            ActionItem.objects.create(
                alliance=a, meeting=meeting, title=t("GOVERNANCE", "ACTION"), notes=t("GOVERNANCE", "ACTION_NOTES"),
                owner=side.contact, due_date=soon,
            )
        )  # fmt: skip
        o["escalation"] = world.mark(
            Escalation.objects.create(
                alliance=a, title=t("GOVERNANCE", "ESCALATION"), description=t("GOVERNANCE", "ESCALATION_TEXT"),
                raised_by=manager, to_body=body,
            )
        )  # fmt: skip


def _pipeline(world: World, side: Side, today: date) -> None:
    from amity.pipeline import services as pipeline
    from amity.pipeline.models import Account, ImportJob, Lead, LeadRoutingRule
    from amity.pipeline.services_leads import lead_create, route_lead_to
    from amity.pipeline.services_mapping import mapping_shared

    t, o, a = side.t, side.objects, side.alliance
    manager, sales = world.users["manager"], world.users["sales"]
    with step(world, f"{side.tag} our account and won deal"):
        account = world.mark(
            Account.objects.create(
                name=t("PIPELINE", "ACCOUNT"), normalized_name=pipeline.normalize_name(t("PIPELINE", "ACCOUNT")),
                domain=f"{side.tag.lower()}-customer.example", owner_organization=world.home,
                industry=t("PIPELINE", "INDUSTRY"),
            )
        )  # fmt: skip
        o["opportunity"] = world.mark(
            pipeline.opportunity_create(
                data={
                    "account": account, "name": t("PIPELINE", "OPPORTUNITY"),
                    "amount": side.n(c.DEAL_AMOUNT, "55000"), "currency": "EUR", "stage": "closed_won",
                    "close_date": today, "owner": sales,
                },
                alliances=[(a, "co_sell")],
                user=manager,
            )
        )  # fmt: skip
    with step(world, f"{side.tag} partner's own account"):
        Account.objects.create(
            name=t("B", "OWN_ACCOUNT"), normalized_name=pipeline.normalize_name(t("B", "OWN_ACCOUNT")),
            owner_organization=side.org, domain=f"{side.tag.lower()}-own.example",
        )  # fmt: skip
    with step(world, f"{side.tag} deal registration"):
        o["registration"] = world.mark(
            pipeline.registration_submit(
                data={
                    "company_name": t("B", "REGISTERED_COMPANY"), "domain": f"{side.tag.lower()}-reg.example",
                    "country": "DE", "contact_name": t("B", "REG_CONTACT"), "contact_email": "buyer@reg.example",
                    "offering": t("B", "REG_OFFERING"), "amount": Decimal("4321"), "currency": "EUR",
                    "expected_close_date": today + timedelta(days=40), "notes": t("B", "REG_NOTES"),
                },
                alliance=a,
                user=side.user,
            )
        )  # fmt: skip
    with step(world, f"{side.tag} registration match"):
        from amity.pipeline.models import RegistrationMatch

        world.mark(
            RegistrationMatch.objects.create(
                registration=o["registration"], kind="open_opportunity", on_name=True,
                opportunity=o["opportunity"], account=o["opportunity"].account,
            )
        )  # fmt: skip
    with step(world, f"{side.tag} lead"):
        world.mark(
            LeadRoutingRule.objects.create(
                name=t("INTERNAL", "LEAD_RULE"), alliance=a, notes=t("INTERNAL", "RULE_NOTES")
            )
        )
        lead = lead_create(
            data={
                "company_name": t("B", "LEAD_COMPANY"), "country": "DE", "need": t("B", "LEAD_NEED"),
                "contact_name": "Lee Lead", "contact_email": f"lead@{side.tag.lower()}-lead.example",
                "description": t("B", "LEAD_DESCRIPTION"), "amount": Decimal("777"),
            },
            user=manager,
        )  # fmt: skip
        o["lead"] = world.mark(route_lead_to(lead=lead, alliance=a, user=manager))
        assert Lead.objects.get(pk=lead.pk).organization_id == side.org.pk
    with step(world, f"{side.tag} account mapping"):
        o["mapping"] = world.mark(mapping_shared(user=manager, alliance=a, partner=side.org))
    with step(world, f"{side.tag} import job"):
        world.mark(
            ImportJob.objects.create(
                kind="accounts", file=ContentFile(b"Account Name\nAcme\n", name="authz-import.csv"),
                original_name=t("INTERNAL", "IMPORT") + ".csv", created_by=manager, alliance=a,
                error_report="", message=t("INTERNAL", "IMPORT_MESSAGE"),
            )
        )  # fmt: skip


def _funds(world: World, side: Side, today: date) -> None:
    from amity.funds import services as funds
    from amity.funds import services_claims as claims
    from amity.funds import services_incentives as incentives

    t, o, a, manager = side.t, side.objects, side.alliance, world.users["manager"]
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with step(world, f"{side.tag} MDF"):
        budget = o["budget"] = world.mark(
            funds.budget_allocate(
                program=world.program, organization=side.org, fiscal_year=today.year, amount=Decimal("10000"),
                user=manager, alliance=a, note=t("B", "ALLOCATION"),
            )
        )  # fmt: skip
        request = funds.request_create(
            budget=budget,
            data={
                "activity": t("B", "MDF_ACTIVITY"), "description": t("B", "MDF_REQUEST"),
                "planned_cost": Decimal("2000"), "partner_share": Decimal("50"),
                "expected_outcome": t("B", "MDF_OUTCOME"), "campaign_name": t("B", "CAMPAIGN"),
            },
            user=side.user,
            submit=True,
        )  # fmt: skip
        request = o["fund_request"] = world.mark(funds.request_approve(request=request, user=manager))
        claim = claims.claim_submit(
            request=request, amount=Decimal("500"), user=side.user, description=t("B", "MDF_CLAIM"),
            files=[SimpleUploadedFile(t("B", "PROOF").lower() + ".pdf", pdf, "application/pdf")],
        )  # fmt: skip
        claim = o["claim"] = world.mark(claims.claim_approve(claim=claim, user=manager))
        o["payment"] = world.mark(
            claims.claim_pay(claim=claim, paid_on=today, reference=t("B", "PAYMENT"), user=manager)
        )
    with step(world, f"{side.tag} partner incentive"):
        plan = o["incentive_plan"] = world.mark(
            incentives.plan_create(
                data={
                    "name": t("B", "INCENTIVE_PLAN"), "audience": "partner", "description": t("B", "INCENTIVE_TEXT"),
                    "valid_from": today - timedelta(days=200), "currency": "EUR",
                },
                user=world.users["admin"],
            )
        )  # fmt: skip
        world.mark(
            incentives.rule_create(
                plan=plan,
                data={"name": t("B", "INCENTIVE_RULE"), "kind": "percent", "partner_roles": ["co_sell"], "rate_percent": Decimal("5")},
                user=world.users["admin"],
            )
        )  # fmt: skip
        world.mark(
            incentives.enroll(
                plan=plan,
                user=world.users["admin"],
                valid_from=today - timedelta(days=200),
                organization=side.org,
            )
        )
        o["statement"] = world.mark(
            incentives.statement_generate(plan=plan, payee=side.org, day=today, user=world.users["admin"])
        )


def _assessments(world: World, side: Side) -> None:
    from amity.assessments.models import Instrument
    from amity.assessments.services import assessment_create, response_save

    t, o, a, manager = side.t, side.objects, side.alliance, world.users["manager"]
    with step(world, f"{side.tag} two-sided assessment"):
        instrument = (
            Instrument.objects.filter(two_sided=True, active=True)
            .exclude(key="strategic-review")
            .order_by("pk")
            .first()
        )
        assert instrument is not None, "no active two-sided instrument"
        assessment = o["assessment"] = world.mark(
            assessment_create(
                alliance=a, instrument=instrument, wave=t("ASSESSMENTS", "WAVE"), user=manager, two_sided=True
            )
        )
        first = instrument.items.order_by("order", "pk").first()
        world.mark(
            response_save(
                assessment=assessment, user=side.user, submit=True,
                answers={first.key: {"value": instrument.scale_max, "want": instrument.scale_max,
                                     "comment": t("ASSESSMENTS", "PARTNER_ANSWER")}},
            )
        )  # fmt: skip
        response_save(
            assessment=assessment, user=manager, submit=True,
            answers={first.key: {"value": instrument.scale_min, "want": instrument.scale_min,
                                 "comment": t("INTERNAL", "OUR_ANSWER")}},
        )  # fmt: skip


def _scorecards(world: World, side: Side, today: date) -> None:
    from amity.scorecards.models import AllianceCost, BusinessCase, EngagementOption

    t, a = side.t, side.alliance
    with step(world, f"{side.tag} costs and business case"):
        world.mark(
            AllianceCost.objects.create(
                alliance=a, kind="program", period_start=today.replace(day=1), period_end=today.replace(day=1),
                description=t("INTERNAL", "COST"), amount=side.n(c.INTERNAL_COST, "3000"),
            )
        )  # fmt: skip
        world.mark(
            EngagementOption.objects.create(
                alliance=a,
                level="managed",
                expected_value=Decimal("1000"),
                effort_fte=Decimal("1"),
                cost=Decimal("10"),
            )
        )
        world.mark(
            BusinessCase.objects.create(
                name=t("INTERNAL", "BUSINESS_CASE"), alliance=a, notes=t("INTERNAL", "CASE_NOTES"),
                created_by=world.users["manager"],
            )
        )  # fmt: skip


def _activity(world: World, side: Side, today: date, soon: date) -> None:
    """Certifications, webhooks, comments, invitations, notifications, sign-ins, tokens."""
    t, o, a = side.t, side.objects, side.alliance
    admin, manager = world.users["admin"], world.users["manager"]
    with step(world, f"{side.tag} certification"):
        from amity.partners.models import Certification

        world.mark(
            Certification.objects.create(
                contact=side.contact, course=t("B", "CERTIFICATION"), issuer=t("B", "ISSUER"),
                completed_on=today - timedelta(days=20), credential_id=t("B", "CREDENTIAL"),
            )
        )  # fmt: skip
    with step(world, f"{side.tag} notification"):
        from amity.notifications.models import Notification

        milestone = o.get("milestone")
        world.mark(
            Notification.objects.create(
                user=side.user, alliance=a, uid=f"milestone-{milestone.pk if milestone else 0}-authz",
                reason="due_soon", kind="milestone_due", title=t("ROADMAP", "NOTIFICATION"), day=soon,
                url=f"/alliances/{a.pk}/roadmap/",
            )
        )  # fmt: skip
        Notification.objects.create(
            user=manager, alliance=a, uid=f"authz-{side.tag}-manager", reason="due_soon", kind="meeting",
            title=t("GOVERNANCE", "NOTIFICATION_OURS"), day=soon,
        )  # fmt: skip
    with step(world, f"{side.tag} webhook"):
        from amity.webhooks.catalog import EVENTS
        from amity.webhooks.services import subscription_create, subscription_test

        subscription, _ = subscription_create(
            user=side.user,
            data={
                "name": t("B", "WEBHOOK"), "url": f"https://{side.tag.lower()}-hooks.example/in",
                "events": list(EVENTS)[:3],
            },
        )  # fmt: skip
        world.mark(subscription)
        o["delivery"] = world.mark(subscription_test(subscription=subscription, user=side.user))
    for target_key, cls in (("plan", "PLAN"), ("milestone", "ROADMAP"), ("commitment", "COMMITMENTS")):
        with step(world, f"{side.tag} comment on the {target_key}"):
            from amity.comments.services import comment_create

            target = o[target_key]
            comment = comment_create(
                user=side.user, target=target, body=t(cls, f"COMMENT @{manager.username}"), email=False
            )
            if target_key == "plan":
                world.mark(comment)
    with step(world, f"{side.tag} invitation"):
        from amity.portal.services import invitation_create

        invitation, _ = invitation_create(
            organization=side.org, email=f"invitee@{side.tag.lower()}-invite.example", user=admin,
            first_name=t("INTERNAL", "INVITEE"), last_name="Invitee", send=False,
        )  # fmt: skip
        world.mark(invitation)
    with step(world, f"{side.tag} access change"):
        from amity.portal.models import AccessChange

        world.mark(AccessChange.objects.create(user=side.user, action="reactivated", changed_by=admin))
    with step(world, f"{side.tag} partner application"):
        from amity.partners.models import PartnerApplication

        world.mark(
            PartnerApplication.objects.create(
                company_name=t("INTERNAL", "APPLICATION"), website="https://applicant.example", country="DE",
                partner_kind="isv", size="1-49", contact_first_name="Ann", contact_last_name="Applicant",
                contact_email=f"ann@{side.tag.lower()}-applicant.example", proposal=t("INTERNAL", "PROPOSAL"),
                status="approved", organization=side.org, contact=side.contact, alliance=a, decided_by=admin, decided_at=timezone.now(),
            )
        )  # fmt: skip
    with step(world, f"{side.tag} sign-in event"):
        from amity.accounts.models import SignInEvent

        world.mark(
            SignInEvent.objects.create(
                user=side.user, username=side.user.username, outcome="success", detail=t("B", "SIGNIN"),
                user_agent=t("B", "USER_AGENT"),
            )
        )  # fmt: skip
    with step(world, f"{side.tag} calendar feed"):
        from amity.notifications.services import feed_create

        feed, raw = feed_create(user=side.user, name=t("B", "FEED"))
        world.mark(feed)
        world.feeds["partner_a" if side.tag == "X" else "partner_b"] = raw
    with step(world, f"{side.tag} API token"):
        from amity.accounts.services import token_create

        token, _ = token_create(user=side.user, name=t("B", "TOKEN"))
        world.mark(token)


# --- renumbering to P --------------------------------------------------------------------------


def _references(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(table, column) of every foreign key to ``model``'s primary key, history tables included."""
    found = []
    for other in all_tables():
        for fld in other._meta.concrete_fields:
            if fld.is_relation and fld.related_model is model and fld.target_field == model._meta.pk:
                found.append((other, fld.column))
    return found


def _history_tables(model: type[models.Model]) -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and getattr(m, "instance_type", None) is model
    ]


def _renumber_row(model: type[models.Model], old: int) -> None:
    """Give the row ``old`` of ``model`` the primary key P, with every reference to it."""
    qn = connection.ops.quote_name
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(model._meta.db_table)} SET {qn(pk.column)} = %s WHERE {qn(pk.column)} = %s", [P, old]
        )
        for other, column in _references(model):
            cursor.execute(
                f"UPDATE {qn(other._meta.db_table)} SET {qn(column)} = %s WHERE {qn(column)} = %s", [P, old]
            )
        for history in _history_tables(model):
            column = history._meta.get_field(pk.name).column
            cursor.execute(
                f"UPDATE {qn(history._meta.db_table)} SET {qn(column)} = %s WHERE {qn(column)} = %s", [P, old]
            )


def renumber(world: World, marks: dict[type[models.Model], int]) -> None:
    """Give Y's row of every table the primary key P (its marked object, else the first row the
    Y phase made), with every reference to it."""
    with transaction.atomic():
        for model in domain_models():
            label = model._meta.label
            if model._meta.pk.is_relation or label in NOT_PLANTED:
                continue
            if model._base_manager.filter(pk=P).exists():
                continue
            chosen = world.marked.get(model)
            old = chosen.pk if chosen is not None else None
            if old is None:
                old = (
                    model._base_manager.filter(pk__gt=marks.get(model, 0))
                    .order_by("pk")
                    .values_list("pk", flat=True)
                    .first()
                )
            if old is None:
                continue
            _renumber_row(model, old)
            world.renumbered[label] = old
            if chosen is not None:
                chosen.pk = P
    for side in (world.x, world.y):
        for obj in [side.org, side.user, side.contact, side.alliance, *side.objects.values()]:
            if obj is not None and type(obj)._base_manager.filter(pk=obj.pk).exists():
                obj.refresh_from_db()


# --- the generic filler ------------------------------------------------------------------------

#: Models whose P row makes a new row "of Y" (a canary is planted in its text).
_Y_ANCHORS = ("alliances.Alliance", "partners.Organization", "partners.Contact", "accounts.User")


def fill_generic(world: World) -> None:
    """A P row for every table that has none yet: each required field filled, every foreign key
    pointing at the P row of its table (Y's object), texts carrying an ``OTHER`` canary when the
    row hangs off Y."""
    pending = [m for m in domain_models() if not m._meta.pk.is_relation and m._meta.label not in NOT_PLANTED]
    for _ in range(4):  # a few rounds: a row may need another new row first
        progress = False
        for model in list(pending):
            if model._base_manager.filter(pk=P).exists():
                pending.remove(model)
                continue
            existing = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
            if existing is not None and not _of_y(model):
                # Reference data (tiers, KPIs, instruments …): one of the real rows becomes P, so
                # pages built on it work (nonsense written by a filler would crash them).
                with transaction.atomic():
                    _renumber_row(model, existing)
                world.filled[model._meta.label] = "adopted"
                pending.remove(model)
                progress = True
                continue
            try:
                with transaction.atomic():
                    if _fill(model):
                        world.generic_of_y.add(model._meta.label)
                world.filled[model._meta.label] = "generic"
                pending.remove(model)
                progress = True
            except Exception as exc:  # noqa: BLE001 - reported
                world.filled[model._meta.label] = f"not filled: {type(exc).__name__}: {str(exc)[:200]}"
        if not progress:
            break


def _of_y(model: type[models.Model]) -> bool:
    return any(
        fld.is_relation and fld.related_model is not None and fld.related_model._meta.label in _Y_ANCHORS
        for fld in model._meta.concrete_fields
    )


def _fill(model: type[models.Model]) -> bool:
    of_y = _of_y(model)
    values: dict[str, Any] = {}
    for fld in model._meta.concrete_fields:
        if fld.primary_key or getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False):
            continue
        if fld.is_relation:
            target = fld.related_model
            if target._base_manager.filter(pk=P).exists():
                values[fld.attname] = P
            elif not fld.null:
                first = target._base_manager.order_by("pk").values_list("pk", flat=True).first()
                if first is None:
                    raise LookupError(f"{target._meta.label} has no row for {fld.name}")
                values[fld.attname] = first
            continue
        if fld.choices:
            if not fld.has_default():
                values[fld.attname] = fld.choices[0][0]
            continue
        if isinstance(fld, (models.CharField, models.TextField)) and not isinstance(
            fld, (models.EmailField, models.URLField, models.SlugField, models.GenericIPAddressField)
        ):
            text = c.marker("OTHER", model.__name__) if of_y else f"authz generic {model.__name__}"
            if fld.max_length:
                text = text[: fld.max_length]
            values[fld.attname] = text
            continue
        if fld.has_default() or fld.null:
            continue
        values[fld.attname] = _dummy(fld)
    model._base_manager.create(pk=P, **values)
    return of_y


def _dummy(fld: models.Field) -> Any:
    if isinstance(fld, models.EmailField):
        return "canary-y@example.com"
    if isinstance(fld, models.URLField):
        return "https://canary-y.example/"
    if isinstance(fld, models.SlugField):
        return "canary-y-generic"
    if isinstance(fld, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(fld, models.BooleanField):
        return False
    if isinstance(fld, models.DateTimeField):
        return timezone.now()
    if isinstance(fld, models.DateField):
        return timezone.localdate()
    if isinstance(fld, models.DecimalField):
        return Decimal("1")
    if isinstance(fld, models.PositiveSmallIntegerField):
        return 32001  # often unique (a tier's rank): far from the real ones
    if isinstance(fld, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(fld, models.UUIDField):
        return uuid.uuid4()
    if isinstance(fld, models.JSONField):
        return {}
    if isinstance(fld, models.FileField):
        return "authz/generic.txt"
    raise TypeError(f"no dummy value for {type(fld).__name__} {fld.name}")
