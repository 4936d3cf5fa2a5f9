"""Reads of the monthly checks: the rate of disrupted loans per quarter, per municipality,
inside and outside the quarters and in total, and the history of the checks. The rows are in
the quarter scope (an advisor sees their quarters' rates); the totals of a check are the
network's."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from credits.loan_selectors import PAID_OUT_STATES
from credits.models import Loan
from miqua.money import ZERO, quantize_percent

from .models import LoanSnapshot, MonthlyCheck, QuarterRate

OUTSIDE_LABEL = _("Outside the quarters")
INSIDE_LABEL = _("Inside the quarters")
TOTAL_LABEL = _("Total")


def rate_percent(disrupted: int, active: int) -> Decimal:
    """Disrupted loans in percent of the active ones (no active loans: 0 %)."""
    if not active:
        return quantize_percent(ZERO, 2)
    return quantize_percent(Decimal(disrupted) * 100 / Decimal(active), 2)


@dataclass(frozen=True)
class Rate:
    label: str
    active: int
    disrupted: int

    @property
    def percent(self) -> Decimal:
        return rate_percent(self.disrupted, self.active)


def rates_by_quarter(*, check: MonthlyCheck) -> list[Rate]:
    """One rate per quarter with active loans, named "municipality – quarter", in the order of
    the quarters; the loans outside the quarters last, if any."""
    rows = (
        QuarterRate.objects.filter(check_run=check)
        .select_related("quarter__municipality")
        .order_by("quarter__municipality__name", "quarter__name")
    )
    inside = [Rate(str(r.quarter), r.active, r.disrupted) for r in rows if r.quarter_id]
    outside = [
        Rate(str(OUTSIDE_LABEL), r.active, r.disrupted) for r in rows if r.quarter_id is None
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
        Rate(r["quarter__municipality__name"], r["active_total"], r["disrupted_total"])
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
        Rate(str(INSIDE_LABEL), sums["active_in"] or 0, sums["disrupted_in"] or 0),
        Rate(str(OUTSIDE_LABEL), sums["active_out"] or 0, sums["disrupted_out"] or 0),
    )


def rate_total(*, check: MonthlyCheck) -> Rate:
    """The network's rate, as the check recorded it (all quarters and outside)."""
    return Rate(str(TOTAL_LABEL), check.active, check.disrupted)


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
