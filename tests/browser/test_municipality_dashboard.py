"""The municipality viewer in the browser (issue 11): Leipzig's viewer goes from their home to
Leipzig's dashboard, sees its charts drawn from the tables of their figures, opens the PDF
report for the council, and no page they can reach names a borrower."""

import io
import re

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled
from pypdf import PdfReader

from credits.models import Borrower
from miqua.accounts.models import User
from quarters.models import Municipality

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = "test-results"


@pytest.fixture
def demo(transactional_db):
    """The whole demo: Leipzig's loans of 2009-2012 and the monthly checks of their 15ths."""
    call_command("seed_demo", verbosity=0)


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _charts_drawn(page) -> dict[str, object]:
    page.wait_for_function(
        "() => ['#rate-chart', '#years-chart'].every(id => {"
        " const c = document.querySelector(id + ' canvas');"
        " return !!(c && window.Chart && Chart.getChart(c)); })"
    )
    return page.evaluate(
        """() => Object.fromEntries(['#rate-chart', '#years-chart'].map(id => {
            const chart = Chart.getChart(document.querySelector(id + ' canvas'));
            return [id, {type: chart.config.type, labels: chart.data.labels,
                         sets: chart.data.datasets.map(d => d.label)}];
        }))"""
    )


def test_leipzig_sees_its_dashboard_and_report_and_no_borrower(demo, live_server, page):
    base = live_server.url
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    with scopes_disabled():
        leipzig = Municipality.objects.get(name="Leipzig")
        # Every borrower's name in the demo (Leipzig's and the others').
        names = {
            name
            for first, last in Borrower.objects.values_list("first_name", "last_name")
            for name in (f"{first} {last}", last)
            if len(last) > 3
        }
        # The viewer's own name is in the header (the demo has a borrower of that surname).
        own = User.objects.get(email="city.leipzig@miqua.example").full_name
        names = {name for name in names if name not in own}
    assert len(names) > 100

    sign_in(page, base, "city.leipzig@miqua.example")
    page.wait_for_url(f"{base}/")
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Dashboard öffnen").click()
    page.wait_for_url(f"{base}/monitoring/municipalities/{leipzig.pk}/")
    assert page.locator("h1").inner_text() == "Mikrokredite in Leipzig"

    charts = _charts_drawn(page)
    assert charts["#rate-chart"]["type"] == "line"
    assert charts["#rate-chart"]["sets"] == ["Quote", "Standard"]
    assert charts["#years-chart"]["type"] == "bar"
    assert charts["#years-chart"]["sets"] == ["Anträge", "Ausgezahlte Kredite"]
    assert "2012" in charts["#years-chart"]["labels"]
    # The figures stay beside the charts as tables; small groups show as "< 3".
    assert page.locator("#rate-figures").is_visible()
    assert "< 3" in page.locator("#rate-figures").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/municipality-dashboard-leipzig.png", full_page=True)

    # The report for 2012, from the form on the page.
    page.get_by_role("textbox", name="Jahr").fill("2012")
    with page.expect_response(re.compile(r"/report\.pdf\?")) as answer:
        page.get_by_role("button", name="PDF-Bericht erstellen").click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer: the document itself, fetched with the session.
    document = page.request.get(response.url)
    assert document.body().startswith(b"%PDF-")
    assert "Bericht für den Rat" in _pdf_text(document.body())

    # Every page linked from the home and the menu, and the pages linked from those: no name.
    page.goto(f"{base}/")
    to_visit = [f"{base}/"]
    seen: set[str] = set()
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        visited = page.goto(url)
        if visited is None or "text/html" not in visited.headers.get("content-type", ""):
            continue
        text = page.locator("body").inner_text()
        shown = [name for name in names if name in text]
        assert shown == [], f"{url} shows {shown}"
        if len(seen) < 3:  # the home, and the pages one link further
            for href in page.eval_on_selector_all(
                "main a[href^='/'], nav a[href^='/']", "els => els.map(a => a.getAttribute('href'))"
            ):
                if not href.startswith(("/accounts/logout", "/admin")) and ".pdf" not in href:
                    to_visit.append(base + href.split("#")[0])
    assert len(seen) >= 4, seen
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
