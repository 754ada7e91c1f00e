from .ledger import (
    BALANCES,
    EFFECTS,
    ZERO,
    AppendOnlyError,
    Budget,
    EntryKind,
    ExchangeRate,
    FundProgram,
    LedgerEntry,
)
from .mdf import (
    FUNDED,
    Claim,
    ClaimProof,
    ClaimStatus,
    FundRequest,
    Payment,
    RequestStatus,
)

__all__ = [
    "BALANCES",
    "EFFECTS",
    "FUNDED",
    "ZERO",
    "AppendOnlyError",
    "Budget",
    "Claim",
    "ClaimProof",
    "ClaimStatus",
    "EntryKind",
    "ExchangeRate",
    "FundProgram",
    "FundRequest",
    "LedgerEntry",
    "Payment",
    "RequestStatus",
]
