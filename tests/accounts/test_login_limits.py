"""The login limits: an account is locked after five failures in 15 minutes; an office behind
one router is not locked out by a few people's typos; the message says when to try again."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from miqua.accounts.models import Role
from tests import factories
from tests.factories import PASSWORD

TIME = re.compile(r"\b([01][0-9]|2[0-3]):[0-5][0-9]\b")


def login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_a_locked_account_is_told_when_to_try_again(network):
    client = Client()
    for _ in range(5):
        login(client, network.advisor.email, "wrong")

    response = login(client, network.advisor.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    message = _form_errors(response)
    assert "für dieses Konto" in message
    assert TIME.search(message), message
    assert "in 15 Minuten" in message
    assert "Passwort" in message  # or reset the password


def test_the_message_is_english_in_english(network):
    client = Client(headers={"accept-language": "en"})
    for _ in range(5):
        login(client, network.advisor.email, "wrong")

    with override("en"):
        response = login(client, network.advisor.email, PASSWORD)

    message = _form_errors(response)
    assert "Please try again at" in message
    assert "(in 15 minutes)" in message


@pytest.fixture
def office(db, network):
    """Twenty people of the back office, all signing in through one router."""
    return [
        factories.UserFactory(email=f"kollege{i}@kiz.example", role=Role.STAFF) for i in range(20)
    ]


def test_an_office_behind_one_router_survives_a_morning_of_typos(network, office):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for person in office:
        login(client, person.email, "vertippt")

    response = login(client, network.staff.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(network.staff.pk)


def test_a_sweep_over_many_accounts_from_one_address_is_stopped_and_told_when(network, db):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(30):
        login(client, f"guess{i}@example.org", "password123")

    response = login(client, network.advisor.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    message = _form_errors(response)
    assert "aus Ihrem Netzwerk" in message
    assert TIME.search(message), message
    assert "in 1 Minute" in message


def test_a_sweep_does_not_lock_other_addresses(network, db):
    sweeper = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(30):
        login(sweeper, f"guess{i}@example.org", "password123")

    response = login(Client(REMOTE_ADDR="192.0.2.99"), network.advisor.email, PASSWORD)

    assert response.status_code == 302


def test_the_sign_in_page_limit_cuts_in_only_after_the_failed_login_limit(network):
    from allauth.account import app_settings

    rates = app_settings.RATE_LIMITS
    assert rates["login"] == "60/m/ip"
    assert "30/m/ip" in rates["login_failed"]


def test_a_rate_limited_request_gets_a_page_in_the_users_language(network):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for i in range(60):
        login(client, f"guess{i}@example.org", "x")

    response = login(client, network.advisor.email, PASSWORD)

    assert response.status_code == 429
    content = response.content.decode()
    assert "Zu viele Anfragen" in content
    assert "Bitte warten Sie eine Minute" in content
