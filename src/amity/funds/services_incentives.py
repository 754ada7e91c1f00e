"""Writes of incentive plans, rules, enrollments and statements (draft → approved → paid).

A draft statement is recomputed from the deals each time it is generated; approval freezes
its lines; payment records the date and reference. The database refuses a deal earning twice
under one rule for the same payee (``funds_line_one_earning_per_deal_rule``), so two
statements computed at once cannot both pay it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from amity.core import periods
from amity.core.permissions import require_editor
from amity.core.services import model_create, model_update, require, set_history_user

from . import incentives
from .models import (
    Audience,
    Enrollment,
    IncentivePlan,
    IncentiveRule,
    Statement,
    StatementLine,
    StatementStatus,
)
from .services import _actor, _save


def plan_create(*, data: dict[str, Any], user: Any) -> IncentivePlan:
    return model_create(model=IncentivePlan, data={**data, "created_at": timezone.now()}, user=user)


def plan_update(
    *, plan: IncentivePlan, data: dict[str, Any], user: Any, expected_version=None
) -> IncentivePlan:
    return model_update(instance=plan, data=data, user=user, expected_version=expected_version)[0]


def rule_create(*, plan: IncentivePlan, data: dict[str, Any], user: Any) -> IncentiveRule:
    return model_create(
        model=IncentiveRule, data={**data, "plan": plan, "created_at": timezone.now()}, user=user
    )


def rule_update(
    *, rule: IncentiveRule, data: dict[str, Any], user: Any, expected_version=None
) -> IncentiveRule:
    return model_update(instance=rule, data=data, user=user, expected_version=expected_version)[0]


def enroll(
    *,
    plan: IncentivePlan,
    user: Any,
    valid_from: date,
    valid_to: date | None = None,
    rep=None,
    organization=None,
) -> Enrollment:
    """Make a rep (rep plans) or a partner organization (partner plans) eligible from a day."""
    errors: dict[str, str] = {}
    if plan.audience == Audience.REP:
        if rep is None:
            errors["rep"] = "Choose the rep to enroll."
        elif not getattr(rep, "is_internal", False):
            errors["rep"] = f"{rep} is not one of our people."
        organization = None
    else:
        if organization is None:
            errors["organization"] = "Choose the partner to enroll."
        elif organization.is_home:
            errors["organization"] = "Our own company does not earn partner fees."
        rep = None
    if errors:
        raise ValidationError(errors)
    return model_create(
        model=Enrollment,
        data={
            "plan": plan,
            "rep": rep,
            "organization": organization,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "created_at": timezone.now(),
        },
        user=user,
    )


def _period(day: date) -> periods.Period:
    return periods.fiscal_quarter_of(day)


def statement_generate(
    *, plan: IncentivePlan, payee: Any, day: date, user: Any, skip_empty: bool = False
) -> Statement | None:
    """Create or recompute the draft statement of ``payee`` for the quarter containing ``day``.

    With ``skip_empty``, a payee who earned nothing gets no new statement (returns None); the
    deals that earned nothing are on the exceptions list either way."""
    require_editor(user, "compute incentive statements")
    require(user, "create", Statement)
    period = _period(day)
    is_partner = plan.audience == Audience.PARTNER
    lookup = {"organization": payee} if is_partner else {"rep": payee}
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update()
            .filter(plan=plan, period_start=period.start, archived_at__isnull=True, **lookup)
            .first()
        )
        result = incentives.compute(
            plan=plan, payee=payee, period=period, exclude_statement_id=statement.pk if statement else None
        )
        if statement is None and skip_empty and not result.earnings:
            return None
        if statement is None:
            statement = Statement(
                plan=plan,
                period_start=period.start,
                period_end=period.end,
                currency=plan.currency,
                created_at=timezone.now(),
                **lookup,
            )
            set_history_user(statement, user)
            statement.save()
        elif statement.status != StatementStatus.DRAFT:
            raise ValidationError(
                {"status": f"{statement} is {statement.get_status_display().lower()}: its lines are frozen."}
            )
        statement.lines.all().delete()  # a draft's lines are derived: recomputed, never edited
        key = incentives.payee_key(payee)
        try:
            with transaction.atomic():
                StatementLine.objects.bulk_create(
                    StatementLine(
                        statement=statement,
                        rule=e.rule,
                        opportunity=e.opportunity,
                        close_date=e.opportunity.close_date,
                        deal_amount=e.opportunity.amount,
                        deal_currency=e.opportunity.currency,
                        rate=e.rate,
                        basis=e.basis,
                        amount=e.amount,
                        explanation=e.explanation[:500],
                        payee_key=key,
                    )
                    for e in result.earnings
                )
        except IntegrityError:
            raise ValidationError(
                {"status": "Another statement took one of these deals at the same time: compute again."}
            ) from None
        statement.basis = result.basis
        statement.total = result.total
        statement.currency = plan.currency
        statement.computed_at = timezone.now()
        _save(statement, user, "computed")
    return statement


def statements_generate(*, day: date, user: Any, audience: str | None = None) -> list[Statement]:
    """Draft statements of every enrolled payee of every active plan for the quarter of ``day``
    who earned something or already has a draft (approved and paid ones are left as they are)."""
    require_editor(user, "compute incentive statements")
    period = _period(day)
    plans = IncentivePlan.objects.filter(archived_at__isnull=True, active=True).prefetch_related("rules")
    if audience:
        plans = plans.filter(audience=audience)
    out = []
    for plan in plans:
        for payee in incentives.payees(plan, period):
            frozen = Statement.objects.filter(
                plan=plan,
                period_start=period.start,
                archived_at__isnull=True,
                status__in=[StatementStatus.APPROVED, StatementStatus.PAID],
                **({"organization": payee} if plan.audience == Audience.PARTNER else {"rep": payee}),
            ).exists()
            if not frozen:
                statement = statement_generate(plan=plan, payee=payee, day=day, user=user, skip_empty=True)
                if statement is not None:
                    out.append(statement)
    return out


def _locked(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().select_related("plan").get(pk=statement.pk)


def statement_approve(*, statement: Statement, user: Any, expected_version: int | None = None) -> Statement:
    require_editor(user, "approve incentive statements")
    with transaction.atomic():
        current = _locked(statement)
        if expected_version is not None and current.version != expected_version:
            raise ValidationError({"status": "The statement changed since you opened it: look at it again."})
        if current.status != StatementStatus.DRAFT:
            raise ValidationError({"status": "Only a draft statement can be approved."})
        current.status = StatementStatus.APPROVED
        current.approved_by = _actor(user)
        current.approved_at = timezone.now()
        _save(current, user, "approved")
    return current


def statement_pay(*, statement: Statement, paid_on: Any, reference: str, user: Any) -> Statement:
    require_editor(user, "record incentive payments")
    reference = (reference or "").strip()
    errors: dict[str, str] = {}
    if not reference:
        errors["payment_reference"] = "Give the payment reference (payroll run or bank transfer)."
    if not isinstance(paid_on, date):
        errors["paid_on"] = "Give the payment date."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(statement)
        if current.status != StatementStatus.APPROVED:
            raise ValidationError({"status": "Only an approved, unpaid statement can be paid."})
        if paid_on < current.period_start:
            raise ValidationError({"paid_on": "The payment cannot be before the quarter it pays for."})
        current.status = StatementStatus.PAID
        current.paid_on = paid_on
        current.payment_reference = reference[:100]
        _save(current, user, "paid")
    return current


def rule_archive(*, rule: IncentiveRule, user: Any) -> IncentiveRule:
    """A rule stops applying to statements computed from now on (approved ones keep their lines);
    it stays restorable."""
    from amity.core.services import model_archive

    return model_archive(instance=rule, user=user, reason="rule retired")


def enrollment_end(*, enrollment: Enrollment, valid_to: date, user: Any) -> Enrollment:
    """The last day a rep or partner is eligible; deals closed after it earn nothing from the plan."""
    if not isinstance(valid_to, date):
        raise ValidationError({"valid_to": "Give the last day of the enrollment."})
    return model_update(instance=enrollment, data={"valid_to": valid_to}, user=user)[0]
