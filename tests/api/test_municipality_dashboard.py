"""/api/v1/dashboard/municipalities/<pk>/: the municipality dashboard's figures, held to the same
small-number rule as the page, for the municipality's viewers and the back office."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from tests.clients import client_for
from tests.municipality_data import STARTUP, loan_with_application, offenbach_with_loans


@pytest.fixture
def city(network):
    return offenbach_with_loans(network)


def _url(municipality_id: int) -> str:
    return reverse("api-dashboard-municipality-detail", args=[municipality_id])


def _rows(rows: list[dict]) -> dict[str, object]:
    return {row["key"]: row.get("values", row.get("value")) for row in rows}


def test_the_viewer_gets_the_figures_of_the_page_with_small_ones_as_fewer_than_three(network, city):
    response = client_for(network.municipality_viewer).get(
        _url(network.own_quarter.municipality_id)
    )
    assert response.status_code == 200
    data = response.json()
    assert [q["name"] for q in data["quarters"]] == ["Nordend", "Östliche Innenstadt"]
    by_quarter = _rows(data["by_quarter"])
    # Nordend, Östliche Innenstadt, total: "< 3" for a small group, null where hidden ("x").
    assert by_quarter["loans"] == ["< 3", None, 5]
    assert by_quarter["volume"] == ["< 3", None, "20000.00"]
    assert by_quarter["jobs_secured"] == ["< 3", None, 5]
    assert by_quarter["defaults"] == [0, "< 3", "< 3"]
    assert by_quarter["disruption_rate"] == ["< 3", None, "0.0"]
    assert _rows(data["trades"]) == {"schneiderei": 3, "other": "< 3"}
    assert _rows(data["stages"]) == {"startup": "< 3", "existing": None, "unknown": 0}
    assert data["years"][-1]["applications"] == 7
    assert [m["rate"] for m in data["rate_history"]] == ["< 3", "0.0"]
    body = response.content.decode()
    for loan in city:
        assert loan.borrower.last_name not in body


def test_a_year_narrows_the_figures_and_a_bad_period_is_refused(network, city):
    client = client_for(network.staff)
    url = _url(network.own_quarter.municipality_id)
    data = client.get(url, {"year": "2011"}).json()
    assert data["period_start"] == "2011-01-01"
    assert _rows(data["by_quarter"])["loans"] == ["< 3", "< 3", 3]
    refused = client.get(url, {"start": "2012-05-01", "end": "2012-01-01"})
    assert refused.status_code == 400
    assert "end" in refused.json()


@pytest.mark.parametrize(
    ("role", "own", "foreign"),
    [
        ("municipality_viewer", 200, 404),
        ("staff", 200, 200),
        ("administrator", 200, 200),
        ("advisor", 403, 403),
        ("committee_member", 403, 403),
    ],
)
def test_each_role_gets_its_answer_and_a_foreign_municipality_is_not_found(
    network, city, role, own, foreign
):
    client = client_for(network.users_by_role()[role])
    assert client.get(_url(network.own_quarter.municipality_id)).status_code == own
    assert client.get(_url(network.foreign_quarter.municipality_id)).status_code == foreign


def test_anonymous_is_asked_to_sign_in_and_a_token_works(network, city):
    url = _url(network.own_quarter.municipality_id)
    assert Client().get(url).status_code == 401
    token = Token.objects.create(user=network.municipality_viewer)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    foreign = _url(network.foreign_quarter.municipality_id)
    assert Client().get(foreign, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 404


def test_the_queries_do_not_grow_with_the_loans(network, city):
    client = client_for(network.municipality_viewer)
    url = _url(network.own_quarter.municipality_id)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    for i in range(45):
        quarter = network.own_quarter if i % 2 else network.sibling_quarter
        with scopes_disabled():
            loan_with_application(
                quarter, "2012-03-01", "1500.00", "repaid", f"Handel {i % 4}", STARTUP, 1, 2
            )
    with CaptureQueriesContext(connection) as fifty:
        client.get(url)
    assert len(fifty) == len(five)
