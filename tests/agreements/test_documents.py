"""Agreement documents: size limit, type by content, nothing half-written, downloads only
through the visibility rule, archive instead of delete."""

from __future__ import annotations

import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amity.agreements import services
from amity.agreements.models import AgreementDocument

from .factories import ELF, EXE, JPEG, PNG, AgreementFactory, odt_bytes, ooxml_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def agreement(alliance):
    return AgreementFactory(alliance=alliance, title="Master alliance agreement")


@pytest.mark.parametrize(
    ("name", "content", "mime", "extension"),
    [
        ("signed.pdf", pdf_bytes(), "application/pdf", "pdf"),
        (
            "annex.docx",
            ooxml_bytes("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            "budget.xlsx",
            ooxml_bytes("xl"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        (
            "deck.pptx",
            ooxml_bytes("ppt"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
        ),
        ("letter.odt", odt_bytes(), "application/vnd.oasis.opendocument.text", "odt"),
        ("scan.png", PNG, "image/png", "png"),
        ("scan.jpeg", JPEG, "image/jpeg", "jpg"),
        ("notes.txt", "Résumé of the terms\n\tnotice: 90 days\n".encode(), "text/plain", "txt"),
        ("targets.csv", b"quarter,target\nQ1,100\n", "text/csv", "csv"),
    ],
)
def test_accepted_types_are_recognised_by_their_content(
    agreement, manager, _media_root, name, content, mime, extension
):
    document = services.document_upload(agreement=agreement, upload=upload(name, content), user=manager)
    assert (document.content_type, document.extension) == (mime, extension)
    assert document.original_name == name
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == manager
    # Stored under its SHA-256 with the sniffed extension, never the user's file name.
    assert name.rsplit(".", 1)[0] not in document.file.name
    assert document.file.name == f"agreements/{document.sha256[:2]}/{document.sha256}.{extension}"
    assert (Path(_media_root) / document.file.name).read_bytes() == content


def test_the_same_content_is_stored_once_for_two_documents(agreement, manager, _media_root):
    first = services.document_upload(agreement=agreement, upload=upload("a.pdf", pdf_bytes()), user=manager)
    second = services.document_upload(
        agreement=agreement, upload=upload("copy.pdf", pdf_bytes()), user=manager
    )
    assert first.pk != second.pk and first.file.name == second.file.name
    assert len(stored_files(Path(_media_root))) == 1
    with pytest.raises(ValidationError):  # a failing row must not remove the shared file
        services.document_upload(
            agreement=agreement, upload=upload("b.pdf", pdf_bytes()), description="x" * 301, user=manager
        )
    assert len(stored_files(Path(_media_root))) == 1


def test_a_pdf_that_is_really_an_executable_is_refused(agreement, manager, _media_root):
    for content in (EXE, ELF):
        with pytest.raises(ValidationError) as exc:
            services.document_upload(
                agreement=agreement, upload=upload("contract.pdf", content), user=manager
            )
        assert "is not accepted" in exc.value.message_dict["file"][0]
    assert not AgreementDocument.objects.exists()
    assert stored_files(Path(_media_root)) == []


def test_binary_content_of_no_known_type_is_refused(agreement, manager):
    with pytest.raises(ValidationError) as exc:
        services.document_upload(
            agreement=agreement, upload=upload("data.txt", b"\x00\x01\x02binary"), user=manager
        )
    assert "not a recognised document type" in exc.value.message_dict["file"][0]


def test_a_name_that_claims_another_type_is_refused(agreement, manager):
    with pytest.raises(ValidationError) as exc:
        services.document_upload(agreement=agreement, upload=upload("contract.pdf", PNG), user=manager)
    assert "ends in .pdf but the content is PNG image" in exc.value.message_dict["file"][0]


def test_a_file_over_the_size_limit_is_refused_naming_the_field(agreement, manager, settings, _media_root):
    settings.AMITY_UPLOAD_MAX_MB = 1
    big = b"a" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError) as exc:
        services.document_upload(agreement=agreement, upload=upload("big.txt", big), user=manager)
    assert exc.value.message_dict["file"] == ["The file is 1.0 MB; the limit is 1 MB."]
    assert stored_files(Path(_media_root)) == []


def test_an_empty_file_is_refused(agreement, manager):
    with pytest.raises(ValidationError) as exc:
        services.document_upload(agreement=agreement, upload=upload("empty.txt", b""), user=manager)
    assert exc.value.message_dict["file"] == ["The file is empty."]


def test_nothing_is_half_written_when_the_row_fails(agreement, manager, _media_root):
    with pytest.raises(ValidationError) as exc:
        services.document_upload(
            agreement=agreement, upload=upload("a.pdf", pdf_bytes()), description="x" * 301, user=manager
        )
    assert "description" in exc.value.message_dict
    assert not AgreementDocument.objects.exists()
    assert stored_files(Path(_media_root)) == []
    with (
        mock.patch.object(AgreementDocument, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.document_upload(agreement=agreement, upload=upload("a.pdf", pdf_bytes()), user=manager)
    assert stored_files(Path(_media_root)) == []


def test_a_path_in_the_uploaded_name_is_kept_only_as_a_display_name(agreement, manager, _media_root):
    document = services.document_upload(
        agreement=agreement, upload=upload("../../etc/passwd.txt", b"root:x:0:0"), user=manager
    )
    assert document.original_name == "passwd.txt"
    assert (Path(_media_root) / document.file.name).resolve().is_relative_to(Path(_media_root).resolve())


def test_only_internal_editors_upload(agreement, executive, partner):
    for user in (executive, partner):
        with pytest.raises(PermissionDenied):
            services.document_upload(agreement=agreement, upload=upload("a.pdf", pdf_bytes()), user=user)


# --- downloads ----------------------------------------------------------------------------------


def download_url(document: AgreementDocument) -> str:
    return reverse("agreements:document_download", args=[document.agreement_id, document.pk])


@pytest.fixture
def document(agreement, manager):
    return services.document_upload(
        agreement=agreement, upload=upload("Signed MAA.pdf", pdf_bytes()), user=manager
    )


def test_a_download_is_an_attachment_with_the_sniffed_type_and_nosniff(client_for, manager, document):
    response = client_for(manager).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Signed MAA.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_partner_downloads_the_documents_of_their_own_alliance(client_for, partner, document):
    assert client_for(partner).get(download_url(document)).status_code == 200


def test_a_partner_of_another_organization_gets_404(client_for, other_partner, document):
    assert client_for(other_partner).get(download_url(document)).status_code == 404


def test_a_document_is_only_found_under_its_own_agreement(client_for, manager, document, other_alliance):
    other = AgreementFactory(alliance=other_alliance)
    url = reverse("agreements:document_download", args=[other.pk, document.pk])
    assert client_for(manager).get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, document):
    response = client.get(download_url(document))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_archived_document_is_not_downloadable_by_partners_but_kept_for_us(
    client_for, manager, partner, document
):
    services.document_archive(document=document, user=manager)
    document.refresh_from_db()
    assert document.archived_at is not None and AgreementDocument.objects.filter(pk=document.pk).exists()
    assert client_for(partner).get(download_url(document)).status_code == 404
    assert client_for(manager).get(download_url(document)).status_code == 200
    services.document_restore(document=document, user=manager)
    assert client_for(partner).get(download_url(document)).status_code == 200


def test_documents_of_an_archived_agreement_are_hidden_from_partners(client_for, manager, partner, document):
    document.agreement.archived_at = document.created_at
    document.agreement.save()
    assert client_for(partner).get(download_url(document)).status_code == 404


def test_a_missing_stored_file_is_a_404_not_a_server_error(client_for, manager, document, _media_root):
    (Path(_media_root) / document.file.name).unlink()
    assert client_for(manager).get(download_url(document)).status_code == 404


def test_uploading_through_the_page_shows_the_error_on_the_form(client_for, manager, agreement):
    url = reverse("agreements:document_upload", args=[agreement.pk])
    response = client_for(manager).post(url, {"file": upload("contract.pdf", EXE)})
    assert response.status_code == 422
    assert 'data-field-error="file"' in response.content.decode()
    response = client_for(manager).post(
        url, {"file": upload("contract.pdf", pdf_bytes()), "description": "Signed"}
    )
    assert response.status_code == 302
    assert AgreementDocument.objects.get().description == "Signed"


def test_a_partner_cannot_upload_or_archive_through_the_pages(client_for, partner, document):
    client = client_for(partner)
    upload_url = reverse("agreements:document_upload", args=[document.agreement_id])
    assert client.post(upload_url, {"file": upload("a.pdf", pdf_bytes())}).status_code == 403
    archive_url = reverse("agreements:document_archive", args=[document.agreement_id, document.pk])
    assert client.post(archive_url).status_code == 403
    document.refresh_from_db()
    assert document.archived_at is None
