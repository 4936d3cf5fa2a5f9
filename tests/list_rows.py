"""Rows for the lists of the pages: n more of a kind in a quarter, for the tests that compare a
list with 5 rows and with many (query counts) and a page with its CSV file (exports).

Every builder is called with scopes disabled and returns the keys by which the row is found in
the page and in its file (a contract number, a reference, a title ...).
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from committees.models import Ballot, BallotCase, Committee
from credits.models import Application, BankEntry, BankStatement
from miqua.accounts.models import Role, User
from quarters.models import Quarter

from . import factories
from .conftest import Network

# The loans are paid out on this day and never paid: every one is in arrears today, due a
# weekly contact, and in arrears on CHECK_DAY.
PAID_OUT_ON = datetime.date(2025, 1, 15)
CHECK_DAY = datetime.date(2025, 4, 15)
_numbers = itertools.count(1)


def _second_staff() -> User:
    return User.objects.filter(email="rows.staff2@miqua.example").first() or (
        factories.UserFactory(role=Role.STAFF, email="rows.staff2@miqua.example")
    )


def loans(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n running loans in arrears (nothing paid since the payout), each its own borrower."""
    keys = []
    for _ in range(n):
        number = f"KV-ROW-{next(_numbers):05d}"
        factories.paid_out_loan(
            quarter=quarter or network.own_quarter,
            recorder=network.staff,
            confirmer=_second_staff(),
            contract_number=number,
            disbursed_on=PAID_OUT_ON,
            amount=Decimal("1000.00"),
        )
        keys.append(number)
    return keys


def monthly_check() -> None:
    """The check of CHECK_DAY, made again over the loans there are now."""
    from monitoring import services
    from monitoring.models import MonthlyCheck

    MonthlyCheck.objects.filter(as_of=CHECK_DAY).delete()
    services.monthly_check_run(as_of=CHECK_DAY)


def applications(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n drafts (open applications) with two guarantees each."""
    quarter = quarter or network.own_quarter
    advisor = network.advisor if quarter == network.own_quarter else network.foreign_advisor
    keys = []
    for _ in range(n):
        application = factories.ApplicationFactory(quarter=quarter, advisor=advisor)
        factories.GuaranteeFactory(application=application)
        factories.GuaranteeFactory(application=application)
        keys.append(application.reference)
    return keys


def ballots(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n ballots of the quarter's committee, open and closed by turns, each with a case."""
    quarter = quarter or network.own_quarter
    committee = Committee.objects.filter(quarter=quarter).first() or factories.CommitteeFactory(
        quarter=quarter
    )
    keys = []
    for _ in range(n):
        closed = next(_numbers) % 2 == 0
        title = f"Umlaufverfahren {next(_numbers):05d}"
        ballot = Ballot.objects.create(
            committee=committee,
            kind=Ballot.Kind.WRITTEN,
            title=title,
            deadline=timezone.now() + datetime.timedelta(days=7),
            opened_by=network.staff,
            status=Ballot.Status.CLOSED if closed else Ballot.Status.OPEN,
            closed_at=timezone.now() if closed else None,
        )
        application = factories.ApplicationFactory(
            quarter=quarter, status=Application.Status.BEFORE_COMMITTEE
        )
        BallotCase.objects.create(
            ballot=ballot, application=application, quarter=quarter, is_open=not closed
        )
        keys.append(title)
    return keys


def statements(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n imported statements, each with a credit awaiting review (statements are the
    network's: no quarter)."""
    keys = []
    for _ in range(n):
        number = next(_numbers)
        statement = BankStatement.objects.create(
            file_name=f"auszug-{number:05d}.xml",
            file_format=BankStatement.Format.CAMT053_08,
            imported_by=network.staff,
            entry_count=1,
            new_count=1,
        )
        review_entry(statement)
        keys.append(statement.file_name)
    return keys


def review_entry(statement: BankStatement) -> BankEntry:
    """A credit of 150 € on the statement that no loan was found for."""
    number = next(_numbers)
    return BankEntry.objects.create(
        statement=statement,
        entry_key=f"rows-{number}",
        booking_date=datetime.date(2025, 3, 4),
        value_date=datetime.date(2025, 3, 4),
        amount=Decimal("150.00"),
        is_credit=True,
        counterparty_name=f"Zahler {number:05d}",
        status=BankEntry.Status.REVIEW,
    )


def users(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n advisors of the quarter."""
    keys = []
    for _ in range(n):
        email = f"advisor.{next(_numbers):05d}@miqua.example"
        factories.UserFactory(
            role=Role.ADVISOR, email=email, quarters=[quarter or network.own_quarter]
        )
        keys.append(email)
    return keys


def quarters(network: Network, n: int, quarter: Quarter | None = None) -> list[str]:
    """n quarters with a fund and a contribution, in the municipality of `quarter` (else the
    own quarter's)."""
    municipality = (quarter or network.own_quarter).municipality
    keys = []
    for _ in range(n):
        fund = factories.LiabilityFundFactory(
            quarter__municipality=municipality, quarter__name=f"Quartier {next(_numbers):05d}"
        )
        factories.FundContributionFactory(fund=fund)
        keys.append(fund.quarter.name)
    return keys
