"""The models of `credits`: applications (and what they need) and loans with their ledger."""

from .applications import (
    MONEY,
    Application,
    ApplicationDocument,
    ApplicationTransition,
    Borrower,
    CapacityReservation,
    LoanProduct,
    document_path,
)
from .banking import BankEntry, BankStatement
from .loans import Allocation, FundLedgerEntry, Instalment, Loan, Payment, ScheduleVersion

__all__ = [
    "MONEY",
    "Allocation",
    "Application",
    "ApplicationDocument",
    "ApplicationTransition",
    "BankEntry",
    "BankStatement",
    "Borrower",
    "CapacityReservation",
    "FundLedgerEntry",
    "Instalment",
    "Loan",
    "LoanProduct",
    "Payment",
    "ScheduleVersion",
    "document_path",
]
