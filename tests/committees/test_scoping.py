"""Committees, their memberships and ballots are scoped like every quarter-owned model: by the
`quarter` dimension of django-scopes. A committee of a municipality lies in every one of its
quarters, and appears once however many of them the scope holds."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from committees import permissions as committee_permissions
from committees.models import Ballot, Committee, CommitteeMembership
from credits import permissions as credit_permissions
from miqua.accounts import scoping
from miqua.accounts.models import Role
from tests import factories


@pytest.fixture
def committees(network):
    with scopes_disabled():
        own = Committee.objects.get(quarter=network.own_quarter)
        city = factories.CommitteeFactory(
            name="Vergabeausschuss Offenbach",
            quarter=None,
            municipality=network.own_quarter.municipality,
        )
        sibling = factories.CommitteeFactory(name="Nordend", quarter=network.sibling_quarter)
        foreign = factories.CommitteeFactory(name="Hochfeld", quarter=network.foreign_quarter)
        for committee in (own, city, sibling, foreign):
            factories.CommitteeMembershipFactory(committee=committee)
            Ballot.objects.create(
                committee=committee,
                kind=Ballot.Kind.WRITTEN,
                title=committee.name,
                deadline=timezone.now() + datetime.timedelta(days=3),
                opened_by=network.staff,
            )
    return {"own": own, "city": city, "sibling": sibling, "foreign": foreign}


def names(queryset) -> list[str]:
    return sorted(str(obj) for obj in queryset)


@pytest.mark.parametrize("model", [Committee, CommitteeMembership, Ballot])
def test_a_query_outside_a_scope_raises(committees, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()


def test_a_quarters_scope_holds_its_committee_and_its_municipalitys(committees, network):
    with scope(quarter=[network.own_quarter.pk]):
        visible = list(Committee.objects.all())
        ballots = {b.committee for b in Ballot.objects.all()}
        memberships = {m.committee for m in CommitteeMembership.objects.all()}

    assert set(visible) == {committees["own"], committees["city"]}
    assert ballots == memberships == set(visible)


def test_a_municipality_committee_appears_once_for_several_of_its_quarters(committees, network):
    with scope(quarter=[network.own_quarter.pk, network.sibling_quarter.pk]):
        visible = list(Committee.objects.order_by("name"))
        city_ballots = Ballot.objects.filter(committee=committees["city"]).count()

    assert visible == sorted(
        [committees["own"], committees["city"], committees["sibling"]], key=lambda c: c.name
    )
    assert city_ballots == 1


def test_every_quarter_and_no_quarter(committees, network):
    with scope(quarter=None):
        assert Committee.objects.count() == 4
        assert Ballot.objects.count() == 4
    with scope(quarter=[]):
        assert not Committee.objects.exists()
        assert not CommitteeMembership.objects.exists()
    # As django-scopes: one quarter may be given without a list.
    with scope(quarter=network.foreign_quarter.pk):
        assert list(Committee.objects.all()) == [committees["foreign"]]


def test_a_related_manager_keeps_the_scope(committees, network):
    with scope(quarter=[network.foreign_quarter.pk]):
        assert committees["own"].memberships.count() == 0
        assert committees["foreign"].memberships.count() == 1


def test_with_scope_overrides_the_active_one(committees, network):
    own = [network.own_quarter.pk]
    with scopes_disabled():
        assert Committee.objects.with_scope(quarter=own).count() == 2
    with scope(quarter=[]):
        assert Committee.objects.with_scopes_disabled().count() == 4


def test_a_member_sees_the_quarters_of_the_committees_they_sit_on_today(committees, network):
    member = network.committee_member
    assert scoping.visible_quarter_ids(member) == [network.own_quarter.pk]

    with scopes_disabled():
        factories.CommitteeMembershipFactory(committee=committees["city"], member=member)
    scoping.forget_visible_quarters(member)
    assert scoping.visible_quarter_ids(member) == sorted(
        [network.own_quarter.pk, network.sibling_quarter.pk]
    )

    with scopes_disabled():
        CommitteeMembership.objects.filter(member=member).update(
            ends_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    scoping.forget_visible_quarters(member)
    assert scoping.visible_quarter_ids(member) == []


def test_the_committees_app_fills_the_extension_points_below_it():
    # The network learns the committee member's quarters, credits their extra readers, from
    # committees' AppConfig.ready(): neither imports committees.
    from committees.selectors import member_quarter_ids

    assert scoping._resolvers[Role.COMMITTEE_MEMBER] is member_quarter_ids
    assert committee_permissions.reads_case_before_their_committee in (
        credit_permissions._extra_readers
    )


def test_a_role_has_one_resolver():
    with pytest.raises(ImproperlyConfigured):
        scoping.register_visible_quarters(Role.COMMITTEE_MEMBER, lambda user: [])
    with pytest.raises(ImproperlyConfigured):
        scoping.register_visible_quarters("treasurer", lambda user: [])
