"""The contacts on the borrower's page: the borrower's contacts whatever loan they were about,
and the quick form. A contact recorded there is about the borrower's running loan when they
have exactly one, about no loan in particular when they have several (the duty reads contacts
by borrower, so it counts for each loan); a borrower without a running loan has no form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Borrower, Loan
from miqua.accounts.scoping import user_scope
from monitoring.contact_models import Contact
from monitoring.contact_selectors import due_contacts
from tests import factories
from tests.clients import client_for

D = Decimal


@pytest.fixture
def borrower(network) -> Borrower:
    with scopes_disabled():
        return factories.BorrowerFactory(
            quarter=network.own_quarter, first_name="Ayşe", last_name="Yılmaz"
        )


def _loan(network, second_staff, borrower, number: str) -> Loan:
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=borrower.quarter,
            recorder=network.staff,
            confirmer=second_staff,
            amount=D("2000.00"),
            contract_number=number,
            borrower=borrower,
        )


def _page(borrower: Borrower) -> str:
    return reverse("borrower_detail", args=[borrower.pk])


def _record_url(borrower: Borrower) -> str:
    return reverse("borrower_contact_record", args=[borrower.pk])


def _typed(note: str, day: datetime.date | None = None) -> dict[str, str]:
    day = day or timezone.localdate()
    return {
        "from": "borrower",
        "contacted_on": day.strftime("%d.%m.%Y"),
        "channel": "visit",
        "note": note,
    }


def _contacts(borrower: Borrower) -> list[Contact]:
    with scopes_disabled():
        return list(Contact.objects.filter(borrower=borrower))


def test_the_page_shows_the_contacts_and_records_about_the_one_running_loan(
    network, second_staff, borrower
):
    loan = _loan(network, second_staff, borrower, "KV-BC-1")
    with scopes_disabled():
        Contact.objects.create(
            quarter=network.own_quarter,
            borrower=borrower,
            loan=loan,
            contacted_on=datetime.date(2025, 2, 3),
            channel=Contact.Channel.PHONE,
            by=network.advisor,
            note="Erstes Gespräch",
        )
    client = client_for(network.advisor)
    page = client.get(_page(borrower))
    html = page.content.decode()
    assert 'id="contacts"' in html and "Erstes Gespräch" in html
    assert f'action="{_record_url(borrower)}"' in html

    answer = client.post(_record_url(borrower), _typed("Laden besucht, Kasse stimmt"))

    assert answer.status_code == 302
    assert answer["Location"] == _page(borrower) + "#contacts"
    recorded = [c for c in _contacts(borrower) if c.note == "Laden besucht, Kasse stimmt"]
    assert len(recorded) == 1
    assert recorded[0].loan_id == loan.pk and recorded[0].by == network.advisor
    assert recorded[0].contacted_on == timezone.localdate()
    assert "Laden besucht, Kasse stimmt" in client.get(_page(borrower)).content.decode()


def test_a_bad_input_shows_the_borrower_page_again_with_what_was_typed(
    network, second_staff, borrower
):
    _loan(network, second_staff, borrower, "KV-BC-2")
    future = timezone.localdate() + datetime.timedelta(days=2)

    answer = client_for(network.advisor).post(
        _record_url(borrower), _typed("Termin für nächste Woche vereinbart", future)
    )

    assert answer.status_code == 400
    assert answer.templates[0].name == "credits/borrower_detail.html"
    form = answer.context["contact_form"]
    assert "contacted_on" in form.errors
    html = answer.content.decode()
    assert "Termin für nächste Woche vereinbart" in html
    assert '<details class="quick-form" open>' in html
    assert _contacts(borrower) == []


def test_with_two_running_loans_the_contact_is_about_none_and_counts_for_both(
    network, second_staff, borrower
):
    first = _loan(network, second_staff, borrower, "KV-BC-3")
    second = _loan(network, second_staff, borrower, "KV-BC-4")
    today = timezone.localdate()
    with user_scope(network.advisor):
        due = {row.loan.pk for row in due_contacts(today=today)}
    assert {first.pk, second.pk} <= due

    answer = client_for(network.advisor).post(
        _record_url(borrower), _typed("Beide Kredite besprochen")
    )

    assert answer.status_code == 302
    (contact,) = _contacts(borrower)
    assert contact.loan_id is None and contact.quarter_id == network.own_quarter.pk
    with user_scope(network.advisor):
        due = {row.loan.pk for row in due_contacts(today=today)}
    assert first.pk not in due and second.pk not in due


def test_a_borrower_without_a_running_loan_has_no_form(network, borrower):
    with scopes_disabled():
        factories.LoanFactory(borrower=borrower)  # repaid long ago
    client = client_for(network.advisor)

    page = client.get(_page(borrower))

    assert page.status_code == 200
    assert page.context["contact_form"] is None
    assert _record_url(borrower) not in page.content.decode()
    # A form still open on a page from before the loan closed: refused, the text kept.
    answer = client.post(_record_url(borrower), _typed("Nach Abschluss angerufen"))
    assert answer.status_code == 400
    assert answer.context["contact_form"].non_field_errors()
    assert "Nach Abschluss angerufen" in answer.content.decode()
    assert _contacts(borrower) == []


def test_who_may_record_on_the_borrower_page(network, second_staff, borrower):
    _loan(network, second_staff, borrower, "KV-BC-5")
    typed = _typed("Angerufen")
    assert client_for(network.foreign_advisor).post(_record_url(borrower), typed).status_code == 404
    for user in (network.committee_member, network.municipality_viewer):
        assert client_for(user).post(_record_url(borrower), typed).status_code == 403
    assert client_for(network.advisor).get(_record_url(borrower)).status_code == 405
    assert _contacts(borrower) == []
    assert client_for(network.staff).post(_record_url(borrower), typed).status_code == 302
    assert [c.by for c in _contacts(borrower)] == [network.staff]


def test_a_borrower_outside_the_quarters_is_contacted_by_staff_only(network, second_staff):
    with scopes_disabled():
        outside = factories.BorrowerFactory(quarter=None, last_name="Außenweg")
        loan = factories.outside_loan(
            recorder=network.staff,
            confirmer=second_staff,
            contract_number="AQ-BC-1",
            borrower=outside,
        )
    typed = _typed("Telefonat")

    assert client_for(network.advisor).post(_record_url(outside), typed).status_code == 404
    assert client_for(network.staff).post(_record_url(outside), typed).status_code == 302
    (contact,) = _contacts(outside)
    assert contact.loan_id == loan.pk and contact.quarter_id is None
