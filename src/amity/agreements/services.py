"""Every write to agreements, their documents and the commitments register.

Services are keyword-only, check the role policy, validate (``full_clean`` plus the rules
that span rows: parties of the alliance, the agreement of a hard commitment …), write inside
``transaction.atomic()`` and leave a history entry whose reason explains the change (status
moves, automatic renewals, renegotiations). Errors are ``ValidationError({field: message})``;
nothing is half-written.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty
from amity.core import events
from amity.core.periods import add_months
from amity.core.roles import INTERNAL_ROLES
from amity.core.services import ConflictError, model_archive, model_restore, require, set_history_user
from amity.partners.models import Organization

from .models import (
    DOCUMENT_TYPES,
    OPEN_STATUSES,
    Agreement,
    AgreementDocument,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    Nature,
    document_upload_to,
    notice_deadline_for,
)

S = AgreementStatus
C = CommitmentStatus

# --- status maps (small and explicit: the UI offers exactly these moves) -----------------------

AGREEMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.NEGOTIATING, S.SIGNED, S.TERMINATED),
    S.NEGOTIATING: (S.DRAFT, S.SIGNED, S.TERMINATED),
    S.SIGNED: (S.ACTIVE, S.TERMINATED),
    S.ACTIVE: (S.EXPIRED, S.TERMINATED),
    S.EXPIRED: (),
    S.TERMINATED: (),
}

COMMITMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    C.PROPOSED: (C.AGREED, C.WAIVED),
    C.AGREED: (C.IN_PROGRESS, C.MET, C.MISSED, C.WAIVED, C.RENEGOTIATED),
    C.IN_PROGRESS: (C.MET, C.MISSED, C.WAIVED, C.RENEGOTIATED),
    C.MET: (),
    C.MISSED: (),
    C.WAIVED: (),
    C.RENEGOTIATED: (),
}

#: Fields a renegotiation may change on the new commitment (the rest is copied).
RENEGOTIABLE = ("title", "description", "due_date", "quantity", "unit", "amount", "currency")


def allowed_agreement_statuses(agreement: Agreement) -> tuple[str, ...]:
    return AGREEMENT_TRANSITIONS.get(agreement.status, ())


def allowed_commitment_statuses(commitment: Commitment) -> tuple[str, ...]:
    return COMMITMENT_TRANSITIONS.get(commitment.status, ())


def _today() -> date:
    return timezone.localdate()


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _fmt(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else "none"


#: simple-history keeps a change reason in 100 characters; the full values are in the
#: record's field changes (expiry date, notice deadline, evidence …), which the timeline shows.
REASON_LENGTH = 100
#: A note on an agreement's status move goes into the history reason with the move itself.
NOTE_LENGTH = 60


def _reason(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                errors.setdefault(field, []).extend(error.messages)
    else:
        errors.setdefault("__all__", []).extend(exc.messages)


def _full_clean(instance: Any, errors: dict[str, list[str]], exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        _merge(errors, exc)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _locked(instance: Any, expected_version: int | None) -> Any:
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, expected_version)
    return current


def _party_org_ids(alliance: Alliance) -> set[int]:
    return set(
        AllianceParty.objects.filter(alliance=alliance, archived_at__isnull=True).values_list(
            "organization_id", flat=True
        )
    )


def _check_user(user_obj: Any, field: str, errors: dict[str, list[str]], what: str) -> None:
    if user_obj is None:
        return
    if not user_obj.is_active or user_obj.role not in INTERNAL_ROLES:
        errors.setdefault(field, []).append(f"The {what} must be an active user of our own company.")


def _check_alliance_open(alliance: Alliance, errors: dict[str, list[str]]) -> None:
    if alliance.archived_at is not None:
        errors.setdefault("alliance", []).append(f"{alliance} is archived: restore it first.")


# --- agreements -----------------------------------------------------------------------------------


def _check_parties(alliance: Alliance, parties: list[Organization], errors: dict[str, list[str]]) -> None:
    allowed = _party_org_ids(alliance)
    outsiders = [org.name for org in parties if org.pk not in allowed]
    if outsiders:
        errors.setdefault("parties", []).append(
            f"{', '.join(sorted(outsiders))} {'is' if len(outsiders) == 1 else 'are'} not a party of "
            f"{alliance}: only the alliance's parties can sign its agreements."
        )
    if len({org.pk for org in parties}) < 2:
        errors.setdefault("parties", []).append("An agreement has at least two parties.")


def _status_requirements(agreement: Agreement, today: date, errors: dict[str, list[str]]) -> None:
    """What each status needs: a signature date once signed, an effective date once active …"""
    status = agreement.status
    if status in (S.SIGNED, S.ACTIVE, S.EXPIRED) and agreement.signed_date is None:
        errors.setdefault("signed_date", []).append(
            f"A {_label(S, status).lower()} agreement needs its signature date."
        )
    if agreement.signed_date and agreement.signed_date > today:
        errors.setdefault("signed_date", []).append("The signature date is in the future.")
    if status == S.ACTIVE:
        if agreement.effective_date is None:
            errors.setdefault("effective_date", []).append("An active agreement needs its effective date.")
        elif agreement.effective_date > today:
            errors.setdefault("effective_date", []).append(
                f"It takes effect on {_fmt(agreement.effective_date)}: keep it signed until then."
            )
    if status == S.EXPIRED:
        if agreement.expiry_date is None:
            errors.setdefault("expiry_date", []).append("An expired agreement needs its expiry date.")
        elif agreement.expiry_date > today:
            errors.setdefault("expiry_date", []).append(
                f"It runs until {_fmt(agreement.expiry_date)}: terminate it to end it early."
            )


@transaction.atomic
def agreement_create(
    *,
    alliance: Alliance,
    data: dict[str, Any],
    user: Any,
    parties: list[Organization] | None = None,
) -> Agreement:
    """Record an agreement of ``alliance``; ``parties`` default to every party of the alliance.

    It may start in any status (an agreement signed years ago is recorded as active), as long
    as it has what that status needs (signature date, effective date …).
    """
    require(user, "create", Agreement)
    errors: dict[str, list[str]] = {}
    _check_alliance_open(alliance, errors)
    data = {k: v for k, v in data.items() if k not in {"alliance", "terminated_date", "notice_deadline"}}
    agreement = Agreement(alliance=alliance, **data)
    if agreement.status == S.TERMINATED:
        agreement.terminated_date = _today()
    if parties is None:
        parties = list(
            Organization.objects.filter(pk__in=_party_org_ids(alliance)).order_by("-is_home", "name")
        )
    _full_clean(agreement, errors)
    _check_parties(alliance, parties, errors)
    _check_user(agreement.owner, "owner", errors, "owner")
    _status_requirements(agreement, _today(), errors)
    _raise(errors)
    set_history_user(agreement, user)
    agreement._change_reason = f"recorded as {agreement.get_status_display().lower()}"
    agreement.save()
    agreement.parties.set(parties)
    return agreement


def agreement_update(
    *,
    agreement: Agreement,
    data: dict[str, Any],
    user: Any,
    parties: list[Organization] | None = None,
    expected_version: int | None = None,
) -> tuple[Agreement, list[str]]:
    """Edit an agreement's terms; its status changes only through :func:`agreement_set_status`."""
    require(user, "change", agreement)
    ignored = {"alliance", "status", "terminated_date", "notice_deadline"}
    data = {k: v for k, v in data.items() if k not in ignored}
    with transaction.atomic():
        current = _locked(agreement, expected_version)
        errors: dict[str, list[str]] = {}
        if current.archived_at is not None:
            errors.setdefault("__all__", []).append("This agreement is archived: restore it to edit it.")
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        for name, value in data.items():
            setattr(current, name, value)
        _full_clean(current, errors)
        _check_user(current.owner, "owner", errors, "owner")
        _status_requirements(current, _today(), errors)
        parties_changed = ""
        if parties is not None:
            before = list(current.parties.order_by("name"))
            _check_parties(current.alliance, parties, errors)
            if {o.pk for o in before} != {o.pk for o in parties}:
                names = ", ".join(sorted(o.name for o in parties))
                parties_changed = f"parties: {', '.join(o.name for o in before)} → {names}"
                changed.append("parties")
        _raise(errors)
        if changed:
            current.version += 1
            set_history_user(current, user)
            if parties_changed:
                current._change_reason = _reason(parties_changed)
            current.save()
            if parties is not None and parties_changed:
                current.parties.set(parties)
    return current, changed


@transaction.atomic
def agreement_set_status(
    *,
    agreement: Agreement,
    to_status: str,
    user: Any,
    on: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """Move an agreement along draft → negotiating → signed → active → expired / terminated.

    ``on`` is the date the move records: the signature date (signed), the effective date
    (active), the expiry date (expired) or the termination date; it defaults to the date
    already recorded, else today.
    """
    require(user, "change", agreement)
    current = _locked(agreement, expected_version)
    if to_status not in S.values:
        raise ValidationError({"status": f"Unknown status {to_status!r}."})
    allowed = AGREEMENT_TRANSITIONS[current.status]
    if to_status not in allowed:
        names = ", ".join(_label(S, s) for s in allowed) or "none - it is final"
        raise ValidationError(
            {
                "status": f"{current.get_status_display()} → {_label(S, to_status)} is not allowed "
                f"(from {current.get_status_display().lower()}: {names})."
            }
        )
    if current.archived_at is not None:
        raise ValidationError({"status": "This agreement is archived: restore it first."})
    if len((reason or "").strip()) > NOTE_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the note to {NOTE_LENGTH} characters; it goes into the history."}
        )
    today = _today()
    before = current.get_status_display()
    if to_status == S.SIGNED:
        current.signed_date = on or current.signed_date or today
    elif to_status == S.ACTIVE:
        current.effective_date = on or current.effective_date or today
    elif to_status == S.EXPIRED:
        current.expiry_date = on or current.expiry_date or today
    elif to_status == S.TERMINATED:
        current.terminated_date = on or today
        if current.terminated_date > today:
            raise ValidationError({"on": "The termination date is in the future: record it on the day."})
    current.status = to_status
    errors: dict[str, list[str]] = {}
    _full_clean(current, errors)
    _status_requirements(current, today, errors)
    if to_status == S.TERMINATED and current.signed_date and current.terminated_date < current.signed_date:
        errors.setdefault("on", []).append("The termination date is before the signature date.")
    _raise(errors)
    current.version += 1
    set_history_user(current, user)
    note = f"status: {before} → {current.get_status_display()}"
    current._change_reason = _reason(f"{note} ({reason.strip()})" if reason.strip() else note)
    current.save()
    return current


def _renew_once(agreement: Agreement, user: Any) -> Agreement:
    old_expiry = agreement.expiry_date
    assert old_expiry is not None and agreement.renewal_term_months  # checked by the caller
    agreement.expiry_date = add_months(old_expiry, agreement.renewal_term_months)
    deadline = notice_deadline_for(agreement.expiry_date, agreement.notice_period_days)
    agreement.version += 1
    set_history_user(agreement, user)
    # e.g. "renewed automatically: term ended 21 Feb 2026, + 12 months → 21 Feb 2027, notice by 23 Nov 2026"
    agreement._change_reason = _reason(
        f"renewed automatically: term ended {_fmt(old_expiry)}, + {agreement.renewal_term_months} months "
        f"→ {_fmt(agreement.expiry_date)}" + (f", notice by {_fmt(deadline)}" if deadline else "")
    )
    agreement.save()
    return agreement


@transaction.atomic
def agreement_renew(*, agreement: Agreement, user: Any, today: date | None = None) -> Agreement:
    """Renew an auto-renewing, active agreement whose expiry date has passed.

    New expiry = old expiry + renewal term (``add_months``: 31 Jan + 1 month = 28/29 Feb),
    repeated until it lies in the future; each renewal is its own history entry with the
    reason. ``user`` None is the scheduler (``amity agreements_roll_over``).
    """
    if user is not None:
        require(user, "change", agreement)
    today = today or _today()
    current = _locked(agreement, None)
    if current.status != S.ACTIVE:
        raise ValidationError({"status": f"Only an active agreement renews; this one is {current.status}."})
    if not current.auto_renew or not current.renewal_term_months:
        raise ValidationError({"auto_renew": "This agreement does not renew automatically."})
    if current.expiry_date is None or current.expiry_date >= today:
        raise ValidationError(
            {"expiry_date": f"The current term runs until {_fmt(current.expiry_date)}: nothing to renew yet."}
        )
    while current.expiry_date < today:
        current = _renew_once(current, user)
    return current


def agreements_roll_over(*, today: date | None = None, user: Any = None) -> dict[str, list[Agreement]]:
    """The daily pass: signed agreements whose effective date came become active; active ones
    whose term ended renew (auto-renewal) or expire. Each change is explained in the history.
    """
    today = today or _today()
    result: dict[str, list[Agreement]] = {"activated": [], "renewed": [], "expired": []}
    live = Agreement.objects.filter(archived_at__isnull=True)
    for agreement in live.filter(status=S.SIGNED, effective_date__lte=today):
        with transaction.atomic():
            current = _locked(agreement, None)
            current.status = S.ACTIVE
            current.version += 1
            set_history_user(current, user)
            current._change_reason = (
                f"status: Signed → Active (took effect on {_fmt(current.effective_date)})"
            )
            current.save()
        result["activated"].append(current)
    due = live.filter(status=S.ACTIVE, expiry_date__lt=today)
    for agreement in due.filter(auto_renew=True, renewal_term_months__isnull=False):
        result["renewed"].append(agreement_renew(agreement=agreement, user=user, today=today))
    for agreement in due.exclude(auto_renew=True, renewal_term_months__isnull=False):
        with transaction.atomic():
            current = _locked(agreement, None)
            current.status = S.EXPIRED
            current.version += 1
            set_history_user(current, user)
            current._change_reason = _reason(
                f"status: Active → Expired (term ended {_fmt(current.expiry_date)}, no automatic renewal)"
            )
            current.save()
        result["expired"].append(current)
    return result


def agreement_archive(*, agreement: Agreement, user: Any) -> Agreement:
    if agreement.commitments.filter(archived_at__isnull=True, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            {"__all__": "Open commitments are tied to this agreement: close or move them first."}
        )
    return model_archive(instance=agreement, user=user)


def agreement_restore(*, agreement: Agreement, user: Any) -> Agreement:
    return model_restore(instance=agreement, user=user)


# --- documents ------------------------------------------------------------------------------------

ALLOWED_TYPES = DOCUMENT_TYPES
#: Extensions a name may carry for each sniffed type (a .jpeg is a JPEG too).
NAME_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "pptx": ("pptx",),
    "odt": ("odt",),
    "png": ("png",),
    "jpg": ("jpg", "jpeg"),
    "txt": ("txt", "text", "md", "csv"),
    "csv": ("csv", "txt"),
}
ACCEPTED_LABEL = "PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TXT or CSV"
_TEXT_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


def _is_plain_text(upload: UploadedFile) -> bool:
    """UTF-8 text without NUL or control characters (tabs, newlines and form feeds allowed)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            text = decoder.decode(chunk)
            if any(ord(ch) in _TEXT_CONTROL for ch in text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_type(upload: UploadedFile) -> tuple[str, str]:
    """The (MIME type, extension) of an upload from its content; a refused type raises."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    name_ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime not in ALLOWED_TYPES:
            raise ValidationError(
                {
                    "file": f"This file's content is {kind.extension.upper()} ({mime}), which is not "
                    f"accepted: upload {ACCEPTED_LABEL}."
                }
            )
    elif _is_plain_text(upload):
        mime = "text/csv" if name_ext == "csv" else "text/plain"
    else:
        raise ValidationError(
            {"file": f"The content of this file is not a recognised document type: upload {ACCEPTED_LABEL}."}
        )
    extension, label = ALLOWED_TYPES[mime]
    if name_ext and name_ext not in NAME_EXTENSIONS[extension]:
        raise ValidationError(
            {
                "file": f"The name ends in .{name_ext} but the content is {label}: rename the file or "
                "upload the right one."
            }
        )
    return mime, extension


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _clean_name(name: str) -> str:
    """The original name as a display name only: no directories, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return base[:255] or "document"


@transaction.atomic
def document_upload(
    *, agreement: Agreement, upload: UploadedFile | None, user: Any, description: str = ""
) -> AgreementDocument:
    """Attach a file to an agreement: size limit, type by content, checksum; all or nothing.

    The file is stored in MEDIA_ROOT (outside the static files) under its SHA-256, never the
    user's name, and served only by the download view; if the row cannot be written a file
    stored for it is removed.
    """
    require(user, "change", agreement)
    require(user, "create", AgreementDocument)
    if agreement.archived_at is not None:
        raise ValidationError({"file": "This agreement is archived: restore it before adding documents."})
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload."})
    limit_mb = settings.AMITY_UPLOAD_MAX_MB
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {"file": f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB."}
        )
    if "\x00" in (description or ""):
        raise ValidationError({"description": "Null characters are not allowed."})
    mime, extension = sniff_type(upload)
    document = AgreementDocument(
        agreement=agreement,
        original_name=_clean_name(upload.name or ""),
        extension=extension,
        size=upload.size,
        sha256=_sha256(upload),
        content_type=mime,
        description=(description or "").strip(),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    storage = document.file.storage
    name = document_upload_to(document, "")
    written = not storage.exists(name)
    if written:
        document.file.save("upload", upload, save=False)  # the name comes from upload_to
    else:  # the same content is already stored: share the file
        document.file.name = name
    try:
        document.full_clean(exclude=["file"])
        set_history_user(document, user)
        document.save()
    except BaseException:
        # Nothing half-written: the row failed, so a file stored for it goes too.
        if written:
            storage.delete(document.file.name)
        raise
    return document


def document_archive(*, document: AgreementDocument, user: Any) -> AgreementDocument:
    """Archive (never delete): partners can no longer download it; internal users still can."""
    require(user, "change", document.agreement)
    return model_archive(instance=document, user=user, reason="document archived")


def document_restore(*, document: AgreementDocument, user: Any) -> AgreementDocument:
    require(user, "change", document.agreement)
    return model_restore(instance=document, user=user)


# --- commitments -------------------------------------------------------------------------------------


def _check_commitment(commitment: Commitment, errors: dict[str, list[str]]) -> None:
    """The rules that span rows: party of the alliance, the agreement, the owner."""
    alliance = commitment.alliance
    if commitment.party_id and commitment.party_id not in _party_org_ids(alliance):
        errors.setdefault("party", []).append(
            f"{commitment.party} is not a party of {alliance}: only its parties commit."
        )
    agreement = commitment.agreement
    if agreement is not None:
        if agreement.alliance_id != commitment.alliance_id:
            errors.setdefault("agreement", []).append(
                f"{agreement} belongs to another alliance: a hard commitment is tied to an agreement of "
                "the same alliance."
            )
        elif agreement.archived_at is not None:
            errors.setdefault("agreement", []).append(f"{agreement} is archived.")
        elif commitment.party_id and not agreement.parties.filter(pk=commitment.party_id).exists():
            errors.setdefault("agreement", []).append(
                f"{commitment.party} is not a party to {agreement}, so it cannot bind them."
            )
    contact = commitment.owner_contact
    if contact is not None and commitment.party_id and contact.organization_id != commitment.party_id:
        errors.setdefault("owner_contact", []).append(
            f"{contact} works for {contact.organization}, not for the committing party {commitment.party}."
        )
    _check_user(commitment.owner_user, "owner_user", errors, "internal owner")


def _commitment_full_check(commitment: Commitment, errors: dict[str, list[str]]) -> None:
    _full_clean(commitment, errors, exclude=["alliance"] if commitment.alliance_id else [])
    if commitment.alliance_id:
        _check_commitment(commitment, errors)


@transaction.atomic
def commitment_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> Commitment:
    """Register what a party commits. It starts proposed, agreed or in progress; outcomes
    (met, missed, waived, renegotiated) are recorded with :func:`commitment_set_status`."""
    require(user, "create", Commitment)
    errors: dict[str, list[str]] = {}
    _check_alliance_open(alliance, errors)
    data = {k: v for k, v in data.items() if k not in {"alliance", "met_on", "replaces"}}
    commitment = Commitment(alliance=alliance, **data)
    if commitment.status not in OPEN_STATUSES:
        errors.setdefault("status", []).append(
            "A new commitment starts proposed, agreed or in progress; record its outcome as a status change."
        )
    if commitment.nature == Nature.HARD and commitment.soft_source:
        commitment.soft_source = ""
    _commitment_full_check(commitment, errors)
    _raise(errors)
    set_history_user(commitment, user)
    commitment.save()
    return commitment


def commitment_update(
    *, commitment: Commitment, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[Commitment, list[str]]:
    """Edit a commitment's terms; its status moves only through :func:`commitment_set_status`."""
    require(user, "change", commitment)
    data = {k: v for k, v in data.items() if k not in {"alliance", "status", "met_on", "replaces"}}
    with transaction.atomic():
        current = _locked(commitment, expected_version)
        errors: dict[str, list[str]] = {}
        if current.archived_at is not None:
            errors.setdefault("__all__", []).append("This commitment is archived: restore it to edit it.")
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        for name, value in data.items():
            setattr(current, name, value)
        if current.nature == Nature.HARD and current.soft_source:
            current.soft_source = ""  # a hard commitment's source is its agreement
        _commitment_full_check(current, errors)
        _raise(errors)
        if changed:
            current.version += 1
            set_history_user(current, user)
            current.save()
    return current, changed


@transaction.atomic
def commitment_set_status(
    *,
    commitment: Commitment,
    to_status: str,
    user: Any,
    met_on: date | None = None,
    evidence: str = "",
    note: str = "",
    replacement: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Commitment:
    """Move a commitment: proposed → agreed → in progress → met / missed / waived / renegotiated.

    * met: records ``met_on`` (default today, not in the future) and requires ``evidence``;
    * renegotiated: ``replacement`` holds the new terms (a new due date, quantity or amount …);
      a new commitment is created, linked to this one (``replaces``), and both are kept.

    Returns the commitment; after a renegotiation ``commitment.replaced_by`` is the new one.
    """
    require(user, "change", commitment)
    current = _locked(commitment, expected_version)
    if to_status not in C.values:
        raise ValidationError({"status": f"Unknown status {to_status!r}."})
    allowed = COMMITMENT_TRANSITIONS[current.status]
    if to_status not in allowed:
        names = ", ".join(_label(C, s) for s in allowed) or "none - it is closed"
        raise ValidationError(
            {
                "status": f"{current.get_status_display()} → {_label(C, to_status)} is not allowed "
                f"(from {current.get_status_display().lower()}: {names})."
            }
        )
    if current.archived_at is not None:
        raise ValidationError({"status": "This commitment is archived: restore it first."})
    today = _today()
    before = current.get_status_display()
    evidence = (evidence or "").strip()
    note = (note or "").strip()
    if to_status == C.MET:
        met_on = met_on or today
        if met_on > today:
            raise ValidationError({"met_on": "The date it was met cannot be in the future."})
        if not evidence:
            raise ValidationError({"evidence": "Say what shows it was met (a link, a document, a number)."})
        current.met_on = met_on
    if note and not evidence and to_status != C.MET:
        # Why it was missed, waived or renegotiated: kept in full on the commitment (the
        # history reason only has room for the move).
        evidence = note
    if evidence:
        current.evidence = evidence
    current.status = to_status
    successor = None
    if to_status == C.RENEGOTIATED:
        successor = _successor(current, replacement or {}, user)
    errors: dict[str, list[str]] = {}
    _full_clean(current, errors)
    _raise(errors)
    current.version += 1
    set_history_user(current, user)
    reason = f"status: {before} → {current.get_status_display()}"
    if to_status == C.MET:
        timing = "on time" if current.met_on_time else "late"
        reason += f" on {_fmt(current.met_on)} ({timing}, due {_fmt(current.due_date)})"
    if successor is not None:
        terms = successor._change_reason
        successor._change_reason = _reason(f"renegotiated from #{current.pk}: {terms}")
        successor.save()
        reason += f", replaced by #{successor.pk}: {terms}"
    elif note:
        reason += f" - {note}"
    current._change_reason = _reason(reason)
    current.save()
    if to_status == C.MISSED:
        events.emit(
            "commitment.missed",
            alliance_id=current.alliance_id,
            kind="commitments",
            data={
                "id": current.pk,
                "title": current.title,
                "status": current.status,
                "due_date": current.due_date,
                "party": {"id": current.party_id, "name": current.party.name},
                "note": note,
                "url": current.get_absolute_url(),
            },
            actor=user,
        )
    return current


def _successor(old: Commitment, replacement: dict[str, Any], user: Any) -> Commitment:
    """The new commitment of a renegotiation: the old terms with ``replacement`` applied."""
    unknown = set(replacement) - set(RENEGOTIABLE)
    if unknown:
        raise ValidationError(
            {f"replacement.{name}": "This cannot change in a renegotiation." for name in sorted(unknown)}
        )
    new = Commitment(
        alliance_id=old.alliance_id,
        party_id=old.party_id,
        nature=old.nature,
        soft_source=old.soft_source,
        agreement_id=old.agreement_id,
        category=old.category,
        title=old.title,
        description=old.description,
        quantity=old.quantity,
        unit=old.unit,
        amount=old.amount,
        currency=old.currency,
        due_date=old.due_date,
        owner_contact_id=old.owner_contact_id,
        owner_user_id=old.owner_user_id,
        status=C.AGREED,
        replaces=old,
    )
    changes = []
    for name, value in replacement.items():
        if value is None and name in ("title", "due_date", "currency"):
            continue
        if value == "" and name in ("title", "currency"):
            continue
        if getattr(new, name) != value:
            changes.append(f"{name.replace('_', ' ')} {_show(getattr(new, name))} → {_show(value)}")
            setattr(new, name, value)
    if not changes:
        raise ValidationError(
            {"replacement": "Give the renegotiated terms: a new due date, quantity, unit or amount."}
        )
    errors: dict[str, list[str]] = {}
    _full_clean(new, errors, exclude=["replaces"])
    if errors:
        raise ValidationError({f"replacement.{field}": msgs for field, msgs in errors.items()})
    set_history_user(new, user)
    new._change_reason = "; ".join(changes)
    return new


def _show(value: Any) -> str:
    if isinstance(value, date):
        return _fmt(value)
    if value is None or value == "":
        return "none"
    return str(value)


def commitment_archive(*, commitment: Commitment, user: Any) -> Commitment:
    return model_archive(instance=commitment, user=user)


def commitment_restore(*, commitment: Commitment, user: Any) -> Commitment:
    return model_restore(instance=commitment, user=user)
