"""The decision template (Entscheidungsvorlage) as a PDF: the facts the committee decides on
(`selectors.decision_facts`, shared with the prepare page) in German words.

The PDF is a German document whatever language the person who prints it uses, so it is
rendered under `translation.override("de")` from a template written in German. WeasyPrint
gets no base URL and a fetcher that refuses every URL but inline data: the template carries
its styles inline and uses the system's DejaVu fonts, so rendering never reaches the network
or the file system.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from miqua.pdf import html_to_pdf

from . import extensions, selectors
from .models import Application

TEMPLATE = "credits/pdf/decision_template.html"


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
    facts = selectors.decision_facts(application=application, today=today)
    quadrant = facts.figures.quadrant
    context = {
        "facts": facts,
        "figures": facts.figures,
        "application": application,
        "a": application,
        "b": facts.borrower,
        "today": today,
        "status": STATUS.get(application.status, application.status),
        "stage": STAGE.get(application.stage, ""),
        "bank_relationship": BANK_RELATIONSHIP.get(facts.borrower.bank_relationship, ""),
        "sgb2": _yes_no(facts.borrower.receives_sgb2),
        "repayable_if_closed": _yes_no(application.repayable_if_closed),
        "quadrant": QUADRANTS.get(quadrant) if quadrant else None,
        "quadrant_key": "-".join(quadrant) if quadrant else "",
        "earlier_loans": [
            (loan, LOAN_STATUS.get(loan.status, loan.status)) for loan in facts.earlier_loans
        ],
    }
    with translation.override("de"):
        # The parts of other apps (the guarantees) render in German too.
        extensions.add_sections(context, application)
        return render_to_string(TEMPLATE, context)


def render_decision_template(
    *, application: Application, today: datetime.date | None = None
) -> bytes:
    """The decision template as PDF bytes (A4, German)."""
    return html_to_pdf(render_decision_template_html(application=application, today=today))


def decision_template_filename(application: Application) -> str:
    return f"Entscheidungsvorlage-{application.reference}.pdf"
