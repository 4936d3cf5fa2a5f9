"""Fund arithmetic: paid-in capital, lending capacity (leverage x capital), exposure and what is
left, exact to the cent with Decimal."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from quarters.selectors import FundFigures, fund_figures, fund_figures_for
from tests import factories


def _fund_with(*amounts: str, leverage: str = "5.00"):
    with scopes_disabled():
        fund = factories.LiabilityFundFactory(leverage_factor=Decimal(leverage))
        for i, amount in enumerate(amounts):
            factories.FundContributionFactory(
                fund=fund,
                partner=factories.OrganisationFactory(name=f"Partner {i}"),
                paid_on=datetime.date(2009, 2, 1) + datetime.timedelta(days=i),
                amount=Decimal(amount),
            )
    return fund


def _figures(fund) -> FundFigures:
    with scope(quarter=[fund.quarter_id]):
        return fund_figures(fund=fund)


@pytest.mark.django_db
def test_contributions_sum_to_the_cent_and_capacity_is_five_times():
    fund = _fund_with("7500.00", "10000.00", "4999.99")

    figures = _figures(fund)

    assert figures.paid_in_capital == Decimal("22499.99")
    assert figures.lending_capacity == Decimal("112499.95")


@pytest.mark.django_db
def test_many_small_contributions_sum_exactly():
    # 0.1 + 0.2 is not 0.3 in binary floating point; ten times 0.10 must be 1.00.
    fund = _fund_with(*["0.10"] * 10, "0.20")

    assert _figures(fund).paid_in_capital == Decimal("1.20")


@pytest.mark.django_db
def test_leverage_with_decimals_rounds_capacity_half_up():
    fund = _fund_with("22222.23", leverage="4.50")

    figures = _figures(fund)

    # 4.5 x 22,222.23 = 100,000.035
    assert figures.lending_capacity == Decimal("100000.04")
    assert str(figures.lending_capacity) == "100000.04"


@pytest.mark.django_db
def test_fund_without_contributions_is_zero_everywhere():
    fund = _fund_with()

    figures = _figures(fund)

    assert figures.paid_in_capital == Decimal("0.00")
    assert figures.lending_capacity == Decimal("0.00")
    assert figures.outstanding_exposure == Decimal("0.00")
    assert figures.available_capacity == Decimal("0.00")
    assert figures.utilisation_percent == Decimal("0.0")


@pytest.mark.django_db
def test_without_loans_exposure_is_zero_and_all_capacity_is_available():
    fund = _fund_with("20000.00", "2500.00")

    figures = _figures(fund)

    assert figures.outstanding_exposure == Decimal("0.00")
    assert figures.lending_capacity == Decimal("112500.00")
    assert figures.available_capacity == figures.lending_capacity
    assert figures.utilisation_percent == Decimal("0.0")


@pytest.mark.django_db
def test_figures_are_decimal_not_float():
    fund = _fund_with("7500.00", "4999.99", leverage="4.50")

    figures = _figures(fund)

    for value in (
        figures.paid_in_capital,
        figures.leverage_factor,
        figures.lending_capacity,
        figures.outstanding_exposure,
        figures.available_capacity,
        figures.utilisation_percent,
    ):
        assert type(value) is Decimal


@pytest.mark.django_db
def test_fund_figures_for_many_funds_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    funds = [_fund_with("10000.00", f"{10000 + i}.50") for i in range(12)]

    # Contributions, the fund ledger (write-offs and recoveries), running loans, their
    # principal repaid, active reservations: one query each, however many funds.
    with scope(quarter=None), django_assert_max_num_queries(5):
        figures = fund_figures_for(funds=funds)

    assert len(figures) == 12
    assert {f.paid_in_capital for f in figures.values()} == {
        Decimal(f"{20000 + i}.50") for i in range(12)
    }


@pytest.mark.django_db
def test_fund_figures_for_sees_only_the_contributions_of_each_fund(network):
    with scope(quarter=None):
        figures = fund_figures_for(funds=[network.own_fund, network.foreign_fund])

    # The network fixture pays 10,000.00 into each fund.
    assert figures[network.own_fund.pk].paid_in_capital == Decimal("10000.00")
    assert figures[network.foreign_fund.pk].paid_in_capital == Decimal("10000.00")


@pytest.mark.parametrize(
    ("exposure", "capacity_capital", "expected"),
    [
        ("0.00", "20000.00", "0.0"),
        ("50000.00", "20000.00", "50.0"),  # 50,000 of 100,000
        ("100000.00", "20000.00", "100.0"),
        ("12345.67", "20000.00", "12.3"),
        ("33333.33", "20000.00", "33.3"),
        ("120000.00", "20000.00", "120.0"),  # over capacity shows as more than 100 %
        ("1000.00", "0.00", "0.0"),  # no capacity: no division by zero
    ],
)
def test_utilisation_percent_has_one_decimal(exposure, capacity_capital, expected):
    figures = FundFigures(
        paid_in_capital=Decimal(capacity_capital),
        leverage_factor=Decimal("5.00"),
        outstanding_exposure=Decimal(exposure),
    )

    assert figures.utilisation_percent == Decimal(expected)
    assert str(figures.utilisation_percent) == expected


def test_utilisation_percent_rounds_half_up():
    figures = FundFigures(
        paid_in_capital=Decimal("20000.00"),
        leverage_factor=Decimal("5.00"),
        outstanding_exposure=Decimal("12250.00"),  # 12.25 %
    )

    assert figures.utilisation_percent == Decimal("12.3")


def test_available_capacity_is_capacity_minus_exposure():
    figures = FundFigures(
        paid_in_capital=Decimal("22499.99"),
        leverage_factor=Decimal("5.00"),
        outstanding_exposure=Decimal("57000.01"),
    )

    assert figures.available_capacity == Decimal("55499.94")
