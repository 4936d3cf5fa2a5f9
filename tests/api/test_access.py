"""Every endpoint against every role: the answer on the list and on one of the role's own
objects, 404 for a foreign quarter's object, no foreign rows in a list, the same for a token."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token, TokenProxy

from tests import factories
from tests.clients import client_for

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "advisor", "committee_member", "municipality_viewer", "staff", "administrator")

# fmt: off
# endpoint: the answer of each role (in the order of ROLES), on the list and on an own object.
EXPECTED = {
    #                 anonymous advisor committee viewer staff admin
    "municipality":   (401,     200,    403,      200,   200,  200),
    "quarter":        (401,     200,    403,      200,   200,  200),
    "loan":           (401,     200,    403,      403,   200,  200),
    "check":          (401,     200,    403,      403,   200,  200),
}
# fmt: on


def _client(network, role: str) -> Client:
    if role == ANONYMOUS:
        return Client()
    return client_for(network.users_by_role()[role])


def _own_pk(endpoint: str, network, loans, check) -> int:
    return {
        "municipality": network.own_quarter.municipality_id,
        "quarter": network.own_quarter.pk,
        "loan": loans[0].pk,
        "check": check.pk,
    }[endpoint]


def _foreign_pk(endpoint: str, network, loans) -> int:
    return {
        "municipality": network.foreign_quarter.municipality_id,
        "quarter": network.foreign_quarter.pk,
        "loan": loans[1].pk,
    }[endpoint]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_each_role_gets_its_answer(endpoint, role, network, loans, check):
    client = _client(network, role)
    expected = EXPECTED[endpoint][ROLES.index(role)]
    listed = client.get(reverse(f"api-{endpoint}-list"))
    detail = client.get(
        reverse(f"api-{endpoint}-detail", args=[_own_pk(endpoint, network, loans, check)])
    )
    assert (listed.status_code, detail.status_code) == (expected, expected)
    if role == ANONYMOUS:
        assert listed["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [
        ("municipality", "advisor"),
        ("quarter", "advisor"),
        ("loan", "advisor"),
        ("municipality", "municipality_viewer"),
        ("quarter", "municipality_viewer"),
    ],
)
def test_a_foreign_quarters_object_is_not_found(endpoint, role, network, loans):
    client = _client(network, role)
    foreign = _foreign_pk(endpoint, network, loans)
    assert client.get(reverse(f"api-{endpoint}-detail", args=[foreign])).status_code == 404


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_lists_hold_only_the_advisors_quarters(network, loans):
    client = client_for(network.advisor)
    assert _ids(client.get(reverse("api-quarter-list"))) == {network.own_quarter.pk}
    assert _ids(client.get(reverse("api-municipality-list"))) == {
        network.own_quarter.municipality_id
    }
    assert _ids(client.get(reverse("api-loan-list"))) == {loans[0].pk}


def test_the_municipality_viewer_sees_the_quarters_of_the_municipality(network):
    client = client_for(network.municipality_viewer)
    assert _ids(client.get(reverse("api-quarter-list"))) == {
        network.own_quarter.pk,
        network.sibling_quarter.pk,
    }


def test_staff_see_every_quarter_and_loan(network, loans):
    client = client_for(network.staff)
    assert _ids(client.get(reverse("api-quarter-list"))) == {
        network.own_quarter.pk,
        network.sibling_quarter.pk,
        network.foreign_quarter.pk,
    }
    assert _ids(client.get(reverse("api-loan-list"))) == {loans[0].pk, loans[1].pk}


def test_staff_see_a_municipality_without_quarters_and_an_advisor_does_not(network):
    with scopes_disabled():
        new = factories.MunicipalityFactory(name="Hanau", slug="hanau")
    staff = _ids(client_for(network.staff).get(reverse("api-municipality-list")))
    advisor = _ids(client_for(network.advisor).get(reverse("api-municipality-list")))
    assert staff == {
        network.own_quarter.municipality_id,
        network.foreign_quarter.municipality_id,
        new.pk,
    }
    assert advisor == {network.own_quarter.municipality_id}


def test_a_token_opens_the_advisors_quarters_and_no_more(network, loans):
    """The middleware ran before DRF knew the token's user (the anonymous scope: nothing);
    the mixin's scope is the advisor's."""
    token = Token.objects.create(user=network.advisor)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert _ids(client.get(reverse("api-loan-list"))) == {loans[0].pk}
    assert _ids(client.get(reverse("api-quarter-list"))) == {network.own_quarter.pk}
    assert client.get(reverse("api-loan-detail", args=[loans[0].pk])).status_code == 200
    assert client.get(reverse("api-loan-detail", args=[loans[1].pk])).status_code == 404


def test_a_wrong_token_is_refused(network):
    client = Client(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(reverse("api-loan-list")).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(network, loans):
    token = Token.objects.create(user=network.advisor)
    network.advisor.is_active = False
    network.advisor.save()
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("api-loan-list")).status_code == 401


def test_a_token_is_issued_on_the_command_line(network):
    """No admin page lists the tokens (secrets); `drf_create_token EMAIL` issues one."""
    out = StringIO()
    call_command("drf_create_token", network.advisor.email, stdout=out)
    token = Token.objects.get(user=network.advisor)
    assert token.key in out.getvalue()
    assert not admin.site.is_registered(TokenProxy)


def test_the_api_root_lists_the_endpoints_for_signed_in_users(network):
    assert Client().get(reverse("api-root")).status_code == 401
    body = client_for(network.municipality_viewer).get(reverse("api-root")).json()
    assert set(body) == {"municipalities", "quarters", "loans", "checks"}


def test_the_api_answers_json_also_to_a_browser(network):
    response = client_for(network.staff).get(
        reverse("api-quarter-list"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response["Content-Type"] == "application/json"
