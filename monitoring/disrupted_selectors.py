"""Reads of the intensive-care list: the running loans in arrears today, longest past due first,
with the borrower's last contact and its next step. In the quarter scope: an advisor sees their
quarters' loans, the back office every loan, those outside the quarters included."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from credits.loan_selectors import Arrears, arrears_at, loans_in_arrears
from credits.models import Loan

from .contact_models import Contact


@dataclass(frozen=True)
class DisruptedLoan:
    loan: Loan
    arrears: Arrears
    last_contact_on: datetime.date | None
    next_step: str
    next_step_on: datetime.date | None


def disrupted_order(*, today: datetime.date, loans: QuerySet[Loan]) -> list[tuple[int, Arrears]]:
    """The running loans of `loans` in arrears on `today` with their arrears, longest past due
    first (then the larger amount, then the older loan). One query, whatever the number of
    loans: the list is ordered in Python so that a page of it can be loaded on its own."""
    arrears = arrears_at(day=today, loans=loans.filter(status=Loan.Status.RUNNING))
    return sorted(
        arrears.items(), key=lambda item: (-item[1].days_past_due, -item[1].amount, item[0])
    )


def disrupted_count(*, today: datetime.date) -> int:
    """How many running loans of the scope are in arrears on `today` (one query)."""
    return loans_in_arrears(
        day=today, loans=Loan.objects.filter(status=Loan.Status.RUNNING)
    ).count()


def _last_contact(today: datetime.date, field: str) -> Subquery:
    # The base manager: the loans are already the scope's, and a borrower's contacts lie in
    # the borrower's quarter.
    return Subquery(
        Contact._base_manager.filter(borrower_id=OuterRef("borrower_id"), contacted_on__lte=today)
        .order_by("-contacted_on", "-pk")
        .values(field)[:1]
    )


def disrupted_rows(
    *, today: datetime.date, entries: list[tuple[int, Arrears]]
) -> list[DisruptedLoan]:
    """The rows of `entries` (a page of `disrupted_order`), in that order: one query for the
    loans with their borrower, quarter and last contact."""
    loans = {
        loan.pk: loan
        for loan in Loan.objects.filter(pk__in=[pk for pk, _arrears in entries])
        .select_related("borrower", "quarter__municipality")
        .annotate(
            last_contact_on=_last_contact(today, "contacted_on"),
            last_next_step=_last_contact(today, "next_step"),
            last_next_step_on=_last_contact(today, "next_step_on"),
        )
    }
    return [
        DisruptedLoan(
            loan=loan,
            arrears=arrears,
            last_contact_on=loan.last_contact_on,
            next_step=loan.last_next_step or "",
            next_step_on=loan.last_next_step_on,
        )
        for pk, arrears in entries
        if (loan := loans.get(pk)) is not None
    ]
