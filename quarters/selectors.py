"""Reads of the network, inside the active quarter scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from miqua.money import ZERO, quantize_eur, quantize_percent

from . import registry
from .models import FundContribution, LiabilityFund, Organisation, Quarter


@dataclass(frozen=True)
class FundFigures:
    """The figures of a liability fund. All EUR, Decimal, to the cent."""

    paid_in_capital: Decimal
    leverage_factor: Decimal
    outstanding_exposure: Decimal

    @property
    def lending_capacity(self) -> Decimal:
        return quantize_eur(self.paid_in_capital * self.leverage_factor)

    @property
    def available_capacity(self) -> Decimal:
        return self.lending_capacity - self.outstanding_exposure

    @property
    def utilisation_percent(self) -> Decimal:
        """Share of the lending capacity in use, in percent with one decimal."""
        if self.lending_capacity <= 0:
            return Decimal("0.0")
        share = self.outstanding_exposure * 100 / self.lending_capacity
        return quantize_percent(share)


def outstanding_exposure_by_quarter(*, quarter_ids: list[int]) -> dict[int, Decimal]:
    """What each quarter's fund is liable for, as the apps owning loans report it (see
    `quarters.registry`): the one place the sources are added up."""
    totals = dict.fromkeys(quarter_ids, ZERO)
    for source in registry.exposure_sources():
        for quarter_id, amount in source(quarter_ids).items():
            totals[quarter_id] += amount
    return totals


def capital_adjustments_by_quarter(*, quarter_ids: list[int]) -> dict[int, Decimal]:
    """What the apps owning loans add to each quarter's fund capital (see `quarters.registry`):
    less its write-offs, plus its recoveries."""
    totals = dict.fromkeys(quarter_ids, ZERO)
    for source in registry.capital_sources():
        for quarter_id, amount in source(quarter_ids).items():
            totals[quarter_id] += amount
    return totals


def paid_in_capital_by_fund(
    *, fund_ids: list[int], quarter_by_fund: dict[int, int] | None = None
) -> dict[int, Decimal]:
    """The partners' contributions; with `quarter_by_fund` (fund id -> quarter id) also what the
    fund lost on defaults and got back (`capital_adjustments_by_quarter`): the capital its
    lending capacity stands on."""
    rows = (
        FundContribution.objects.filter(fund_id__in=fund_ids)
        .values("fund_id")
        .annotate(total=Sum("amount"))
    )
    totals = {row["fund_id"]: row["total"] for row in rows}
    capital = {fund_id: totals.get(fund_id) or ZERO for fund_id in fund_ids}
    if quarter_by_fund:
        adjustments = capital_adjustments_by_quarter(quarter_ids=list(quarter_by_fund.values()))
        for fund_id, quarter_id in quarter_by_fund.items():
            capital[fund_id] += adjustments[quarter_id]
    return capital


def fund_figures(*, fund: LiabilityFund) -> FundFigures:
    return fund_figures_for(funds=[fund])[fund.pk]


def fund_figures_for(*, funds: list[LiabilityFund]) -> dict[int, FundFigures]:
    """Figures for many funds in a constant number of queries, whatever their number."""
    capital = paid_in_capital_by_fund(
        fund_ids=[f.pk for f in funds], quarter_by_fund={f.pk: f.quarter_id for f in funds}
    )
    exposure = outstanding_exposure_by_quarter(quarter_ids=[f.quarter_id for f in funds])
    return {
        f.pk: FundFigures(
            paid_in_capital=capital[f.pk],
            leverage_factor=f.leverage_factor,
            outstanding_exposure=exposure[f.quarter_id],
        )
        for f in funds
    }


@dataclass(frozen=True)
class QuarterOverview:
    quarter: Quarter
    fund: LiabilityFund | None
    figures: FundFigures | None


def visible_quarters() -> QuerySet[Quarter]:
    return Quarter.objects.select_related("municipality", "fund").order_by(
        "municipality__name", "name"
    )


def quarter_overviews(*, quarters: QuerySet[Quarter] | None = None) -> list[QuarterOverview]:
    """Every visible quarter with its fund figures, for the home pages: a constant number of
    queries however many quarters there are."""
    quarter_list = list(quarters if quarters is not None else visible_quarters())
    funds = {q.pk: q.fund for q in quarter_list if hasattr(q, "fund")}
    figures = fund_figures_for(funds=list(funds.values()))
    return [
        QuarterOverview(
            quarter=q,
            fund=funds.get(q.pk),
            figures=figures[funds[q.pk].pk] if q.pk in funds else None,
        )
        for q in quarter_list
    ]


@dataclass(frozen=True)
class NetworkTotals:
    quarters: int
    paid_in_capital: Decimal
    lending_capacity: Decimal
    outstanding_exposure: Decimal
    available_capacity: Decimal


def totals_of(overviews: list[QuarterOverview]) -> NetworkTotals:
    figures = [o.figures for o in overviews if o.figures is not None]
    return NetworkTotals(
        quarters=len(overviews),
        paid_in_capital=sum((f.paid_in_capital for f in figures), ZERO),
        lending_capacity=sum((f.lending_capacity for f in figures), ZERO),
        outstanding_exposure=sum((f.outstanding_exposure for f in figures), ZERO),
        available_capacity=sum((f.available_capacity for f in figures), ZERO),
    )


def contributions_of(*, fund: LiabilityFund) -> QuerySet[FundContribution]:
    return fund.contributions.select_related("partner").order_by("-paid_on", "-id")


def partner_totals(*, fund: LiabilityFund) -> list[dict[str, object]]:
    """Each partner of the fund with the total it paid in, largest first."""
    rows = list(
        fund.contributions.values("partner__id", "partner__name", "partner__kind")
        .annotate(
            total=Coalesce(
                Sum("amount"),
                Value(ZERO),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .order_by("-total", "partner__name")
    )
    for row in rows:
        row["partner__kind_label"] = Organisation.Kind(row["partner__kind"]).label
    return rows
