"""A list endpoint asks the database as often for 50 rows as for 5: nothing is read per row
(select_related, prefetch_related, or the viewset's `page_context` read once per page)."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees.models import Ballot, BallotCase, Committee, Vote
from credits.models import BankEntry, BankStatement, Instalment, Loan, Payment
from monitoring.contact_models import Contact
from monitoring.models import MonthlyCheck
from tests import factories
from tests.clients import client_for

D = Decimal


class Rows:
    """Adds `count` more rows behind one endpoint; `query` narrows the list to them."""

    def __init__(self, network, loan: Loan) -> None:
        self.network = network
        self.loan = loan
        self.own_committee = Committee.objects.get(quarter=network.own_quarter)
        self.own_statement = BankStatement.objects.create(file_name="q.csv", file_format="csv")
        self.closed = Ballot.objects.create(
            committee=self.own_committee,
            kind=Ballot.Kind.WRITTEN,
            title="Geschlossen",
            status=Ballot.Status.CLOSED,
            opened_by=network.staff,
            deadline=timezone.now(),
            closed_at=timezone.now(),
        )
        self.version = loan.versions.get()
        self.serial = 0

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _application(self):
        return factories.ApplicationFactory(
            quarter=self.network.own_quarter, advisor=self.network.advisor
        )

    def municipality(self) -> None:
        factories.MunicipalityFactory(name=f"Stadt {self._next()}", slug=f"stadt-{self.serial}")

    def quarter(self) -> None:
        factories.LiabilityFundFactory()

    fund = quarter

    def contribution(self) -> None:
        factories.FundContributionFactory(fund=self.network.own_fund)

    def application(self) -> None:
        self._application()

    def guarantor(self) -> None:
        factories.GuarantorFactory(quarter=self.network.own_quarter)

    def guarantee(self) -> None:
        factories.GuaranteeFactory(application=self.network.own_application)

    def committee(self) -> None:
        factories.CommitteeFactory(quarter=self.network.own_quarter)

    def ballot(self) -> None:
        ballot = Ballot.objects.create(
            committee=self.own_committee,
            kind=Ballot.Kind.WRITTEN,
            title=f"Umlauf {self._next()}",
            opened_by=self.network.staff,
            deadline=timezone.now() + datetime.timedelta(days=3),
        )
        BallotCase.objects.create(
            ballot=ballot, application=self._application(), quarter=self.network.own_quarter
        )

    def vote(self) -> None:
        case = BallotCase.objects.create(
            ballot=self.closed, application=self._application(), quarter=self.network.own_quarter
        )
        Vote.objects.create(
            case=case,
            quarter=self.network.own_quarter,
            member=self.network.committee_member,
            choice=Vote.Choice.APPROVE,
        )

    def loan_(self) -> None:
        factories.LoanFactory(borrower__quarter=self.network.own_quarter)

    def instalment(self) -> None:
        Instalment.objects.create(
            loan=self.loan,
            version=self.version,
            quarter=self.loan.quarter,
            number=100 + self._next(),
            due_on=datetime.date(2030, 1, 15),
            interest=D("1.00"),
            principal=D("10.00"),
            balance=D("0.00"),
        )

    def payment(self) -> None:
        Payment.objects.create(
            loan=self.loan,
            quarter=self.loan.quarter,
            amount=D("10.00"),
            value_date=datetime.date(2025, 3, 1),
            source=Payment.Source.MANUAL,
            recorded_by=self.network.staff,
        )

    def statement(self) -> None:
        BankStatement.objects.create(file_name=f"s{self._next()}.csv", file_format="csv")

    def bank_entry(self) -> None:
        BankEntry.objects.create(
            statement=self.own_statement,
            entry_key=f"q-{self._next()}",
            booking_date=datetime.date(2025, 3, 1),
            value_date=datetime.date(2025, 3, 1),
            amount=D("10.00"),
            is_credit=True,
            status=BankEntry.Status.REVIEW,
        )

    def contact(self) -> None:
        Contact.objects.create(
            quarter=self.loan.quarter,
            borrower=self.loan.borrower,
            loan=self.loan,
            contacted_on=datetime.date(2025, 3, 1),
            channel=Contact.Channel.PHONE,
            by=self.network.advisor,
            note="Alles gut.",
        )

    def check(self) -> None:
        n = self._next()
        MonthlyCheck.objects.create(
            as_of=datetime.date(2000 + n // 12, n % 12 + 1, 15), status=MonthlyCheck.Status.DONE
        )


# endpoint: who reads it (the member's ballots and votes take their own path).
READERS = {
    "municipality": "staff",
    "quarter": "staff",
    "fund": "staff",
    "contribution": "advisor",
    "application": "advisor",
    "guarantor": "advisor",
    "guarantee": "advisor",
    "committee": "staff",
    "ballot": "committee_member",
    "vote": "committee_member",
    "loan": "advisor",
    "instalment": "advisor",
    "payment": "staff",
    "statement": "staff",
    "bank-entry": "staff",
    "contact": "advisor",
    "check": "advisor",
}


@pytest.mark.parametrize("endpoint", sorted(READERS))
def test_a_list_asks_as_many_queries_for_50_rows_as_for_5(endpoint, network, second_staff):
    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        rows = Rows(network, loan)
    add: Callable[[], None] = getattr(
        rows, {"loan": "loan_"}.get(endpoint, endpoint).replace("-", "_")
    )
    client = client_for(network.users_by_role()[READERS[endpoint]])
    url = reverse(f"api-{endpoint}-list")

    def measure(more: int) -> tuple[int, int]:
        with scopes_disabled():
            for _ in range(more):
                add()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.json()["count"], len(queries)

    count_5, queries_5 = measure(5)
    count_50, queries_50 = measure(45)
    assert count_50 - count_5 == 45
    assert count_50 >= 50 or endpoint in {"fund", "quarter"}  # the network's three and more
    assert queries_50 == queries_5
