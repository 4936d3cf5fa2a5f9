"""The monthly disruption check on the 15th: which loans are in arrears that day, how many loans
were active, per quarter, and whether the month is above the standard (then quality measures
are required). Set-based: one query reads every loan in arrears, one writes their snapshots,
one counts the active loans per quarter, whatever the size of the portfolio."""

import datetime
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from credits.loan_selectors import PAID_OUT_STATES, arrears_rows
from credits.models import Loan
from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record
from miqua.money import quantize_eur

from .models import LoanSnapshot, MonthlyCheck, QuarterRate
from .selectors import above_standard, check_settings

CHECK_DAY = 15
DEFAULT_STANDARD_PERCENT = Decimal("10.00")


def disruption_standard_percent() -> Decimal:
    """The share of disrupted loans above which a month requires quality measures: as staff
    set it (`CheckSettings`), else the Django setting MIQUA_DISRUPTION_STANDARD_PERCENT."""
    kept = check_settings()
    if kept is not None:
        return kept.standard_percent
    return Decimal(
        str(getattr(settings, "MIQUA_DISRUPTION_STANDARD_PERCENT", DEFAULT_STANDARD_PERCENT))
    )


def next_check_day(day: datetime.date) -> datetime.date:
    """The first 15th on or after `day`."""
    if day.day <= CHECK_DAY:
        return day.replace(day=CHECK_DAY)
    return _add_month(day.replace(day=CHECK_DAY))


def _add_month(day: datetime.date) -> datetime.date:
    if day.month == 12:
        return day.replace(year=day.year + 1, month=1)
    return day.replace(month=day.month + 1)


def active_loans_at(day: datetime.date) -> QuerySet[Loan]:
    """The loans active on `day`: paid out by then and not closed by then (a loan closed on
    `day` is no longer active). Scope-free: the caller decides the scope."""
    return Loan.objects.filter(status__in=PAID_OUT_STATES, disbursed_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def monthly_check_run(*, as_of: datetime.date, actor: User | None = None) -> MonthlyCheck:
    """Check the month of `as_of` (a 15th) once. A month already checked is returned as it
    was, nothing is booked again; a second worker at the same time waits for the unique row
    of the first and returns its result."""
    if as_of.day != CHECK_DAY:
        raise ValidationError(
            _("The monthly check is made as of the 15th of a month; please pick a 15th."),
            code="not_the_15th",
        )
    if actor is not None:
        require_perm(actor, "monitoring.run_monthly_check")
    with transaction.atomic(), scopes_disabled():
        # The unique date is the claim: a concurrent insert waits for the first transaction
        # and then finds its row.
        check, created = MonthlyCheck.objects.get_or_create(
            as_of=as_of, defaults={"standard_percent": disruption_standard_percent()}
        )
        if not created:
            check = MonthlyCheck.objects.select_for_update().get(pk=check.pk)
            if check.status == MonthlyCheck.Status.DONE:
                return check
            # A check left running (a crash between commits cannot leave one, but a row typed
            # in by hand could): start it over.
            check.snapshots.all().delete()
            check.rates.all().delete()
        rows = list(
            arrears_rows(day=as_of, fields=("loan__quarter_id", "loan__quarter__municipality_id"))
        )
        LoanSnapshot.objects.bulk_create(
            [
                LoanSnapshot(
                    check_run=check,
                    loan_id=row["loan_id"],
                    quarter_id=row["loan__quarter_id"],
                    municipality_id=row["loan__quarter__municipality_id"],
                    amount_in_arrears=quantize_eur(row["amount"]),
                    oldest_unpaid_due_on=row["oldest"],
                    days_past_due=(as_of - row["oldest"]).days,
                )
                for row in rows
            ],
            batch_size=1000,
        )
        disrupted = Counter(row["loan__quarter_id"] for row in rows)
        active = {
            row["quarter_id"]: row["n"]
            for row in active_loans_at(as_of)
            .order_by()
            .values("quarter_id")
            .annotate(n=Count("pk"))
        }
        QuarterRate.objects.bulk_create(
            [
                QuarterRate(
                    check_run=check,
                    quarter_id=quarter_id,
                    active=count,
                    disrupted=disrupted.get(quarter_id, 0),
                )
                for quarter_id, count in active.items()
            ]
        )
        check.active = sum(active.values())
        check.disrupted = len(rows)
        check.requires_qa = above_standard(check.disrupted, check.active, check.standard_percent)
        check.status = MonthlyCheck.Status.DONE
        check.finished_at = timezone.now()
        check.save()
        audit_record(
            actor=actor,
            action="monthly_check.done",
            obj=check,
            changes={
                "as_of": as_of,
                "active": check.active,
                "disrupted": check.disrupted,
                "standard_percent": check.standard_percent,
                "requires_qa": check.requires_qa,
            },
        )
    return check


def monthly_checks_catch_up(
    *, today: datetime.date, start: datetime.date | None = None, actor: User | None = None
) -> list[MonthlyCheck]:
    """Every 15th not yet checked, up to `today`, oldest first: from the month after the last
    check; without any check from `start`, else from the first 15th on or after the first
    payout. Each month commits on its own, so an interruption keeps the months already done.
    Without `start` the first month staff set in the settings applies (if any)."""
    with scopes_disabled():
        last = (
            MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of").first()
        )
        if last is None and start is None:
            kept = check_settings()
            start = kept.start_month if kept is not None else None
        if last is not None:
            day = _add_month(last.as_of)
        elif start is not None:
            day = next_check_day(start)
        else:
            first_payout = Loan.objects.filter(status__in=PAID_OUT_STATES).aggregate(
                first=Min("disbursed_on")
            )["first"]
            if first_payout is None:
                return []
            day = next_check_day(first_payout)
    checks = []
    while day <= today:
        checks.append(monthly_check_run(as_of=day, actor=actor))
        day = _add_month(day)
    return checks
