"""The API is rate-limited per user (DRF's throttling, counted in the cache): past the limit it
answers 429 with a Retry-After header and a message in the user's language, in the API's error
format; the schema documents it."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from miqua.api.throttling import UserRateThrottle

LIST = "/api/v1/quarters/"


@pytest.fixture
def three_a_minute(settings):
    settings.MIQUA_API_RATE_USER = "3/min"


def test_the_fourth_request_in_a_minute_answers_429(network, three_a_minute):
    client = Client()
    client.force_login(network.staff)

    answers = [client.get(LIST, HTTP_ACCEPT_LANGUAGE="de").status_code for _ in range(3)]
    over = client.get(LIST)

    assert answers == [200, 200, 200]
    assert over.status_code == 429
    wait = int(over["Retry-After"])
    assert 0 < wait <= 60
    assert over.json() == {
        "detail": f"Zu viele Anfragen. Bitte warten Sie {wait} Sekunden bis zur nächsten."
    }


def test_the_message_speaks_the_users_language(network, three_a_minute):
    network.advisor.language = "en"
    network.advisor.save()
    client = Client()
    client.force_login(network.advisor)
    for _ in range(3):
        client.get(LIST)

    detail = client.get(LIST).json()["detail"]

    assert detail.startswith("Too many requests. Please wait ")


def test_each_user_has_an_allowance_of_their_own_by_token_or_session(network, three_a_minute):
    token = Token.objects.create(user=network.advisor)
    by_token = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    by_session = Client()
    by_session.force_login(network.advisor)
    other = Client()
    other.force_login(network.staff)

    assert [by_token.get(LIST).status_code for _ in range(2)] == [200, 200]
    # The same person through the browser shares the count ...
    assert [by_session.get(LIST).status_code for _ in range(2)] == [200, 429]
    # ... another person does not.
    assert other.get(LIST).status_code == 200


def test_the_rates_come_from_the_settings(settings):
    settings.MIQUA_API_RATE_USER = "7/hour"
    assert UserRateThrottle().parse_rate(UserRateThrottle().get_rate()) == (7, 3600)


def test_the_schema_documents_429_for_every_operation(network):
    client = Client()
    client.force_login(network.staff)

    schema = client.get("/api/schema/?format=json").json()

    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    for operation in operations:
        answer = operation["responses"]["429"]
        assert "Retry-After" in answer["headers"]
        assert answer["content"]["application/json"]["schema"]["required"] == ["detail"]
