"""The loan's documents for the borrower, as PDFs in German: the repayment schedule
(Tilgungsplan) and the account statement (Kontoauszug) as of a day.

Rendered like the decision template (credits/pdf.py): German whatever the language of the
person who prints them, styles inline, no external references.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from miqua.pdf import html_to_pdf

from .loan_page_selectors import current_schedule, schedule_totals
from .loan_selectors import arrears_at, loan_ledger
from .models import Loan
from .schedule import effective_annual_rate

SCHEDULE_TEMPLATE = "credits/pdf/loan_schedule.html"
STATEMENT_TEMPLATE = "credits/pdf/loan_statement.html"

STATUS = {
    "pending": "wartet auf Bestätigung",
    "running": "läuft",
    "repaid": "zurückgezahlt",
    "defaulted": "ausgefallen",
}
METHOD = {"annuity": "Annuität (gleiche Raten)", "equal_principal": "gleiche Tilgungsanteile"}
STATE = {
    "paid": "bezahlt",
    "partly_paid": "teilweise bezahlt",
    "open": "offen",
    "overdue": "überfällig",
}
SOURCE = {"manual": "Einzahlung (erfasst)", "statement": "Überweisung (Kontoauszug)"}


def _head(loan: Loan, today: datetime.date) -> dict[str, object]:
    return {
        "loan": loan,
        "borrower": loan.borrower,
        "today": today,
        "status": STATUS.get(loan.status, loan.status),
        "method": METHOD.get(loan.method, loan.method),
        "effective_rate": effective_annual_rate(loan.interest_rate),
    }


def render_schedule_html(*, loan: Loan, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    schedule = current_schedule(loan=loan, today=today)
    context = {
        **_head(loan, today),
        "rows": [(row, STATE[row.state]) for row in schedule],
        "totals": schedule_totals(schedule),
    }
    with translation.override("de"):
        return render_to_string(SCHEDULE_TEMPLATE, context)


def render_statement_html(*, loan: Loan, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    ledger = loan_ledger(loan=loan, today=today)
    context = {
        **_head(loan, today),
        "payments": [(row, SOURCE.get(row.payment.source, "")) for row in ledger.payments],
        "balance": ledger.balance,
        "arrears": arrears_at(day=today, loans=[loan.pk]).get(loan.pk),
    }
    with translation.override("de"):
        return render_to_string(STATEMENT_TEMPLATE, context)


def render_schedule(*, loan: Loan, today: datetime.date | None = None) -> bytes:
    return html_to_pdf(render_schedule_html(loan=loan, today=today))


def render_statement(*, loan: Loan, today: datetime.date | None = None) -> bytes:
    return html_to_pdf(render_statement_html(loan=loan, today=today))


def _safe(contract_number: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in contract_number)


def schedule_filename(loan: Loan) -> str:
    return f"Tilgungsplan-{_safe(loan.contract_number)}.pdf"


def statement_filename(loan: Loan, today: datetime.date) -> str:
    return f"Kontoauszug-{_safe(loan.contract_number)}-{today:%Y-%m-%d}.pdf"
