"""Keeping a running loan: rescheduling in a problem case (four eyes), early repayment, default
with the guarantors claimed and the rest written off against the quarter's fund, and the
money recovered after a default.

The rules chosen here, and why:

- A pause of n months is n months of interest only, no principal; the remaining principal is
  then repaid over the remaining instalments, so the term grows by n. Interest is not
  capitalised: the borrower keeps paying something every month (the monthly contact the
  brochure relies on stays a payment too), and the principal owed never exceeds what was paid
  out, so the fund's exposure (paid out less principal repaid) stays what the fund is liable
  for. It is the product's own grace months (`credits.schedule`), applied from `valid_from`.
- Early repayment: the borrower owes the arrears, the principal not yet due, and the interest
  of the running period pro rata by days (from the last due date, or the payout, to the
  repayment day; rounded half up to the cent). Interest of later periods is not owed. What was
  paid ahead on later instalments counts towards it.
- A recovery (money the borrower pays after the default) goes back the way the loss came, in
  reverse: the default claimed the guarantors first and left the rest to the fund, so the fund
  is made whole first (its capital carries five times its amount in lending capacity for the
  whole quarter), then the guarantors' claims, in proportion to what each still bears (lowering
  what they owe, or owed back to them once they have paid). What is left beyond that stays with
  the payment, unallocated, for the office to return.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record
from miqua.money import ZERO, format_eur, quantize_eur
from quarters.models import LiabilityFund

from . import extensions
from .allocation import OpenInstalment, allocate
from .fund_selectors import loan_written_off_open
from .loan_services import (
    MAX_TERM_MONTHS,
    PaymentItem,
    loans_close_repaid,
    payments_book,
    schedule_version_create,
)
from .models import Allocation, FundLedgerEntry, Instalment, Loan, Payment, ScheduleVersion
from .schedule import due_date
from .servicing_selectors import payoff_amount, unallocated_credit

REASON_MAX = 4000
V = ScheduleVersion


def _lock(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().get(pk=loan.pk)


def _require_running(loan: Loan) -> None:
    if loan.status != Loan.Status.RUNNING:
        raise ValidationError(
            _("This loan is not running (%(status)s).") % {"status": loan.get_status_display()},
            code="state",
        )


def _reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": what})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Please shorten the reason to %(max)s characters.") % {"max": REASON_MAX}}
        )
    return reason


def first_due_on_or_after(loan: Loan, day: datetime.date) -> datetime.date:
    """The loan's first instalment day on or after `day` (its day of the month, or the last day
    of a shorter month)."""
    due = due_date(first_month=day, index=0, day=loan.instalment_day)
    return due if due >= day else due_date(first_month=day, index=1, day=loan.instalment_day)


# --- Moving payments when instalments stop being owed -----------------------------------------


@dataclass(frozen=True)
class _Move:
    payment_id: int
    value_date: datetime.date
    amount: Decimal


def _free_allocations(instalment_ids: list[int]) -> list[_Move]:
    """Take the allocations off instalments that are no longer owed (paid in advance), reset
    their paid columns, and return the money per payment, to allocate again."""
    rows = (
        Allocation.objects.filter(instalment_id__in=instalment_ids)
        .order_by()
        .values("payment_id", "value_date")
        .annotate(total=Sum(F("interest") + F("principal")))
    )
    moves = [_Move(r["payment_id"], r["value_date"], r["total"]) for r in rows if r["total"]]
    Allocation.objects.filter(instalment_id__in=instalment_ids).delete()
    Instalment.objects.filter(pk__in=instalment_ids).update(
        paid_interest=ZERO, paid_principal=ZERO, settled_on=None
    )
    return moves


def _unallocated_credit(loan: Loan) -> list[_Move]:
    return [_Move(c.payment_id, c.value_date, c.amount) for c in unallocated_credit(loan=loan)]


def _reallocate(*, loan: Loan, moves: list[_Move]) -> None:
    """Allocate money again to the loan's open current instalments, payment by payment in the
    order of their value dates, with the contract's rule (`credits.allocation`): the money
    keeps its payment and its value date; what no instalment takes stays with its payment as
    credit."""
    if not moves:
        return
    current = list(Instalment.objects.filter(loan=loan, is_current=True, settled_on__isnull=True))
    opens = [
        OpenInstalment(i.pk, i.due_on, i.interest - i.paid_interest, i.principal - i.paid_principal)
        for i in current
    ]
    settled: dict[int, datetime.date] = {}
    rows: list[Allocation] = []
    for move in sorted(moves, key=lambda m: (m.value_date, m.payment_id)):
        parts, _left = allocate(amount=move.amount, value_date=move.value_date, instalments=opens)
        for part in parts:
            rows.append(
                Allocation(
                    payment_id=move.payment_id,
                    instalment_id=part.instalment_id,
                    loan=loan,
                    quarter_id=loan.quarter_id,
                    interest=part.interest,
                    principal=part.principal,
                    value_date=move.value_date,
                )
            )
        for open_ in opens:
            if not open_.is_open and open_.id not in settled:
                settled[open_.id] = move.value_date
    Allocation.objects.bulk_create(rows)
    state = {o.id: o for o in opens}
    for instalment in current:
        instalment.paid_interest = instalment.interest - state[instalment.pk].interest_open
        instalment.paid_principal = instalment.principal - state[instalment.pk].principal_open
        instalment.settled_on = settled.get(instalment.pk)
    Instalment.objects.bulk_update(current, ["paid_interest", "paid_principal", "settled_on"])


def _supersede_from(*, loan: Loan, day: datetime.date) -> list[_Move]:
    """The current instalments due on or after `day` are no longer owed: the version in force
    is replaced, its instalments before `day` stay owed. Returns the money paid on the others."""
    later = list(
        Instalment.objects.filter(loan=loan, is_current=True, due_on__gte=day).values_list(
            "pk", flat=True
        )
    )
    ScheduleVersion.objects.filter(loan=loan, status=V.Status.ACTIVE).update(
        status=V.Status.SUPERSEDED
    )
    Instalment.objects.filter(pk__in=later).update(is_current=False)
    return _free_allocations(later)


def _kept_principal(loan: Loan, day: datetime.date) -> Decimal:
    """The principal of the current instalments due before `day`: they stay as they were."""
    return (
        Instalment.objects.filter(loan=loan, is_current=True, due_on__lt=day).aggregate(
            total=Sum("principal")
        )["total"]
        or ZERO
    )


def _next_number(loan: Loan) -> int:
    return (ScheduleVersion.objects.filter(loan=loan).aggregate(n=Max("number"))["n"] or 0) + 1


# --- Rescheduling ------------------------------------------------------------------------------


@transaction.atomic
def rescheduling_propose(
    *,
    loan: Loan,
    kind: str,
    reason: str,
    actor: User,
    valid_from: datetime.date | None = None,
    term_months: int | None = None,
    pause_months: int | None = None,
    today: datetime.date | None = None,
) -> ScheduleVersion:
    """Propose a new schedule from `valid_from` (a due date; default: the next one after today):
    LONGER_TERM spreads the principal still to be scheduled over `term_months` instalments,
    more than remain; PAUSE lets `pause_months` instalments pay interest only and adds them to
    the term. The proposal is computed in full, to be shown next to the schedule in force; a
    second member of staff approves or refuses it (`rescheduling_decide`)."""
    require_perm(actor, "credits.reschedule_loan", loan)
    loan = _lock(loan)
    _require_running(loan)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    try:
        reason = _reason(reason, what=_("Please give the reason for the new schedule."))
    except ValidationError as error:
        errors.update({k: v[0].message for k, v in error.error_dict.items()})
    if ScheduleVersion.objects.filter(loan=loan, status=V.Status.PROPOSED).exists():
        raise ValidationError(
            _(
                "A new schedule is already proposed for this loan. Please have it approved or "
                "refused first."
            ),
            code="pending",
        )
    if valid_from is None:
        upcoming = (
            Instalment.objects.filter(loan=loan, is_current=True, due_on__gt=today)
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        valid_from = upcoming or first_due_on_or_after(loan, today + datetime.timedelta(days=1))
    else:
        valid_from = first_due_on_or_after(loan, valid_from)
    if valid_from <= loan.disbursed_on:
        errors["valid_from"] = _("The new schedule can only start after the payout.")
    remaining = Instalment.objects.filter(loan=loan, is_current=True, due_on__gte=valid_from)
    remaining_count = remaining.count()
    to_schedule = loan.amount - _kept_principal(loan, valid_from)
    if remaining_count == 0 or to_schedule <= 0:
        errors["valid_from"] = _(
            "No instalment with principal is due from this day on: there is nothing to "
            "reschedule. Please choose an earlier day."
        )
    if kind == V.Kind.LONGER_TERM:
        pause = 0
        if term_months is None or term_months <= remaining_count:
            errors["term_months"] = _(
                "Please enter more instalments than the %(count)s that remain, for a lower "
                "instalment."
            ) % {"count": remaining_count}
        new_term = term_months or 0
    elif kind == V.Kind.PAUSE:
        pause = pause_months or 0
        if not 1 <= pause <= 12:
            errors["pause_months"] = _("Please enter a pause of 1 to 12 months.")
        new_term = remaining_count + pause
    else:
        raise ValidationError({"kind": _("Please choose a longer term or a pause.")})
    if not errors and new_term > MAX_TERM_MONTHS:
        errors["term_months" if kind == V.Kind.LONGER_TERM else "pause_months"] = _(
            "The new schedule would run %(term)s more months; at most %(max)s are possible."
        ) % {"term": new_term, "max": MAX_TERM_MONTHS}
    if errors:
        raise ValidationError(errors)
    version = schedule_version_create(
        loan=loan,
        number=_next_number(loan),
        kind=kind,
        valid_from=valid_from,
        amount=to_schedule,
        term_months=new_term,
        grace_months=pause,
        first_month=valid_from,
        status=V.Status.PROPOSED,
        actor=actor,
        reason=reason,
        pause_months=pause,
    )
    audit_record(
        actor=actor,
        action="loan.rescheduling_proposed",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "version": version.number,
            "kind": version.get_kind_display(),
            "valid_from": valid_from.isoformat(),
            "term_months": new_term,
            "pause_months": pause,
            "principal": str(to_schedule),
            "reason": reason,
        },
    )
    return version


@transaction.atomic
def rescheduling_decide(*, version: ScheduleVersion, approve: bool, actor: User) -> ScheduleVersion:
    """The second pair of eyes on a proposed schedule. Approved, it is in force from its
    `valid_from`: the instalments due before stay owed, the later ones of the old schedule are
    kept for the record but no longer owed, and what was paid ahead on them is allocated to
    the new instalments (same payments, same value dates): no cent is lost, the loan's
    balance is the same. Refused, it stays on record as not approved."""
    require_perm(actor, "credits.decide_rescheduling", version.loan)
    loan = _lock(version.loan)
    version = ScheduleVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != V.Status.PROPOSED:
        raise ValidationError(_("This schedule was already decided."), code="state")
    if version.proposed_by_id == actor.pk:
        raise ValidationError(
            _(
                "You proposed this schedule yourself. A second member of staff must approve or "
                "refuse it (four-eyes principle)."
            ),
            code="four_eyes",
        )
    if approve:
        _require_running(loan)
    version.decided_by = actor
    version.decided_at = timezone.now()
    if not approve:
        version.status = V.Status.REJECTED
        version.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="loan.rescheduling_refused",
            obj=loan,
            quarter_id=loan.quarter_id,
            changes={"version": version.number},
        )
        return version
    moves = _supersede_from(loan=loan, day=version.valid_from)
    version.status = V.Status.ACTIVE
    version.save(update_fields=["status", "decided_by", "decided_at"])
    version.instalments.update(is_current=True)
    _reallocate(loan=loan, moves=moves)
    audit_record(
        actor=actor,
        action="loan.rescheduling_approved",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "version": version.number,
            "valid_from": version.valid_from.isoformat(),
            "moved": str(sum((m.amount for m in moves), ZERO)),
        },
    )
    return version


# --- Early repayment ---------------------------------------------------------------------------


@transaction.atomic
def loan_repay_early(
    *,
    loan: Loan,
    value_date: datetime.date,
    actor: User,
    amount: Decimal | None = None,
    today: datetime.date | None = None,
) -> Loan:
    """Settle the loan on `value_date`: the instalments from that day on are replaced by one
    final instalment (the principal not yet due and the interest accrued, a version of kind
    "early repayment"), what was paid ahead moves to it, and `amount` (the money received, if
    not already booked from the statement) is booked. The money must cover the payoff
    (`payoff_amount`); the loan is then REPAID, closed on `value_date`."""
    require_perm(actor, "credits.record_payment", loan)
    loan = _lock(loan)
    _require_running(loan)
    today = today or timezone.localdate()
    if value_date > today or value_date < loan.disbursed_on:
        raise ValidationError(
            {
                "value_date": _(
                    "Please enter the day of the repayment, between %(first)s and %(last)s."
                )
                % {
                    "first": loan.disbursed_on.strftime("%d.%m.%Y"),
                    "last": today.strftime("%d.%m.%Y"),
                }
            }
        )
    latest = Payment.objects.filter(loan=loan).aggregate(last=Max("value_date"))["last"]
    if latest and latest > value_date:
        raise ValidationError(
            {
                "value_date": _(
                    "A payment of %(day)s is already booked: the early repayment cannot lie "
                    "before it."
                )
                % {"day": latest.strftime("%d.%m.%Y")}
            }
        )
    payoff = payoff_amount(loan=loan, day=value_date)
    received = amount or ZERO
    if received < payoff.total:
        raise ValidationError(
            {
                "amount": _(
                    "To repay the loan on %(day)s the borrower must pay %(payoff)s; "
                    "%(received)s is not enough."
                )
                % {
                    "day": value_date.strftime("%d.%m.%Y"),
                    "payoff": format_eur(payoff.total),
                    "received": format_eur(received),
                }
            }
        )
    # A proposed new schedule has nothing left to govern.
    ScheduleVersion.objects.filter(loan=loan, status=V.Status.PROPOSED).update(
        status=V.Status.REJECTED, decided_at=timezone.now()
    )
    if payoff.principal > 0:
        moves = _supersede_from(loan=loan, day=value_date)
        version = ScheduleVersion.objects.create(
            loan=loan,
            quarter_id=loan.quarter_id,
            number=_next_number(loan),
            kind=V.Kind.EARLY_REPAYMENT,
            status=V.Status.ACTIVE,
            valid_from=value_date,
            term_months=1,
            reason=_("Early repayment on %(day)s") % {"day": value_date.strftime("%d.%m.%Y")},
            proposed_by=actor,
            decided_at=timezone.now(),
        )
        Instalment.objects.create(
            loan=loan,
            version=version,
            quarter_id=loan.quarter_id,
            number=1,
            due_on=value_date,
            interest=payoff.accrued_interest,
            principal=payoff.principal,
            balance=ZERO,
            is_current=True,
        )
        # Paid ahead on the replaced instalments, and any credit: to the final instalment.
        _reallocate(loan=loan, moves=moves + _unallocated_credit(loan))
    if received > 0:
        payments_book(
            items=[
                PaymentItem(
                    loan_id=loan.pk,
                    amount=received,
                    value_date=value_date,
                    note=_("Early repayment"),
                )
            ],
            source=Payment.Source.MANUAL,
            actor=actor,
        )
    loans_close_repaid(loan_ids=[loan.pk], actor=actor)
    loan.refresh_from_db()
    audit_record(
        actor=actor,
        action="loan.repaid_early",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "value_date": value_date.isoformat(),
            "payoff": str(payoff.total),
            "received": str(received),
            "accrued_interest": str(payoff.accrued_interest),
        },
    )
    return loan


# --- Default, write-off, recovery ----------------------------------------------------------------


def _fund_of(loan: Loan) -> LiabilityFund | None:
    if loan.quarter_id is None:
        return None
    return LiabilityFund.objects.filter(quarter_id=loan.quarter_id).first()


@transaction.atomic
def fund_write_off(
    *, loan: Loan, amount: Decimal, day: datetime.date, note: str, actor: User
) -> FundLedgerEntry | None:
    """Book a loss of a defaulted loan against its quarter's fund (the default's rest, a waived
    guarantor claim). None for a loan outside the quarters: the microfinancier carries it."""
    require_perm(actor, "credits.declare_default", loan)
    if loan.status != Loan.Status.DEFAULTED:
        raise ValidationError(_("Only a defaulted loan is written off."), code="state")
    amount = quantize_eur(amount)
    if amount <= 0:
        return None
    fund = _fund_of(loan)
    if fund is None:
        audit_record(
            actor=actor,
            action="fund.loss_carried_by_microfinancier",
            obj=loan,
            quarter_id=loan.quarter_id,
            changes={"amount": str(amount), "note": note[:200]},
        )
        return None
    entry = FundLedgerEntry.objects.create(
        fund=fund,
        quarter_id=loan.quarter_id,
        loan=loan,
        kind=FundLedgerEntry.Kind.WRITE_OFF,
        amount=amount,
        booked_on=day,
        note=note[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="fund.written_off",
        obj=fund,
        quarter_id=loan.quarter_id,
        changes={"loan": loan.contract_number, "amount": str(amount), "note": note[:200]},
    )
    return entry


@dataclass(frozen=True)
class DefaultResult:
    remaining_principal: Decimal
    claimed: Decimal  # from the guarantors
    written_off: Decimal  # against the fund (or carried by the microfinancier)


@transaction.atomic
def loan_declare_default(
    *,
    loan: Loan,
    reason: str,
    day: datetime.date,
    actor: User,
    today: datetime.date | None = None,
) -> DefaultResult:
    """Declare the loan defaulted on `day`: no more instalments fall due after it; the remaining
    principal is claimed from the guarantors up to their guarantees (the registered default
    handlers, `credits.extensions`), the rest is written off against the quarter's fund."""
    require_perm(actor, "credits.declare_default", loan)
    loan = _lock(loan)
    _require_running(loan)
    today = today or timezone.localdate()
    reason = _reason(reason, what=_("Please give the reason for the default."))
    if not loan.disbursed_on <= day <= today:
        raise ValidationError(
            {
                "day": _("Please enter the day of the default, between %(first)s and %(last)s.")
                % {
                    "first": loan.disbursed_on.strftime("%d.%m.%Y"),
                    "last": today.strftime("%d.%m.%Y"),
                }
            }
        )
    repaid = Allocation.objects.filter(loan=loan).aggregate(total=Sum("principal"))["total"]
    remaining = quantize_eur(loan.amount - (repaid or ZERO))
    loan.status = Loan.Status.DEFAULTED
    loan.closed_on = day
    loan.closing_reason = reason
    loan.save(update_fields=["status", "closed_on", "closing_reason"])
    Instalment.objects.filter(loan=loan, is_current=True, due_on__gt=day).update(is_current=False)
    ScheduleVersion.objects.filter(loan=loan, status=V.Status.PROPOSED).update(
        status=V.Status.REJECTED, decided_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="loan.defaulted",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={"day": day.isoformat(), "remaining_principal": str(remaining), "reason": reason},
    )
    claimed = ZERO
    if remaining > 0:
        for handler in extensions.default_handlers():
            claimed += handler(loan=loan, remaining=remaining - claimed, day=day, actor=actor)
    rest = remaining - claimed
    fund_write_off(
        loan=loan,
        amount=rest,
        day=day,
        note=_("Default: remaining principal not covered by guarantees"),
        actor=actor,
    )
    return DefaultResult(remaining_principal=remaining, claimed=claimed, written_off=rest)


@dataclass(frozen=True)
class RecoveryResult:
    payment: Payment
    to_fund: Decimal
    to_guarantors: Decimal
    left: Decimal  # beyond both: stays with the payment, for the office to return


@transaction.atomic
def loan_recovery_record(
    *,
    loan: Loan,
    amount: Decimal,
    value_date: datetime.date,
    actor: User,
    source: str = Payment.Source.MANUAL,
    bank_entry_id: int | None = None,
    today: datetime.date | None = None,
) -> RecoveryResult:
    """Money the borrower pays after the default: recorded as a payment of the loan and passed
    back the way the loss came (the module's rule): the fund's write-off first, then the
    guarantors' claims (the registered recovery handlers)."""
    require_perm(actor, "credits.record_payment", loan)
    loan = _lock(loan)
    if loan.status != Loan.Status.DEFAULTED:
        raise ValidationError(_("Only money paid on a defaulted loan is a recovery."), code="state")
    amount = quantize_eur(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Please enter an amount above 0,00 €.")})
    today = today or timezone.localdate()
    if value_date > today or value_date < loan.disbursed_on:
        raise ValidationError(
            {"value_date": _("Please enter the day it was paid; it cannot lie in the future.")}
        )
    payment = Payment.objects.create(
        loan=loan,
        quarter_id=loan.quarter_id,
        amount=amount,
        value_date=value_date,
        source=source,
        bank_entry_id=bank_entry_id,
        note=_("Recovery after default"),
        recorded_by=actor,
    )
    to_fund = min(amount, loan_written_off_open(loan=loan))
    fund = _fund_of(loan) if to_fund > 0 else None
    if fund is not None:
        FundLedgerEntry.objects.create(
            fund=fund,
            quarter_id=loan.quarter_id,
            loan=loan,
            kind=FundLedgerEntry.Kind.RECOVERY,
            amount=to_fund,
            booked_on=value_date,
            note=_("Paid by the borrower after the default"),
            recorded_by=actor,
        )
    else:
        to_fund = ZERO
    to_guarantors = ZERO
    for handler in extensions.recovery_handlers():
        left = amount - to_fund - to_guarantors
        if left <= 0:
            break
        to_guarantors += handler(loan=loan, amount=left, day=value_date, actor=actor)
    result = RecoveryResult(payment, to_fund, to_guarantors, amount - to_fund - to_guarantors)
    audit_record(
        actor=actor,
        action="loan.recovery_recorded",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "amount": str(amount),
            "value_date": value_date.isoformat(),
            "to_fund": str(result.to_fund),
            "to_guarantors": str(result.to_guarantors),
            "left": str(result.left),
        },
    )
    return result
