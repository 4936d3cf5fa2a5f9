"""Booking a bank statement of the repayment account, and the review queue.

A file is read whole first (`parsers.statement_parse`): a file the parser refuses books
nothing. Then, in one transaction and set-based (a constant number of queries however long
the statement): the entries already known by their key are skipped, the rest are stored, and
each credit is matched to a running loan by

1. a contract number in the remittance text (as typed by the payer: "KV-0004711",
   "kv 0004711" and "KV0004711" are the same),
2. else the application's reference ("MQ-000042") in the remittance text,
3. else the payer's IBAN, the account the loan was paid out to (`Loan.iban`), if exactly one
   running loan has it.

Matched credits are booked as repayments (`loan_services.payments_book`); the others wait for
staff in the review queue (`entry_assign`, `entry_mark_not_repayment`). Debits (the bank's
fees) are listed, never booked. A credit for a loan that is not running goes to review too.

Two imports at the same moment: the entry key is unique in the database, so the later one
fails to insert an entry the earlier one stored; it then starts again and finds those entries
known. Nothing is booked twice.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from miqua.accounts.models import User
from miqua.audit.services import audit_record

from .. import servicing
from ..loan_services import PaymentItem, payments_book
from ..models import BankEntry, BankStatement, Loan, Payment
from .parsers import EntryData, StatementData, statement_parse

PERMISSION = "credits.import_statement"
# Keys asked of the database at a time (SQLite's limit of variables in one query).
KEY_CHUNK = 5000
# A contract number shorter than this (once letters and digits only) would match any number
# in a remittance text.
MIN_CONTRACT_LENGTH = 4
# How many pieces of a remittance text may form one contract number ("KV", "0004711").
MAX_PIECES = 3
ATTEMPTS = 3
DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a deadlock it broke

_PIECES = re.compile(r"[0-9A-Za-z]+")
_REFERENCE = re.compile(r"\bMQ\W{0,2}(\d{1,9})\b", re.IGNORECASE)

M = BankEntry.MatchedBy


def normalise_contract(value: str) -> str:
    """A contract number as letters and digits only, upper-case: how it is compared."""
    return "".join(_PIECES.findall(value)).upper()


@dataclass
class ImportResult:
    statement: BankStatement
    booked: int = 0
    matched_by_contract: int = 0
    matched_by_reference: int = 0
    matched_by_iban: int = 0
    queued_for_review: int = 0
    debits: int = 0
    skipped_known: int = 0
    pending: int = 0  # entries the bank has not booked yet, left out
    # The same file imported earlier (by its checksum): said to the person importing.
    imported_before: BankStatement | None = None

    def counts(self) -> dict[str, int]:
        return {
            key: value
            for key, value in asdict(self).items()
            if key not in ("statement", "imported_before")
        }


@dataclass
class LoanIndex:
    """The loans as the matcher needs them, read in one query. Loans that are not running are
    kept too: a text naming one of them is left to staff, not booked by the payer's IBAN."""

    by_contract: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_application: dict[int, int] = field(default_factory=dict)
    by_iban: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    running: set[int] = field(default_factory=set)

    @classmethod
    def of_loans(cls) -> "LoanIndex":
        index = cls()
        rows = Loan.objects.exclude(status=Loan.Status.PENDING).values_list(
            "pk", "contract_number", "iban", "application_id", "status"
        )
        for pk, contract, iban, application_id, status in rows.iterator(chunk_size=5000):
            normalised = normalise_contract(contract)
            if len(normalised) >= MIN_CONTRACT_LENGTH:
                index.by_contract[normalised].add(pk)
            if application_id is not None:
                index.by_application[application_id] = pk
            if status == Loan.Status.RUNNING:
                index.running.add(pk)
                if iban:
                    index.by_iban[iban.replace(" ", "").upper()].add(pk)
        return index

    def _decided(self, loans: set[int], how: str) -> tuple[int | None, str]:
        if len(loans) == 1 and loans <= self.running:
            return next(iter(loans)), how
        return None, ""  # two loans named, or a loan that is not running: staff decide

    def match(self, entry: EntryData) -> tuple[int | None, str]:
        """(loan id, how) for a credit, or (None, "") when staff must decide. A text naming two
        loans or a loan that is not running, or an IBAN several running loans share, is left
        to staff."""
        pieces = [p.upper() for p in _PIECES.findall(entry.remittance)]
        named: set[int] = set()
        for start in range(len(pieces)):
            candidate = ""
            for piece in pieces[start : start + MAX_PIECES]:
                candidate += piece
                named |= self.by_contract.get(candidate, set())
        if named:
            return self._decided(named, M.CONTRACT)
        referenced = {
            self.by_application[int(number)]
            for number in _REFERENCE.findall(entry.remittance)
            if int(number) in self.by_application
        }
        if referenced:
            return self._decided(referenced, M.REFERENCE)
        if entry.counterparty_iban:
            return self._decided(self.by_iban.get(entry.counterparty_iban, set()), M.IBAN)
        return None, ""


def _require(actor: User) -> None:
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied


def _chunks(values: list[str], size: int = KEY_CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _known_keys(keys: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(keys):
        known.update(
            BankEntry.objects.filter(entry_key__in=chunk).values_list("entry_key", flat=True)
        )
    return known


def statement_import(*, content: bytes, file_name: str, actor: User) -> ImportResult:
    """Import one statement file. Raises `parsers.StatementError` (nothing booked) for a file
    it refuses, PermissionDenied for someone who may not import."""
    _require(actor)
    data = statement_parse(content)
    digest = hashlib.sha256(content).hexdigest()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic(), scopes_disabled():
                return _import(data=data, digest=digest, file_name=file_name, actor=actor)
        except (IntegrityError, OperationalError) as error:
            # Another import stored some of these entries meanwhile: start again, now they are
            # known. (Only the entry key is unique among what is written here.) Two overlapping
            # files listing their common entries in another order may wait for each other's
            # keys: the database ends one of them as a deadlock, which starts again the same way.
            retry = isinstance(error, IntegrityError) or _is_deadlock(error)
            if not retry or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK


def _import(*, data: StatementData, digest: str, file_name: str, actor: User) -> ImportResult:
    known = _known_keys([e.key for e in data.entries])
    imported_before = (
        BankStatement.objects.filter(sha256=digest).order_by("imported_at", "id").first()
    )
    new = [e for e in data.entries if e.key not in known]
    statement = BankStatement.objects.create(
        file_name=file_name[:200],
        file_format=data.file_format,
        sha256=digest,
        account_iban=data.account_iban,
        statement_id=data.statement_id,
        period_from=data.period_from,
        period_to=data.period_to,
        entry_count=len(data.entries),
        new_count=len(new),
        imported_by=actor,
    )
    result = ImportResult(
        statement=statement,
        skipped_known=len(data.entries) - len(new),
        pending=data.pending_count,
        imported_before=imported_before,
    )
    index = LoanIndex.of_loans() if any(e.is_credit for e in new) else LoanIndex()
    rows = []
    for entry in new:
        loan_id, how = index.match(entry) if entry.is_credit else (None, "")
        if not entry.is_credit:
            status = BankEntry.Status.DEBIT
            result.debits += 1
        elif loan_id is None:
            status = BankEntry.Status.REVIEW
            result.queued_for_review += 1
        else:
            status = BankEntry.Status.BOOKED
            result.booked += 1
            counter = {
                M.CONTRACT: "matched_by_contract",
                M.REFERENCE: "matched_by_reference",
                M.IBAN: "matched_by_iban",
            }[how]
            setattr(result, counter, getattr(result, counter) + 1)
        rows.append(
            BankEntry(
                statement=statement,
                entry_key=entry.key,
                booking_date=entry.booking_date,
                value_date=entry.value_date,
                amount=entry.amount,
                is_credit=entry.is_credit,
                counterparty_name=entry.counterparty_name,
                counterparty_iban=entry.counterparty_iban,
                remittance=entry.remittance,
                bank_reference=entry.bank_reference,
                status=status,
                loan_id=loan_id,
                matched_by=how,
            )
        )
    BankEntry.objects.bulk_create(rows, batch_size=2000)
    payments_book(
        items=[
            PaymentItem(
                loan_id=row.loan_id,
                amount=row.amount,
                value_date=row.value_date,
                bank_entry_id=row.pk,
            )
            for row in rows
            if row.status == BankEntry.Status.BOOKED
        ],
        source=Payment.Source.STATEMENT,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="statement.imported",
        obj=statement,
        changes={
            "file": statement.file_name,
            "format": statement.file_format,
            "statement": statement.statement_id,
            **result.counts(),
        },
    )
    return result


# --- The review queue ---------------------------------------------------------------------------


def _entry_locked(entry: BankEntry) -> BankEntry:
    return BankEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def entry_assign(
    *, entry: BankEntry, loan: Loan, actor: User, note: str = "", today: datetime.date | None = None
) -> Payment:
    """Book a credit the import could not match to the loan staff chose."""
    _require(actor)
    with scopes_disabled():
        entry = _entry_locked(entry)
        loan = Loan.objects.get(pk=loan.pk)
        if not entry.is_credit:
            raise ValidationError(
                _("A debit is not a repayment and cannot be booked to a loan."), code="debit"
            )
        if entry.status not in (BankEntry.Status.REVIEW, BankEntry.Status.NOT_REPAYMENT):
            raise ValidationError(
                _("This entry was booked already (to %(contract)s).")
                % {"contract": entry.loan.contract_number if entry.loan else "?"},
                code="state",
            )
        if loan.status == Loan.Status.DEFAULTED:
            # Money after a default is a recovery: it goes back the way the loss came (the
            # fund's write-off first, then the guarantors' claims; see credits.servicing).
            payment = servicing.loan_recovery_record(
                loan=loan,
                amount=entry.amount,
                value_date=entry.value_date,
                actor=actor,
                source=Payment.Source.STATEMENT,
                bank_entry_id=entry.pk,
                today=today,
            ).payment
        elif loan.status != Loan.Status.RUNNING:
            raise ValidationError(
                {
                    "contract_number": _(
                        "The loan %(contract)s is %(status)s: a repayment is booked to a "
                        "running loan, a recovery to a defaulted one. Please check the "
                        "contract number."
                    )
                    % {"contract": loan.contract_number, "status": loan.get_status_display()}
                },
                code="state",
            )
        else:
            [payment] = payments_book(
                items=[
                    PaymentItem(
                        loan_id=loan.pk,
                        amount=entry.amount,
                        value_date=entry.value_date,
                        bank_entry_id=entry.pk,
                        note=note,
                    )
                ],
                source=Payment.Source.STATEMENT,
                actor=actor,
            )
        entry.status = BankEntry.Status.BOOKED
        entry.loan = loan
        entry.matched_by = M.HAND
        entry.reviewed_by = actor
        entry.reviewed_at = timezone.now()
        entry.review_note = note[:200]
        entry.save(
            update_fields=[
                "status",
                "loan",
                "matched_by",
                "reviewed_by",
                "reviewed_at",
                "review_note",
            ]
        )
        audit_record(
            actor=actor,
            action="bank_entry.assigned",
            obj=loan,
            quarter_id=loan.quarter_id,
            changes={
                "entry": entry.pk,
                "amount": str(entry.amount),
                "value_date": entry.value_date.isoformat(),
                "payer": entry.counterparty_name,
                "note": note[:200],
            },
        )
    return payment


@transaction.atomic
def entry_mark_not_repayment(*, entry: BankEntry, note: str, actor: User) -> BankEntry:
    """Take a credit out of the queue: it is no repayment (a donation, a refund, a mistake)."""
    _require(actor)
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": _("Please say in a few words what this payment is (for example: donation).")}
        )
    with scopes_disabled():
        entry = _entry_locked(entry)
        if entry.status != BankEntry.Status.REVIEW:
            raise ValidationError(
                _("This entry no longer awaits review (%(status)s).")
                % {"status": entry.get_status_display()},
                code="state",
            )
        entry.status = BankEntry.Status.NOT_REPAYMENT
        entry.reviewed_by = actor
        entry.reviewed_at = timezone.now()
        entry.review_note = note[:200]
        entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        audit_record(
            actor=actor,
            action="bank_entry.not_repayment",
            obj=entry,
            changes={
                "statement": entry.statement_id,
                "amount": str(entry.amount),
                "payer": entry.counterparty_name,
                "note": entry.review_note,
            },
        )
    return entry


def result_message(result: ImportResult) -> str:
    """The counts in one sentence, for the page and the command."""
    message = _(
        "%(booked)s booked (%(contract)s by contract number, %(reference)s by reference, "
        "%(iban)s by IBAN), %(review)s queued for review, %(debits)s debits listed, "
        "%(known)s skipped as already imported"
    ) % {
        "booked": result.booked,
        "contract": result.matched_by_contract,
        "reference": result.matched_by_reference,
        "iban": result.matched_by_iban,
        "review": result.queued_for_review,
        "debits": result.debits,
        "known": result.skipped_known,
    }
    if result.pending:
        message += _(", %(pending)s not yet booked by the bank left out") % {
            "pending": result.pending
        }
    if result.imported_before is not None:
        message += _(" (the same file was imported on %(day)s)") % {
            "day": timezone.localtime(result.imported_before.imported_at).strftime("%d.%m.%Y")
        }
    return message
