"""Reads of the contact log: a borrower's contacts, and who is due a contact.

The contact duty: every borrower with a running loan is heard from at least once a calendar
month (a borrower without a contact in the previous month nor in this one so far is due), and a
borrower whose loan is disrupted (an instalment due and unpaid, `loans_in_arrears`) once a week
until the loan is current again. The quarter scope decides whose duty it is: an advisor sees
the loans of their quarters, the back office every loan, those outside the quarters included.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from credits.loan_selectors import arrears_rows, late_loan_ids, loans_in_arrears
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


class DueContacts:
    """The due contacts of `loans` (else of the scope) in the worklist's order, for a paginator:
    the disrupted ones first, longest past due first, then the monthly ones, longest without
    contact first. The database orders both parts, so a page is read on its own: two COUNTs
    and, per page, at most three queries, whatever the number of loans."""

    def __init__(self, *, today: datetime.date, loans: QuerySet[Loan] | None = None) -> None:
        weekly_due, monthly_due = _due(today=today, loans=loans)
        self.today = today
        # One row per loan: loan_id, amount, oldest (the oldest unpaid instalment's due date).
        self._weekly = arrears_rows(day=today, loans=weekly_due).order_by("oldest", "loan_id")
        self._monthly = (
            monthly_due.annotate(last_contact_on=last_contact(today))
            .select_related("borrower", "quarter")
            .order_by(F("last_contact_on").asc(nulls_first=True), "pk")
        )
        self._weekly_count: int | None = None

    def weekly_count(self) -> int:
        if self._weekly_count is None:
            self._weekly_count = self._weekly.count()
        return self._weekly_count

    def count(self) -> int:
        return self.weekly_count() + self._monthly.count()

    def __len__(self) -> int:
        return self.count()

    def _weekly_rows(self, entries: list[dict]) -> list[DueContact]:
        loans = Loan.objects.filter(pk__in=[row["loan_id"] for row in entries])
        by_pk = {
            loan.pk: loan
            for loan in loans.select_related("borrower", "quarter").annotate(
                last_contact_on=last_contact(self.today)
            )
        }
        return [
            DueContact(
                loan=loan,
                weekly=True,
                last_contact_on=loan.last_contact_on,
                days_past_due=(self.today - row["oldest"]).days,
            )
            for row in entries
            if (loan := by_pk.get(row["loan_id"])) is not None
        ]

    @staticmethod
    def _monthly_rows(loans: Iterable[Loan]) -> list[DueContact]:
        return [
            DueContact(
                loan=loan, weekly=False, last_contact_on=loan.last_contact_on, days_past_due=0
            )
            for loan in loans
        ]

    def __getitem__(self, key: slice) -> list[DueContact]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("DueContacts takes slices without a step")
        start = key.start or 0
        if key.stop is None:
            weekly = self._weekly_rows(list(self._weekly[start:]))
            skipped = max(start - (self.weekly_count() if start else 0), 0)
            return weekly + self._monthly_rows(self._monthly[skipped:])
        n = self.weekly_count()
        rows = []
        if start < n:
            rows += self._weekly_rows(list(self._weekly[start : min(key.stop, n)]))
        if key.stop > n:
            rows += self._monthly_rows(self._monthly[max(start - n, 0) : key.stop - n])
        return rows


def due_contacts(*, today: datetime.date, loans: QuerySet[Loan] | None = None) -> list[DueContact]:
    """Every due contact, in the worklist's order (`DueContacts`): four queries, whatever the
    number of loans."""
    return DueContacts(today=today, loans=loans)[0:None]


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
