"""/health/ (miqua/ops/health.py): 200 when every check passes, 500 when one fails; JSON on
request; open without login and over plain http; no personal data in the answer."""

import socket
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from miqua.celery import app
from miqua.ops.tasks import HEARTBEAT_KEY, worker_heartbeat
from tests.settings_module import settings_module

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def health(**headers) -> tuple[int, dict[str, str]]:
    response = Client().get("/health/", **{**JSON, **headers})
    return response.status_code, response.json()


def a_closed_port() -> int:
    """A port on which nothing listens (just freed by the system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def with_workers():
    """Tasks go to a broker and its workers, as in production (the tests run them eagerly)."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True
    for queue in ("default", "checks"):
        cache.delete(HEARTBEAT_KEY.format(queue=queue))


def test_a_healthy_setup_answers_200_to_anyone(db):
    status, answer = health()
    assert status == 200
    assert answer["Database(alias='default')"] == "OK"
    assert answer["Storage(alias='default')"] == "OK"
    assert [name for name in answer if name.startswith("Disk(")]
    assert set(answer.values()) == {"OK"}


def test_the_answer_is_json_text_or_html_as_asked(db):
    client = Client()
    assert client.get("/health/?format=json")["Content-Type"] == "application/json"
    assert client.get("/health/", HTTP_ACCEPT="text/plain")["Content-Type"].startswith("text/plain")
    page = client.get("/health/", HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html")
    assert "Database" in page.content.decode()
    assert "no-cache" in page["Cache-Control"]


def test_a_stopped_redis_is_unhealthy(db):
    url = f"redis://127.0.0.1:{a_closed_port()}/14"
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    with override_settings(REDIS_URL=url, CACHES=redis):
        status, answer = health()
    assert status == 500
    assert answer["Cache(alias='default')"].startswith("Unexpected Result: Connection Error")
    assert answer["Database(alias='default')"] == "OK"


def test_a_running_redis_is_healthy(db):
    """The same check against the Redis the suite is given (CI has one)."""
    import os

    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs REDIS_URL (a Redis server)")
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"miqua-health-test-{os.getpid()}",
        }
    }
    with override_settings(REDIS_URL=url, CACHES=redis):
        status, answer = health()
    assert (status, answer["Cache(alias='default')"]) == (200, "OK")


def test_without_a_heartbeat_each_queue_is_reported_without_worker(db, with_workers):
    status, answer = health()
    assert status == 500
    for queue in ("default", "checks"):
        assert answer[f"WorkerHeartbeat(queue='{queue}')"] == (
            "Unavailable: No worker has taken a heartbeat of this queue yet"
        )


def test_a_recent_heartbeat_on_every_queue_is_healthy(db, with_workers):
    worker_heartbeat(queue="default")
    worker_heartbeat(queue="checks")
    status, answer = health()
    assert status == 200
    assert answer["WorkerHeartbeat(queue='checks')"] == "OK"


def test_an_old_heartbeat_of_the_checks_queue_is_unhealthy(db, with_workers, settings):
    worker_heartbeat(queue="default")
    old = time.time() - settings.MIQUA_WORKER_HEARTBEAT_MAX_AGE - 60
    cache.set(HEARTBEAT_KEY.format(queue="checks"), old, timeout=None)
    status, answer = health()
    assert status == 500
    assert answer["WorkerHeartbeat(queue='default')"] == "OK"
    assert answer["WorkerHeartbeat(queue='checks')"].startswith(
        "Unavailable: No worker has taken a heartbeat for 3"
    )


def test_a_full_disk_is_unhealthy(db, settings):
    settings.MIQUA_HEALTH_DISK_MAX_PERCENT = 0.001
    status, answer = health()
    assert status == 500
    disks = [answer[name] for name in answer if name.startswith("Disk(")]
    assert disks and all(state.endswith("disk usage") for state in disks)


def test_the_answer_names_no_person_and_no_host(network):
    body = Client().get("/health/", HTTP_ACCEPT="text/html").content.decode()
    body += Client().get("/health/?format=json").content.decode()
    people = [u.email for u in network.users_by_role().values()]
    people += [network.own_application.borrower.last_name, socket.gethostname()]
    assert [found for found in people if found in body] == []


def test_production_answers_health_over_http_and_redirects_the_rest(db, monkeypatch):
    """The container's healthcheck asks over plain http; every other page goes to https."""
    production = settings_module(
        monkeypatch, {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60}
    )
    with override_settings(
        SECURE_SSL_REDIRECT=production.SECURE_SSL_REDIRECT,
        SECURE_REDIRECT_EXEMPT=production.SECURE_REDIRECT_EXEMPT,
    ):
        client = Client()
        assert client.get("/health/", **JSON).status_code == 200
        login = client.get("/accounts/login/")
    assert (login.status_code, login["Location"]) == (301, "https://testserver/accounts/login/")
