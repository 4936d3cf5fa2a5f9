"""The erasure under Art. 17 on the schedule: thin, the service does the work and is
idempotent."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def run_erasures() -> int:
    """Erase everyone due today; returns how many persons were erased now."""
    return len(services.erasures_run(today=timezone.localdate()))
