"""Uploads that lie about their type, and how what was accepted leaves the server again.

The document upload (credits.services.document_upload) takes a file by its first bytes (PDF,
JPEG, PNG) and a name that fits them; what the browser says the type is counts for nothing.
A polyglot that starts like a PDF or a JPEG is taken as one; the download then serves it with
the sniffed type, as an attachment and with nosniff, so no browser renders it as HTML. The
bank statement upload reads CAMT XML or CSV and stores no file: anything else is refused with
a message.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import ApplicationDocument, BankStatement
from tests.clients import client_for
from tests.credits.test_documents import TINY_JPEG, TINY_PDF, TINY_PNG

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48

# (what it is, the name it is sent under, what the browser says it is, its bytes, taken as)
# None: refused.
UPLOADS = [
    ("HTML/JS named .pdf", "Ausweis.pdf", "application/pdf", SCRIPT, None),
    ("HTML/JS named .html", "Ausweis.html", "text/html", SCRIPT, None),
    ("HTML/JS named .jpg, sent as an image", "Foto.jpg", "image/jpeg", SCRIPT, None),
    ("a PDF named .exe", "Ausweis.exe", "application/pdf", TINY_PDF, None),
    ("a PDF named .pdf.html", "Ausweis.pdf.html", "application/pdf", TINY_PDF, None),
    ("a PNG named .svg", "Logo.svg", "image/svg+xml", TINY_PNG, None),
    ("a program named .pdf", "Ausweis.pdf", "application/pdf", EXE, None),
    ("SVG with script named .svg", "Logo.svg", "image/svg+xml", SVG, None),
    ("SVG with script named .png", "Logo.png", "image/png", SVG, None),
    ("GIF/JS polyglot named .jpg", "Foto.jpg", "image/jpeg", b"GIF89a/*\x00*/=alert(1)//", None),
    ("an empty file named .pdf", "Ausweis.pdf", "application/pdf", b"", None),
    # Polyglots with the right first bytes: taken as what they start with, served as that.
    (
        "PDF/HTML polyglot sent as text/html",
        "Ausweis.pdf",
        "text/html",
        b"%PDF-1.4\n" + SCRIPT + b"\n%%EOF\n",
        "application/pdf",
    ),
    (
        "JPEG/HTML polyglot named .jpeg",
        "Foto.jpeg",
        "text/html",
        b"\xff\xd8\xff\xe0" + SCRIPT,
        "image/jpeg",
    ),
    ("PNG/SVG polyglot named .PNG", "Logo.PNG", "image/svg+xml", TINY_PNG + SVG, "image/png"),
    # Names that try to reach out of their place: kept as text, stored under a random name.
    ("a PDF named with a path", "../../../miqua/settings.py.pdf", "x", TINY_PDF, "application/pdf"),
    ("a PDF named with quotes", 'a"; filename="evil.html.pdf', "x", TINY_PDF, "application/pdf"),
    ("a JPEG named in Arabic", "صورة.jpg", "image/jpeg", TINY_JPEG, "image/jpeg"),
    # A name with markup: shown as text in the message and the list of documents.
    (
        "a PDF named with markup",
        "<img src=x onerror=alert(1)>.pdf",
        "x",
        TINY_PDF,
        "application/pdf",
    ),
]


def test_the_document_upload_takes_a_file_by_its_content_and_serves_it_as_an_attachment(
    network, settings, tmp_path, tally
):
    settings.MEDIA_ROOT = tmp_path
    application = network.own_application
    client = client_for(network.advisor)
    failures, accepted = [], 0
    for what, name, claimed, content, taken_as in UPLOADS:
        with scopes_disabled():
            before = set(ApplicationDocument.objects.values_list("pk", flat=True))
        response = client.post(
            reverse("document_upload", args=[application.pk]),
            {"kind": "identity", "file": SimpleUploadedFile(name, content, claimed)},
        )
        with scopes_disabled():
            new = list(ApplicationDocument.objects.exclude(pk__in=before))
        if taken_as is None:
            if response.status_code != 400 or new:
                failures.append(f"{what}: accepted ({response.status_code})")
            elif not response.context["document_form"].errors.get("file"):
                failures.append(f"{what}: refused without a message at the field")
            continue
        if response.status_code != 302 or len(new) != 1:
            failures.append(f"{what}: refused ({response.status_code})")
            continue
        accepted += 1
        document = new[0]
        page = client.get(response["Location"]).content.decode()
        if "<img src=x" in page or "<script>alert" in page:
            failures.append(f"{what}: its name is markup on the application's page")
        stored = (tmp_path / document.file.name).resolve()
        if not stored.is_relative_to(tmp_path.resolve() / "applications"):
            failures.append(f"{what}: stored at {stored}")
        if "/" in document.original_name or "\\" in document.original_name:
            failures.append(f"{what}: its name was kept as {document.original_name!r}")
        download = client.get(reverse("document_download", args=[application.pk, document.pk]))
        body = b"".join(download.streaming_content)
        headers = {
            "Content-Type": download["Content-Type"],
            "Content-Disposition": download["Content-Disposition"],
            "X-Content-Type-Options": download.get("X-Content-Type-Options"),
        }
        if body != content:
            failures.append(f"{what}: the download is not the file")
        if headers["Content-Type"] != taken_as:
            failures.append(f"{what}: served as {headers['Content-Type']}")
        if not headers["Content-Disposition"].startswith("attachment; filename"):
            failures.append(f"{what}: {headers['Content-Disposition']}")
        if headers["Content-Disposition"].count('filename="') > 1 or "\n" in str(headers):
            failures.append(f"{what}: the name breaks the header: {headers}")
        if headers["X-Content-Type-Options"] != "nosniff":
            failures.append(f"{what}: no nosniff")
    assert not failures, "\n".join(failures)
    refused = len(UPLOADS) - accepted
    tally(
        "uploads",
        f"{len(UPLOADS)} lying or odd document uploads: {refused} refused at the field (HTML, "
        f"SVG, a program, a GIF polyglot, wrong names), {accepted} taken by their first bytes "
        "(3 polyglots, 4 odd names: shown as text) and each served with the sniffed type, as "
        "attachment, nosniff, stored under a random name inside the upload folder",
    )


def test_the_statement_upload_refuses_what_is_not_a_bank_statement(network, tally):
    client = client_for(network.staff)
    files = [
        ("Kontoauszug.xml", SCRIPT),
        ("Kontoauszug.csv", SCRIPT),
        ("Kontoauszug.xml", SVG),
        ("Kontoauszug.xml", TINY_PDF),
        ("Kontoauszug.txt", EXE),
    ]
    failures = []
    for name, content in files:
        response = client.post(
            reverse("statement_upload"), {"file": SimpleUploadedFile(name, content, "text/xml")}
        )
        body = response.content.decode(errors="replace")
        if response.status_code != 400 or not response.context["form"].errors.get("file"):
            failures.append(f"{name} {content[:20]!r}: {response.status_code}")
        if "<script>alert" in body or 'onload="alert' in body:
            failures.append(f"{name}: the file's markup is on the page")
    with scopes_disabled():
        assert not BankStatement.objects.exists()
    assert not failures, "\n".join(failures)
    tally("uploads: bank statements", f"{len(files)} files that are no statement: all refused")
