"""Reads for keeping a loan: the schedule's versions with their instalments, what settles a
loan early (the rule is in `credits.servicing`), and the credit its payments left."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum

from miqua.money import ZERO, quantize_eur

from .models import Allocation, Instalment, Loan, Payment, ScheduleVersion


@dataclass(frozen=True)
class PaymentCredit:
    payment_id: int
    value_date: datetime.date
    amount: Decimal


def unallocated_credit(*, loan: Loan) -> list[PaymentCredit]:
    """What each payment of the loan left unallocated (paid beyond the last instalment)."""
    allocated = dict(
        Allocation.objects.filter(loan=loan)
        .order_by()
        .values("payment_id")
        .annotate(total=Sum(F("interest") + F("principal")))
        .values_list("payment_id", "total")
    )
    return [
        PaymentCredit(p.pk, p.value_date, p.amount - (allocated.get(p.pk) or ZERO))
        for p in Payment.objects.filter(loan=loan).order_by("value_date", "pk")
        if p.amount > (allocated.get(p.pk) or ZERO)
    ]


@dataclass(frozen=True)
class Payoff:
    """What settles a loan on `day`."""

    day: datetime.date
    arrears: Decimal  # instalments due before the day, unpaid
    principal: Decimal  # the principal of the instalments due from the day on
    accrued_interest: Decimal  # the running period's interest, pro rata by days
    credit: Decimal  # paid ahead on those instalments, or beyond the last
    total: Decimal  # what the borrower still has to pay (never below 0)


def payoff_amount(*, loan: Loan, day: datetime.date) -> Payoff:
    """What the borrower must pay on `day` to repay the loan in full (see the module's rule):
    arrears + principal not yet due + the running period's interest pro rata, less the credit."""
    current = list(Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on", "pk"))
    kept = [i for i in current if i.due_on < day]
    later = [i for i in current if i.due_on >= day]
    arrears = sum((i.open_amount for i in kept), ZERO)
    principal = sum((i.principal for i in later), ZERO)
    accrued = ZERO
    if later:
        period_start = kept[-1].due_on if kept else loan.disbursed_on
        period_days = (later[0].due_on - period_start).days
        elapsed = min(max((day - period_start).days, 0), period_days)
        if period_days > 0:
            accrued = quantize_eur(later[0].interest * elapsed / period_days)
    ahead = sum((i.paid for i in later), ZERO)
    credit = ahead + sum((c.amount for c in unallocated_credit(loan=loan)), ZERO)
    total = max(arrears + principal + accrued - credit, ZERO)
    return Payoff(day, arrears, principal, accrued, credit, total)


@dataclass(frozen=True)
class VersionView:
    version: ScheduleVersion
    principal: Decimal  # what the version schedules
    # The version in force of a loan never rescheduled is the schedule the loan's page shows
    # above the panel, row for row: its instalments are not read a second time (empty).
    is_the_schedule: bool
    instalments: list[Instalment]


def schedule_versions(*, loan: Loan) -> list[VersionView]:
    """Every schedule version of the loan, newest first, with the principal it schedules and
    its instalments: one query for a loan never rescheduled (or without a schedule yet), two
    for any other."""
    versions = list(
        ScheduleVersion.objects.filter(loan=loan)
        .select_related("proposed_by", "decided_by")
        .annotate(
            principal_scheduled=Subquery(
                Instalment.objects.filter(version=OuterRef("pk"))
                .order_by()
                .values("version")
                .annotate(total=Sum("principal"))
                .values("total")
            )
        )
        .order_by("-number")
    )
    only = len(versions) == 1 and versions[0].status == ScheduleVersion.Status.ACTIVE
    by_version: dict[int, list[Instalment]] = defaultdict(list)
    if versions and not only:
        for instalment in Instalment.objects.filter(loan=loan).order_by("version_id", "number"):
            by_version[instalment.version_id].append(instalment)
    return [
        VersionView(
            version=v,
            principal=v.principal_scheduled or ZERO,
            is_the_schedule=only,
            instalments=by_version.get(v.pk, []),
        )
        for v in versions
    ]
