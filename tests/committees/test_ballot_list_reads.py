"""The ballot list asks the database who sat on a committee on a ballot's day (one query for
the list); it must agree with the rule `committees.view_ballot` for every ballot."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees.models import Ballot, Committee
from miqua.accounts.models import Role

from .. import factories
from ..clients import client_for


def test_the_list_shows_a_member_the_ballots_of_the_days_they_sat_on_it(network):
    today = timezone.localdate()
    with scopes_disabled():
        committee = Committee.objects.get(quarter=network.own_quarter)
        newcomer = factories.UserFactory(role=Role.COMMITTEE_MEMBER, email="neu@miqua.example")
        factories.CommitteeMembershipFactory(
            committee=committee, member=newcomer, starts_on=today - datetime.timedelta(days=10)
        )
        ballots = {}
        for name, days_ago, kind in (
            ("before", 30, Ballot.Kind.WRITTEN),
            ("since", 5, Ballot.Kind.WRITTEN),
            ("meeting-before", 20, Ballot.Kind.MEETING),
            ("meeting-since", 2, Ballot.Kind.MEETING),
        ):
            moment = timezone.now() - datetime.timedelta(days=days_ago)
            ballot = Ballot.objects.create(
                committee=committee,
                kind=kind,
                title=name,
                deadline=timezone.now() + datetime.timedelta(days=3),
                meeting_on=moment if kind == Ballot.Kind.MEETING else None,
                opened_by=network.staff,
                status=Ballot.Status.CLOSED,
                closed_at=timezone.now(),
            )
            Ballot.objects.filter(pk=ballot.pk).update(opened_at=moment)
            ballots[name] = Ballot.objects.get(pk=ballot.pk)
        allowed = {
            name for name, b in ballots.items() if newcomer.has_perm("committees.view_ballot", b)
        }
    page = client_for(newcomer).get(reverse("ballot_list"))
    listed = {b.title for b in page.context["closed_ballots"]}
    assert listed == allowed == {"since", "meeting-since"}
