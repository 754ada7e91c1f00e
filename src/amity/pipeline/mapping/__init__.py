"""Account mapping: the overlap of our and a partner's accounts by status.

Two modes over the same ``(key, status)`` pairs (keys from ``keys.matching_key``):

- ``shared.overlap_matrix`` — both lists are in Amity: plain set algebra.
- ``private`` — ECDH private set intersection (``openmined-psi``) through message files:
  ``request_files`` → ``respond_files`` → ``finish_files``; neither side sees the other's
  non-matching accounts.

The engine does not touch the database; see docs/account-mapping.md.
"""

from .keys import CUSTOMER, OPEN_OPPORTUNITY, PROSPECT, STATUSES, matching_key
from .protocol import ProtocolError
from .shared import Matrix, overlap_matrix

__all__ = [
    "CUSTOMER",
    "OPEN_OPPORTUNITY",
    "PROSPECT",
    "STATUSES",
    "Matrix",
    "ProtocolError",
    "matching_key",
    "overlap_matrix",
]
