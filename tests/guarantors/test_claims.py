"""The default's waterfall: the remaining principal claimed from the guarantors up to their
guarantees, the rest written off against the quarter's fund (whose capital and lending capacity
fall with it), a waived claim written off too, and money recovered later going back the same
way: the fund first, then the guarantors."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credits import loan_selectors, loan_services, servicing
from credits.models import FundLedgerEntry, Instalment, Loan
from guarantors import services
from guarantors.models import GuarantorClaim
from quarters.selectors import fund_figures
from tests import factories

D = Decimal
S = GuarantorClaim.Status
DAY = datetime.date(2025, 6, 15)


def _loan(network, second_staff, guarantees: list[str]) -> Loan:
    loan = factories.paid_out_loan(
        quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
    )
    for amount in guarantees:
        factories.GuaranteeFactory(application=loan.application, amount=D(amount))
    # Three instalments paid, then nothing more.
    for instalment in Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on")[:3]:
        loan_services.payment_record(
            loan=loan,
            amount=instalment.amount,
            value_date=instalment.due_on,
            actor=network.staff,
            today=instalment.due_on,
        )
    return loan


def _remaining(loan: Loan) -> Decimal:
    return loan_selectors.loan_ledger(loan=loan, today=DAY).balance.outstanding_principal


def test_the_guarantors_are_claimed_up_to_their_guarantees_and_the_rest_is_written_off(
    network, second_staff, unscoped
):
    loan = _loan(network, second_staff, ["1250.00", "1250.00"])
    fund = network.own_fund
    before = fund_figures(fund=fund)
    remaining = _remaining(loan)
    assert remaining > D("2500.00")

    result = servicing.loan_declare_default(
        loan=loan,
        reason="Geschäft aufgegeben, Kontakt abgebrochen",
        day=DAY,
        actor=network.staff,
        today=DAY,
    )

    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == (Loan.Status.DEFAULTED, DAY)
    # No more dues after the day.
    assert not Instalment.objects.filter(loan=loan, is_current=True, due_on__gt=DAY).exists()
    claims = list(GuarantorClaim.objects.filter(loan=loan).order_by("id"))
    assert [c.amount_demanded for c in claims] == [D("1250.00"), D("1250.00")]
    assert {c.status for c in claims} == {S.DEMANDED}
    assert result.remaining_principal == remaining
    assert result.claimed == D("2500.00")
    loss = remaining - D("2500.00")
    [entry] = FundLedgerEntry.objects.filter(loan=loan)
    assert (entry.kind, entry.amount, entry.fund) == (FundLedgerEntry.Kind.WRITE_OFF, loss, fund)
    after = fund_figures(fund=fund)
    assert after.paid_in_capital == before.paid_in_capital - loss
    assert after.lending_capacity == before.lending_capacity - 5 * loss
    # The defaulted loan no longer counts as exposure: its loss is in the capital now.
    assert after.outstanding_exposure == before.outstanding_exposure - remaining


def test_a_remainder_below_the_guarantees_is_split_in_their_proportion(
    network, second_staff, unscoped
):
    loan = _loan(network, second_staff, ["3750.00", "1250.00"])
    remaining = _remaining(loan)
    assert remaining < D("5000.00")

    result = servicing.loan_declare_default(
        loan=loan, reason="Insolvenz", day=DAY, actor=network.staff, today=DAY
    )

    demanded = [c.amount_demanded for c in GuarantorClaim.objects.filter(loan=loan).order_by("id")]
    assert sum(demanded) == remaining == result.claimed
    assert abs(demanded[0] - 3 * demanded[1]) <= D("0.03")
    assert not FundLedgerEntry.objects.filter(loan=loan).exists()


def test_a_waived_claim_is_written_off_against_the_fund_too(network, second_staff, unscoped):
    loan = _loan(network, second_staff, ["1250.00", "1250.00"])
    servicing.loan_declare_default(
        loan=loan, reason="Insolvenz", day=DAY, actor=network.staff, today=DAY
    )
    capital = fund_figures(fund=network.own_fund).paid_in_capital
    first, second = GuarantorClaim.objects.filter(loan=loan).order_by("id")

    services.claim_record_payment(claim=first, amount=D("1250.00"), day=DAY, actor=network.staff)
    services.claim_record_payment(claim=second, amount=D("250.00"), day=DAY, actor=network.staff)
    with pytest.raises(ValidationError) as refused:
        services.claim_waive(claim=second, note="", actor=network.staff)
    assert "note" in refused.value.error_dict
    services.claim_waive(claim=second, note="Bürge arbeitslos, pfändungsfrei", actor=network.staff)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.settled_on) == (S.PAID, DAY)
    assert (second.status, second.amount_waived, second.amount_open) == (
        S.WAIVED,
        D("1000.00"),
        D("0.00"),
    )
    figures = fund_figures(fund=network.own_fund)
    assert figures.paid_in_capital == capital - D("1000.00")
    with pytest.raises(ValidationError):
        services.claim_record_payment(claim=first, amount=D("1.00"), day=DAY, actor=network.staff)


def test_a_recovery_restores_the_fund_first_then_reaches_the_guarantors(
    network, second_staff, unscoped
):
    loan = _loan(network, second_staff, ["1250.00", "1250.00"])
    result = servicing.loan_declare_default(
        loan=loan, reason="Insolvenz", day=DAY, actor=network.staff, today=DAY
    )
    fund = network.own_fund
    capital = fund_figures(fund=fund).paid_in_capital
    capacity = fund_figures(fund=fund).lending_capacity
    later = DAY + datetime.timedelta(days=30)

    part = servicing.loan_recovery_record(
        loan=loan, amount=D("100.00"), value_date=later, actor=network.staff, today=later
    )

    assert (part.to_fund, part.to_guarantors, part.left) == (D("100.00"), 0, 0)
    assert fund_figures(fund=fund).paid_in_capital == capital + D("100.00")
    assert fund_figures(fund=fund).lending_capacity == capacity + D("500.00")

    rest = result.written_off - D("100.00")
    more = servicing.loan_recovery_record(
        loan=loan, amount=rest + D("600.00"), value_date=later, actor=network.staff, today=later
    )

    # The fund is whole again; the 600 € beyond go to the two claims, half each.
    assert (more.to_fund, more.to_guarantors, more.left) == (rest, D("600.00"), 0)
    assert fund_figures(fund=fund).paid_in_capital == capital + result.written_off
    claims = list(GuarantorClaim.objects.filter(loan=loan).order_by("id"))
    assert [c.amount_recovered for c in claims] == [D("300.00"), D("300.00")]
    assert [c.amount_open for c in claims] == [D("950.00"), D("950.00")]
    assert {c.status for c in claims} == {S.PARTLY_PAID}
    # What is beyond the fund and the claims stays with the payment, unallocated.
    beyond = servicing.loan_recovery_record(
        loan=loan, amount=D("5000.00"), value_date=later, actor=network.staff, today=later
    )
    assert (beyond.to_fund, beyond.to_guarantors, beyond.left) == (0, D("1900.00"), D("3100.00"))


def test_recoveries_are_refused_on_a_running_loan_and_claims_are_staffs(
    network, second_staff, unscoped
):
    loan = _loan(network, second_staff, ["1250.00", "1250.00"])
    with pytest.raises(ValidationError):
        servicing.loan_recovery_record(
            loan=loan, amount=D("10.00"), value_date=DAY, actor=network.staff, today=DAY
        )
    servicing.loan_declare_default(
        loan=loan, reason="Insolvenz", day=DAY, actor=network.staff, today=DAY
    )
    claim = GuarantorClaim.objects.filter(loan=loan).first()
    for role in ("advisor", "committee_member", "municipality_viewer"):
        user = network.users_by_role()[role]
        with pytest.raises(PermissionDenied):
            services.claim_record_payment(claim=claim, amount=D("1.00"), day=DAY, actor=user)
        with pytest.raises(PermissionDenied):
            services.claim_waive(claim=claim, note="x", actor=user)
        with pytest.raises(PermissionDenied):
            servicing.loan_recovery_record(
                loan=loan, amount=D("1.00"), value_date=DAY, actor=user, today=DAY
            )


def test_a_loan_outside_the_quarters_is_carried_by_the_microfinancier(
    network, second_staff, unscoped
):
    from miqua.audit.models import AuditEntry

    borrower = factories.BorrowerFactory(quarter=None)
    loan = loan_services.loan_record_outside(
        borrower=borrower,
        terms=loan_services.LoanTerms(
            contract_number="KV-AUSSEN-9",
            iban=factories.TEST_IBANS[1],
            disbursed_on=datetime.date(2025, 1, 15),
            amount=D("1000.00"),
            interest_rate=D("8.56"),
            term_months=12,
        ),
        actor=network.staff,
        today=datetime.date(2025, 1, 15),
    )
    loan_services.loan_confirm(loan=loan, actor=second_staff)
    capital = fund_figures(fund=network.own_fund).paid_in_capital

    result = servicing.loan_declare_default(
        loan=loan, reason="Insolvenz", day=DAY, actor=network.staff, today=DAY
    )

    assert (result.claimed, result.written_off) == (0, D("1000.00"))
    assert not FundLedgerEntry.objects.filter(loan=loan).exists()
    assert fund_figures(fund=network.own_fund).paid_in_capital == capital
    carried = AuditEntry.objects.get(action="fund.loss_carried_by_microfinancier")
    assert carried.changes["amount"] == "1000.00"
