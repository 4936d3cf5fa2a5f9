"""Reads for the loan pages and the loan PDFs: the list's rows with their figures, a loan's
schedule with each instalment's state, and the preview of terms being typed in (a loan's
payments and balance: `loan_selectors.loan_ledger`). Every read asks the database a fixed
number of times, however many loans, instalments or payments there are (the list and the loan
page are measured)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from miqua.money import ZERO

from .loan_selectors import Arrears, arrears_at, principal_repaid_by_loan
from .loan_services import LoanTerms, first_instalment_month
from .models import Instalment, Loan
from .schedule import Method, effective_annual_rate, repayment_schedule


def loans_for_list() -> QuerySet[Loan]:
    """The loans of the scope with what the list shows of them, newest payout first."""
    return Loan.objects.select_related("borrower", "quarter__municipality", "application").order_by(
        "-disbursed_on", "-id"
    )


def pending_payouts() -> QuerySet[Loan]:
    """Payouts recorded and awaiting the second person's confirmation."""
    return Loan.objects.filter(status=Loan.Status.PENDING)


NOTHING_OWED = (Loan.Status.PENDING, Loan.Status.REPAID)


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    outstanding_principal: Decimal
    arrears: Arrears | None


def loan_rows(loans: Sequence[Loan], *, day: datetime.date) -> list[LoanRow]:
    """The list's figures for `loans` (one page, or the export): two queries for them all."""
    ids = [loan.pk for loan in loans]
    if not ids:
        return []
    repaid = principal_repaid_by_loan(loan_ids=ids)
    arrears = arrears_at(day=day, loans=Loan.objects.filter(pk__in=ids))
    return [
        LoanRow(
            loan=loan,
            # Pending: not paid out yet. Repaid: nothing owed, also for the loans of before the
            # ledger (typed in from paper files, without their payments).
            outstanding_principal=(
                ZERO if loan.status in NOTHING_OWED else loan.amount - repaid[loan.pk]
            ),
            arrears=arrears.get(loan.pk),
        )
        for loan in loans
    ]


# --- One loan's schedule ------------------------------------------------------------------


class InstalmentState:
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    OPEN = "open"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class ScheduleRow:
    instalment: Instalment
    state: str
    # Past due with something paid: shown as overdue, with the part paid.
    partly: bool

    @property
    def open_amount(self) -> Decimal:
        return self.instalment.open_amount


def instalment_state(instalment: Instalment, *, today: datetime.date) -> tuple[str, bool]:
    """Paid in full; past its due date and not paid in full (overdue); partly paid; open."""
    paid = instalment.paid
    if instalment.settled_on is not None or paid >= instalment.amount:
        return InstalmentState.PAID, False
    if instalment.due_on < today:
        return InstalmentState.OVERDUE, paid > 0
    if paid > 0:
        return InstalmentState.PARTLY_PAID, True
    return InstalmentState.OPEN, False


def current_schedule(*, loan: Loan, today: datetime.date) -> list[ScheduleRow]:
    """The instalments owed (`is_current`), each with its state today. One query."""
    rows = []
    for instalment in Instalment.objects.filter(loan=loan, is_current=True).order_by(
        "due_on", "number", "id"
    ):
        state, partly = instalment_state(instalment, today=today)
        rows.append(ScheduleRow(instalment, state, partly))
    return rows


@dataclass(frozen=True)
class ScheduleTotals:
    amount: Decimal
    interest: Decimal
    principal: Decimal
    paid: Decimal


def schedule_totals(rows: Iterable[ScheduleRow]) -> ScheduleTotals:
    instalments = [row.instalment for row in rows]
    return ScheduleTotals(
        amount=sum((i.amount for i in instalments), ZERO),
        interest=sum((i.interest for i in instalments), ZERO),
        principal=sum((i.principal for i in instalments), ZERO),
        paid=sum((i.paid for i in instalments), ZERO),
    )


# --- The preview of terms being typed in ---------------------------------------------------


@dataclass(frozen=True)
class TermsPreview:
    regular_instalment: Decimal  # the first instalment after the grace months
    grace_instalment: Decimal | None  # interest only, if there are grace months
    effective_rate: Decimal
    first_due_on: datetime.date
    last_due_on: datetime.date
    total_interest: Decimal
    count: int


def terms_preview(terms: LoanTerms) -> TermsPreview | None:
    """What the terms give: the instalment, the effective rate, the first and last due dates.
    None when the terms cannot make a schedule (the form says why)."""
    try:
        rows = repayment_schedule(
            amount=terms.amount,
            annual_rate_percent=terms.interest_rate,
            term_months=terms.term_months,
            grace_months=terms.grace_months,
            method=Method(terms.method),
            first_month=first_instalment_month(terms.disbursed_on),
            instalment_day=terms.instalment_day,
        )
    except (ValueError, ArithmeticError):
        return None
    regular = rows[terms.grace_months]
    return TermsPreview(
        regular_instalment=regular.interest + regular.principal,
        grace_instalment=rows[0].interest if terms.grace_months else None,
        effective_rate=effective_annual_rate(terms.interest_rate),
        first_due_on=rows[0].due_on,
        last_due_on=rows[-1].due_on,
        total_interest=sum((row.interest for row in rows), ZERO),
        count=len(rows),
    )
