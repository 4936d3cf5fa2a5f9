"""Reads about applications, inside the active quarter scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from guarantors.models import Guarantee, Guarantor
from miqua.money import ZERO, quantize_eur
from quarters.models import Quarter

from .calculations import monthly_instalment
from .models import Application, Borrower, CapacityReservation, Loan, LoanProduct
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


@dataclass(frozen=True)
class GuaranteeCover:
    count: int
    total: Decimal
    required_total: Decimal
    required_count: int

    @property
    def is_sufficient(self) -> bool:
        return self.count >= self.required_count and self.total >= self.required_total

    @property
    def missing_total(self) -> Decimal:
        return max(self.required_total - self.total, ZERO)


def guarantee_cover(*, application: Application) -> GuaranteeCover:
    totals = application.guarantees.aggregate(count=Count("id"), total=Sum("amount"))
    amount = application.amount or ZERO
    required = quantize_eur(amount * application.product.guarantee_share / 100)
    return GuaranteeCover(
        count=totals["count"],
        total=totals["total"] or ZERO,
        required_total=required,
        required_count=application.product.min_guarantors,
    )


def open_guarantee_totals(*, guarantor_ids: list[int]) -> dict[int, Decimal]:
    """What each guarantor currently stands for: guarantees on applications still open or
    approved with a loan not yet repaid (rejected, withdrawn and repaid ones are over)."""
    rows = (
        Guarantee.objects.filter(guarantor_id__in=guarantor_ids)
        .exclude(
            application__status__in=[Application.Status.REJECTED, Application.Status.WITHDRAWN]
        )
        .exclude(application__loan__status__in=[Loan.Status.REPAID])
        .values("guarantor_id")
        .annotate(total=Sum("amount"))
    )
    totals = {row["guarantor_id"]: row["total"] for row in rows}
    return {gid: totals.get(gid) or ZERO for gid in guarantor_ids}


def guarantees_with_open_totals(*, application: Application) -> list[tuple[Guarantee, Decimal]]:
    guarantees = list(application.guarantees.select_related("guarantor"))
    totals = open_guarantee_totals(guarantor_ids=[g.guarantor_id for g in guarantees])
    return [(g, totals[g.guarantor_id]) for g in guarantees]


def guarantors_of_quarter(*, quarter: Quarter) -> QuerySet[Guarantor]:
    return Guarantor.objects.filter(quarter=quarter).order_by("last_name", "first_name")


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


def applications_list(*, include_final: bool = True) -> QuerySet[Application]:
    qs = Application.objects.select_related("borrower", "quarter__municipality", "advisor")
    if not include_final:
        qs = qs.exclude(status__in=FINAL_STATES)
    return qs


def status_counts(*, applications: QuerySet[Application] | None = None) -> dict[str, int]:
    """How many applications are in each status: of all the user sees, or of `applications`
    (a filtered list, so the counts next to the status tabs match what the tabs show)."""
    qs = Application.objects.all() if applications is None else applications
    # order_by(): an ordering left on the queryset would be grouped by too and split the counts.
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def fund_exposure_by_quarter(quarter_ids: list[int]) -> dict[int, Decimal]:
    """What each quarter's fund is liable for: its running loans and the approvals not yet
    paid out (active capacity reservations). Registered with `quarters.registry` in
    `CreditsConfig.ready()`, so the fund's figures include it; two queries for any number of
    quarters.

    Until repayments are recorded (loans issue) a running loan counts with its full amount.
    """
    totals = dict.fromkeys(quarter_ids, ZERO)
    loans = (
        Loan.objects.filter(quarter_id__in=quarter_ids, status=Loan.Status.RUNNING)
        .values("quarter_id")
        .annotate(total=Sum("amount"))
    )
    reservations = (
        CapacityReservation.objects.filter(quarter_id__in=quarter_ids, released_at__isnull=True)
        .values("quarter_id")
        .annotate(total=Sum("amount"))
    )
    for row in [*loans, *reservations]:
        totals[row["quarter_id"]] += row["total"]
    return totals
