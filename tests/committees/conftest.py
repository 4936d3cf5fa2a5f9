"""A committee of five for the own quarter of the conftest network, and helpers to put
applications before it. Everything here runs outside any quarter scope, like a task."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from committees import services
from committees.models import Ballot, BallotCase, Committee, Vote
from credits.models import Application
from miqua.accounts.models import Role, User
from tests import factories
from tests.conftest import Network


@dataclass
class Board:
    committee: Committee
    chair: User
    # All five, the chair first; members[1] is the network's committee member.
    members: list[User]
    staff: User
    network: Network

    @property
    def ordinary(self) -> User:
        return self.members[1]


# The partners who send members, as in the Offenbach committee of the demo.
MEMBERS = (
    ("Petra Lange", "Stadt Offenbach"),
    ("Jens Hoffmann", "IHK Offenbach"),
    ("Aylin Kaya", "Jobcenter Offenbach"),
    ("Markus Roth", "GBO"),
)


@pytest.fixture
def board(network, unscoped) -> Board:
    committee = Committee.objects.get(quarter=network.own_quarter)
    members = [network.committee_member]
    for index, (name, organisation) in enumerate(MEMBERS):
        user = factories.UserFactory(
            role=Role.COMMITTEE_MEMBER,
            full_name=name,
            email=f"member{index}@miqua.example",
            organisation=factories.OrganisationFactory(name=organisation),
        )
        factories.CommitteeMembershipFactory(
            committee=committee,
            member=user,
            organisation=user.organisation,
            is_chair=index == 0,
        )
        members.append(user)
    chair = members[1]
    return Board(
        committee=committee,
        chair=chair,
        members=[chair, network.committee_member, *members[2:]],
        staff=network.staff,
        network=network,
    )


def prepared_application(
    network: Network, *, amount: str = "5000.00", business_name: str = "Kiosk am Markt"
) -> Application:
    """An application of the own quarter, prepared for the committee."""
    application = factories.ApplicationFactory(
        quarter=network.own_quarter,
        advisor=network.advisor,
        amount=Decimal(amount),
        business_name=business_name,
        status=Application.Status.PREPARED,
        staff_assessment="Tragfähig.",
        recommendation="Bewilligung.",
    )
    factories.GuaranteeFactory(application=application)
    factories.GuaranteeFactory(application=application)
    return application


def open_written(
    board: Board,
    applications: list[Application],
    *,
    deadline: datetime.datetime | None = None,
) -> Ballot:
    return services.ballot_open(
        committee=board.committee,
        kind=Ballot.Kind.WRITTEN,
        title="Umlaufverfahren",
        applications=applications,
        actor=board.staff,
        deadline=deadline or timezone.now() + datetime.timedelta(days=3),
    )


def open_meeting(board: Board, applications: list[Application]) -> Ballot:
    return services.ballot_open(
        committee=board.committee,
        kind=Ballot.Kind.MEETING,
        title="Sitzung",
        applications=applications,
        actor=board.staff,
        meeting_on=timezone.now(),
        location="Rathaus Offenbach, Raum 214",
    )


def cast(
    case: BallotCase, members: list[User], choice: str = Vote.Choice.APPROVE, **kwargs: str
) -> None:
    for member in members:
        services.vote_cast(case=case, member=member, choice=choice, **kwargs)


def move_deadline_into_the_past(ballot: Ballot) -> None:
    """ballot_open refuses a deadline in the past; time passes by a direct update instead."""
    Ballot.objects.filter(pk=ballot.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    ballot.refresh_from_db()
