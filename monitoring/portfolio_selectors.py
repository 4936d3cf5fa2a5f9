"""Reads of the staff portfolio dashboard: the whole portfolio's figures, summed by the database
(aggregates over loans, allocations, payments and the funds' ledger; no loop over loans), in the
active quarter scope. Staff see every quarter and the loans outside the quarters.

The figures that a municipality's or a quarter's page could use as well take `quarters=` (a
queryset of quarters, None: the whole scope). A constant number of queries, whatever the number
of loans and quarters.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from credits.loan_selectors import (
    MONEY_FIELD,
    PAID_OUT_STATES,
    PortfolioShare,
    arrears_rows,
)
from credits.models import Allocation, FundLedgerEntry, Loan, Payment
from guarantors.models import GuarantorClaim
from miqua.money import ZERO, quantize_eur, quantize_percent
from quarters.models import Quarter
from quarters.selectors import NetworkTotals, QuarterOverview, quarter_overviews, totals_of

from . import selectors
from .models import MonthlyCheck, QuarterRate

# Portfolio at risk: loans whose oldest unpaid instalment is more than this many days past due.
PAR_DAYS = (30, 90)
CLOSED_STATES = (Loan.Status.REPAID, Loan.Status.DEFAULTED)


def _money(expression: object) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=MONEY_FIELD)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    """`part` in percent of `whole`, one decimal (no whole: 0 %)."""
    if whole <= 0:
        return quantize_percent(ZERO)
    return quantize_percent(part * 100 / whole)


def _loans(quarters: QuerySet[Quarter] | None) -> QuerySet[Loan]:
    loans = Loan.objects.order_by()
    return loans if quarters is None else loans.filter(quarter__in=quarters)


def _allocations(quarters: QuerySet[Quarter] | None) -> QuerySet[Allocation]:
    allocations = Allocation.objects.order_by()
    return allocations if quarters is None else allocations.filter(quarter__in=quarters)


# --- Disbursements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disbursed:
    """Loans paid out (running, repaid or defaulted): how many, how much."""

    count: int
    volume: Decimal


NOTHING = Disbursed(count=0, volume=ZERO)


@dataclass(frozen=True)
class YearDisbursed(Disbursed):
    year: int


def disbursements_by_year(*, quarters: QuerySet[Quarter] | None = None) -> list[YearDisbursed]:
    """The loans paid out in each calendar year, oldest year first (one query)."""
    rows = (
        _loans(quarters)
        .filter(status__in=PAID_OUT_STATES)
        .annotate(year=ExtractYear("disbursed_on"))
        .values("year")
        .annotate(n=Count("pk"), volume=_money(Sum("amount")))
        .order_by("year")
    )
    return [
        YearDisbursed(year=r["year"], count=r["n"], volume=quantize_eur(r["volume"])) for r in rows
    ]


def disbursements_by_quarter(
    *, quarters: QuerySet[Quarter] | None = None
) -> dict[int | None, Disbursed]:
    """The loans paid out in each quarter (None: outside the quarters), one query."""
    rows = (
        _loans(quarters)
        .filter(status__in=PAID_OUT_STATES)
        .values("quarter_id")
        .annotate(n=Count("pk"), volume=_money(Sum("amount")))
    )
    return {
        r["quarter_id"]: Disbursed(count=r["n"], volume=quantize_eur(r["volume"])) for r in rows
    }


def outstanding_by_quarter(
    *, quarters: QuerySet[Quarter] | None = None
) -> dict[int | None, Disbursed]:
    """The running loans of each quarter (None: outside) and their outstanding principal (paid
    out less the principal repaid): two queries."""
    running = (
        _loans(quarters)
        .filter(status=Loan.Status.RUNNING)
        .values("quarter_id")
        .annotate(n=Count("pk"), volume=_money(Sum("amount")))
    )
    repaid = {
        r["quarter_id"]: r["total"]
        for r in _allocations(quarters)
        .filter(loan__status=Loan.Status.RUNNING)
        .values("quarter_id")
        .annotate(total=_money(Sum("principal")))
    }
    return {
        r["quarter_id"]: Disbursed(
            count=r["n"], volume=quantize_eur(r["volume"] - repaid.get(r["quarter_id"], ZERO))
        )
        for r in running
    }


# --- Risk -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskBucket:
    """The running loans more than `days` past due: how many, their outstanding principal and
    its share of the whole outstanding principal."""

    days: int
    count: int
    outstanding: Decimal
    percent: Decimal


def portfolio_at_risk(
    *, today: datetime.date, quarters: QuerySet[Quarter] | None = None
) -> list[RiskBucket]:
    """PAR30 and PAR90: the share of the outstanding principal of the running loans whose
    oldest instalment unpaid on `today` is more than 30 (90) days past due, the days past due
    of `credits.loan_selectors.arrears_at`. Three queries."""
    running = _loans(quarters).filter(status=Loan.Status.RUNNING)
    # The arrears are read once (the loan and its oldest unpaid due date) and sorted into the
    # buckets here: as subqueries of the sums below, the database computed them for each sum.
    late = list(arrears_rows(day=today, loans=running).values_list("loan_id", "oldest"))
    buckets = {
        days: [
            loan_id for loan_id, due_on in late if due_on < today - datetime.timedelta(days=days)
        ]
        for days in PAR_DAYS
    }
    loans = running.aggregate(
        total=_money(Sum("amount")),
        **{f"amount_{d}": _money(Sum("amount", filter=Q(pk__in=b))) for d, b in buckets.items()},
        **{f"count_{d}": Count("pk", filter=Q(pk__in=b)) for d, b in buckets.items()},
    )
    repaid = (
        _allocations(quarters)
        .filter(loan__in=running)
        .aggregate(
            total=_money(Sum("principal")),
            **{
                f"repaid_{d}": _money(Sum("principal", filter=Q(loan_id__in=b)))
                for d, b in buckets.items()
            },
        )
    )
    outstanding = loans["total"] - repaid["total"]
    result = []
    for days in PAR_DAYS:
        at_risk = quantize_eur(loans[f"amount_{days}"] - repaid[f"repaid_{days}"])
        result.append(
            RiskBucket(
                days=days,
                count=loans[f"count_{days}"],
                outstanding=at_risk,
                percent=_share(at_risk, outstanding),
            )
        )
    return result


@dataclass(frozen=True)
class Defaults:
    """The defaulted loans: what they still owed when they defaulted, what the guarantors and
    the borrowers paid back since, what the funds wrote off and got back."""

    count: int
    principal_at_default: Decimal
    paid_by_guarantors: Decimal
    recovered: Decimal  # paid by the borrowers after the default
    written_off: Decimal  # against the quarters' funds
    fund_recoveries: Decimal  # of it, back to the funds

    @property
    def net_loss(self) -> Decimal:
        return max(self.principal_at_default - self.paid_by_guarantors - self.recovered, ZERO)


def defaults(*, quarters: QuerySet[Quarter] | None = None) -> Defaults:
    """Five queries, whatever the number of loans. A payment on a defaulted loan that no
    instalment took is a recovery (`credits.servicing.loan_recovery_record` allocates none)."""
    defaulted = _loans(quarters).filter(status=Loan.Status.DEFAULTED)
    loans = defaulted.aggregate(n=Count("pk"), amount=_money(Sum("amount")))
    repaid = Allocation.objects.filter(loan__in=defaulted).aggregate(
        total=_money(Sum("principal"))
    )["total"]
    recovered = (
        Payment.objects.filter(loan__in=defaulted)
        .exclude(Exists(Allocation.objects.filter(payment=OuterRef("pk"))))
        .aggregate(total=_money(Sum("amount")))["total"]
    )
    K = FundLedgerEntry.Kind
    ledger = FundLedgerEntry.objects.filter(loan__in=defaulted).aggregate(
        written_off=_money(Sum("amount", filter=Q(kind=K.WRITE_OFF))),
        recovered=_money(Sum("amount", filter=Q(kind=K.RECOVERY))),
    )
    guarantors = GuarantorClaim.objects.filter(loan__in=defaulted).aggregate(
        paid=_money(Sum("amount_paid"))
    )["paid"]
    return Defaults(
        count=loans["n"],
        principal_at_default=quantize_eur(loans["amount"] - repaid),
        paid_by_guarantors=quantize_eur(guarantors),
        recovered=quantize_eur(recovered),
        written_off=quantize_eur(ledger["written_off"]),
        fund_recoveries=quantize_eur(ledger["recovered"]),
    )


@dataclass(frozen=True)
class ClosedRepayment:
    """The closed loans (repaid or defaulted): principal paid out and principal repaid."""

    count: int
    disbursed: Decimal
    repaid: Decimal

    @property
    def percent(self) -> Decimal:
        return _share(self.repaid, self.disbursed)


def closed_repayment(*, quarters: QuerySet[Quarter] | None = None) -> ClosedRepayment:
    """Repayment rate of the closed loans: the principal they repaid of the principal paid out
    to them (two queries)."""
    closed = _loans(quarters).filter(status__in=CLOSED_STATES)
    loans = closed.aggregate(n=Count("pk"), amount=_money(Sum("amount")))
    repaid = Allocation.objects.filter(loan__in=closed).aggregate(total=_money(Sum("principal")))[
        "total"
    ]
    return ClosedRepayment(
        count=loans["n"], disbursed=quantize_eur(loans["amount"]), repaid=quantize_eur(repaid)
    )


def share_of(running: dict[int | None, Disbursed]) -> PortfolioShare:
    """The running loans inside and outside the quarters, from `outstanding_by_quarter`."""
    inside = [figures for quarter_id, figures in running.items() if quarter_id is not None]
    outside = running.get(None, NOTHING)
    return PortfolioShare(
        inside_count=sum(f.count for f in inside),
        inside_outstanding=sum((f.volume for f in inside), ZERO),
        outside_count=outside.count,
        outside_outstanding=outside.volume,
    )


# --- The microfinancier's own liability -----------------------------------------------------------


class CapState:
    OK = "ok"
    NEAR = "near"  # at least the warning share of the cap used
    OVER = "over"


@dataclass(frozen=True)
class OwnLiability:
    """The loans outside the quarters, which the microfinancier carries alone, against its cap:
    a share of the total outstanding portfolio."""

    outside_outstanding: Decimal
    total_outstanding: Decimal
    cap_percent: Decimal
    warn_percent: Decimal

    @property
    def cap(self) -> Decimal:
        return (self.total_outstanding * self.cap_percent / 100).quantize(Decimal("0.01"))

    @property
    def share_percent(self) -> Decimal:
        """The outside loans' share of the total outstanding portfolio."""
        return _share(self.outside_outstanding, self.total_outstanding)

    @property
    def cap_used_percent(self) -> Decimal:
        return _share(self.outside_outstanding, self.cap)

    @property
    def state(self) -> str:
        if self.outside_outstanding > self.cap:
            return CapState.OVER
        if self.outside_outstanding > 0 and self.outside_outstanding * 100 >= (
            self.cap * self.warn_percent
        ):
            return CapState.NEAR
        return CapState.OK


def own_liability(*, share: PortfolioShare) -> OwnLiability:
    return OwnLiability(
        outside_outstanding=share.outside_outstanding,
        total_outstanding=share.inside_outstanding + share.outside_outstanding,
        cap_percent=settings.MIQUA_OWN_LIABILITY_CAP_PERCENT,
        warn_percent=settings.MIQUA_OWN_LIABILITY_WARN_PERCENT,
    )


# --- The quarters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterRow:
    """One quarter of the dashboard's table: its latest rate, its running loans and its fund."""

    overview: QuarterOverview
    rate: selectors.Rate | None  # on the latest 15th checked (None: no active loan then)
    running: Disbursed
    disbursed: Disbursed


def quarter_rows(
    *,
    check: MonthlyCheck | None,
    running: dict[int | None, Disbursed],
    disbursed: dict[int | None, Disbursed],
) -> tuple[list[QuarterRow], NetworkTotals]:
    """Every quarter of the scope with its fund figures, its rate on `check`'s 15th, its running
    loans and what it paid out (`outstanding_by_quarter`, `disbursements_by_quarter`), and the
    funds' totals: a constant number of queries (about eight), however many quarters."""
    overviews = quarter_overviews()
    rates = {}
    if check is not None:
        rates = {
            r.quarter_id: selectors.Rate(
                str(r.quarter_id), r.active, r.disrupted, check.standard_percent
            )
            for r in QuarterRate.objects.filter(check_run=check, quarter__isnull=False).only(
                "quarter_id", "active", "disrupted"
            )
        }
    rows = [
        QuarterRow(
            overview=o,
            rate=rates.get(o.quarter.pk),
            running=running.get(o.quarter.pk, NOTHING),
            disbursed=disbursed.get(o.quarter.pk, NOTHING),
        )
        for o in overviews
    ]
    return rows, totals_of(overviews)


# --- The rate on each 15th ----------------------------------------------------------------------


@dataclass(frozen=True)
class RatePoint:
    as_of: datetime.date
    percent: Decimal
    standard: Decimal
    active: int  # 0: no active loan that day (no rate: a gap in the line)


def rate_line(*, quarter: Quarter | None = None, months: int | None = None) -> list[RatePoint]:
    """The disruption rate on each 15th checked, oldest first (the last `months` of them, None:
    every one): of the whole portfolio as each check recorded it, or of `quarter` (two
    queries)."""
    if quarter is not None:
        points = [
            RatePoint(m.check.as_of, m.rate.percent, m.check.standard_percent, m.rate.active)
            for m in selectors.quarter_rate_history(quarter=quarter)[:months]
        ]
    else:
        points = [
            RatePoint(c.as_of, selectors.rate_total(check=c).percent, c.standard_percent, c.active)
            for c in selectors.checks_history()[:months]
        ]
    return points[::-1]


# --- The whole dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioDashboard:
    today: datetime.date
    share: PortfolioShare
    own_liability: OwnLiability
    by_year: list[YearDisbursed]
    risk: list[RiskBucket]
    defaults: Defaults
    closed: ClosedRepayment
    latest_check: MonthlyCheck | None
    latest_rate: selectors.Rate | None
    rate_line: list[RatePoint]
    quarters: list[QuarterRow]
    totals: NetworkTotals
    # The loans outside the quarters: running (outstanding principal), and ever paid out.
    outside_running: Disbursed
    outside_disbursed: Disbursed

    @property
    def running_count(self) -> int:
        return self.share.inside_count + self.share.outside_count

    @property
    def outstanding(self) -> Decimal:
        return self.share.inside_outstanding + self.share.outside_outstanding

    @property
    def disbursed(self) -> Disbursed:
        return Disbursed(
            count=sum(y.count for y in self.by_year),
            volume=sum((y.volume for y in self.by_year), ZERO),
        )

    @property
    def inside_count_percent(self) -> Decimal:
        return _share(Decimal(self.share.inside_count), Decimal(self.running_count))

    @property
    def inside_outstanding_percent(self) -> Decimal:
        return _share(self.share.inside_outstanding, self.outstanding)

    @property
    def outside_count_percent(self) -> Decimal:
        return _share(Decimal(self.share.outside_count), Decimal(self.running_count))


def portfolio_dashboard(
    *, today: datetime.date, quarter: Quarter | None = None
) -> PortfolioDashboard:
    """Every figure of the staff dashboard, in the caller's scope; `quarter`: the quarter whose
    rate line is drawn (None: the whole portfolio's). A constant number of queries."""
    latest = MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of").first()
    running = outstanding_by_quarter()
    disbursed = disbursements_by_quarter()
    rows, totals = quarter_rows(check=latest, running=running, disbursed=disbursed)
    share = share_of(running)
    return PortfolioDashboard(
        today=today,
        share=share,
        own_liability=own_liability(share=share),
        by_year=disbursements_by_year(),
        risk=portfolio_at_risk(today=today),
        defaults=defaults(),
        closed=closed_repayment(),
        latest_check=latest,
        latest_rate=selectors.rate_total(check=latest) if latest else None,
        rate_line=rate_line(quarter=quarter),
        quarters=rows,
        totals=totals,
        outside_running=running.get(None, NOTHING),
        outside_disbursed=disbursed.get(None, NOTHING),
    )
