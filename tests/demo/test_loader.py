"""Loader details that need no demo data (kept out of test_demo.py, which loads it once)."""

from __future__ import annotations

import pytest

from amity.demo import data
from amity.demo.loader import DemoError, email_for, load, review_data
from amity.partners.models import Organization


def test_demo_refuses_a_database_that_belongs_to_another_company(db):
    Organization.objects.create(name="Acme Corp", is_home=True)
    with pytest.raises(DemoError, match="Acme Corp"):
        load()


def test_email_addresses_are_plain_ascii():
    assert email_for("Hélène", "Dubois", "staurelia.example") == "helene.dubois@staurelia.example"
    assert email_for("Pieter", "de Wit", "halcyondata.example") == "pieter.dewit@halcyondata.example"


def test_every_review_names_known_activities_and_scores_in_range():
    for key, spec in data.REVIEWS.items():
        values = review_data(spec, "2026-10-01")
        assert all(0 <= s <= 4 for s in spec.scores), key
        assert all(e.strip() for e in spec.evidence), key
        assert values["review_date"].year == 2026


def test_every_step_refers_to_a_known_review_person_and_organization():
    people = {p.key for org in (data.HOME, *data.PARTNERS) for p in org.people}
    orgs = {org.name for org in data.PARTNERS}
    used_reviews = set()
    for spec in data.ALLIANCES:
        assert {name for name, _ in spec.partners} <= orgs, spec.name
        assert {key for key, _, _ in spec.members} <= people, spec.name
        used_reviews |= {s.key for s in spec.steps if isinstance(s, data.Review)}
    assert used_reviews == set(data.REVIEWS)


def test_unknown_activity_is_reported():
    spec = data.ReviewSpec(
        by="hannah", scores=(1, 1, 1, 1, 1), evidence=("x",) * 5, activities="bundled dancing"
    )
    with pytest.raises(DemoError, match="dancing"):
        review_data(spec, "2026-10-01")
