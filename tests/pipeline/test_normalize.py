"""Normalized company names and domains: the keys of the duplicate check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.pipeline.normalize import normalize_domain, normalize_name


@given(st.text(max_size=60))
def test_normalizing_a_name_twice_is_the_same_as_once(name):
    once = normalize_name(name)
    assert normalize_name(once) == once


@given(st.text(max_size=60))
def test_normalizing_a_domain_twice_is_the_same_as_once(domain):
    once = normalize_domain(domain)
    assert normalize_domain(once) == once


@pytest.mark.parametrize(
    "variant",
    [
        "Nordwind Logistik GmbH",
        "NORDWIND LOGISTIK G.m.b.H.",
        "Nordwind-Logistik, GmbH",
        "The Nordwind Logistik",
        "nordwind   logistik",
        "Nordwind Logistik Ltd.",
        "Nordwind Logistik B.V.",
        "Nordwind Logistik A/S",
        "Nordwind Logistik S.A.",
        "Nordwind Logistik Inc",
    ],
)
def test_legal_suffix_punctuation_and_case_variants_match(variant):
    assert normalize_name(variant) == "nordwind logistik"


def test_accents_are_stripped_and_ampersands_read_as_and():
    assert normalize_name("Société Générale S.A.") == "societe generale"
    assert normalize_name("Müller & Söhne KG") == normalize_name("Muller and Sohne")


def test_a_legal_form_alone_is_kept_rather_than_emptied():
    assert normalize_name("Co") == "co"


@pytest.mark.parametrize(
    "variant",
    [
        "nordwind.de",
        "www.nordwind.de",
        "WWW.Nordwind.DE",
        "https://www.nordwind.de/contact?x=1",
        "http://nordwind.de:8080",
        "nordwind.de.",
        "mailto-user@nordwind.de",
    ],
)
def test_domain_variants_match(variant):
    assert normalize_domain(variant) == "nordwind.de"
