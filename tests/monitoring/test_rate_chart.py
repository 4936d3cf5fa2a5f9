"""The chart of the disruption rate against the standard on the monthly checks page: its table
of figures (drawn by miqua/static/miqua/charts.js) holds, oldest month first, the rate of the
network (staff), of the advisor's quarters, or of the quarter picked, and the standard, as
unlocalized numbers in data-value; at most the last 60 months. The scripts are static files
(no inline script)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django_scopes import scopes_disabled

from monitoring import services
from monitoring.models import MonthlyCheck
from tests.clients import client_for

from .test_check_pages import portfolio  # noqa: F401 (a fixture)


def _chart_rows(body: str) -> list[tuple[str, str, str]]:
    """(date shown, rate's data-value, standard's data-value) of each body row of the chart's
    table, in order."""
    table = re.search(r'<table id="rate-chart-figures"(.*?)</table>', body, re.S)
    assert table, "the chart's table is missing"
    assert 'data-chart="line"' in table.group(1)
    assert 'data-unit="percent"' in table.group(1)
    tbody = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    return [
        (
            re.search(r'<th scope="row"[^>]*>\s*([^<]*?)\s*</th>', row).group(1),
            *re.findall(r'data-value="([^"]*)"', row),
        )
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    ]


@pytest.fixture
def two_months(network, portfolio):  # noqa: F811
    """January 2025 as well: the three loans paid out that day, none disrupted yet (0 %)."""
    with scopes_disabled():
        services.monthly_check_run(as_of=datetime.date(2025, 1, 15))
    return portfolio


def test_staff_see_the_networks_rate_oldest_first_against_the_standard(network, two_months):
    response = client_for(network.staff).get(reverse("check_list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert _chart_rows(body) == [
        ("15.01.2025", "0.00", "10.00"),
        ("15.03.2025", "66.67", "10.00"),  # 2 of 3 disrupted
    ]
    # The standard's column is drawn dashed; the shown figures stay German.
    assert 'data-series="standard"' in body
    assert "66,67" in body


def test_the_advisor_sees_their_quarters_rate(network, two_months):
    response = client_for(network.advisor).get(reverse("check_list"))

    assert _chart_rows(response.content.decode()) == [
        ("15.01.2025", "0.00", "10.00"),
        ("15.03.2025", "50.00", "10.00"),  # 1 of their 2
    ]


def test_a_quarter_picked_shows_its_own_rate(network, two_months):
    url = reverse("check_list") + f"?quarter={network.foreign_quarter.pk}"
    response = client_for(network.staff).get(url)

    assert _chart_rows(response.content.decode()) == [
        ("15.01.2025", "0.00", "10.00"),
        ("15.03.2025", "100.00", "10.00"),  # its one loan disrupted
    ]


def test_the_chart_keeps_the_last_60_months_and_the_history_all(network):
    first = datetime.date(2020, 1, 15)
    months = [
        datetime.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 15)
        for i in range(62)
    ]
    for i, as_of in enumerate(months):
        MonthlyCheck.objects.create(
            as_of=as_of,
            status=MonthlyCheck.Status.DONE,
            active=100,
            disrupted=i,
            standard_percent=Decimal("12.50") if i >= 61 else Decimal("10.00"),
        )

    response = client_for(network.staff).get(reverse("check_list"))

    body = response.content.decode()
    rows = _chart_rows(body)
    assert len(rows) == 60
    assert rows[0] == ("15.03.2020", "2.00", "10.00")  # the two oldest months left out
    assert rows[-1] == ("15.02.2025", "61.00", "12.50")
    history = re.search(r'<table id="check-history".*?</table>', body, re.S).group(0)
    assert history.count("<tr id=") == 62


def test_the_empty_list_has_no_chart(network):
    body = client_for(network.staff).get(reverse("check_list")).content.decode()
    assert 'id="no-checks"' in body
    assert 'id="rate-chart"' not in body


def test_the_scripts_are_static_files_found_for_collectstatic(network, portfolio):  # noqa: F811
    body = client_for(network.staff).get(reverse("check_list")).content.decode()

    assert re.search(r'<script src="/static/vendor/chartjs/chart\.umd\.min\.js" defer>', body)
    assert re.search(r'<script src="/static/miqua/charts\.js" defer>', body)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "an inline script"
    assert not re.search(r"\son[a-z]+=", body.split("</header>", 1)[1]), "an on*= handler"
    chart = finders.find("vendor/chartjs/chart.umd.min.js")
    assert chart is not None
    with open(chart, encoding="utf-8") as f:
        head = f.read(200)
    assert "Chart.js v4." in head
    assert finders.find("vendor/chartjs/LICENSE.md") is not None
    assert finders.find("miqua/charts.js") is not None
