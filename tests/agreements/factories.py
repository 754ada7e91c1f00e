"""Factories for agreements, documents and commitments (real rows, built through the models).

They write rows directly, for reads; tests of the rules go through ``amity.agreements.services``.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from amity.agreements.models import Agreement, AgreementStatus, Commitment, CommitmentStatus
from amity.alliances.models import AllianceParty, PartyRole
from tests import factories as f


def party_orgs(alliance):
    return [p.organization for p in AllianceParty.objects.filter(alliance=alliance).order_by("id")]


def partner_of(alliance):
    return AllianceParty.objects.filter(alliance=alliance).exclude(role=PartyRole.HOST).first().organization


class AgreementFactory(DjangoModelFactory):
    """An active master agreement of an alliance, signed by all its parties."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    alliance = factory.SubFactory(f.AllianceFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = "master"
    status = AgreementStatus.ACTIVE
    signed_date = date(2025, 1, 10)
    effective_date = date(2025, 1, 15)
    expiry_date = date(2027, 1, 14)

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.parties.set(extracted if extracted is not None else party_orgs(obj.alliance))


class CommitmentFactory(DjangoModelFactory):
    """An agreed, soft (annual plan) commitment of the alliance's partner: one item."""

    class Meta:
        model = Commitment

    alliance = factory.SubFactory(f.AllianceFactory)
    party = factory.LazyAttribute(lambda o: partner_of(o.alliance))
    nature = "soft"
    soft_source = "annual_plan"
    category = "other"
    title = factory.Sequence(lambda n: f"Commitment {n}")
    quantity = Decimal("1")
    unit = "item"
    due_date = date(2026, 12, 31)
    status = CommitmentStatus.AGREED


# --- files ----------------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    from amity.agreements.demo import pdf

    return pdf("Test agreement", ["Parties: A and B"])


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def ooxml_bytes(folder: str) -> bytes:
    """A minimal Office Open XML package (folder: word, xl or ppt)."""
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            (f"{folder}/document.xml", b"<document/>"),
        ]
    )


def odt_bytes() -> bytes:
    return _zip(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")],
        stored_first=True,
    )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 32
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode."
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 60
