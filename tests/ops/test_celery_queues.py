"""The Celery queues: the monthly check on "checks", everything else on "default", so that no
other work delays the 15th's check; beat's heartbeats reach every queue; docker-compose.yml
has a worker on each queue and beat once."""

import asyncio
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from miqua.celery import app
from miqua.ops.tasks import HEARTBEAT_KEY, worker_heartbeat
from tests.test_celery_worker import real_worker  # noqa: F401 (the fixture: a worker on Redis)

ROOT = Path(__file__).resolve().parent.parent.parent
QUEUES = {"default", "checks"}
ON_CHECKS = {"monitoring.tasks.run_monthly_checks"}


def our_tasks() -> set[str]:
    app.loader.import_default_modules()  # what a worker imports at its start
    return {name for name in app.tasks if not name.startswith("celery.")}


def queue_of(task: str, options: dict | None = None) -> str:
    return app.amqp.router.route(dict(options or {}), task)["queue"].name


def test_the_queues_are_declared():
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == QUEUES


def test_the_monthly_check_goes_to_checks_and_every_other_task_to_default():
    tasks = our_tasks()
    # Discovery found the tasks of every app (a missing one would not be routed at all).
    assert tasks >= {
        *ON_CHECKS,
        "committees.tasks.close_due_ballots",
        "committees.tasks.send_deadline_reminders",
        "miqua.accounts.tasks.send_email",
        "miqua.ops.tasks.worker_heartbeat",
    }
    routes = {task: queue_of(task) for task in tasks}
    assert {task for task, queue in routes.items() if queue == "checks"} == ON_CHECKS
    assert set(routes.values()) == QUEUES


def test_beat_sends_the_check_to_checks_and_a_heartbeat_to_every_queue():
    schedule = settings.CELERY_BEAT_SCHEDULE
    sent = {name: queue_of(entry["task"], entry.get("options")) for name, entry in schedule.items()}
    assert sent["monthly-disruption-check"] == "checks"
    assert sent["monthly-disruption-check-catch-up"] == "checks"
    heartbeats = {
        entry["kwargs"]["queue"]: sent[name]
        for name, entry in schedule.items()
        if entry["task"] == "miqua.ops.tasks.worker_heartbeat"
    }
    # Each heartbeat travels on the queue it vouches for.
    assert heartbeats == {queue: queue for queue in QUEUES}


def _compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _listens_to(command: list[str]) -> set[str]:
    if "worker" not in command:
        return set()
    if "-Q" not in command:
        return set(QUEUES)  # without -Q a worker takes every declared queue
    return set(command[command.index("-Q") + 1].split(","))


def test_compose_has_a_worker_on_every_queue_and_one_beat():
    services = _compose_services()
    listened = set().union(*(_listens_to(s.get("command") or []) for s in services.values()))
    assert listened == QUEUES
    # The check's worker is not the one that is scaled for mail and the rest.
    assert _listens_to(services["worker-checks"]["command"]) == {"checks"}
    assert _listens_to(services["worker"]["command"]) == {"default"}
    beats = [name for name, s in services.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]


def _health_without_the_browsers_loop() -> dict:
    """/health/ runs its checks with asgiref's async_to_sync, which refuses a thread with a
    running event loop; after the browser tests (Playwright's sync API keeps one registered in
    this thread) there is one. Under gunicorn a request thread has none: so here, for the
    request, neither."""
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return Client().get("/health/?format=json").json()
    finally:
        asyncio.events._set_running_loop(loop)


@pytest.mark.usefixtures("real_worker")
def test_a_heartbeat_sent_to_the_checks_queue_reaches_a_worker_through_redis(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    key = HEARTBEAT_KEY.format(queue="checks")
    cache.delete(key)
    worker_heartbeat.apply_async(kwargs={"queue": "checks"}, queue="checks")
    deadline = time.monotonic() + 20
    while cache.get(key) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cache.get(key) is not None
    answer = _health_without_the_browsers_loop()
    assert answer["WorkerHeartbeat(queue='checks')"] == "OK"
    assert answer["WorkerHeartbeat(queue='default')"].startswith("Unavailable")
