"""Only the award committee decides: the back office prepares and carries out, and a meeting in
a room is recorded as the committee's ballot. An application is on one open ballot at most,
and a ballot without quorum is seen on the application."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from committees import selectors, services
from committees.models import Ballot, BallotCase, Vote
from credits.models import Application
from credits.services import application_transition
from credits.workflow import COMMITTEE_STEPS, TRANSITIONS, available_transitions

from .conftest import cast, open_meeting, open_written, prepared_application

S = Application.Status
C = Vote.Choice


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English; the German catalogue has its own tests.
    with translation.override("en"):
        yield


@pytest.mark.parametrize("name", sorted(COMMITTEE_STEPS))
def test_no_role_takes_a_committee_step_by_hand(name):
    assert TRANSITIONS[name].roles == frozenset()


def test_staff_cannot_record_an_approval_while_the_ballot_is_open(board):
    application = prepared_application(board.network)
    open_written(board, [application])
    application.refresh_from_db()
    assert application.status == S.BEFORE_COMMITTEE
    assert available_transitions(application=application, user=board.staff) == [
        TRANSITIONS["withdraw"]
    ]
    with pytest.raises(ValidationError, match="not a step for your role"):
        application_transition(application=application, name="approve", actor=board.staff)
    application.refresh_from_db()
    assert application.status == S.BEFORE_COMMITTEE
    assert not application.reservations.exists()


def test_staff_cannot_approve_after_a_ballot_without_quorum(board):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    services.ballot_close(ballot=ballot, actor=board.staff)  # nobody voted
    with pytest.raises(ValidationError, match="not a step for your role"):
        application_transition(application=application, name="approve", actor=board.staff)


def test_presenting_by_hand_is_refused_a_ballot_presents(board):
    application = prepared_application(board.network)
    with pytest.raises(ValidationError, match="not a step for your role"):
        application_transition(application=application, name="present", actor=board.staff)
    open_written(board, [application])
    application.refresh_from_db()
    assert application.status == S.BEFORE_COMMITTEE
    step = application.transitions.get(to_status=S.BEFORE_COMMITTEE)
    assert step.actor == board.staff


def test_a_ballot_without_quorum_is_written_into_the_applications_history(board):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    (case,) = ballot.cases.all()
    cast(case, board.members[:2])  # two of five: no quorum

    services.ballot_close(ballot=ballot, actor=board.chair)

    application.refresh_from_db()
    assert application.status == S.BEFORE_COMMITTEE
    last = application.transitions.order_by("-id").first()
    assert (last.from_status, last.to_status) == (S.BEFORE_COMMITTEE, S.BEFORE_COMMITTEE)
    assert last.actor == board.chair
    assert "2 of 5" in last.comment and "3 were needed" in last.comment
    # ... and it waits where staff look for work: ready for a new ballot.
    assert application in selectors.ready_for_committee(committee=board.committee)


def test_the_database_holds_an_application_to_one_open_ballot(board):
    application = prepared_application(board.network)
    open_written(board, [application])
    other = Ballot.objects.create(
        committee=board.committee,
        kind=Ballot.Kind.MEETING,
        title="Zweite",
        meeting_on=application.created_at,
        opened_by=board.staff,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotCase.objects.create(
            ballot=other, application=application, quarter_id=application.quarter_id
        )


def test_after_the_close_the_application_can_go_on_a_new_ballot(board):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    services.ballot_close(ballot=ballot, actor=board.staff)
    assert not BallotCase.objects.filter(application=application, is_open=True).exists()

    second = open_written(board, [application])

    assert second.cases.get().is_open


def test_staff_record_the_votes_of_a_meeting_and_the_rules_decide(board):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    (case,) = ballot.cases.all()
    for member in board.members[:3]:
        services.meeting_vote_record(case=case, member=member, choice=C.APPROVE, actor=board.staff)
    services.meeting_vote_record(
        case=case, member=board.members[3], choice=C.REJECT, actor=board.staff
    )

    services.ballot_close(ballot=ballot, actor=board.staff)

    case.refresh_from_db()
    application.refresh_from_db()
    assert case.result == BallotCase.Result.APPROVED
    assert (case.reasoning["yes"], case.reasoning["no"]) == (3, 1)
    assert application.status == S.APPROVED
    assert set(ballot.attendees.all()) == set(board.members[:4])
    assert {v.recorded_by for v in case.votes.all()} == {board.staff}


def test_a_recorded_meeting_vote_can_be_corrected_until_the_close(board):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    (case,) = ballot.cases.all()
    services.meeting_vote_record(case=case, member=board.chair, choice=C.REJECT, actor=board.staff)
    services.meeting_vote_record(case=case, member=board.chair, choice=C.APPROVE, actor=board.staff)
    assert list(case.votes.values_list("choice", flat=True)) == [C.APPROVE]


def test_meeting_votes_are_recorded_by_the_office_only(board):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    (case,) = ballot.cases.all()
    for outsider in (board.chair, board.network.advisor):
        with pytest.raises(PermissionDenied):
            services.meeting_vote_record(
                case=case, member=board.chair, choice=C.APPROVE, actor=outsider
            )
    assert not case.votes.exists()


def test_meeting_votes_only_for_members_on_a_meeting_ballot(board):
    application = prepared_application(board.network)
    meeting = open_meeting(board, [application])
    (case,) = meeting.cases.all()
    with pytest.raises(ValidationError, match="Only members"):
        services.meeting_vote_record(
            case=case, member=board.network.advisor, choice=C.APPROVE, actor=board.staff
        )
    services.ballot_close(ballot=meeting, actor=board.staff)
    written = open_written(board, [application])
    with pytest.raises(ValidationError, match="meeting only"):
        services.meeting_vote_record(
            case=written.cases.get(), member=board.chair, choice=C.APPROVE, actor=board.staff
        )


# --- PostgreSQL: eight "new ballot" requests at the same moment --------------------------------


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.parametrize("status", [S.PREPARED, S.BEFORE_COMMITTEE])
def test_eight_new_ballots_at_once_put_an_application_on_one(postgres, network, status):
    # BEFORE_COMMITTEE without an open case: after a ballot without quorum, where no status
    # change (and so no row lock) stands between the requests; only the database does.
    with scopes_disabled():
        board_committee = network.own_quarter.committees.get()
        application = prepared_application(network)
        Application.objects.filter(pk=application.pk).update(status=status)
    barrier = threading.Barrier(8)
    opened: list[int] = []
    refused: list[ValidationError] = []
    lock = threading.Lock()

    def open_ballot(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            with scopes_disabled(), translation.override("en"):
                try:
                    ballot = services.ballot_open(
                        committee=board_committee,
                        kind=Ballot.Kind.MEETING,
                        title=f"Sitzung {index}",
                        applications=[Application.objects.get(pk=application.pk)],
                        actor=network.staff,
                        meeting_on=application.created_at,
                    )
                except ValidationError as e:
                    with lock:
                        refused.append(e)
                else:
                    with lock:
                        opened.append(ballot.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_ballot, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert len(opened) == 1
    assert len(refused) == 7
    with scopes_disabled():
        assert BallotCase.objects.filter(application=application, is_open=True).count() == 1
        assert Ballot.objects.count() == 1


def test_a_case_without_quorum_waits_on_the_staff_home_and_in_the_history(board, client):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    cast(ballot.cases.get(), board.members[:1])
    services.ballot_close(ballot=ballot, actor=board.staff)

    board.staff.language = "en"
    board.staff.save(update_fields=["language"])
    client.force_login(board.staff)
    home = client.get(reverse("home"))
    assert home.context["awaiting_ballot"] == 1
    assert home.context["without_quorum"] == [(application, ballot.cases.get())]
    assert f"?committee={board.committee.pk}" in home.content.decode()

    response = client.get(reverse("application_detail", args=[application.pk]))
    assert response.context["committee_without_quorum"] is True
    page = response.content.decode()
    assert "No decision" in page and "1 of 5 eligible members voted, 3 were needed" in page
    assert "the last ballot did not reach the quorum" in page
    # ... with the way to a new ballot.
    assert f"?committee={board.committee.pk}" in page


def test_the_application_page_offers_staff_a_ballot_and_advisors_only_the_result(board, client):
    application = prepared_application(board.network)
    url = reverse("application_detail", args=[application.pk])
    client.force_login(board.staff)
    assert list(client.get(url).context["committee_ballot_committees"]) == [board.committee]

    client.force_login(board.network.advisor)
    context = client.get(url).context
    assert context["committee_ballot_committees"] == []
    open_written(board, [application])
    client.force_login(board.staff)
    context = client.get(url).context
    assert context["committee_ballot_committees"] == []  # on an open ballot already
    assert [c.is_open for c in context["committee_cases"]] == [True]


def test_advisors_do_not_get_the_committee_work_on_their_home(board, client):
    client.force_login(board.network.advisor)
    assert "without_quorum" not in client.get(reverse("home")).context


def test_the_ballot_form_reports_every_mistake_at_once(board, client):
    prepared_application(board.network)
    board.staff.language = "en"
    board.staff.save(update_fields=["language"])
    client.force_login(board.staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(
        reverse("ballot_create") + f"?committee={board.committee.pk}",
        {
            "committee": board.committee.pk,
            "kind": Ballot.Kind.WRITTEN,
            "deadline_date": yesterday.isoformat(),
            "deadline_time": "18:00",
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["applications"] == ["Please choose at least one application."]
    assert errors["deadline_date"] == ["A written procedure needs a deadline in the future."]
    assert not Ballot.objects.exists()


# --- The ballot page: meeting votes, the close's preview --------------------------------------


def test_staff_record_a_meetings_votes_on_the_page(board, client):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    case = ballot.cases.get()
    client.force_login(board.staff)
    url = reverse("meeting_votes_record", args=[ballot.pk, case.pk])
    votes = {f"member_{m.pk}": C.APPROVE for m in board.members[:3]}

    response = client.post(url, {**votes, f"member_{board.members[3].pk}": C.RECUSED})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#case-{case.pk}")
    recorded = dict(case.votes.values_list("member_id", "choice"))
    assert recorded == {
        **{m.pk: C.APPROVE for m in board.members[:3]},
        board.members[3].pk: C.RECUSED,
    }
    page = client.get(reverse("ballot_detail", args=[ballot.pk]))
    form = page.context["cases"][0].meeting_form
    assert form.initial[f"member_{board.members[0].pk}"] == C.APPROVE


def test_a_bad_meeting_vote_keeps_what_was_chosen_and_records_nothing(board, client):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    case = ballot.cases.get()
    client.force_login(board.staff)
    url = reverse("meeting_votes_record", args=[ballot.pk, case.pk])

    response = client.post(
        url,
        {
            f"member_{board.members[0].pk}": C.APPROVE,
            f"member_{board.members[1].pk}": C.APPROVE_WITH_CONDITIONS,  # no conditions
        },
    )

    assert response.status_code == 400
    form = response.context["cases"][0].meeting_form
    assert form.errors["conditions"]
    assert form[f"member_{board.members[0].pk}"].value() == C.APPROVE
    assert not case.votes.exists()


def test_members_cannot_record_meeting_votes(board, client):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    case = ballot.cases.get()
    client.force_login(board.chair)
    url = reverse("meeting_votes_record", args=[ballot.pk, case.pk])
    assert client.post(url, {f"member_{board.chair.pk}": C.APPROVE}).status_code == 403
    assert not case.votes.exists()


def test_the_close_shows_each_result_first_and_needs_a_confirmation(board, client):
    first = prepared_application(board.network)
    second = prepared_application(board.network, business_name="Imbiss")
    ballot = open_written(board, [first, second])
    first_case, second_case = ballot.cases.order_by("pk")
    cast(first_case, board.members[:3])
    cast(second_case, board.members[:1])
    board.staff.language = "en"
    board.staff.save(update_fields=["language"])
    client.force_login(board.staff)

    page = client.get(reverse("ballot_detail", args=[ballot.pk]))
    preview = dict(page.context["close_preview"])
    assert preview[first_case].result == BallotCase.Result.APPROVED
    assert preview[second_case].result == BallotCase.Result.NO_QUORUM
    assert page.context["close_without_quorum"] == [second_case]
    content = page.content.decode()
    assert "1 case has no quorum yet and would stay undecided" in content
    assert "1 of 5 eligible members voted, 3 needed" in content

    unconfirmed = client.post(reverse("ballot_close", args=[ballot.pk]))
    assert unconfirmed.status_code == 400
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN

    confirmed = client.post(reverse("ballot_close", args=[ballot.pk]), {"confirm": "yes"})
    assert confirmed.status_code == 302
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED


def test_the_page_says_what_it_counts(board, client):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    case = ballot.cases.get()
    cast(case, board.members[:2])
    services.case_recuse(case=case, member=board.members[2], reason="Nachbar")
    board.staff.language = "en"
    board.staff.save(update_fields=["language"])
    client.force_login(board.staff)

    content = client.get(reverse("ballot_detail", args=[ballot.pk])).content.decode()

    # Per case: votes cast of the eligible (the recused member is not eligible) ...
    assert "Votes cast: 2 of 4 eligible members" in content
    # ... per member: answered every case, a vote or a declared conflict, and it says so.
    assert "3 of 5 members have answered every case (a vote or a declared conflict" in content


def test_a_votes_texts_are_limited_in_the_service(board):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    case = ballot.cases.get()
    too_long = "x" * 4001
    with pytest.raises(ValidationError) as refused:
        services.vote_cast(case=case, member=board.chair, choice=C.APPROVE, comment=too_long)
    assert "4.000" in refused.value.message_dict["comment"][0]
    with pytest.raises(ValidationError):
        services.meeting_vote_record(
            case=case,
            member=board.chair,
            choice=C.APPROVE_WITH_CONDITIONS,
            conditions=too_long,
            actor=board.staff,
        )
    with pytest.raises(ValidationError):
        services.case_recuse(case=case, member=board.chair, reason=too_long)
    assert not case.votes.exists()
    services.vote_cast(case=case, member=board.chair, choice=C.APPROVE, comment="x" * 4000)
