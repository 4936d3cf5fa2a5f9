"""The decision template as PDF: a readable German document with the figures the committee
decides on, for those who may see the application only."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled
from pypdf import PdfReader

from credits import pdf, selectors
from credits.models import Application
from miqua import pdf as shared_pdf
from miqua.money import format_eur
from quarters.models import FundContribution
from tests import factories
from tests.clients import client_for


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Lines break where the layout wants; the non-breaking space before € is a space to a reader.
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def eur_de(value: Decimal) -> str:
    with translation.override("de"):
        return format_eur(value).replace("\u00a0", " ")


@pytest.fixture
def application(network) -> Application:
    """The own quarter's complete draft, applied for by Gül Öztürk, with the template written."""
    with scopes_disabled():
        application = network.own_application
        borrower = application.borrower
        borrower.first_name, borrower.last_name = "Gül", "Öztürk"
        borrower.languages = "Deutsch, Türkisch"
        borrower.save()
        application.staff_assessment = "Frau Öztürk führt die Schneiderei seit Jahren verlässlich."
        application.recommendation = "Bewilligung über 5.000 € für 24 Monate."
        application.status = Application.Status.PREPARED
        application.save()
    return application


def url(application: Application) -> str:
    return reverse("decision_template_pdf", args=[application.pk])


@pytest.mark.parametrize("role", ["advisor", "staff"])
def test_the_pdf_is_a_valid_inline_pdf(network, application, role):
    response = client_for(network.users_by_role()[role]).get(url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f'filename="Entscheidungsvorlage-{application.reference}.pdf"' in disposition
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    # A4 portrait: 210 x 297 mm in points.
    box = reader.pages[0].mediabox
    # A4 is 595.28 x 841.89 pt.
    assert (int(box.width), int(box.height)) == (595, 841)


def test_the_pdf_says_what_the_committee_needs_to_know(network, application):
    response = client_for(network.advisor).get(url(application))
    text = pdf_text(response.content)
    with scopes_disabled():
        guarantors = [g.guarantor.full_name for g in application.guarantees.all()]
        capital = sum(
            (c.amount for c in FundContribution.objects.filter(fund=network.own_fund)),
            Decimal("0.00"),
        )
        instalment = selectors.application_figures(application=application).instalment
    capacity_before = capital * network.own_fund.leverage_factor  # no loans running yet
    capacity_after = capacity_before - application.amount

    assert "Entscheidungsvorlage" in text
    assert application.reference in text
    assert "Gül Öztürk" in text
    assert network.own_quarter.name in text  # Östliche Innenstadt
    assert "Änderungsschneiderei" in text
    assert "5.000,00 €" in text
    assert instalment is not None
    assert eur_de(instalment) in text
    assert "Verbessert der Kredit die persönliche und wirtschaftliche Situation" in text
    assert "Kann und wird die Kreditnehmerin/der Kreditnehmer zurückzahlen" in text
    assert application.improves_situation in text
    assert application.can_repay in text
    for name in guarantors:
        assert name in text
    assert "Erfüllt" in text  # two guarantors with 2.500,00 € cover half of 5.000,00 €
    assert "Zielgruppe Mikrokredit" in text
    assert eur_de(capacity_before) in text  # 50.000,00 €
    assert eur_de(capacity_after) in text  # 45.000,00 €
    assert application.staff_assessment in text
    assert application.recommendation in text


def test_it_is_german_whatever_language_the_user_reads(network, application):
    network.advisor.language = "en"
    network.advisor.save()
    response = client_for(network.advisor).get(url(application), HTTP_ACCEPT_LANGUAGE="en")
    text = pdf_text(response.content)
    assert "5.000,00 €" in text
    assert "Kreditwunsch" in text
    assert "5,000.00" not in text


def test_an_amount_beyond_the_capacity_is_shown_as_exceeding(network, application):
    with scopes_disabled():
        # 48.000 € of the 50.000 € are lent out already: 2.000 € left, 5.000 € asked for.
        factories.LoanFactory(
            borrower__quarter=network.own_quarter,
            amount=Decimal("48000.00"),
            status="running",
            closed_on=None,
        )
    response = client_for(network.staff).get(url(application))
    text = pdf_text(response.content)
    assert eur_de(Decimal("2000.00")) in text
    assert eur_de(Decimal("-3000.00")) in text
    assert "überschreitet den Kreditrahmen" in text
    assert eur_de(Decimal("3000.00")) in text


def test_earlier_loans_and_how_they_were_repaid_are_listed(network, application):
    with scopes_disabled():
        factories.LoanFactory(borrower=application.borrower, had_disruptions=True)
    text = pdf_text(client_for(network.staff).get(url(application)).content)
    assert "3.000,00 €" in text
    assert "01.03.2010" in text
    assert "zurückgezahlt am 30.09.2011" in text
    assert "2. Kredit" in text


def test_an_incomplete_draft_still_renders(network, application):
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(
            amount=None, term_months=None, potential="", monthly_income=None
        )
        application.guarantees.all().delete()
    response = client_for(network.advisor).get(url(application))
    assert response.status_code == 200
    assert "Gül Öztürk" in pdf_text(response.content)


def test_another_quarters_advisor_gets_404(network, application):
    response = client_for(network.foreign_advisor).get(url(application))
    assert response.status_code == 404
    assert b"%PDF" not in response.content[:10]


@pytest.mark.parametrize("role", ["municipality_viewer", "committee_member"])
def test_municipality_viewers_and_committee_members_get_no_pdf_here(network, application, role):
    response = client_for(network.users_by_role()[role]).get(url(application))
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"%PDF")


def test_rendering_reaches_for_nothing_outside(network, application):
    """No external reference: the fetcher refuses every URL, so a reference would fail loudly."""
    with scopes_disabled():
        html = pdf.render_decision_template_html(application=application)
    assert "http://" not in html and "https://" not in html
    assert "url(" not in html
    assert "<img" not in html and "<link" not in html


@pytest.mark.parametrize("src", ["http://127.0.0.1:9/logo.png", "file:///etc/hostname"])
def test_a_reference_outside_the_document_fails_instead_of_being_fetched(src):
    with pytest.raises(shared_pdf.ExternalReferenceError):
        shared_pdf.html_to_pdf(f'<p>Logo</p><img src="{src}">')


def test_inline_data_is_fine():
    assert shared_pdf.html_to_pdf("<p>Grüße</p>").startswith(b"%PDF")


def test_the_sections_are_numbered_in_order_with_the_guarantees_third(network, application):
    text = pdf_text(client_for(network.staff).get(url(application)).content)
    headings = [
        "1. Kreditnehmer/in und Unternehmen",
        "2. Kreditwunsch",
        "3. Bürgschaften",
        "4. Die Leitfragen der Entscheidung",
        "5. Zielgruppe",
        "6. Rückzahlungsfähigkeit",
        "7. Frühere Kredite",
        "8. Haftungsfonds des Quartiers",
        "9. Einschätzung des Mikrofinanzierers",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
