"""The operations measured against a raw baseline, in the order they run."""

from __future__ import annotations

from .alliance_detail import AllianceDetail
from .alliance_list import AllianceList
from .base import Operation
from .forecast import Forecast
from .portfolio import PortfolioSummary
from .ranking import StrategicReviewRanking
from .registrations import DuplicateCheck
from .scorecards import ScorecardRollup

OPERATIONS: list[type[Operation]] = [
    PortfolioSummary,
    AllianceList,
    AllianceDetail,
    StrategicReviewRanking,
    Forecast,
    ScorecardRollup,
    DuplicateCheck,
]

__all__ = ["OPERATIONS", "Operation"]
