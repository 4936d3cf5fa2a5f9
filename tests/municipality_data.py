"""A municipality of two quarters with five loans of known figures, for the tests of the
municipality dashboard (the page, the report and the API)."""

import datetime
from decimal import Decimal

from django_scopes import scopes_disabled

from credits.models import Application, Loan
from monitoring.models import MonthlyCheck, QuarterRate
from tests import factories
from tests.conftest import Network

S = Application.Status
STARTUP, EXISTING = Application.Stage.STARTUP, Application.Stage.EXISTING

# The five loans: quarter ("own" Östliche Innenstadt, "sibling" Nordend, both Offenbach),
# payout, amount, status, trade, stage, jobs now, jobs planned.
LOANS = [
    ("own", "2010-03-01", "5000.00", Loan.Status.REPAID, "Schneiderei", EXISTING, 2, 3),
    ("own", "2010-06-01", "3000.00", Loan.Status.DEFAULTED, "schneiderei ", EXISTING, 1, 1),
    ("own", "2011-02-01", "4000.00", Loan.Status.RUNNING, "Imbiss", STARTUP, 0, 2),
    ("own", "2011-05-01", "6000.00", Loan.Status.REPAID, "SCHNEIDEREI", STARTUP, 1, 2),
    ("sibling", "2011-07-01", "2000.00", Loan.Status.REPAID, "Kiosk", EXISTING, 1, 1),
]


def loan_with_application(quarter, payout, amount, status, trade, stage, jobs_now, jobs_planned):
    day = datetime.date.fromisoformat(payout)
    application = factories.ApplicationFactory(
        quarter=quarter,
        status=S.APPROVED,
        trade=trade,
        stage=stage,
        jobs_now=jobs_now,
        jobs_planned=jobs_planned,
        amount=Decimal(amount),
        submitted_at=datetime.datetime(day.year, day.month, 1, tzinfo=datetime.UTC)
        - datetime.timedelta(days=20),
    )
    return factories.LoanFactory(
        borrower=application.borrower,
        application=application,
        amount=Decimal(amount),
        disbursed_on=day,
        status=status,
        closed_on=None if status == Loan.Status.RUNNING else day + datetime.timedelta(days=400),
    )


def offenbach_with_loans(network: Network) -> list[Loan]:
    """Offenbach's two quarters with the five loans, a withdrawn application (a bank
    financed), a rejected one, and two monthly checks."""
    quarters = {"own": network.own_quarter, "sibling": network.sibling_quarter}
    with scopes_disabled():
        loans = [loan_with_application(quarters[q], *rest) for q, *rest in LOANS]
        submitted = datetime.datetime(2011, 8, 1, tzinfo=datetime.UTC)
        factories.ApplicationFactory(
            quarter=network.own_quarter,
            status=S.WITHDRAWN,
            outcome=Application.Outcome.BANK_FINANCED,
            submitted_at=submitted,
        )
        factories.ApplicationFactory(
            quarter=network.sibling_quarter, status=S.REJECTED, submitted_at=submitted
        )
        # A Duisburg loan: never counted for Offenbach.
        factories.LoanFactory(borrower__quarter=network.foreign_quarter, amount=Decimal("9999"))
        for as_of, own, sibling in (
            (datetime.date(2011, 9, 15), (3, 1), (1, 0)),
            (datetime.date(2011, 10, 15), (3, 0), (1, 0)),
        ):
            check = MonthlyCheck.objects.create(
                as_of=as_of,
                status=MonthlyCheck.Status.DONE,
                active=4,
                disrupted=own[1],
                standard_percent=Decimal("10.00"),
                requires_qa=False,
            )
            QuarterRate.objects.create(
                check_run=check, quarter=network.own_quarter, active=own[0], disrupted=own[1]
            )
            QuarterRate.objects.create(
                check_run=check,
                quarter=network.sibling_quarter,
                active=sibling[0],
                disrupted=sibling[1],
            )
    return loans
