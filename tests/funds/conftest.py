"""Fixtures of the funds tests: a program, budgets of two competing partners, a PDF proof."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .factories import make_budget, make_program, pdf_upload


@pytest.fixture
def program(db, manager):
    return make_program(manager)


@pytest.fixture
def budget(program, partner_org, manager):
    return make_budget(program, partner_org, manager, amount=Decimal("10000.00"))


@pytest.fixture
def other_budget(program, other_partner_org, manager):
    return make_budget(program, other_partner_org, manager, amount=Decimal("5000.00"))


@pytest.fixture
def pdf():
    return pdf_upload
