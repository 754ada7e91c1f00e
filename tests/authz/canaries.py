"""Canary markers: distinctive text and numbers planted in the competing partner's alliance (Y).

Every text field of an object of alliance Y starts with ``CANARY_Y_<CLASS>_<WHAT>``; the class
says who may ever read it:

* a ``DataKind`` value in upper case (``PLAN``, ``ROADMAP`` …): partner B sees it exactly when
  alliance Y shares that kind with B;
* ``ALLIANCE``: the alliance itself, its parties and people - B always sees it;
* ``B``: partner B's own records (its organization, people, deal registrations, MDF, leads …) -
  B always sees them;
* ``INTERNAL``: our own deliberations (strategic reviews, costs, business cases, tier proposals,
  invitations …) - no partner ever sees them;
* ``OTHER``: rows of models the world builder does not know (filled generically).

Partner A (not a party to Y) may see none of them. Markers use underscores, not hyphens, so a
PDF line break or hyphenation cannot split them; searches ignore case (``|title`` filters).
Numbers are found with their thousands separators removed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from amity.alliances.models import DataKind

PREFIX = "CANARY_Y_"

#: Classes of markers that are not a DataKind.
ALWAYS_B = ("ALLIANCE", "B")
NEVER_PARTNER = ("INTERNAL",)
UNKNOWN = ("OTHER",)

#: Distinctive amounts of alliance Y.
PLAN_REVENUE = Decimal("987654321")  # the plan's revenue target: a revenue figure
DEAL_AMOUNT = Decimal("876543219")  # our closed-won deal linked to Y: part of the pipeline kind
INTERNAL_COST = Decimal("24681357")  # an alliance cost we entered: never shown to partners

#: What each kind's canary looks like: the text prefix, and numbers (the plan's revenue target is
#: a revenue figure; a deal's amount belongs to the pipeline, as ``DataKind.PIPELINE`` says).
NUMBERS = {
    DataKind.REVENUE.value: (str(PLAN_REVENUE),),
    DataKind.PIPELINE.value: (str(DEAL_AMOUNT),),
    "INTERNAL": (str(INTERNAL_COST),),
}


def marker(cls: str, what: str) -> str:
    return f"{PREFIX}{cls.upper()}_{what.upper()}"


def text_prefix(cls: str) -> str:
    return f"{PREFIX}{cls.upper()}_".lower()


_SEPARATORS = re.compile(r"[,.\s'\u00a0\u202f\u2009_]")
_FOUND = re.compile(r"canary_y_([a-z]+)_([a-z0-9_]*)")


def normalize(text: str) -> str:
    return text.lower()


def digits(text: str) -> str:
    """The text with thousands/decimal separators removed (987,654,321.00 → 98765432100)."""
    return _SEPARATORS.sub("", text)


def found(text: str) -> dict[str, set[str]]:
    """Every canary in ``text``: class (lower case) → the markers found."""
    lowered = text.lower()
    result: dict[str, set[str]] = {}
    for match in _FOUND.finditer(lowered):
        result.setdefault(match.group(1), set()).add(match.group(0)[:60])
    flat = digits(lowered)
    for cls, numbers in NUMBERS.items():
        for number in numbers:
            if number in flat:
                result.setdefault(cls.lower(), set()).add(number)
    return result


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdfium2), with whitespace and hyphens removed so a line break
    cannot split a marker; empty if it cannot be read."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dev dependency
        return ""
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return ""
    parts = []
    for page in pdf:
        textpage = page.get_textpage()
        parts.append(textpage.get_text_range())
    return re.sub(r"[\s\-\u00ad]", "", "".join(parts))


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet of an XLSX file, tab-separated."""
    import io

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return ""
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend("" if v is None else str(v) for v in row)
    return "\t".join(cells)


def ics_text(data: bytes) -> str:
    """An iCalendar document unfolded (RFC 5545 folds long lines) and unescaped."""
    text = data.decode("utf-8", "replace").replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
