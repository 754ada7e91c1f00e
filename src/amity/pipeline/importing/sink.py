"""The model-backed sink: validated import records → Account / Opportunity rows, upserted by external id.

``DatabaseSink(user=..., alliance=None, owning_organization=None).upsert(kind, batch)`` matches
``MemorySink``'s semantics against the database: a record whose external id (of its system, e.g.
``external_ids["salesforce"]``) is unknown is created, a known one with different fields is
updated (``version`` bumped), a known one with the same fields is unchanged. Each batch is one
``transaction.atomic()`` with a constant number of queries, whatever its size: existing rows are
fetched with one lookup of ``external_ids[system]`` on an expression index
(``external_ids.with_external_id``; works the same on SQLite and PostgreSQL), new rows go in
through ``amity.core.bulk.create_with_history`` (multi-row INSERT … RETURNING with their
simple-history rows) and changed rows through ``bulk_update`` plus their ``~`` history rows.

Choices:

* Accounts belong to ``owning_organization`` (default: our home organization). An account not
  yet known by external id but with the same normalized name for that owner is *adopted*: the
  external id is added to it (counted as updated) instead of failing the unique-name rule.
  Account statuses the model does not know (``other``) become ``prospect``. Countries are stored
  as ISO codes: a two-letter code is kept, a few common country names are translated, anything
  else is left blank (the model only holds ISO codes).
* Opportunities find their account by the account's external id of the same system (Salesforce
  ``AccountId``, Amity CSV ``account_external_id``); HubSpot deals name their company
  (``Associated Company``), matched by normalized name among the owner's accounts and **created
  as a prospect if missing**. An opportunity whose account cannot be found is a row error
  ("account not found"), never dropped silently. A missing amount is 0, a missing probability
  the stage's default, a missing close date is a row error.
* With an ``alliance``, every imported opportunity is linked to it with the role **co-sell**
  (the CRM export does not say who sourced the deal; co-sell is the neutral default). Existing
  links are kept as they are. As in ``opportunity_create``, a partner's account may only be
  linked to that partner's alliances: such a row is a row error.
* A stage change writes an ``OpportunityStageChange`` (by the importing user, now); a new
  opportunity gets its first stage-history row, as ``opportunity_create`` does.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amity.core.bulk import create_with_history, insert, insert_history
from amity.core.services import require
from amity.partners.models import Organization

from ..external_ids import with_external_id
from ..models import (
    STAGE_PROBABILITY,
    Account,
    AccountStatus,
    Opportunity,
    OpportunityAlliance,
    OpportunityStageChange,
    PartnerRole,
)
from ..normalize import normalize_domain, normalize_name
from .engine import BatchResult
from .formats import ACCOUNTS, LAYOUTS, OPPORTUNITIES
from .validate import Record, RowError

#: The role an imported opportunity gets in the given alliance.
IMPORT_ROLE = PartnerRole.CO_SELL

#: The opportunity fields the model validates again; the engine has already checked the stage,
#: dates and the external id, and the sink sets the account - re-validating those per row
#: doubled the import time.
OPPORTUNITY_CHECKED = ("name", "amount", "currency", "probability")
OPPORTUNITY_UNCHECKED = [f.name for f in Opportunity._meta.fields if f.name not in OPPORTUNITY_CHECKED]
ACCOUNT_FIELDS = ("name", "domain", "country", "industry", "status")
OPPORTUNITY_FIELDS = ("name", "account_id", "amount", "currency", "stage", "probability", "close_date")

#: Common country names in CRM exports → ISO 3166-1 alpha-2 (two-letter codes pass through).
COUNTRY_CODES = {
    "united states": "US", "united states of america": "US", "usa": "US", "united kingdom": "GB",
    "great britain": "GB", "england": "GB", "germany": "DE", "deutschland": "DE", "france": "FR",
    "netherlands": "NL", "the netherlands": "NL", "belgium": "BE", "luxembourg": "LU", "spain": "ES",
    "portugal": "PT", "italy": "IT", "switzerland": "CH", "austria": "AT", "poland": "PL",
    "sweden": "SE", "norway": "NO", "denmark": "DK", "finland": "FI", "ireland": "IE",
    "czech republic": "CZ", "czechia": "CZ", "canada": "CA", "mexico": "MX", "brazil": "BR",
    "australia": "AU", "new zealand": "NZ", "japan": "JP", "china": "CN", "india": "IN",
    "singapore": "SG", "south africa": "ZA",
}  # fmt: skip


class AccountRef(NamedTuple):
    """What an imported opportunity needs of its account (cheaper than an Account instance)."""

    pk: int
    name: str
    owner_organization: Organization

    def __str__(self) -> str:
        return self.name


def country_code(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_CODES.get(text.casefold(), "")


def _column(system: str, kind: str, field: str) -> str:
    layout = LAYOUTS.get((system, kind))
    if layout is not None:
        for column in layout.columns:
            if column.field == field:
                return column.source
    return field


class DatabaseSink:
    """Upserts import records into the database; see the module docs for the rules."""

    def __init__(self, *, user: Any, alliance: Any = None, owning_organization: Organization | None = None):
        require(user, "create", Opportunity)
        require(user, "create", Account)
        self.user = user
        self.alliance = alliance
        self.owner = owning_organization or Organization.objects.filter(is_home=True).first()
        if self.owner is None:
            raise ValidationError(
                {"owning_organization": "There is no home organization to own the accounts."}
            )
        self.parties: set[int] = set()
        if alliance is not None:
            self.parties = set(
                alliance.parties.filter(archived_at__isnull=True).values_list("organization_id", flat=True)
            )
        self.batches = 0
        self.owners: dict[int, Organization] = {}

    def upsert(self, kind: str, batch: list[Record]) -> BatchResult:
        self.batches += 1
        with transaction.atomic():
            if kind == ACCOUNTS:
                return self._accounts(batch)
            if kind == OPPORTUNITIES:
                return self._opportunities(batch)
        raise ValueError(f"unknown kind {kind!r}")

    # --- helpers -------------------------------------------------------------------------

    def _by_external_id(self, model, system: str, ids: list[str]) -> dict[str, Any]:
        rows = with_external_id(model.objects.all(), system, ids)
        if model is Account:
            rows = rows.select_related("owner_organization")
        return {row.external_ids[system]: row for row in rows}

    def _account_refs(self, system: str, ids: list[str]) -> dict[str, AccountRef]:
        """What opportunities need of their accounts, as plain tuples (no model instances)."""
        rows = with_external_id(Account.objects.all(), system, ids).values_list(
            "_external_id", "pk", "name", "owner_organization_id"
        )
        refs = {ext: (pk, name, owner) for ext, pk, name, owner in rows}
        missing = {owner for _, _, owner in refs.values()} - self.owners.keys()
        if missing:
            self.owners.update(Organization.objects.in_bulk(missing))
        return {ext: AccountRef(pk, name, self.owners[owner]) for ext, (pk, name, owner) in refs.items()}

    @staticmethod
    def _invalid(record: Record, kind: str, exc: ValidationError) -> list[RowError]:
        errors = []
        for field, messages in exc.message_dict.items():
            column = _column(record.system, kind, field)
            value = record.fields.get(field)
            errors.append(
                RowError(record.line, column, "" if value is None else str(value), "; ".join(messages))
            )
        return errors

    @staticmethod
    def _clean(instance, exclude: list[str]) -> None:
        instance.clean()
        instance.clean_fields(exclude=exclude)

    def _save(self, model, new: list, changed: list, fields: tuple[str, ...]) -> list:
        now = timezone.now()
        for row in changed:
            row.version += 1
            row.updated_at = now
        created = create_with_history(model, new, user=self.user) if new else []
        if changed:
            model.objects.bulk_update(changed, [*fields, "external_ids", "version", "updated_at"])
            insert_history(model, changed, history_type="~", user=self.user)
        return created

    # --- accounts ------------------------------------------------------------------------

    def _account_values(self, record: Record) -> dict[str, Any]:
        f = record.fields
        status = f.get("status")
        return {
            "name": f["name"],
            "domain": normalize_domain(f.get("domain")),
            "country": country_code(f.get("country")),
            "industry": f.get("industry") or "",
            "status": status if status in AccountStatus.values else AccountStatus.PROSPECT,
        }

    def _accounts(self, batch: list[Record]) -> BatchResult:
        system = batch[0].system
        existing = self._by_external_id(Account, system, [r.external_id for r in batch])
        names = {normalize_name(r.fields["name"]) for r in batch if r.external_id not in existing}
        by_name = {
            a.normalized_name: a
            for a in Account.objects.filter(
                owner_organization=self.owner, normalized_name__in=names, archived_at__isnull=True
            )
        }
        new, changed, errors = [], [], []
        unchanged = 0
        for record in batch:
            values = self._account_values(record)
            account = existing.get(record.external_id)
            adopted = False
            if account is None:
                account = by_name.get(normalize_name(values["name"]))
                adopted = account is not None and system not in account.external_ids
                if account is not None and not adopted:
                    errors.append(
                        RowError(
                            record.line,
                            _column(system, ACCOUNTS, "name"),
                            values["name"],
                            f"an account with this name already has another {system} id",
                        )
                    )
                    continue
            if account is None:
                account = Account(
                    owner_organization=self.owner, external_ids={system: record.external_id}, **values
                )
                try:
                    self._clean(account, ["owner_organization"])
                except ValidationError as exc:
                    errors.extend(self._invalid(record, ACCOUNTS, exc))
                    continue
                by_name[account.normalized_name] = account
                new.append(account)
                continue
            before = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
            if before == values and not adopted:
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(account, name, value)
            account.external_ids = {**account.external_ids, system: record.external_id}
            try:
                self._clean(account, ["owner_organization"])
            except ValidationError as exc:
                errors.extend(self._invalid(record, ACCOUNTS, exc))
                continue
            changed.append(account)
        self._save(Account, new, changed, (*ACCOUNT_FIELDS, "normalized_name"))
        return BatchResult(len(new), len(changed), unchanged, tuple(errors))

    # --- opportunities -------------------------------------------------------------------

    def _accounts_for(
        self, system: str, batch: list[Record]
    ) -> tuple[dict[str, Account], dict[str, Account]]:
        """(accounts by external id, accounts by normalized name) for the batch's references."""
        ids = {r.fields.get("account_external_id") for r in batch} - {None}
        by_id = self._account_refs(system, sorted(ids)) if ids else {}
        names = {normalize_name(r.fields.get("account_name")) for r in batch if r.fields.get("account_name")}
        by_name: dict[str, Account] = {}
        if names:
            for account in Account.objects.filter(
                owner_organization=self.owner, normalized_name__in=names, archived_at__isnull=True
            ):
                by_name[account.normalized_name] = account
            missing = []
            for record in batch:
                name = record.fields.get("account_name")
                key = normalize_name(name)
                if name and key and key not in by_name and not record.fields.get("account_external_id"):
                    account = Account(owner_organization=self.owner, name=name, status=AccountStatus.PROSPECT)
                    account.normalized_name = key
                    by_name[key] = account
                    missing.append(account)
            if missing:
                self._save(Account, missing, [], ())
                by_name.update({a.normalized_name: a for a in missing})
        return by_id, by_name

    def _opportunity_values(self, record: Record, account: Account) -> dict[str, Any]:
        f = record.fields
        probability = f.get("probability")
        return {
            "name": f["name"],
            "account_id": account.pk,
            "amount": f.get("amount") if f.get("amount") is not None else Decimal("0.00"),
            "currency": f["currency"],
            "stage": f["stage"],
            "probability": int(probability) if probability is not None else STAGE_PROBABILITY[f["stage"]],
            "close_date": f.get("close_date"),
        }

    def _opportunities(self, batch: list[Record]) -> BatchResult:
        system = batch[0].system
        existing = self._by_external_id(Opportunity, system, [r.external_id for r in batch])
        by_id, by_name = self._accounts_for(system, batch)
        now = timezone.now()
        new, changed, moves, errors = [], [], [], []
        unchanged = 0
        for record in batch:
            ref_id = record.fields.get("account_external_id")
            ref_name = record.fields.get("account_name")
            account = (
                by_id.get(ref_id) if ref_id else by_name.get(normalize_name(ref_name)) if ref_name else None
            )
            if account is None:
                # Name the column the file has: HubSpot deals name their company, not an id.
                by_id_column = _column(system, OPPORTUNITIES, "account_external_id") != "account_external_id"
                field = "account_external_id" if ref_id or (not ref_name and by_id_column) else "account_name"
                errors.append(
                    RowError(
                        record.line,
                        _column(system, OPPORTUNITIES, field),
                        ref_id or ref_name or "",
                        "account not found"
                        if ref_id or ref_name
                        else "no account given: the deal must name one",
                    )
                )
                continue
            if self.alliance is not None and not self._may_share(account):
                errors.append(
                    RowError(
                        record.line,
                        _column(system, OPPORTUNITIES, "account_external_id" if ref_id else "account_name"),
                        ref_id or ref_name or "",
                        f"{account} is {account.owner_organization}'s account; it cannot be shared with {self.alliance}",
                    )
                )
                continue
            values = self._opportunity_values(record, account)
            if values["close_date"] is None:
                errors.append(
                    RowError(
                        record.line, _column(system, OPPORTUNITIES, "close_date"), "", "missing close date"
                    )
                )
                continue
            opportunity = existing.get(record.external_id)
            if opportunity is None:
                opportunity = Opportunity(
                    external_ids={system: record.external_id}, stage_changed_at=now, **values
                )
                try:
                    self._clean(opportunity, OPPORTUNITY_UNCHECKED)
                except ValidationError as exc:
                    errors.extend(self._invalid(record, OPPORTUNITIES, exc))
                    continue
                new.append(opportunity)
                continue
            before = {name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS}
            if before == values:
                unchanged += 1
                continue
            old_stage = opportunity.stage
            for name, value in values.items():
                setattr(opportunity, name, value)
            try:
                self._clean(opportunity, OPPORTUNITY_UNCHECKED)
            except ValidationError as exc:
                errors.extend(self._invalid(record, OPPORTUNITIES, exc))
                continue
            if old_stage != opportunity.stage:
                opportunity.stage_changed_at = now
                moves.append((opportunity, old_stage))
            changed.append(opportunity)
        created = self._save(Opportunity, new, changed, (*OPPORTUNITY_FIELDS, "stage_changed_at"))
        user = self.user if getattr(self.user, "is_authenticated", False) else None
        user_id = user.pk if user is not None else None
        history = [
            SimpleNamespace(
                opportunity_id=o.pk, from_stage=old, to_stage=o.stage, changed_at=now, changed_by_id=user_id
            )
            for o, old in [*((o, "") for o in created), *moves]
        ]
        if history:
            insert(OpportunityStageChange, history)
        if self.alliance is not None:
            self._link(
                [*created, *changed, *(existing[r.external_id] for r in batch if r.external_id in existing)]
            )
        return BatchResult(len(new), len(changed), unchanged, tuple(errors))

    def _may_share(self, account: Account) -> bool:
        """A partner's account may only be in that partner's alliances' opportunities."""
        owner = account.owner_organization
        return owner.is_home or owner.pk in self.parties

    def _link(self, opportunities: list[Opportunity]) -> None:
        ids = {o.pk for o in opportunities}
        linked = set(
            OpportunityAlliance.objects.filter(alliance=self.alliance, opportunity_id__in=ids).values_list(
                "opportunity_id", flat=True
            )
        )
        links = [
            OpportunityAlliance(opportunity_id=pk, alliance=self.alliance, role=IMPORT_ROLE)
            for pk in sorted(ids - linked)
        ]
        if links:
            create_with_history(OpportunityAlliance, links, user=self.user)
