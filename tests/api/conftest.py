import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services as committee_services
from committees.models import Ballot, Committee, Vote
from credits import loan_services
from credits.models import Application, BankEntry, BankStatement, Loan
from miqua.accounts.models import Role
from monitoring import contact_services
from monitoring.models import MonthlyCheck, QuarterRate
from tests import factories

D = Decimal


@pytest.fixture(autouse=True)
def _api_rate_limits_out_of_the_way(settings):
    """The walks of tests/api make hundreds of requests as one user (schemathesis with more
    examples, thousands): the rate limit would answer 429 instead of what they check.
    test_throttling.py sets the small limits it holds the API to."""
    settings.MIQUA_API_RATE_USER = "1000000/min"
    settings.MIQUA_API_RATE_ANON = "1000000/min"


@pytest.fixture
def loans(network):
    """A repaid loan in the advisor's quarter and one in the foreign quarter."""
    with scopes_disabled():
        own = factories.LoanFactory(borrower__quarter=network.own_quarter)
        foreign = factories.LoanFactory(borrower__quarter=network.foreign_quarter)
    return own, foreign


@pytest.fixture
def check(network):
    """A finished check of the network: 3 of 40 active loans disrupted, with the rates of the
    own quarter (1 of 10) and of the foreign one (2 of 30)."""
    with scopes_disabled():
        check = MonthlyCheck.objects.create(
            as_of=datetime.date(2026, 11, 15),
            status=MonthlyCheck.Status.DONE,
            active=40,
            disrupted=3,
            standard_percent=Decimal("10.00"),
            requires_qa=False,
        )
        QuarterRate.objects.create(
            check_run=check, quarter=network.own_quarter, active=10, disrupted=1
        )
        QuarterRate.objects.create(
            check_run=check, quarter=network.foreign_quarter, active=30, disrupted=2
        )
    return check


@dataclass
class World:
    """One object of every kind behind the endpoints in the own quarter and one in the foreign
    quarter (Duisburg, with its own committee and member), built through the services where
    they exist; bank statements lie in no quarter."""

    network: object
    own: dict[str, int]
    foreign: dict[str, int]
    own_loan: Loan
    foreign_loan: Loan
    open_ballot: Ballot
    foreign_member: object


def _ballot_with_vote(*, committee, member, application, staff, close: bool) -> Ballot:
    application.status = Application.Status.PREPARED
    application.save(update_fields=["status"])
    ballot = committee_services.ballot_open(
        committee=committee,
        kind=Ballot.Kind.WRITTEN,
        title=f"Umlauf {application.pk}",
        applications=[application],
        actor=staff,
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    committee_services.vote_cast(
        case=ballot.cases.get(), member=member, choice=Vote.Choice.REJECT, comment="Zu hoch."
    )
    if close:
        ballot = committee_services.ballot_close(ballot=ballot, actor=staff)
    return ballot


@pytest.fixture
def world(network, second_staff) -> World:
    with scopes_disabled():
        foreign_committee = factories.CommitteeFactory(quarter=network.foreign_quarter)
        foreign_member = factories.UserFactory(
            role=Role.COMMITTEE_MEMBER, email="member.du@miqua.example"
        )
        factories.CommitteeMembershipFactory(committee=foreign_committee, member=foreign_member)
        own_committee = Committee.objects.get(quarter=network.own_quarter)
        loans, ballots, contacts, payments = {}, {}, {}, {}
        for side, quarter, committee, member, application in (
            ("own", network.own_quarter, own_committee, network.committee_member,
             network.own_application),
            ("foreign", network.foreign_quarter, foreign_committee, foreign_member,
             network.foreign_application),
        ):  # fmt: skip
            loan = factories.paid_out_loan(
                quarter=quarter, recorder=network.staff, confirmer=second_staff
            )
            loans[side] = loan
            payments[side] = loan_services.payment_record(
                loan=loan,
                amount=D("100.00"),
                value_date=datetime.date(2025, 2, 15),
                actor=network.staff,
            )
            contacts[side] = contact_services.contact_record(
                borrower=loan.borrower,
                loan=loan,
                contacted_on=datetime.date(2025, 2, 1),
                channel="phone",
                note="Läuft gut.",
                actor=network.staff,
            )
            ballots[side] = _ballot_with_vote(
                committee=committee,
                member=member,
                application=application,
                staff=network.staff,
                close=True,
            )
        # An open ballot of the own committee with a second application, for the votes.
        open_ballot = _ballot_with_vote(
            committee=own_committee,
            member=network.committee_member,
            application=factories.ApplicationFactory(
                quarter=network.own_quarter, advisor=network.advisor
            ),
            staff=network.staff,
            close=False,
        )
        statement = BankStatement.objects.create(file_name="mai.csv", file_format="csv")
        entry = BankEntry.objects.create(
            statement=statement,
            entry_key="api-1",
            booking_date=datetime.date(2025, 2, 15),
            value_date=datetime.date(2025, 2, 15),
            amount=D("100.00"),
            is_credit=True,
            counterparty_name="Unbekannt",
            status=BankEntry.Status.REVIEW,
        )

        def objects(side: str) -> dict[str, int]:
            quarter = network.own_quarter if side == "own" else network.foreign_quarter
            application = network.own_application if side == "own" else network.foreign_application
            fund = quarter.fund
            guarantee = application.guarantees.first()
            return {
                "municipality": quarter.municipality_id,
                "quarter": quarter.pk,
                "fund": fund.pk,
                "contribution": fund.contributions.first().pk,
                "application": application.pk,
                "guarantor": guarantee.guarantor_id,
                "guarantee": guarantee.pk,
                "committee": ballots[side].committee_id,
                "ballot": ballots[side].pk,
                "vote": Vote.objects.get(case__ballot=ballots[side]).pk,
                "loan": loans[side].pk,
                "instalment": loans[side].instalments.filter(is_current=True).first().pk,
                "payment": payments[side].pk,
                "contact": contacts[side].pk,
                "statement": statement.pk,
                "bank-entry": entry.pk,
            }

        return World(
            network=network,
            own=objects("own"),
            foreign=objects("foreign"),
            own_loan=loans["own"],
            foreign_loan=loans["foreign"],
            open_ballot=open_ballot,
            foreign_member=foreign_member,
        )
