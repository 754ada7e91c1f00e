"""PDFs: the business case on one page, the QBR pack and the portfolio report, rendered to PNG
(pypdfium2) and read back for their sections."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from amity.scorecards import pdf
from amity.scorecards.models import BusinessCase

from .test_kpis import book  # noqa: F401 - fixture

OK, WHY = pdf.available()
pytestmark = pytest.mark.skipif(not OK, reason=f"PDF tests skipped: {WHY}")


def pages(body: bytes) -> tuple[int, str, list]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(body)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    images = [doc[i].render(scale=1).to_pil() for i in range(len(doc))]
    return len(doc), text, images


def _nonblank(image) -> bool:
    gray = image.convert("L")
    return gray.getextrema()[0] < 200  # some ink on the page


def test_business_case_pdf_is_one_page_with_its_sections(client_for, manager):
    case = BusinessCase.objects.create(
        name="PDF case",
        currency="EUR",
        discount_rate=8,
        years=[
            {"investment": "100000"},
            *({"revenue_uplift": "50000", "margin_percent": "60"} for _ in range(5)),
        ],
    )
    response = client_for(manager).get(reverse("scorecards:business_case_pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    n, text, images = pages(response.content)
    assert n == 1
    for section in ("PDF case", "Net present value", "Cash flows", "Scenarios", "Sensitivity", "Monte Carlo"):
        assert section in text
    assert "19,781" in text  # NPV of −100,000 then 5 × 30,000 at 8 %
    assert _nonblank(images[0])
    images[0].save(io.BytesIO(), format="PNG")


def test_qbr_pack_has_every_section(client_for, manager, book):  # noqa: F811
    url = reverse("scorecards:qbr_pack", args=[book.pk]) + "?period=fy&day=2026-06-01"
    response = client_for(manager).get(url)
    assert response.status_code == 200
    n, text, images = pages(response.content)
    for section in (
        "Quarterly business review",
        "Balanced scorecard",
        "Plan attainment",
        "Pipeline",
        "Commitments open or missed",
        "Roadmap",
        "Open actions",
        "Health gaps",
    ):
        assert section in text, section
    assert "Alliance ROI" in text and all(_nonblank(i) for i in images)


def test_portfolio_report(client_for, manager, book):  # noqa: F811
    response = client_for(manager).get(reverse("scorecards:portfolio_report") + "?period=fy&day=2026-06-01")
    n, text, _ = pages(response.content)
    assert "Alliance portfolio report" in text and book.name in text and "Portfolio KPIs" in text


def test_partners_get_no_pdfs(client_for, partner, alliance):
    assert client_for(partner).get(reverse("scorecards:qbr_pack", args=[alliance.pk])).status_code == 403
    assert client_for(partner).get(reverse("scorecards:portfolio_report")).status_code == 403
