"""The project's own error pages, in the user's language, in production and in the demo
(DEBUG on): no URL list, no traceback for a user to see."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

TECHNICAL = ("Using the URLconf", "urlpatterns", "Traceback", "DEBUG = True", "Django tried")


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture(params=[False, True], ids=["production", "demo"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.MIQUA_FRIENDLY_ERRORS = True
    return request.param


def _assert_friendly(content: str) -> None:
    for marker in TECHNICAL:
        assert marker not in content, marker


def test_a_foreign_quarters_page_is_our_404_in_german(network, debug):
    response = client_for(network.advisor).get(
        reverse("quarter_detail", args=[network.foreign_quarter.slug])
    )

    assert response.status_code == 404
    content = response.content.decode()
    assert "Diese Seite gibt es nicht" in content
    assert '<html lang="de">' in content
    _assert_friendly(content)


def test_an_unknown_address_is_our_404_in_english_for_an_english_user(network, debug):
    network.advisor.language = "en"
    network.advisor.save(update_fields=["language"])

    response = client_for(network.advisor).get("/no/such/page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "This page does not exist" in content
    _assert_friendly(content)


def test_a_missing_slash_is_still_redirected_in_the_demo(network, settings):
    settings.DEBUG = True
    response = client_for(network.advisor).get("/applications")
    assert response.status_code == 301
    assert response["Location"] == "/applications/"


def test_a_403_is_our_page_in_the_demo_too(network, debug):
    response = client_for(network.advisor).get(reverse("user_list"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "Diese Seite können Sie nicht öffnen" in content
    _assert_friendly(content)


def test_a_failing_view_shows_our_500_page_and_logs_the_traceback(network, debug, settings, caplog):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = client_for(network.advisor, raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/fail/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "Bei uns ist etwas schiefgegangen" in content
    _assert_friendly(content)
    assert "a bug" not in content
    # The developer finds the traceback in the log, in the demo as in production.
    logged = [r for r in caplog.records if r.exc_info]
    assert logged
    assert "a bug" in str(logged[-1].exc_info[1])


def test_a_developer_can_have_djangos_technical_pages_back(network, settings):
    settings.DEBUG = True
    settings.MIQUA_FRIENDLY_ERRORS = False

    response = client_for(network.advisor).get("/no/such/page/")

    assert response.status_code == 404
    assert "Using the URLconf" in response.content.decode()


def test_the_500_page_needs_no_context_and_speaks_the_language(rf):
    from django.utils.translation import override
    from django.views import defaults

    with override("en"):
        response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert '<html lang="en">' in content


def test_an_expired_form_gets_a_polite_german_page(network):
    client = client_for(network.advisor, enforce_csrf_checks=True)

    response = client.post(reverse("application_create"), {"first_name": "Ayşe"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "Das Formular konnte nicht gesendet werden" in content
    assert "CSRF" not in content


def test_a_bad_request_gets_our_400_page_in_production(db, settings):
    settings.DEBUG = False

    response = Client().get("/", headers={"host": "not-allowed.example"})

    assert response.status_code == 400
    assert "Die Anfrage konnte nicht verstanden werden" in response.content.decode()
