"""A loan from payout to its first payment, in the browser: staff record the payout of an
approved application, a second member of staff confirms it, a payment is booked, it shows on
the loan's page, and the repayment schedule comes as a PDF. The advisor of the quarter then
follows the loan."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Application, Loan, Payment
from quarters.models import Quarter
from tests import factories
from tests.demo_seed import seed_short_demo

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = "test-results"

# The bank's CSV export (as in tests/credits/fixtures/bank.csv): one repayment with the contract
# number in the remittance text.
CSV_HEADER = (
    "Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;"
    "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;"
    "BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;"
    "Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;Glaeubiger ID;Mandatsreferenz"
)


def _import_statement(page, base: str, *, contract_number: str, amount: str) -> None:
    day = timezone.localdate().strftime("%d.%m.%Y")
    line = (
        f"Mikrokredite Rückzahlung;DE12430609671234567800;GENODEM1GLS;GLS Gemeinschaftsbank;"
        f"{day};{day};Vorname Nachname;DE89370400440532013000;COBADEFFXXX;Gutschrift;"
        f"Rate {contract_number};{amount};EUR;10.230,50;;;;;"
    )
    content = f"{CSV_HEADER}\n{line}\n".encode()
    page.goto(f"{base}{reverse('statement_upload')}")
    page.locator("input[type=file]").set_input_files(
        {"name": "umsaetze.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/statements/\d+/"))


@pytest.fixture
def approved(transactional_db, settings, tmp_path, monkeypatch) -> Application:
    settings.MEDIA_ROOT = tmp_path
    seed_short_demo(monkeypatch)
    with scopes_disabled():
        quarter = Quarter.objects.get(slug="offenbach-oestliche-innenstadt")
        return factories.approved_application(quarter=quarter)


def test_payout_confirmed_by_a_second_person_then_a_payment_and_the_schedule_pdf(
    approved, live_server, page, chromium
):
    base = live_server.url
    sign_in(page, base, "staff@kiz.example")
    page.wait_for_url(f"{base}/")

    # The approved application offers the payout; the form comes prefilled from it.
    page.goto(f"{base}/applications/{approved.pk}/")
    page.locator("#payout a[href$='/payout/']").click()
    page.wait_for_url(re.compile(rf"/applications/{approved.pk}/payout/$"))
    assert page.locator("input[name=amount]").input_value() == "5.000,00"
    page.locator("input[name=contract_number]").fill("KV-BROWSER-1")
    page.locator("input[name=iban]").fill("DE89 3704 0044 0532 0130 00")
    page.locator("button[name=preview]").click()
    assert "8,90" in page.locator("#preview").inner_text()  # the effective rate of 8,56 %
    page.screenshot(path=f"{SCREENSHOTS}/loan-payout-form-staff.png", full_page=True)
    page.locator("button[name=record]").click()
    page.wait_for_url(re.compile(r"/loans/\d+/$"))
    loan_url = page.url
    assert page.locator("#pending").count() == 1
    with scopes_disabled():
        loan = Loan.objects.get(contract_number="KV-BROWSER-1")
        assert loan.status == Loan.Status.PENDING

    # The one who recorded it cannot confirm it.
    page.goto(f"{base}/loans/{loan.pk}/confirm/")
    assert page.locator("#own-recording").count() == 1
    assert page.locator("form button.big").is_disabled()

    # A second member of staff confirms it.
    second = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    other = second.new_page()
    other.set_default_timeout(15_000)
    sign_in(other, base, "admin@miqua.example")
    other.wait_for_url(f"{base}/")
    assert other.locator("#payouts-awaiting").inner_text().strip().endswith("1") or (
        "1" in other.locator("#payouts-awaiting dd a").inner_text()
    )
    other.goto(f"{base}/loans/{loan.pk}/confirm/")
    other.screenshot(path=f"{SCREENSHOTS}/loan-confirm-second-staff.png", full_page=True)
    other.locator("form button.big").click()
    other.wait_for_url(loan_url)
    assert other.locator("#pending").count() == 0
    second.close()
    with scopes_disabled():
        loan.refresh_from_db()
        assert loan.status == Loan.Status.RUNNING

    # The payment comes from the bank's statement (its CSV export), found by the contract number.
    _import_statement(page, base, contract_number="KV-BROWSER-1", amount="230,50")
    page.goto(loan_url)
    payments = page.locator("#payments table").inner_text()
    assert "230,50" in payments
    with scopes_disabled():
        payment = loan.payments.get()
        assert (payment.amount, payment.source) == (Decimal("230.50"), Payment.Source.STATEMENT)
    page.screenshot(path=f"{SCREENSHOTS}/loan-page-staff.png", full_page=True)

    # The repayment schedule as a PDF, with the session of the page.
    href = page.locator("a[href$='/tilgungsplan.pdf']").get_attribute("href")
    response = page.context.request.get(f"{base}{href}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.goto(f"{base}/loans/")
    assert "KV-BROWSER-1" in page.locator("main").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/loan-list-staff.png", full_page=True)

    # The quarter's advisor follows the loan: the list and the page, without the office's forms.
    advisor = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    view = advisor.new_page()
    view.set_default_timeout(15_000)
    sign_in(view, base, "advisor.offenbach@miqua.example")
    view.wait_for_url(f"{base}/")
    view.goto(f"{base}/loans/")
    assert "KV-BROWSER-1" in view.locator("main").inner_text()
    assert view.locator("a[href$='/loans/export.csv']").count() == 0
    view.screenshot(path=f"{SCREENSHOTS}/loan-list-advisor.png", full_page=True)
    view.goto(loan_url)
    assert "230,50" in view.locator("#payments").inner_text()
    assert view.locator("form.payment-form").count() == 0
    view.screenshot(path=f"{SCREENSHOTS}/loan-page-advisor.png", full_page=True)
    advisor.close()
