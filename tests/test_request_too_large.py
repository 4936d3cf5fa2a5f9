"""A request over the limits gets a page that says what was too large and what to do, in the
user's language, instead of Django's bare "Bad Request (400)"; a file over the upload limit is
refused at its field with the rest of the form kept, and is not stored beyond the limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import Application, ApplicationDocument
from miqua.uploads import LimitedFileUploadHandler

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Browser:
    """A signed-in client that sends the CSRF token as a browser does: the CSRF check reads
    the request body, which is where Django's bare 400 came from."""

    def __init__(self, user) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.client.get(reverse("home"))

    def post(self, url: str, data: dict):
        token = self.client.cookies["csrftoken"].value
        return self.client.post(url, {**data, "csrfmiddlewaretoken": token})


def client_for(user) -> _Browser:
    return _Browser(user)


def _purpose(application: Application) -> str:
    with scopes_disabled():
        return Application.objects.get(pk=application.pk).purpose


def _post_request_step(network, purpose: str):
    return client_for(network.advisor).post(
        reverse("application_edit", args=[network.own_application.pk, "request"]),
        {"amount": "5.000", "purpose": purpose, "term_months": "24", "grace_months": "0"},
    )


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_texts_over_the_limit_get_a_page_that_says_so(network, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = _post_request_step(network, "Nähmaschine " * 300)

    assert response.status_code == 413
    content = response.content.decode()
    assert "Die Texte des Formulars" in content
    assert "2,0\xa0KB" in content  # the limit, written the German way
    assert "Zurück" in content  # the browser's Back button brings the typed text back
    assert "Traceback" not in content
    assert _purpose(network.own_application) == "Zweite Nähmaschine"


def test_the_page_speaks_the_users_language(network, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    network.advisor.language = "en"
    network.advisor.save(update_fields=["language"])

    response = _post_request_step(network, "Sewing machine " * 300)

    assert response.status_code == 413
    assert "The texts of the form came to" in response.content.decode()


def test_too_many_fields_get_the_page_too(network, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client_for(network.advisor).post(
        reverse("application_edit", args=[network.own_application.pk, "request"]),
        {f"field{i}": "x" for i in range(10)},
    )
    assert response.status_code == 413
    assert "mehr als 5 Felder" in response.content.decode()


def _upload(user, application, content: bytes, kind: str = "business_plan"):
    return client_for(user).post(
        reverse("document_upload", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile("Businessplan.pdf", content, "application/pdf")},
    )


def _documents(application) -> list[ApplicationDocument]:
    with scopes_disabled():
        return list(ApplicationDocument.objects.filter(application=application))


def test_a_body_larger_than_any_upload_is_answered_without_reading_it(network, settings):
    settings.MIQUA_UPLOAD_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = _upload(network.advisor, network.own_application, TINY_PDF + b"x" * 200_000)

    assert response.status_code == 413
    content = response.content.decode()
    assert "Eine Datei kann höchstens 1000\xa0Bytes groß sein." in content
    assert _documents(network.own_application) == []


def test_a_file_over_the_limit_is_refused_at_its_field_with_the_form_kept(network, settings):
    settings.MIQUA_UPLOAD_MAX_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # to the temporary file, through the limit

    response = _upload(network.advisor, network.own_application, TINY_PDF + b"x" * 5000)

    assert response.status_code == 400
    form = response.context["document_form"]
    assert form.errors["file"]
    assert '<option value="business_plan" selected>' in response.content.decode()
    assert _documents(network.own_application) == []


def test_the_upload_handler_stores_nothing_beyond_the_limit_but_reports_the_full_size(settings):
    settings.MIQUA_UPLOAD_MAX_BYTES = 100
    handler = LimitedFileUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 1000, None)
    start = 0
    for _ in range(10):
        chunk = b"x" * 64
        handler.receive_data_chunk(chunk, start)
        start += len(chunk)
    uploaded = handler.file_complete(start)

    assert uploaded.size == 640
    assert uploaded.truncated
    uploaded.seek(0)
    assert len(uploaded.read()) <= 100


def test_a_file_within_the_limit_is_stored_whole(settings):
    settings.MIQUA_UPLOAD_MAX_BYTES = 1000
    handler = LimitedFileUploadHandler()
    handler.new_file("file", "small.pdf", "application/pdf", 640, None)
    for start in range(0, 640, 64):
        handler.receive_data_chunk(b"y" * 64, start)
    uploaded = handler.file_complete(640)

    assert not uploaded.truncated
    uploaded.seek(0)
    assert uploaded.read() == b"y" * 640
