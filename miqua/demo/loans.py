"""The network's loan product and the loans of the past: paid out before the applications were
kept in MIQUA (2009 to autumn 2012), running, repaid or defaulted."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from credits.models import Loan

from .network import HOCHFELD, MARXLOH, OF

# The network's product: the terms of the documents (500 to 20,000 EUR in three steps).
PRODUCT_NAME = "MIQUA-Mikrokredit"
PRODUCT_TERMS: dict[str, Any] = {
    "min_amount": Decimal("500.00"),
    "first_loan_max": Decimal("10000.00"),
    "second_loan_max": Decimal("15000.00"),
    "max_amount": Decimal("20000.00"),
    "max_term_months": 36,
    "interest_rate": Decimal("8.56"),
    "instalment_day": 30,
    "guarantee_share": Decimal("50.00"),
    "min_guarantors": 2,
}


@dataclass(frozen=True)
class PastLoan:
    """A loan paid out before the applications were kept in MIQUA."""

    quarter: str  # slug
    first_name: str
    last_name: str
    born: datetime.date
    amount: Decimal
    term_months: int
    paid_out: datetime.date
    status: str = Loan.Status.RUNNING
    closed_on: datetime.date | None = None
    had_disruptions: bool = False


def _loan(
    quarter: str,
    name: str,
    born: str,
    amount: str,
    term: int,
    paid_out: str,
    closed: str | None = None,
    *,
    defaulted: bool = False,
    disrupted: bool = False,
) -> PastLoan:
    first_name, last_name = name.rsplit(" ", 1)
    status = Loan.Status.RUNNING
    if closed:
        status = Loan.Status.DEFAULTED if defaulted else Loan.Status.REPAID
    return PastLoan(
        quarter,
        first_name,
        last_name,
        datetime.date.fromisoformat(born),
        Decimal(amount),
        term,
        datetime.date.fromisoformat(paid_out),
        status,
        datetime.date.fromisoformat(closed) if closed else None,
        disrupted or defaulted,
    )


# Running loans count with their full amount against their quarter's fund; every quarter stays
# well below its lending capacity (100,000 to 125,000 EUR).
PAST_LOANS: tuple[PastLoan, ...] = (
    _loan(OF, "Hans-Peter Köhler", "1958-09-02", "3000.00", 18, "2009-06-30", "2010-12-30"),
    # Nuray Aksoy's first loan; she applies for a second one (applications.py).
    _loan(OF, "Nuray Aksoy", "1972-01-17", "5000.00", 24, "2010-04-30", "2012-04-30"),
    _loan(OF, "Stefanie Wagner", "1980-12-11", "6000.00", 36, "2011-09-30"),
    _loan(OF, "Kemal Aydın", "1966-04-04", "4500.00", 24, "2012-02-15", disrupted=True),
    _loan(OF, "Vesna Marković", "1974-07-19", "7500.00", 36, "2012-06-29"),
    _loan(HOCHFELD, "Ion Popescu", "1982-03-03", "2500.00", 12, "2009-08-31", "2010-08-31"),
    _loan(
        HOCHFELD,
        "Dariusz Kamiński",
        "1973-11-30",
        "3000.00",
        24,
        "2009-11-30",
        "2011-06-30",
        defaulted=True,
    ),
    _loan(HOCHFELD, "Bülent Arslan", "1969-11-23", "5000.00", 36, "2011-05-31", disrupted=True),
    _loan(HOCHFELD, "Marija Nikolić", "1987-02-14", "6500.00", 30, "2012-01-31"),
    _loan(MARXLOH, "Yusuf Erdem", "1975-06-06", "4000.00", 24, "2010-01-29", "2012-01-31"),
    _loan(MARXLOH, "Hatice Koç", "1984-09-15", "8000.00", 36, "2012-03-30"),
    _loan(
        "gelsenkirchen-sued-ost", "Andrzej Wiśniewski", "1971-08-08", "5500.00", 36, "2011-11-30"
    ),
    _loan("leipzig-eisenbahnstrasse", "Van Minh Nguyen", "1978-05-01", "4000.00", 24, "2012-05-31"),
    _loan("kiel-gaarden", "Zeynep Güler", "1986-10-10", "6000.00", 36, "2012-07-31"),
)
