"""What monitoring holds about a borrower: the contacts with them (notes on the person) and
their loans' arrears on the monthly checks (`miqua.personal_data`). The contact's date and
channel stay (the contact duty is read from them), the notes go."""

from miqua.personal_data import BORROWER, Holding

from .check_models import LoanSnapshot
from .contact_models import Contact

HOLDINGS = [
    Holding(BORROWER, "monitoring.contacts", Contact, "borrower_id", {"note": "", "next_step": ""}),
    Holding(BORROWER, "monitoring.arrears", LoanSnapshot, "loan__borrower_id"),
]
