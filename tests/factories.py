"""Factories for the network. Build objects inside `scopes_disabled()` (the `db` fixtures in
conftest do that for you)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from committees.models import Committee, CommitteeMembership
from miqua.accounts.models import Role, User
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter

PASSWORD = "test-password-123"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stadt {n}")
    slug = factory.Sequence(lambda n: f"stadt-{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sparkasse {n}")
    kind = Organisation.Kind.SAVINGS_BANK


class QuarterFactory(DjangoModelFactory):
    class Meta:
        model = Quarter

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")


class LiabilityFundFactory(DjangoModelFactory):
    class Meta:
        model = LiabilityFund

    quarter = factory.SubFactory(QuarterFactory)
    name = factory.LazyAttribute(lambda o: f"Haftungsfonds {o.quarter.name}")
    leverage_factor = Decimal("5.00")


class FundContributionFactory(DjangoModelFactory):
    class Meta:
        model = FundContribution

    fund = factory.SubFactory(LiabilityFundFactory)
    partner = factory.SubFactory(OrganisationFactory)
    paid_on = datetime.date(2009, 2, 1)
    amount = Decimal("10000.00")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@miqua.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.ADVISOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def quarters(self, create: bool, extracted: list[Quarter] | None, **kwargs: object) -> None:
        if create and extracted:
            self.advised_quarters.set(extracted)
        if create:
            self.save()


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Vergabeausschuss {n}")
    quarter = factory.SubFactory(QuarterFactory)
    municipality = None


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    member = factory.SubFactory(UserFactory, role=Role.COMMITTEE_MEMBER)
    starts_on = datetime.date(2020, 1, 1)
