"""Load the demo story (:mod:`amity.demo.data`) through the real services, idempotently.

Every row is written by the service a person would use (``alliance_create``,
``alliance_transition``, ``review_record`` …) with the person as ``user``, so stage history,
gate checklists, review classifications and history entries are real. Each step runs on
its story date: the clock is set to that moment while the service runs (so gates such as
"a review in the last 12 months" are judged as they were then), and the creation
timestamps that Django fills from its captured default are set to it afterwards.

Idempotent by natural keys: organizations by name, contacts by organization and e-mail,
users by username, objectives by code, alliances by name. An alliance that exists is left
as it is, with its reviews and history. The whole load is one transaction.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from amity.accounts.models import User
from amity.alliances import services as alliance_services
from amity.alliances.models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    CorporateObjective,
    GateCheck,
    GateRequirement,
    StageChange,
    StrategicReview,
    Tier,
)
from amity.core.services import model_create, model_update
from amity.partners.models import Contact, Organization

from . import data
from .data import ACTIVITY_FIELDS, AllianceSpec, ApplyTier, Edit, Go, Org, Review, Team

#: Models whose ``created_at`` comes from a captured default and is set to the story time.
STAMPED: tuple[type[models.Model], ...] = (
    Organization,
    Contact,
    CorporateObjective,
    Alliance,
    AllianceParty,
    AllianceMember,
    StrategicReview,
)
CRITERIA_KEYS = ("goals", "competency", "opportunities", "sustainability", "innovation")


#: Later capabilities tell their part of the story, in this order: ``amity.<app>.demo`` has
#: ``load(loader)``, which must be idempotent and write through the app's services (use
#: ``story_time`` for dates). Apps without a demo module are skipped.
EXTENSIONS = [
    "agreements",
    "planning",
    "governance",
    "pipeline",
    "funds",
    "assessments",
    "scorecards",
    "alliances",
    "portal",
    "comments",
    "notifications",
]


class DemoError(Exception):
    """The demo cannot be loaded into this database (the message says why)."""


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    @property
    def created_anything(self) -> bool:
        return sum(self.created.values()) > 0


def _moment(day: date | str, step: int = 0) -> datetime:
    """09:00 local time on ``day``, plus ten minutes per earlier step on the same day."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    local = timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=10 * step))
    return local.astimezone(UTC)


def _max_pk(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(m=Max("pk"))["m"] or 0


@contextlib.contextmanager
def story_time(when: datetime) -> Iterator[None]:
    """Run the enclosed writes as if it were ``when``."""
    marks = {model: _max_pk(model) for model in STAMPED}
    change_mark = _max_pk(StageChange)
    with mock.patch.object(timezone, "now", lambda: when):
        yield
    for model, mark in marks.items():
        model._default_manager.filter(pk__gt=mark).update(created_at=when)
    changes = StageChange.objects.filter(pk__gt=change_mark)
    Alliance._default_manager.filter(pk__in=changes.values("alliance_id")).update(stage_changed_at=when)
    changes.update(changed_at=when)


def email_for(first: str, last: str, domain: str) -> str:
    def part(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(ch for ch in ascii_text.lower() if ch.isalnum() or ch == "-")

    return f"{part(first)}.{part(last)}@{domain}"


class Loader:
    """Builds the portfolio; ``run()`` returns what was created and what was already there."""

    def __init__(self) -> None:
        self.result = LoadResult()
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, Contact] = {}
        self.objectives: dict[str, CorporateObjective] = {}
        self.tiers: dict[str, Tier] = {}

    # --- entry point ------------------------------------------------------------------

    def run(self) -> LoadResult:
        with transaction.atomic():
            fresh = self._check_home()
            self._internal_users()
            self._organizations()
            self._partner_users()
            self._objectives()
            self._tiers(set_targets=fresh)
            for spec in data.ALLIANCES:
                self._alliance(spec)
            for app in EXTENSIONS:
                if importlib.util.find_spec(f"amity.{app}.demo") is not None:
                    importlib.import_module(f"amity.{app}.demo").load(self)
        return self.result

    # --- people and organizations -----------------------------------------------------

    def _check_home(self) -> bool:
        home = Organization.objects.filter(is_home=True).first()
        if home is not None and home.name != data.HOME.name:
            raise DemoError(
                f"This database already belongs to {home.name} (its home organization). Load the demo "
                "into an empty database, e.g. DATABASE_URL=sqlite:///var/demo.sqlite3."
            )
        return home is None

    def _user(self, spec: data.UserSpec, organization: Organization | None) -> User:
        user = User.objects.filter(username=spec.username).first()
        if user is not None:
            self.result.existing["users"] += 1
            if not user.check_password(settings.DEMO_PASSWORD):
                # The password printed in the summary must work: follow AMITY_DEMO_PASSWORD.
                user.set_password(settings.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            return user
        domain = organization.domain if organization else data.HOME.domain
        user = User(
            username=spec.username,
            role=spec.role,
            first_name=spec.first,
            last_name=spec.last,
            title=spec.title,
            email=email_for(spec.first, spec.last, domain),
            organization=organization,
            date_joined=_moment(data.IMPORT - timedelta(days=2)),
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.full_clean()
        user.save()
        self.result.created["users"] += 1
        return user

    def _internal_users(self) -> None:
        for spec in data.USERS:
            if not spec.organization:
                self.users[spec.username] = self._user(spec, None)

    def _partner_users(self) -> None:
        for spec in data.USERS:
            if spec.organization:
                self.users[spec.username] = self._user(spec, self.orgs[spec.organization])

    def _org_dates(self) -> dict[str, date]:
        """An organization is first recorded with its earliest alliance (or on import day)."""
        first: dict[str, date] = {}
        for spec in data.ALLIANCES:
            created = date.fromisoformat(spec.created)
            for name, _ in spec.partners:
                first[name] = min(first.get(name, created), created)
        return first

    def _organizations(self) -> None:
        hannah = self.users["hannah"]
        dates = self._org_dates()
        for org_spec in (data.HOME, *data.PARTNERS):
            day = (
                data.IMPORT - timedelta(days=2) if org_spec.is_home else dates.get(org_spec.name, data.IMPORT)
            )
            with story_time(_moment(day)):
                org = self._organization(org_spec, hannah)
            with story_time(_moment(day, 1)):
                for person in org_spec.people:
                    self.people[person.key] = self._contact(org, org_spec, person, hannah)

    def _organization(self, spec: Org, user: User) -> Organization:
        org = Organization.objects.filter(name=spec.name).first()
        if org is not None:
            self.result.existing["organizations"] += 1
            return self._remember(spec, org)
        org = model_create(
            model=Organization,
            user=user,
            data={
                "name": spec.name,
                "is_home": spec.is_home,
                "partner_kind": spec.kind,
                "website": f"https://www.{spec.domain}",
                "domain": spec.domain,
                "country": spec.country,
                "industry": spec.industry,
                "size": spec.size,
                "description": spec.description,
                "capabilities": "\n".join(spec.capabilities),
                "strengths": "\n".join(spec.strengths),
                "weaknesses": "\n".join(spec.weaknesses),
            },
        )
        self.result.created["organizations"] += 1
        return self._remember(spec, org)

    def _remember(self, spec: Org, org: Organization) -> Organization:
        self.orgs[spec.name] = org
        return org

    def _contact(self, org: Organization, org_spec: Org, person: data.Person, user: User) -> Contact:
        email = email_for(person.first, person.last, org_spec.domain)
        contact = Contact.objects.filter(organization=org, email=email).first()
        if contact is not None:
            self.result.existing["contacts"] += 1
            return contact
        contact = model_create(
            model=Contact,
            user=user,
            data={
                "organization": org,
                "first_name": person.first,
                "last_name": person.last,
                "title": person.title,
                "function": person.function,
                "email": email,
                "phone": person.phone,
                "notes": person.notes,
            },
        )
        self.result.created["contacts"] += 1
        return contact

    # --- objectives and tiers ---------------------------------------------------------

    def _objectives(self) -> None:
        hannah = self.users["hannah"]
        with story_time(_moment(data.IMPORT - timedelta(days=1))):
            for code, title, description, target, year in data.OBJECTIVES:
                objective = CorporateObjective.objects.filter(code=code).first()
                if objective is None:
                    objective = model_create(
                        model=CorporateObjective,
                        user=hannah,
                        data={
                            "code": code,
                            "title": title,
                            "description": description,
                            "target": target,
                            "horizon_year": year,
                        },
                    )
                    self.result.created["objectives"] += 1
                else:
                    self.result.existing["objectives"] += 1
                self.objectives[code] = objective

    def _tiers(self, *, set_targets: bool) -> None:
        hannah = self.users["hannah"]
        for name, target in data.TIER_TARGETS.items():
            tier = Tier.objects.filter(name=name).first()
            if tier is None:
                raise DemoError(
                    f"The tier {name!r} is missing (it is installed by the alliances migrations): "
                    "load the demo into a freshly migrated database."
                )
            if set_targets and tier.target_count != target:
                with story_time(_moment(data.IMPORT - timedelta(days=1), 1)):
                    tier, _ = model_update(instance=tier, data={"target_count": target}, user=hannah)
            self.tiers[name] = tier

    # --- alliances ----------------------------------------------------------------------

    def _alliance(self, spec: AllianceSpec) -> None:
        if Alliance.objects.filter(name=spec.name).exists():
            self.result.existing["alliances"] += 1
            return
        owner = self.users[spec.owner]
        creator = self.users[spec.created_by or spec.owner]
        clock = _Clock()
        with story_time(clock.at(spec.created)):
            alliance = alliance_services.alliance_create(
                user=creator,
                data={
                    "name": spec.name,
                    "alliance_type": spec.type,
                    "description": spec.description,
                    "owner": owner,
                    "annual_value": Decimal(spec.extra.get("initial_value", spec.value)),
                    "start_date": date.fromisoformat(spec.start) if spec.start else None,
                    "end_date": date.fromisoformat(spec.end) if spec.end else None,
                },
                partners=[(self.orgs[name], role) for name, role in spec.partners],
                objectives=[self.objectives[code] for code in spec.objectives],
            )
        self.result.created["alliances"] += 1
        for step in spec.steps:
            with story_time(clock.at(step.on)):
                try:
                    self._step(alliance, spec, step)
                except ValidationError as exc:
                    raise DemoError(f"{spec.name}: {step!r} failed: {'; '.join(exc.messages)}") from exc
            alliance.refresh_from_db()

    def _step(self, alliance: Alliance, spec: AllianceSpec, step: Any) -> None:
        owner = self.users[spec.owner]
        by = self.users[step.by] if getattr(step, "by", "") else owner
        if isinstance(step, Go):
            if step.override:
                by = self.users["hannah"]  # only an admin may override a gate
            attested = set(
                GateRequirement.objects.active()
                .filter(stage=step.to, check_kind=GateCheck.ATTEST)
                .values_list("pk", flat=True)
            )
            alliance_services.alliance_transition(
                alliance=alliance,
                to_stage=step.to,
                user=by,
                reason=step.reason,
                attested=attested,
                override_reason=step.override,
            )
            self.result.created["stage changes"] += 1
        elif isinstance(step, Review):
            review = data.REVIEWS[step.key]
            alliance_services.review_record(
                alliance=alliance, user=self.users[review.by], data=review_data(review, step.on)
            )
            self.result.created["reviews"] += 1
        elif isinstance(step, Edit):
            changes: dict[str, Any] = {}
            for name, value in step.data:
                if name == "tier":
                    changes["tier"] = self.tiers[value] if value else None
                elif name == "annual_value":
                    changes["annual_value"] = Decimal(str(value))
                else:
                    changes[name] = value
            alliance_services.alliance_update(
                alliance=alliance, data=changes, user=by, tier_reason=step.reason
            )
        elif isinstance(step, Team):
            for key, role, area in spec.members:
                contact = self.people[key]
                alliance_services.member_add(
                    alliance=alliance, contact=contact, role=role, area=area, user=by
                )
        elif isinstance(step, ApplyTier):
            alliance_services.alliance_apply_recommended_tier(alliance=alliance, user=self.users[step.by])
        else:  # pragma: no cover - a typo in data.py
            raise DemoError(f"Unknown step {step!r}")


class _Clock:
    """Story moments for one alliance: steps on the same day are ten minutes apart."""

    def __init__(self) -> None:
        self.day: str = ""
        self.count = 0

    def at(self, day: str) -> datetime:
        if day != self.day:
            self.day, self.count = day, 0
        moment = _moment(day, self.count)
        self.count += 1
        return moment


def review_data(review: data.ReviewSpec, on: str) -> dict[str, Any]:
    """The fields of a StrategicReview from a :class:`~amity.demo.data.ReviewSpec`."""
    values: dict[str, Any] = {"review_date": date.fromisoformat(on)}
    for key, score, evidence in zip(CRITERIA_KEYS, review.scores, review.evidence, strict=True):
        values[f"score_{key}"] = score
        values[f"evidence_{key}"] = evidence
    chosen = set(review.activities.split())
    unknown = chosen - set(ACTIVITY_FIELDS)
    if unknown:
        raise DemoError(f"Unknown activities {sorted(unknown)} in a review")
    for key, field_name in ACTIVITY_FIELDS.items():
        values[field_name] = key in chosen
    values["fte"] = Decimal(review.fte)
    values["annual_investment"] = Decimal(review.investment)
    values["sponsorship"] = review.sponsorship
    values["notes"] = review.notes
    return values


def load() -> LoadResult:
    """Load the demo portfolio; safe to run again (it adds nothing the second time)."""
    return Loader().run()
