"""Shared-mode account mapping: both sides' account lists are in Amity.

``overlap_matrix(ours, theirs)`` takes two iterables of ``(key, status)`` pairs (keys from
``keys.matching_key``) and returns the overlap ``Matrix``: for every (our status × their
status) cell the number of accounts on both lists and the matched keys. It is plain set
algebra — nine intersections of disjoint per-status sets — so 1,000,000 × 1,000,000 keys
take a few hundred milliseconds more than one set intersection (see docs/account-mapping.md).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from .keys import STATUSES, group_by_status

Cell = tuple[str, str]


@dataclass(frozen=True)
class Matrix:
    """The overlap of our and their accounts by (our status, their status).

    Rows are our statuses, columns their statuses (in private mode the responding side may
    answer with the single column ``any``). ``counts`` has every cell (zero included); ``keys`` lists the matched keys per cell,
    sorted and at most ``cap`` of them — empty when the keys were not revealed (private
    mode asked for the intersection size only). ``ours_total``/``theirs_total`` are the
    distinct keys on each list.
    """

    counts: dict[Cell, int]
    keys: dict[Cell, list[str]]
    ours_total: int
    theirs_total: int
    keys_revealed: bool = True
    statuses: tuple[str, ...] = field(default=STATUSES)
    their_statuses: tuple[str, ...] = field(default=STATUSES)

    def __str__(self) -> str:
        return f"Overlap of {self.ours_total} × {self.theirs_total} accounts: {self.total} shared"

    @property
    def total(self) -> int:
        """Accounts on both lists."""
        return sum(self.counts.values())

    def count(self, ours: str, theirs: str) -> int:
        return self.counts[(ours, theirs)]

    def row_total(self, ours: str) -> int:
        """Our accounts of status ``ours`` that the other side has in any status."""
        return sum(self.counts[(ours, theirs)] for theirs in self.their_statuses)

    def column_total(self, theirs: str) -> int:
        """Their accounts of status ``theirs`` that we have in any status."""
        return sum(self.counts[(ours, theirs)] for ours in self.statuses)

    def as_dict(self) -> dict:
        """JSON-ready form: ``cells`` as a list of {ours, theirs, count, keys}."""
        return {
            "ours_total": self.ours_total,
            "theirs_total": self.theirs_total,
            "total": self.total,
            "keys_revealed": self.keys_revealed,
            "statuses": list(self.statuses),
            "their_statuses": list(self.their_statuses),
            "cells": [
                {
                    "ours": ours,
                    "theirs": theirs,
                    "count": self.counts[(ours, theirs)],
                    "keys": self.keys[(ours, theirs)],
                }
                for ours in self.statuses
                for theirs in self.their_statuses
            ],
        }


def capped_keys(keys: set[str], cap: int | None) -> list[str]:
    """The keys sorted, at most ``cap`` of them (all for ``None``)."""
    if cap is None:
        return sorted(keys)
    if cap <= 0:
        return []
    if len(keys) <= cap:
        return sorted(keys)
    return heapq.nsmallest(cap, keys)


def matrix_from_groups(
    ours: dict[str, set[str]], theirs: dict[str, set[str]], *, cap: int | None = None
) -> Matrix:
    """The matrix of two disjoint per-status key groups (see ``keys.group_by_status``)."""
    counts: dict[Cell, int] = {}
    keys: dict[Cell, list[str]] = {}
    for our_status in STATUSES:
        mine = ours[our_status]
        for their_status in STATUSES:
            other = theirs[their_status]
            both = mine & other if len(mine) <= len(other) else other & mine
            counts[(our_status, their_status)] = len(both)
            keys[(our_status, their_status)] = capped_keys(both, cap)
    return Matrix(
        counts=counts,
        keys=keys,
        ours_total=sum(len(group) for group in ours.values()),
        theirs_total=sum(len(group) for group in theirs.values()),
    )


def overlap_matrix(
    ours: Iterable[tuple[str, str]], theirs: Iterable[tuple[str, str]], *, cap: int | None = None
) -> Matrix:
    """Overlap matrix of two ``(key, status)`` lists; at most ``cap`` keys listed per cell."""
    if cap is not None and cap < 0:
        raise ValueError("cap: must be zero or more")
    return matrix_from_groups(group_by_status(ours), group_by_status(theirs), cap=cap)
