"""/api/v1/dashboard/portfolio/: the figures of the staff portfolio page, for the same roles
(the back office), Decimals as strings, the rate line of a quarter picked; a foreign or unknown
quarter is not found."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from monitoring import portfolio_selectors
from tests.clients import client_for
from tests.monitoring.test_portfolio_dashboard import TODAY, _checks, book  # noqa: F401

URL = "/api/v1/dashboard/portfolio/"


def test_the_url_is_named():
    assert reverse("api-dashboard-portfolio") == URL


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("advisor", 403),
        ("committee_member", 403),
        ("municipality_viewer", 403),
        ("staff", 200),
        ("administrator", 200),
    ],
)
def test_only_the_back_office_reads_it(network, role, status):
    assert client_for(network.users_by_role()[role]).get(URL).status_code == status


def test_anonymous_is_asked_for_a_token(db):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_the_pages_figures_as_strings(network, book, unscoped):  # noqa: F811
    expected = portfolio_selectors.portfolio_dashboard(today=TODAY)

    response = client_for(network.staff).get(URL)

    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == TODAY.isoformat()
    assert data["running_count"] == 4
    assert data["outstanding"] == str(expected.outstanding)
    assert data["disbursed"] == {"count": 6, "volume": "18000.00"}
    par30, par90 = data["portfolio_at_risk"]
    assert (par30["days"], par30["count"], par30["outstanding"]) == (30, 2, "7000.00")
    assert (par90["days"], par90["count"], par90["outstanding"]) == (90, 1, "4000.00")
    assert par90["percent"] == str(expected.risk[1].percent.quantize(Decimal("0.01")))
    assert data["defaults"]["count"] == 1
    assert data["defaults"]["recovered"] == "100.00"
    assert data["closed"]["disbursed"] == "3000.00"
    assert data["own_liability"]["state"] == "over"
    assert data["share"]["outside_count"] == 1
    quarters = {q["id"]: q for q in data["quarters"]}
    assert quarters[network.own_quarter.pk]["running"]["count"] == 2
    assert quarters[network.own_quarter.pk]["lending_capacity"] == "50000.00"


def test_it_gives_the_rate_line_of_the_quarter_picked(network):
    _checks(network)
    client = client_for(network.staff)

    whole = client.get(URL).json()
    picked = client.get(URL, {"quarter": network.own_quarter.pk}).json()

    assert [(p["as_of"], p["percent"]) for p in whole["rate_line"]] == [
        ("2012-08-15", "7.50"),
        ("2012-09-15", "10.00"),
    ]
    assert [(p["active"], p["percent"]) for p in picked["rate_line"]] == [
        (10, "10.00"),
        (0, "0.00"),
    ]
    assert whole["latest_check_on"] == "2012-09-15"
    assert whole["latest_rate"]["percent"] == "10.00"
    assert client.get(URL, {"quarter": "999999"}).status_code == 404
