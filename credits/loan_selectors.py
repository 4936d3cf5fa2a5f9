"""Reads of loans, in the active quarter scope: what is owed, paid and in arrears, summed by
the database from the ledger (instalments, payments, allocations), for one loan or for the
whole portfolio at once. The monthly check on the 15th and the dashboards stand on
`arrears_at`."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from miqua.money import ZERO, quantize_eur, quantize_percent

from .models import Allocation, CapacityReservation, Instalment, Loan, Payment

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
# The states in which a loan has been paid out (a pending one has not, for the ledger).
PAID_OUT_STATES = (Loan.Status.RUNNING, Loan.Status.REPAID, Loan.Status.DEFAULTED)


def _money(expression: object) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=MONEY_FIELD)


def _paid_by_day(day: datetime.date) -> Subquery:
    """What the instalment of the outer query had been paid by `day` (value dates)."""
    return Subquery(
        Allocation.objects.filter(instalment=OuterRef("pk"), value_date__lte=day)
        .order_by()
        .values("instalment")
        .annotate(total=Sum(F("interest") + F("principal")))
        .values("total"),
        output_field=MONEY_FIELD,
    )


@dataclass(frozen=True)
class Arrears:
    """A loan's arrears at a date: the instalments due by then and not paid by then."""

    amount: Decimal
    oldest_due_on: datetime.date
    days_past_due: int


def arrears_rows(
    *,
    day: datetime.date,
    loans: QuerySet[Loan] | list[int] | None = None,
    fields: tuple[str, ...] = (),
) -> QuerySet:
    """The arrears of `arrears_at` as a values() queryset, one row per loan in arrears:
    loan_id, amount (unpaid on `day`), oldest (due date of the oldest unpaid instalment), and
    the instalment's `fields` (facts of the loan, e.g. "loan__quarter_id": one value per loan,
    so the rows stay one per loan). Callers that write a row per loan (the monthly check) read
    them in one query."""
    paid_by_day = _paid_by_day(day)
    instalments = Instalment.objects.filter(
        is_current=True,
        due_on__lte=day,
        loan__status__in=PAID_OUT_STATES,
        loan__disbursed_on__lte=day,
    ).filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day))
    instalments = instalments.filter(Q(loan__closed_on__isnull=True) | Q(loan__closed_on__gt=day))
    if loans is not None:
        instalments = instalments.filter(loan__in=loans)
    return (
        instalments.annotate(
            unpaid=ExpressionWrapper(
                F("interest") + F("principal") - _money(paid_by_day), output_field=MONEY_FIELD
            )
        )
        .filter(unpaid__gt=0)
        .order_by()
        .values("loan_id", *fields)
        .annotate(amount=Sum("unpaid"), oldest=Min("due_on"))
    )


def arrears_at(
    *, day: datetime.date, loans: QuerySet[Loan] | list[int] | None = None
) -> dict[int, Arrears]:
    """Every loan (of `loans`, a queryset or ids, else of the scope) that was running on `day`
    with an instalment due by then and not paid in full by payments of value date up to then:
    loan id -> arrears.
    Loans without arrears are absent. One query, whatever the number of loans.

    An instalment due on `day` itself counts as due (the check on the 15th asks for due and
    unpaid instalments); one settled later than `day` counts with what was unpaid on `day`."""
    return {
        row["loan_id"]: arrears_of_row(row, day=day) for row in arrears_rows(day=day, loans=loans)
    }


def arrears_of_row(row: dict, *, day: datetime.date) -> Arrears:
    """One row of `arrears_rows` as the loan's arrears on `day`."""
    return Arrears(
        amount=quantize_eur(row["amount"]),
        oldest_due_on=row["oldest"],
        days_past_due=(day - row["oldest"]).days,
    )


def late_loan_ids(*, day: datetime.date) -> QuerySet:
    """The ids of the loans with a current instalment due by `day` and unpaid on `day` (a
    values() queryset, for `pk__in`; the loan's own state is the caller's to check)."""
    paid_by_day = _paid_by_day(day)
    return (
        Instalment.objects.filter(is_current=True, due_on__lte=day)
        .filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day))
        .annotate(
            unpaid=ExpressionWrapper(
                F("interest") + F("principal") - _money(paid_by_day), output_field=MONEY_FIELD
            ),
            unpaid_now=ExpressionWrapper(
                F("interest") + F("principal") - F("paid_interest") - F("paid_principal"),
                output_field=MONEY_FIELD,
            ),
        )
        # Short cut first: an instalment still open today (its paid_* are every allocation's,
        # and payments are above zero) was unpaid on `day` too, without summing allocations;
        # only the others (settled after `day`) need the sum of what was paid by `day`.
        .filter(Q(settled_on__isnull=True, unpaid_now__gt=0) | Q(unpaid__gt=0))
        .values("loan_id")
    )


def loans_in_arrears(*, day: datetime.date, loans: QuerySet[Loan] | None = None) -> QuerySet[Loan]:
    """The loans with an instalment due by `day` and unpaid on `day` (for filters: a queryset,
    not a list, so it can be combined and paginated)."""
    base = Loan.objects.all() if loans is None else loans
    return base.filter(
        pk__in=late_loan_ids(day=day), status__in=PAID_OUT_STATES, disbursed_on__lte=day
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def principal_repaid_by_loan(*, loan_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        Allocation.objects.filter(loan_id__in=loan_ids)
        .order_by()
        .values("loan_id")
        .annotate(total=Sum("principal"))
    )
    totals = {row["loan_id"]: row["total"] for row in rows}
    return {loan_id: totals.get(loan_id) or ZERO for loan_id in loan_ids}


def allocation_sums_by_instalment(*, loan_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    rows = (
        Allocation.objects.filter(loan_id__in=loan_ids)
        .order_by()
        .values("instalment_id")
        .annotate(interest_total=Sum("interest"), principal_total=Sum("principal"))
    )
    return {row["instalment_id"]: (row["interest_total"], row["principal_total"]) for row in rows}


@dataclass(frozen=True)
class LoanBalance:
    """A loan's account today, from its ledger."""

    amount: Decimal
    paid: Decimal  # every payment received
    principal_repaid: Decimal
    interest_paid: Decimal
    outstanding_principal: Decimal
    # Paid ahead: allocated to instalments not yet due, plus what no instalment took.
    credit: Decimal
    unallocated: Decimal


@dataclass(frozen=True)
class PaymentRow:
    """A payment with what it paid: interest, principal, and what no instalment took (credit),
    and the principal still owed after it."""

    payment: Payment
    interest: Decimal
    principal: Decimal
    unallocated: Decimal
    principal_owed_after: Decimal


@dataclass(frozen=True)
class LoanLedger:
    """A loan's payments in the order of their value dates, and its balance today."""

    payments: list[PaymentRow]
    balance: LoanBalance


def loan_ledger(*, loan: Loan, today: datetime.date) -> LoanLedger:
    """Two queries, however many payments the loan has: the allocations summed per payment
    (with what they paid to instalments due after `today`: paid ahead), and the payments."""
    sums = (
        Allocation.objects.filter(loan=loan)
        .order_by()
        .values("payment_id")
        .annotate(
            interest_total=Sum("interest"),
            principal_total=Sum("principal"),
            ahead=_money(
                Sum(F("interest") + F("principal"), filter=Q(instalment__due_on__gt=today))
            ),
        )
    )
    by_payment = {row["payment_id"]: row for row in sums}
    rows = []
    owed = loan.amount
    for payment in Payment.objects.filter(loan=loan).select_related("recorded_by"):
        row = by_payment.get(payment.pk, {})
        interest = row.get("interest_total", ZERO)
        principal = row.get("principal_total", ZERO)
        owed -= principal
        rows.append(
            PaymentRow(
                payment=payment,
                interest=interest,
                principal=principal,
                unallocated=payment.amount - interest - principal,
                principal_owed_after=owed,
            )
        )
    paid = sum((row.payment.amount for row in rows), ZERO)
    interest_paid = sum((row.interest for row in rows), ZERO)
    principal_repaid = sum((row.principal for row in rows), ZERO)
    unallocated = paid - interest_paid - principal_repaid
    balance = LoanBalance(
        amount=loan.amount,
        paid=paid,
        principal_repaid=principal_repaid,
        interest_paid=interest_paid,
        outstanding_principal=loan.amount - principal_repaid,
        credit=sum((row["ahead"] for row in by_payment.values()), ZERO) + unallocated,
        unallocated=unallocated,
    )
    return LoanLedger(rows, balance)


def fund_exposure_by_quarter(quarter_ids: list[int]) -> dict[int, Decimal]:
    """What each quarter's fund is liable for: the outstanding principal of its running loans
    (paid out less the principal repaid, from the allocations) and the approvals not yet paid
    out (open capacity reservations). Registered with `quarters.registry` in
    `CreditsConfig.ready()`, so the fund's figures include it; three queries for any number
    of quarters. A loan outside the quarters has no quarter and never counts here."""
    totals = dict.fromkeys(quarter_ids, ZERO)
    running = Loan.objects.filter(quarter_id__in=quarter_ids, status=Loan.Status.RUNNING)
    paid_out = running.order_by().values("quarter_id").annotate(total=Sum("amount"))
    repaid = (
        Allocation.objects.filter(quarter_id__in=quarter_ids, loan__status=Loan.Status.RUNNING)
        .order_by()
        .values("quarter_id")
        .annotate(total=Sum("principal"))
    )
    reservations = (
        CapacityReservation.objects.filter(quarter_id__in=quarter_ids, released_at__isnull=True)
        .order_by()
        .values("quarter_id")
        .annotate(total=Sum("amount"))
    )
    for row in [*paid_out, *reservations]:
        totals[row["quarter_id"]] += row["total"]
    for row in repaid:
        totals[row["quarter_id"]] -= row["total"]
    return totals


@dataclass(frozen=True)
class PortfolioShare:
    """Running loans inside the quarters and outside them: how many, how much outstanding."""

    inside_count: int
    inside_outstanding: Decimal
    outside_count: int
    outside_outstanding: Decimal

    @property
    def outside_share_percent(self) -> Decimal:
        """The share of the outstanding principal lent outside the quarters, in percent."""
        total = self.inside_outstanding + self.outside_outstanding
        if total <= 0:
            return Decimal("0.0")
        return quantize_percent(self.outside_outstanding * 100 / total)


def portfolio_share() -> PortfolioShare:
    """Two queries over the running loans of the scope, whatever their number."""
    running = Loan.objects.filter(status=Loan.Status.RUNNING).order_by()
    outside = Q(quarter__isnull=True)
    counts = running.aggregate(
        inside_count=Count("pk", filter=~outside),
        outside_count=Count("pk", filter=outside),
        inside_amount=_money(Sum("amount", filter=~outside)),
        outside_amount=_money(Sum("amount", filter=outside)),
    )
    repaid = Allocation.objects.filter(loan__status=Loan.Status.RUNNING).aggregate(
        inside_repaid=_money(Sum("principal", filter=Q(loan__quarter__isnull=False))),
        outside_repaid=_money(Sum("principal", filter=Q(loan__quarter__isnull=True))),
    )
    return PortfolioShare(
        inside_count=counts["inside_count"],
        inside_outstanding=counts["inside_amount"] - repaid["inside_repaid"],
        outside_count=counts["outside_count"],
        outside_outstanding=counts["outside_amount"] - repaid["outside_repaid"],
    )
