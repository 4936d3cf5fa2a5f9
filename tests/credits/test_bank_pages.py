"""The statement pages: upload (refusal shown at the field, nothing booked), the statement's
entries, the review queue and the review of one entry (forms keep what was typed)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.banking.importer import statement_import
from credits.models import BankEntry, BankStatement, Payment

from .test_bank_import import FIXTURES, Loans, fixture

S = BankEntry.Status


@pytest.fixture
def loans(network) -> Loans:
    from miqua.accounts.models import Role
    from tests import factories

    with scopes_disabled():
        second = factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
        return Loans(network, second)


@pytest.fixture
def staff_client(network) -> Client:
    client = Client()
    client.force_login(network.staff)
    return client


def _upload(client: Client, name: str):
    return client.post(
        reverse("statement_upload"),
        {"file": SimpleUploadedFile(name, (FIXTURES / name).read_bytes())},
    )


def test_an_uploaded_statement_is_booked_and_its_entries_shown(staff_client, loans):
    response = _upload(staff_client, "camt053_001_08.xml")
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("statement_detail", args=[statement.pk])
    page = staff_client.get(response["Location"])
    text = page.content.decode()
    assert "2 gebucht (1 über die Vertragsnummer, 0 über die Referenz, 1 über die IBAN)" in text
    assert "KV-0004712" in text and "Danke!" in text
    assert reverse("entry_review", args=[BankEntry.objects.get(status=S.REVIEW).pk]) in text
    with scopes_disabled():
        assert Payment.objects.count() == 2


def test_a_refused_upload_says_where_and_books_nothing(staff_client, loans):
    response = _upload(staff_client, "camt053_001_08_bad_amount.xml")
    assert response.status_code == 400
    assert "Ntry 3 / Amt" in response.content.decode()
    assert "nichts daraus wurde gebucht" in response.content.decode()
    with scopes_disabled():
        assert not BankStatement.objects.exists() and not Payment.objects.exists()


def test_the_statement_list_shows_the_counts(staff_client, network, loans):
    statement_import(content=fixture("bank.csv"), file_name="mai.csv", actor=network.staff)
    statement_import(content=fixture("bank.csv"), file_name="mai-2.csv", actor=network.staff)
    text = staff_client.get(reverse("statement_list")).content.decode()
    assert text.index("mai-2.csv") < text.index("mai.csv")  # newest first
    # The second: four entries, all already imported.
    row = text[text.index("mai-2.csv") : text.index("mai.csv")]
    assert '<td class="num">4</td>' in row


def _waiting(network) -> BankEntry:
    statement_import(
        content=fixture("camt053_001_08.xml"), file_name="april.xml", actor=network.staff
    )
    return BankEntry.objects.get(status=S.REVIEW)


def test_the_review_queue_lists_what_waits(staff_client, network, loans):
    entry = _waiting(network)
    response = staff_client.get(reverse("review_queue"))
    assert reverse("entry_review", args=[entry.pk]) in response.content.decode()
    assert list(response.context["entries"]) == [entry]


def test_a_waiting_credit_is_booked_to_the_contract_typed(staff_client, network, loans):
    entry = _waiting(network)
    url = reverse("entry_review", args=[entry.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    wrong = staff_client.post(
        url, {"action": "assign", "assign-contract_number": "KV-999", "assign-note": "Bruder"}
    )
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "Kein Kredit hat die Vertragsnummer KV-999" in text
    assert 'value="Bruder"' in text and 'value="KV-999"' in text  # nothing typed is lost
    done = staff_client.post(
        url, {"action": "assign", "assign-contract_number": "kv 0004713", "assign-note": ""}
    )
    assert done.status_code == 302
    with scopes_disabled():
        entry.refresh_from_db()
        assert (entry.status, entry.loan, entry.matched_by) == (S.BOOKED, loans.third, "hand")
        assert Payment.objects.get(bank_entry=entry).amount == Decimal("40.00")


def test_a_waiting_credit_is_marked_as_not_a_repayment_with_a_note(staff_client, network, loans):
    entry = _waiting(network)
    url = reverse("entry_review", args=[entry.pk])
    assert staff_client.post(url, {"action": "not_repayment", "other-note": ""}).status_code == 400
    assert (
        staff_client.post(url, {"action": "not_repayment", "other-note": "Spende"}).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.status, entry.review_note) == (S.NOT_REPAYMENT, "Spende")


def test_the_staff_home_counts_what_awaits_review(network, loans):
    _waiting(network)
    for user, expected in ((network.staff, 1), (network.advisor, None)):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.context.get("statement_review") == expected
        assert (reverse("review_queue") in response.content.decode()) is (expected is not None)
