"""Measure the loans at national scale and print the figures: the import of a bank statement of
10,000 entries against 50,000 running loans, first and repeated (goals: under 10 s and 2 s).

Builds the loans inside a transaction that is rolled back at the end, like `bench_network`:
it runs against any database (the demo SQLite file or PostgreSQL) and leaves nothing behind.
The instalments (24 per loan) are written by one INSERT ... SELECT: the schedule is the same
for every bench loan, and a million rows through the ORM would take minutes.
"""

import datetime
import time
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django_scopes import scopes_disabled

from credits.banking.importer import result_message, statement_import
from credits.loan_services import PaymentItem, payments_book
from credits.models import Borrower, Loan, Payment, ScheduleVersion
from credits.schedule import Method, repayment_schedule
from miqua.accounts.models import Role, User
from miqua.management.commands.bench_network import time_page
from quarters.models import Municipality, Quarter

AMOUNT = Decimal("3000.00")
RATE = Decimal("8.56")
TERM = 24
DISBURSED = datetime.date(2026, 1, 15)
ACCOUNT = "DE12430609671234567800"
IMPORT_GOAL_S = 10.0
REPEAT_GOAL_S = 2.0


class _Rollback(Exception):
    pass


def bench_iban(n: int) -> str:
    """A distinct IBAN-shaped account per bench loan (the import compares, it does not check)."""
    return f"DE{n:020d}"


def bench_statement(*, entries: int, loans: list[tuple[str, str]]) -> bytes:
    """A CAMT.053.001.08 statement: of every ten entries five name a contract number, two and
    a half come from a loan's IBAN, one and a half match nothing, one is a debit (a fee)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-06-02T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>BENCH-2026-06</Id>"
        "<FrToDt><FrDtTm>2026-06-01T00:00:00</FrDtTm><ToDtTm>2026-06-01T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    ]
    for n in range(entries):
        contract, iban = loans[(n * 7919) % len(loans)]
        kind = n % 20
        credit = kind >= 2
        if kind >= 10:
            text, payer = f"Rate Juni {contract}", "DE99000000000000000001"
        elif kind >= 5:
            text, payer = "Rueckzahlung Juni", iban
        else:
            text, payer = "Danke", "DE99000000000000000002"
        role = "Dbtr" if credit else "Cdtr"
        parts.append(
            f'<Ntry><Amt Ccy="EUR">{150 + n % 50}.00</Amt>'
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            "<BookgDt><Dt>2026-06-01</Dt></BookgDt><ValDt><Dt>2026-06-01</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH{n:010d}</AcctSvcrRef><NtryDtls><TxDtls>"
            f"<RltdPties><{role}><Pty><Nm>Zahler {n}</Nm></Pty></{role}>"
            f"<{role}Acct><Id><IBAN>{payer}</IBAN></Id></{role}Acct></RltdPties>"
            f"<RmtInf><Ustrd>{escape(text if credit else 'Entgelt')}</Ustrd></RmtInf>"
            "</TxDtls></NtryDtls></Ntry>"
        )
    parts.append("</Stmt></BkToCstmrStmt></Document>")
    return "".join(parts).encode()


class Command(BaseCommand):
    help = "Time the import of a bank statement against a national loan book (nothing is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loans", type=int, default=50_000)
        parser.add_argument("--entries", type=int, default=10_000)
        parser.add_argument("--quarters", type=int, default=100)

    def handle(self, *args: object, **options: int) -> None:
        try:
            with transaction.atomic(), scopes_disabled():
                loans = self.build(options)
                self.measure_import(loans=loans, entries=options["entries"])
                self.measure_loan_pages()
                raise _Rollback
        except _Rollback:
            self.stdout.write("(all benchmark data rolled back)")

    def build(self, options: dict[str, int]) -> list[tuple[str, str]]:
        started = time.perf_counter()
        municipality = Municipality.objects.create(name="Bench-Kredite", slug="bench-kredite")
        quarters = Quarter.objects.bulk_create(
            Quarter(municipality=municipality, name=f"Kredit-Quartier {i}", slug=f"bk-q{i}")
            for i in range(options["quarters"])
        )
        self.staff = User.objects.create_user(
            email="bench.loans@miqua.example", full_name="Bench", role=Role.STAFF
        )
        count = options["loans"]
        borrowers = Borrower.objects.bulk_create(
            (
                Borrower(
                    quarter=quarters[i % len(quarters)],
                    first_name=f"Vorname{i}",
                    last_name=f"Nachname{i}",
                    date_of_birth="1980-01-01",
                )
                for i in range(count)
            ),
            batch_size=5000,
        )
        loans = Loan.objects.bulk_create(
            (
                Loan(
                    quarter_id=b.quarter_id,
                    borrower=b,
                    contract_number=f"BK-{i:07d}",
                    iban=bench_iban(i),
                    amount=AMOUNT,
                    interest_rate=RATE,
                    term_months=TERM,
                    disbursed_on=DISBURSED,
                    status=Loan.Status.RUNNING,
                )
                for i, b in enumerate(borrowers)
            ),
            batch_size=5000,
        )
        ScheduleVersion.objects.bulk_create(
            (
                ScheduleVersion(
                    loan=loan,
                    quarter_id=loan.quarter_id,
                    number=1,
                    kind=ScheduleVersion.Kind.INITIAL,
                    status=ScheduleVersion.Status.ACTIVE,
                    valid_from=datetime.date(2026, 2, 1),
                    term_months=TERM,
                )
                for loan in loans
            ),
            batch_size=5000,
        )
        instalments = self._instalments(first_loan_id=min(loan.pk for loan in loans))
        if connection.vendor == "postgresql":
            # A database that holds 50,000 loans has statistics on them (autovacuum); rows
            # written inside this uncommitted transaction have none, and the planner guesses.
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE credits_borrower, credits_loan, credits_scheduleversion, "
                    "credits_instalment"
                )
        self.stdout.write(
            f"loans: {count} running loans with {instalments} instalments in "
            f"{len(quarters)} quarters ({connection.vendor}), built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        return [(loan.contract_number, loan.iban) for loan in loans]

    def _instalments(self, *, first_loan_id: int) -> int:
        rows = repayment_schedule(
            amount=AMOUNT,
            annual_rate_percent=RATE,
            term_months=TERM,
            method=Method.ANNUITY,
            first_month=datetime.date(2026, 2, 1),
            instalment_day=30,
        )
        day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
        template = " UNION ALL ".join(
            f"SELECT %s AS number, {day} AS due_on, %s AS interest, %s AS principal, %s AS balance"
            for _row in rows
        )
        params: list[object] = []
        for row in rows:
            params += [row.number, row.due_on.isoformat(), row.interest, row.principal, row.balance]
        # The SQL is put together from constants only; the values go as parameters.
        sql = (
            "INSERT INTO credits_instalment (loan_id, version_id, quarter_id, number, "  # noqa: S608
            "due_on, interest, principal, balance, is_current, paid_interest, paid_principal) "
            "SELECT v.loan_id, v.id, v.quarter_id, t.number, t.due_on, t.interest, "
            "t.principal, t.balance, TRUE, 0, 0 "
            f"FROM credits_scheduleversion v CROSS JOIN ({template}) t "
            "WHERE v.loan_id >= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, first_loan_id])
            return cursor.rowcount

    def measure_import(self, *, loans: list[tuple[str, str]], entries: int) -> None:
        content = bench_statement(entries=entries, loans=loans)
        self.stdout.write(f"statement: {entries} entries, {len(content) / 1e6:.1f} MB")
        for label, goal in (("first import", IMPORT_GOAL_S), ("repeat import", REPEAT_GOAL_S)):
            started = time.perf_counter()
            result = statement_import(content=content, file_name="bench.xml", actor=self.staff)
            took = time.perf_counter() - started
            verdict = "ok" if took < goal else "OVER THE GOAL"
            self.stdout.write(
                f"{label:14} {took:6.2f} s (goal under {goal:.0f} s: {verdict}): "
                f"{result_message(result)}"
            )

    def measure_loan_pages(self, repeat: int = 5) -> None:
        """The loan page of a loan with one payment and of one with a payment for every
        instalment, and the loan list, at this size: time and queries. The page's query count
        must be the same for both loans (it does not grow with the payments)."""
        few = Loan.objects.filter(payments__isnull=False).order_by("pk").first()
        many = Loan.objects.filter(payments__isnull=True, status=Loan.Status.RUNNING).first()
        assert few is not None and many is not None, "the import booked no payment"
        instalments = list(many.instalments.filter(is_current=True).order_by("due_on"))
        payments_book(
            items=[
                PaymentItem(loan_id=many.pk, amount=i.amount, value_date=i.due_on)
                for i in instalments[:-1]
            ],
            source=Payment.Source.MANUAL,
            actor=self.staff,
        )
        cases = [
            (f"loan page, {few.payments.count()} payment(s)", f"/loans/{few.pk}/"),
            (f"loan page, {many.payments.count()} payments", f"/loans/{many.pk}/"),
            ("loan list, staff, first page", "/loans/"),
            ("loan list, staff, in arrears", "/loans/?in_arrears=on"),
        ]
        client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS knows
        client.force_login(self.staff)
        self.stdout.write(f"{'page':34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        counts = []
        for label, url in cases:
            median, longest, queries = time_page(client, url, repeat)
            counts.append(queries)
            self.stdout.write(f"{label:34} {median:10.1f} {longest:8.1f} {queries:8d}")
        verdict = "the same" if counts[0] == counts[1] else "NOT the same"
        self.stdout.write(f"loan page queries with few and many payments: {verdict}")
