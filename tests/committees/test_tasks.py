"""Committee mail and the deadline tasks: mail leaves after the commit only, reminders go once
to those who have not voted, and the deadline closes a ballot once."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from committees import tasks
from committees.models import Ballot, BallotCase, Vote
from credits.models import Application, ApplicationTransition
from credits.services import application_transition
from miqua.audit.models import AuditEntry

from .conftest import (
    cast,
    move_deadline_into_the_past,
    open_meeting,
    open_written,
    prepared_application,
)

C = Vote.Choice


@pytest.fixture
def applications(board):
    return [
        prepared_application(board.network, business_name="Kiosk am Wilhelmsplatz"),
        prepared_application(board.network, amount="4500.00", business_name="Übersetzungsbüro"),
    ]


def by_recipient() -> dict[str, mail.EmailMessage]:
    assert all(len(m.to) == 1 for m in mail.outbox)
    return {m.to[0]: m for m in mail.outbox}


# --- Opened -----------------------------------------------------------------------------------


def test_opening_a_ballot_mails_each_member_once_after_the_commit(
    board, applications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ballot = open_written(board, applications)
        # Nothing leaves before the commit.
        assert mail.outbox == []

    assert len(callbacks) == 1
    mails = by_recipient()
    assert set(mails) == {m.email for m in board.members}
    assert len(mail.outbox) == 5
    link = settings.MIQUA_BASE_URL + reverse("ballot_detail", args=[ballot.pk])
    for message in mails.values():
        assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        assert board.committee.name in message.subject
        assert "\n" not in message.subject
        assert link in message.body
        for application in applications:
            assert application.reference in message.body
            assert application.business_name in message.body
            # No more personal data than needed: no borrower's name in mail.
            assert application.borrower.last_name not in message.body
            assert application.borrower.first_name not in message.body


def test_the_opened_mail_says_the_deadline_and_the_amounts(
    board, applications, django_capture_on_commit_callbacks
):
    board.ordinary.language = "en"
    board.ordinary.save()

    with django_capture_on_commit_callbacks(execute=True):
        ballot = open_written(board, applications)

    body = by_recipient()[board.ordinary.email].body
    with translation.override("en"):
        deadline = date_format(timezone.localtime(ballot.deadline), "DATETIME_FORMAT")
    assert f"Votes until: {deadline}\n" in body
    assert "5,000.00\u00a0€" in body
    assert "4,500.00\u00a0€" in body
    assert body.startswith(f"Hello {board.ordinary.full_name},")
    assert "{%" not in body
    assert "{{" not in body


def test_the_opened_mail_of_a_meeting_gives_its_date_and_place(
    board, applications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_meeting(board, applications)

    body = by_recipient()[board.ordinary.email].body
    assert "Rathaus Offenbach, Raum 214" in body


def test_no_mail_when_the_transaction_rolls_back(
    board, applications, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        open_written(board, applications)
        raise RuntimeError("something later in the same request fails")

    assert callbacks == []
    assert mail.outbox == []
    assert not Ballot.objects.exists()


def test_an_inactive_member_gets_no_mail(board, applications, django_capture_on_commit_callbacks):
    board.members[4].is_active = False
    board.members[4].save()

    with django_capture_on_commit_callbacks(execute=True):
        open_written(board, applications)

    assert set(by_recipient()) == {m.email for m in board.members[:4]}


# --- Result -----------------------------------------------------------------------------------


def test_the_result_goes_to_staff_and_the_quarters_advisor(
    board, applications, django_capture_on_commit_callbacks
):
    ballot = open_written(board, applications)
    approved, _no_quorum = (ballot.cases.get(application=a) for a in applications)
    cast(approved, board.members[:3])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.services.ballot_close(ballot=ballot, actor=board.staff)

    mails = by_recipient()
    network = board.network
    assert set(mails) == {network.staff.email, network.advisor.email}
    staff_body = mails[network.staff.email].body
    advisor_body = mails[network.advisor.email].body
    for body in (staff_body, advisor_body):
        for application in applications:
            assert application.reference in body
            assert application.borrower.last_name not in body
    link = settings.MIQUA_BASE_URL + reverse("ballot_detail", args=[ballot.pk])
    assert link in staff_body
    # The advisor may not open the ballot, but may open the application.
    assert link not in advisor_body
    assert (
        settings.MIQUA_BASE_URL + reverse("application_detail", args=[applications[0].pk])
        in advisor_body
    )


def test_the_result_mail_names_each_result(board, applications, django_capture_on_commit_callbacks):
    network = board.network
    network.advisor.language = "en"
    network.advisor.save()
    ballot = open_written(board, applications)
    cast(ballot.cases.get(application=applications[0]), board.members[:3])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.services.ballot_close(ballot=ballot, actor=board.staff)

    lines = by_recipient()[network.advisor.email].body.splitlines()
    assert f"- {applications[0].reference} · Kiosk am Wilhelmsplatz: Approved" in lines
    assert (
        f"- {applications[1].reference} · Übersetzungsbüro: "
        "No quorum: to be put before the committee again"
    ) in lines


def test_an_advisor_reads_only_the_results_of_their_own_applications(
    board, applications, django_capture_on_commit_callbacks
):
    network = board.network
    colleague = prepared_application(network, business_name="Brautmoden")
    colleague.advisor = network.foreign_advisor
    colleague.save()
    ballot = open_written(board, [*applications, colleague])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.services.ballot_close(ballot=ballot, actor=board.staff)

    mails = by_recipient()
    assert colleague.reference not in mails[network.advisor.email].body
    assert applications[0].reference not in mails[network.foreign_advisor.email].body
    assert colleague.reference in mails[network.staff.email].body


# --- Reminders --------------------------------------------------------------------------------


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=12)


def test_reminders_go_to_the_members_who_have_not_voted_on_every_case(
    board, applications, django_capture_on_commit_callbacks
):
    ballot = open_written(board, applications, deadline=soon())
    first, second = (ballot.cases.get(application=a) for a in applications)
    done, half, recused = board.members[0], board.members[1], board.members[2]
    cast(first, [done], C.APPROVE)
    cast(second, [done], C.REJECT)
    cast(first, [half], C.APPROVE)
    tasks.services.case_recuse(case=first, member=recused)
    tasks.services.case_recuse(case=second, member=recused)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_deadline_reminders()

    expected = {m.email for m in board.members} - {done.email, recused.email}
    assert set(by_recipient()) == expected
    assert sent == 3
    link = settings.MIQUA_BASE_URL + reverse("ballot_detail", args=[ballot.pk])
    assert all(link in m.body for m in mail.outbox)
    ballot.refresh_from_db()
    assert ballot.reminder_sent_at is not None


def test_a_second_reminder_run_sends_nothing(
    board, applications, django_capture_on_commit_callbacks
):
    ballot = open_written(board, applications, deadline=soon())
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_deadline_reminders()
    assert len(mail.outbox) == 5
    reminded_at = Ballot.objects.get(pk=ballot.pk).reminder_sent_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_deadline_reminders()

    assert sent == 0
    assert mail.outbox == []
    assert Ballot.objects.get(pk=ballot.pk).reminder_sent_at == reminded_at


def test_no_reminder_for_a_deadline_more_than_a_day_away(
    board, applications, django_capture_on_commit_callbacks
):
    ballot = open_written(board, applications, deadline=timezone.now() + datetime.timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_deadline_reminders()

    assert (sent, mail.outbox) == (0, [])
    assert Ballot.objects.get(pk=ballot.pk).reminder_sent_at is None


def test_no_reminder_for_meetings_or_closed_ballots(
    board, applications, django_capture_on_commit_callbacks
):
    open_meeting(board, applications[:1])
    closed = open_written(board, applications[1:], deadline=soon())
    tasks.services.ballot_close(ballot=closed, actor=board.staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_deadline_reminders()

    assert (sent, mail.outbox) == (0, [])


def test_no_reminder_when_everyone_voted(board, applications, django_capture_on_commit_callbacks):
    ballot = open_written(board, applications[:1], deadline=soon())
    cast(ballot.cases.get(), board.members)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_deadline_reminders()

    assert (sent, mail.outbox) == (0, [])
    # Claimed all the same: nobody is reminded later either.
    assert Ballot.objects.get(pk=ballot.pk).reminder_sent_at is not None


# --- Closing at the deadline ------------------------------------------------------------------


def test_close_due_ballots_closes_a_ballot_whose_deadline_passed(
    board, applications, django_capture_on_commit_callbacks
):
    ballot = open_written(board, applications)
    not_due = open_written(board, [prepared_application(board.network, business_name="Imbiss")])
    cast(ballot.cases.get(application=applications[0]), board.members[:3])
    move_deadline_into_the_past(ballot)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        closed = tasks.close_due_ballots()

    ballot.refresh_from_db()
    assert closed == 1
    assert (ballot.status, ballot.closed_by) == (Ballot.Status.CLOSED, None)
    assert Ballot.objects.get(pk=not_due.pk).status == Ballot.Status.OPEN
    results = dict(ballot.cases.values_list("application_id", "result"))
    assert results == {
        applications[0].pk: BallotCase.Result.APPROVED,
        applications[1].pk: BallotCase.Result.NO_QUORUM,
    }
    assert Application.objects.get(pk=applications[0].pk).status == Application.Status.APPROVED
    # The result mail went out.
    assert board.network.staff.email in by_recipient()


def test_close_due_ballots_twice_changes_nothing_the_second_time(board, applications):
    ballot = open_written(board, applications)
    cast(ballot.cases.get(application=applications[0]), board.members[:3])
    move_deadline_into_the_past(ballot)
    tasks.close_due_ballots()
    transitions = ApplicationTransition.objects.count()
    closed_at = Ballot.objects.get(pk=ballot.pk).closed_at

    assert tasks.close_due_ballots() == 0

    assert ApplicationTransition.objects.count() == transitions
    assert AuditEntry.objects.filter(action="ballot.closed").count() == 1
    assert Ballot.objects.get(pk=ballot.pk).closed_at == closed_at


def test_close_due_ballots_leaves_meetings_to_people(board, applications):
    meeting = open_meeting(board, applications)

    assert tasks.close_due_ballots() == 0

    assert Ballot.objects.get(pk=meeting.pk).status == Ballot.Status.OPEN


# --- Schedule ---------------------------------------------------------------------------------


def test_the_beat_schedule_names_registered_tasks():
    from miqua.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"committees.tasks.close_due_ballots", "committees.tasks.send_deadline_reminders"} <= (
        names
    )
    for name in names:
        assert name in app.tasks, name


def test_close_due_ballots_is_not_stopped_by_an_application_withdrawn_during_the_vote(
    board, applications
):
    first = open_written(board, applications[:1])
    second = open_written(board, applications[1:])
    for ballot in (first, second):
        cast(ballot.cases.get(), board.members[:3])
        move_deadline_into_the_past(ballot)
    application_transition(
        application=applications[0],
        name="withdraw",
        actor=board.network.advisor,
        outcome=Application.Outcome.ADVICE_LOWERED_NEED,
    )

    assert tasks.close_due_ballots() == 2

    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.CLOSED}
    assert Application.objects.get(pk=applications[1].pk).status == Application.Status.APPROVED
