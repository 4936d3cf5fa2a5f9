"""Keeping a loan: rescheduling in versions with four eyes, closing on the last payment, early
repayment, and who may do it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from credits import loan_selectors, loan_services, servicing
from credits.models import Allocation, Instalment, Loan, ScheduleVersion
from credits.servicing_selectors import payoff_amount
from quarters.selectors import fund_figures
from tests import factories

D = Decimal
V = ScheduleVersion


@pytest.fixture
def loan(network, second_staff, unscoped):
    return factories.paid_out_loan(
        quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
    )


def _current(loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on"))


def _pay(loan: Loan, amount: Decimal, day: datetime.date, actor) -> None:
    loan_services.payment_record(loan=loan, amount=amount, value_date=day, actor=actor, today=day)


def _pay_instalments(loan: Loan, count: int, actor) -> None:
    """Pay the first `count` current instalments on their due dates."""
    for instalment in _current(loan)[:count]:
        _pay(loan, instalment.amount, instalment.due_on, actor)


def _allocated(loan: Loan) -> Decimal:
    totals = Allocation.objects.filter(loan=loan).aggregate(i=Sum("interest"), p=Sum("principal"))
    return (totals["i"] or D(0)) + (totals["p"] or D(0))


# --- Rescheduling ----------------------------------------------------------------------------


def test_a_longer_term_is_a_new_version_and_the_old_one_stays_with_its_instalments(
    loan, network, second_staff
):
    _pay_instalments(loan, 4, network.staff)  # February to May 2025
    june, july = _current(loan)[4:6]
    # Paid ahead on 30 May: June and half of July.
    _pay(loan, june.amount + july.amount / 2, datetime.date(2025, 5, 30), network.staff)
    day = datetime.date(2025, 6, 1)
    before = loan_selectors.loan_ledger(loan=loan, today=day).balance
    allocated_before = _allocated(loan)

    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=V.Kind.LONGER_TERM,
        term_months=36,
        reason="Umsatzeinbruch nach Baustelle vor dem Laden",
        actor=network.staff,
        today=day,
    )

    assert proposal.status == V.Status.PROPOSED
    assert proposal.valid_from == june.due_on  # the next instalment after today
    proposed = list(proposal.instalments.order_by("number"))
    assert len(proposed) == 36
    assert not any(i.is_current for i in proposed)
    kept_principal = sum(i.principal for i in _current(loan)[:4])
    assert sum(i.principal for i in proposed) == loan.amount - kept_principal
    # Lower instalment: the new ones are smaller than the old.
    assert proposed[1].amount < june.amount
    # Nothing changed yet.
    assert len(_current(loan)) == 24

    servicing.rescheduling_decide(version=proposal, approve=True, actor=second_staff)

    old = V.objects.get(loan=loan, number=1)
    new = V.objects.get(pk=proposal.pk)
    assert (old.status, new.status) == (V.Status.SUPERSEDED, V.Status.ACTIVE)
    assert new.decided_by == second_staff
    # The old version keeps all its instalments; those from June on are no longer owed.
    assert old.instalments.count() == 24
    assert old.instalments.filter(is_current=True).count() == 4
    assert not old.instalments.filter(is_current=True, due_on__gte=new.valid_from).exists()
    current = _current(loan)
    assert len(current) == 4 + 36
    assert sum(i.principal for i in current) == loan.amount
    # The money paid ahead moved to the new instalments: no cent lost, the same payments.
    after = loan_selectors.loan_ledger(loan=loan, today=day).balance
    assert after.paid == before.paid
    assert after.unallocated == before.unallocated == 0
    assert _allocated(loan) == allocated_before
    moved = Allocation.objects.filter(instalment__version=new).aggregate(
        total=Sum("interest") + Sum("principal")
    )["total"]
    assert moved == june.amount + july.amount / 2
    assert not Allocation.objects.filter(instalment__in=old.instalments.filter(is_current=False))
    first_new = new.instalments.get(number=1)
    assert first_new.settled_on == datetime.date(2025, 5, 30)
    assert first_new.paid == first_new.amount


def test_a_pause_is_interest_only_and_adds_its_months_to_the_term(loan, network, second_staff):
    _pay_instalments(loan, 2, network.staff)
    remaining = len(_current(loan)) - 2

    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=V.Kind.PAUSE,
        pause_months=3,
        valid_from=datetime.date(2025, 4, 1),
        reason="Krankheit, drei Monate kein Umsatz",
        actor=network.staff,
        today=datetime.date(2025, 3, 31),
    )

    rows = list(proposal.instalments.order_by("number"))
    assert proposal.valid_from == datetime.date(2025, 4, 30)
    assert len(rows) == remaining + 3 == proposal.term_months
    assert [r.principal for r in rows[:3]] == [D("0.00")] * 3
    assert all(r.interest > 0 for r in rows[:3])
    assert rows[3].principal > 0
    servicing.rescheduling_decide(version=proposal, approve=True, actor=second_staff)
    assert sum(i.principal for i in _current(loan)) == loan.amount


def test_the_proposer_cannot_approve_and_a_refusal_changes_nothing(loan, network, second_staff):
    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=V.Kind.LONGER_TERM,
        term_months=30,
        reason="Saisonbetrieb",
        actor=network.staff,
        today=datetime.date(2025, 2, 1),
    )
    with pytest.raises(ValidationError) as refused:
        servicing.rescheduling_decide(version=proposal, approve=True, actor=network.staff)
    assert refused.value.code == "four_eyes"
    # The database holds the rule too.
    proposal.refresh_from_db()
    assert proposal.status == V.Status.PROPOSED

    servicing.rescheduling_decide(version=proposal, approve=False, actor=second_staff)

    proposal.refresh_from_db()
    assert proposal.status == V.Status.REJECTED
    assert V.objects.get(loan=loan, number=1).status == V.Status.ACTIVE
    assert len(_current(loan)) == 24
    with pytest.raises(ValidationError):
        servicing.rescheduling_decide(version=proposal, approve=True, actor=second_staff)


def test_the_database_refuses_a_decision_by_the_proposer(loan, network):
    from django.db import IntegrityError, transaction

    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=V.Kind.PAUSE,
        pause_months=1,
        reason="Umzug",
        actor=network.staff,
        today=datetime.date(2025, 2, 1),
    )
    proposal.decided_by = network.staff
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save(update_fields=["decided_by"])


def test_a_proposal_needs_a_reason_and_more_instalments_than_remain(loan, network):
    with pytest.raises(ValidationError) as refused:
        servicing.rescheduling_propose(
            loan=loan,
            kind=V.Kind.LONGER_TERM,
            term_months=10,
            reason="   ",
            actor=network.staff,
            today=datetime.date(2025, 2, 1),
        )
    assert set(refused.value.error_dict) == {"reason", "term_months"}
    assert not V.objects.filter(loan=loan, status=V.Status.PROPOSED).exists()


def test_only_staff_reschedule_declare_defaults_and_settle(loan, network, second_staff):
    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=V.Kind.PAUSE,
        pause_months=2,
        reason="Krankheit",
        actor=network.staff,
        today=datetime.date(2025, 2, 1),
    )
    day = datetime.date(2025, 6, 1)
    for role in ("advisor", "committee_member", "municipality_viewer"):
        user = network.users_by_role()[role]
        with pytest.raises(PermissionDenied):
            servicing.rescheduling_propose(
                loan=loan, kind=V.Kind.PAUSE, pause_months=2, reason="x", actor=user
            )
        with pytest.raises(PermissionDenied):
            servicing.rescheduling_decide(version=proposal, approve=True, actor=user)
        with pytest.raises(PermissionDenied):
            servicing.loan_declare_default(loan=loan, reason="x", day=day, actor=user)
        with pytest.raises(PermissionDenied):
            servicing.loan_repay_early(loan=loan, value_date=day, amount=D("1"), actor=user)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RUNNING


# --- Closing ---------------------------------------------------------------------------------


def test_the_last_payment_closes_the_loan_as_repaid(network, second_staff, unscoped):
    loan = factories.paid_out_loan(
        quarter=network.own_quarter,
        recorder=network.staff,
        confirmer=second_staff,
        amount=D("1000.00"),
        term_months=3,
    )
    _pay_instalments(loan, 2, network.staff)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RUNNING
    last = _current(loan)[2]

    _pay(loan, last.amount, last.due_on + datetime.timedelta(days=3), network.staff)

    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    assert loan.closed_on == last.due_on + datetime.timedelta(days=3)
    assert (
        loan_selectors.loan_ledger(loan=loan, today=loan.closed_on).balance.outstanding_principal
        == 0
    )


def test_payments_of_many_loans_close_only_those_fully_paid(network, second_staff, unscoped):
    loans = [
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            amount=D("600.00"),
            term_months=1,
        )
        for _n in range(3)
    ]
    due = _current(loans[0])[0]
    items = [
        loan_services.PaymentItem(loan_id=loans[0].pk, amount=due.amount, value_date=due.due_on),
        loan_services.PaymentItem(loan_id=loans[1].pk, amount=D("100.00"), value_date=due.due_on),
        loan_services.PaymentItem(
            loan_id=loans[2].pk, amount=due.amount + D("5.00"), value_date=due.due_on
        ),
    ]

    loan_services.payments_book(items=items, source="statement", actor=network.staff)

    status = {loan.pk: Loan.objects.get(pk=loan.pk).status for loan in loans}
    assert status == {
        loans[0].pk: Loan.Status.REPAID,
        loans[1].pk: Loan.Status.RUNNING,
        loans[2].pk: Loan.Status.REPAID,
    }


# --- Early repayment -------------------------------------------------------------------------


def test_early_repayment_closes_the_loan_and_the_fund_exposure_drops_by_its_principal(
    loan, network, second_staff
):
    _pay_instalments(loan, 3, network.staff)
    day = datetime.date(2025, 5, 14)  # halfway through the May instalment's month
    fund = network.own_fund
    exposure_before = fund_figures(fund=fund).outstanding_exposure
    outstanding = loan_selectors.loan_ledger(loan=loan, today=day).balance.outstanding_principal

    payoff = payoff_amount(loan=loan, day=day)

    may = _current(loan)[3]
    # The principal not yet due, and the May period's interest for 14 of its 30 days.
    assert payoff.principal == outstanding
    assert payoff.arrears == 0
    assert payoff.accrued_interest == (may.interest * 14 / 30).quantize(D("0.01"))
    assert payoff.total == outstanding + payoff.accrued_interest
    with pytest.raises(ValidationError) as refused:
        servicing.loan_repay_early(
            loan=loan,
            value_date=day,
            amount=payoff.total - D("0.01"),
            actor=network.staff,
            today=day,
        )
    assert "amount" in refused.value.error_dict

    servicing.loan_repay_early(
        loan=loan, value_date=day, amount=payoff.total, actor=network.staff, today=day
    )

    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    assert loan.closed_on == day
    balance = loan_selectors.loan_ledger(loan=loan, today=day).balance
    assert balance.outstanding_principal == 0
    assert balance.unallocated == 0  # nothing counted twice, nothing left over
    assert balance.principal_repaid == loan.amount
    assert fund_figures(fund=fund).outstanding_exposure == exposure_before - outstanding
    final = V.objects.get(loan=loan, status=V.Status.ACTIVE)
    assert final.kind == V.Kind.EARLY_REPAYMENT
    assert sum(i.principal for i in _current(loan)) == loan.amount


def test_early_repayment_counts_what_was_paid_ahead(loan, network):
    _pay_instalments(loan, 2, network.staff)
    march_30 = datetime.date(2025, 3, 30)
    _pay(loan, D("700.00"), march_30, network.staff)  # ahead on April and May
    day = datetime.date(2025, 4, 10)
    payoff = payoff_amount(loan=loan, day=day)
    assert payoff.credit > 0

    servicing.loan_repay_early(
        loan=loan, value_date=day, amount=payoff.total, actor=network.staff, today=day
    )

    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    balance = loan_selectors.loan_ledger(loan=loan, today=day).balance
    assert balance.principal_repaid == loan.amount
    assert balance.unallocated == 0
