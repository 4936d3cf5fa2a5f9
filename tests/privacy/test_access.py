"""The information under Art. 15 GDPR: everything held about a borrower or a guarantor, as JSON
and as a PDF, for the back office only, recorded in the audit trail."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from credits.models import Borrower
from miqua.audit.models import AuditEntry
from miqua.personal_data import BORROWER, GUARANTOR, holdings
from miqua.privacy import access


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stored(field, obj) -> object:
    """A field's value as the JSON file gives it: ids of related records, ISO dates, amounts
    as decimal text."""
    raw = getattr(obj, field.attname)
    if isinstance(raw, FieldFile):
        raw = raw.name or None
    if isinstance(raw, datetime.date):  # datetimes too
        return raw.isoformat()
    if isinstance(raw, Decimal):
        return str(raw)
    return raw


def _records(document: dict) -> dict[tuple[str, int], dict[str, dict]]:
    return {
        (record["model"], record["id"]): {f["name"]: f for f in record["fields"]}
        for section in document["sections"]
        for record in section["records"]
    }


def _assert_every_field_of_every_holding(kind: str, pk: int, document: dict) -> None:
    exported = _records(document)
    with scopes_disabled():
        for holding in holdings(kind):
            rows = list(holding.records([pk]))
            # The case has a record in every place, or this walk would prove nothing there.
            assert rows, f"the case has no {holding.name}"
            for row in rows:
                fields = exported[(row._meta.label_lower, row.pk)]
                names = [f.name for f in row._meta.concrete_fields]
                assert sorted(fields) == sorted(names), holding.name
                for name in names:
                    field = row._meta.get_field(name)
                    expected = _stored(field, row)
                    assert fields[name]["value"] == expected, (holding.name, name)
                    if expected not in (None, ""):
                        assert fields[name]["text"], (holding.name, name)


def test_the_json_holds_every_field_of_every_record_of_the_borrower(network, rich):
    response = _client(network.staff).get(reverse("borrower_access_json", args=[rich.borrower.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "Kaya" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    document = json.loads(response.content)
    _assert_every_field_of_every_holding(BORROWER, rich.borrower.pk, document)
    # The audit entries about the records are there too (the payout, the payment ...).
    audit = next(s for s in document["sections"] if s["name"] == "audit.entries")
    actions = {f["value"] for r in audit["records"] for f in r["fields"] if f["name"] == "action"}
    assert {"loan.recorded", "payment.recorded", "loan.defaulted"} <= actions


def test_labels_and_texts_are_german(network, rich):
    response = _client(network.staff).get(reverse("borrower_access_json", args=[rich.borrower.pk]))

    document = json.loads(response.content)
    assert document["document"] == "Auskunft nach Art. 15 DSGVO"
    person = _records(document)[("credits.borrower", rich.borrower.pk)]
    assert person["last_name"]["label"] == "Nachname"
    assert person["bank_relationship"]["text"] == "Nur Girokonto"
    assert person["date_of_birth"]["text"] == "17.05.1980"
    assert person["receives_sgb2"]["text"] == "ja"


def test_nothing_of_another_person_appears(network, rich, other):
    """Zacharias Quastenflosser sits on the same ballot, statement and guarantor."""
    response = _client(network.staff).get(reverse("borrower_access_json", args=[rich.borrower.pk]))
    text = response.content.decode()

    for mine in rich.texts:
        assert mine in text
    for theirs in other.texts:
        assert theirs not in text
    assert "Quast" not in text


def test_the_pdf_shows_the_person_and_nobody_else(network, rich, other):
    response = _client(network.staff).get(reverse("borrower_access_pdf", args=[rich.borrower.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    assert "Auskunft nach Art. 15 DSGVO" in text
    assert "Ayşe Kaya" in text
    assert "Kaya contact note" in text
    assert "Quastenflosser" not in text


def test_the_guarantor_gets_every_field_of_their_records(network, rich, other):
    guarantor = rich.guarantor
    response = _client(network.staff).get(reverse("guarantor_access_json", args=[guarantor.pk]))

    document = json.loads(response.content)
    _assert_every_field_of_every_holding(GUARANTOR, guarantor.pk, document)
    # They stand for both borrowers: both guarantees are theirs, nothing else of the borrowers.
    guarantees = next(s for s in document["sections"] if s["name"] == "guarantors.guarantees")
    assert len(guarantees["records"]) == 2
    assert "0170 Quast" not in response.content.decode()
    assert "Kaya contact note" not in response.content.decode()


def test_giving_the_information_is_recorded_in_the_audit_trail(network, rich):
    client = _client(network.staff)
    client.get(reverse("borrower_access_pdf", args=[rich.borrower.pk]))
    client.get(reverse("borrower_access_json", args=[rich.borrower.pk]))

    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            action="privacy.access_given", object_id=str(rich.borrower.pk)
        ).order_by("pk")
        assert [(e.actor, e.changes["format"], e.object_type) for e in entries] == [
            (network.staff, "pdf", "credits.borrower"),
            (network.staff, "json", "credits.borrower"),
        ]
        assert entries[0].action_label == "Auskunft nach Art. 15 erteilt"


@pytest.mark.parametrize("url", ["borrower_access_json", "borrower_access_pdf"])
def test_an_advisor_of_the_quarter_gets_no_information_file(network, rich, url):
    response = _client(network.advisor).get(reverse(url, args=[rich.borrower.pk]))

    assert response.status_code == 403
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="privacy.access_given").exists()


def test_a_foreign_advisor_finds_no_such_person(network, rich):
    response = _client(network.foreign_advisor).get(
        reverse("borrower_access_json", args=[rich.borrower.pk])
    )

    assert response.status_code == 404


def test_the_borrowers_page_links_the_information_for_staff_only(network, rich):
    page = reverse("borrower_detail", args=[rich.borrower.pk])
    json_url = reverse("borrower_access_json", args=[rich.borrower.pk])

    assert json_url in _client(network.staff).get(page).content.decode()
    assert json_url not in _client(network.advisor).get(page).content.decode()


def test_the_guarantors_page_shows_what_they_stand_for_and_links_the_information(network, rich):
    guarantor = rich.guarantor
    page = reverse("guarantor_detail", args=[guarantor.pk])

    staff_page = _client(network.staff).get(page)
    advisor_page = _client(network.advisor).get(page)

    assert staff_page.status_code == advisor_page.status_code == 200
    assert rich.funded.reference in advisor_page.content.decode()
    assert "Kaya relation" in advisor_page.content.decode()
    json_url = reverse("guarantor_access_json", args=[guarantor.pk])
    assert json_url in staff_page.content.decode()
    assert json_url not in advisor_page.content.decode()
    # The application's guarantee list leads there.
    application = _client(network.advisor).get(reverse("application_detail", args=[rich.funded.pk]))
    assert page in application.content.decode()


def test_stored_html_is_shown_as_text_in_the_pdf(network, rich):
    with scopes_disabled():
        Borrower.objects.filter(pk=rich.borrower.pk).update(
            first_name="<script>alert(1)</script>", languages='<img src="x">'
        )
        borrower = Borrower.objects.get(pk=rich.borrower.pk)
        html = access.report_html(access.access_report(kind=BORROWER, record=borrower))

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
