"""Queries per page do not grow with the rows: every list and detail page a role uses, asked
with a few rows and again with many, makes the same number of queries.

A page that reads per row (a query per loan, per ballot, per quarter) shows here as a count
that grows; a list is paged or asks the database for all its rows at once.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services as committee_services
from committees.models import Ballot, BallotCase, Committee, Vote
from credits import loan_services
from credits.models import Application, BankStatement
from monitoring import contact_services

from . import factories, list_rows
from .clients import client_for
from .conftest import Network

FEW = 5
MANY = 25  # more rows than fit on most pages: a second page exists
_numbers = itertools.count(1)
State = dict[str, Any]


# --- Growing a page's rows: each adds n rows (a state keeps the page's own object) ----------


def _quarters_with_loans(network: Network, n: int, state: State) -> None:
    """n quarters of the own municipality, advised by the advisor, each with a fund, a
    contribution, an application and a loan in arrears: the rows of the homes' overviews."""
    for _ in range(n):
        fund = factories.LiabilityFundFactory(
            quarter__municipality=network.own_quarter.municipality,
            quarter__name=f"Quartier {next(_numbers):04d}",
        )
        factories.FundContributionFactory(fund=fund)
        network.advisor.advised_quarters.add(fund.quarter)
        list_rows.loans(network, 1, fund.quarter)
        list_rows.applications(network, 1, fund.quarter)


def _rows(builder: Callable[..., list[str]]) -> Callable[[Network, int, State], None]:
    def grow(network: Network, n: int, state: State) -> None:
        builder(network, n)

    return grow


def _loans_and_check(network: Network, n: int, state: State) -> None:
    """n loans in arrears, each in a new quarter, then the check of their 15th again."""
    for _ in range(n):
        fund = factories.LiabilityFundFactory(
            quarter__municipality=network.own_quarter.municipality,
            quarter__name=f"Quartier {next(_numbers):04d}",
        )
        network.advisor.advised_quarters.add(fund.quarter)
        list_rows.loans(network, 1, fund.quarter)
    list_rows.monthly_check()


def _months(network: Network, n: int, state: State) -> None:
    """n more monthly checks (15ths back from the check day), over a loan of each quarter."""
    from monitoring import services

    if "loans" not in state:
        state["loans"] = list_rows.loans(network, 2)
    start = state.setdefault("months", 0)
    for index in range(start, start + n):
        year, month = divmod(list_rows.CHECK_DAY.month - 1 + index, 12)
        services.monthly_check_run(
            as_of=datetime.date(list_rows.CHECK_DAY.year + year, month + 1, 15)
        )
    state["months"] = start + n


def _loan(network: Network, state: State):
    if "loan" not in state:
        number = list_rows.loans(network, 1)[0]
        from credits.models import Loan

        state["loan"] = Loan.objects.select_related("borrower", "application").get(
            contract_number=number
        )
    return state["loan"]


def _payments(network: Network, n: int, state: State) -> None:
    loan = _loan(network, state)
    for _ in range(n):
        day = list_rows.PAID_OUT_ON + datetime.timedelta(days=next(_numbers) % 300)
        loan_services.payment_record(
            loan=loan, amount=Decimal("10.00"), value_date=day, actor=network.staff, today=day
        )


def _borrower_rows(network: Network, n: int, state: State) -> None:
    """More loans of the borrower (each from its application) and more contacts with them."""
    loan = _loan(network, state)
    for _ in range(n):
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=list_rows._second_staff(),
            contract_number=f"KV-B-{next(_numbers):05d}",
            borrower=loan.borrower,
            amount=Decimal("800.00"),
        )
        contact_services.contact_record(
            borrower=loan.borrower,
            loan=loan,
            contacted_on=timezone.localdate(),
            channel="phone",
            note="Rate besprochen",
            actor=network.advisor,
        )


def _application_rows(network: Network, n: int, state: State) -> None:
    """More guarantees and more history (an audit entry per guarantee) of one application."""
    application = state.setdefault("application", network.own_application)
    for _ in range(n):
        factories.GuaranteeFactory(application=application, amount=Decimal("100.00"))


def _ballot(network: Network, state: State) -> Ballot:
    if "ballot" not in state:
        state["ballot"] = Ballot.objects.create(
            committee=Committee.objects.get(quarter=network.own_quarter),
            kind=Ballot.Kind.WRITTEN,
            title="Umlaufverfahren",
            deadline=timezone.now() + datetime.timedelta(days=7),
            opened_by=network.staff,
        )
    return state["ballot"]


def _cases(network: Network, n: int, state: State) -> None:
    """More cases on one open ballot, each with two guarantors and the member's vote."""
    ballot = _ballot(network, state)
    for _ in range(n):
        application = factories.ApplicationFactory(
            quarter=network.own_quarter,
            advisor=network.advisor,
            status=Application.Status.BEFORE_COMMITTEE,
            staff_assessment="Tragfähig.",
            recommendation="Bewilligung.",
        )
        factories.GuaranteeFactory(application=application)
        factories.GuaranteeFactory(application=application)
        case = BallotCase.objects.create(
            ballot=ballot, application=application, quarter=network.own_quarter
        )
        committee_services.vote_cast(
            case=case, member=network.committee_member, choice=Vote.Choice.APPROVE
        )


def _contributions(network: Network, n: int, state: State) -> None:
    for _ in range(n):
        factories.FundContributionFactory(fund=network.own_fund)


def _entries(network: Network, n: int, state: State) -> None:
    if "statement" not in state:
        state["statement"] = BankStatement.objects.create(
            file_name="auszug.xml",
            file_format=BankStatement.Format.CAMT053_08,
            imported_by=network.staff,
        )
    for _ in range(n):
        list_rows.review_entry(state["statement"])


# --- The pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    grow: Callable[[Network, int, State], None]
    url: Callable[[Network, State], str] | None = None


def _detail(name: str, key: str) -> Callable[[Network, State], str]:
    return lambda network, state: reverse(name, args=[state[key].pk])


PAGES = [
    Page("home", "staff", _quarters_with_loans),
    Page("home", "administrator", _quarters_with_loans),
    Page("home", "advisor", _quarters_with_loans),
    Page("portfolio_dashboard", "staff", _quarters_with_loans),
    Page("home", "municipality_viewer", _quarters_with_loans),
    Page("home", "committee_member", _cases),
    Page("application_list", "staff", _rows(list_rows.applications)),
    Page("application_list", "advisor", _rows(list_rows.applications)),
    Page(
        "application_detail",
        "advisor",
        _application_rows,
        _detail("application_detail", "application"),
    ),
    Page(
        "application_detail",
        "staff",
        _application_rows,
        _detail("application_detail", "application"),
    ),
    Page("loan_list", "staff", _rows(list_rows.loans)),
    Page("loan_list", "advisor", _rows(list_rows.loans)),
    Page("loan_detail", "staff", _payments, _detail("loan_detail", "loan")),
    Page("loan_detail", "advisor", _payments, _detail("loan_detail", "loan")),
    Page("loan_statement_pdf", "staff", _payments, _detail("loan_statement_pdf", "loan")),
    Page("loan_schedule_pdf", "advisor", _payments, _detail("loan_schedule_pdf", "loan")),
    Page(
        "borrower_detail",
        "advisor",
        _borrower_rows,
        lambda network, state: reverse("borrower_detail", args=[state["loan"].borrower_id]),
    ),
    Page("ballot_list", "staff", _rows(list_rows.ballots)),
    Page("ballot_list", "committee_member", _rows(list_rows.ballots)),
    Page("ballot_detail", "staff", _cases, _detail("ballot_detail", "ballot")),
    Page("ballot_detail", "committee_member", _cases, _detail("ballot_detail", "ballot")),
    Page("contact_worklist", "staff", _rows(list_rows.loans)),
    Page("contact_worklist", "advisor", _rows(list_rows.loans)),
    Page("disrupted_loans", "staff", _rows(list_rows.loans)),
    Page("disrupted_loans", "advisor", _rows(list_rows.loans)),
    Page("check_list", "staff", _months),
    Page("check_list", "advisor", _months),
    Page(
        "check_detail",
        "staff",
        _loans_and_check,
        lambda network, state: reverse("check_detail", args=[list_rows.CHECK_DAY]),
    ),
    Page(
        "check_detail",
        "advisor",
        _loans_and_check,
        lambda network, state: reverse("check_detail", args=[list_rows.CHECK_DAY]),
    ),
    Page(
        "quarter_detail",
        "staff",
        _contributions,
        lambda network, state: reverse("quarter_detail", args=[network.own_quarter.slug]),
    ),
    Page(
        "quarter_detail",
        "advisor",
        _contributions,
        lambda network, state: reverse("quarter_detail", args=[network.own_quarter.slug]),
    ),
    Page(
        "quarter_detail",
        "municipality_viewer",
        _contributions,
        lambda network, state: reverse("quarter_detail", args=[network.own_quarter.slug]),
    ),
    Page("statement_list", "staff", _rows(list_rows.statements)),
    Page("review_queue", "staff", _rows(list_rows.statements)),
    Page("statement_detail", "staff", _entries, _detail("statement_detail", "statement")),
    Page("user_list", "staff", _rows(list_rows.users)),
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.name}-{p.role}")
def test_a_pages_queries_do_not_grow_with_its_rows(page, network):
    client = client_for(network.users_by_role()[page.role])
    state: State = {}
    with scopes_disabled():
        page.grow(network, FEW, state)
    url = page.url(network, state) if page.url else reverse(page.name)
    client.get(url)  # the first request fills what is cached per process (ContentTypes ...)
    few = _count(client, url)
    with scopes_disabled():
        page.grow(network, MANY - FEW, state)
    many = _count(client, url)
    assert many == few, (
        f"{page.name} as {page.role}: {few} queries with {FEW} rows, {many} with {MANY}"
    )
