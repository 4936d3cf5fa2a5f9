"""The chart of the monthly checks in the browser: Chart.js, served from our own static files,
draws the rate against the standard from the table of its figures, which stays on the page;
numbers come out the German way; nothing is requested from another host and nothing errs in
the console."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from monitoring.models import MonthlyCheck
from tests import factories

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = "test-results"

# (as of, active, disrupted, standard): 0 %, 12,5 %, 66,67 % against 10 % then 12 %.
MONTHS = [
    (datetime.date(2025, 1, 15), 8, 0, Decimal("10.00")),
    (datetime.date(2025, 2, 15), 8, 1, Decimal("10.00")),
    (datetime.date(2025, 3, 15), 3, 2, Decimal("12.00")),
]


@pytest.fixture
def checks(transactional_db, network):
    for as_of, active, disrupted, standard in MONTHS:
        MonthlyCheck.objects.create(
            as_of=as_of,
            status=MonthlyCheck.Status.DONE,
            active=active,
            disrupted=disrupted,
            standard_percent=standard,
        )


def test_staff_see_the_rate_drawn_against_the_standard(checks, network, live_server, page):
    base = live_server.url
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    sign_in(page, base, network.staff.email, factories.PASSWORD)
    page.wait_for_url(f"{base}/")
    # No animation (charts.js honours the setting), so the screenshot shows the final lines.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/monitoring/checks/")

    canvas = page.locator("#rate-chart canvas")
    page.wait_for_function(
        "() => { const c = document.querySelector('#rate-chart canvas');"
        " return !!(c && window.Chart && Chart.getChart(c)); }"
    )
    chart = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('#rate-chart canvas'));
            const label = chart.options.plugins.tooltip.callbacks.label;
            return {
                version: Chart.version,
                labels: chart.data.labels,
                sets: chart.data.datasets.map(d => [d.label, d.data, d.borderDash]),
                tooltip: label({dataset: {label: 'Quote'}, parsed: {y: 12.5}}),
                ticks: chart.scales.y.ticks.map(t => t.label),
            };
        }"""
    )
    assert chart["version"].startswith("4.")
    assert chart["labels"] == ["15.01.2025", "15.02.2025", "15.03.2025"]  # oldest left
    assert chart["sets"] == [
        ["Quote", [0, 12.5, 66.67], []],
        ["Standard", [10, 10, 12], [6, 4]],  # dashed
    ]
    assert chart["tooltip"] == "Quote: 12,5\xa0%"
    assert "10\xa0%" in chart["ticks"], chart["ticks"]

    # The canvas names the chart; the table of its figures stays, after it.
    assert canvas.get_attribute("role") == "img"
    caption = page.locator("#rate-chart-caption").text_content().strip()
    assert caption.endswith("Das ganze Netzwerk"), caption
    assert canvas.get_attribute("aria-label") == caption
    table = page.locator("#rate-chart-figures")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 3
    assert "66,67\xa0%" in table.inner_text()
    box = page.locator("#rate-chart .chart-box").bounding_box()
    assert box["height"] > 100 and box["width"] > 200

    page.screenshot(path=f"{SCREENSHOTS}/rate-chart-staff.png", full_page=True)

    # A failed load shows in the console too; the site has no favicon (not this test's matter).
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
    foreign = [url for url in requests if not url.startswith((base, "data:", "blob:"))]
    assert foreign == []
    assert any(url.endswith(".js") and "/static/vendor/chartjs/" in url for url in requests)


def test_staff_see_the_payouts_by_year_as_bars(checks, network, live_server, page):
    """The portfolio dashboard's table of payouts by year becomes a bar chart (data-chart="bar"):
    the loans per year, oldest left; the volume stays in the table only."""
    with scopes_disabled():
        for year, n in ((2010, 2), (2011, 1)):
            for _ in range(n):
                factories.LoanFactory(
                    borrower__quarter=network.own_quarter,
                    disbursed_on=datetime.date(year, 3, 1),
                    closed_on=datetime.date(year + 1, 9, 30),
                )
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    sign_in(page, base, network.staff.email, factories.PASSWORD)
    page.wait_for_url(f"{base}/")
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/monitoring/portfolio/")
    page.wait_for_function(
        "() => { const c = document.querySelector('#by-year canvas');"
        " return !!(c && window.Chart && Chart.getChart(c)); }"
    )
    chart = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('#by-year canvas'));
            return {
                type: chart.config.type,
                labels: chart.data.labels,
                sets: chart.data.datasets.map(d => [d.label, d.data]),
            };
        }"""
    )
    assert chart == {"type": "bar", "labels": ["2010", "2011"], "sets": [["Kredite", [2, 1]]]}
    # The rate chart of the same page is still a line.
    assert (
        page.evaluate(
            "() => Chart.getChart(document.querySelector('#rate-chart canvas')).config.type"
        )
        == "line"
    )
    assert page.locator("#by-year-figures").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/portfolio-dashboard-staff.png", full_page=True)
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
