"""`/health/` for the containers (docker-compose.yml's healthchecks), a load balancer or a
monitor: django-health-check runs the checks side by side and answers 200 when all pass, 500
when one fails; JSON for `Accept: application/json` (or `?format=json`), plain text for
`text/plain`, else a small HTML page.

What is checked follows the configuration, read at each request: the database; the shared
cache on Redis (with REDIS_URL; Celery's broker lives on the same server); with a broker and
workers, that each queue's worker took its heartbeat lately (miqua/ops/tasks.py: beat sends one
a minute, so this also notices a stopped beat, which would miss the 15th's check); that the
document storage (MEDIA_ROOT or the S3 bucket) takes, returns and deletes a file; and the space
left on the disks of var/ and MEDIA_ROOT. The answer names checks and their state only: no
person, no host name, no connection string. It is open without login (the orchestrator has
none) and exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT).
"""

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from health_check import Cache, Database, HealthCheck, Storage
from health_check.contrib.psutil import Disk as PsutilDisk
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from miqua.celery import app as celery_app

from .tasks import HEARTBEAT_KEY


@dataclasses.dataclass
class Disk(PsutilDisk):
    """psutil's disk check (unhealthy from MIQUA_HEALTH_DISK_MAX_PERCENT on) without the host's
    name in the answer."""

    hostname: str = dataclasses.field(default="", init=False, repr=False)


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker took this queue's heartbeat within MIQUA_WORKER_HEARTBEAT_MAX_AGE seconds."""

    queue: str = "default"

    def run(self) -> None:
        noted = cache.get(HEARTBEAT_KEY.format(queue=self.queue))
        if noted is None:
            raise ServiceUnavailable("No worker has taken a heartbeat of this queue yet")
        age = time.time() - float(noted)
        if age > settings.MIQUA_WORKER_HEARTBEAT_MAX_AGE:
            raise ServiceUnavailable(f"No worker has taken a heartbeat for {age:.0f} s")


def _existing(path: Path) -> Path:
    """The folder itself or, before it is first written, the nearest one above it: the disk
    it will be on."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def health_checks() -> Iterator[HealthCheck]:
    yield Database()
    if settings.REDIS_URL:
        yield Cache()
    # Without a broker (or in the tests) tasks run in-process: there is no worker to miss.
    if not celery_app.conf.task_always_eager:
        for queue in settings.CELERY_TASK_QUEUES:
            yield WorkerHeartbeat(queue=queue.name)
    yield Storage()
    folders = [Path(settings.BASE_DIR) / "var"]
    if isinstance(storages["default"], FileSystemStorage):
        folders.append(Path(settings.MEDIA_ROOT))
    for folder in dict.fromkeys(_existing(f) for f in folders):
        yield Disk(path=str(folder), max_disk_usage_percent=settings.MIQUA_HEALTH_DISK_MAX_PERCENT)


class HealthView(HealthCheckView):
    template_name = "ops/health.html"

    def get_checks(self) -> Iterator[HealthCheck]:
        return health_checks()
