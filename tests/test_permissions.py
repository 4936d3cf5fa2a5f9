"""Every rule holds on its own, outside any quarter scope (a task, a command, the admin).

The rules are read from django-rules' registry for our apps, so a rule added tomorrow is
checked here without touching this file. Each is asked, with scopes disabled, by one user of
every role about the objects of two quarters that mirror each other:

- the own quarter (Offenbach), which every role sees: the advisor advises it, the committee
  member chairs its committee, the municipality viewer's municipality holds it;
- a foreign quarter (Duisburg), which only staff and administrators see. The committee member
  sat on its committee until yesterday, so the ballot decided on a day they were a member is
  one the role part of the rules would still grant them.

Three worlds are compared by swapping the roles' resolvers in `miqua.accounts.scoping` (the
extension point the committees app fills): the real one, one where everybody sees every
quarter (the rules' answer without the quarter check), and one where nobody sees any.
"""

import datetime
from dataclasses import dataclass

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services as committee_services
from committees.models import Ballot, BallotCase, Committee, CommitteeMembership, Vote
from credits import services as credit_services
from credits.models import Application
from credits.workflow import COMMITTEE_STEPS, TRANSITIONS
from miqua.accounts import scoping
from miqua.accounts.models import Role, User
from miqua.audit.models import AuditEntry
from miqua.audit.services import audit_record
from quarters.models import FundContribution, Quarter
from tests import factories
from tests.conftest import Network

S = Application.Status

# The app labels of the project's rules; a rule of any other label fails
# test_every_rule_belongs_to_an_app_checked_here, so that none escapes this file.
OUR_APPS = {
    "accounts",
    "audit",
    "quarters",
    "credits",
    "guarantors",
    "committees",
    "monitoring",
    "privacy",
}
NON_STAFF = ("advisor", "committee_member", "municipality_viewer")


def our_permissions() -> list[str]:
    return sorted(name for name in rules.permissions.permissions if name.split(".")[0] in OUR_APPS)


@dataclass
class World:
    users: dict[str, User]
    own: dict[str, object]
    foreign: dict[str, object]


def _quarter_objects(
    network: Network, quarter: Quarter, draft: Application, member: User
) -> dict[str, object]:
    """One object of every quarter-owned kind the rules are asked about, in `quarter`."""
    staff = network.staff
    advisor = draft.advisor
    committee = Committee.objects.filter(quarter=quarter).first() or factories.CommitteeFactory(
        quarter=quarter
    )
    # The member chairs the committee: for the rule of closing a ballot.
    CommitteeMembership.objects.update_or_create(
        committee=committee,
        member=member,
        starts_on=datetime.date(2020, 1, 1),
        defaults={"is_chair": True},
    )
    municipality_committee = factories.CommitteeFactory(
        quarter=None, municipality=quarter.municipality
    )
    submitted = factories.ApplicationFactory(quarter=quarter, advisor=advisor, status=S.SUBMITTED)
    before = factories.ApplicationFactory(
        quarter=quarter, advisor=advisor, status=S.BEFORE_COMMITTEE
    )
    approved = factories.ApplicationFactory(quarter=quarter, advisor=advisor, status=S.APPROVED)
    # A meeting ten days ago: its members are those of that day.
    ballot = Ballot.objects.create(
        committee=committee,
        kind=Ballot.Kind.MEETING,
        title=f"Sitzung {quarter.name}",
        meeting_on=timezone.now() - datetime.timedelta(days=10),
        opened_by=staff,
    )
    case = BallotCase.objects.create(ballot=ballot, application=before, quarter=quarter)
    vote = Vote.objects.create(
        case=case, quarter=quarter, member=member, choice=Vote.Choice.APPROVE
    )
    municipality_ballot = Ballot.objects.create(
        committee=municipality_committee,
        kind=Ballot.Kind.WRITTEN,
        title=f"Umlauf {quarter.municipality.name}",
        deadline=timezone.now() + datetime.timedelta(days=3),
        opened_by=staff,
    )
    guarantee = draft.guarantees.first()
    return {
        "quarter": quarter,
        "fund": quarter.fund,
        "contribution": FundContribution.objects.filter(fund__quarter=quarter).first(),
        "borrower": draft.borrower,
        "draft": draft,
        "submitted": submitted,
        "before committee": before,
        "approved": approved,
        "guarantee": guarantee,
        "guarantor": guarantee.guarantor,
        "committee": committee,
        "membership": CommitteeMembership.objects.get(committee=committee, member=member),
        "ballot": ballot,
        "case": case,
        "vote": vote,
        "municipality committee": municipality_committee,
        "municipality ballot": municipality_ballot,
        "audit entry": audit_record(
            actor=staff, action="application.created", obj=draft, quarter_id=quarter.pk
        ),
    }


@pytest.fixture
def world(network, unscoped) -> World:
    member = network.committee_member
    foreign_member = factories.UserFactory(role=Role.COMMITTEE_MEMBER)
    own = _quarter_objects(network, network.own_quarter, network.own_application, member)
    foreign = _quarter_objects(
        network, network.foreign_quarter, network.foreign_application, foreign_member
    )
    # Until yesterday the network's member also sat on the foreign committee, on the day of its
    # meeting: the role part of the ballot rules still says yes, the quarter check must not.
    factories.CommitteeMembershipFactory(
        committee=foreign["committee"],
        member=member,
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert set(own) == set(foreign)
    return World(users=network.users_by_role(), own=own, foreign=foreign)


def answers(world: World, objects: dict[str, object]) -> dict[tuple[str, str, str], bool]:
    """Every rule asked by every user about every object, with scopes disabled."""
    for user in world.users.values():
        scoping.forget_visible_quarters(user)
    with scopes_disabled():
        return {
            (perm, role, kind): user.has_perm(perm, obj)
            for perm in our_permissions()
            for role, user in world.users.items()
            for kind, obj in objects.items()
        }


@pytest.fixture
def every_role_sees(monkeypatch):
    """Switch to a world where every role's resolver answers `quarters` (None: all)."""

    def switch(quarters: list[int] | None) -> None:
        monkeypatch.setattr(scoping, "_resolvers", {role: lambda user: quarters for role in Role})

    return switch


def granted(result: dict[tuple[str, str, str], bool]) -> list[tuple[str, str, str]]:
    return sorted(key for key, answer in result.items() if answer)


def test_every_rule_belongs_to_an_app_checked_here():
    labels = {name.split(".")[0] for name in rules.permissions.permissions}
    assert labels <= OUR_APPS, "a rule of an app this test does not know: add its label"
    # The workflow's steps are rules too, one per step.
    assert {t.perm for t in TRANSITIONS.values()} <= set(our_permissions())


def test_every_rule_refuses_a_foreign_quarters_object(world):
    result = answers(world, world.foreign)

    leaks = [(perm, role, kind) for perm, role, kind in granted(result) if role in NON_STAFF]
    assert leaks == []
    # Staff and administrators see every quarter: the foreign one too.
    assert result[("credits.prepare_application", "staff", "submitted")]
    assert result[("committees.close_ballot", "administrator", "ballot")]


def test_on_its_own_quarters_objects_every_rule_answers_as_without_the_quarter_check(
    world, every_role_sees
):
    real = answers(world, world.own)
    every_role_sees(None)
    without_check = answers(world, world.own)

    assert real == without_check


def test_every_rule_carries_the_quarter_check(world, every_role_sees):
    """Where nobody sees any quarter, no rule grants anyone anything about any object: a rule
    registered without the quarter check would."""
    every_role_sees([])

    granting = {perm for perm, _role, _kind in granted(answers(world, world.own))}
    granting |= {perm for perm, _role, _kind in granted(answers(world, world.foreign))}
    assert sorted(granting) == []


def test_the_refusals_are_not_vacuous(world, every_role_sees):
    """Every rule grants someone something on the own quarter's objects, and for every role the
    rules without the quarter check would grant some of the foreign quarter's objects: the
    refusals above are the quarter check's doing."""
    real = answers(world, world.own)
    passable = {perm for perm, _role, _kind in granted(real)}
    # The committee's steps are no person's: its ballot takes them (credits.workflow).
    nobodys = {TRANSITIONS[name].perm for name in COMMITTEE_STEPS}
    assert passable == set(our_permissions()) - nobodys
    assert not passable & nobodys

    every_role_sees(None)
    without_check = granted(answers(world, world.foreign))
    for role in NON_STAFF:
        assert any(r == role for _perm, r, _kind in without_check), role
    # The example: an advisor changing another quarter's draft.
    assert ("credits.change_application", "advisor", "draft") in without_check
    assert ("quarters.view_quarter_page", "municipality_viewer", "quarter") in without_check
    assert ("committees.vote", "committee_member", "ballot") in without_check


def test_asked_without_an_object_the_role_decides(world):
    users = world.users
    with scopes_disabled():
        assert users["advisor"].has_perm("credits.add_application")
        assert users["advisor"].has_perm("credits.transition_submit")
        assert not users["advisor"].has_perm("credits.transition_approve")
        assert users["committee_member"].has_perm("committees.view_ballots")
        assert not users["municipality_viewer"].has_perm("credits.view_application")


def test_a_service_outside_a_scope_refuses_a_foreign_quarters_application(world):
    advisor = world.users["advisor"]
    draft = world.foreign["draft"]

    with scopes_disabled(), pytest.raises(PermissionDenied):
        credit_services.application_transition(application=draft, name="withdraw", actor=advisor)
    with scopes_disabled():
        assert Application.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_former_member_cannot_vote_on_or_close_a_foreign_ballot_outside_a_scope(world):
    member = world.users["committee_member"]
    ballot = world.foreign["ballot"]

    with scopes_disabled():
        with pytest.raises(PermissionDenied):
            committee_services.vote_cast(
                case=world.foreign["case"], member=member, choice=Vote.Choice.REJECT
            )
        with pytest.raises(PermissionDenied):
            committee_services.ballot_close(ballot=ballot, actor=member)
        assert not Vote.objects.filter(member=member, case=world.foreign["case"]).exists()
        assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN
        assert not AuditEntry.objects.filter(action="ballot.closed").exists()
