"""Agreements, their documents, and the commitments register (seed 002: flexibility vs commitment).

An *agreement* is the legal framework of an alliance ("flexible yet contractual", seed 000):
NDA, MoU, master alliance agreement, reseller, co-marketing, SOW or MDF agreement, with its
term, renewal, notice period, exclusivity and IP terms. A *commitment* is what one party
promised to put in: **hard** when an agreement binds it, **soft** when it comes from an annual
plan, an executive handshake or a one-off project. All of them are alliance-scoped: a partner
user sees the agreements and commitments of the alliances their organization is party to.
"""

from .agreement import (
    DOCUMENT_TYPES,
    IN_FORCE,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementStatus,
    document_upload_to,
    notice_deadline_for,
)
from .commitment import (
    COMMITTED_STATUSES,
    HEADCOUNT_UNITS,
    JUDGED_STATUSES,
    OPEN_STATUSES,
    Category,
    Commitment,
    CommitmentStatus,
    Nature,
    SoftSource,
    headcount_q,
)

__all__ = [
    "DOCUMENT_TYPES",
    "AgreementKind",
    "AgreementStatus",
    "IN_FORCE",
    "notice_deadline_for",
    "document_upload_to",
    "Agreement",
    "AgreementDocument",
    "Nature",
    "SoftSource",
    "Category",
    "CommitmentStatus",
    "OPEN_STATUSES",
    "JUDGED_STATUSES",
    "COMMITTED_STATUSES",
    "HEADCOUNT_UNITS",
    "headcount_q",
    "Commitment",
]
