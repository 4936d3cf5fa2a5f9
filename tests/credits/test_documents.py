"""Documents of an application: upload (PDF, JPEG, PNG only, within the size limit) and the
one download view, which only those who may see the application can use."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import Application, ApplicationDocument
from miqua.audit.models import AuditEntry
from tests.clients import client_for

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
TINY_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(user, application: Application, name: str, content: bytes, content_type: str):
    return client_for(user).post(
        reverse("document_upload", args=[application.pk]),
        {"kind": "identity", "file": SimpleUploadedFile(name, content, content_type)},
    )


def documents_of(application: Application) -> list[ApplicationDocument]:
    with scopes_disabled():
        return list(ApplicationDocument.objects.filter(application=application))


def stored_document(application: Application, content: bytes = TINY_PDF) -> ApplicationDocument:
    with scopes_disabled():
        document = ApplicationDocument(
            application=application,
            quarter=application.quarter,
            kind=ApplicationDocument.Kind.BANK_STATEMENT,
            original_name="Kontoauszug März.pdf",
            content_type="application/pdf",
            size=len(content),
            uploaded_by=application.advisor,
        )
        document.file.save("Kontoauszug März.pdf", ContentFile(content), save=True)
    return document


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Ausweis.pdf", TINY_PDF, "application/pdf"),
        ("Foto.JPG", TINY_JPEG, "image/jpeg"),
        ("Gewerbeschein.png", TINY_PNG, "image/png"),
    ],
)
def test_the_advisor_uploads_pdf_jpeg_and_png(network, name, content, content_type, tmp_path):
    application = network.own_application
    response = upload(network.advisor, application, name, content, content_type)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("application_detail", args=[application.pk]))
    [document] = documents_of(application)
    assert document.original_name == name
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.uploaded_by == network.advisor
    # Stored under MEDIA_ROOT with a random name, not the one the browser sent.
    path = tmp_path / document.file.name
    assert path.read_bytes() == content
    assert name not in document.file.name
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="document.uploaded").count() == 1


def test_the_uploaded_document_is_listed_on_the_page(network):
    application = network.own_application
    upload(network.advisor, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    response = client_for(network.advisor).get(reverse("application_detail", args=[application.pk]))
    assert [d.original_name for d in response.context["documents"]] == ["Ausweis.pdf"]
    assert "Ausweis.pdf" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 4, "application/octet-stream"),
        ("Lebenslauf.pdf", b"Dies ist nur ein Text, kein PDF.\n", "application/pdf"),
        # The right bytes under the wrong name: refused too (the name must fit the content).
        ("Ausweis.exe", TINY_PDF, "application/pdf"),
    ],
)
def test_other_files_are_refused_with_a_message_at_the_field(network, name, content, content_type):
    application = network.own_application
    response = upload(network.advisor, application, name, content, content_type)
    assert response.status_code == 400
    form = response.context["document_form"]
    assert form.errors["file"]
    assert documents_of(application) == []


def test_a_file_over_the_limit_is_refused(network, settings):
    settings.MIQUA_UPLOAD_MAX_BYTES = 100
    application = network.own_application
    big_pdf = TINY_PDF + b"%" + b"x" * 200
    response = upload(network.advisor, application, "Businessplan.pdf", big_pdf, "application/pdf")
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    assert documents_of(application) == []


def test_an_upload_without_a_file_asks_for_one(network):
    response = client_for(network.advisor).post(
        reverse("document_upload", args=[network.own_application.pk]), {"kind": "identity"}
    )
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]


def test_after_submission_the_advisor_uploads_no_more_but_the_back_office_does(network):
    application = network.own_application
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    response = upload(network.advisor, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    assert response.status_code == 403
    response = upload(network.staff, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    assert response.status_code == 302
    assert len(documents_of(application)) == 1


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_people_who_may_not_see_the_application_cannot_upload(network, role):
    user = network.users_by_role()[role]
    application = network.own_application
    response = upload(user, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    assert response.status_code in (403, 404)
    assert documents_of(application) == []


def test_a_foreign_advisor_cannot_upload_to_another_quarter(network):
    application = network.own_application
    response = upload(network.foreign_advisor, application, "Ausweis.pdf", TINY_PDF, "x")
    assert response.status_code == 404
    assert documents_of(application) == []


@pytest.mark.parametrize("role", ["advisor", "staff", "administrator"])
def test_the_quarters_advisor_and_the_back_office_download_the_file(network, role):
    document = stored_document(network.own_application)
    response = client_for(network.users_by_role()[role]).get(
        reverse("document_download", args=[network.own_application.pk, document.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Kontoauszug" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_another_quarters_advisor_gets_404_for_the_download(network):
    document = stored_document(network.own_application)
    response = client_for(network.foreign_advisor).get(
        reverse("document_download", args=[network.own_application.pk, document.pk])
    )
    assert response.status_code == 404
    assert TINY_PDF not in response.content


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_committee_members_and_municipality_viewers_cannot_download(network, role):
    document = stored_document(network.own_application)
    response = client_for(network.users_by_role()[role]).get(
        reverse("document_download", args=[network.own_application.pk, document.pk])
    )
    assert response.status_code in (403, 404)
    assert TINY_PDF not in response.content


def test_a_document_is_only_reached_through_its_own_application(network):
    # Staff see both quarters; a document of one application must not be served under the
    # address of another.
    foreign_document = stored_document(network.foreign_application)
    response = client_for(network.staff).get(
        reverse("document_download", args=[network.own_application.pk, foreign_document.pk])
    )
    assert response.status_code == 404


def test_a_missing_file_answers_404_not_an_error(network, tmp_path):
    document = stored_document(network.own_application)
    (tmp_path / document.file.name).unlink()
    response = client_for(network.advisor).get(
        reverse("document_download", args=[network.own_application.pk, document.pk])
    )
    assert response.status_code == 404


def test_media_files_have_no_url_of_their_own(network, tmp_path):
    document = stored_document(network.own_application)
    response = client_for(network.staff).get("/" + document.file.name)
    assert response.status_code == 404
    response = client_for(network.staff).get("/media/" + document.file.name)
    assert response.status_code == 404
