"""The borrower's page: the person, their applications and loans with today's arrears, for the
advisors of their quarter and the back office only; links to it from the pages about them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Application, Borrower, Instalment, Loan
from miqua.money import format_eur
from tests import factories
from tests.clients import client_for

D = Decimal


def _url(borrower: Borrower) -> str:
    return reverse("borrower_detail", args=[borrower.pk])


@pytest.fixture
def borrower(network) -> Borrower:
    with scopes_disabled():
        return factories.BorrowerFactory(
            quarter=network.own_quarter,
            first_name="Ayşe",
            last_name="Yılmaz",
            date_of_birth=datetime.date(1975, 4, 9),
            languages="Deutsch, Türkisch",
            receives_sgb2=True,
            bank_relationship=Borrower.BankRelationship.ACCOUNT,
        )


def _running_loan(network, second_staff, borrower, number: str) -> Loan:
    """Paid out on 15 January 2025 and never paid into: every instalment due by today is in
    arrears."""
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=borrower.quarter,
            recorder=network.staff,
            confirmer=second_staff,
            amount=D("2400.00"),
            contract_number=number,
            borrower=borrower,
        )


def _old_loans(borrower: Borrower, count: int) -> list[Loan]:
    """Repaid loans of before the ledger, each with its application."""
    with scopes_disabled():
        return [
            factories.LoanFactory(
                borrower=borrower,
                application=factories.ApplicationFactory(
                    quarter=borrower.quarter, borrower=borrower, status=Application.Status.APPROVED
                ),
            )
            for _ in range(count)
        ]


def _due_unpaid(loan: Loan, today: datetime.date) -> Decimal:
    with scopes_disabled():
        total = Instalment.objects.filter(loan=loan, is_current=True, due_on__lte=today).aggregate(
            total=Sum(F("interest") + F("principal"))
        )["total"]
    return total


def test_the_advisor_sees_the_person_applications_and_loans_with_arrears(
    network, second_staff, borrower
):
    with scopes_disabled():
        draft = factories.ApplicationFactory(
            quarter=network.own_quarter,
            borrower=borrower,
            business_name="Schneiderei Yılmaz",
            amount=D("1500.00"),
        )
    loan = _running_loan(network, second_staff, borrower, "KV-BP-1")
    (old,) = _old_loans(borrower, 1)
    today = timezone.localdate()

    page = client_for(network.advisor).get(_url(borrower))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Ayşe Yılmaz" in html
    assert "09.04.1975" in html and "Deutsch, Türkisch" in html
    assert network.own_quarter.name in html
    # Applications: the draft and the two behind the loans, each linked.
    assert [a.pk for a in page.context["applications"]] == sorted(
        [draft.pk, loan.application_id, old.application_id], reverse=True
    )
    assert reverse("application_detail", args=[draft.pk]) in html
    assert "Schneiderei Yılmaz" in html and format_eur(D("1500.00")) in html
    # Loans: newest payout first, each linked, the running one with its arrears today.
    rows = page.context["loan_rows"]
    assert [row.loan.contract_number for row in rows] == ["KV-BP-1", old.contract_number]
    expected = _due_unpaid(loan, today)
    assert expected > 0
    assert rows[0].arrears.amount == expected
    assert rows[1].arrears is None
    assert reverse("loan_detail", args=[loan.pk]) in html
    assert format_eur(expected) in html


def test_staff_see_the_page_too(network, borrower):
    page = client_for(network.staff).get(_url(borrower))
    assert page.status_code == 200
    assert "Ayşe Yılmaz" in page.content.decode()
    assert page.context["loan_rows"] == [] and page.context["applications"] == []


def test_another_quarters_advisor_gets_404(network, borrower):
    assert client_for(network.foreign_advisor).get(_url(borrower)).status_code == 404


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_committee_members_and_municipality_viewers_get_403(network, borrower, role):
    page = client_for(getattr(network, role)).get(_url(borrower))
    assert page.status_code == 403
    assert "Yılmaz" not in page.content.decode()


def test_a_borrower_outside_the_quarters_is_for_staff_only(network, second_staff):
    with scopes_disabled():
        outside = factories.BorrowerFactory(quarter=None, last_name="Außenweg")
        loan = factories.outside_loan(
            recorder=network.staff,
            confirmer=second_staff,
            contract_number="AQ-BP-1",
            borrower=outside,
        )

    assert client_for(network.advisor).get(_url(outside)).status_code == 404
    page = client_for(network.staff).get(_url(outside))
    assert page.status_code == 200
    assert [row.loan.contract_number for row in page.context["loan_rows"]] == ["AQ-BP-1"]
    assert page.context["loan_rows"][0].arrears.amount == _due_unpaid(loan, timezone.localdate())


def test_the_query_count_does_not_grow_with_the_loans(network, second_staff, borrower):
    _running_loan(network, second_staff, borrower, "KV-BP-Q")
    _old_loans(borrower, 1)
    client = client_for(network.advisor)
    client.get(_url(borrower))  # the session and the user's quarters, once

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(_url(borrower))
        assert page.status_code == 200
        return len(queries), len(page.context["loan_rows"])

    few, loans = count()
    assert loans == 2
    _old_loans(borrower, 8)
    many, loans = count()
    assert loans == 10
    assert many == few


def test_the_pages_about_the_borrower_link_to_it(network, second_staff, borrower):
    loan = _running_loan(network, second_staff, borrower, "KV-BP-L")
    client = client_for(network.advisor)
    link = _url(borrower)
    for url in (
        reverse("loan_detail", args=[loan.pk]),
        reverse("application_detail", args=[loan.application_id]),
        reverse("contact_worklist"),
        reverse("disrupted_loans"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert link in page.content.decode(), url
