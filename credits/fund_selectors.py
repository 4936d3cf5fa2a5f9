"""Reads of the liability funds' ledger: what defaults cost each fund and what came back."""

from decimal import Decimal

from django.db.models import Q, Sum

from miqua.money import ZERO

from .loan_selectors import _money
from .models import FundLedgerEntry, Loan

K = FundLedgerEntry.Kind


def fund_capital_adjustments(quarter_ids: list[int]) -> dict[int, Decimal]:
    """Each quarter's fund capital change from its ledger: recoveries less write-offs. One
    query for any number of quarters; registered with `quarters.registry`, so a loss of L
    lowers the fund's lending capacity by the leverage factor times L."""
    totals = dict.fromkeys(quarter_ids, ZERO)
    rows = (
        FundLedgerEntry.objects.filter(quarter_id__in=quarter_ids)
        .order_by()
        .values("quarter_id")
        .annotate(
            written_off=_money(Sum("amount", filter=Q(kind=K.WRITE_OFF))),
            recovered=_money(Sum("amount", filter=Q(kind=K.RECOVERY))),
        )
    )
    for row in rows:
        totals[row["quarter_id"]] += row["recovered"] - row["written_off"]
    return totals


def loan_written_off_open(*, loan: Loan) -> Decimal:
    """What the loan's fund wrote off and has not got back yet."""
    sums = FundLedgerEntry.objects.filter(loan=loan).aggregate(
        written_off=_money(Sum("amount", filter=Q(kind=K.WRITE_OFF))),
        recovered=_money(Sum("amount", filter=Q(kind=K.RECOVERY))),
    )
    return max(sums["written_off"] - sums["recovered"], ZERO)
