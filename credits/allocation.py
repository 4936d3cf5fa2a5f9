"""How a payment is divided among a loan's instalments: a pure function, so the rule is tested
on its own and the services apply it to one payment or to ten thousand at once.

The order (the contract's, and what the bank expects): first the interest of every overdue
instalment, oldest first; then their principal, oldest first; then the current instalment and
those after it, each interest before principal. What is left after the last instalment stays
unallocated: it is the borrower's credit, never dropped. Paying ahead of the due date is
therefore kept as credit for the next instalments, which are shown as (partly) paid in advance.

An instalment is overdue for a payment when it fell due before the payment's value date; the
instalment due on that very day is the current one.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from miqua.money import ZERO


@dataclass
class OpenInstalment:
    """What is still owed of one instalment; `allocate` lowers it as it allocates."""

    id: int
    due_on: datetime.date
    interest_open: Decimal
    principal_open: Decimal

    @property
    def is_open(self) -> bool:
        return self.interest_open > 0 or self.principal_open > 0


@dataclass(frozen=True)
class Part:
    instalment_id: int
    interest: Decimal
    principal: Decimal


def allocate(
    *, amount: Decimal, value_date: datetime.date, instalments: list[OpenInstalment]
) -> tuple[list[Part], Decimal]:
    """Divide `amount` among `instalments` (any order; they are changed in place). Returns the
    parts, one per instalment touched, and what is left over (the credit)."""
    if amount <= 0:
        raise ValueError("A payment is positive.")
    ordered = sorted((i for i in instalments if i.is_open), key=lambda i: (i.due_on, i.id))
    overdue = [i for i in ordered if i.due_on < value_date]
    rest = [i for i in ordered if i.due_on >= value_date]
    parts: dict[int, list[Decimal]] = {}
    left = amount

    def take(instalment: OpenInstalment, field: str) -> None:
        nonlocal left
        owed: Decimal = getattr(instalment, field)
        paid = min(owed, left)
        if paid <= 0:
            return
        setattr(instalment, field, owed - paid)
        left -= paid
        shares = parts.setdefault(instalment.id, [ZERO, ZERO])
        shares[0 if field == "interest_open" else 1] += paid

    for instalment in overdue:
        take(instalment, "interest_open")
    for instalment in overdue:
        take(instalment, "principal_open")
    for instalment in rest:
        take(instalment, "interest_open")
        take(instalment, "principal_open")
    return [Part(i, interest, principal) for i, (interest, principal) in parts.items()], left
