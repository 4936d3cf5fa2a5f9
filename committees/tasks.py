"""Committee mail and the deadline: thin tasks that load, enter the scope and call services."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from miqua.accounts.models import Role, User
from miqua.accounts.tasks import send_email

from . import selectors, services
from .models import Ballot

logger = logging.getLogger(__name__)


def _mail(*, users: list[User], template: str, context: dict[str, object]) -> None:
    """One mail per person, in that person's language."""
    for user in users:
        if not user.is_active or not user.email:
            continue
        with translation.override(user.language):
            subject, _sep, body = render_to_string(
                template, {**context, "user": user, "base_url": settings.MIQUA_BASE_URL}
            ).partition("\n")
        send_email.delay(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(),
            body=body.strip() + "\n",
            to=[user.email],
        )


@shared_task
def notify_ballot_opened(*, ballot_id: int) -> None:
    with scopes_disabled():
        ballot = Ballot.objects.select_related("committee").get(pk=ballot_id)
        members = selectors.ballot_members(ballot=ballot)
        cases = list(ballot.cases.select_related("application__borrower"))
        _mail(
            users=members,
            template="committees/email/ballot_opened.txt",
            context={
                "ballot": ballot,
                "cases": cases,
                "url": reverse("ballot_detail", args=[ballot.pk]),
            },
        )


@shared_task
def notify_ballot_result(*, ballot_id: int) -> None:
    with scopes_disabled():
        ballot = Ballot.objects.select_related("committee").get(pk=ballot_id)
        cases = list(ballot.cases.select_related("application__borrower", "application__advisor"))
        staff = list(User.objects.filter(role=Role.STAFF, is_active=True))
        advisors = {c.application.advisor for c in cases}
        _mail(
            users=[*staff, *sorted(advisors - set(staff), key=lambda u: u.pk)],
            template="committees/email/ballot_result.txt",
            context={
                "ballot": ballot,
                "cases": cases,
                "url": reverse("ballot_detail", args=[ballot.pk]),
            },
        )


@shared_task
def send_deadline_reminders() -> int:
    """A day before a written procedure's deadline, remind the members who have not voted on
    every case. Each ballot is reminded once: the row is claimed under a lock, so a rerun or a
    second worker sends nothing twice."""
    sent = 0
    now = timezone.now()
    with scopes_disabled():
        due = Ballot.objects.filter(
            status=Ballot.Status.OPEN,
            kind=Ballot.Kind.WRITTEN,
            reminder_sent_at__isnull=True,
            deadline__gt=now,
            deadline__lte=now + timedelta(days=1),
        ).values_list("pk", flat=True)
        for ballot_id in due:
            with transaction.atomic():
                ballot = (
                    Ballot.objects.select_for_update(skip_locked=True)
                    .filter(pk=ballot_id, reminder_sent_at__isnull=True)
                    .first()
                )
                if ballot is None:
                    continue
                ballot.reminder_sent_at = now
                ballot.save(update_fields=["reminder_sent_at"])
                pending = selectors.members_with_votes_missing(ballot=ballot)
                url = reverse("ballot_detail", args=[ballot.pk])
                transaction.on_commit(
                    lambda b=ballot, p=pending, u=url: _mail(
                        users=p,
                        template="committees/email/ballot_reminder.txt",
                        context={"ballot": b, "url": u},
                    )
                )
                sent += len(pending)
    return sent


@shared_task
def close_due_ballots() -> int:
    """Close every written procedure whose deadline has passed. Idempotent: ballot_close
    locks the ballot and leaves a closed one alone."""
    with scopes_disabled():
        due = list(
            Ballot.objects.filter(
                status=Ballot.Status.OPEN, kind=Ballot.Kind.WRITTEN, deadline__lte=timezone.now()
            )
        )
        closed = 0
        for ballot in due:
            # One ballot that cannot close must not keep the others open past their deadline.
            try:
                services.ballot_close(ballot=ballot, actor=None)
            except Exception:
                logger.exception("Ballot %s could not be closed at its deadline", ballot.pk)
            else:
                closed += 1
    return closed
