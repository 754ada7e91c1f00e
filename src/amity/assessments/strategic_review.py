"""The strategic review (alliances.StrategicReview) as an instrument: see mirror_review."""

from __future__ import annotations

from typing import Any


def mirror_review(review: Any, *, user: Any) -> None:
    """Record ``review`` as an assessment of the strategic-review instrument (to be written)."""
    return None
