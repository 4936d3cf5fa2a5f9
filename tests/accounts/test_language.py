from django.test import Client
from django.urls import reverse


def test_german_is_the_default(network):
    client = Client()
    client.force_login(network.advisor)
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_user_switches_to_english_and_keeps_it_for_the_next_visit(network):
    client = Client()
    client.force_login(network.advisor)
    response = client.post(reverse("language_set"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    network.advisor.refresh_from_db()
    assert network.advisor.language == "en"

    fresh = Client()  # another browser, no language cookie
    fresh.force_login(network.advisor)
    response = fresh.get(reverse("home"))
    assert response.headers["Content-Language"] == "en"
    assert "My quarters" in response.content.decode()


def test_language_switch_refuses_unknown_languages(network):
    client = Client()
    client.force_login(network.advisor)
    client.post(reverse("language_set"), {"language": "xx", "next": "/"})
    network.advisor.refresh_from_db()
    assert network.advisor.language == "de"


def test_language_switch_does_not_redirect_elsewhere(network):
    client = Client()
    response = client.post(
        reverse("language_set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
