from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """Mail leaves through the worker, so a slow mail server never holds up a page. `html`,
    if given, goes along as the HTML alternative of the text `body`."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, html_message=html or None)
