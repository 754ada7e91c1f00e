"""Funds test data, built through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from amity.funds import services
from amity.funds.models import FundProgram

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "proof.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_program(user, **data) -> FundProgram:
    data.setdefault("name", f"MDF test {FundProgram.objects.count() + 1}")
    data.setdefault("default_cofunding_share", Decimal("50"))
    return services.program_create(data=data, user=user)


def make_budget(program, organization, user, amount=Decimal("10000.00"), fiscal_year=None, **kw):
    return services.budget_allocate(
        program=program,
        organization=organization,
        fiscal_year=fiscal_year or timezone.localdate().year,
        amount=amount,
        user=user,
        **kw,
    )


def make_request(
    budget, user, *, planned_cost="2000.00", share="50", submit=True, opportunities=None, **data
):
    data.setdefault("activity", "Joint webinar")
    return services.request_create(
        budget=budget,
        data={"planned_cost": Decimal(planned_cost), "partner_share": Decimal(share), **data},
        opportunities=opportunities,
        user=user,
        submit=submit,
    )


def today() -> date:
    return timezone.localdate()
