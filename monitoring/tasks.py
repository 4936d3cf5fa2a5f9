"""The monthly check on the schedule: thin, the services do the work and are idempotent."""

from celery import shared_task
from django.utils import timezone

from . import mail_services, services


@shared_task
def run_monthly_checks() -> int:
    """Check every 15th not yet checked up to today (a missed run is caught up), then mail the
    newest of them (a catch-up of many months mails once, about the latest). Returns how many
    months were checked now or before (already checked months come back unchanged)."""
    checks = services.monthly_checks_catch_up(today=timezone.localdate())
    if checks:
        mail_services.monthly_check_mails_send(check=max(checks, key=lambda c: c.as_of))
    return len(checks)
