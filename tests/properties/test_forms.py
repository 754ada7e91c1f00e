"""Fuzzing the main create forms through the test client: whatever a browser could send -
random text, NUL bytes, huge numbers, dates that are not dates, ids that do not exist - the
answer is never a 500; a refused form answers 200 or 422 with the form again and writes
nothing; an accepted one redirects and writes exactly one record.

The field names are read from the form each page renders, so a field added later is fuzzed
too; values are drawn per field from text, numbers and near-valid strings."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from amity.agreements.models import Agreement, Commitment
from amity.alliances.models import Alliance
from amity.funds.models import FundRequest
from amity.governance.models import Meeting
from amity.partners.models import Contact, Organization
from amity.pipeline.models import Account, Opportunity

from .conftest import rolled_back

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
NOT_FUZZED = {"csrfmiddlewaretoken", "version", "next", "search"}

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=4).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "1e400",
            "NaN",
            "2026-02-30",
            "2026-12-04",
            "9999-12-31",
            "31/12/2026",
            "https://example.test",
            "not-an-email",
            "a@b.test",
            "999999999",
            "true",
            "EUR",
            "XXX",
            "'; DROP TABLE x; --",
            "<script>alert(1)</script>",
        ]
    ),
)


def _forms(alliance) -> list[tuple[str, type]]:
    return [
        (reverse("partners:organization_create"), Organization),
        (reverse("partners:contact_create"), Contact),
        (reverse("alliances:alliance_create"), Alliance),
        (reverse("agreements:agreement_create", args=[alliance.pk]), Agreement),
        (reverse("agreements:commitment_create", args=[alliance.pk]), Commitment),
        (reverse("governance:meeting_create", args=[alliance.pk]), Meeting),
        (reverse("pipeline:account_create"), Account),
        (reverse("pipeline:opportunity_create"), Opportunity),
        (reverse("funds:request_create"), FundRequest),
    ]


FORM_IDS = [
    "organization",
    "contact",
    "alliance",
    "agreement",
    "commitment",
    "meeting",
    "account",
    "opportunity",
    "fund_request",
]


@pytest.mark.parametrize("which", range(len(FORM_IDS)), ids=FORM_IDS)
def test_a_fuzzed_form_is_saved_or_refused_never_a_500(client_for, admin, alliance, which):
    client = client_for(admin)
    url, model = _forms(alliance)[which]
    page = client.get(url)
    assert page.status_code == 200, url
    names = sorted(set(FIELD.findall(page.content.decode())) - NOT_FUZZED)
    assert names, f"{url} renders a form with fields"

    @given(data=st.fixed_dictionaries({}, optional={name: values for name in names}))
    def post(data):
        with rolled_back():
            before = model.objects.count()
            response = client.post(url, data)
            assert response.status_code in (200, 302, 422), (url, data, response.status_code)
            after = model.objects.count()
            if response.status_code == 302:
                assert after == before + 1, (url, data)
            else:
                assert after == before, (url, data)

    post()
