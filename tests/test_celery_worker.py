"""With REDIS_URL, tasks travel through Redis to a real Celery worker (CI always has Redis)."""

import os
import time

import pytest
from django.core import mail

from miqua.accounts.tasks import send_email
from miqua.celery import app

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def real_worker(transactional_db):
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (a Redis server)")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    # No result backend, as in production: the test watches the task's effect instead.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_a_task_goes_through_redis_to_a_worker_and_sends_the_mail(real_worker):
    send_email.delay(subject="Probe", body="Hallo", to=["a@miqua.example"])
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.subject for m in mail.outbox] == ["Probe"]
