"""Loan arithmetic in Decimal: the monthly instalment the free cash flow must carry."""

from decimal import Decimal

from miqua.money import ZERO, quantize_eur

MONTHS_PER_YEAR = 12


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    """The nominal annual rate split into twelve equal monthly rates (not compounded)."""
    return annual_rate_percent / Decimal(100 * MONTHS_PER_YEAR)


def monthly_instalment(
    *, amount: Decimal, annual_rate_percent: Decimal, term_months: int, grace_months: int = 0
) -> Decimal:
    """The annuity paid each month after the grace months (during grace, interest only).

    Rounded half up to the cent; the last instalment of a real schedule absorbs the remainder.
    """
    repaying_months = term_months - grace_months
    if repaying_months <= 0:
        raise ValueError("The term must be longer than the grace months.")
    rate = monthly_rate(annual_rate_percent)
    if rate == 0:
        return quantize_eur(amount / repaying_months)
    factor = (1 + rate) ** repaying_months
    return quantize_eur(amount * rate * factor / (factor - 1))


def grace_interest(*, amount: Decimal, annual_rate_percent: Decimal) -> Decimal:
    """The interest-only payment of a grace month."""
    if amount <= 0:
        return ZERO
    return quantize_eur(amount * monthly_rate(annual_rate_percent))
