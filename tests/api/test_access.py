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
from tests.api.endpoints import COLLECTIONS
from tests.clients import client_for

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "advisor", "committee_member", "municipality_viewer", "staff", "administrator")

# fmt: off
# endpoint: the answer of each role (in the order of ROLES), on the list and on an own object.
# As on the pages: persons (applications, guarantors, loans, contacts) for advisors and the
# back office; ballots for the back office and the committee's members; bank statements for
# the back office; municipality viewers the network's figures only.
EXPECTED = {
    #                 anonymous advisor committee viewer staff admin
    "municipality":   (401,     200,    403,      200,   200,  200),
    "quarter":        (401,     200,    403,      200,   200,  200),
    "fund":           (401,     200,    403,      200,   200,  200),
    "contribution":   (401,     200,    403,      200,   200,  200),
    "application":    (401,     200,    403,      403,   200,  200),
    "guarantor":      (401,     200,    403,      403,   200,  200),
    "guarantee":      (401,     200,    403,      403,   200,  200),
    "committee":      (401,     403,    200,      403,   200,  200),
    "ballot":         (401,     403,    200,      403,   200,  200),
    "vote":           (401,     403,    200,      403,   200,  200),
    "loan":           (401,     200,    403,      403,   200,  200),
    "instalment":     (401,     200,    403,      403,   200,  200),
    "payment":        (401,     200,    403,      403,   200,  200),
    "statement":      (401,     403,    403,      403,   200,  200),
    "bank-entry":     (401,     403,    403,      403,   200,  200),
    "contact":        (401,     200,    403,      403,   200,  200),
    "check":          (401,     200,    403,      403,   200,  200),
}
# fmt: on

# Who reads a quarter-owned endpoint's own objects, and so must not find the foreign ones.
READER = {
    "municipality": "advisor",
    "quarter": "advisor",
    "fund": "advisor",
    "contribution": "advisor",
    "application": "advisor",
    "guarantor": "advisor",
    "guarantee": "advisor",
    "committee": "committee_member",
    "ballot": "committee_member",
    "vote": "committee_member",
    "loan": "advisor",
    "instalment": "advisor",
    "payment": "advisor",
    "contact": "advisor",
}
VIEWER_READS = ["municipality", "quarter", "fund", "contribution"]


def _client(network, role: str) -> Client:
    if role == ANONYMOUS:
        return Client()
    return client_for(network.users_by_role()[role])


def _own_pk(endpoint: str, world, check) -> int:
    return check.pk if endpoint == "check" else world.own[endpoint]


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_each_role_gets_its_answer(endpoint, world, check):
    """Every role on the list and on an own object (one world for all roles: it is costly)."""
    answers = []
    for role in ROLES:
        client = _client(world.network, role)
        listed = client.get(reverse(f"api-{endpoint}-list"))
        detail = client.get(
            reverse(f"api-{endpoint}-detail", args=[_own_pk(endpoint, world, check)])
        )
        answers.append(
            listed.status_code if listed.status_code == detail.status_code else (listed, detail)
        )
        if role == ANONYMOUS:
            assert listed["WWW-Authenticate"] == "Token"
    assert tuple(answers) == EXPECTED[endpoint]


@pytest.mark.parametrize("endpoint", sorted(READER))
def test_a_foreign_quarters_object_is_not_found_and_not_listed(endpoint, world):
    client = _client(world.network, READER[endpoint])
    foreign = world.foreign[endpoint]
    assert client.get(reverse(f"api-{endpoint}-detail", args=[foreign])).status_code == 404
    every = {"status": "all"} if endpoint == "application" else {}  # not only the open ones
    listed = _ids(client.get(reverse(f"api-{endpoint}-list"), every))
    assert world.own[endpoint] in listed
    assert foreign not in listed


@pytest.mark.parametrize("endpoint", ["municipality", "quarter", "fund", "contribution"])
def test_the_municipality_viewer_does_not_find_a_foreign_municipalitys_objects(endpoint, world):
    client = client_for(world.network.municipality_viewer)
    foreign = world.foreign[endpoint]
    assert client.get(reverse(f"api-{endpoint}-detail", args=[foreign])).status_code == 404
    assert foreign not in _ids(client.get(reverse(f"api-{endpoint}-list")))


# What identifies a person: none of it reaches a municipality viewer.
PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "borrower",
    "borrower_name",
    "guarantor",
    "guarantor_name",
    "member",
    "member_name",
    "date_of_birth",
    "email",
    "phone",
    "street",
    "iban",
    "account_iban",
    "counterparty_name",
    "counterparty_iban",
    "recorded_by",
    "by",
}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize("endpoint", VIEWER_READS)
def test_the_municipality_viewer_gets_no_personal_field(endpoint, world):
    client = client_for(world.network.municipality_viewer)
    with scopes_disabled():
        borrower = world.own_loan.borrower
    for url in (
        reverse(f"api-{endpoint}-list"),
        reverse(f"api-{endpoint}-detail", args=[world.own[endpoint]]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert not _keys(response.json()) & PERSONAL_FIELDS
        assert borrower.last_name not in response.content.decode()


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
    assert set(body) == set(COLLECTIONS)


def test_the_api_answers_json_also_to_a_browser(network):
    response = client_for(network.staff).get(
        reverse("api-quarter-list"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response["Content-Type"] == "application/json"
