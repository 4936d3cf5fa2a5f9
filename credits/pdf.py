"""The decision template (Entscheidungsvorlage): the facts the committee decides on, and the
PDF made of them.

The PDF is a German document whatever language the person who prints it uses, so it is
rendered under `translation.override("de")` from a template written in German. WeasyPrint
gets no base URL and a fetcher that refuses every URL but inline data: the template carries
its styles inline and uses the system's DejaVu fonts, so rendering never reaches the network
or the file system.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from guarantors.models import Guarantee
from miqua.money import quantize_eur, quantize_percent
from miqua.pdf import html_to_pdf
from quarters.selectors import fund_figures

from . import selectors
from .calculations import grace_interest
from .models import Application, Borrower, Loan
from .selectors import GuaranteeCover

TEMPLATE = "credits/pdf/decision_template.html"


@dataclass(frozen=True)
class CapacityCheck:
    """The quarter's lending capacity before and after this loan."""

    lending_capacity: Decimal
    outstanding_exposure: Decimal
    before: Decimal
    after: Decimal

    @property
    def exceeded(self) -> bool:
        return self.after < 0

    @property
    def exceeded_by(self) -> Decimal:
        return -self.after if self.after < 0 else Decimal("0.00")


@dataclass(frozen=True)
class DecisionFacts:
    application: Application
    borrower: Borrower
    age: int
    loan_cycle: int
    # The largest amount this person may borrow now (step limits of the product).
    max_amount: Decimal
    instalment: Decimal | None
    grace_interest: Decimal | None
    guarantees: list[Guarantee]
    cover: GuaranteeCover
    free_cash_flow: Decimal | None
    # Share of the free cash flow the instalment takes, in percent (None if not computable).
    instalment_share: Decimal | None
    earlier_loans: list[Loan]
    capacity: CapacityCheck | None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def capacity_check(*, application: Application) -> CapacityCheck | None:
    fund = getattr(application.quarter, "fund", None)
    if fund is None:
        return None
    figures = fund_figures(fund=fund)
    amount = application.amount or Decimal("0.00")
    before = figures.available_capacity
    # Once paid out, the loan is part of the outstanding exposure already.
    if Loan.objects.filter(application=application, status=Loan.Status.RUNNING).exists():
        before += amount
    return CapacityCheck(
        lending_capacity=figures.lending_capacity,
        outstanding_exposure=figures.outstanding_exposure,
        before=before,
        after=before - amount,
    )


def decision_template_facts(
    *, application: Application, today: datetime.date | None = None
) -> DecisionFacts:
    today = today or timezone.localdate()
    borrower = application.borrower
    instalment = selectors.instalment_of(application=application)
    free_cash_flow = application.free_cash_flow
    share = None
    if instalment is not None and free_cash_flow is not None and free_cash_flow > 0:
        share = quantize_percent(instalment * 100 / free_cash_flow)
    cycle = selectors.loan_cycle(borrower=borrower, application=application)
    return DecisionFacts(
        application=application,
        borrower=borrower,
        age=age_on(borrower.date_of_birth, today),
        loan_cycle=cycle,
        max_amount=application.product.max_amount_for_cycle(cycle),
        instalment=instalment,
        grace_interest=(
            grace_interest(
                amount=application.amount, annual_rate_percent=application.product.interest_rate
            )
            if application.amount and application.grace_months
            else None
        ),
        guarantees=list(application.guarantees.select_related("guarantor")),
        cover=selectors.guarantee_cover(application=application),
        free_cash_flow=quantize_eur(free_cash_flow) if free_cash_flow is not None else None,
        instalment_share=share,
        earlier_loans=list(selectors.earlier_loans(borrower=borrower, application=application)),
        capacity=capacity_check(application=application),
    )


# The choices in German: the template is German even before the catalogue translates them.
STAGE = {"startup": "Gründung", "existing": "bestehendes Unternehmen"}
BANK_RELATIONSHIP = {
    "none": "kein Bankkonto",
    "account": "nur Girokonto",
    "credit": "Konto und frühere Bankkredite",
}
LOAN_STATUS = {"running": "läuft", "repaid": "zurückgezahlt", "defaulted": "ausgefallen"}
STATUS = {
    "draft": "Entwurf",
    "submitted": "eingereicht",
    "prepared": "vorbereitet",
    "before_committee": "im Vergabeausschuss",
    "approved": "bewilligt",
    "approved_with_conditions": "mit Auflagen bewilligt",
    "rejected": "abgelehnt",
    "deferred": "zurückgestellt",
    "withdrawn": "zurückgezogen",
}
# Target-group matrix: (potential, handicap) -> what the quadrant means.
QUADRANTS = {
    ("high", "little"): "klassische Bankkunden",
    ("high", "large"): "Zielgruppe Mikrokredit",
    ("low", "little"): "Bankkunden bei 100 % Absicherung",
    ("low", "large"): "soziale Projekte mit langen Laufzeiten",
}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "nicht angegeben"
    return "ja" if value else "nein"


def render_decision_template_html(
    *, application: Application, today: datetime.date | None = None
) -> str:
    today = today or timezone.localdate()
    facts = decision_template_facts(application=application, today=today)
    quadrant_key = (application.potential, application.handicap)
    context = {
        "facts": facts,
        "a": application,
        "b": facts.borrower,
        "today": today,
        "status": STATUS.get(application.status, application.status),
        "stage": STAGE.get(application.stage, ""),
        "bank_relationship": BANK_RELATIONSHIP.get(facts.borrower.bank_relationship, ""),
        "sgb2": _yes_no(facts.borrower.receives_sgb2),
        "repayable_if_closed": _yes_no(application.repayable_if_closed),
        "quadrant": QUADRANTS.get(quadrant_key),
        "quadrant_key": "-".join(quadrant_key),
        "earlier_loans": [
            (loan, LOAN_STATUS.get(loan.status, loan.status)) for loan in facts.earlier_loans
        ],
    }
    with translation.override("de"):
        return render_to_string(TEMPLATE, context)


def render_decision_template(
    *, application: Application, today: datetime.date | None = None
) -> bytes:
    """The decision template as PDF bytes (A4, German)."""
    return html_to_pdf(render_decision_template_html(application=application, today=today))


def decision_template_filename(application: Application) -> str:
    return f"Entscheidungsvorlage-{application.reference}.pdf"
