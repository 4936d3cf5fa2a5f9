"""The heartbeat by which /health/ knows that each queue has a working worker."""

import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "worker-heartbeat:{queue}"


@shared_task
def worker_heartbeat(*, queue: str) -> None:
    """Beat sends this to every queue each minute; the worker that takes it notes the time. A
    note that grows old means no worker takes that queue's tasks (or beat, which sends them and
    the 15th's check alike, is gone)."""
    cache.set(HEARTBEAT_KEY.format(queue=queue), time.time(), timeout=None)
