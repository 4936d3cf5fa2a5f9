"""Reads of the intensive-care list: the running loans in arrears today, longest past due first,
with the borrower's last contact and its next step. In the quarter scope: an advisor sees their
quarters' loans, the back office every loan, those outside the quarters included."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from credits.loan_selectors import Arrears, arrears_of_row, arrears_rows, loans_in_arrears
from credits.models import Loan

from .contact_selectors import last_contact


@dataclass(frozen=True)
class DisruptedLoan:
    loan: Loan
    arrears: Arrears
    last_contact_on: datetime.date | None
    next_step: str
    next_step_on: datetime.date | None


def disrupted_order(*, today: datetime.date, loans: QuerySet[Loan]) -> QuerySet:
    """The running loans of `loans` in arrears on `today` (rows of `arrears_rows`), longest
    past due first, then the larger amount, then the older loan. Ordered by the database, so
    a page of it is read on its own (a COUNT and a LIMIT), whatever the number of loans."""
    return arrears_rows(day=today, loans=loans.filter(status=Loan.Status.RUNNING)).order_by(
        "oldest", "-amount", "loan_id"
    )


def disrupted_count(*, today: datetime.date) -> int:
    """How many running loans of the scope are in arrears on `today` (one query)."""
    return loans_in_arrears(
        day=today, loans=Loan.objects.filter(status=Loan.Status.RUNNING)
    ).count()


def disrupted_rows(*, today: datetime.date, entries: list[dict]) -> list[DisruptedLoan]:
    """The rows of `entries` (a page of `disrupted_order`), in that order: one query for the
    loans with their borrower, quarter and last contact."""
    loans = {
        loan.pk: loan
        for loan in Loan.objects.filter(pk__in=[row["loan_id"] for row in entries])
        .select_related("borrower", "quarter__municipality")
        .annotate(
            last_contact_on=last_contact(today, "contacted_on"),
            last_next_step=last_contact(today, "next_step"),
            last_next_step_on=last_contact(today, "next_step_on"),
        )
    }
    return [
        DisruptedLoan(
            loan=loan,
            arrears=arrears_of_row(row, day=today),
            last_contact_on=loan.last_contact_on,
            next_step=loan.last_next_step or "",
            next_step_on=loan.last_next_step_on,
        )
        for row in entries
        if (loan := loans.get(row["loan_id"])) is not None
    ]
