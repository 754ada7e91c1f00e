"""The joint pipeline's models: customer accounts, opportunities with stage history and deal
registrations (``deals``), CRM import jobs (``imports``), account-mapping runs (``mapping``)
and leads routed to partners (``leads``). Each module states its visibility rule."""

from .deals import (
    ACTIVE_STATUSES,
    CLOSED_STAGES,
    EXTERNAL_SYSTEMS,
    OPEN_STAGES,
    PARTNER_WRITERS,
    STAGE_PROBABILITY,
    Account,
    AccountStatus,
    DealRegistration,
    MatchKind,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    OpportunityStageChange,
    PartnerRole,
    RegistrationMatch,
    RegistrationStatus,
    _clean_external_ids,
)
from .imports import FINISHED_IMPORT_STATUSES, ImportFormat, ImportJob, ImportKind, ImportStatus
from .leads import Lead, LeadRoutingRule, LeadStatus
from .mapping import MappingMode, MappingRole, MappingRun, MappingStatus

__all__ = [
    "ACTIVE_STATUSES",
    "CLOSED_STAGES",
    "EXTERNAL_SYSTEMS",
    "FINISHED_IMPORT_STATUSES",
    "OPEN_STAGES",
    "PARTNER_WRITERS",
    "STAGE_PROBABILITY",
    "Account",
    "AccountStatus",
    "DealRegistration",
    "ImportFormat",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Lead",
    "LeadRoutingRule",
    "LeadStatus",
    "MappingMode",
    "MappingRole",
    "MappingRun",
    "MappingStatus",
    "MatchKind",
    "Opportunity",
    "OpportunityAlliance",
    "OpportunityStage",
    "OpportunityStageChange",
    "PartnerRole",
    "RegistrationMatch",
    "RegistrationStatus",
    "_clean_external_ids",
]
