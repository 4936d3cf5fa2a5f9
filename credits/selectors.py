"""Reads about applications, inside the active quarter scope."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from miqua.money import ZERO, quantize_eur, quantize_percent
from quarters.models import Quarter
from quarters.selectors import fund_figures

from .calculations import grace_interest, monthly_instalment
from .loan_selectors import Arrears, arrears_at
from .models import Application, Borrower, Loan, LoanProduct
from .workflow import FINAL_STATES


def product_for_quarter(*, quarter: Quarter) -> LoanProduct | None:
    """The quarter's own active product, else the network's."""
    products = LoanProduct.objects.filter(is_active=True).filter(
        Q(quarter=quarter) | Q(quarter__isnull=True)
    )
    # The quarter's own sorts first. Said explicitly: in ascending order PostgreSQL puts NULLs
    # last, but SQLite puts them first.
    return products.order_by(F("quarter_id").asc(nulls_last=True)).first()


def earlier_loans(*, borrower: Borrower, application: Application | None = None) -> QuerySet[Loan]:
    loans = borrower.loans.all()
    if application is not None and application.pk:
        loans = loans.exclude(application=application)
    return loans.order_by("disbursed_on")


def loan_cycle(*, borrower: Borrower, application: Application | None = None) -> int:
    """1 for a first loan, 2 for the second ...: earlier loans of the person plus one."""
    return earlier_loans(borrower=borrower, application=application).count() + 1


def find_borrower(
    *, quarter: Quarter, first_name: str, last_name: str, date_of_birth: object
) -> Borrower | None:
    """Recognise a person who applies again: same quarter, same names, same date of birth.

    The names are compared in Python, case-folded: SQLite's case-insensitive matching knows
    ASCII only, so "ÖZTÜRK" would not find "Öztürk" there. The database narrows to the few
    people of the quarter born that day first.
    """
    wanted = (first_name.strip().casefold(), last_name.strip().casefold())
    candidates = Borrower.objects.filter(quarter=quarter, date_of_birth=date_of_birth).order_by(
        "created_at", "pk"
    )
    for borrower in candidates:
        if (
            borrower.first_name.strip().casefold(),
            borrower.last_name.strip().casefold(),
        ) == wanted:
            return borrower
    return None


def instalment_of(*, application: Application) -> Decimal | None:
    if not application.amount or not application.term_months:
        return None
    if application.grace_months >= application.term_months:
        return None
    return monthly_instalment(
        amount=application.amount,
        annual_rate_percent=application.product.interest_rate,
        term_months=application.term_months,
        grace_months=application.grace_months,
    )


# --- The application in figures: one read model for its page, the prepare page and the PDF ----


@dataclass(frozen=True)
class Affordability:
    """The free cash flow against the instalment: what is left each month."""

    free_cash_flow: Decimal
    instalment: Decimal
    remaining: Decimal

    @property
    def carries(self) -> bool:
        return self.remaining >= 0


@dataclass(frozen=True)
class ApplicationFigures:
    """The request and the assessment in numbers, as saved. Computed here only: the step pages,
    the overview, the prepare page and the decision template all show these."""

    loan_cycle: int
    # The largest amount this person may borrow now (step limits of the product).
    cycle_limit: Decimal
    instalment: Decimal | None
    # What a grace month costs: the interest only (None without an amount or grace months).
    grace_interest: Decimal | None
    free_cash_flow: Decimal | None
    # Share of the free cash flow the instalment takes, in percent (None if not computable).
    instalment_share: Decimal | None
    # Where the application stands in the target-group matrix: (potential, handicap), or None
    # while either is not judged yet.
    quadrant: tuple[str, str] | None

    @property
    def affordability(self) -> Affordability | None:
        if self.instalment is None or self.free_cash_flow is None:
            return None
        return Affordability(
            self.free_cash_flow, self.instalment, self.free_cash_flow - self.instalment
        )


def application_figures(*, application: Application) -> ApplicationFigures:
    cycle = loan_cycle(borrower=application.borrower, application=application)
    instalment = instalment_of(application=application)
    free_cash_flow = application.free_cash_flow
    share = None
    if instalment is not None and free_cash_flow is not None and free_cash_flow > 0:
        share = quantize_percent(instalment * 100 / free_cash_flow)
    quadrant = (application.potential, application.handicap)
    return ApplicationFigures(
        loan_cycle=cycle,
        cycle_limit=application.product.max_amount_for_cycle(cycle),
        instalment=instalment,
        grace_interest=(
            grace_interest(
                amount=application.amount, annual_rate_percent=application.product.interest_rate
            )
            if application.amount and application.grace_months
            else None
        ),
        free_cash_flow=quantize_eur(free_cash_flow) if free_cash_flow is not None else None,
        instalment_share=share,
        quadrant=quadrant if all(quadrant) else None,
    )


@dataclass(frozen=True)
class CapacityCheck:
    """The quarter's lending capacity before and after this loan."""

    lending_capacity: Decimal
    outstanding_exposure: Decimal
    before: Decimal
    after: Decimal

    @property
    def exceeded(self) -> bool:
        return self.after < 0

    @property
    def exceeded_by(self) -> Decimal:
        return -self.after if self.after < 0 else ZERO


def capacity_check(*, application: Application) -> CapacityCheck | None:
    fund = getattr(application.quarter, "fund", None)
    if fund is None:
        return None
    figures = fund_figures(fund=fund)
    amount = application.amount or ZERO
    before = figures.available_capacity
    # Once paid out, the loan is part of the outstanding exposure already.
    if Loan.objects.filter(application=application, status=Loan.Status.RUNNING).exists():
        before += amount
    return CapacityCheck(
        lending_capacity=figures.lending_capacity,
        outstanding_exposure=figures.outstanding_exposure,
        before=before,
        after=before - amount,
    )


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class DecisionFacts:
    """What the committee decides on: the read model of the decision template, for the back
    office's prepare page and the PDF. Parts added by other apps (the guarantees) bring their
    own, see `credits.extensions`."""

    application: Application
    borrower: Borrower
    age: int | None  # None: the date of birth was erased
    figures: ApplicationFigures
    earlier_loans: list[Loan]
    capacity: CapacityCheck | None


def decision_facts(
    *, application: Application, today: datetime.date | None = None
) -> DecisionFacts:
    today = today or timezone.localdate()
    borrower = application.borrower
    return DecisionFacts(
        application=application,
        borrower=borrower,
        age=age_on(borrower.date_of_birth, today) if borrower.date_of_birth else None,
        figures=application_figures(application=application),
        earlier_loans=list(earlier_loans(borrower=borrower, application=application)),
        capacity=capacity_check(application=application),
    )


# --- A borrower's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class BorrowerLoan:
    loan: Loan
    arrears: Arrears | None  # on the day asked; None: nothing due and unpaid


@dataclass(frozen=True)
class BorrowerOverview:
    """What the borrower's page shows besides the person."""

    applications: list[Application]  # newest first
    loans: list[BorrowerLoan]  # newest payout first


def borrower_overview(*, borrower: Borrower, today: datetime.date) -> BorrowerOverview:
    """The borrower's applications and loans, each loan with its arrears on `today`. Three
    queries, however many applications and loans."""
    applications = list(
        Application.objects.filter(borrower=borrower).order_by("-created_at", "-pk")
    )
    loans = Loan.objects.filter(borrower=borrower)
    rows = list(loans.order_by("-disbursed_on", "-pk"))
    arrears = arrears_at(day=today, loans=loans) if rows else {}
    return BorrowerOverview(
        applications=applications,
        loans=[BorrowerLoan(loan=loan, arrears=arrears.get(loan.pk)) for loan in rows],
    )


# --- Lists ------------------------------------------------------------------------------------


def applications_list(*, include_final: bool = True) -> QuerySet[Application]:
    qs = Application.objects.select_related("borrower", "quarter__municipality", "advisor")
    if not include_final:
        qs = qs.exclude(status__in=FINAL_STATES)
    return qs


def found_if_few(applications: QuerySet[Application], *, limit: int) -> list[Any] | None:
    """Each of `applications` as (pk, status, updated_at) if there are at most `limit` of
    them, else None: one query, which stops once it has found more."""
    rows = applications.order_by().values_list("pk", "status", "updated_at", named=True)
    found = list(rows[: limit + 1])
    return None if len(found) > limit else found


def status_counts(*, applications: QuerySet[Application] | None = None) -> dict[str, int]:
    """How many applications are in each status: of all the user sees, or of `applications`
    (a filtered list, so the counts next to the status tabs match what the tabs show)."""
    qs = Application.objects.all() if applications is None else applications
    # order_by(): an ordering left on the queryset would be grouped by too and split the counts.
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
