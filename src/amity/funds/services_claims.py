"""Writes of claims (with proof-of-performance files), their review and payment, and rates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from amity.agreements.services import _clean_name, _sha256, sniff_type
from amity.core import events
from amity.core.permissions import require_editor
from amity.core.services import model_create, model_update, require, set_history_user

from .models import (
    FUNDED,
    Budget,
    Claim,
    ClaimProof,
    ClaimStatus,
    EntryKind,
    ExchangeRate,
    FundRequest,
    Payment,
)
from .services import (
    _actor,
    _money,
    _require_own,
    _save,
    claim_deadline,
    claimable,
    post_entry,
)


def _check_upload(upload: UploadedFile | None) -> tuple[str, str]:
    if upload is None:
        raise ValidationError({"files": "Attach at least one proof-of-performance file."})
    limit_mb = settings.AMITY_UPLOAD_MAX_MB
    if not upload.size:
        raise ValidationError({"files": f"{_clean_name(upload.name or '')} is empty."})
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {
                "files": f"{_clean_name(upload.name or '')} is {upload.size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB."
            }
        )
    try:
        return sniff_type(upload)
    except ValidationError as exc:
        raise ValidationError({"files": [m for msgs in exc.message_dict.values() for m in msgs]}) from None


def _store_proof(claim: Claim, upload: UploadedFile, mime: str, extension: str, user: Any) -> ClaimProof:
    proof = ClaimProof(
        claim=claim,
        original_name=_clean_name(upload.name or ""),
        extension=extension,
        size=upload.size,
        sha256=_sha256(upload),
        content_type=mime,
        uploaded_by=_actor(user),
        created_at=timezone.now(),
    )
    storage = proof.file.storage
    name = f"funds/{proof.sha256[:2]}/{proof.sha256}.{extension}"
    written = not storage.exists(name)
    if written:
        proof.file.save("upload", upload, save=False)
    else:
        proof.file.name = name
    try:
        proof.full_clean(exclude=["file"])
        set_history_user(proof, user)
        proof.save()
    except BaseException:
        if written:
            storage.delete(proof.file.name)
        raise
    return proof


def claim_submit(
    *, request: FundRequest, amount: Any, files: list[UploadedFile], user: Any, description: str = ""
) -> Claim:
    """A claim with at least one proof file against what is left of an approved request."""
    require(user, "create", Claim)
    _require_own(user, request.budget)
    amount = _money(amount, "amount")
    files = [f for f in files or [] if f is not None]
    if not files:
        raise ValidationError({"files": "Attach at least one proof-of-performance file."})
    checked = [(upload, *_check_upload(upload)) for upload in files]
    if "\x00" in (description or ""):
        raise ValidationError({"description": "Null characters are not allowed."})
    with transaction.atomic():
        current = FundRequest.objects.select_for_update().select_related("budget__program").get(pk=request.pk)
        if current.status not in FUNDED:
            raise ValidationError(
                {
                    "request": f"Only an approved request can be claimed (this one is {current.get_status_display().lower()})."
                }
            )
        deadline = claim_deadline(current)
        if deadline is not None and timezone.localdate() > deadline:
            raise ValidationError({"request": f"The claim window of this request closed on {deadline}."})
        left = claimable(current)
        if amount > left:
            raise ValidationError(
                {
                    "amount": f"The claim is more than what is left of the approved amount: {left} {current.currency}."
                }
            )
        claim = Claim(
            request=current,
            amount=amount,
            description=(description or "").strip(),
            submitted_by=_actor(user),
            created_at=timezone.now(),
        )
        claim.full_clean()
        set_history_user(claim, user)
        claim.save()
        for upload, mime, extension in checked:
            _store_proof(claim, upload, mime, extension, user)
        budget = current.budget
        events.emit(
            "claim.submitted",
            alliance_id=budget.alliance_id,
            kind=None,  # MDF is per partner: webhooks send it to the budget's partner and to us only
            data={
                "id": claim.pk,
                "amount": claim.amount,
                "currency": budget.currency,
                "status": claim.status,
                "request": {"id": current.pk, "activity": current.activity},
                "organization": {"id": budget.organization_id, "name": budget.organization.name},
                "url": claim.get_absolute_url(),
            },
            actor=user,
        )
    return claim


def _locked_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("request__budget").get(pk=claim.pk)


def claim_approve(*, claim: Claim, user: Any, reason: str = "") -> Claim:
    """Accept the proof: the amount moves from committed to claimed on the budget."""
    require_editor(user, "review claims")
    with transaction.atomic():
        Budget.objects.select_for_update().get(pk=claim.request.budget_id)
        current = _locked_claim(claim)
        if current.status != ClaimStatus.SUBMITTED:
            raise ValidationError({"status": "Only a submitted claim can be reviewed."})
        post_entry(
            budget=current.request.budget_id,
            kind=EntryKind.CLAIM,
            amount=current.amount,
            user=user,
            request=current.request,
            claim=current,
            note=f"Claim approved: {current.request.activity}"[:300],
        )
        current.status = ClaimStatus.APPROVED
        current.review_reason = (reason or "").strip()
        current.reviewed_by = _actor(user)
        current.reviewed_at = timezone.now()
        _save(current, user, "approved")
    return current


def claim_reject(*, claim: Claim, user: Any, reason: str) -> Claim:
    require_editor(user, "review claims")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"review_reason": "Give the reason for the rejection."})
    with transaction.atomic():
        current = _locked_claim(claim)
        if current.status != ClaimStatus.SUBMITTED:
            raise ValidationError({"status": "Only a submitted claim can be reviewed."})
        current.status = ClaimStatus.REJECTED
        current.review_reason = reason
        current.reviewed_by = _actor(user)
        current.reviewed_at = timezone.now()
        _save(current, user, "rejected")
    return current


def claim_pay(*, claim: Claim, paid_on: date, reference: str, user: Any, amount: Any = None) -> Payment:
    """Pay an approved claim in full: a Payment and a ``pay`` entry (claimed → paid)."""
    require_editor(user, "pay claims")
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["reference"] = ["Give the payment reference (e.g. the bank transfer id)."]
    if not isinstance(paid_on, date):
        errors["date"] = ["Give the payment date."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Budget.objects.select_for_update().get(pk=claim.request.budget_id)
        current = _locked_claim(claim)
        if current.status != ClaimStatus.APPROVED:
            raise ValidationError({"status": "Only an approved, unpaid claim can be paid."})
        paid = current.amount if amount in (None, "") else _money(amount, "amount")
        if paid != current.amount:
            raise ValidationError(
                {"amount": f"Pay the claim in full: {current.amount} {current.request.currency}."}
            )
        payment = Payment(
            claim=current,
            date=paid_on,
            reference=reference,
            amount=paid,
            paid_by=_actor(user),
            created_at=timezone.now(),
        )
        payment.full_clean()
        set_history_user(payment, user)
        payment.save()
        post_entry(
            budget=current.request.budget_id,
            kind=EntryKind.PAY,
            amount=paid,
            user=user,
            request=current.request,
            claim=current,
            payment=payment,
            note=f"Paid {reference}"[:300],
        )
        current.status = ClaimStatus.PAID
        _save(current, user, "paid")
    return payment


def proof_archive(*, proof: ClaimProof, user: Any) -> ClaimProof:
    from amity.core.services import model_archive

    return model_archive(instance=proof, user=user)


def rate_create(*, data: dict[str, Any], user: Any) -> ExchangeRate:
    data = dict(data)
    data["currency"] = (data.get("currency") or "").upper()
    if data["currency"] == settings.AMITY_REPORTING_CURRENCY:
        raise ValidationError({"currency": f"{data['currency']} is the reporting currency (always 1)."})
    return model_create(model=ExchangeRate, data={**data, "created_at": timezone.now()}, user=user)


def rate_update(*, rate: ExchangeRate, data: dict[str, Any], user: Any, expected_version: int | None = None):
    data = dict(data)
    if "currency" in data:
        data["currency"] = (data["currency"] or "").upper()
        if data["currency"] == settings.AMITY_REPORTING_CURRENCY:
            raise ValidationError({"currency": f"{data['currency']} is the reporting currency (always 1)."})
    return model_update(instance=rate, data=data, user=user, expected_version=expected_version)[0]
