"""The loan ledger: payout with four eyes, the reservation turning into the loan, payments
allocated in the contract's order, credit kept, arrears at any date, the fund's exposure."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from credits import loan_selectors, loan_services
from credits.allocation import OpenInstalment, allocate
from credits.models import Allocation, CapacityReservation, Instalment, Loan
from quarters.selectors import fund_figures
from tests import factories

D = Decimal


def test_allocate_pays_overdue_interest_then_overdue_principal_then_the_current_instalment():
    day = datetime.date(2025, 3, 10)
    instalments = [
        OpenInstalment(1, datetime.date(2025, 1, 30), D("30.00"), D("200.00")),
        OpenInstalment(2, datetime.date(2025, 2, 28), D("29.00"), D("201.00")),
        OpenInstalment(3, datetime.date(2025, 3, 30), D("28.00"), D("202.00")),
    ]
    parts, left = allocate(amount=D("300.00"), value_date=day, instalments=instalments)
    by_id = {p.instalment_id: (p.interest, p.principal) for p in parts}
    # 59 € interest of both overdue instalments first, then 241 € of the oldest principal on.
    assert by_id == {1: (D("30.00"), D("200.00")), 2: (D("29.00"), D("41.00"))}
    assert left == 0
    assert instalments[1].principal_open == D("160.00")
    assert instalments[2].interest_open == D("28.00")


def test_allocate_keeps_what_no_instalment_takes_as_credit():
    instalments = [OpenInstalment(1, datetime.date(2025, 1, 30), D("5.00"), D("95.00"))]
    parts, left = allocate(
        amount=D("130.00"), value_date=datetime.date(2025, 1, 2), instalments=instalments
    )
    assert [(p.interest, p.principal) for p in parts] == [(D("5.00"), D("95.00"))]
    assert left == D("30.00")


def test_payout_is_confirmed_by_a_second_person_and_the_reservation_turns_into_the_loan(
    network, second_staff
):
    with scopes_disabled():
        fund = network.own_fund
        before = fund_figures(fund=fund).outstanding_exposure
        application = factories.approved_application(quarter=network.own_quarter)
        reserved = fund_figures(fund=fund).outstanding_exposure
        assert reserved == before + D("5000.00")
        loan = loan_services.loan_record(
            application=application,
            terms=loan_services.LoanTerms(
                contract_number="KV-4711",
                iban="DE89 3704 0044 0532 0130 00",
                disbursed_on=datetime.date(2025, 1, 15),
                amount=D("4500.00"),  # a condition of the committee lowered it
                interest_rate=D("8.56"),
                term_months=24,
            ),
            actor=network.staff,
            today=datetime.date(2025, 1, 15),
        )
        assert loan.status == Loan.Status.PENDING
        assert loan.iban == "DE89370400440532013000"
        # Recorded, not yet confirmed: the reservation still holds the place.
        assert fund_figures(fund=fund).outstanding_exposure == reserved
        with pytest.raises(ValidationError) as refused:
            loan_services.loan_confirm(loan=loan, actor=network.staff)
        assert refused.value.code == "four_eyes"
        loan_services.loan_confirm(loan=loan, actor=second_staff)
        loan.refresh_from_db()
        assert loan.status == Loan.Status.RUNNING
        assert not CapacityReservation.objects.filter(
            application=application, released_at__isnull=True
        ).exists()
        assert fund_figures(fund=fund).outstanding_exposure == before + D("4500.00")
        assert Instalment.objects.filter(loan=loan, is_current=True).count() == 24


def test_payout_refuses_a_bad_iban_more_than_approved_and_a_known_contract_number(
    network, second_staff
):
    with scopes_disabled():
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            contract_number="KV-1",
        )
        application = factories.approved_application(quarter=network.own_quarter)
        with pytest.raises(ValidationError) as refused:
            loan_services.loan_record(
                application=application,
                terms=loan_services.LoanTerms(
                    contract_number="KV-1",
                    iban="DE89370400440532013001",
                    disbursed_on=datetime.date(2025, 1, 15),
                    amount=D("5000.01"),
                    interest_rate=D("8.56"),
                    term_months=24,
                ),
                actor=network.staff,
                today=datetime.date(2025, 1, 15),
            )
        assert set(refused.value.message_dict) == {"contract_number", "iban", "amount"}
        assert not Loan.objects.filter(application=application).exists()


def test_only_staff_record_payouts(network):
    with scopes_disabled():
        application = factories.approved_application(quarter=network.own_quarter)
        with pytest.raises(PermissionDenied):
            loan_services.loan_record(
                application=application,
                terms=loan_services.LoanTerms(
                    contract_number="KV-2",
                    iban=factories.TEST_IBANS[0],
                    disbursed_on=datetime.date(2025, 1, 15),
                    amount=D("5000.00"),
                    interest_rate=D("8.56"),
                    term_months=24,
                ),
                actor=network.advisor,
            )


def test_payments_lower_the_exposure_by_their_principal_and_overpayment_stays_credit(
    network, second_staff
):
    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        exposure = fund_figures(fund=network.own_fund).outstanding_exposure
        first, second = Instalment.objects.filter(loan=loan).order_by("due_on")[:2]
        loan_services.payment_record(
            loan=loan,
            amount=first.amount + D("50.00"),
            value_date=first.due_on,
            actor=network.staff,
            today=first.due_on,
        )
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.settled_on == first.due_on
        assert second.paid == D("50.00")  # paid ahead: credit for the next instalment
        balance = loan_selectors.loan_ledger(loan=loan, today=first.due_on).balance
        assert balance.credit == D("50.00")
        assert balance.paid == first.amount + D("50.00")
        repaid = first.principal + second.paid_principal
        assert balance.outstanding_principal == loan.amount - repaid
        # The loan's page shows the payment with what it paid, from the same sums.
        [row] = loan_selectors.loan_ledger(loan=loan, today=first.due_on).payments
        assert (row.interest, row.principal) == (first.interest + second.paid_interest, repaid)
        assert row.principal_owed_after == balance.outstanding_principal
        assert fund_figures(fund=network.own_fund).outstanding_exposure == exposure - repaid
        # The paid columns say what the allocations say.
        sums = loan_selectors.allocation_sums_by_instalment(loan_ids=[loan.pk])
        for instalment in Instalment.objects.filter(loan=loan):
            assert sums.get(instalment.pk, (0, 0)) == (
                instalment.paid_interest,
                instalment.paid_principal,
            )


def test_a_payment_beyond_the_last_instalment_is_kept_unallocated(network, second_staff):
    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            amount=D("600.00"),
            term_months=2,
        )
        owed = sum(i.amount for i in Instalment.objects.filter(loan=loan))
        loan_services.payment_record(
            loan=loan,
            amount=owed + D("12.34"),
            value_date=datetime.date(2025, 2, 3),
            actor=network.staff,
            today=datetime.date(2025, 2, 3),
        )
        balance = loan_selectors.loan_ledger(loan=loan, today=datetime.date(2025, 2, 3)).balance
        assert balance.unallocated == D("12.34")
        assert balance.outstanding_principal == 0
        payments = loan_selectors.loan_ledger(loan=loan, today=datetime.date(2025, 2, 3)).payments
        assert payments[0].unallocated == D("12.34")
        assert Allocation.objects.filter(loan=loan).count() == 2


def test_arrears_at_any_date_for_many_loans_at_once(network, second_staff):
    with scopes_disabled():
        punctual = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        late = factories.paid_out_loan(
            quarter=network.foreign_quarter, recorder=network.staff, confirmer=second_staff
        )
        instalments = {
            loan.pk: list(Instalment.objects.filter(loan=loan).order_by("due_on"))
            for loan in (punctual, late)
        }
        for instalment in instalments[punctual.pk][:3]:
            loan_services.payment_record(
                loan=punctual,
                amount=instalment.amount,
                value_date=instalment.due_on,
                actor=network.staff,
                today=instalment.due_on,
            )
        late_first, late_second, late_third = instalments[late.pk][:3]
        loan_services.payment_record(
            loan=late,
            amount=late_first.amount,
            value_date=late_second.due_on + datetime.timedelta(days=5),
            actor=network.staff,
            today=late_second.due_on + datetime.timedelta(days=5),
        )
        day = late_third.due_on + datetime.timedelta(days=15)
        arrears = loan_selectors.arrears_at(day=day)
        assert set(arrears) == {late.pk}
        assert arrears[late.pk].amount == late_second.amount + late_third.amount
        # The late payment went to both instalments' interest first (the contract's order), so
        # the oldest instalment is still partly unpaid.
        assert arrears[late.pk].oldest_due_on == late_first.due_on
        assert arrears[late.pk].days_past_due == (day - late_first.due_on).days
        # On the second due date the first was still unpaid: the past is answered as it was.
        then = loan_selectors.arrears_at(day=late_second.due_on)
        assert then[late.pk].amount == late_first.amount + late_second.amount
        assert then[late.pk].oldest_due_on == late_first.due_on
        assert set(loan_selectors.loans_in_arrears(day=day)) == {late}


def test_an_approval_paid_out_can_no_longer_lapse_or_be_withdrawn(network, second_staff):
    from credits import services

    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        with pytest.raises(ValidationError) as refused:
            services.application_transition(
                application=loan.application, name="lapse", actor=network.staff, comment="alt"
            )
        assert refused.value.code == "paid_out"
        loan.application.refresh_from_db()
        assert loan.application.status == "approved"


def test_the_share_inside_and_outside_the_quarters_is_reported(network, second_staff):
    with scopes_disabled():
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            amount=D("3000.00"),
        )
        borrower = factories.BorrowerFactory(quarter=None)
        outside = loan_services.loan_record_outside(
            borrower=borrower,
            terms=loan_services.LoanTerms(
                contract_number="KV-AUSSEN-1",
                iban=factories.TEST_IBANS[1],
                disbursed_on=datetime.date(2025, 1, 15),
                amount=D("1000.00"),
                interest_rate=D("8.56"),
                term_months=12,
            ),
            actor=network.staff,
            today=datetime.date(2025, 1, 15),
        )
        loan_services.loan_confirm(loan=outside, actor=second_staff)
        share = loan_selectors.portfolio_share()
        assert (share.inside_count, share.outside_count) == (1, 1)
        assert share.outside_outstanding == D("1000.00")
        assert share.outside_share_percent == D("25.0")
        # The fund carries none of it: no quarter, no exposure.
        assert loan_selectors.fund_exposure_by_quarter([network.own_quarter.pk])[
            network.own_quarter.pk
        ] == D("3000.00")
    # An advisor's scope never finds the loan outside the quarters.
    from django_scopes import scope

    with scope(quarter=[network.own_quarter.pk]):
        assert not Loan.objects.filter(pk=outside.pk).exists()
        assert loan_selectors.portfolio_share().outside_count == 0
