"""On the demo network (`seed_demo`), the staff portfolio dashboard shows the brochure's
figures: about 150 loans paid out 2009-2012, 3 defaults, about 12 % disrupted on 15 September
2012, between 0 % and about a third by quarter. Seeding the whole history takes half a minute,
so test_loan_history.py, which seeds it anyway, asks this of the page it seeded."""

import re
from decimal import Decimal

from django.urls import reverse
from django_scopes import scopes_disabled

from miqua.accounts.models import User
from quarters.models import Quarter
from tests.clients import client_for

CHECK_DAY = "15.09.2012"


def _rate_on(body: str, day: str) -> Decimal:
    """The rate's data-value in the row of `day` of the page's rate chart table."""
    table = re.search(r'<table id="rate-chart-figures".*?</table>', body, re.S).group(0)
    row = re.search(
        rf"<th[^>]*>\s*{re.escape(day)}\s*</th>\s*<td[^>]*data-value=\"([^\"]*)\"", table
    )
    assert row, f"no row of {day}"
    return Decimal(row.group(1) or "0")


def assert_the_dashboard_shows_the_brochures_figures() -> None:
    with scopes_disabled():
        staff = User.objects.get(email="staff@kiz.example")
        quarters = list(Quarter.objects.order_by("pk"))
    client = client_for(staff)

    body = client.get(reverse("portfolio_dashboard")).content.decode()

    # Loans paid out by year: about 150 in 2009-2012.
    years = dict(
        re.findall(r'<th scope="row">(20\d\d)</th>\s*<td class="num" data-value="(\d+)"', body)
    )
    history = sum(int(years.get(str(year), 0)) for year in range(2009, 2013))
    assert 140 <= history <= 160, years
    # Three defaults.
    defaults = re.search(r'id="default-count"><dt>[^<]*</dt><dd>(\d+)</dd>', body)
    assert defaults and defaults.group(1) == "3"
    # About 12 % of the loans disrupted on 15 September 2012, the network's line.
    assert Decimal("10") <= _rate_on(body, CHECK_DAY) <= Decimal("14")
    # From 0 % to about a third between the quarters that day, each quarter's line.
    by_quarter = [
        _rate_on(
            client.get(reverse("portfolio_dashboard"), {"quarter": q.pk}).content.decode(),
            CHECK_DAY,
        )
        for q in quarters
    ]
    assert min(by_quarter) == 0, by_quarter
    assert Decimal("25") <= max(by_quarter) <= Decimal("40"), by_quarter
