"""Reads of the contact log: a borrower's contacts, and who is due a contact.

The contact duty: every borrower with a running loan is heard from at least once a calendar
month (a borrower without a contact in the previous month nor in this one so far is due), and a
borrower whose loan is disrupted (an instalment due and unpaid, `loans_in_arrears`) once a week
until the loan is current again. The quarter scope decides whose duty it is: an advisor sees
the loans of their quarters, the back office every loan, those outside the quarters included.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from credits.loan_selectors import arrears_at, late_loan_ids, loans_in_arrears
from credits.models import Loan

from .contact_models import Contact

# A disrupted loan's borrower is due again when the last contact is this many days old.
WEEKLY_DAYS = 7


@dataclass(frozen=True)
class DueContact:
    loan: Loan
    weekly: bool  # disrupted: a contact every week, not every month
    last_contact_on: datetime.date | None
    days_past_due: int  # 0 for a loan that is current


def previous_month_start(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _contacts() -> QuerySet[Contact]:
    # The base manager: these subqueries are correlated with loans the caller's scope already
    # chose, and a borrower's contacts lie in the borrower's quarter.
    return Contact._base_manager.all()


def _contacted_since(day: datetime.date, today: datetime.date) -> Exists:
    return Exists(
        _contacts().filter(
            borrower_id=OuterRef("borrower_id"), contacted_on__gte=day, contacted_on__lte=today
        )
    )


def last_contact(today: datetime.date, field: str = "contacted_on") -> Subquery:
    """`field` of the borrower's latest contact up to `today`, for an outer loan query."""
    return Subquery(
        _contacts()
        .filter(borrower_id=OuterRef("borrower_id"), contacted_on__lte=today)
        .order_by("-contacted_on", "-pk")
        .values(field)[:1]
    )


def _due(
    *, today: datetime.date, loans: QuerySet[Loan] | None
) -> tuple[QuerySet[Loan], QuerySet[Loan]]:
    """The running loans due a contact on `today`: the disrupted ones not heard from this week,
    and the current ones not heard from since the start of the previous month."""
    running = (Loan.objects.all() if loans is None else loans).filter(
        status=Loan.Status.RUNNING, disbursed_on__lte=today
    )
    week_start = today - datetime.timedelta(days=WEEKLY_DAYS - 1)
    weekly = (
        loans_in_arrears(day=today, loans=running)
        .annotate(contacted=_contacted_since(week_start, today))
        .filter(contacted=False)
    )
    # `running` are paid out by today: in arrears are those of them with a late instalment that
    # are not closed by today. The ids of the late loans are hashed once (NOT IN): a join back
    # to the loans made the database probe every running loan's instalments.
    monthly = (
        running.exclude(
            Q(pk__in=late_loan_ids(day=today))
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=today))
        )
        .annotate(contacted=_contacted_since(previous_month_start(today), today))
        .filter(contacted=False)
    )
    return weekly, monthly


def due_contact_count(*, today: datetime.date, loans: QuerySet[Loan] | None = None) -> int:
    """How many borrowers' loans are due a contact: two COUNTs in the database, for the home
    pages (the worklist reads the rows)."""
    weekly, monthly = _due(today=today, loans=loans)
    return weekly.count() + monthly.count()


def due_contacts(*, today: datetime.date, loans: QuerySet[Loan] | None = None) -> list[DueContact]:
    """The running loans whose borrower is due a contact on `today`: the disrupted ones first,
    longest past due first, then the monthly ones, longest without contact first. Three
    queries, whatever the number of loans."""
    weekly_due, monthly_due = _due(today=today, loans=loans)
    disrupted = list(
        weekly_due.annotate(last_contact_on=last_contact(today)).select_related(
            "borrower", "quarter"
        )
    )
    arrears = arrears_at(day=today, loans=Loan.objects.filter(pk__in=[x.pk for x in disrupted]))
    monthly = list(
        monthly_due.annotate(last_contact_on=last_contact(today)).select_related(
            "borrower", "quarter"
        )
    )
    weekly_rows = sorted(
        (
            DueContact(
                loan=loan,
                weekly=True,
                last_contact_on=loan.last_contact_on,
                days_past_due=arrears[loan.pk].days_past_due if loan.pk in arrears else 0,
            )
            for loan in disrupted
        ),
        key=lambda row: (-row.days_past_due, row.loan.pk),
    )
    monthly_rows = sorted(
        (
            DueContact(
                loan=loan, weekly=False, last_contact_on=loan.last_contact_on, days_past_due=0
            )
            for loan in monthly
        ),
        key=lambda row: (row.last_contact_on or datetime.date.min, row.loan.pk),
    )
    return weekly_rows + monthly_rows


def contacts_of_borrower(*, borrower_id: int, limit: int = 10) -> list[Contact]:
    """The borrower's latest contacts, newest first, whatever loan they were about."""
    return list(
        Contact.objects.filter(borrower_id=borrower_id)
        .select_related("by", "loan")
        .order_by("-contacted_on", "-pk")[:limit]
    )


def contacts_of_loan(*, loan: Loan, limit: int = 10) -> list[Contact]:
    """The loan's borrower's latest contacts, newest first (a contact about another loan of the
    same borrower counts too: it is the borrower who was heard from)."""
    return contacts_of_borrower(borrower_id=loan.borrower_id, limit=limit)


def running_loans_of_borrower(*, borrower_id: int) -> list[Loan]:
    """The borrower's running loans, at most two: enough to tell none, one and several apart
    (a contact from the borrower's page is about their one running loan, or about none in
    particular when they have several)."""
    return list(
        Loan.objects.filter(borrower_id=borrower_id, status=Loan.Status.RUNNING).order_by("pk")[:2]
    )
