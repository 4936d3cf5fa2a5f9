"""The network's loan product. The loans themselves, of the past and of today, are planned in
`miqua.demo.loan_history`."""

from decimal import Decimal
from typing import Any

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
