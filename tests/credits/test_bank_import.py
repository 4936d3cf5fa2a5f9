"""Importing the repayment account's statements: CAMT.053 (.001.02 and .001.08) and the
bank's CSV export, matched by contract number, reference and IBAN; the review queue; nothing
booked twice; a refused file books nothing; debits are listed, not booked; the command."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils.translation import override
from django_scopes import scopes_disabled

from credits.banking import importer
from credits.banking.importer import entry_assign, entry_mark_not_repayment, statement_import
from credits.banking.parsers import StatementError
from credits.models import BankEntry, BankStatement, Loan, Payment
from miqua.accounts.models import Role
from miqua.audit.models import AuditEntry
from tests import factories


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, the language of the source."""
    with override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal
S = BankEntry.Status


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Loans:
    def __init__(self, network, second_staff) -> None:
        def loan(contract: str, iban: str) -> Loan:
            return factories.paid_out_loan(
                quarter=network.own_quarter,
                recorder=network.staff,
                confirmer=second_staff,
                contract_number=contract,
                iban=iban,
            )

        self.first = loan("KV-0004711", factories.TEST_IBANS[0])
        self.second = loan("KV-0004712", factories.TEST_IBANS[1])
        # Its IBAN is also the payer's of credits that name another contract: the contract
        # number wins.
        self.third = loan("KV-0004713", factories.TEST_IBANS[2])

    def with_reference(self, content: bytes) -> bytes:
        """The .02 fixture names "MQ-000042": the third loan's application, whatever its key."""
        return content.replace(b"MQ-000042", self.third.application.reference.encode())


@pytest.fixture
def staff(network):
    return network.staff


@pytest.fixture
def loans(network) -> Loans:
    with scopes_disabled():
        second = factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
        return Loans(network, second)


def _import(name: str, staff, content: bytes | None = None) -> importer.ImportResult:
    return statement_import(content=content or fixture(name), file_name=name, actor=staff)


def _entries(statement: BankStatement) -> dict[str, tuple[str, int | None, str]]:
    with scopes_disabled():
        return {
            e.remittance: (e.status, e.loan_id, e.matched_by)
            for e in BankEntry.objects.filter(statement=statement)
        }


def _paid(loan: Loan) -> Decimal:
    with scopes_disabled():
        return sum((p.amount for p in Payment.objects.filter(loan=loan)), D("0"))


def test_camt_02_matches_by_contract_reference_and_iban_and_queues_the_rest(staff, loans):
    result = _import(
        "camt053_001_02.xml", staff, loans.with_reference(fixture("camt053_001_02.xml"))
    )
    reference = loans.third.application.reference
    assert result.statement.file_format == "camt.053.001.02"
    assert result.statement.account_iban == "DE12430609671234567800"
    assert result.statement.period_from == datetime.date(2025, 3, 4)
    assert (result.booked, result.matched_by_contract, result.matched_by_reference) == (3, 1, 1)
    assert (result.matched_by_iban, result.queued_for_review, result.debits) == (1, 1, 1)
    assert (result.skipped_known, result.pending) == (0, 1)
    assert _entries(result.statement) == {
        # The payer's IBAN is the third loan's, the text names the first: the text wins.
        "Rate Maerz Vertrag KV-0004711": (S.BOOKED, loans.first.pk, "contract"),
        "Dauerauftrag Rueckzahlung": (S.BOOKED, loans.second.pk, "iban"),
        f"Mikrokredit {reference} Rate 2": (S.BOOKED, loans.third.pk, "reference"),
        "Spende Sommerfest": (S.REVIEW, None, ""),
        "Kontofuehrung 02/2025": (S.DEBIT, None, ""),
    }
    assert [_paid(loans.first), _paid(loans.second), _paid(loans.third)] == [
        D("150.00"),
        D("212.50"),
        D("99.00"),
    ]
    with scopes_disabled():
        payment = Payment.objects.get(loan=loans.second)
        assert payment.source == Payment.Source.STATEMENT
        assert payment.value_date == datetime.date(2025, 3, 3)  # the value date, not booking
        assert payment.bank_entry.remittance == "Dauerauftrag Rueckzahlung"
        # What the allocations say is what the instalments say they were paid.
        allocated = sum((a.interest + a.principal for a in payment.allocations.all()), D("0"))
        paid = sum(
            (i.paid_interest + i.paid_principal for i in loans.second.instalments.all()), D("0")
        )
        assert allocated == paid == D("212.50")
        first_instalment = loans.second.instalments.order_by("due_on").first()
        # 212.50 € of the first instalment (about 227 €): paid in part, not settled.
        assert first_instalment.paid == D("212.50") < first_instalment.amount
        assert first_instalment.settled_on is None
        audit = AuditEntry.objects.get(action="statement.imported")
        assert audit.changes["booked"] == 3 and audit.changes["queued_for_review"] == 1


def test_camt_08_reads_party_and_status_codes_and_matches_a_spaced_contract_number(staff, loans):
    result = _import("camt053_001_08.xml", staff)
    assert result.statement.file_format == "camt.053.001.08"
    assert _entries(result.statement) == {
        "Rate April KV 0004712": (S.BOOKED, loans.second.pk, "contract"),
        "Rueckzahlung": (S.BOOKED, loans.first.pk, "iban"),
        "Entgelt Kontofuehrung 03/2025": (S.DEBIT, None, ""),
        "Danke!": (S.REVIEW, None, ""),
    }
    with scopes_disabled():
        debit = BankEntry.objects.get(status=S.DEBIT)
        assert debit.counterparty_name == "GLS Gemeinschaftsbank eG"
        assert not Payment.objects.filter(bank_entry=debit).exists()
        assert Payment.objects.count() == 2


def test_csv_export_is_matched_like_a_camt_statement(staff, loans):
    result = _import("bank.csv", staff)
    assert result.statement.file_format == "csv"
    assert _entries(result.statement) == {
        "Rate Mai KV-0004711": (S.BOOKED, loans.first.pk, "contract"),
        "Rückzahlung Mai": (S.BOOKED, loans.second.pk, "iban"),
        "Entgelte 04/2025": (S.DEBIT, None, ""),
        "Nebenkostenerstattung 2024": (S.REVIEW, None, ""),
    }
    assert _paid(loans.second) == D("212.50")


def test_the_same_file_again_books_nothing_and_says_it_was_imported(staff, loans):
    first = _import("camt053_001_08.xml", staff)
    paid = [_paid(loans.first), _paid(loans.second)]
    again = _import("camt053_001_08.xml", staff)
    assert (again.booked, again.queued_for_review, again.debits) == (0, 0, 0)
    assert again.skipped_known == 4
    assert again.imported_before == first.statement
    assert [_paid(loans.first), _paid(loans.second)] == paid
    with scopes_disabled():
        assert BankEntry.objects.count() == 4
    assert "imported on" in importer.result_message(again)


def test_an_overlapping_camt_statement_books_only_its_new_entries(staff, loans):
    _import("camt053_001_08.xml", staff)
    result = _import("camt053_001_08_overlap.xml", staff)
    assert (result.skipped_known, result.booked, result.debits) == (2, 2, 0)
    assert result.queued_for_review == 0  # "Danke!" waits once, from the first statement
    assert result.imported_before is None
    assert _paid(loans.first) == D("80.00") + D("60.00")
    assert _paid(loans.second) == D("150.00") + D("70.00")
    with scopes_disabled():
        assert BankEntry.objects.filter(status=S.REVIEW).count() == 1


def test_an_overlapping_csv_export_books_only_its_new_rows(staff, loans):
    """The CSV has no bank reference: the entries are known by what they say."""
    _import("bank.csv", staff)
    result = _import("bank_overlap.csv", staff)  # Windows-1252, two rows repeated
    assert (result.skipped_known, result.booked, result.matched_by_contract) == (2, 1, 1)
    assert _paid(loans.second) == D("212.50") + D("500.00")
    with scopes_disabled():
        first, second, third, fourth = loans.second.instalments.order_by("due_on")[:4]
        # 712.50 € pay three instalments of about 227 € (the first is settled by the 500 € of
        # 6 May, as the 212.50 € of 2 May fell short of it) and a part of the fourth.
        assert {first.settled_on, second.settled_on, third.settled_on} == {
            datetime.date(2025, 5, 6)
        }
        assert fourth.settled_on is None and fourth.paid > 0


def test_two_identical_transfers_in_one_file_are_both_booked(staff, loans):
    lines = fixture("bank.csv").decode().splitlines()
    content = "\r\n".join([lines[0], lines[1], lines[1]]).encode()
    result = _import("twice.csv", staff, content)
    assert result.booked == 2
    assert _paid(loans.first) == D("300.00")
    assert _import("twice.csv", staff, content).skipped_known == 2


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("camt053_001_02_truncated.xml", "not complete XML (line 112"),
        ("camt053_001_08_bad_amount.xml", 'Ntry 3 / Amt: "12,00" is not an amount'),
        ("camt053_001_08_wrong_currency.xml", 'Ntry 2 / Amt: the currency is "CHF"'),
        ("bank_bad_amount.csv", 'Line 3, column Betrag: "12.5O"'),
    ],
)
def test_a_damaged_file_is_refused_whole_and_books_nothing(staff, loans, name, says):
    # Each of them has a matching credit before the damage.
    with pytest.raises(StatementError) as refused:
        _import(name, staff)
    assert says in refused.value.message
    with scopes_disabled():
        assert BankStatement.objects.count() == 0
        assert BankEntry.objects.count() == 0
        assert Payment.objects.count() == 0


def test_a_credit_naming_a_loan_that_is_not_running_waits_for_review(staff, loans):
    with scopes_disabled():
        Loan.objects.filter(pk=loans.first.pk).update(
            status=Loan.Status.REPAID, closed_on=datetime.date(2025, 3, 1)
        )
    result = _import(
        "camt053_001_02.xml", staff, loans.with_reference(fixture("camt053_001_02.xml"))
    )
    # Not booked to the third loan either, although the payer's IBAN is the third loan's.
    assert _entries(result.statement)["Rate Maerz Vertrag KV-0004711"] == (S.REVIEW, None, "")
    assert _paid(loans.first) == 0 and _paid(loans.third) == D("99.00")


def test_an_iban_shared_by_two_running_loans_is_left_to_staff(staff, loans):
    with scopes_disabled():
        Loan.objects.filter(pk=loans.third.pk).update(iban=factories.TEST_IBANS[0])
    result = _import("camt053_001_08.xml", staff)
    assert _entries(result.statement)["Rueckzahlung"] == (S.REVIEW, None, "")


def test_an_import_that_meets_a_concurrent_one_starts_again_and_books_nothing_twice(
    staff, loans, monkeypatch
):
    """The other import stored the entries after this one looked for them: the unique key
    refuses the second insert, the import starts again and finds them known."""
    _import("camt053_001_08.xml", staff)
    real = importer._known_keys
    calls = []

    def first_blind(keys):
        calls.append(len(keys))
        return set() if len(calls) == 1 else real(keys)

    monkeypatch.setattr(importer, "_known_keys", first_blind)
    again = _import("camt053_001_08_overlap.xml", staff)
    assert len(calls) == 2
    assert (again.skipped_known, again.booked) == (2, 2)
    with scopes_disabled():
        assert Payment.objects.count() == 4
        assert BankStatement.objects.count() == 2


def test_only_staff_import(network, loans):
    with pytest.raises(PermissionDenied):
        _import("camt053_001_08.xml", network.advisor)
    with scopes_disabled():
        assert BankEntry.objects.count() == 0


# --- The review queue ----------------------------------------------------------------------


def _waiting(staff) -> BankEntry:
    _import("camt053_001_08.xml", staff)
    with scopes_disabled():
        return BankEntry.objects.get(status=S.REVIEW)


def test_staff_assign_a_waiting_credit_to_a_loan(staff, loans):
    entry = _waiting(staff)
    payment = entry_assign(entry=entry, loan=loans.third, actor=staff, note="Bruder zahlt")
    with scopes_disabled():
        entry.refresh_from_db()
        assert (entry.status, entry.loan, entry.matched_by) == (S.BOOKED, loans.third, "hand")
        assert entry.reviewed_by == staff and entry.reviewed_at is not None
        assert payment.bank_entry == entry and payment.amount == D("40.00")
        assert payment.value_date == datetime.date(2025, 4, 1)
        assert AuditEntry.objects.filter(
            action="bank_entry.assigned", object_id=str(loans.third.pk)
        ).exists()
    with pytest.raises(ValidationError):  # booked once only
        entry_assign(entry=entry, loan=loans.third, actor=staff)
    assert _paid(loans.third) == D("40.00")


def test_a_waiting_credit_is_not_assigned_to_a_loan_that_is_not_running(staff, loans):
    entry = _waiting(staff)
    with scopes_disabled():
        Loan.objects.filter(pk=loans.third.pk).update(
            status=Loan.Status.REPAID, closed_on=datetime.date(2025, 3, 1)
        )
        loans.third.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        entry_assign(entry=entry, loan=loans.third, actor=staff)
    assert "running loan" in str(refused.value)
    with scopes_disabled():
        assert BankEntry.objects.get(pk=entry.pk).status == S.REVIEW


def test_a_waiting_credit_assigned_to_a_defaulted_loan_is_a_recovery_for_the_fund(staff, loans):
    from credits import servicing
    from credits.models import FundLedgerEntry

    entry = _waiting(staff)
    with scopes_disabled():
        servicing.loan_declare_default(
            loan=loans.third,
            reason="Geschäft aufgegeben",
            day=datetime.date(2025, 3, 15),
            actor=staff,
            today=datetime.date(2025, 3, 15),
        )
        written_off = FundLedgerEntry.objects.get(loan=loans.third, kind="write_off").amount
    payment = entry_assign(
        entry=entry, loan=loans.third, actor=staff, today=datetime.date(2025, 4, 2)
    )
    with scopes_disabled():
        recovery = FundLedgerEntry.objects.get(loan=loans.third, kind="recovery")
        assert recovery.amount == D("40.00") < written_off
        assert payment.bank_entry_id == entry.pk
        entry.refresh_from_db()
        assert (entry.status, entry.loan) == (S.BOOKED, loans.third)


def test_a_debit_is_never_assigned(staff, loans):
    _import("camt053_001_08.xml", staff)
    with scopes_disabled():
        debit = BankEntry.objects.get(status=S.DEBIT)
    with pytest.raises(ValidationError):
        entry_assign(entry=debit, loan=loans.first, actor=staff)


def test_staff_mark_a_waiting_credit_as_not_a_repayment_with_a_note(staff, loans, network):
    entry = _waiting(staff)
    with pytest.raises(ValidationError):
        entry_mark_not_repayment(entry=entry, note="  ", actor=staff)
    with pytest.raises(PermissionDenied):
        entry_mark_not_repayment(entry=entry, note="Spende", actor=network.advisor)
    entry_mark_not_repayment(entry=entry, note="Spende", actor=staff)
    with scopes_disabled():
        entry.refresh_from_db()
        assert (entry.status, entry.review_note, entry.reviewed_by) == (
            S.NOT_REPAYMENT,
            "Spende",
            staff,
        )
        assert AuditEntry.objects.filter(action="bank_entry.not_repayment").exists()
    with pytest.raises(ValidationError):
        entry_mark_not_repayment(entry=entry, note="Spende", actor=staff)
    # A second thought: it was a repayment after all.
    entry_assign(entry=entry, loan=loans.first, actor=staff)
    assert _paid(loans.first) == D("80.00") + D("40.00")


# --- The command ----------------------------------------------------------------------------


def test_the_command_prints_each_file_and_exits_non_zero_after_a_refused_one(staff, loans):
    out, err = StringIO(), StringIO()
    files = [
        str(FIXTURES / "camt053_001_08.xml"),
        str(FIXTURES / "camt053_001_08_bad_amount.xml"),
        str(FIXTURES / "camt053_001_08_overlap.xml"),
    ]
    with pytest.raises(CommandError) as failed:
        call_command("import_bank_statement", *files, stdout=out, stderr=err)
    assert failed.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(
        "camt053_001_08.xml: 2 booked (1 by contract number, 0 by reference, 1 by IBAN), "
        "1 queued for review, 1 debits listed, 0 skipped as already imported"
    )
    assert lines[1].endswith(
        "camt053_001_08_overlap.xml: 2 booked (1 by contract number, 0 by reference, 1 by IBAN), "
        "0 queued for review, 0 debits listed, 2 skipped as already imported"
    )
    assert "bad_amount.xml: refused, nothing booked. Ntry 3 / Amt" in err.getvalue()
    with scopes_disabled():
        assert Payment.objects.count() == 4
        assert BankStatement.objects.get(file_name="camt053_001_08.xml").imported_by == staff


def test_the_command_needs_a_staff_member(db):
    with pytest.raises(CommandError, match="no active staff member"):
        call_command("import_bank_statement", str(FIXTURES / "bank.csv"))


def test_the_command_refuses_a_user_who_may_not_import(network):
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_bank_statement", str(FIXTURES / "bank.csv"), user=network.advisor.email
        )
