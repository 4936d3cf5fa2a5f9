"""What the endpoints answer: the loans with today's arrears (no IBAN), the quarters with
their fund's figures, the checks with their rates; the filters; the queries of a page."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits import loan_services
from credits.models import Instalment, Loan
from monitoring.models import MonthlyCheck
from tests import factories
from tests.clients import client_for

D = Decimal


def _running_loan(network, second_staff) -> Loan:
    """A loan of 2.400 € paid out on 10 January 2025, twelve instalments on the 15th, nothing
    paid: every instalment is overdue today."""
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter, amount=D("2400"))
        loan = loan_services.loan_record(
            application=application,
            terms=loan_services.LoanTerms(
                contract_number="KV-API-1",
                iban=factories.TEST_IBANS[0],
                disbursed_on=datetime.date(2025, 1, 10),
                amount=D("2400.00"),
                interest_rate=D("6.00"),
                term_months=12,
                instalment_day=15,
            ),
            actor=network.staff,
            today=datetime.date(2025, 1, 10),
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def test_a_loan_shows_its_arrears_today_and_the_borrowers_name_but_no_iban(network, second_staff):
    loan = _running_loan(network, second_staff)
    with scopes_disabled():
        instalments = list(Instalment.objects.filter(loan=loan, is_current=True))
    today = timezone.localdate()
    due = [i for i in instalments if i.due_on <= today]
    oldest = min(i.due_on for i in due)

    row = client_for(network.advisor).get(reverse("api-loan-detail", args=[loan.pk])).json()

    assert row == {
        "id": loan.pk,
        "contract_number": "KV-API-1",
        "quarter": network.own_quarter.pk,
        "status": "running",
        "amount": "2400.00",
        "disbursed_on": "2025-01-10",
        "closed_on": None,
        "borrower_name": f"{loan.borrower.first_name} {loan.borrower.last_name}",
        "arrears": {
            "amount": str(sum((i.interest + i.principal for i in due), D("0.00"))),
            "oldest_due_on": oldest.isoformat(),
            "days_past_due": (today - oldest).days,
        },
    }
    assert factories.TEST_IBANS[0] not in str(row)


def test_a_repaid_loan_has_no_arrears(network, loans):
    row = client_for(network.advisor).get(reverse("api-loan-detail", args=[loans[0].pk])).json()
    assert (row["status"], row["arrears"], row["closed_on"]) == ("repaid", None, "2011-09-30")


def test_loans_filter_by_quarter_and_status(network, second_staff, loans):
    running = _running_loan(network, second_staff)
    client = client_for(network.staff)
    url = reverse("api-loan-list")

    def ids(query: dict) -> set[int]:
        return {row["id"] for row in client.get(url, query).json()["results"]}

    assert ids({"quarter": network.foreign_quarter.pk}) == {loans[1].pk}
    assert ids({"quarter": network.own_quarter.pk}) == {loans[0].pk, running.pk}
    assert ids({"status": "running"}) == {running.pk}
    assert ids({"quarter": network.own_quarter.pk, "status": "repaid"}) == {loans[0].pk}
    assert client.get(url, {"status": "nonsense"}).status_code == 400


def test_an_advisor_filtering_by_a_foreign_quarter_finds_nothing(network, loans):
    response = client_for(network.advisor).get(
        reverse("api-loan-list"), {"quarter": network.foreign_quarter.pk}
    )
    assert response.json()["results"] == []


def _loans_list_queries(network, count: int) -> int:
    with scopes_disabled():
        Loan.objects.all().delete()
        for _ in range(count):
            factories.LoanFactory(
                borrower__quarter=network.own_quarter, status=Loan.Status.RUNNING, closed_on=None
            )
    client = client_for(network.advisor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api-loan-list"))
    assert response.json()["count"] == count
    return len(queries)


def test_the_loans_list_asks_as_many_queries_for_50_loans_as_for_5(network):
    assert _loans_list_queries(network, 5) == _loans_list_queries(network, 50)


def test_a_quarter_shows_its_funds_figures(network, second_staff):
    _running_loan(network, second_staff)  # nothing repaid: 2.400 € outstanding
    with scopes_disabled():
        fund = network.own_fund
        paid_in = sum(c.amount for c in fund.contributions.all())
    row = client_for(network.advisor).get(
        reverse("api-quarter-detail", args=[network.own_quarter.pk])
    )
    body = row.json()
    assert body["municipality_name"] == "Offenbach am Main"
    assert body["fund"]["name"] == fund.name
    assert D(body["fund"]["paid_in_capital"]) == paid_in
    assert D(body["fund"]["lending_capacity"]) == (paid_in * fund.leverage_factor).quantize(
        D("0.01")
    )
    assert D(body["fund"]["outstanding_exposure"]) == D("2400.00")
    assert D(body["fund"]["available_capacity"]) == D(body["fund"]["lending_capacity"]) - D(
        "2400.00"
    )
    assert D(body["fund"]["utilisation_percent"]) == (
        D("2400") * 100 / D(body["fund"]["lending_capacity"])
    ).quantize(D("0.1"))


def test_the_quarters_list_shows_the_funds_figures_too(network):
    rows = client_for(network.municipality_viewer).get(reverse("api-quarter-list")).json()
    funds = {row["id"]: row["fund"] for row in rows["results"]}
    assert set(funds) == {network.own_quarter.pk, network.sibling_quarter.pk}
    assert all(fund is not None and "lending_capacity" in fund for fund in funds.values())


def test_a_check_shows_the_networks_rate_and_only_the_users_quarters_rates(network, check):
    body = client_for(network.advisor).get(reverse("api-check-detail", args=[check.pk])).json()
    assert {k: body[k] for k in ("as_of", "active", "disrupted", "rate", "standard")} == {
        "as_of": "2026-11-15",
        "active": 40,
        "disrupted": 3,
        "rate": "7.50",
        "standard": "10.00",
    }
    assert body["rates"] == [
        {
            "label": str(network.own_quarter),
            "active": 10,
            "disrupted": 1,
            "percent": "10.00",
            "above": False,
        }
    ]
    staff_rates = (
        client_for(network.staff).get(reverse("api-check-detail", args=[check.pk])).json()["rates"]
    )
    assert [(r["active"], r["disrupted"], r["percent"]) for r in staff_rates] == [
        (30, 2, "6.67"),  # Duisburg before Offenbach
        (10, 1, "10.00"),
    ]


def test_the_checks_list_is_the_finished_checks_filtered_by_date(network, check):
    with scopes_disabled():
        MonthlyCheck.objects.create(as_of=datetime.date(2026, 10, 15), status="done")
        MonthlyCheck.objects.create(as_of=datetime.date(2026, 12, 15), status="running")
    client = client_for(network.advisor)
    url = reverse("api-check-list")

    def dates(query: dict) -> list[str]:
        rows = client.get(url, query).json()["results"]
        assert all("rates" not in row for row in rows)
        return [row["as_of"] for row in rows]

    assert dates({}) == ["2026-11-15", "2026-10-15"]
    assert dates({"as_of_after": "2026-11-01"}) == ["2026-11-15"]
    assert dates({"as_of_before": "2026-10-31"}) == ["2026-10-15"]
    assert dates({"as_of_after": "2026-10-01", "as_of_before": "2026-11-30"}) == [
        "2026-11-15",
        "2026-10-15",
    ]


def test_an_id_filter_refuses_what_is_no_id(network):
    """Found by schemathesis: `?quarter=-9.9e145` reached SQLite, which cannot bind it (500)."""
    client = client_for(network.staff)
    for value in ("-9.896034444007957e+145", "0", "2147483648", "1.5"):
        response = client.get(reverse("api-fund-list"), {"quarter": value})
        assert response.status_code == 400, value
        assert "quarter" in response.json()
    assert client.get(reverse("api-fund-list"), {"quarter": "2147483647"}).status_code == 200
