"""Matching keys and account statuses for account mapping.

The key of an account is its normalized domain if it has one, else its normalized name
(the normalization is the one the deal-registration duplicate check uses,
``amity.pipeline.normalize``). Keys carry a ``domain:`` or ``name:`` prefix so that a
name can never collide with a domain.
"""

from __future__ import annotations

from collections.abc import Iterable

from amity.pipeline.normalize import normalize_domain, normalize_name

CUSTOMER = "customer"
OPEN_OPPORTUNITY = "open_opportunity"
PROSPECT = "prospect"

#: Account statuses in precedence order: an account listed with several statuses on one
#: side counts once, under the first of these (a customer with an open opportunity is a
#: customer; a prospect with an open opportunity is an open opportunity).
STATUSES: tuple[str, ...] = (CUSTOMER, OPEN_OPPORTUNITY, PROSPECT)

STATUS_LABELS = {CUSTOMER: "Customers", OPEN_OPPORTUNITY: "Open opportunities", PROSPECT: "Prospects"}

__all__ = [
    "CUSTOMER",
    "OPEN_OPPORTUNITY",
    "PROSPECT",
    "STATUSES",
    "STATUS_LABELS",
    "group_by_status",
    "matching_key",
    "normalize_domain",
    "normalize_name",
]


def matching_key(*, name: str | None = None, domain: str | None = None) -> str:
    """The key an account is matched on: ``domain:<domain>`` if any, else ``name:<name>``, else ""."""
    normalized = normalize_domain(domain)
    if normalized:
        return f"domain:{normalized}"
    normalized = normalize_name(name)
    return f"name:{normalized}" if normalized else ""


def group_by_status(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Disjoint sets of keys per status (in ``STATUSES`` order of precedence).

    Empty keys are skipped; an unknown status raises ``ValueError`` naming the field.
    """
    groups: dict[str, set[str]] = {status: set() for status in STATUSES}
    adders = {status: keys.add for status, keys in groups.items()}
    try:
        for key, status in pairs:
            if key:
                adders[status](key)
    except KeyError as exc:
        raise ValueError(
            f"status: unknown account status {exc.args[0]!r}; expected one of {', '.join(STATUSES)}"
        ) from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"accounts: expected (key, status) pairs ({exc})") from None
    seen: set[str] = set()
    for status in STATUSES:
        keys = groups[status]
        if seen:
            keys.difference_update(seen)
        seen |= keys
    return groups
