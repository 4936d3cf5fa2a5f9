"""The municipality dashboard (issue 11): what the loans do in a municipality's quarters, as
aggregates only, each held to the small-number rule (`suppression`). Read in the user's
quarter scope; a constant number of queries, however many applications and loans there are.

The readings of the application's fields: `jobs_now` are the jobs the business has when it
applies, which the loan secures; `jobs_planned` the jobs it plans with the loan, so the jobs
created are those planned beyond the ones it has (never fewer than none). A loan counts in the
year and the period of its payout, an application in those of its submission; drafts are the
advisor's work in progress and not counted. Each application and each loan counts as one
person (a repeat borrower's second loan in the same group counts again); the trades, where
one person's several loans would matter most, count their borrowers.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, Greatest, Lower, Trim
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from credits.loan_selectors import PAID_OUT_STATES
from credits.models import Application, CapacityReservation, Loan
from miqua.accounts.scoping import visible_quarter_set
from miqua.money import quantize_eur
from quarters.models import Municipality, Quarter
from quarters.selectors import QuarterOverview, quarter_overviews

from .models import MonthlyCheck, QuarterRate
from .suppression import Figure, Kind, State, apply_states, count, protect_parts, rate

S = Application.Status
Stage = Application.Stage


@dataclass(frozen=True)
class Period:
    """The days the figures are drawn from (None: open at that end)."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def whole(self) -> bool:
        return self.start is None and self.end is None

    def q(self, field_name: str) -> Q:
        """The filter of `field_name` (a date) to the period."""
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field_name}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field_name}__lte": self.end})
        return condition


@dataclass(frozen=True)
class Row:
    """One line of a table: its label and its figures (per quarter and the total last, or one
    figure)."""

    label: str | Promise
    figures: list[Figure]
    key: str = ""

    @property
    def total(self) -> Figure:
        return self.figures[-1]


@dataclass(frozen=True)
class RateMonth:
    as_of: datetime.date
    rate: Figure
    standard: Decimal


@dataclass
class Dashboard:
    municipality: Municipality
    quarters: list[Quarter]
    period: Period
    # Per quarter (a column each) and the total (the last column).
    by_quarter: list[Row] = field(default_factory=list)
    fund: list[Row] = field(default_factory=list)
    # The municipality's total only: one figure per row.
    statuses: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    stages: list[Row] = field(default_factory=list)
    trades: list[Row] = field(default_factory=list)
    # Per year: applications, loans, volume (one row per year, total last).
    years: list[Row] = field(default_factory=list)
    rate_history: list[RateMonth] = field(default_factory=list)
    # The latest 15th checked in the period, and its standard.
    latest_as_of: datetime.date | None = None


# --- Who sees which municipality -------------------------------------------------------------


def dashboard_municipality(*, user: object, pk: int) -> tuple[Municipality, list[Quarter]] | None:
    """The municipality and its quarters, if `user` sees every quarter of it (a municipality
    viewer their own, staff any); None otherwise: it does not exist for them. A municipality
    without quarters is for those who see every quarter."""
    municipality = (
        Municipality.objects.filter(pk=pk).annotate(quarter_count=Count("quarters")).first()
    )
    if municipality is None:
        return None
    # The quarters in the user's scope; the count above (a join, not the scoped manager) is
    # every quarter the municipality has.
    quarters = list(Quarter.objects.filter(municipality=municipality).order_by("name"))
    visible = visible_quarter_set(user)  # type: ignore[arg-type]
    if visible is not None and (
        not quarters or len(quarters) != municipality.quarter_count  # type: ignore[attr-defined]
    ):
        return None
    return municipality, quarters


# --- The figures ------------------------------------------------------------------------------


def _across(values: Sequence[int], total: int) -> list[Figure]:
    """Counts per quarter (or year, ...) and their total, protected against subtraction."""
    states, total_state = protect_parts(values, total)
    figures = [count(v) for v in values] + [count(total)]
    return apply_states(figures, [*states, total_state])


def _like(values: Sequence[Decimal | int], kind: Kind, base: Sequence[Figure]) -> list[Figure]:
    """Figures derived from the groups of `base` (a sum of their money, their jobs): shown
    where `base` is."""
    if kind == Kind.EUR:  # SQLite's sums lose the places
        values = [quantize_eur(Decimal(v)) for v in values]
    return [Figure(v, State.EXACT, kind).like(b) for v, b in zip(values, base, strict=True)]


def _rates(
    numerators: Sequence[Figure], denominators: Sequence[Figure], raw: Sequence[tuple[int, int]]
) -> list[Figure]:
    """A rate per column, hidden where its numerator or denominator is."""
    result = []
    for num, den, (n, d) in zip(numerators, denominators, raw, strict=True):
        figure = rate(n, d)
        for part in (num, den):
            figure = figure.like(part)
        result.append(figure)
    return result


def municipality_dashboard(
    *, municipality: Municipality, quarters: list[Quarter], period: Period | None = None
) -> Dashboard:
    period = period or Period()
    board = Dashboard(municipality=municipality, quarters=quarters, period=period)
    ids = [q.pk for q in quarters]
    application_years = _applications(board, ids)
    _loans(board, ids, application_years)
    board.fund = fund_rows(overviews=quarter_overviews(quarters=quarters))  # type: ignore[arg-type]
    _disruption(board, ids)
    return board


def _applications(board: Dashboard, ids: list[int]) -> dict[int, int]:
    """The applications by quarter, status and outcome; returns their number per year."""
    rows = (
        Application.objects.filter(quarter_id__in=ids)
        .exclude(status=S.DRAFT)
        .annotate(applied_at=Coalesce("submitted_at", "created_at"))
        .filter(board.period.q("applied_at__date"))
        .order_by()
        .values("quarter_id", "status", "outcome", year=ExtractYear("applied_at"))
        .annotate(n=Count("pk"))
    )
    per_quarter: dict[int, int] = defaultdict(int)
    per_status: dict[str, int] = defaultdict(int)
    per_outcome: dict[str, int] = defaultdict(int)
    per_year: dict[int, int] = defaultdict(int)
    for row in rows:
        per_quarter[row["quarter_id"]] += row["n"]
        per_status[row["status"]] += row["n"]
        per_year[row["year"]] += row["n"]
        if row["outcome"]:
            per_outcome[row["outcome"]] += row["n"]
    total = sum(per_quarter.values())
    board.by_quarter.append(
        Row(_("Applications"), _across([per_quarter[i] for i in ids], total), "applications")
    )
    statuses = [s for s in S if s != S.DRAFT]
    figures = _across([per_status[s] for s in statuses], total)
    board.statuses = [
        Row(s.label, [f], s.value) for s, f in zip(statuses, figures, strict=False)
    ] + [Row(_("All applications (without drafts)"), [figures[-1]], "total")]
    outcomes = list(Application.Outcome)
    withdrawn = per_status[S.WITHDRAWN]
    figures = _across([per_outcome[o] for o in outcomes], withdrawn)
    board.outcomes = [
        Row(o.label, [f], o.value) for o, f in zip(outcomes, figures, strict=False)
    ] + [Row(_("Withdrawn, no loan needed or other way found"), [figures[-1]], "total")]
    return per_year


def _loans(board: Dashboard, ids: list[int], app_years: dict[int, int]) -> None:
    loans = Loan.objects.filter(
        board.period.q("disbursed_on"), quarter_id__in=ids, status__in=PAID_OUT_STATES
    ).order_by()
    created = Greatest(
        Coalesce("application__jobs_planned", Value(0))
        - Coalesce("application__jobs_now", Value(0)),
        Value(0),
    )
    sums = {
        "loans": Count("pk"),
        "volume": Coalesce(Sum("amount"), Value(Decimal("0.00"))),
        "defaulted": Count("pk", filter=Q(status=Loan.Status.DEFAULTED)),
        "secured": Coalesce(Sum("application__jobs_now"), Value(0)),
        "created": Coalesce(Sum(created), Value(0)),
    }
    per_quarter = {r["quarter_id"]: r for r in loans.values("quarter_id").annotate(**sums)}
    per_year = {
        r["year"]: r for r in loans.values(year=ExtractYear("disbursed_on")).annotate(**sums)
    }
    empty = dict.fromkeys(sums, 0)
    columns = [per_quarter.get(i, empty) for i in ids]
    total = {key: sum(c[key] for c in columns) for key in sums}
    columns.append(total)

    loan_figures = _across([c["loans"] for c in columns[:-1]], total["loans"])
    defaults = _across([c["defaulted"] for c in columns[:-1]], total["defaulted"])
    board.by_quarter += [
        Row(_("Loans paid out"), loan_figures, "loans"),
        Row(
            _("Volume paid out"),
            _like([c["volume"] for c in columns], Kind.EUR, loan_figures),
            "volume",
        ),
        Row(
            _("Jobs secured"),
            _like([c["secured"] for c in columns], Kind.COUNT, loan_figures),
            "jobs_secured",
        ),
        Row(
            _("Jobs created"),
            _like([c["created"] for c in columns], Kind.COUNT, loan_figures),
            "jobs_created",
        ),
        Row(_("Defaulted loans"), defaults, "defaults"),
        Row(
            _("Default rate"),
            _rates(defaults, loan_figures, [(c["defaulted"], c["loans"]) for c in columns]),
            "default_rate",
        ),
    ]

    # By year: the applications and loans of each year, the total last.
    years = sorted(set(per_year) | set(app_years))
    year_apps = _across([app_years.get(y, 0) for y in years], sum(app_years.values()))
    year_loans = _across(
        [per_year[y]["loans"] if y in per_year else 0 for y in years], total["loans"]
    )
    volumes = [per_year[y]["volume"] if y in per_year else Decimal("0.00") for y in years]
    year_volume = _like([*volumes, total["volume"]], Kind.EUR, year_loans)
    labels: list[str | Promise] = [str(y) for y in years] + [_("Total")]
    board.years = [
        Row(label, [a, n, v], str(label))
        for label, a, n, v in zip(labels, year_apps, year_loans, year_volume, strict=True)
    ]

    # Start-ups against existing businesses, and the trades: the municipality's loans together.
    stage_rows = {
        r["stage"]: r["n"]
        for r in loans.values(stage=Coalesce("application__stage", Value(""))).annotate(
            n=Count("pk")
        )
    }
    stage_keys = [Stage.STARTUP.value, Stage.EXISTING.value, ""]
    stage_labels = [Stage.STARTUP.label, Stage.EXISTING.label, _("Not recorded")]
    figures = _across([stage_rows.get(k, 0) for k in stage_keys], total["loans"])
    board.stages = [
        Row(label, [f], key or "unknown")
        for label, f, key in zip(stage_labels, figures, stage_keys, strict=False)
    ]
    board.trades = _trades(loans)


def _trades(loans: QuerySet[Loan]) -> list[Row]:
    """The trades of the loans, spelt any way (grouped without regard to case and spaces),
    most loans first. A trade of 1 or 2 borrowers is not named at all: it joins "other trades",
    with the loans whose trade was not recorded."""
    rows = (
        loans.values(key=Lower(Trim(Coalesce("application__trade", Value("")))))
        .annotate(
            label=Min(Trim("application__trade")),
            loans=Count("pk"),
            borrowers=Count("borrower_id", distinct=True),
        )
        .order_by("-loans", "key")
    )
    named: list[Row] = []
    other = 0
    for row in rows:
        if row["key"] and row["borrowers"] >= 3:
            named.append(Row(_spelling(row["label"]), [count(row["loans"])], row["key"]))
        else:
            other += row["loans"]
    if other:
        named.append(
            Row(
                _("Other trades (fewer than three borrowers each) or not recorded"),
                [count(other)],
                "other",
            )
        )
    return named


def _spelling(label: str) -> str:
    """One spelling of a trade (the group's first in the alphabet), not all in capitals."""
    return label[:1].upper() + label[1:].lower() if label.isupper() else label


def fund_rows(*, overviews: list[QuarterOverview]) -> list[Row]:
    """The liability funds of the quarters of `overviews` (a municipality's), one column each
    and the total. Capital and capacity are the partners' (shown as they are); what the loans
    use of the capacity is the outstanding principal of the borrowers and the approvals not
    yet paid out, held to the small-number rule like any sum of theirs. The municipality
    viewer's home shows the same figures (so that neither page completes the other)."""
    ids = [o.quarter.pk for o in overviews]
    people: dict[int, int] = defaultdict(int)
    for row in (
        Loan.objects.filter(quarter_id__in=ids, status=Loan.Status.RUNNING)
        .order_by()
        .values("quarter_id")
        .annotate(n=Count("borrower_id", distinct=True))
    ):
        people[row["quarter_id"]] += row["n"]
    for row in (
        CapacityReservation.objects.filter(quarter_id__in=ids, released_at__isnull=True)
        .order_by()
        .values("quarter_id")
        .annotate(n=Count("pk"))
    ):
        people[row["quarter_id"]] += row["n"]
    figures = [o.figures for o in overviews]
    zero = Decimal("0.00")

    def column(attribute: str) -> list[Decimal]:
        values = [getattr(f, attribute) if f else zero for f in figures]
        return [*values, sum(values, zero)]

    users = _across([people[i] for i in ids], sum(people.values()))
    exact = [Figure(None, State.EXACT)] * (len(ids) + 1)
    return [
        Row(
            _("Paid-in liability capital"),
            _like(column("paid_in_capital"), Kind.EUR, exact),
            "capital",
        ),
        Row(_("Lending capacity"), _like(column("lending_capacity"), Kind.EUR, exact), "capacity"),
        Row(_("Capacity used"), _like(column("outstanding_exposure"), Kind.EUR, users), "used"),
        Row(
            _("Capacity available"),
            _like(column("available_capacity"), Kind.EUR, users),
            "available",
        ),
    ]


def fund_use_by_quarter(*, overviews: list[QuarterOverview]) -> dict[int, tuple[Figure, Figure]]:
    """Each quarter's capacity used and available as `fund_rows` shows them."""
    rows = {row.key: row.figures for row in fund_rows(overviews=overviews)}
    return {o.quarter.pk: (rows["used"][i], rows["available"][i]) for i, o in enumerate(overviews)}


def _disruption(board: Dashboard, ids: list[int]) -> None:
    """The rate of disrupted loans on each checked 15th of the period, for the municipality's
    quarters together, and per quarter on the latest one."""
    rows = (
        QuarterRate.objects.filter(
            board.period.q("check_run__as_of"),
            quarter_id__in=ids,
            check_run__status=MonthlyCheck.Status.DONE,
        )
        .order_by()
        .values("check_run_id", "check_run__as_of", "check_run__standard_percent")
        .annotate(active_total=Sum("active"), disrupted_total=Sum("disrupted"))
        .order_by("check_run__as_of")
    )
    rows = list(rows)
    board.rate_history = [
        RateMonth(
            as_of=r["check_run__as_of"],
            rate=rate(r["disrupted_total"], r["active_total"]),
            standard=r["check_run__standard_percent"],
        )
        for r in rows
    ]
    if not rows:
        return
    latest = rows[-1]
    board.latest_as_of = latest["check_run__as_of"]
    per_quarter = {
        r.quarter_id: r
        for r in QuarterRate.objects.filter(check_run_id=latest["check_run_id"], quarter_id__in=ids)
    }
    active = [per_quarter[i].active if i in per_quarter else 0 for i in ids]
    disrupted = [per_quarter[i].disrupted if i in per_quarter else 0 for i in ids]
    active_figures = _across(active, sum(active))
    disrupted_figures = _across(disrupted, sum(disrupted))
    raw = [*zip(disrupted, active, strict=True), (sum(disrupted), sum(active))]
    board.by_quarter += [
        Row(_("Running loans on the latest 15th"), active_figures, "active"),
        Row(_("Of them disrupted"), disrupted_figures, "disrupted"),
        Row(
            _("Disruption rate"), _rates(disrupted_figures, active_figures, raw), "disruption_rate"
        ),
    ]


def quarter_labels(board: Dashboard) -> list[str]:
    """The column heads of the per-quarter tables: each quarter, then the total."""
    return [q.name for q in board.quarters] + [str(_("Total"))]
