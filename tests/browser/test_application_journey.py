"""The advisor's main job end to end in Chromium: an application from the first conversation
to the committee's decision template."""

import re

import pytest
from django_scopes import scopes_disabled

from credits.models import Application
from tests.demo_seed import seed_short_demo

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    seed_short_demo(monkeypatch)


def continue_(page) -> None:
    page.locator("button[name=continue]").click()


def test_advisor_enters_and_submits_staff_prepare_and_the_pdf_downloads(demo, live_server, page):
    base = live_server.url
    sign_in(page, base, "advisor.offenbach@miqua.example")
    page.wait_for_url(f"{base}/")

    # Person
    page.goto(f"{base}/applications/new/")
    page.fill("input[name=first_name]", "Gül")
    page.fill("input[name=last_name]", "Öztürk")
    page.fill("input[name=date_of_birth]", "1984-03-12")
    page.fill("input[name=phone]", "069 987654")
    page.fill("input[name=street]", "Bieberer Straße 7")
    page.fill("input[name=postal_code]", "63065")
    page.fill("input[name=city]", "Offenbach am Main")
    page.fill("input[name=languages]", "Deutsch, Türkisch")
    page.check("input[name=receives_sgb2][value=False]")
    continue_(page)

    # Business
    page.wait_for_url(re.compile(r"/edit/business/$"))
    page.fill("input[name=business_name]", "Änderungsschneiderei Öztürk")
    page.fill("input[name=trade]", "Schneiderei")
    page.check("input[name=stage][value=existing]")
    continue_(page)

    # Request, with a mistake: below the smallest loan.
    page.wait_for_url(re.compile(r"/edit/request/$"))
    page.fill("input[name=amount]", "499,99")
    page.fill("textarea[name=purpose]", "Industrienähmaschine und Stoffvorrat")
    page.fill("input[name=term_months]", "24")
    continue_(page)
    assert page.locator(".field.has-error input[name=amount]").count() == 1
    # Nothing typed is lost.
    assert page.input_value("textarea[name=purpose]") == "Industrienähmaschine und Stoffvorrat"
    assert page.input_value("input[name=term_months]") == "24"
    assert page.input_value("input[name=amount]") == "499,99"
    page.fill("input[name=amount]", "6.000")
    continue_(page)

    # Assessment
    page.wait_for_url(re.compile(r"/edit/assessment/$"))
    page.fill("textarea[name=improves_situation]", "Ja: mehr Aufträge, Aufstockung entfällt.")
    page.fill("textarea[name=can_repay]", "Ja: 700 € freier Überschuss im Monat.")
    page.check("input[name=potential][value=high]")
    page.check("input[name=handicap][value=large]")
    page.fill("input[name=monthly_income]", "2.400")
    page.fill("input[name=monthly_costs]", "1.700")
    page.check("input[name=repayable_if_closed][value=True]")
    continue_(page)
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    application_url = page.url

    # Two guarantors covering half of 6.000 €.
    for first, last, relation in (("Ayşe", "Öztürk", "Schwester"), ("Jürgen", "Weiß", "Nachbar")):
        form = page.locator("form.guarantee-form")
        form.locator("input[name=first_name]").fill(first)
        form.locator("input[name=last_name]").fill(last)
        form.locator("input[name=relation]").fill(relation)
        form.locator("input[name=amount]").fill("1.500")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/applications/\d+/"))
    assert "Ayşe Öztürk" in page.content() and "Jürgen Weiß" in page.content()

    page.locator("form[action*='/steps/submit/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/applications/\d+/"))
    pk = int(re.search(r"/applications/(\d+)/", application_url).group(1))
    with scopes_disabled():
        application = Application.objects.get(pk=pk)
        assert application.status == Application.Status.SUBMITTED
        assert application.amount == 6000
        assert application.borrower.last_name == "Öztürk"

    # The back office prepares the decision template.
    page.context.clear_cookies()
    sign_in(page, base, "staff@kiz.example")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/applications/{pk}/prepare/")
    page.fill("textarea[name=staff_assessment]", "Tragfähiges Geschäft, Rate gut gedeckt.")
    page.fill("textarea[name=recommendation]", "Bewilligung über 6.000 € empfohlen.")
    page.locator("button[name=action][value=prepare]").click()
    page.wait_for_url(re.compile(rf"/applications/{pk}/"))
    with scopes_disabled():
        assert Application.objects.get(pk=pk).status == Application.Status.PREPARED

    # The decision template downloads as a PDF with the person's name.
    pdf_link = page.locator(f"a[href$='/applications/{pk}/decision-template.pdf']").first
    response = page.context.request.get(base + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(body)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    assert "Gül Öztürk" in text
    assert "6.000,00 €" in text
