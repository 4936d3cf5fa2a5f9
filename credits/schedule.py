"""The repayment schedule of a loan, in Decimal to the cent (the loans issue builds on it).

Monthly instalments. Grace months pay interest only. After them the principal is repaid as an
annuity (equal instalments, the default) or in equal principal parts. Every instalment is
rounded half up to the cent where it is computed (`miqua.money.quantize_eur`); the last one
absorbs the remainder, so the principal parts add up to the amount exactly and the balance
ends at zero.

Pure functions of their arguments: the same loan gives the same schedule, wherever it is
computed (the loan page, the PDF, a rescheduling proposal).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from miqua.money import ZERO, quantize_eur, quantize_percent

from .calculations import MONTHS_PER_YEAR, monthly_instalment, monthly_rate


class Method(StrEnum):
    ANNUITY = "annuity"
    EQUAL_PRINCIPAL = "equal_principal"


@dataclass(frozen=True)
class Instalment:
    number: int  # 1, 2, ...
    due_on: datetime.date
    interest: Decimal
    principal: Decimal
    balance: Decimal  # the principal still owed after this instalment

    @property
    def payment(self) -> Decimal:
        return self.interest + self.principal


def effective_annual_rate(annual_rate_percent: Decimal) -> Decimal:
    """The effective annual rate in percent, two decimals: twelve monthly rates compounded."""
    effective = (1 + monthly_rate(annual_rate_percent)) ** MONTHS_PER_YEAR - 1
    return quantize_percent(effective * 100, 2)


def due_date(*, first_month: datetime.date, index: int, day: int) -> datetime.date:
    """The due date of instalment `index` (0 for the first): `day` of the month, or the last
    day of a shorter month (the product's instalment day 30 falls on 28/29 February)."""
    month0 = first_month.month - 1 + index
    year, month = first_month.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def repayment_schedule(
    *,
    amount: Decimal,
    annual_rate_percent: Decimal,
    term_months: int,
    grace_months: int = 0,
    method: Method = Method.ANNUITY,
    first_month: datetime.date,
    instalment_day: int,
) -> list[Instalment]:
    """The instalments of a loan of `amount` over `term_months`, the first `grace_months` of
    them interest only. `first_month` is any day of the month of the first instalment."""
    if amount <= 0:
        raise ValueError("The amount must be positive.")
    if not 0 <= grace_months < term_months:
        raise ValueError("The grace months must be fewer than the term.")
    if annual_rate_percent < 0:
        raise ValueError("The rate cannot be negative.")
    rate = monthly_rate(annual_rate_percent)
    repaying = term_months - grace_months
    annuity = monthly_instalment(
        amount=amount,
        annual_rate_percent=annual_rate_percent,
        term_months=term_months,
        grace_months=grace_months,
    )
    equal_part = quantize_eur(amount / repaying)
    balance = amount
    instalments = []
    for index in range(term_months):
        interest = quantize_eur(balance * rate)
        if index < grace_months:
            principal = ZERO
        elif index == term_months - 1:
            principal = balance  # the last absorbs what rounding left over
        elif method == Method.ANNUITY:
            # An instalment never repays more than is owed (a tiny loan at a high rate).
            principal = min(max(annuity - interest, ZERO), balance)
        else:
            principal = min(equal_part, balance)
        balance -= principal
        instalments.append(
            Instalment(
                number=index + 1,
                due_on=due_date(first_month=first_month, index=index, day=instalment_day),
                interest=interest,
                principal=principal,
                balance=balance,
            )
        )
    return instalments
