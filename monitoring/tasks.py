"""The monthly check on the schedule: thin, the services do the work and are idempotent."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def run_monthly_checks() -> int:
    """Check every 15th not yet checked up to today (a missed run is caught up). Returns how
    many months were checked now or before (already checked months come back unchanged)."""
    return len(services.monthly_checks_catch_up(today=timezone.localdate()))
