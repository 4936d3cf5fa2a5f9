"""Staff sessions end after MIQUA_STAFF_IDLE_MINUTES (30) without a request; the stamp of the last
request is written at most once a minute, so the back office's clicks do not each write the
session."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from miqua.accounts.middleware import LAST_ACTIVITY_KEY


def idle_for(client: Client, seconds: int) -> None:
    """As if the session's last request had been `seconds` ago."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200  # signing in stamped the session
    return client


@pytest.mark.parametrize("role", ["staff", "administrator"])
def test_staff_are_signed_out_after_30_idle_minutes(network, role):
    client = signed_in(network.users_by_role()[role])
    idle_for(client, 31 * 60 + 1)

    response = client.get("/loans/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/loans/"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "Sie wurden nach 30 Minuten ohne Aktivität abgemeldet" in login_page


def test_a_request_within_the_idle_time_keeps_the_session(network):
    client = signed_in(network.staff)
    idle_for(client, 29 * 60)

    assert client.get("/loans/").status_code == 200
    # ... and counts as activity: another 29 minutes later the session is still there.
    idle_for(client, 29 * 60)
    assert client.get("/loans/").status_code == 200


def test_the_stamp_is_written_at_most_once_a_minute(network):
    client = signed_in(network.staff)
    stamped = client.session[LAST_ACTIVITY_KEY]

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    session_writes = [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert session_writes == []
    assert client.session[LAST_ACTIVITY_KEY] == stamped

    idle_for(client, 61)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    session_writes = [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert len(session_writes) == 1
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 1


@pytest.mark.parametrize("role", ["advisor", "committee_member", "municipality_viewer"])
def test_other_roles_keep_their_session(network, role):
    client = signed_in(network.users_by_role()[role])
    idle_for(client, 3 * 60 * 60)

    assert client.get("/").status_code == 200
    assert LAST_ACTIVITY_KEY in client.session  # set by idle_for, never read for them


def test_the_idle_minutes_come_from_the_settings(network, settings):
    settings.MIQUA_STAFF_IDLE_MINUTES = 5
    client = signed_in(network.staff)
    idle_for(client, 7 * 60)

    network.staff.language = "en"  # the message speaks the user's own language
    network.staff.save()
    response = client.get("/")

    assert response.status_code == 302
    follow = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You were signed out after 5 minutes without activity" in follow


def test_zero_minutes_switch_the_timeout_off(network, settings):
    settings.MIQUA_STAFF_IDLE_MINUTES = 0
    client = signed_in(network.staff)
    idle_for(client, 10 * 60 * 60)

    assert client.get("/").status_code == 200


def test_an_idle_api_session_answers_403_in_the_apis_format(network):
    client = signed_in(network.staff)
    idle_for(client, 40 * 60)

    response = client.get("/api/v1/loans/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Sie wurden nach 30 Minuten ohne Aktivität")
    assert "_auth_user_id" not in client.session


def test_an_idle_htmx_request_reloads_the_page_on_the_sign_in(network):
    client = signed_in(network.staff)
    idle_for(client, 40 * 60)

    response = client.get("/applications/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(reverse("account_login"))
