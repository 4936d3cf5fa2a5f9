"""Shared fixtures: a small network of two municipalities, each with a quarter and a fund, and
one user of every role. "own" is always Offenbach's quarter, "foreign" Duisburg's."""

import os
from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

from credits.models import Application
from miqua.accounts.models import Role, User
from quarters.models import LiabilityFund, Quarter

from . import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _clear_cache() -> None:
    """Empty the cache; on Redis only this test run's keys, never a developer's other data."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{cache.key_prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _no_rate_limit_leaks(settings):
    # The login rate limit lives in the cache: one test's failed logins must not lock another.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"miqua-test-{os.getpid()}"}
        for name, config in settings.CACHES.items()
    }
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _no_read_cache(settings):
    """Tests build their data with factories, which write no audit entry: the read cache would
    keep a page's figures across them. tests/test_read_cache.py turns it on."""
    from miqua.audit import read_cache

    settings.MIQUA_READ_CACHE_SECONDS = 0
    read_cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tests run tasks in-process, whatever REDIS_URL says; tests/test_celery_worker.py is the one
    that sends tasks through the real broker to a real worker."""
    from miqua.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = not bool(os.environ.get("REDIS_URL"))


@pytest.fixture
def unscoped():
    """Test setup and inspection outside any request: no quarter scope applies."""
    with scopes_disabled():
        yield


@dataclass
class Network:
    own_quarter: Quarter
    own_fund: LiabilityFund
    sibling_quarter: Quarter  # same municipality as own_quarter, not advised by the advisor
    foreign_quarter: Quarter
    foreign_fund: LiabilityFund
    advisor: User
    foreign_advisor: User
    committee_member: User
    staff: User
    administrator: User
    municipality_viewer: User
    foreign_municipality_viewer: User
    own_application: Application
    foreign_application: Application

    def users_by_role(self) -> dict[str, User]:
        return {
            "advisor": self.advisor,
            "committee_member": self.committee_member,
            "municipality_viewer": self.municipality_viewer,
            "staff": self.staff,
            "administrator": self.administrator,
        }


@pytest.fixture
def network(db) -> Network:
    with scopes_disabled():
        offenbach = factories.MunicipalityFactory(name="Offenbach am Main", slug="offenbach")
        duisburg = factories.MunicipalityFactory(name="Duisburg", slug="duisburg")
        own_fund = factories.LiabilityFundFactory(
            quarter__municipality=offenbach,
            quarter__name="Östliche Innenstadt",
            quarter__slug="offenbach-oestliche-innenstadt",
        )
        sibling = factories.LiabilityFundFactory(
            quarter__municipality=offenbach,
            quarter__name="Nordend",
            quarter__slug="offenbach-nordend",
        ).quarter
        foreign_fund = factories.LiabilityFundFactory(
            quarter__municipality=duisburg,
            quarter__name="Hochfeld",
            quarter__slug="duisburg-hochfeld",
        )
        factories.FundContributionFactory(fund=own_fund)
        factories.FundContributionFactory(fund=foreign_fund)
        committee = factories.CommitteeFactory(quarter=own_fund.quarter)
        member = factories.UserFactory(role=Role.COMMITTEE_MEMBER, email="member@miqua.example")
        factories.CommitteeMembershipFactory(committee=committee, member=member)
        factories.LoanProductFactory()
        advisor = factories.UserFactory(
            role=Role.ADVISOR, email="advisor@miqua.example", quarters=[own_fund.quarter]
        )
        foreign_advisor = factories.UserFactory(
            role=Role.ADVISOR, email="advisor.du@miqua.example", quarters=[foreign_fund.quarter]
        )
        # A draft in each quarter with two guarantors covering half of the 5.000 € asked for.
        applications = []
        for quarter, author in (
            (own_fund.quarter, advisor),
            (foreign_fund.quarter, foreign_advisor),
        ):
            application = factories.ApplicationFactory(quarter=quarter, advisor=author)
            factories.GuaranteeFactory(application=application)
            factories.GuaranteeFactory(application=application)
            applications.append(application)
        return Network(
            own_quarter=own_fund.quarter,
            own_fund=own_fund,
            sibling_quarter=sibling,
            foreign_quarter=foreign_fund.quarter,
            foreign_fund=foreign_fund,
            advisor=advisor,
            foreign_advisor=foreign_advisor,
            committee_member=member,
            staff=factories.UserFactory(role=Role.STAFF, email="staff@miqua.example"),
            administrator=factories.UserFactory(
                role=Role.ADMINISTRATOR, email="admin@miqua.example", is_superuser=True
            ),
            municipality_viewer=factories.UserFactory(
                role=Role.MUNICIPALITY_VIEWER, email="city@miqua.example", municipality=offenbach
            ),
            foreign_municipality_viewer=factories.UserFactory(
                role=Role.MUNICIPALITY_VIEWER, email="city.du@miqua.example", municipality=duisburg
            ),
            own_application=applications[0],
            foreign_application=applications[1],
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true nothing may skip: a missing PostgreSQL, Redis or Chromium is a failure."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is a failure: {report.longrepr}"


@pytest.fixture
def second_staff(network):
    """A second member of the back office: the four eyes of a payout or a rescheduling."""
    with scopes_disabled():
        return factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
