"""Writes to loans: payout (recorded by one staff member, confirmed by a second), the schedule,
and payments with their allocation. Each service checks the actor's right, validates with
messages a person can act on, changes, and leaves an audit entry, in one transaction.

Booking many payments at once (a bank statement) is set-based: `payments_book` asks the
database a constant number of times however many payments it books.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import Record, audit_record, audit_records
from miqua.money import format_eur, quantize_eur
from quarters.models import EARLIEST_CONTRIBUTION

from .allocation import OpenInstalment, allocate
from .models import (
    Allocation,
    Application,
    Borrower,
    CapacityReservation,
    Instalment,
    Loan,
    Payment,
    ScheduleVersion,
)
from .schedule import Method, repayment_schedule
from .workflow import APPROVED_STATES

# A payout is recorded after the bank paid, or shortly before; a date further ahead is a typo.
PAYOUT_DAYS_AHEAD = 60
# The longest term a loan may run, at payout and after a rescheduling (ten years).
MAX_TERM_MONTHS = 120
# The loans of the network began in 2009; the same lower bound as the funds' contributions.
EARLIEST_PAYOUT = EARLIEST_CONTRIBUTION


def normalise_iban(value: str) -> str:
    """The IBAN in its compact form, or a ValidationError saying what is wrong with it."""
    try:
        return str(IBAN(value).compact)
    except SchwiftyException:
        raise ValidationError(
            _(
                "This IBAN is not valid: please check it against the contract "
                "(for example DE89 3704 0044 0532 0130 00)."
            ),
            code="iban",
        ) from None


@dataclass(frozen=True)
class LoanTerms:
    """What the contract says; the payout form and the demo fill it in."""

    contract_number: str
    iban: str
    disbursed_on: datetime.date
    amount: Decimal
    interest_rate: Decimal
    term_months: int
    grace_months: int = 0
    instalment_day: int = 30
    method: str = Method.ANNUITY


def terms_errors(
    *, terms: LoanTerms, max_amount: Decimal | None, today: datetime.date
) -> dict[str, list[str]]:
    """What is wrong with the terms, per field, in words a person can act on."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not terms.contract_number.strip():
        errors["contract_number"].append(_("Please enter the bank's contract number."))
    elif Loan.objects.filter(contract_number=terms.contract_number.strip()).exists():
        errors["contract_number"].append(
            _("A loan with this contract number is already recorded. Please check the number.")
        )
    try:
        normalise_iban(terms.iban)
    except ValidationError as error:
        errors["iban"].extend(error.messages)
    if terms.amount <= 0:
        errors["amount"].append(_("Please enter an amount above 0,00 €."))
    elif max_amount is not None and terms.amount > max_amount:
        errors["amount"].append(
            _(
                "The committee approved %(approved)s; the payout cannot be higher. A lower "
                "amount (a condition of the committee) is possible."
            )
            % {"approved": format_eur(max_amount)}
        )
    if terms.interest_rate < 0 or terms.interest_rate > 30:
        errors["interest_rate"].append(_("Please enter a rate between 0 and 30 %."))
    if not 1 <= terms.term_months <= MAX_TERM_MONTHS:
        errors["term_months"].append(
            _("Please enter a term between 1 and %(max)s months.") % {"max": MAX_TERM_MONTHS}
        )
    if terms.grace_months < 0 or terms.grace_months >= max(terms.term_months, 1):
        errors["grace_months"].append(_("The grace months must be fewer than the term."))
    if not 1 <= terms.instalment_day <= 31:
        errors["instalment_day"].append(_("Please enter a day between 1 and 31."))
    if terms.method not in Loan.RepaymentMethod.values:
        errors["method"].append(_("Please choose annuity or equal principal parts."))
    latest = today + datetime.timedelta(days=PAYOUT_DAYS_AHEAD)
    if not EARLIEST_PAYOUT <= terms.disbursed_on <= latest:
        errors["disbursed_on"].append(
            _("Please enter the payout date, between %(first)s and %(last)s.")
            % {"first": EARLIEST_PAYOUT.strftime("%d.%m.%Y"), "last": latest.strftime("%d.%m.%Y")}
        )
    return dict(errors)


def first_instalment_month(disbursed_on: datetime.date) -> datetime.date:
    """The first instalment falls in the month after the payout."""
    return (disbursed_on.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def schedule_version_create(
    *,
    loan: Loan,
    number: int,
    kind: str,
    valid_from: datetime.date,
    amount: Decimal,
    term_months: int,
    grace_months: int,
    first_month: datetime.date,
    status: str,
    actor: User | None,
    reason: str = "",
    pause_months: int = 0,
) -> ScheduleVersion:
    version = ScheduleVersion.objects.create(
        loan=loan,
        quarter_id=loan.quarter_id,
        number=number,
        kind=kind,
        status=status,
        valid_from=valid_from,
        term_months=term_months,
        pause_months=pause_months,
        reason=reason,
        proposed_by=actor,
    )
    rows = repayment_schedule(
        amount=amount,
        annual_rate_percent=loan.interest_rate,
        term_months=term_months,
        grace_months=grace_months,
        method=Method(loan.method),
        first_month=first_month,
        instalment_day=loan.instalment_day,
    )
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            version=version,
            quarter_id=loan.quarter_id,
            number=row.number,
            due_on=row.due_on,
            interest=row.interest,
            principal=row.principal,
            balance=row.balance,
            is_current=status == ScheduleVersion.Status.ACTIVE,
        )
        for row in rows
    )
    return version


def _loan_create(
    *,
    borrower: Borrower,
    application: Application | None,
    terms: LoanTerms,
    actor: User,
) -> Loan:
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                quarter_id=borrower.quarter_id,
                borrower=borrower,
                application=application,
                contract_number=terms.contract_number.strip(),
                iban=normalise_iban(terms.iban),
                amount=quantize_eur(terms.amount),
                interest_rate=terms.interest_rate,
                term_months=terms.term_months,
                grace_months=terms.grace_months,
                instalment_day=terms.instalment_day,
                method=terms.method,
                disbursed_on=terms.disbursed_on,
                status=Loan.Status.PENDING,
                recorded_by=actor,
                recorded_at=timezone.now(),
            )
    except IntegrityError:
        # Two people recording the same contract at the same moment: the second is told.
        raise ValidationError(
            {"contract_number": _("A loan with this contract number is already recorded.")}
        ) from None
    schedule_version_create(
        loan=loan,
        number=1,
        kind=ScheduleVersion.Kind.INITIAL,
        valid_from=first_instalment_month(terms.disbursed_on),
        amount=loan.amount,
        term_months=loan.term_months,
        grace_months=loan.grace_months,
        first_month=first_instalment_month(terms.disbursed_on),
        status=ScheduleVersion.Status.ACTIVE,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="loan.recorded",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "application": application.reference if application else "",
            "contract_number": loan.contract_number,
            "amount": str(loan.amount),
            "interest_rate": str(loan.interest_rate),
            "term_months": loan.term_months,
            "grace_months": loan.grace_months,
            "disbursed_on": loan.disbursed_on.isoformat(),
        },
    )
    return loan


@transaction.atomic
def loan_record(
    *, application: Application, terms: LoanTerms, actor: User, today: datetime.date | None = None
) -> Loan:
    """Record the payout of an approved application. It runs once a second staff member has
    confirmed it (`loan_confirm`); until then the approval's reservation holds its place."""
    require_perm(actor, "credits.record_loan", application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in APPROVED_STATES:
        raise ValidationError(_("Only an approved application can be paid out."), code="state")
    if Loan.objects.filter(application=application).exists():
        raise ValidationError(
            _("The payout of this application is already recorded."), code="exists"
        )
    reservation = CapacityReservation.objects.filter(
        application=application, released_at__isnull=True
    ).first()
    approved = reservation.amount if reservation else application.amount
    errors = terms_errors(terms=terms, max_amount=approved, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return _loan_create(
        borrower=application.borrower, application=application, terms=terms, actor=actor
    )


@transaction.atomic
def loan_record_outside(
    *, borrower: Borrower, terms: LoanTerms, actor: User, today: datetime.date | None = None
) -> Loan:
    """Record a loan outside the quarters: the microfinancier's own decision, no fund."""
    require_perm(actor, "credits.record_loan_outside")
    if borrower.quarter_id is not None:
        raise ValidationError(
            _("This borrower belongs to a quarter: their loan goes through an application."),
            code="quarter",
        )
    errors = terms_errors(terms=terms, max_amount=None, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return _loan_create(borrower=borrower, application=None, terms=terms, actor=actor)


@transaction.atomic
def loan_confirm(*, loan: Loan, actor: User) -> Loan:
    """The second pair of eyes: the loan runs from now, and the approval's reservation turns
    into it (the fund's exposure is the loan's outstanding principal from here on)."""
    require_perm(actor, "credits.confirm_loan", loan)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != Loan.Status.PENDING:
        raise ValidationError(_("This payout is already confirmed."), code="state")
    if loan.recorded_by_id == actor.pk:
        raise ValidationError(
            _(
                "You recorded this payout yourself. A second member of staff must confirm it "
                "(four-eyes principle)."
            ),
            code="four_eyes",
        )
    loan.status = Loan.Status.RUNNING
    loan.confirmed_by = actor
    loan.confirmed_at = timezone.now()
    loan.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    if loan.application_id is not None:
        for reservation in CapacityReservation.objects.select_for_update().filter(
            application_id=loan.application_id, released_at__isnull=True
        ):
            reservation.released_at = loan.confirmed_at
            reservation.save(update_fields=["released_at"])
            audit_record(
                actor=actor,
                action="fund.reservation_paid_out",
                obj=reservation.fund,
                quarter_id=reservation.quarter_id,
                changes={
                    "application": reservation.application.reference,
                    "reserved": str(reservation.amount),
                    "paid_out": str(loan.amount),
                },
            )
    audit_record(
        actor=actor,
        action="loan.confirmed",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={"contract_number": loan.contract_number, "recorded_by": str(loan.recorded_by)},
    )
    return loan


@transaction.atomic
def loan_record_refuse(*, loan: Loan, reason: str, actor: User) -> None:
    """The second person finds the recording wrong: it is deleted (the audit trail keeps what it
    said), and the payout can be recorded again, correctly."""
    require_perm(actor, "credits.confirm_loan", loan)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != Loan.Status.PENDING:
        raise ValidationError(_("A confirmed payout cannot be refused."), code="state")
    if not reason.strip():
        raise ValidationError({"reason": _("Please say what is wrong with the recording.")})
    audit_record(
        actor=actor,
        action="loan.recording_refused",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={"contract_number": loan.contract_number, "reason": reason.strip()[:2000]},
    )
    Instalment.objects.filter(loan=loan).delete()
    ScheduleVersion.objects.filter(loan=loan).delete()
    loan.delete()


# --- Payments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentItem:
    loan_id: int
    amount: Decimal
    value_date: datetime.date
    bank_entry_id: int | None = None
    note: str = ""


def payments_book(
    *, items: Sequence[PaymentItem], source: str, actor: User | None
) -> list[Payment]:
    """Book payments to running loans and allocate each (`credits.allocation`), in the order of
    their value dates. A constant number of queries for any number of payments: the open
    instalments of all the loans are read at once, the rows written in bulk.

    No permission check here: the callers (`payment_record`, the statement import) check it;
    the import books thousands of payments under one check and one audit entry."""
    if not items:
        return []
    with transaction.atomic():
        loan_ids = sorted({item.loan_id for item in items})
        loans = {
            loan.pk: loan
            for loan in Loan.objects.select_for_update()
            .filter(pk__in=loan_ids)
            .only("pk", "quarter_id", "status", "contract_number")
        }
        for item in items:
            loan = loans.get(item.loan_id)
            if loan is None or loan.status != Loan.Status.RUNNING:
                raise ValidationError(
                    _("Payments are booked to running loans only (%(contract)s).")
                    % {"contract": loan.contract_number if loan else item.loan_id},
                    code="state",
                )
            if item.amount <= 0:
                raise ValidationError(_("A payment must be above 0,00 €."), code="amount")
        open_by_loan: dict[int, list[OpenInstalment]] = defaultdict(list)
        rows = Instalment.objects.filter(
            loan_id__in=loan_ids, is_current=True, settled_on__isnull=True
        ).values_list(
            "pk", "loan_id", "due_on", "interest", "principal", "paid_interest", "paid_principal"
        )
        originals: dict[int, tuple[Decimal, Decimal]] = {}
        for pk, loan_id, due_on, interest, principal, paid_interest, paid_principal in rows:
            open_by_loan[loan_id].append(
                OpenInstalment(pk, due_on, interest - paid_interest, principal - paid_principal)
            )
            originals[pk] = (interest, principal)
        # Credit left from earlier payments (paid beyond the last instalment) is not reused here:
        # it stays with its payment and is shown as the loan's credit.
        payments = Payment.objects.bulk_create(
            Payment(
                loan_id=item.loan_id,
                quarter_id=loans[item.loan_id].quarter_id,
                amount=quantize_eur(item.amount),
                value_date=item.value_date,
                source=source,
                bank_entry_id=item.bank_entry_id,
                note=item.note[:200],
                recorded_by=actor,
            )
            for item in items
        )
        if any(p.pk is None for p in payments):  # backends without RETURNING (none we run)
            raise RuntimeError("bulk_create did not return the payments' keys.")
        allocations: list[AllocationRow] = []
        settled: dict[int, datetime.date] = {}
        touched: set[int] = set()
        order = sorted(range(len(items)), key=lambda n: (items[n].value_date, n))
        for n in order:
            item, payment = items[n], payments[n]
            parts, _left = allocate(
                amount=payment.amount,
                value_date=item.value_date,
                instalments=open_by_loan[item.loan_id],
            )
            for part in parts:
                allocations.append(
                    (
                        payment.pk,
                        part.instalment_id,
                        item.loan_id,
                        payment.quarter_id,
                        part.interest,
                        part.principal,
                        item.value_date,
                    )
                )
                touched.add(part.instalment_id)
            for instalment in open_by_loan[item.loan_id]:
                if not instalment.is_open and instalment.id not in settled:
                    settled[instalment.id] = item.value_date
        _allocations_insert(allocations)
        state = {i.id: i for opens in open_by_loan.values() for i in opens}
        _instalments_paid_update(
            [
                (
                    pk,
                    originals[pk][0] - state[pk].interest_open,
                    originals[pk][1] - state[pk].principal_open,
                    settled.get(pk),
                )
                for pk in sorted(touched)
            ]
        )
        loans_close_repaid(loan_ids=loan_ids, actor=actor)
    return payments


def loans_close_repaid(*, loan_ids: Sequence[int], actor: User | None) -> list[int]:
    """Close those of the running loans `loan_ids` that have no current instalment left open:
    REPAID, closed on the day the last one was paid in full. Set-based (three queries however
    many loans), for `payments_book` and for the services that re-allocate payments."""
    open_instalments = Instalment.objects.filter(
        loan=OuterRef("pk"), is_current=True, settled_on__isnull=True
    )
    last_settled = (
        Instalment.objects.filter(loan=OuterRef("pk"), is_current=True)
        .order_by()
        .values("loan")
        .annotate(last=Max("settled_on"))
        .values("last")
    )
    done = list(
        Loan.objects.filter(pk__in=loan_ids, status=Loan.Status.RUNNING)
        .filter(~Exists(open_instalments), Exists(Instalment.objects.filter(loan=OuterRef("pk"))))
        .annotate(last=Subquery(last_settled))
        .values_list("pk", "quarter_id", "contract_number", "last")
    )
    if not done:
        return []
    Loan.objects.filter(pk__in=[pk for pk, *_rest in done]).update(
        status=Loan.Status.REPAID, closed_on=Subquery(last_settled)
    )
    audit_records(
        actor=actor,
        records=(
            Record(
                action="loan.repaid",
                object_type=Loan._meta.label_lower,
                object_id=str(pk),
                object_repr=contract_number,
                quarter_id=quarter_id,
                changes={"closed_on": last.isoformat() if last else ""},
            )
            for pk, quarter_id, contract_number, last in done
        ),
    )
    return [pk for pk, *_rest in done]


# payment, instalment, loan, quarter, interest, principal, value date
AllocationRow = tuple[int, int, int, int | None, Decimal, Decimal, datetime.date]
ALLOCATION_COLUMNS = (
    "payment_id",
    "instalment_id",
    "loan_id",
    "quarter_id",
    "interest",
    "principal",
    "value_date",
)


def _allocations_insert(rows: Sequence[AllocationRow]) -> None:
    """Write the allocations. On PostgreSQL one INSERT of unnested arrays: a large statement's
    30,000 allocations through bulk_create spent seconds building model instances and
    placeholders; elsewhere bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Allocation.objects.bulk_create(
            (Allocation(**dict(zip(ALLOCATION_COLUMNS, row, strict=True))) for row in rows),
            batch_size=2000,
        )
        return
    table = Allocation._meta.db_table
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(ALLOCATION_COLUMNS)}) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
            "%s::numeric[], %s::numeric[], %s::date[])",
            columns,
        )


# Rows per UPDATE statement: four parameters each, well below the databases' limits.
PAID_UPDATE_BATCH = 5000


def _instalments_paid_update(
    rows: Sequence[tuple[int, Decimal, Decimal, datetime.date | None]],
) -> None:
    """Write what each instalment has been paid, in one statement (PostgreSQL: four arrays
    unnested; SQLite: UPDATE ... FROM (VALUES ...) in batches). Django's bulk_update builds a
    CASE per row and column, which took 25 s for the 7,500 payments of a large statement."""
    if not rows:
        return
    table = Instalment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, interest, principal, settled = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                f"UPDATE {table} SET paid_interest = v.interest, paid_principal = v.principal, "  # noqa: S608
                "settled_on = v.settled "
                "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::date[]) "
                "AS v(id, interest, principal, settled) "
                f"WHERE {table}.id = v.id",
                [ids, interest, principal, settled],
            )
            return
        for start in range(0, len(rows), PAID_UPDATE_BATCH):
            batch = rows[start : start + PAID_UPDATE_BATCH]
            values = ", ".join("(%s, %s, %s, %s)" for _row in batch)
            cursor.execute(
                f"UPDATE {table} SET paid_interest = v.column2, paid_principal = v.column3, "  # noqa: S608
                f"settled_on = v.column4 FROM (VALUES {values}) AS v "
                f"WHERE {table}.id = v.column1",
                [value for row in batch for value in row],
            )


@transaction.atomic
def payment_record(
    *,
    loan: Loan,
    amount: Decimal,
    value_date: datetime.date,
    note: str = "",
    actor: User,
    today: datetime.date | None = None,
) -> Payment:
    """A payment staff type in (cash at the office, a transfer the import could not see)."""
    require_perm(actor, "credits.record_payment", loan)
    today = today or timezone.localdate()
    if value_date > today:
        raise ValidationError(
            {
                "value_date": _(
                    "A payment cannot lie in the future. Please enter the day it was paid."
                )
            }
        )
    if value_date < loan.disbursed_on:
        raise ValidationError(
            {
                "value_date": _("The loan was paid out on %(day)s; a repayment comes after it.")
                % {"day": loan.disbursed_on.strftime("%d.%m.%Y")}
            }
        )
    if loan.status != Loan.Status.RUNNING:
        raise ValidationError(
            _("This loan is not running (%(status)s): no repayment can be booked to it.")
            % {"status": loan.get_status_display()},
            code="state",
        )
    [payment] = payments_book(
        items=[PaymentItem(loan_id=loan.pk, amount=amount, value_date=value_date, note=note)],
        source=Payment.Source.MANUAL,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="payment.recorded",
        obj=loan,
        quarter_id=loan.quarter_id,
        changes={
            "amount": str(payment.amount),
            "value_date": value_date.isoformat(),
            "note": note[:200],
        },
    )
    return payment
