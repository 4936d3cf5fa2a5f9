"""The monthly check on the schedule: thin, the services do the work and are idempotent."""

from celery import shared_task
from django.utils import timezone

from . import mail_services, services


@shared_task
def run_monthly_checks() -> int:
    """Check every 15th not yet checked up to today (a missed run is caught up), then mail the
    newest month if it is not mailed yet (a catch-up of many months mails once, about the
    latest; a run interrupted before its mails mails them next time). Returns how many months
    were checked now."""
    today = timezone.localdate()
    checks = services.monthly_checks_catch_up(today=today)
    mail_services.newest_check_mails_send(today=today)
    return len(checks)
