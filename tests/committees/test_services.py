"""The committee services: who may vote and when, what a vote counts, and what closing a
ballot does to the applications and the fund."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from committees import selectors, services
from committees.models import Ballot, BallotCase, Vote
from credits import services as credit_services
from credits.models import Application, ApplicationTransition, CapacityReservation, Loan
from miqua.accounts.models import Role
from miqua.audit.models import AuditEntry
from miqua.money import format_eur
from quarters.selectors import fund_figures
from tests import factories

from .conftest import (
    cast,
    move_deadline_into_the_past,
    open_meeting,
    open_written,
    prepared_application,
)

C = Vote.Choice
R = BallotCase.Result
S = Application.Status


@pytest.fixture
def application(board):
    return prepared_application(board.network)


@pytest.fixture
def ballot(board, application):
    return open_written(board, [application])


def case_of(ballot: Ballot) -> BallotCase:
    return ballot.cases.select_related("application").get()


def exposure(board) -> Decimal:
    return fund_figures(fund=board.network.own_fund).outstanding_exposure


def close(ballot, actor):
    # English, so the texts the close writes can be compared word for word.
    with translation.override("en"):
        return services.ballot_close(ballot=ballot, actor=actor)


# --- Opening ----------------------------------------------------------------------------------


def test_opening_puts_the_prepared_application_before_the_committee(board, ballot, application):
    application.refresh_from_db()

    assert application.status == S.BEFORE_COMMITTEE
    assert ballot.status == Ballot.Status.OPEN
    assert case_of(ballot).result == R.PENDING
    assert (
        not selectors.ready_for_committee(committee=board.committee)
        .filter(pk=application.pk)
        .exists()
    )


def test_an_application_on_an_open_ballot_cannot_be_put_on_a_second(board, ballot, application):
    with pytest.raises(ValidationError) as e:
        open_written(board, [application])

    assert "applications" in e.value.message_dict


def test_only_staff_open_ballots(board, application):
    board.staff = board.chair
    with pytest.raises(PermissionDenied):
        open_written(board, [application])


def test_a_written_procedure_needs_a_deadline_in_the_future(board, application):
    with pytest.raises(ValidationError) as e:
        open_written(board, [application], deadline=timezone.now())

    assert "deadline" in e.value.message_dict
    application.refresh_from_db()
    assert application.status == S.PREPARED


# --- Quorum, recusal, tie, conditions, abstentions ----------------------------------------------


def test_three_of_five_members_taking_part_decide(board, ballot, application):
    cast(case_of(ballot), board.members[:3])

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.APPROVED
    assert (case.reasoning["taking_part"], case.reasoning["quorum_needed"]) == (3, 3)
    assert case.application.status == S.APPROVED


def test_two_of_five_members_taking_part_are_no_quorum(board, ballot, application):
    cast(case_of(ballot), board.members[:2])

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.NO_QUORUM
    assert case.reasoning["quorum_met"] is False
    assert case.application.status == S.BEFORE_COMMITTEE


def test_a_recusal_lowers_the_quorum_base_to_the_eligible_members(board, ballot):
    case = case_of(ballot)
    services.case_recuse(case=case, member=board.members[4], reason="Mein Nachbar.")
    cast(case, board.members[:3])

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.APPROVED
    assert (case.reasoning["members"], case.reasoning["recused"]) == (5, 1)
    assert (case.reasoning["eligible"], case.reasoning["quorum_needed"]) == (4, 3)


def test_with_a_recusal_two_votes_are_still_no_quorum(board, ballot):
    case = case_of(ballot)
    services.case_recuse(case=case, member=board.members[4])
    cast(case, board.members[:2])

    close(ballot, board.staff)

    assert case_of(ballot).result == R.NO_QUORUM


def test_a_tie_is_not_an_approval(board, ballot):
    case = case_of(ballot)
    cast(case, board.members[:2], C.APPROVE)
    cast(case, board.members[2:4], C.REJECT)

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.REJECTED
    assert case.reasoning["tie"] is True
    assert case.application.status == S.REJECTED


def test_a_tie_approves_when_the_committee_rules_say_so(board, ballot):
    board.committee.tie_approves = True
    board.committee.save()
    case = case_of(ballot)
    cast(case, board.members[:2], C.APPROVE)
    cast(case, board.members[2:4], C.REJECT)

    close(ballot, board.staff)

    assert case_of(ballot).result == R.APPROVED


def test_approval_with_conditions_adopts_the_conditions_on_case_and_application(board, ballot):
    case = case_of(ballot)
    cast(case, board.members[:1], C.APPROVE)
    services.vote_cast(
        case=case,
        member=board.members[1],
        choice=C.APPROVE_WITH_CONDITIONS,
        conditions="Auszahlung erst nach Vorlage der Gewerbeanmeldung.",
    )
    services.vote_cast(
        case=case,
        member=board.members[2],
        choice=C.APPROVE_WITH_CONDITIONS,
        conditions="Monatliches Gespräch mit der Quartiersberatung.",
    )

    close(ballot, board.staff)

    case = case_of(ballot)
    adopted = (
        "Auszahlung erst nach Vorlage der Gewerbeanmeldung.\n"
        "Monatliches Gespräch mit der Quartiersberatung."
    )
    assert case.result == R.APPROVED_WITH_CONDITIONS
    assert case.conditions == adopted
    assert case.application.status == S.APPROVED_WITH_CONDITIONS
    assert case.application.conditions == adopted


def test_approve_with_conditions_needs_the_conditions(board, ballot):
    with pytest.raises(ValidationError) as e:
        services.vote_cast(
            case=case_of(ballot), member=board.ordinary, choice=C.APPROVE_WITH_CONDITIONS
        )

    assert "conditions" in e.value.message_dict
    assert not Vote.objects.exists()


def test_abstentions_count_toward_the_quorum_but_not_the_majority(board, ballot):
    case = case_of(ballot)
    cast(case, board.members[:1], C.APPROVE)
    cast(case, board.members[1:3], C.ABSTAIN)

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.APPROVED
    assert (case.reasoning["taking_part"], case.reasoning["yes"], case.reasoning["no"]) == (3, 1, 0)


def test_abstentions_alone_decide_nothing_for_the_application(board, ballot):
    cast(case_of(ballot), board.members[:3], C.ABSTAIN)

    close(ballot, board.staff)

    case = case_of(ballot)
    assert case.result == R.REJECTED
    assert case.application.status == S.REJECTED


# --- Casting and changing votes ---------------------------------------------------------------


def test_a_member_changes_the_vote_before_the_close(board, ballot):
    case = case_of(ballot)
    services.vote_cast(case=case, member=board.ordinary, choice=C.REJECT)

    services.vote_cast(case=case, member=board.ordinary, choice=C.APPROVE, comment="Überzeugt.")

    vote = Vote.objects.get(case=case, member=board.ordinary)
    assert Vote.objects.filter(case=case).count() == 1
    assert (vote.choice, vote.comment) == (C.APPROVE, "Überzeugt.")
    actions = list(
        AuditEntry.objects.filter(action__startswith="vote.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["vote.cast", "vote.changed"]


def test_the_audit_records_that_a_vote_was_cast_not_how(board, ballot):
    services.vote_cast(case=case_of(ballot), member=board.ordinary, choice=C.REJECT)

    entry = AuditEntry.objects.get(action="vote.cast")
    assert entry.actor == board.ordinary
    assert "reject" not in str(entry.changes)


def test_it_refuses_a_vote_after_the_close(board, ballot):
    case = case_of(ballot)
    services.vote_cast(case=case, member=board.ordinary, choice=C.REJECT)
    close(ballot, board.staff)

    with pytest.raises(ValidationError):
        services.vote_cast(case=case, member=board.ordinary, choice=C.APPROVE)
    with pytest.raises(ValidationError):
        services.vote_cast(case=case, member=board.members[2], choice=C.APPROVE)

    assert list(Vote.objects.values_list("member", "choice")) == [(board.ordinary.pk, C.REJECT)]
    assert case_of(ballot).result == R.NO_QUORUM


def test_it_refuses_a_vote_after_the_deadline(board, ballot):
    case = case_of(ballot)
    move_deadline_into_the_past(ballot)

    with pytest.raises(ValidationError):
        services.vote_cast(case=case, member=board.ordinary, choice=C.APPROVE)
    with pytest.raises(ValidationError):
        services.case_recuse(case=case, member=board.ordinary)

    assert not Vote.objects.exists()


def test_it_refuses_the_vote_of_a_non_member(board, ballot):
    outsider = factories.UserFactory(role=Role.COMMITTEE_MEMBER, email="other@miqua.example")

    with pytest.raises(PermissionDenied):
        services.vote_cast(case=case_of(ballot), member=outsider, choice=C.APPROVE)
    with pytest.raises(PermissionDenied):
        services.vote_cast(case=case_of(ballot), member=board.staff, choice=C.APPROVE)

    assert not Vote.objects.exists()


def test_it_refuses_a_member_whose_membership_ended_before_the_ballot(board, application):
    former = factories.UserFactory(role=Role.COMMITTEE_MEMBER, email="former@miqua.example")
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    factories.CommitteeMembershipFactory(
        committee=board.committee, member=former, ends_on=yesterday
    )
    ballot = open_written(board, [application])

    with pytest.raises(PermissionDenied):
        services.vote_cast(case=case_of(ballot), member=former, choice=C.APPROVE)

    assert former not in selectors.ballot_members(ballot=ballot)
    assert len(selectors.ballot_members(ballot=ballot)) == 5


def test_it_refuses_a_member_who_joins_after_the_ballot_opened(board, ballot):
    newcomer = factories.UserFactory(role=Role.COMMITTEE_MEMBER, email="new@miqua.example")
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    factories.CommitteeMembershipFactory(
        committee=board.committee, member=newcomer, starts_on=tomorrow
    )

    with pytest.raises(PermissionDenied):
        services.vote_cast(case=case_of(ballot), member=newcomer, choice=C.APPROVE)


def test_the_database_refuses_a_second_vote_by_the_same_member(board, ballot):
    case = case_of(ballot)
    Vote.objects.create(case=case, quarter=case.quarter, member=board.ordinary, choice=C.APPROVE)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(case=case, quarter=case.quarter, member=board.ordinary, choice=C.REJECT)

    assert Vote.objects.filter(case=case).count() == 1


def test_the_database_refuses_approval_with_conditions_without_them(board, ballot):
    case = case_of(ballot)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            case=case,
            quarter=case.quarter,
            member=board.ordinary,
            choice=C.APPROVE_WITH_CONDITIONS,
        )


def test_a_recused_member_cannot_vote(board, ballot):
    case = case_of(ballot)
    services.case_recuse(case=case, member=board.ordinary, reason="Mein Schwager.")

    with pytest.raises(ValidationError):
        services.vote_cast(case=case, member=board.ordinary, choice=C.APPROVE)

    vote = Vote.objects.get(case=case, member=board.ordinary)
    assert (vote.choice, vote.comment) == (C.RECUSED, "Mein Schwager.")


def test_recused_is_not_a_choice_of_vote_cast(board, ballot):
    with pytest.raises(ValidationError):
        services.vote_cast(case=case_of(ballot), member=board.ordinary, choice=C.RECUSED)


def test_a_vote_in_a_meeting_records_the_member_as_present(board, application):
    ballot = open_meeting(board, [application])

    services.vote_cast(case=case_of(ballot), member=board.ordinary, choice=C.APPROVE)

    assert list(ballot.attendees.all()) == [board.ordinary]


def test_only_members_can_be_recorded_as_present(board, application):
    ballot = open_meeting(board, [application])

    with pytest.raises(ValidationError):
        services.ballot_set_attendance(ballot=ballot, attendees=[board.staff], actor=board.staff)
    services.ballot_set_attendance(ballot=ballot, attendees=board.members[:4], actor=board.staff)

    assert set(ballot.attendees.all()) == set(board.members[:4])


# --- Closing ----------------------------------------------------------------------------------


def test_without_quorum_the_case_stays_open_and_goes_on_a_new_ballot(board, ballot, application):
    cast(case_of(ballot), board.members[:2])

    close(ballot, board.staff)

    application.refresh_from_db()
    assert application.status == S.BEFORE_COMMITTEE
    assert case_of(ballot).result == R.NO_QUORUM
    assert not CapacityReservation.objects.exists()
    ready = selectors.ready_for_committee(committee=board.committee)
    assert application in ready

    second = open_written(board, [application])

    assert second.cases.get().application == application
    # Already before the committee: no second "present" step.
    assert application.transitions.filter(from_status=S.PREPARED).count() == 1


def test_decided_cases_move_the_applications_through_the_workflow(board):
    approved = prepared_application(board.network, business_name="Kiosk")
    rejected = prepared_application(board.network, business_name="Imbiss")
    ballot = open_written(board, [approved, rejected])
    cases = {c.application_id: c for c in ballot.cases.all()}
    cast(cases[approved.pk], board.members[:3], C.APPROVE)
    cast(cases[rejected.pk], board.members[:1], C.APPROVE)
    cast(cases[rejected.pk], board.members[1:3], C.REJECT)
    services.case_recuse(case=cases[rejected.pk], member=board.members[4])

    close(ballot, board.chair)

    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert (approved.status, rejected.status) == (S.APPROVED, S.REJECTED)
    assert approved.decided_at is not None
    step = ApplicationTransition.objects.get(application=approved, to_status=S.APPROVED)
    assert (step.from_status, step.actor) == (S.BEFORE_COMMITTEE, board.chair)
    assert step.comment == ("Award committee: 3 yes, 0 no, 0 abstentions, 0 recused; quorum met.")
    step = ApplicationTransition.objects.get(application=rejected, to_status=S.REJECTED)
    assert step.comment == ("Award committee: 1 yes, 2 no, 0 abstentions, 1 recused; quorum met.")
    for application in (approved, rejected):
        assert AuditEntry.objects.filter(
            action="application.status_changed",
            object_id=str(application.pk),
            actor=board.chair,
            changes__to=application.status,
        ).exists()
    closed = AuditEntry.objects.get(action="ballot.closed")
    assert closed.changes == {approved.reference: R.APPROVED, rejected.reference: R.REJECTED}
    ballot.refresh_from_db()
    assert (ballot.status, ballot.closed_by) == (Ballot.Status.CLOSED, board.chair)
    assert ballot.closed_at is not None


def test_an_approval_reserves_its_amount_of_the_lending_capacity(board, ballot, application):
    before = exposure(board)
    cast(case_of(ballot), board.members[:3])

    close(ballot, board.staff)

    reservation = CapacityReservation.objects.get(application=application)
    assert reservation.released_at is None
    assert reservation.amount == Decimal("5000.00")
    assert reservation.fund == board.network.own_fund
    assert exposure(board) == before + Decimal("5000.00")


def test_a_rejection_never_reserves(board, ballot, application):
    before = exposure(board)
    cast(case_of(ballot), board.members[:3], C.REJECT)

    close(ballot, board.staff)

    assert case_of(ballot).result == R.REJECTED
    assert not CapacityReservation.objects.exists()
    assert exposure(board) == before


def test_an_approval_beyond_the_capacity_left_is_deferred_naming_the_capacity(board):
    network = board.network
    # Capacity 50.000 €; running loans of 48.000 € leave 2.000 €.
    factories.LoanFactory(
        borrower=factories.BorrowerFactory(quarter=network.own_quarter),
        amount=Decimal("48000.00"),
        status=Loan.Status.RUNNING,
        closed_on=None,
    )
    assert fund_figures(fund=network.own_fund).available_capacity == Decimal("2000.00")
    application = prepared_application(network, amount="5000.00")
    ballot = open_written(board, [application])
    cast(case_of(ballot), board.members[:4])

    close(ballot, board.staff)

    case = case_of(ballot)
    with translation.override("en"):
        left = format_eur(Decimal("2000.00"))
    assert case.result == R.REFUSED_CAPACITY
    assert f"{left} of lending capacity left" in case.reasoning["capacity"]
    assert case.reasoning["yes"] == 4
    application.refresh_from_db()
    assert application.status == S.DEFERRED
    step = application.transitions.get(to_status=S.DEFERRED)
    assert left in step.comment
    assert not CapacityReservation.objects.exists()
    assert fund_figures(fund=network.own_fund).available_capacity == Decimal("2000.00")
    # Deferred, it can come before the committee again once capacity frees up.
    assert application in selectors.ready_for_committee(committee=board.committee)


def test_closing_twice_changes_nothing(board, ballot, application):
    cast(case_of(ballot), board.members[:3])
    close(ballot, board.staff)
    counts = (
        ApplicationTransition.objects.count(),
        AuditEntry.objects.count(),
        CapacityReservation.objects.count(),
    )
    closed_at = Ballot.objects.get(pk=ballot.pk).closed_at

    again = close(ballot, board.chair)

    assert again.closed_by == board.staff
    assert again.closed_at == closed_at
    assert (
        ApplicationTransition.objects.count(),
        AuditEntry.objects.count(),
        CapacityReservation.objects.count(),
    ) == counts


def test_an_ordinary_member_cannot_close(board, ballot):
    cast(case_of(ballot), board.members[:3])

    with pytest.raises(PermissionDenied):
        close(ballot, board.ordinary)

    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert case_of(ballot).result == R.PENDING


def test_the_chair_and_staff_may_close(board, ballot):
    assert board.chair.has_perm("committees.close_ballot", ballot)
    assert board.staff.has_perm("committees.close_ballot", ballot)
    assert not board.ordinary.has_perm("committees.close_ballot", ballot)
    assert not board.network.advisor.has_perm("committees.close_ballot", ballot)


def test_the_system_closes_only_after_the_deadline(board, ballot, application):
    cast(case_of(ballot), board.members[:3])

    with pytest.raises(PermissionDenied):
        close(ballot, None)
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN

    move_deadline_into_the_past(ballot)
    close(ballot, None)

    ballot.refresh_from_db()
    assert (ballot.status, ballot.closed_by) == (Ballot.Status.CLOSED, None)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    step = application.transitions.get(to_status=S.APPROVED)
    assert step.actor is None
    assert AuditEntry.objects.get(action="ballot.closed").actor is None


def test_the_system_never_closes_a_meeting(board, application):
    ballot = open_meeting(board, [application])

    with pytest.raises(PermissionDenied):
        close(ballot, None)


# --- Capacity released ------------------------------------------------------------------------


@pytest.fixture
def approved(board, ballot, application):
    cast(case_of(ballot), board.members[:3])
    close(ballot, board.staff)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    return application


def test_withdrawing_an_approval_releases_its_reservation(board, approved):
    before = exposure(board)

    credit_services.application_transition(
        application=approved,
        name="withdraw",
        actor=board.staff,
        outcome=Application.Outcome.BANK_FINANCED,
        outcome_note="Die Sparkasse finanziert.",
    )

    reservation = CapacityReservation.objects.get(application=approved)
    assert reservation.released_at is not None
    assert exposure(board) == before - Decimal("5000.00")
    assert AuditEntry.objects.filter(action="fund.capacity_released").count() == 1


def test_a_lapsed_approval_releases_its_reservation(board, approved):
    before = exposure(board)

    credit_services.application_transition(
        application=approved,
        name="lapse",
        actor=board.staff,
        comment="Nach sechs Monaten nicht abgerufen.",
    )

    assert not CapacityReservation.objects.filter(released_at__isnull=True).exists()
    assert exposure(board) == before - Decimal("5000.00")


# --- Applications that left the committee during the vote -------------------------------------


def test_an_application_withdrawn_during_the_vote_does_not_block_the_close(board):
    withdrawn = prepared_application(board.network, business_name="Kiosk")
    other = prepared_application(board.network, business_name="Imbiss")
    ballot = open_written(board, [withdrawn, other])
    for application in (withdrawn, other):
        cast(ballot.cases.get(application=application), board.members[:3])
    credit_services.application_transition(
        application=withdrawn,
        name="withdraw",
        actor=board.network.advisor,
        outcome=Application.Outcome.BANK_FINANCED,
    )

    close(ballot, board.staff)

    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    case = ballot.cases.get(application=withdrawn)
    # The committee's vote stands on the minutes; there was nothing left to carry out.
    assert case.result == R.APPROVED
    assert case.reasoning["application_status"] == S.WITHDRAWN
    withdrawn.refresh_from_db()
    assert withdrawn.status == S.WITHDRAWN
    assert not CapacityReservation.objects.filter(application=withdrawn).exists()
    # The other case was decided as usual.
    other.refresh_from_db()
    assert other.status == S.APPROVED
    assert CapacityReservation.objects.filter(application=other, released_at=None).exists()
