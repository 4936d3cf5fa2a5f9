"""Reads of the monthly checks: the rate of disrupted loans per quarter, per municipality,
inside and outside the quarters and in total, and the history of the checks. The rows are in
the quarter scope (an advisor sees their quarters' rates); the totals of a check are the
network's."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from credits.loan_selectors import PAID_OUT_STATES
from credits.models import Loan
from miqua.money import ZERO, quantize_percent

from .check_models import CHECK_SETTINGS_PK
from .models import CheckSettings, LoanSnapshot, MonthlyCheck, QualityMeasure, QuarterRate

OUTSIDE_LABEL = _("Outside the quarters")
INSIDE_LABEL = _("Inside the quarters")
TOTAL_LABEL = _("Total")
MY_QUARTERS_LABEL = _("My quarters")


def rate_percent(disrupted: int, active: int) -> Decimal:
    """Disrupted loans in percent of the active ones (no active loans: 0 %)."""
    if not active:
        return quantize_percent(ZERO, 2)
    return quantize_percent(Decimal(disrupted) * 100 / Decimal(active), 2)


def above_standard(disrupted: int, active: int, standard: Decimal) -> bool:
    """More than `standard` percent of the active loans disrupted (the check's own rule: the
    standard itself is not above it)."""
    return disrupted * 100 > standard * active


@dataclass(frozen=True)
class Rate:
    label: str
    active: int
    disrupted: int
    # The standard of the check the rate belongs to (None: not compared).
    standard: Decimal | None = None

    @property
    def percent(self) -> Decimal:
        return rate_percent(self.disrupted, self.active)

    @property
    def above(self) -> bool:
        return self.standard is not None and above_standard(
            self.disrupted, self.active, self.standard
        )


def rates_by_quarter(*, check: MonthlyCheck) -> list[Rate]:
    """One rate per quarter with active loans, named "municipality – quarter", in the order of
    the quarters; the loans outside the quarters last, if any."""
    rows = (
        QuarterRate.objects.filter(check_run=check)
        .select_related("quarter__municipality")
        .order_by("quarter__municipality__name", "quarter__name")
    )
    standard = check.standard_percent
    inside = [Rate(str(r.quarter), r.active, r.disrupted, standard) for r in rows if r.quarter_id]
    outside = [
        Rate(str(OUTSIDE_LABEL), r.active, r.disrupted, standard)
        for r in rows
        if r.quarter_id is None
    ]
    return [*inside, *outside]


def rates_by_municipality(*, check: MonthlyCheck) -> list[Rate]:
    rows = (
        QuarterRate.objects.filter(check_run=check, quarter__isnull=False)
        .order_by("quarter__municipality__name")
        .values("quarter__municipality__name")
        .annotate(active_total=Sum("active"), disrupted_total=Sum("disrupted"))
    )
    return [
        Rate(
            r["quarter__municipality__name"],
            r["active_total"],
            r["disrupted_total"],
            check.standard_percent,
        )
        for r in rows
    ]


def rates_inside_outside(*, check: MonthlyCheck) -> tuple[Rate, Rate]:
    """The loans of the quarters and the loans outside the quarters, each as one rate."""
    sums = QuarterRate.objects.filter(check_run=check).aggregate(
        active_in=Sum("active", filter=Q(quarter__isnull=False)),
        disrupted_in=Sum("disrupted", filter=Q(quarter__isnull=False)),
        active_out=Sum("active", filter=Q(quarter__isnull=True)),
        disrupted_out=Sum("disrupted", filter=Q(quarter__isnull=True)),
    )
    return (
        Rate(
            str(INSIDE_LABEL),
            sums["active_in"] or 0,
            sums["disrupted_in"] or 0,
            check.standard_percent,
        ),
        Rate(
            str(OUTSIDE_LABEL),
            sums["active_out"] or 0,
            sums["disrupted_out"] or 0,
            check.standard_percent,
        ),
    )


def rate_total(*, check: MonthlyCheck) -> Rate:
    """The network's rate, as the check recorded it (all quarters and outside)."""
    return Rate(str(TOTAL_LABEL), check.active, check.disrupted, check.standard_percent)


def checks_history() -> list[MonthlyCheck]:
    """Every finished check, newest first, with its totals (rate: `rate_total`)."""
    return list(MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of"))


def check_for_month(*, as_of: datetime.date) -> MonthlyCheck | None:
    return MonthlyCheck.objects.filter(as_of=as_of, status=MonthlyCheck.Status.DONE).first()


def ever_disrupted_share() -> Decimal:
    """The share (percent) of the loans paid out (in the scope) that were in arrears on the
    15th of any month checked. Taken from the snapshots, not from the ledger: it counts what
    the checks found on their days, so a payment a few days late between two 15ths does not
    count, and loans from before the first check count only with what later checks found
    (their paper history says `had_disruptions`, which is not counted here)."""
    paid_out = Loan.objects.filter(status__in=PAID_OUT_STATES)
    counts = paid_out.aggregate(
        total=Count("pk"),
        disrupted=Count(
            "pk", filter=Q(pk__in=LoanSnapshot.objects.values("loan_id")), distinct=True
        ),
    )
    return rate_percent(counts["disrupted"], counts["total"])


def closed_repaid_share() -> Decimal:
    """The share (percent) of the closed loans (in the scope) that were repaid in full, not
    defaulted."""
    counts = Loan.objects.filter(status__in=[Loan.Status.REPAID, Loan.Status.DEFAULTED]).aggregate(
        total=Count("pk"), repaid=Count("pk", filter=Q(status=Loan.Status.REPAID))
    )
    return rate_percent(counts["repaid"], counts["total"])


@dataclass(frozen=True)
class MonthOfLoan:
    """A loan on one checked 15th: current, or disrupted with what it owed then."""

    as_of: datetime.date
    snapshot: LoanSnapshot | None

    @property
    def disrupted(self) -> bool:
        return self.snapshot is not None


def disruption_history(*, loan: Loan) -> list[MonthOfLoan]:
    """Every checked 15th of the loan's life (from its payout to its closing), newest first,
    with the loan's snapshot where it was disrupted. Two queries, whatever the loan's age.
    The caller has shown the loan may be seen: its snapshots are read unscoped, as a loan
    outside the quarters has no quarter to be scoped by."""
    if loan.disbursed_on is None:
        return []
    checks = MonthlyCheck.objects.filter(
        status=MonthlyCheck.Status.DONE, as_of__gte=loan.disbursed_on
    )
    if loan.closed_on is not None:
        checks = checks.filter(as_of__lt=loan.closed_on)
    snapshots = {
        s.check_run_id: s
        for s in LoanSnapshot._base_manager.filter(loan=loan, check_run__in=checks)
    }
    return [
        MonthOfLoan(as_of=check.as_of, snapshot=snapshots.get(check.pk))
        for check in checks.order_by("-as_of").only("pk", "as_of")
    ]


# --- The pages of the checks ------------------------------------------------------------------


class QaState:
    """Where a month stands with its quality assurance."""

    NOT_NEEDED = "not_needed"  # at or below the standard
    NONE_RECORDED = "none_recorded"  # above the standard, no measure yet
    OPEN = "open"  # measures recorded, some still open
    CLOSED = "closed"  # every measure closed


@dataclass(frozen=True)
class CheckRow:
    """One month of the history: the network's figures as the check recorded them, the rate of
    the user's own quarters (advisors; None for whoever sees every quarter) and its quality
    measures."""

    check: MonthlyCheck
    total: Rate
    own: Rate | None
    measures: int
    open_measures: int

    @property
    def qa_state(self) -> str:
        if not self.check.requires_qa:
            return QaState.NOT_NEEDED
        if not self.measures:
            return QaState.NONE_RECORDED
        return QaState.OPEN if self.open_measures else QaState.CLOSED


def _done_checks() -> QuerySet[MonthlyCheck]:
    return MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of")


def checks_overview(*, own_quarters: bool = False) -> list[CheckRow]:
    """Every finished check, newest first, with its count of measures and of open ones (one
    query); with `own_quarters` also the rate of the quarters in the scope (one more)."""
    checks = _done_checks().annotate(
        measure_count=Count("measures"),
        open_measure_count=Count("measures", filter=Q(measures__closed_at__isnull=True)),
    )
    own: dict[int, tuple[int, int]] = {}
    if own_quarters:
        own = {
            row["check_run_id"]: (row["active_total"], row["disrupted_total"])
            for row in QuarterRate.objects.filter(quarter__isnull=False)
            .order_by()
            .values("check_run_id")
            .annotate(active_total=Sum("active"), disrupted_total=Sum("disrupted"))
        }
    return [
        CheckRow(
            check=check,
            total=rate_total(check=check),
            own=Rate(str(MY_QUARTERS_LABEL), *own.get(check.pk, (0, 0)), check.standard_percent)
            if own_quarters
            else None,
            measures=check.measure_count,  # type: ignore[attr-defined]
            open_measures=check.open_measure_count,  # type: ignore[attr-defined]
        )
        for check in checks
    ]


@dataclass(frozen=True)
class QuarterMonth:
    check: MonthlyCheck
    rate: Rate


def quarter_rate_history(*, quarter: object) -> list[QuarterMonth]:
    """The rate of one quarter on every 15th checked, newest first, against each month's
    standard (a month without its active loans: 0 of 0). Two queries."""
    rows = {
        r.check_run_id: r
        for r in QuarterRate.objects.filter(quarter=quarter).only(
            "check_run_id", "active", "disrupted"
        )
    }
    label = str(quarter)
    history = []
    for check in _done_checks():
        row = rows.get(check.pk)
        history.append(
            QuarterMonth(
                check=check,
                rate=Rate(
                    label,
                    row.active if row else 0,
                    row.disrupted if row else 0,
                    check.standard_percent,
                ),
            )
        )
    return history


def own_rate(*, check: MonthlyCheck) -> Rate:
    """The rate of the quarters in the scope together (an advisor's quarters)."""
    sums = QuarterRate.objects.filter(check_run=check, quarter__isnull=False).aggregate(
        active_total=Sum("active"), disrupted_total=Sum("disrupted")
    )
    return Rate(
        str(MY_QUARTERS_LABEL),
        sums["active_total"] or 0,
        sums["disrupted_total"] or 0,
        check.standard_percent,
    )


def arrears_of_check(*, check: MonthlyCheck) -> QuerySet[LoanSnapshot]:
    """The loans in arrears on the check's day (in the scope), longest past due first, with
    what the page shows of each loan in the same query."""
    return (
        LoanSnapshot.objects.filter(check_run=check)
        .select_related("loan__borrower", "quarter")
        .order_by("-days_past_due", "loan__contract_number", "pk")
    )


def measures_of_check(*, check: MonthlyCheck) -> list[QualityMeasure]:
    """The month's quality measures, oldest first, with who recorded and closed them."""
    return list(
        QualityMeasure.objects.filter(check_run=check)
        .select_related("recorded_by", "closed_by")
        .order_by("recorded_at", "pk")
    )


def check_settings() -> CheckSettings | None:
    """The settings staff set (None: none set yet, the Django setting applies)."""
    return CheckSettings.objects.filter(pk=CHECK_SETTINGS_PK).first()


def latest_check() -> MonthlyCheck | None:
    """The newest finished check, with its count of open quality measures."""
    return (
        _done_checks()
        .annotate(open_measure_count=Count("measures", filter=Q(measures__closed_at__isnull=True)))
        .first()
    )
