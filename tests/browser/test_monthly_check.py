"""The monthly check in the browser, on the demo's history: the Duisburg advisor reads
September 2012 for her quarters and records a due contact from the worklist (a bad date keeps
the note typed, in place); staff record a quality measure for the month above the standard
(an empty one is refused) and close it; the loan page shows the month the loan was disrupted."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = "test-results"
SEPTEMBER = "/monitoring/checks/2012-09-15/"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_the_month_as_the_advisor_and_as_staff(demo, live_server, chromium, page):
    """One seeded demo for both roles (seeding takes seconds): the advisor first, then staff in
    a browser context of their own."""
    base = live_server.url
    _advisor_reads_the_month_and_records_a_contact_in_place(page, base)
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    try:
        staff_page = context.new_page()
        staff_page.set_default_timeout(15_000)
        _staff_record_and_close_a_quality_measure(staff_page, base)
    finally:
        context.close()


def _advisor_reads_the_month_and_records_a_contact_in_place(page, base: str) -> None:
    sign_in(page, base, "advisor.duisburg@miqua.example")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}{SEPTEMBER}")
    rates = page.locator("#quarter-rates").inner_text()
    assert re.search(r"Hochfeld\s+12\s+4\s+33,33\s%", rates), rates
    assert re.search(r"Marxloh\s+15\s+3\s+20,00\s%", rates), rates
    assert "Kiel" not in page.locator("main").inner_text()
    arrears = page.locator("#arrears tbody tr")
    assert arrears.count() == 7  # Hochfeld's four and Marxloh's three
    page.screenshot(path=f"{SCREENSHOTS}/monthly-check-advisor.png", full_page=True)

    # The loan longest past due that day shows the month on its own page.
    arrears.first.locator("a").click()
    page.wait_for_url(re.compile(r"/loans/\d+/$"))
    assert page.locator("#disruptions td.month-disrupted").count() >= 1
    assert "15.09.2012" in page.locator("#disruptions").inner_text()

    # A due contact, recorded from the worklist: the form opens in its row.
    page.goto(f"{base}/monitoring/contacts/")
    row = page.locator("tbody tr").first
    row_id = row.get_attribute("id")
    form = row.locator("details.quick-form")
    form.locator("summary").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form.locator("input[name$=contacted_on]").fill(tomorrow.isoformat())
    form.locator("textarea[name$=note]").fill("Laden besucht, Umsatz stabil")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    again = page.locator(f"#{row_id} details.quick-form")
    assert again.get_attribute("open") is not None
    # The error names the latest possible day, today, at the date field.
    error = again.locator(".errorlist").inner_text()
    assert f"nach dem {timezone.localdate():%d.%m.%Y}" in error, error
    assert again.locator("textarea[name$=note]").input_value() == "Laden besucht, Umsatz stabil"
    page.screenshot(path=f"{SCREENSHOTS}/contact-worklist-error.png", full_page=True)
    again.locator("input[name$=contacted_on]").fill(timezone.localdate().isoformat())
    again.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/monitoring/contacts/")
    assert "erfasst" in page.locator(".messages").inner_text()
    assert page.locator(f"#{row_id}").count() == 0


def _staff_record_and_close_a_quality_measure(page, base: str) -> None:
    sign_in(page, base, "staff@kiz.example")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/monitoring/checks/")
    assert "11,71\xa0%" in page.locator("main").inner_text()
    page.locator(f"a[href='{SEPTEMBER}']").click()
    page.wait_for_url(f"{base}{SEPTEMBER}")
    assert "13 / 111" in page.locator("main").inner_text()

    measures = page.locator("#measures")
    measures.locator("button[type=submit]").click()  # nothing typed
    page.wait_for_load_state()
    assert page.locator("#measures .notice.error").count() == 1
    page.locator("#measures textarea").fill("Hochfeld: wöchentliche Sprechstunde, bis 31.10.")
    page.locator("#measures form.entry-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "wöchentliche Sprechstunde" in page.locator("#measures table").inner_text()
    page.locator("#measures").get_by_role("button", name="Maßnahme abschließen").click()
    page.wait_for_load_state()
    assert page.locator("#measures").get_by_role("button", name="Maßnahme abschließen").count() == 0
    assert "Michael Weber" in page.locator("#measures table").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/monthly-check-staff.png", full_page=True)
