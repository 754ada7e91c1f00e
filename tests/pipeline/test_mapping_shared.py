"""Shared-mode account mapping: the overlap matrix of two lists that are both in Amity."""

import pytest

from amity.pipeline.mapping import (
    CUSTOMER,
    OPEN_OPPORTUNITY,
    PROSPECT,
    STATUSES,
    matching_key,
    overlap_matrix,
)
from amity.pipeline.mapping.keys import group_by_status

OURS = [
    ("domain:acme.com", CUSTOMER),
    ("domain:globex.com", CUSTOMER),
    ("domain:initech.com", PROSPECT),
    ("domain:umbrella.com", OPEN_OPPORTUNITY),
    ("name:hooli", PROSPECT),
    ("domain:ours-only.com", CUSTOMER),
]
THEIRS = [
    ("domain:acme.com", CUSTOMER),
    ("domain:globex.com", PROSPECT),
    ("domain:initech.com", PROSPECT),
    ("domain:umbrella.com", CUSTOMER),
    ("name:hooli", OPEN_OPPORTUNITY),
    ("domain:theirs-only.com", CUSTOMER),
    ("domain:theirs-too.com", PROSPECT),
]


def test_the_matrix_counts_every_pair_of_statuses_and_lists_the_matched_keys():
    matrix = overlap_matrix(OURS, THEIRS)

    assert matrix.count(CUSTOMER, CUSTOMER) == 1
    assert matrix.keys[(CUSTOMER, CUSTOMER)] == ["domain:acme.com"]
    assert matrix.keys[(CUSTOMER, PROSPECT)] == ["domain:globex.com"]
    assert matrix.keys[(PROSPECT, PROSPECT)] == ["domain:initech.com"]
    assert matrix.keys[(OPEN_OPPORTUNITY, CUSTOMER)] == ["domain:umbrella.com"]
    assert matrix.keys[(PROSPECT, OPEN_OPPORTUNITY)] == ["name:hooli"]
    assert matrix.count(CUSTOMER, OPEN_OPPORTUNITY) == 0
    assert len(matrix.counts) == 9
    assert matrix.total == 5
    assert (matrix.ours_total, matrix.theirs_total) == (6, 7)
    assert matrix.row_total(CUSTOMER) == 2
    assert matrix.column_total(CUSTOMER) == 2
    assert str(matrix) == "Overlap of 6 × 7 accounts: 5 shared"


def test_an_account_listed_with_several_statuses_counts_once_under_the_strongest():
    ours = [
        ("domain:acme.com", PROSPECT),
        ("domain:acme.com", CUSTOMER),
        ("domain:acme.com", OPEN_OPPORTUNITY),
    ]
    theirs = [("domain:acme.com", PROSPECT), ("domain:acme.com", OPEN_OPPORTUNITY)]

    matrix = overlap_matrix(ours, theirs)

    assert matrix.total == 1
    assert matrix.count(CUSTOMER, OPEN_OPPORTUNITY) == 1
    assert (matrix.ours_total, matrix.theirs_total) == (1, 1)


def test_the_cap_limits_the_listed_keys_but_not_the_counts():
    ours = [(f"domain:c{i:03}.com", CUSTOMER) for i in range(50)]

    matrix = overlap_matrix(ours, ours, cap=3)

    assert matrix.count(CUSTOMER, CUSTOMER) == 50
    assert matrix.keys[(CUSTOMER, CUSTOMER)] == ["domain:c000.com", "domain:c001.com", "domain:c002.com"]
    assert overlap_matrix(ours, ours, cap=0).keys[(CUSTOMER, CUSTOMER)] == []


def test_empty_keys_are_skipped_and_empty_lists_give_an_empty_matrix():
    matrix = overlap_matrix([("", CUSTOMER)], [])

    assert matrix.total == 0
    assert matrix.ours_total == 0
    assert all(keys == [] for keys in matrix.keys.values())


def test_an_unknown_status_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="status: unknown account status 'partner'"):
        overlap_matrix([("domain:acme.com", "partner")], [])


def test_pairs_that_are_not_pairs_are_refused_clearly():
    with pytest.raises(ValueError, match="accounts: expected"):
        overlap_matrix(["domain:acme.com"], [])


def test_a_negative_cap_is_refused():
    with pytest.raises(ValueError, match="cap"):
        overlap_matrix([], [], cap=-1)


def test_the_matrix_serializes_every_cell_for_the_api():
    data = overlap_matrix(OURS, THEIRS, cap=10).as_dict()

    assert data["total"] == 5
    assert len(data["cells"]) == 9
    assert {"ours": CUSTOMER, "theirs": CUSTOMER, "count": 1, "keys": ["domain:acme.com"]} in data["cells"]
    assert data["statuses"] == list(STATUSES)


def test_groups_by_status_are_disjoint():
    groups = group_by_status([("a", PROSPECT), ("a", CUSTOMER), ("b", PROSPECT)])

    assert groups == {CUSTOMER: {"a"}, OPEN_OPPORTUNITY: set(), PROSPECT: {"b"}}


def test_the_matching_key_is_the_normalized_domain_else_the_normalized_name():
    assert matching_key(name="Acme, Inc.", domain="https://www.ACME.com/about") == "domain:acme.com"
    assert matching_key(name="The Acme Holding B.V.", domain="") == "name:acme holding"
    assert matching_key(name="", domain=None) == ""
