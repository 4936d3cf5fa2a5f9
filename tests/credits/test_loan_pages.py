"""The loan pages: the list and its filters, the CSV export, who sees which loan, the payout
with four eyes, the loans outside the quarters, a payment typed in, the PDFs, and the loan
page's constant number of queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from credits import loan_services
from credits.models import Application, Borrower, Loan, Payment
from tests import factories
from tests.clients import client_for

D = Decimal


def _loan(network, second_staff, *, quarter=None, **kwargs) -> Loan:
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=quarter or network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            **kwargs,
        )


def _outside_loan(network, second_staff, *, contract_number="AQ-0001") -> Loan:
    with scopes_disabled():
        borrower = Borrower.objects.create(
            quarter=None, first_name="Ilse", last_name="Außenweg", date_of_birth="1980-02-03"
        )
        loan = loan_services.loan_record_outside(
            borrower=borrower,
            terms=loan_services.LoanTerms(
                contract_number=contract_number,
                iban=factories.TEST_IBANS[1],
                disbursed_on=datetime.date(2025, 1, 15),
                amount=D("3000.00"),
                interest_rate=D("8.56"),
                term_months=12,
            ),
            actor=network.staff,
            today=datetime.date(2025, 1, 15),
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _pay(loan, actor, amount, day) -> None:
    with scopes_disabled():
        loan_services.payment_record(
            loan=loan, amount=D(amount), value_date=day, actor=actor, today=day
        )


def _contracts(response) -> list[str]:
    return [row.loan.contract_number for row in response.context["rows"]]


# --- The list ------------------------------------------------------------------------------


def test_staff_list_filters_by_status_quarter_outside_and_arrears(network, second_staff):
    paid_up = _loan(network, second_staff, contract_number="KV-PAID", term_months=12)
    late = _loan(network, second_staff, contract_number="KV-LATE", term_months=12)
    foreign = _loan(
        network, second_staff, quarter=network.foreign_quarter, contract_number="KV-FOREIGN"
    )
    outside = _outside_loan(network, second_staff)
    # Everything of paid_up is paid ahead (it keeps no arrears); late pays nothing.
    _pay(paid_up, network.staff, "6000.00", datetime.date(2025, 2, 1))
    client = client_for(network.staff)
    url = reverse("loan_list")

    everything = client.get(url)
    assert everything.status_code == 200
    assert set(_contracts(everything)) == {"KV-PAID", "KV-LATE", "KV-FOREIGN", "AQ-0001"}
    assert "außerhalb der Quartiere" in everything.content.decode() or (
        "outside the quarters" in everything.content.decode()
    )

    in_arrears = client.get(url, {"arrears": "on"})
    assert set(_contracts(in_arrears)) == {"KV-LATE", "KV-FOREIGN", "AQ-0001"}
    rows = {row.loan.pk: row for row in in_arrears.context["rows"]}
    assert rows[late.pk].arrears.amount > 0
    assert rows[late.pk].outstanding_principal == late.amount

    by_quarter = client.get(url, {"quarter": network.foreign_quarter.pk})
    assert _contracts(by_quarter) == ["KV-FOREIGN"]
    assert _contracts(client.get(url, {"quarter": "outside"})) == ["AQ-0001"]
    assert _contracts(client.get(url, {"status": "pending"})) == []
    assert outside.pk in {row.loan.pk for row in everything.context["rows"]}
    assert foreign.quarter_id == network.foreign_quarter.pk


def test_search_by_contract_number_name_and_application_reference(network, second_staff):
    first = _loan(network, second_staff, contract_number="KV-111")
    _loan(network, second_staff, contract_number="KV-222")
    with scopes_disabled():
        name = first.borrower.last_name
        reference = first.application.reference
        Borrower.objects.filter(pk=first.borrower_id).update(last_name="Yılmazer")
    client = client_for(network.staff)
    url = reverse("loan_list")
    assert _contracts(client.get(url, {"q": "kv-111"})) == ["KV-111"]
    assert _contracts(client.get(url, {"q": "Yılmazer"})) == ["KV-111"]
    assert _contracts(client.get(url, {"q": reference})) == ["KV-111"]
    assert name  # the factory gave a name that was replaced above


def test_csv_export_is_the_filtered_list_in_german_format(network, second_staff):
    late = _loan(network, second_staff, contract_number="KV-CSV", amount=D("4321.50"))
    _loan(network, second_staff, contract_number="KV-OTHER")
    _pay(late, network.staff, "100.00", datetime.date(2025, 2, 1))
    response = client_for(network.staff).get(reverse("loan_list"), {"q": "KV-CSV", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header, *lines = rows
    assert header[0] == "Vertragsnummer"
    assert len(lines) == 1
    line = dict(zip(header, lines[0], strict=True))
    assert line["Vertragsnummer"] == "KV-CSV"
    assert line["Betrag"] == "4321,50"
    assert line["Quartier"] == network.own_quarter.name
    with scopes_disabled():
        owed = late.amount - sum(a.principal for a in late.allocations.all())
    assert line["Offene Restschuld"] == f"{owed:.2f}".replace(".", ",")
    assert D(line["Rückstand heute"].replace(",", ".")) > 0


def test_advisor_sees_own_quarter_loans_only_and_never_outside_ones(network, second_staff):
    own = _loan(network, second_staff, contract_number="KV-OWN")
    foreign = _loan(
        network, second_staff, quarter=network.foreign_quarter, contract_number="KV-FOREIGN"
    )
    outside = _outside_loan(network, second_staff)
    client = client_for(network.advisor)
    response = client.get(reverse("loan_list"))
    assert response.status_code == 200
    assert _contracts(response) == ["KV-OWN"]
    quarter_choices = [value for value, _label in response.context["filter"].quarter_choices]
    assert "outside" not in quarter_choices
    # Not a choice for an advisor: ignored, like a foreign quarter's id; still only their own.
    assert _contracts(client.get(reverse("loan_list"), {"quarter": "outside"})) == ["KV-OWN"]
    assert client.get(reverse("loan_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("loan_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("loan_detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("loan_schedule_pdf", args=[outside.pk])).status_code == 404
    # The CSV file is the advisor's list too: their quarter's loans only.
    exported = b"".join(client.get(reverse("loan_list"), {"format": "csv"}).streaming_content)
    assert b"KV-OWN" in exported
    assert b"KV-FOREIGN" not in exported
    assert b"AQ-0001" not in exported
    assert client.get(reverse("payment_record", args=[own.pk])).status_code == 405
    assert (
        client.post(
            reverse("payment_record", args=[own.pk]), {"amount": "10", "value_date": "2025-02-01"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_committee_members_and_municipality_viewers_see_no_loan(network, second_staff, role):
    loan = _loan(network, second_staff)
    client = client_for(getattr(network, role))
    assert client.get(reverse("loan_list")).status_code == 403
    response = client.get(reverse("loan_detail", args=[loan.pk]))
    assert response.status_code == 403
    assert loan.contract_number.encode() not in response.content
    assert client.get(reverse("loan_schedule_pdf", args=[loan.pk])).status_code == 403
    nav = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    assert reverse("loan_list") not in nav


# --- The payout with four eyes -------------------------------------------------------------


def _payout_data(**overrides) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "contract_number": "KV-2025-0001",
        "iban": "DE89 3704 0044 0532 0130 00",
        "disbursed_on": today.strftime("%d.%m.%Y"),
        "amount": "4.500,00",
        "interest_rate": "8,56",
        "term_months": "24",
        "grace_months": "2",
        "instalment_day": "30",
        "method": "annuity",
    }
    data.update(overrides)
    return data


def test_payout_form_is_prefilled_and_previews_the_instalment(network):
    with scopes_disabled():
        application = factories.approved_application(
            quarter=network.own_quarter, amount=D("4800.00")
        )
    client = client_for(network.staff)
    url = reverse("loan_record", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["amount"] == D("4800.00")
    assert form.initial["term_months"] == application.term_months
    assert response.context["preview"] is not None
    preview = client.post(url, {**_payout_data(), "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["preview"].effective_rate == D("8.90")
    with scopes_disabled():
        assert not Loan.objects.exists()
    # On the approved application's page, staff find the way to the form.
    detail = client.get(reverse("application_detail", args=[application.pk]))
    assert url in detail.content.decode()


def test_payout_recorded_pending_then_the_recorder_cannot_confirm(network, second_staff):
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter)
    recorder = client_for(network.staff)
    response = recorder.post(reverse("loan_record", args=[application.pk]), _payout_data())
    assert response.status_code == 302
    with scopes_disabled():
        loan = Loan.objects.get()
    assert response["Location"] == reverse("loan_detail", args=[loan.pk])
    assert loan.status == Loan.Status.PENDING
    assert loan.amount == D("4500.00")
    assert loan.iban == "DE89370400440532013000"
    page = recorder.get(response["Location"])
    assert page.context["loan"].status == "pending"
    assert 'id="pending"' in page.content.decode()

    confirm_url = reverse("loan_confirm", args=[loan.pk])
    own = recorder.get(confirm_url)
    assert own.context["own_recording"] is True
    assert "disabled" in own.content.decode()
    refused = recorder.post(confirm_url, {"decision": "confirm"})
    assert refused.status_code == 400
    assert "Vier-Augen-Prinzip" in " ".join(refused.context["form"].non_field_errors())
    with scopes_disabled():
        assert Loan.objects.get().status == Loan.Status.PENDING

    confirmed = client_for(second_staff).post(confirm_url, {"decision": "confirm"})
    assert confirmed.status_code == 302
    with scopes_disabled():
        loan.refresh_from_db()
    assert loan.status == Loan.Status.RUNNING
    assert loan.confirmed_by == second_staff


def test_payout_errors_keep_what_was_typed(network):
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter)
    response = client_for(network.staff).post(
        reverse("loan_record", args=[application.pk]),
        _payout_data(iban="DE00 1234", amount="9.000,00"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "iban" in form.errors
    assert "amount" in form.errors
    assert 'value="DE00 1234"' in response.content.decode()
    with scopes_disabled():
        assert not Loan.objects.exists()


def test_refusal_with_a_reason_deletes_the_recording(network, second_staff):
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter)
    client_for(network.staff).post(reverse("loan_record", args=[application.pk]), _payout_data())
    with scopes_disabled():
        loan = Loan.objects.get()
    client = client_for(second_staff)
    url = reverse("loan_confirm", args=[loan.pk])
    without_reason = client.post(url, {"decision": "refuse", "reason": ""})
    assert without_reason.status_code == 400
    assert "reason" in without_reason.context["form"].errors
    response = client.post(url, {"decision": "refuse", "reason": "Falscher Betrag"})
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", args=[application.pk])
    with scopes_disabled():
        assert not Loan.objects.exists()
        assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED


def test_a_loan_outside_the_quarters_is_recorded_with_its_borrower(network, second_staff):
    data = {
        "first_name": "Olga",
        "last_name": "Freiberg",
        "date_of_birth": "12.03.1979",
        "bank_relationship": "account",
        **_payout_data(contract_number="AQ-2025-7", amount="2.000,00", grace_months="0"),
    }
    client = client_for(network.staff)
    response = client.post(reverse("loan_record_outside"), data)
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        loan = Loan.objects.select_related("borrower").get()
    assert loan.quarter_id is None
    assert loan.borrower.quarter_id is None
    assert loan.borrower.last_name == "Freiberg"
    assert loan.status == Loan.Status.PENDING
    assert (
        client_for(second_staff)
        .post(reverse("loan_confirm", args=[loan.pk]), {"decision": "confirm"})
        .status_code
        == 302
    )
    # A refused form leaves no person behind.
    bad = client.post(reverse("loan_record_outside"), {**data, "contract_number": "AQ-2025-7"})
    assert bad.status_code == 400
    with scopes_disabled():
        assert Borrower.objects.filter(last_name="Freiberg").count() == 1
    assert client_for(network.advisor).get(reverse("loan_record_outside")).status_code == 403


# --- Payments, the page, the PDFs ------------------------------------------------------------


def test_a_payment_typed_in_shows_on_the_page(network, second_staff):
    loan = _loan(network, second_staff)
    client = client_for(network.staff)
    url = reverse("payment_record", args=[loan.pk])
    bad = client.post(url, {"amount": "250,00", "value_date": "01.01.2020", "note": "Bar"})
    assert bad.status_code == 400
    assert "value_date" in bad.context["payment_form"].errors
    assert 'value="250,00"' in bad.content.decode()
    response = client.post(url, {"amount": "250,00", "value_date": "03.02.2025", "note": "Bar"})
    assert response.status_code == 302
    page = client.get(reverse("loan_detail", args=[loan.pk]))
    [row] = page.context["payments"]
    assert row.payment.amount == D("250.00")
    assert row.payment.source == Payment.Source.MANUAL
    assert row.interest + row.principal + row.unallocated == D("250.00")
    assert page.context["balance"].paid == D("250.00")
    assert "Bar" in page.content.decode()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_schedule_and_statement_pdfs_carry_the_contract(network, second_staff):
    loan = _loan(network, second_staff, contract_number="KV-PDF-77")
    _pay(loan, network.staff, "230.00", datetime.date(2025, 2, 20))
    client = client_for(network.advisor)
    schedule = client.get(reverse("loan_schedule_pdf", args=[loan.pk]))
    assert schedule.status_code == 200
    assert schedule["Content-Type"] == "application/pdf"
    assert schedule.content.startswith(b"%PDF")
    text = _pdf_text(schedule.content)
    assert "KV-PDF-77" in text
    assert "Tilgungsplan" in text
    statement = client.get(reverse("loan_statement_pdf", args=[loan.pk]))
    assert statement.status_code == 200
    text = _pdf_text(statement.content)
    assert "KV-PDF-77" in text
    assert "Kontoauszug" in text
    assert "230,00" in text


def _detail_queries(client: Client, loan: Loan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("loan_detail", args=[loan.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_loan_page_asks_the_same_number_of_queries_for_3_or_30_payments(network, second_staff):
    few = _loan(network, second_staff, contract_number="KV-FEW", term_months=12)
    many = _loan(network, second_staff, contract_number="KV-MANY", term_months=36)
    for n in range(3):
        _pay(few, network.staff, "100.00", datetime.date(2025, 2, 1) + datetime.timedelta(n))
    with scopes_disabled():
        loan_services.payments_book(
            items=[
                loan_services.PaymentItem(
                    loan_id=many.pk,
                    amount=D("50.00"),
                    value_date=datetime.date(2025, 2, 1) + datetime.timedelta(days=n),
                )
                for n in range(30)
            ],
            source=Payment.Source.MANUAL,
            actor=network.staff,
        )
    client = client_for(network.staff)
    _detail_queries(client, few)  # the session and the user are read once warm
    assert len(client.get(reverse("loan_detail", args=[many.pk])).context["payments"]) == 30
    few_count, many_count = _detail_queries(client, few), _detail_queries(client, many)
    print("loan page queries", few_count, many_count)
    assert few_count == many_count


def test_home_counts_the_payouts_awaiting_confirmation(network):
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter)
    client = client_for(network.staff)
    assert client.get(reverse("home")).context["payouts_awaiting"] == 0
    client.post(reverse("loan_record", args=[application.pk]), _payout_data())
    response = client.get(reverse("home"))
    assert response.context["payouts_awaiting"] == 1
    assert reverse("loan_list") + "?status=pending" in response.content.decode()
    nav = [item["url"] for item in response.context["nav_items"]]
    assert reverse("loan_list") in nav
    assert client_for(network.advisor).get(reverse("home")).context["payouts_awaiting"] is None


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("loan_list"), {"arrears": "on"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_asks_the_same_number_of_queries_for_2_or_6_loans(network, second_staff):
    client = client_for(network.staff)
    for n in range(2):
        _loan(network, second_staff, contract_number=f"KV-A{n}")
    _list_queries(client)
    two = _list_queries(client)
    for n in range(4):
        _loan(network, second_staff, contract_number=f"KV-B{n}", quarter=network.foreign_quarter)
    six = _list_queries(client)
    assert len(client.get(reverse("loan_list")).context["rows"]) == 6
    assert two == six


def test_a_defaulted_loan_shows_its_principal_as_owed_at_the_default(network, second_staff):
    from credits import servicing

    loan = _loan(network, second_staff)
    with scopes_disabled():
        servicing.loan_declare_default(
            loan=loan,
            reason="Betrieb aufgegeben",
            day=datetime.date(2025, 3, 15),
            actor=network.staff,
            today=datetime.date(2025, 3, 15),
        )
    text = client_for(network.staff).get(reverse("loan_detail", args=[loan.pk])).content.decode()
    assert "Restschuld beim Ausfall" in text
    assert "als Ausfall erklärt" in text
