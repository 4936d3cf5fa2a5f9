"""A loan outside the quarters, recorded in one step: the person (found again if they borrowed
outside the quarters before, else recorded without a quarter) and the payout, which a second
member of staff then confirms like any other."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from miqua.accounts.models import User
from miqua.audit.services import audit_record

from . import selectors
from .loan_services import LoanTerms, loan_record_outside
from .models import Borrower, Loan
from .services import BORROWER_FIELDS


@transaction.atomic
def outside_loan_record(
    *,
    borrower_data: Mapping[str, Any],
    terms: LoanTerms,
    actor: User,
    today: datetime.date | None = None,
) -> Loan:
    """Record the person and the payout together: if the terms are refused, no person without
    a loan is left behind (the transaction rolls back)."""
    if not actor.has_perm("credits.record_loan_outside"):
        raise PermissionDenied
    data = {k: v for k, v in borrower_data.items() if k in BORROWER_FIELDS}
    borrower = selectors.find_borrower(
        quarter=None,  # type: ignore[arg-type]
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
    )
    if borrower is None:
        borrower = Borrower.objects.create(quarter=None, **data)
        audit_record(actor=actor, action="borrower.created", obj=borrower, quarter_id=None)
    return loan_record_outside(borrower=borrower, terms=terms, actor=actor, today=today)
